"""`--serve` from the command line: startup checks, and Ctrl-C saving the stream in progress."""

from __future__ import annotations

import json
import os
import re
import signal
import subprocess
import sys

import pytest

from memflow_ext.app.batch import is_complete, read_meta
from memflow_ext.app.cli import build_parser, prepare, redact_argv
from memflow_ext.config import ConfigError

from .conftest import REPO, Client


def cli(*argv: str) -> list[str]:
    return [sys.executable, str(REPO / "agent_interactive_inference.py"), *argv]


def prep(*argv: str):
    return prepare(build_parser("t", "t", "interactive_inference.yaml").parse_intermixed_args(list(argv)), True)


def test_a_non_local_bind_without_token_is_refused_at_startup(tmp_path):
    r = subprocess.run(cli("--serve", "--host", "0.0.0.0", f"output_folder={tmp_path}"), capture_output=True,
                       text=True, timeout=120, env={**os.environ, "IAMFLOW_LIVE_TOKEN": ""})
    assert r.returncode == 2
    assert "--host 0.0.0.0 listens beyond this machine; give --token" in r.stderr
    assert not (tmp_path / "live").exists()  # refused before anything was made


def test_bind_and_batch_option_checks(tmp_path):
    out = f"output_folder={tmp_path}"
    with pytest.raises(ConfigError, match="at least 8 characters"):
        prep("--serve", "--token", "short", out)
    assert prep("--serve", "--host", "0.0.0.0", "--token", "long-enough", out)["token"] == "long-enough"
    assert prep("--serve", "--host", "localhost", out)["cfg"].live.host == "localhost"
    with pytest.raises(ConfigError, match="--data-path, --limit is|--data-path, --limit are"):
        prep("--serve", "--data-path", "x.txt", "--limit", "1", out)
    with pytest.raises(ConfigError, match="options of --serve"):
        prep("--port", "9000", out)
    with pytest.raises(ConfigError, match="live.jpeg_quality=0"):
        prep("--serve", "live.jpeg_quality=0", out)
    assert prep("--serve", "--allow-origin", "http://a.example:3000", "--allow-origin", "https://b.example",
                "live.allow_origins=[http://c.example]", out)["cfg"].live.allow_origins == \
        ["http://c.example", "http://a.example:3000", "https://b.example"]
    with pytest.raises(ConfigError, match=r"--allow-origin\[0\]='null' is not a web origin"):
        prep("--serve", "--allow-origin", "null", out)
    with pytest.raises(ConfigError, match="--allow-origin are options of --serve"):
        prep("--allow-origin", "http://a.example", out)
    assert redact_argv(["--serve", "--token", "abcdefgh", "--token=abcdefgh"]) == \
        ["--serve", "--token", "***", "--token=***"]


def test_a_taken_port_is_reported_before_the_model_is_built(tmp_path):
    import socket

    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        s.listen(1)
        port = s.getsockname()[1]
        r = subprocess.run(cli("--serve", "--port", str(port), "--plugins", "none", f"output_folder={tmp_path}"),
                           capture_output=True, text=True, timeout=120)
    assert r.returncode == 2 and f"cannot listen on 127.0.0.1:{port}" in r.stderr


@pytest.mark.slow
def test_ctrl_c_saves_the_stream_in_progress_then_stops(tmp_path):
    proc = subprocess.Popen(cli("--serve", "--port", "0", "--plugins", "agent,memory,profile", "--token",
                                "a-secret-token", f"output_folder={tmp_path}"),
                            stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
    try:
        line = proc.stdout.readline()
        m = re.search(r"http://127\.0\.0\.1:(\d+)/", line)
        assert m, (line, proc.stderr.read() if proc.poll() is not None else "")
        with Client(f"ws://127.0.0.1:{m.group(1)}/ws?token=a-secret-token") as c:
            c.send(type="start", prompt="A baker named Lou kneads dough at dawn.", max_frames=300)
            started, _ = c.until("started")
            c.block()
            proc.send_signal(signal.SIGINT)
            saved, _ = c.until("saved")
        assert proc.wait(timeout=120) == 0
    finally:
        if proc.poll() is None:
            proc.kill()
            proc.wait()
    folder = tmp_path / "live" / started["stream"]
    assert saved["folder"] == str(folder.resolve()) and is_complete(folder)
    meta = read_meta(folder)
    assert meta["stop"] == "server stopping" and 0 < meta["num_output_frames"] < 300
    run = json.loads((tmp_path / "live" / "run.json").read_text())
    assert run["status"] == "done" and run["videos"][started["stream"]]["status"] == "done"
    assert "a-secret-token" not in json.dumps(run) and "***" in run["argv"]
    assert not [p for p in (tmp_path / "live").iterdir() if p.name.endswith(".partial")]
