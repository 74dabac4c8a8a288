"""`text_encoder_placement`: device | cpu | offload give the same latents through scripted and live
switches (with and without the agent), and the placement logic moves what it says it moves.

On a machine without a GPU the accelerator is the CPU, so where tensors end up cannot tell the
placements apart; the record of moves (`TextPlacement.moves`) and the bytes held per block can."""

from __future__ import annotations

import pytest
import torch

from hooks.manager import build_plugin_manager
from memflow_ext.config import ConfigError, load_config
from memflow_ext.models.text_placement import Move, TextPlacement, module_bytes
from memflow_ext.pipelines.builder import build_pipeline
from memflow_ext.pipelines.iam import IAMPipeline

PROMPTS = ["a red fox runs through deep snow", "an old owl sits on a pine branch"]
FRAMES = 12
SWITCH = 6


def pipeline(placement: str, plugins: tuple[str, ...] = ()):
    cfg = load_config(overrides=["preset=tiny", f"num_output_frames={FRAMES}", f"text_encoder_placement={placement}",
                                 "device=cpu"])
    if not plugins:
        return build_pipeline(cfg)
    return build_pipeline(cfg, IAMPipeline, plugin_manager=build_plugin_manager(list(plugins), cfg))


def scripted_and_live(pipe) -> tuple[torch.Tensor, torch.Tensor]:
    batch = pipe.generate(PROMPTS, [SWITCH], seed=3, decode=False, progress=False).latents
    stream = pipe.open_stream(PROMPTS[0], seed=3, max_frames=FRAMES, decode=False)
    while not stream.finished:
        if stream.frames_done == SWITCH:
            stream.switch_prompt(PROMPTS[1])  # encoded when the switch is applied, mid-stream
        stream.next_block()
    return batch, stream.close().latents


@pytest.mark.parametrize("plugins", [(), ("agent", "memory")])
def test_three_placements_give_the_same_latents(plugins):
    ref_batch, ref_live = scripted_and_live(pipeline("device", plugins))
    assert torch.equal(ref_batch, ref_live)
    for placement in ("cpu", "offload"):
        pipe = pipeline(placement, plugins)
        assert pipe.text_encoder.placement.placement == placement
        batch, live = scripted_and_live(pipe)
        assert torch.equal(batch, ref_batch) and torch.equal(live, ref_live), placement
        moves = pipe.text_encoder.placement.moves
        # batch: both prompts at init; live: the first at open, the second at the switch
        per_encode = {"cpu": 2, "offload": 2 + 2 * (len(pipe.text_encoder.model.encoder.block) + 1)}[placement]
        assert len(moves) == 4 * per_encode


def test_default_is_device_and_bad_values_are_refused():
    assert load_config().text_encoder_placement == "device"
    assert pipeline("device").text_encoder.placement.moves == []
    with pytest.raises(ConfigError, match="text_encoder_placement='gpu' is not one of device, cpu, offload"):
        load_config(overrides=["text_encoder_placement=gpu"])


def test_offload_brings_in_one_block_at_a_time_and_drops_it():
    pipe = pipeline("offload")
    enc = pipe.text_encoder
    blocks = enc.model.encoder.block
    host_before = {n: p.data_ptr() for n, p in enc.model.named_parameters()}
    seen: list[tuple[str, int, int]] = []  # (unit, bytes held on the device, moves so far) while a block runs

    def during(i):
        def hook(module, args):
            seen.append((f"encoder.block.{i}", enc.placement._resident, len(enc.placement.moves)))
        return hook

    handles = [b.layer[0].register_forward_pre_hook(during(i)) for i, b in enumerate(blocks)]  # inside each block
    try:
        enc.encode(["a lighthouse on a cliff"])
    finally:
        for h in handles:
            h.remove()
    block_bytes = [module_bytes(b) for b in blocks]
    # while block i runs, exactly block i is on the device (the previous one was dropped before)
    assert [(u, held) for u, held, _ in seen] == [(f"encoder.block.{i}", block_bytes[i]) for i in range(len(blocks))]
    moves = enc.placement.moves
    assert [m.what for m in moves[:2]] == ["hidden_states", "attention_mask"]
    units = [*(f"encoder.block.{i}" for i in range(len(blocks))), "encoder.final_layer_norm"]
    assert [(m.what, m.dropped) for m in moves[2:]] == [(u, d) for u in units for d in (False, True)]
    assert all(m.source == "cpu" and m.target == "cpu" for m in moves)  # no GPU here: every device is the CPU
    assert enc.placement.peak_device_bytes == max(block_bytes) < module_bytes(enc.model)
    assert enc.placement._resident == 0 and not enc.placement._held
    # after the encode the weights are the host tensors they were before
    assert {n: p.data_ptr() for n, p in enc.model.named_parameters()} == host_before


def test_a_failed_encode_leaves_no_block_on_the_device():
    placed = TextPlacement("offload", torch.device("cpu"))
    pipe = pipeline("device")
    model = pipe.text_encoder.model

    def boom(module, args):
        raise RuntimeError("kernel failed")

    h = model.encoder.block[1].layer[0].register_forward_pre_hook(boom)  # inside block 1, once it is held
    ids = torch.zeros(1, 4, dtype=torch.long)
    try:
        with pytest.raises(RuntimeError, match="kernel failed"):
            placed.run(model, ids, torch.ones_like(ids))
    finally:
        h.remove()
    assert placed._resident == 0 and not placed._held
    assert placed.moves[-2:] == [Move("encoder.block.1", "cpu", "cpu", module_bytes(model.encoder.block[1])),
                                 Move("encoder.block.1", "cpu", "cpu", module_bytes(model.encoder.block[1]),
                                      dropped=True)]


def test_cpu_placement_moves_only_embeddings_and_mask():
    pipe = pipeline("cpu")
    enc = pipe.text_encoder
    out = enc.encode(["two boats"])
    assert [m.what for m in enc.placement.moves] == ["embeddings", "attention_mask"]
    assert enc.placement.moves[0].nbytes == out.numel() * out.element_size()
    assert enc.device == torch.device("cpu") and enc.placement.weights_device == torch.device("cpu")
