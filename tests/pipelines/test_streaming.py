"""Streaming with the KV cache equals one full pass with the block-causal mask (nothing evicted)."""

from __future__ import annotations

import torch

from memflow_ext.models.transformer_wan import block_causal_mask
from memflow_ext.streaming.state import CallInfo
from tests.helpers import rand_embeds, rand_noise, tiny_pipeline


def test_streaming_equals_block_causal_full_pass():
    pipe = tiny_pipeline(["model_kwargs.bank_size=0", "model_kwargs.local_attn_size=12"])
    model = pipe.model
    frames, fpb = 9, 3  # 3 blocks: the 12-frame window never evicts
    x = rand_noise(frames, seed=3).permute(0, 2, 1, 3, 4)  # [B, C, F, H, W]
    t = torch.tensor([[1000.0, 1000.0, 1000.0, 625.0, 625.0, 625.0, 0.0, 0.0, 0.0]])
    ctx = rand_embeds(1)[0]
    state = pipe.init_state(1, (8, 8))
    tpf = state.kv.geometry.tokens_per_frame
    with torch.no_grad():
        parts = []
        for s in range(0, frames, fpb):
            call = CallInfo(current_start=s * tpf, num_new=fpb * tpf, update_cache=True)
            parts.append(model(x[:, :, s : s + fpb], t[:, s : s + fpb], ctx, state, call))
        streamed = torch.cat(parts, dim=2)
        full = model.forward_masked(x, t, ctx, block_causal_mask(frames, tpf, fpb))
        unmasked = model.forward_masked(x, t, ctx, None)
    torch.testing.assert_close(streamed, full, rtol=1e-4, atol=1e-5)
    # the mask matters: without it early blocks would see the future
    assert (unmasked[:, :, :3] - full[:, :, :3]).abs().max() > 1e-4  # 10x the tolerance above


def test_denoising_calls_do_not_touch_the_cache():
    pipe = tiny_pipeline()
    state = pipe.init_state(1, (8, 8))
    tpf = state.kv.geometry.tokens_per_frame
    x = rand_noise(3).permute(0, 2, 1, 3, 4)
    t = torch.full((1, 3), 1000.0)
    with torch.no_grad():
        pipe.model(x, t, rand_embeds(1)[0], state, CallInfo(current_start=0, num_new=3 * tpf))
    assert state.kv.global_end == 0 and all(float(k.abs().sum()) == 0 for k in state.kv.k)


def test_context_pass_without_output_writes_the_same_cache():
    pipe = tiny_pipeline()
    x = rand_noise(6, seed=4).permute(0, 2, 1, 3, 4)
    ctx = rand_embeds(1)[0]
    states = []
    for need in (True, False):
        state = pipe.init_state(1, (8, 8))
        tpf = state.kv.geometry.tokens_per_frame
        with torch.no_grad():
            for s in (0, 3):
                call = CallInfo(current_start=s * tpf, num_new=3 * tpf, update_cache=True, update_bank=True)
                out = pipe.model(x[:, :, s : s + 3], torch.zeros(1, 3), ctx, state, call, need_output=need)
                assert (out is None) == (not need)
        states.append(state)
    a, b = states
    for layer in range(pipe.model.config.num_layers):
        assert torch.equal(a.kv.k[layer], b.kv.k[layer]) and torch.equal(a.kv.v[layer], b.kv.v[layer])
        assert torch.equal(a.memory.k_new[layer], b.memory.k_new[layer])
    assert (a.kv.global_end, a.memory.local_end) == (b.kv.global_end, b.memory.local_end)
