"""Live servers for the tests: the real CLI preparation, a tiny-preset pipeline, uvicorn on 127.0.0.1."""

from __future__ import annotations

import json
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pytest

from memflow_ext.app.cli import REPO_ROOT, build_parser, make_pipeline, prepare
from memflow_ext.app.live.server import ServerThread, open_service


@dataclass
class LiveServer:
    url: str  # http://127.0.0.1:PORT
    ws_url: str  # ws://127.0.0.1:PORT/ws
    live_root: Path  # <output_folder>/live
    thread: ServerThread

    def stop(self) -> None:
        self.thread.stop()


def start_server(out: Path, plugins: str = "agent,memory,profile,storyboard", overrides: list[str] | None = None,
                 token: str | None = None, interactive: bool = True) -> LiveServer:
    config = "interactive_inference.yaml" if interactive else "inference.yaml"
    args = build_parser("test", "test", config).parse_intermixed_args(
        ["--serve", "--plugins", plugins, "--port", "0", f"output_folder={out}", *(overrides or [])]
        + (["--token", token] if token else []))
    p = prepare(args, interactive)
    pipe = make_pipeline(p["cfg"], p["pm"])
    service = open_service(pipe, p["cfg"], p["out_root"], p["run_fp"], p["plugins"], interactive, ["test"])
    th = ServerThread(service, token=p["token"]).start()
    return LiveServer(th.url, th.ws_url, service.ctx.live_root, th)


@pytest.fixture(scope="module")
def live_server(tmp_path_factory: pytest.TempPathFactory) -> Iterator[LiveServer]:
    """One server (agent, memory, profile, storyboard; interactive config) shared by a test module; streams run
    one at a time."""
    server = start_server(tmp_path_factory.mktemp("live"))
    yield server
    server.stop()


class Client:
    """A real WebSocket client (the `websockets` library) with helpers to read the protocol."""

    def __init__(self, url: str, **kwargs: Any) -> None:
        from websockets.sync.client import connect

        self.ws = connect(url, max_size=None, **kwargs).__enter__()

    def send(self, **msg: Any) -> None:
        self.ws.send(json.dumps(msg))

    def recv(self, timeout: float = 120.0) -> dict[str, Any] | bytes:
        m = self.ws.recv(timeout=timeout)
        return m if isinstance(m, bytes) else json.loads(m)

    def until(self, kind: str, timeout: float = 120.0) -> tuple[dict[str, Any], list[Any]]:
        """Read until a message of `kind`; returns it and everything read before it."""
        seen = []
        while True:
            m = self.recv(timeout)
            if isinstance(m, dict) and m["type"] == kind:
                return m, seen
            seen.append(m)

    def block(self, timeout: float = 120.0) -> tuple[dict[str, Any], list[bytes], list[dict[str, Any]]]:
        """The next block message, its frames, and the text messages that came before it."""
        head, before = self.until("block", timeout)
        frames = [self.ws.recv(timeout=timeout) for _ in range(head["frames"])]
        return head, frames, [m for m in before if isinstance(m, dict)]

    def close(self) -> None:
        self.ws.close()

    def __enter__(self) -> Client:
        return self

    def __exit__(self, *exc: Any) -> None:
        self.close()


REPO = REPO_ROOT
