"""The transition plugin in live mode: a switch sent from a client blends like a batch switch."""

from __future__ import annotations

import json
from pathlib import Path

import torch
from safetensors.torch import load_file

from memflow_ext.app.batch import read_meta

from .conftest import Client, start_server


def test_a_live_switch_blends_like_a_batch_switch(tmp_path):
    first, second = "A fox walks through fresh snow.", "The fox curls up under a pine tree."
    server = start_server(tmp_path, plugins="transition", overrides=["transition.blocks=2"])
    try:
        with Client(server.ws_url) as c:
            c.send(type="start", prompt=first, seed=5, max_frames=30)
            c.until("started")
            c.block()
            c.send(type="prompt", prompt=second)
            while c.block()[0]["prompt_index"] == 0:
                pass
            c.block()
            c.block()  # past the two blended blocks
            c.send(type="stop")
            saved, _ = c.until("saved")
        folder = Path(saved["folder"])
        meta = read_meta(folder)
        assert len(meta["switch_frame_indices"]) == 1 and "transition.json" in meta["files"]
        live = json.loads((folder / "transition.json").read_text())["switches"]
        pipe = server.thread.service.ctx.pipe
        batch = pipe.generate([first, second], meta["switch_frame_indices"], seed=5, num_frames=30, decode=False,
                              progress=False)
        ref = batch.run.extras["transition"]["switches"]
        key = [(s["start_block"], s["blocks"], s["weights"]) for s in ref]
        assert [(s["start_block"], s["blocks"], s["weights"]) for s in live] == key and key[0][1] == 2
        latents = load_file(folder / "latents.safetensors")["latents"]
        assert torch.equal(latents, batch.latents[:, : latents.shape[1]].float())
        # the blend is real: the same switch as a hard cut gives other latents
        pipe.pm.get_plugin("transition").settings.blocks = 0
        cut = pipe.generate([first, second], meta["switch_frame_indices"], seed=5, num_frames=30, decode=False,
                            progress=False)
        assert not torch.equal(cut.latents[:, : latents.shape[1]].float(), latents)
    finally:
        server.stop()
