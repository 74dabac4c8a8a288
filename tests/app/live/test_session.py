"""A live stream waits for its client between blocks (no running ahead of what was sent)."""

from __future__ import annotations

import json
import threading
from types import SimpleNamespace

from memflow_ext.app.live.protocol import Start
from memflow_ext.app.live.session import LiveStream


def stream(tmp_path, backlog):
    ctx = SimpleNamespace(live_root=tmp_path, cfg=SimpleNamespace(seed=0))
    return LiveStream(ctx, Start("a heron", None, 3), lambda item: None, backlog)


def test_the_next_block_waits_until_the_last_one_was_sent(tmp_path):
    queued = [4]

    def backlog():  # the pump sends one message per look
        queued[0] = max(0, queued[0] - 1)
        return queued[0]

    stream(tmp_path, backlog)._wait_for_client()
    assert queued[0] == 0


def test_stop_or_a_vanished_client_ends_the_wait(tmp_path):
    s = stream(tmp_path, lambda: 7)  # a client that never takes its messages
    waiter = threading.Thread(target=s._wait_for_client)
    waiter.start()
    waiter.join(0.2)
    assert waiter.is_alive()  # still waiting
    s.detach()  # the client is gone: nothing is pending for it any more
    waiter.join(5)
    assert not waiter.is_alive()
    s2 = stream(tmp_path, lambda: 7)
    s2.request_stop("stop")
    s2._wait_for_client()  # returns at once


def test_a_stream_that_cannot_be_saved_sends_error_and_leaves_nothing(tmp_path, mocker):
    from tests.helpers import fake_ffmpeg

    from .conftest import Client, start_server

    server = start_server(tmp_path / "out", plugins="none", interactive=False)
    try:
        fake_ffmpeg(tmp_path, mocker, "trailer")  # the disk fills while the video is written
        with Client(server.ws_url) as c:
            c.send(type="start", prompt="A lighthouse at night.", max_frames=3)
            started, _ = c.until("started")
            err, _ = c.until("error")
        folder = server.live_root / started["stream"]
        assert err["message"] == (f"the stream could not be saved, nothing kept: cannot write {folder / 'video.mp4'}: "
                                  "ffmpeg could not write it: ffmpeg reported an error: [out#0/mp4] Error writing "
                                  "trailer: No space left on device")
        assert not folder.exists() and not list(server.live_root.glob(".*.partial"))
    finally:
        server.stop()
    run = json.loads((server.live_root / "run.json").read_text())
    assert run["videos"][started["stream"]]["status"] == "failed"
