"""The live server on 127.0.0.1 with a real WebSocket client (tiny preset, agent + memory + profile + storyboard)."""

from __future__ import annotations

import io
import json
import socket
import time

import imageio.v2 as imageio
import pytest
import torch
from PIL import Image
from safetensors.torch import load_file

from memflow_ext.app.batch import is_complete, read_meta
from memflow_ext.presets import get_preset

from .conftest import Client, start_server

FPB = 3  # num_frame_per_block of configs/interactive_inference.yaml


def frame_size(server) -> tuple[int, int]:
    cfg = server.thread.service.ctx.cfg
    p = get_preset(cfg.preset)
    return (cfg.width or p.width, cfg.height or p.height)


def folder_of(saved: dict):
    from pathlib import Path

    return Path(saved["folder"])


def test_start_streams_blocks_of_decodable_jpegs_and_stop_saves_a_complete_folder(live_server):
    with Client(live_server.ws_url) as c:
        c.send(type="start", prompt="A sailor named Ines mends a net on a quiet pier.", seed=3, max_frames=30)
        started, _ = c.until("started")
        assert started["max_frames"] == 30 and started["interactive"] is True and started["seed"] == 3
        jpegs = []
        head, frames, before = c.block()
        assert [m["type"] for m in before] == ["switch"]  # prompt 0 with the agent's entities
        assert before[0]["prompt_index"] == 0 and before[0]["start_frame"] == 0
        assert any(e["surface"] for e in before[0]["entities"])
        assert {k: head[k] for k in ("block_index", "start_frame", "prompt_index")} == \
            {"block_index": 0, "start_frame": 0, "prompt_index": 0}
        assert head["frames"] == len(frames) > 0 and head["ms"] > 0 and head["profile_ms"] > 0
        for f in frames:
            assert isinstance(f, bytes)
            img = Image.open(io.BytesIO(f))
            img.load()
            assert img.format == "JPEG" and img.size == frame_size(live_server)
        jpegs += frames
        head, frames, _ = c.block()
        assert head["block_index"] == 1 and head["start_frame"] == FPB
        jpegs += frames
        c.send(type="stop")
        saved, rest = c.until("saved")
    blocks = [m for m in rest if isinstance(m, dict) and m["type"] == "block"]
    jpegs += [m for m in rest if isinstance(m, bytes)]
    folder = folder_of(saved)
    assert folder.parent == live_server.live_root and folder.name == started["stream"]
    assert is_complete(folder)
    meta = read_meta(folder)
    n_blocks = 2 + len(blocks)
    assert saved["frames"] == meta["num_output_frames"] == n_blocks * FPB < 30
    assert meta["stop"] == "stop" and meta["max_frames"] == 30 and meta["seed"] == 3
    assert meta["prompts"] == ["A sailor named Ines mends a net on a quiet pier."]
    assert meta["switch_frame_indices"] == [] and meta["fingerprint"]["max_frames"] == 30
    assert {"video.mp4", "latents.safetensors", "profile.json", "mapping.json"} <= set(meta["files"])
    assert load_file(folder / "latents.safetensors")["latents"].shape[1] == meta["num_output_frames"]
    with imageio.get_reader(folder / "video.mp4", format="FFMPEG") as r:
        assert r.count_frames() == len(jpegs)  # every frame sent is in the saved video
    run = json.loads((live_server.live_root / "run.json").read_text())
    assert run["videos"][started["stream"]]["status"] == "done"
    assert run["videos"][started["stream"]]["folder"] == str(folder)


def test_prompt_mid_run_applies_at_the_next_block_and_equals_a_batch_run(live_server):
    first, second = "A boy named Theo flies a red kite on a hill.", "Theo runs down the hill, the kite trailing."
    with Client(live_server.ws_url) as c:
        c.send(type="start", prompt=first, seed=11, max_frames=36)
        c.until("started")
        c.block()
        last, _, _ = c.block()  # the last block received when the prompt is sent
        c.send(type="prompt", prompt=second)
        switch = None
        while True:
            head, _, before = c.block()
            switch = switch or next((m for m in before if m["type"] == "switch"), None)
            if head["prompt_index"] == 1:
                break
            assert head["prompt_index"] == 0
        assert switch is not None and switch["prompt_index"] == 1 and switch["prompt"] == second
        assert switch["start_frame"] == head["start_frame"]  # the first block carrying the new prompt
        assert head["block_index"] <= last["block_index"] + 2
        assert [e["id"] for e in switch["entities"] if e["surface"].startswith("Theo")] == \
            [e["id"] for e in switch["entities"] if e["surface"] == "Theo"]
        c.block()
        c.send(type="stop")
        saved, _ = c.until("saved")
    meta = read_meta(folder_of(saved))
    assert meta["prompts"] == [first, second] and meta["switch_frame_indices"] == [switch["start_frame"]]
    # the same inputs as a batch run (same plugins, same pipeline): the same latents
    pipe = live_server.thread.service.ctx.pipe
    batch = pipe.generate([first, second], [switch["start_frame"]], seed=11, num_frames=36, decode=False,
                          progress=False)
    live = load_file(folder_of(saved) / "latents.safetensors")["latents"]
    torch.testing.assert_close(live, batch.latents[:, : live.shape[1]].float(), rtol=0, atol=0)


def test_second_client_is_busy_and_bad_messages_get_errors_while_the_stream_goes_on(live_server):
    with Client(live_server.ws_url) as a, Client(live_server.ws_url) as b:
        a.send(type="start", prompt="An old fisherman rows a small boat at dawn.", max_frames=60)
        a.until("started")
        a.block()
        b.send(type="start", prompt="A cat sleeps.")
        assert b.recv() == {"type": "busy"}
        b.send(type="prompt", prompt="A dog barks.")
        assert b.recv()["type"] == "error"  # not b's stream
        b.send(type="stop")
        assert b.recv()["type"] == "error"
        bad = ["not json", json.dumps({"type": "jump"}), json.dumps({"type": "prompt", "prompt": ""}),
               json.dumps({"type": "prompt", "prompt": "x" * 5000}),
               json.dumps({"type": "start", "prompt": "x", "max_frames": 10**6}),
               json.dumps({"type": "start", "prompt": "x", "max_frames": 4}),
               json.dumps({"type": "start", "prompt": "x", "output": "/tmp/elsewhere"}),
               "[" * 30000 + "]" * 30000,  # nested beyond the JSON parser's recursion limit
               json.dumps({"type": "prompt", "prompt": "A dog\u0000 barks."})]
        for m in bad:
            a.ws.send(m)
        a.ws.send(b"\x00binary")
        errors = []
        while len(errors) < len(bad) + 1:
            m = a.recv()
            if isinstance(m, dict):
                assert m["type"] in ("error", "block"), m
                if m["type"] == "error":
                    errors.append(m["message"])
                else:
                    assert m["prompt_index"] == 0  # nothing changed
        assert any("not JSON" in e for e in errors) and any("unknown message type" in e for e in errors)
        assert any("max_frames" in e for e in errors) and any("binary" in e for e in errors)
        assert any("nested more than" in e for e in errors) and any("control character U+0000" in e for e in errors)
        head, _, _ = a.block()  # the stream goes on
        assert head["prompt_index"] == 0
        a.send(type="stop")
        saved, _ = a.until("saved")
    meta = read_meta(folder_of(saved))
    assert meta["prompts"] == ["An old fisherman rows a small boat at dawn."] and meta["switch_frame_indices"] == []


def test_stop_right_after_start_still_saves_one_block(live_server):
    with Client(live_server.ws_url) as c:
        c.send(type="start", prompt="A heron stands in shallow water.", max_frames=60)
        c.send(type="stop")
        saved, seen = c.until("saved")
    assert [m["type"] for m in seen if isinstance(m, dict)] == ["started", "switch", "block"]
    assert saved["frames"] == FPB and is_complete(folder_of(saved))


def test_start_without_max_frames_streams_past_num_output_frames_until_stop(live_server):
    cfg = live_server.thread.service.ctx.cfg
    with Client(live_server.ws_url) as c:
        c.send(type="start", prompt="A heron wades through reeds while a boy watches from the bank.", seed=5)
        started, _ = c.until("started")
        assert started["until_stop"] is True and started["temporal_factor"] == 4
        assert started["max_frames"] == cfg.live.max_frames // FPB * FPB > cfg.num_output_frames
        video, memory = 0, []
        while True:
            head, frames, before = c.block()
            memory += [m for m in before if m["type"] == "memory"]
            video += len(frames)
            assert (head["latent_frames"], head["video_frames"]) == (head["start_frame"] + FPB, video)
            assert head["seconds"] == round(video / cfg.fps, 3)
            if head["latent_frames"] > cfg.num_output_frames + FPB:  # past the config's length, still streaming
                break
        c.send(type="stop")
        saved, rest = c.until("saved")
    memory += [m for m in rest if isinstance(m, dict) and m["type"] == "memory"]
    assert saved["latent_frames"] == saved["frames"] > cfg.num_output_frames + FPB
    assert saved["video_frames"] == 1 + 4 * (saved["frames"] - 1)
    assert saved["seconds"] == round(saved["video_frames"] / cfg.fps, 3)
    folder = folder_of(saved)
    meta = read_meta(folder)
    assert meta["stop"] == "stop" and meta["num_output_frames"] == saved["frames"]
    # the memory's changes arrived as they happened, each frame with the video frame that shows it
    assert memory and all(f["video_frame"] == 4 * f["latent_frame"] for m in memory for f in m["frames"])
    logged = json.loads((folder / "storyboard.json").read_text())  # saved with the stream
    shown = [(g["block_index"], [f["latent_frame"] for f in g["frames"]]) for r in logged["rows"] for g in r["memory"]]
    sent = [(m["block_index"], [f["latent_frame"] for f in m["frames"]]) for m in memory]
    assert shown == sent and (folder / "storyboard.png").is_file()


def test_idle_messages_get_errors(live_server):
    with Client(live_server.ws_url) as c:
        c.send(type="prompt", prompt="A dog barks.")
        assert "send 'start' first" in c.recv()["message"]
        c.send(type="stop")
        assert "nothing to stop" in c.recv()["message"]


def test_a_vanished_client_leaves_a_saved_folder_and_the_server_takes_the_next_stream(live_server):
    before = {p.name for p in live_server.live_root.iterdir()}
    c = Client(live_server.ws_url)
    c.send(type="start", prompt="A girl named Mira waters tomatoes in a garden.", max_frames=60)
    started, _ = c.until("started")
    c.block()
    c.ws.socket.shutdown(socket.SHUT_RDWR)  # gone without a closing handshake
    c.ws.socket.close()
    folder = live_server.live_root / started["stream"]
    deadline = time.monotonic() + 120
    while not is_complete(folder):
        assert time.monotonic() < deadline, f"{folder} was not saved"
        time.sleep(0.1)
    meta = read_meta(folder)
    assert meta["stop"] == "client gone" and 0 < meta["num_output_frames"] < 60
    assert not [p for p in live_server.live_root.iterdir() if p.name.endswith(".partial")], \
        (started, sorted(p.name for p in live_server.live_root.iterdir()))
    with Client(live_server.ws_url) as d:  # the next stream starts (not busy)
        d.send(type="start", prompt="A dog digs in the sand.", max_frames=6)
        nxt, _ = d.until("started")
        saved, _ = d.until("saved")  # max_frames reached
    assert nxt["stream"] not in before and read_meta(folder_of(saved))["stop"] == "max_frames"


def test_token_is_checked_on_the_websocket_handshake(tmp_path):
    from websockets.exceptions import InvalidStatus

    server = start_server(tmp_path, plugins="none", token="s3cret-token")
    try:
        with pytest.raises(InvalidStatus) as e:
            Client(server.ws_url)
        assert e.value.response.status_code == 403
        with pytest.raises(InvalidStatus):
            Client(server.ws_url + "?token=wrong-token")
        with Client(server.ws_url + "?token=s3cret-token") as c:
            c.send(type="start", prompt="A lighthouse at night.", max_frames=3)
            c.until("started")
            saved, _ = c.until("saved")
        assert is_complete(folder_of(saved))
    finally:
        server.stop()


def test_single_prompt_server_refuses_prompt_switches(tmp_path):
    server = start_server(tmp_path, plugins="none", interactive=False)
    try:
        with Client(server.ws_url) as c:
            c.send(type="start", prompt="A lighthouse at night.", max_frames=9)
            started, _ = c.until("started")
            assert started["interactive"] is False
            c.send(type="prompt", prompt="A ship passes.")
            err, _ = c.until("error")
            assert "agent_interactive_inference.py --serve" in err["message"]
            saved, _ = c.until("saved")
        assert read_meta(folder_of(saved))["prompts"] == ["A lighthouse at night."]
    finally:
        server.stop()


def test_stop_while_generating_saves_on_server_shutdown(tmp_path):
    server = start_server(tmp_path, plugins="profile")
    with Client(server.ws_url) as c:
        c.send(type="start", prompt="Rain falls on a tin roof.", max_frames=90)
        started, _ = c.until("started")
        c.block()
        server.stop()  # as Ctrl-C: the stream in progress is saved first
        saved, _ = c.until("saved")
    meta = read_meta(folder_of(saved))
    assert meta["stop"] == "server stopping" and meta["num_output_frames"] < 90
    run = json.loads((server.live_root / "run.json").read_text())
    assert run["status"] == "done" and run["videos"][started["stream"]]["status"] == "done"
