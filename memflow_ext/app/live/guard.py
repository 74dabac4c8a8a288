"""Who may use the live server: the request checks that run before any route, and the token kept out of logs.

A browser lets any page it shows open a WebSocket to any address, the user's own machine included,
and sends the page's origin in the `Origin` header; a DNS name an attacker controls can also be
made to point at 127.0.0.1 (DNS rebinding), and then the browser's requests carry that name in
`Host`. So, before any route runs:

- a WebSocket handshake is accepted only without `Origin` (a client that is not a browser) or when
  the `Origin`'s host and port are the request's `Host` (the server's own page), or the origin is
  one of `live.allow_origins` (`--allow-origin`); `Origin: null` (sandboxed frames, files) is refused;
- on a loopback bind (127.0.0.1, ::1, localhost) every request whose `Host` is not a loopback name or
  address with the server's port is refused, HTTP and WebSocket alike.

Refusals are HTTP 403. The token travels in the query string (`?token=`); `RedactToken` replaces its
value by `***` in every uvicorn log line (the access log included).
"""

from __future__ import annotations

import ipaddress
import logging
import re
from collections.abc import Iterable
from typing import Any
from urllib.parse import urlsplit

from loguru import logger

from memflow_ext.config import DEFAULT_PORTS, parse_origin

LOOPBACK_NAMES = ("localhost",)
SHOWN_HEADER_CHARS = 80  # a refused request's header as it appears in the log, at most
TOKEN_IN_QUERY = re.compile(r"(token=)[^&\s\"']*", re.IGNORECASE)
REDACTED = "***"


def split_host(value: str, scheme: str) -> tuple[str, int] | None:
    """A `Host` header `name[:port]` -> (lower-case name, port); None when it is not one."""
    try:
        u = urlsplit(f"//{value.strip()}")
        port = u.port
    except ValueError:
        return None
    if not u.hostname or u.username is not None or u.path or u.query or u.fragment:
        return None
    return u.hostname.lower(), port if port is not None else DEFAULT_PORTS.get(scheme, 80)


def is_loopback_name(host: str) -> bool:
    """`localhost` (and its subdomains) or a loopback address; no name lookup (the attacker's DNS answers it)."""
    if host in LOOPBACK_NAMES or host.endswith(".localhost"):
        return True
    try:
        return ipaddress.ip_address(host).is_loopback
    except ValueError:
        return False


def _shown(value: str | None) -> str:
    return "none" if value is None else repr(value[:SHOWN_HEADER_CHARS])


class RequestGuard:
    """ASGI middleware: the Host and Origin checks of the module docstring, before `app` sees the request."""

    def __init__(self, app: Any, *, loopback: bool, port: int, allow_origins: Iterable[str] = ()) -> None:
        self.app = app
        self.loopback = loopback
        self.port = port
        self.allowed = {o for o in map(parse_origin, allow_origins) if o is not None}

    def refusal(self, scope: dict[str, Any]) -> str | None:
        """Why this request is refused, or None when it may go on."""
        headers = {k.decode("latin-1").lower(): v.decode("latin-1") for k, v in scope.get("headers", [])}
        host_header = headers.get("host")
        host = split_host(host_header, scope.get("scheme", "http")) if host_header is not None else None
        if self.loopback and (host is None or not is_loopback_name(host[0]) or host[1] != self.port):
            return (f"Host {_shown(host_header)} is not a loopback name or address with port {self.port} "
                    "(this server listens on loopback only)")
        if scope["type"] != "websocket" or "origin" not in headers:
            return None
        origin = parse_origin(headers["origin"])
        if origin is None:
            return f"Origin {_shown(headers['origin'])} is not a web origin"
        if origin in self.allowed or (host is not None and (origin.host, origin.port) == host):
            return None
        return (f"Origin {_shown(headers['origin'])} is not this server's page ({_shown(host_header)}); "
                "--allow-origin (live.allow_origins) adds an origin")

    async def __call__(self, scope: dict[str, Any], receive: Any, send: Any) -> None:
        if scope["type"] not in ("http", "websocket"):
            await self.app(scope, receive, send)
            return
        why = self.refusal(scope)
        if why is None:
            await self.app(scope, receive, send)
            return
        logger.warning(f"live server: refused a {'WebSocket' if scope['type'] == 'websocket' else 'HTTP'} "
                       f"request (403): {why}")
        if scope["type"] == "websocket":
            await receive()  # websocket.connect
            await send({"type": "websocket.close", "code": 1008})  # before accept: HTTP 403
            return
        body = f"403 Forbidden: {why}\n".encode()
        await send({"type": "http.response.start", "status": 403,
                    "headers": [(b"content-type", b"text/plain; charset=utf-8"),
                                (b"content-length", str(len(body)).encode())]})
        await send({"type": "http.response.body", "body": body})


def redact(text: str, token: str | None = None) -> str:
    """`text` with every `token=...` query value (and the token itself, wherever it appears) as `***`."""
    text = TOKEN_IN_QUERY.sub(rf"\g<1>{REDACTED}", text)
    return text.replace(token, REDACTED) if token else text


class RedactToken(logging.Filter):
    """A logging filter that redacts the token in a record's message and its arguments (uvicorn's access
    log builds its line from the arguments, so both are rewritten rather than the formatted text)."""

    def __init__(self, token: str | None = None) -> None:
        super().__init__()
        self.token = token

    def filter(self, record: logging.LogRecord) -> bool:
        if isinstance(record.msg, str):
            record.msg = redact(record.msg, self.token)
        if isinstance(record.args, tuple):
            record.args = tuple(redact(a, self.token) if isinstance(a, str) else a for a in record.args)
        elif isinstance(record.args, dict):
            record.args = {k: redact(v, self.token) if isinstance(v, str) else v for k, v in record.args.items()}
        return True


def uvicorn_log_config(token: str | None) -> dict[str, Any]:
    """uvicorn's own logging setup with `RedactToken` on each of its handlers."""
    import copy

    from uvicorn.config import LOGGING_CONFIG

    conf = copy.deepcopy(LOGGING_CONFIG)
    conf.setdefault("filters", {})["redact_token"] = {"()": RedactToken, "token": token}
    for handler in conf["handlers"].values():
        handler.setdefault("filters", []).append("redact_token")
    return conf
