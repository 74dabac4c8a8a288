"""Who may use the live server: Origin and Host checks (DNS rebinding), the token kept out of every log line."""

from __future__ import annotations

import http.client
import logging
import os
import re
import signal
import socket
import subprocess
import sys
import urllib.request

import pytest
from websockets.exceptions import InvalidStatus

from memflow_ext.app.live.guard import RedactToken, RequestGuard, is_loopback_name, redact, split_host
from memflow_ext.config import ConfigError, check_allow_origins, load_config, parse_origin

from .conftest import REPO, Client, start_server

PAGE = "http://page.example:8080"


def scope(kind: str = "websocket", **headers: str) -> dict:
    return {"type": kind, "scheme": "ws" if kind == "websocket" else "http",
            "headers": [(k.replace("_", "-").encode(), v.encode()) for k, v in headers.items()]}


@pytest.mark.parametrize("text,ok", [
    ("http://localhost:3000", True), ("https://EXAMPLE.com", True), ("http://[::1]:80/", True),
    ("null", False), ("file://", False), ("ftp://x.org", False), ("http://x.org/path", False),
    ("http://user@x.org", False), ("http://x.org:99999", False), ("", False), ("x.org:80", False),
])
def test_parse_origin(text, ok):
    assert (parse_origin(text) is not None) is ok


def test_origins_compare_host_and_port_with_default_ports():
    assert parse_origin("https://EXAMPLE.com") == parse_origin("https://example.com:443/")
    assert str(parse_origin("http://[::1]")) == "http://[::1]:80"
    assert split_host("LocalHost:7860", "ws") == ("localhost", 7860)
    assert split_host("[::1]", "ws") == ("::1", 80) and split_host("a.b", "wss") == ("a.b", 443)
    assert split_host("a:b:c", "ws") is None and split_host("", "ws") is None
    assert all(map(is_loopback_name, ["localhost", "app.localhost", "127.0.0.1", "127.9.9.9", "::1"]))
    assert not any(map(is_loopback_name, ["evil.example.com", "10.0.0.1", "0.0.0.0", "localhost.evil.com"]))


def test_allow_origins_are_validated_at_load():
    assert load_config(overrides=["live.allow_origins=[http://localhost:3000]"]).live.allow_origins == \
        ["http://localhost:3000"]
    with pytest.raises(ConfigError, match=r"live.allow_origins\[1\]='ftp://x.org' is not a web origin"):
        load_config(overrides=["live.allow_origins=[http://a.b,'ftp://x.org']"])
    with pytest.raises(ConfigError, match=r"--allow-origin\[0\]='x.org' is not a web origin"):
        check_allow_origins(["x.org"], where="--allow-origin")


def test_guard_decisions():
    open_bind = RequestGuard(None, loopback=False, port=7860, allow_origins=[PAGE])
    loop = RequestGuard(None, loopback=True, port=7860)
    ok = {"host": "myhost.lan:7860"}
    assert open_bind.refusal(scope(**ok)) is None  # no Origin: not a browser
    assert open_bind.refusal(scope(**ok, origin="http://myhost.lan:7860")) is None  # the page's own origin
    assert open_bind.refusal(scope(**ok, origin=PAGE)) is None  # --allow-origin
    assert "is not this server's page" in open_bind.refusal(scope(**ok, origin="http://evil.example.com"))
    assert "is not this server's page" in open_bind.refusal(scope(**ok, origin="http://myhost.lan:7861"))
    assert "is not a web origin" in open_bind.refusal(scope(**ok, origin="null"))
    assert open_bind.refusal(scope("http", **ok, origin="http://evil.example.com")) is None  # pages are public
    assert loop.refusal(scope("http", host="127.0.0.1:7860")) is None
    assert loop.refusal(scope(host="localhost:7860", origin="http://localhost:7860")) is None
    assert loop.refusal(scope(host="[::1]:7860")) is None
    for host in ("evil.example.com:7860", "127.0.0.1:7861", "localhost", "127.0.0.1.nip.io:7860"):
        for kind in ("http", "websocket"):
            assert "is not a loopback name or address with port 7860" in loop.refusal(scope(kind, host=host))
    assert "is not a loopback name" in loop.refusal(scope("http"))  # no Host at all


def test_redaction_covers_query_values_and_the_token_itself():
    assert redact('1.2.3.4 - "WebSocket /ws?token=abc%20def&x=1" 403') == '1.2.3.4 - "WebSocket /ws?token=***&x=1" 403'
    assert redact("GET /?TOKEN=s3cret-token HTTP/1.1") == "GET /?TOKEN=*** HTTP/1.1"
    assert redact("bearer s3cret-token seen", "s3cret-token") == "bearer *** seen"
    record = logging.LogRecord("uvicorn.access", logging.INFO, __file__, 1, '%s - "%s %s HTTP/%s" %d',
                               ("1.2.3.4:5", "GET", "/?token=s3cret-token", "1.1", 200), None)
    RedactToken("s3cret-token").filter(record)
    assert "s3cret-token" not in record.getMessage() and "/?token=***" in record.getMessage()


@pytest.fixture(scope="module")
def server(tmp_path_factory):
    s = start_server(tmp_path_factory.mktemp("guard"), plugins="none", interactive=False,
                     overrides=["live.allow_origins=[http://tools.example:3000]"])
    yield s
    s.stop()


def port_of(server) -> int:
    return int(server.url.rsplit(":", 1)[1])


def test_foreign_origin_handshake_is_refused_with_403(server):
    for origin in ("http://evil.example.com", "null", f"http://127.0.0.1:{port_of(server) + 1}"):
        with pytest.raises(InvalidStatus) as e:
            Client(server.ws_url, origin=origin)
        assert e.value.response.status_code == 403, origin
    assert not [p for p in server.live_root.iterdir() if p.is_dir()]  # nothing streamed, nothing written


@pytest.mark.parametrize("origin", ["same", "http://tools.example:3000"])
def test_same_origin_and_allowed_origin_handshakes_stream(server, origin):
    origin = server.url if origin == "same" else origin
    with Client(server.ws_url, origin=origin) as c:
        c.send(type="start", prompt="A lighthouse at night.", max_frames=3)
        c.until("started")
        saved, _ = c.until("saved")
    assert saved["frames"] == 3


def test_foreign_host_is_refused_with_403_for_http_and_websocket(server):
    port = port_of(server)
    conn = http.client.HTTPConnection("127.0.0.1", port, timeout=30)
    conn.request("GET", "/", headers={"Host": f"evil.example.com:{port}"})  # a rebound DNS name
    r = conn.getresponse()
    assert r.status == 403 and b"not a loopback name" in r.read()
    conn.close()
    with urllib.request.urlopen(server.url + "/", timeout=30) as ok:  # the real name is served
        assert ok.status == 200 and b"<html" in ok.read().lower()
    sock = socket.create_connection(("127.0.0.1", port))
    with pytest.raises(InvalidStatus) as e:  # the handshake's Host is the URL's: evil.example.com:port
        Client(f"ws://evil.example.com:{port}/ws", sock=sock)
    assert e.value.response.status_code == 403


def test_a_real_server_never_prints_its_token(tmp_path):
    token = "tok-1234-SECRET-5678"
    proc = subprocess.Popen([sys.executable, str(REPO / "agent_inference.py"), "--serve", "--port", "0",
                             "--plugins", "none", "--token", token, f"output_folder={tmp_path}"],
                            stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True,
                            env={**os.environ, "IAMFLOW_LIVE_TOKEN": ""})
    try:
        first = proc.stdout.readline()
        m = re.search(r"http://127\.0\.0\.1:(\d+)/", first)
        assert m, (first, proc.stderr.read() if proc.poll() is not None else "")
        base = f"127.0.0.1:{m.group(1)}"
        with urllib.request.urlopen(f"http://{base}/?token={token}", timeout=30) as r:
            assert r.status == 200
        with Client(f"ws://{base}/ws?token={token}") as c:  # accepted
            c.send(type="stop")
            assert "nothing to stop" in c.recv()["message"]
        for wrong in (token[:-1], token + "x"):  # refused guesses close to the token
            with pytest.raises(InvalidStatus):
                Client(f"ws://{base}/ws?token={wrong}")
        proc.send_signal(signal.SIGINT)
        out, err = proc.communicate(timeout=120)
    finally:
        if proc.poll() is None:
            proc.kill()
            proc.wait()
    assert proc.returncode == 0, err
    text = first + out + err
    assert '"WebSocket /ws?token=***" [accepted]' in text and '"WebSocket /ws?token=***" 403' in text
    assert "GET /?token=*** HTTP/1.1" in text  # the access log is on (default log level) and redacted
    assert token[:-1] not in text and "SECRET" not in text
    assert token not in "".join(p.read_text(errors="replace") for p in tmp_path.rglob("*") if p.is_file())
