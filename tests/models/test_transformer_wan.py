"""The DiT's structure: original Wan names and shapes at full size (built on the meta device)."""

from __future__ import annotations

import json

import pytest
import torch

from memflow_ext.pipelines.builder import build_model
from memflow_ext.presets import WAN_1_3B, get_preset


def test_full_1_3b_on_meta_matches_wan_key_list(wan_keys_dir):
    ref = json.loads((wan_keys_dir / "wan2.1_t2v_1.3b_dit_keys.json").read_text())
    model = build_model(WAN_1_3B.transformer, device="meta")
    shapes = {k: list(v.shape) for k, v in model.state_dict().items()}
    assert list(shapes) == list(ref["parameters"])  # same names, same order
    assert shapes == ref["parameters"]
    n = sum(p.numel() for p in model.parameters())
    assert n == ref["num_parameters"] == 1_418_996_800
    assert len(shapes) == ref["num_tensors"] == 825
    assert all(p.device.type == "meta" for p in model.parameters())


def test_preset_config_matches_real_wan_config(wan_keys_dir):
    ref = json.loads((wan_keys_dir / "wan2.1_t2v_1.3b_dit_keys.json").read_text())["config"]
    c = get_preset("wan2.1-t2v-1.3b").transformer
    for key, value in ref.items():
        got = getattr(c, key)
        assert (list(got) if isinstance(got, tuple) else got) == value, key


def test_random_init_is_seeded_and_leaves_global_rng_alone():
    c = get_preset("tiny").transformer
    state = torch.get_rng_state()
    a = build_model(c, seed=1)
    assert torch.equal(torch.get_rng_state(), state)
    b = build_model(c, seed=1)
    d = build_model(c, seed=2)
    pa, pb, pd = (torch.cat([p.flatten() for p in m.parameters()]) for m in (a, b, d))
    assert torch.equal(pa, pb) and not torch.equal(pa, pd)


def _recache_peak(num_layers: int, ffn_chunk_frames: int = 0) -> tuple[int, int]:
    """(peak transient bytes of a 4-frame re-cache on meta, one layer's text keys+values in bytes)."""
    from dataclasses import replace

    from memflow_ext.loaders.transient import peak_bytes
    from memflow_ext.models.rope import RopeCache
    from memflow_ext.streaming.kv_cache import CacheGeometry, CrossAttnCache, KVCache
    from memflow_ext.streaming.memory_bank import NoMemory
    from memflow_ext.streaming.state import CallInfo, StreamState

    meta = torch.device("meta")
    c = replace(get_preset("tiny").transformer, num_layers=num_layers)
    model = build_model(c, device="meta").requires_grad_(False)
    model.set_ffn_chunk_frames(ffn_chunk_frames)
    hw = (16, 16)
    tpf = (hw[0] // 2) * (hw[1] // 2)
    g = CacheGeometry(tokens_per_frame=tpf, frames_per_block=2, sink_frames=2, local_attn_frames=6, bank_frames=2)
    state = StreamState(kv=KVCache(g, num_layers, 1, c.num_heads, c.head_dim, meta, torch.float32),
                        text=CrossAttnCache(num_layers, 1, c.text_len, c.num_heads, c.head_dim, meta, torch.float32),
                        memory=NoMemory(1, c.num_heads, c.head_dim, meta, torch.float32),
                        rope=RopeCache(model.freqs))
    ctx = torch.zeros(1, c.text_len, c.text_dim, device=meta)

    def run(frames: int, start: int, recache: bool = False) -> None:
        x = torch.zeros(1, c.in_dim, frames, *hw, device=meta)
        t = torch.zeros(1, frames, device=meta)
        call = CallInfo(current_start=start * tpf, num_new=frames * tpf, update_cache=True,
                        update_bank=not recache, q_bank=True, is_recache=recache)
        model(x, t, ctx, state, call, need_output=False)

    for s in range(0, 6, 2):
        run(2, s)
    state.text.clear()
    peak = peak_bytes(lambda: run(4, 2, recache=True))
    return peak, 2 * c.text_len * c.dim * 4


def test_a_recache_writes_each_layer_at_once_so_its_peak_does_not_grow_with_depth():
    """Each layer's new keys/values go into the cache as soon as the layer ran: a deeper model's
    re-cache holds no more at once, beyond each layer's recomputed text keys/values (holding every
    layer's new keys/values until the last layer would add 2 x 4 frames x 64 tokens x dim per layer)."""
    shallow, text_per_layer = _recache_peak(2)
    deep, _ = _recache_peak(8)
    assert (deep - shallow) / 6 <= text_per_layer


def _masked_peak(ffn_chunk_frames: int) -> tuple[int, int]:
    """(peak transient bytes of an 8-frame pass on meta with a wide FFN, the bytes of one FFN hidden tensor)."""
    from dataclasses import replace

    from memflow_ext.loaders.transient import peak_bytes

    c = replace(get_preset("tiny").transformer, ffn_dim=16 * get_preset("tiny").transformer.dim)
    model = build_model(c, device="meta").requires_grad_(False)
    model.set_ffn_chunk_frames(ffn_chunk_frames)
    meta = torch.device("meta")
    x = torch.zeros(1, c.in_dim, 8, 16, 16, device=meta)
    t = torch.zeros(1, 8, device=meta)
    ctx = torch.zeros(1, c.text_len, c.text_dim, device=meta)
    return peak_bytes(lambda: model.forward_masked(x, t, ctx, None)), 8 * 64 * c.ffn_dim * 4


def test_ffn_chunks_lower_the_peak_by_the_hidden_activations_they_split():
    """FFN over 1 of 8 frames at a time: its two hidden tensors (Linear out, GELU out; ffn_dim wide) exist
    for one frame's tokens, so the peak drops by at least one whole-pass hidden tensor."""
    whole, hidden = _masked_peak(0)
    chunked, _ = _masked_peak(1)
    assert whole - chunked >= hidden


def test_ffn_chunks_give_the_same_output_and_leave_training_alone():
    model = build_model(get_preset("tiny").transformer, seed=0).requires_grad_(False)
    c = model.config
    gen = torch.Generator().manual_seed(0)
    x = torch.randn(1, c.in_dim, 4, 16, 16, generator=gen)
    t = torch.rand(1, 4, generator=gen) * 1000
    ctx = torch.randn(1, c.text_len, c.text_dim, generator=gen)
    with torch.no_grad():
        whole = model.forward_masked(x, t, ctx, mask=None)
        model.set_ffn_chunk_frames(1)
        chunked = model.forward_masked(x, t, ctx, mask=None)
    assert torch.allclose(chunked, whole, rtol=0, atol=1e-5)
    # with a gradient the one-pass form runs (no in-place writes into a tensor autograd saved)
    model.requires_grad_(True)
    model.forward_masked(x, t, ctx, mask=None).square().mean().backward()
    with pytest.raises(ValueError, match="ffn_chunk_frames"):
        model.set_ffn_chunk_frames(-1)


def test_rope_in_chunks_equals_one_pass():
    """`rope_apply` rotates long sequences chunk by chunk into its output: the same bits as one pass."""
    from memflow_ext.models.rope import ROPE_CHUNK_TOKENS, _rotate, build_rope_table, rope_apply, rope_phasors

    seq = 2 * ROPE_CHUNK_TOKENS + 5
    x = torch.randn(1, seq, 2, 12, dtype=torch.bfloat16)
    phasors = rope_phasors(build_rope_table(12, seq), (seq, 1, 1), 0)
    assert torch.equal(rope_apply(x, phasors), _rotate(x, phasors))


@pytest.mark.parametrize("grid_pos_freqs", [0, 4])
def test_grid_position_is_the_only_absolute_place_a_token_knows(grid_pos_freqs):
    """Every token alike in: without `grid_pos_freqs` (Wan: relative RoPE, unpadded patches) every token's
    prediction is alike too, so no place in the frame can be drawn from pure noise; with it they differ."""
    from dataclasses import replace

    c = replace(get_preset("tiny").transformer, grid_pos_freqs=grid_pos_freqs)
    model = build_model(c, seed=0).requires_grad_(False)
    gen = torch.Generator().manual_seed(0)
    x = torch.randn(1, c.in_dim, 1, 1, 1, generator=gen).expand(1, c.in_dim, 2, 8, 8).contiguous()
    with torch.no_grad():
        out = model.forward_masked(x, torch.full((1, 2), 500.0), torch.randn(1, 8, c.text_dim, generator=gen), None)
    first_pixel_of_each_patch = out[:, :, :, ::2, ::2].flatten(3)
    spread = (first_pixel_of_each_patch - first_pixel_of_each_patch[..., :1]).abs().max().item()
    assert (spread > 1e-3) == bool(grid_pos_freqs), spread
    assert ("grid_pos.weight" in model.state_dict()) == bool(grid_pos_freqs)


@pytest.mark.parametrize("text_pos_embed", [False, True])
def test_text_position_tells_a_repeated_word_apart(text_pos_embed):
    """The same text vector at two places of the prompt: embedded alike without `text_pos_embed` (Wan relies
    on its trained encoder for word order), differently with it (the toy's frozen random encoder needs it)."""
    from dataclasses import replace

    c = replace(get_preset("tiny").transformer, text_pos_embed=text_pos_embed)
    model = build_model(c, seed=0).requires_grad_(False)
    word = torch.randn(1, 1, c.text_dim, generator=torch.Generator().manual_seed(0))
    with torch.no_grad():
        out = model.embed_text(word.expand(1, 4, c.text_dim))
    assert out.shape == (1, c.text_len, c.dim)
    assert (not torch.allclose(out[0, 0], out[0, 3])) == text_pos_embed
    assert ("text_pos" in model.state_dict()) == text_pos_embed
