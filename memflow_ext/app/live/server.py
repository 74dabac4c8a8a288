"""The live-mode server: a Starlette app on uvicorn, one generating stream at a time.

Routes: `GET /` (the page), `GET /page/<file>` (its script and style), WebSocket `/ws` (the
protocol of `protocol.py`). The listening socket is bound before the model is built, so a taken port
or a refused address is reported at once. Listening beyond the loopback interface needs a token,
which a client gives as `/ws?token=...` (checked on the WebSocket handshake; the page passes on the
`?token=` of its own address). Every request first passes `guard.RequestGuard` (the `Origin` and
`Host` checks that keep other web pages out), and uvicorn's log lines never show the token.

Ctrl-C (or SIGTERM) stops the server after the stream in progress has finished its block and been
saved; a second Ctrl-C stops waiting for connections (the save still completes before the process
ends).
"""

from __future__ import annotations

import asyncio
import contextlib
import hmac
import ipaddress
import signal
import socket
import threading
import time
from pathlib import Path
from typing import Any

from loguru import logger

from memflow_ext.app.live.guard import RequestGuard, uvicorn_log_config
from memflow_ext.app.live.protocol import Limits, Prompt, ProtocolError, Start, Stop, dumps, parse_client_message
from memflow_ext.app.live.session import LiveContext, LiveStream, stream_cap
from memflow_ext.config import ConfigError, IAMFlowConfig

PAGE_DIR = Path(__file__).resolve().parent / "page"
MIN_TOKEN_CHARS = 8
CLOSE_POLICY = 1008  # WebSocket close code: policy violation (a wrong or missing token)
FLUSH_S = 5.0  # at shutdown, the longest wait for queued messages to reach the clients


def is_loopback(host: str) -> bool:
    """Whether every address `host` names is a loopback address (so only this machine can connect)."""
    try:
        infos = socket.getaddrinfo(host, None)
    except OSError as e:
        raise ConfigError(f"--host {host}: cannot resolve it ({e.strerror or e}); use an address such as "
                          "127.0.0.1") from None
    return all(ipaddress.ip_address(str(info[4][0]).split("%")[0]).is_loopback for info in infos)


def check_bind(host: str, token: str | None) -> None:
    """A host other than loopback needs a token of at least MIN_TOKEN_CHARS characters."""
    if token is not None and len(token) < MIN_TOKEN_CHARS:
        raise ConfigError(f"--token must have at least {MIN_TOKEN_CHARS} characters")
    if not is_loopback(host) and token is None:
        raise ConfigError(f"--host {host} listens beyond this machine; give --token SECRET (or set "
                          "IAMFLOW_LIVE_TOKEN): clients then connect to /ws?token=SECRET, the page to /?token=SECRET")


def bind(host: str, port: int) -> socket.socket:
    """The listening socket (bound now: a taken port is an error before any model is built)."""
    family = socket.AF_INET6 if ":" in host else socket.AF_INET
    try:
        addr = socket.getaddrinfo(host, port, family, socket.SOCK_STREAM)[0][4]
        sock = socket.socket(family, socket.SOCK_STREAM)
        sock.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
        sock.bind(addr)
    except OSError as e:
        raise ConfigError(f"cannot listen on {host}:{port} ({e.strerror or e}); choose another --port "
                          "(live.port) or --host") from None
    sock.listen(16)
    sock.set_inheritable(True)
    return sock


def open_service(pipe: Any, cfg: IAMFlowConfig, out_root: Path, run_fp: dict[str, Any], plugins: list[str],
                 interactive: bool, argv: list[str] | None = None) -> LiveService:
    """The live root `<out_root>/live` (its config.yaml and run.json entry for this server) and the service."""
    from memflow_ext.app.batch import DistInfo, Manifest, load_history, remove_stale_partials
    from memflow_ext.config import to_yaml
    from memflow_ext.io_utils import atomic_write_text

    live_root = out_root / "live"
    live_root.mkdir(parents=True, exist_ok=True)
    remove_stale_partials(live_root)
    atomic_write_text(live_root / "config.yaml", to_yaml(cfg))
    manifest = Manifest(live_root / "run.json", cfg, DistInfo(), plugins=list(plugins), argv=argv)
    manifest.history = load_history(live_root / "run.json")
    manifest.save()
    ctx = LiveContext(pipe=pipe, cfg=cfg, live_root=live_root, run_fp=run_fp, manifest=manifest,
                      interactive=interactive)
    limits = Limits(max_prompt_chars=cfg.live.max_prompt_chars, max_frames=stream_cap(cfg),
                    frames_per_block=cfg.num_frame_per_block)
    return LiveService(ctx, limits)


class LiveService:
    """Hands out the one stream slot and stops the stream in progress at shutdown."""

    def __init__(self, ctx: LiveContext, limits: Limits) -> None:
        self.ctx = ctx
        self.limits = limits
        self.current: LiveStream | None = None
        self.outboxes: set[asyncio.Queue] = set()  # one per connected client: messages not yet sent
        self._lock = threading.Lock()

    def try_start(self, start: Start, send: Any, backlog: Any = None) -> LiveStream | None:
        """A new stream, or None when one is generating (the client gets `busy`). `backlog()` counts the
        messages queued for the client and not yet sent (the stream waits for them between blocks)."""
        with self._lock:
            if self.current is not None and self.current.alive:
                return None
            stream = LiveStream(self.ctx, start, send, backlog)
            self.current = stream
            stream.thread.start()
            return stream

    def close(self, status: str = "done") -> None:
        """After the server stopped: the stream in progress is saved and run.json says how the server ended."""
        self.stop("server stopped", wait=True)
        m = self.ctx.manifest
        with self.ctx.lock:
            m.status, m.ended = status, time.time()
            m.save()

    def stop(self, reason: str, wait: bool = True) -> None:
        """Stop the stream in progress (it saves what it made) and, with `wait`, wait for the save."""
        with self._lock:
            stream = self.current
        if stream is not None and stream.alive:
            logger.warning(f"live stream {stream.id}: {reason}; finishing its block and saving")
            stream.request_stop(reason)
            if wait:
                stream.thread.join()


def make_app(service: LiveService, token: str | None = None, *, loopback: bool = True, port: int = 0) -> Any:
    """The ASGI app: the page and the `/ws` protocol behind the request guard (`loopback`: the server listens
    on a loopback address, `port` its port)."""
    from starlette.applications import Starlette
    from starlette.responses import FileResponse
    from starlette.routing import Mount, Route, WebSocketRoute
    from starlette.staticfiles import StaticFiles
    from starlette.websockets import WebSocket

    async def page(request: Any) -> FileResponse:
        return FileResponse(PAGE_DIR / "index.html", media_type="text/html")

    async def ws_endpoint(websocket: WebSocket) -> None:
        given = websocket.query_params.get("token", "")
        if token is not None and not hmac.compare_digest(given.encode(), token.encode()):
            await websocket.close(code=CLOSE_POLICY)  # before accept: the handshake is refused (HTTP 403)
            return
        await websocket.accept()
        await _serve_client(websocket, service)

    app = Starlette(routes=[
        Route("/", page),
        Mount("/page", StaticFiles(directory=PAGE_DIR), name="page"),
        WebSocketRoute("/ws", ws_endpoint),
    ])
    return RequestGuard(app, loopback=loopback, port=port, allow_origins=service.ctx.cfg.live.allow_origins)


async def _serve_client(websocket: Any, service: LiveService) -> None:
    """One connection: read the client's messages, pump the stream's messages to it."""
    loop = asyncio.get_running_loop()
    outbox: asyncio.Queue[str | bytes] = asyncio.Queue()

    def send(item: str | bytes) -> None:  # from any thread
        with contextlib.suppress(RuntimeError):  # the loop is closed: the server is gone
            loop.call_soon_threadsafe(outbox.put_nowait, item)

    async def pump() -> None:
        while True:
            await _send(websocket, await outbox.get())

    sender = asyncio.create_task(pump())
    service.outboxes.add(outbox)
    mine: LiveStream | None = None
    try:
        while True:
            msg = await websocket.receive()
            if msg["type"] == "websocket.disconnect":
                break
            text = msg.get("text")
            if text is None:
                send(dumps("error", message="binary messages are not accepted; send JSON text messages"))
                continue
            try:
                m = parse_client_message(text, service.limits)
            except ProtocolError as e:
                send(dumps("error", message=str(e)))
                continue
            generating = mine is not None and mine.alive
            if isinstance(m, Start):
                stream = service.try_start(m, send, outbox.qsize)
                if stream is None:
                    send(dumps("busy"))
                else:
                    mine = stream
            elif isinstance(m, Prompt):
                if not generating:
                    send(dumps("error", message="no stream of this connection is generating; send 'start' first"))
                elif not service.ctx.interactive:
                    send(dumps("error", message="this server generates single-prompt videos and cannot switch "
                                                "prompts; serve with agent_interactive_inference.py --serve"))
                elif mine is not None:  # generating
                    mine.request_prompt(m.prompt)
            elif isinstance(m, Stop):
                if generating and mine is not None:
                    mine.request_stop("stop")
                else:
                    send(dumps("error", message="no stream of this connection is generating; nothing to stop"))
    finally:
        service.outboxes.discard(outbox)
        if mine is not None and mine.alive:
            mine.detach()
            mine.request_stop("client gone")
        sender.cancel()


async def _send(websocket: Any, item: str | bytes) -> None:
    """A JPEG frame as a binary message, anything else as text."""
    if isinstance(item, bytes):
        await websocket.send_bytes(item)
    else:
        await websocket.send_text(item)


def make_server(service: LiveService, token: str | None, sock: socket.socket, log_level: str = "warning") -> Any:
    """A uvicorn server on `sock` whose Ctrl-C first lets the stream in progress finish and save."""
    import uvicorn

    class Server(uvicorn.Server):
        stopping = False

        def handle_exit(self, sig: int, frame: Any) -> None:
            if self.stopping:  # a second signal: stop waiting for connections
                self.should_exit = self.force_exit = True
                return
            self.stopping = True

            def finish() -> None:
                service.stop("server stopping", wait=True)
                deadline = time.monotonic() + FLUSH_S  # let the clients' last messages (`saved`) go out
                while any(not q.empty() for q in list(service.outboxes)) and time.monotonic() < deadline:
                    time.sleep(0.02)
                self.should_exit = True

            threading.Thread(target=finish, name="live-shutdown", daemon=True).start()

    host, port = sock.getsockname()[:2]
    app = make_app(service, token, loopback=ipaddress.ip_address(host.split("%")[0]).is_loopback, port=port)
    config = uvicorn.Config(app, log_level=log_level, lifespan="off", timeout_graceful_shutdown=5,
                            log_config=uvicorn_log_config(token))
    return Server(config)


def run_server(service: LiveService, sock: socket.socket, token: str | None, log_level: str = "warning") -> None:
    """Serve on `sock` until Ctrl-C / SIGTERM; the stream in progress is saved before this returns."""
    server = make_server(service, token, sock, log_level)
    status = "failed"
    try:
        server.run(sockets=[sock])
        status = "done"
    finally:
        service.close(status)


class ServerThread:
    """A live server on a background thread (tests, benchmarks): `url`, then `stop()`."""

    def __init__(self, service: LiveService, host: str = "127.0.0.1", port: int = 0, token: str | None = None) -> None:
        self.service = service
        self.sock = bind(host, port)
        self.server = make_server(service, token, self.sock)
        self.thread = threading.Thread(target=self.server.run, kwargs={"sockets": [self.sock]}, daemon=True,
                                       name="live-server")
        h, p = self.sock.getsockname()[:2]
        self.url = f"http://{h}:{p}"
        self.ws_url = f"ws://{h}:{p}/ws"

    def start(self, timeout: float = 30.0) -> ServerThread:
        self.thread.start()
        t0 = time.monotonic()
        while not self.server.started:
            if not self.thread.is_alive() or time.monotonic() - t0 > timeout:
                raise RuntimeError(f"the live server on {self.url} did not start")
            time.sleep(0.02)
        return self

    def stop(self) -> None:
        """As Ctrl-C: the stream in progress is saved, then the server stops."""
        self.server.handle_exit(signal.SIGINT, None)
        self.thread.join()
        self.service.close()
