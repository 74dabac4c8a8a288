"""Engine components against direct calls of the upstream MemFlow functions (golden components)."""

from __future__ import annotations

import pytest
import torch
from safetensors.torch import load_file

from memflow_ext.models.attention import topk_chunk_routing
from memflow_ext.models.rope import build_rope_table, causal_rope
from memflow_ext.models.transformer_wan import sinusoidal_embedding_1d
from memflow_ext.schedulers.flow_match import FlowMatchSchedule
from memflow_ext.streaming.memory_bank import compress_kv_bank


@pytest.fixture(scope="module")
def comp(request):
    from tests.helpers import GOLDEN, need

    return load_file(str(need(GOLDEN / "components.safetensors", "golden components")))


def test_rope_table_matches_upstream(comp):
    table = build_rope_table(128, 1024)
    assert torch.equal(torch.view_as_real(table), comp["rope_freqs_real_imag"])


@pytest.mark.parametrize("name,grid,start", [("rope", (3, 5, 7), 4), ("rope2", (1, 30, 52), 19)])
def test_rope_with_frame_offset(comp, name, grid, start):
    out = causal_rope(comp[f"{name}_x"], grid, build_rope_table(128, 1024), start)
    torch.testing.assert_close(out, comp[f"{name}_out"], rtol=0, atol=1e-6)


def test_sma_routing(comp):
    k, v, scores, idx = topk_chunk_routing(comp["route_q"], comp["route_k"], comp["route_v"], 1560, 3)
    torch.testing.assert_close(scores, comp["route_scores"], rtol=1e-5, atol=1e-6)
    assert torch.equal(idx, comp["route_idx_sorted"])
    torch.testing.assert_close(k, comp["route_out_k"], rtol=0, atol=0)
    torch.testing.assert_close(v, comp["route_out_v"], rtol=0, atol=0)


def test_bank_compression(comp):
    k, v, scores, idx = compress_kv_bank(comp["compress_hist_k"], comp["compress_hist_v"], comp["compress_new_k"],
                                         comp["compress_new_v"], comp["compress_text_q"], 1560, 3)
    torch.testing.assert_close(scores, comp["compress_importance"], rtol=1e-5, atol=1e-7)
    assert idx.tolist() == comp["compress_selected"].tolist() == [[2, 0]]  # descending score, not index order
    torch.testing.assert_close(k, comp["compress_out_k"], rtol=0, atol=0)
    torch.testing.assert_close(v, comp["compress_out_v"], rtol=0, atol=0)


def test_scheduler_tables(comp):
    s = FlowMatchSchedule(shift=5.0)
    assert torch.equal(s.sigmas, comp["sched_sigmas"])
    assert torch.equal(s.timesteps, comp["sched_timesteps"])
    # A float32 sum over 1000 entries: its rounding depends on the CPU's vector width (seen: 2.7e-6 relative).
    torch.testing.assert_close(s.training_weights(), comp["sched_linear_timesteps_weights"], rtol=5e-6, atol=1e-7)
    warped = s.warp([1000, 750, 500, 250])
    assert torch.equal(warped, comp["sched_warped_denoising_steps"])
    ts = torch.cat([warped, torch.zeros(1)])
    assert torch.equal(s.lookup_index(ts), comp["sched_lookup_index_for_steps_and_zero"])
    assert torch.equal(s.sigmas[s.lookup_index(ts)], comp["sched_lookup_sigma_for_steps_and_zero"])


def test_sinusoidal_timestep_embedding(comp):
    emb = sinusoidal_embedding_1d(256, comp["sinusoidal_t"])
    torch.testing.assert_close(emb, comp["sinusoidal_emb"], rtol=0, atol=1e-12)


def test_scheduler_x0_and_renoise_roundtrip():
    s = FlowMatchSchedule(shift=5.0)
    x0 = torch.randn(3, 4, 5, 6, generator=torch.Generator().manual_seed(0))
    eps = torch.randn(3, 4, 5, 6, generator=torch.Generator().manual_seed(1))
    t = torch.full((3,), 937.5)
    xt = s.add_noise(x0, eps, t)
    flow = eps - x0  # flow-matching velocity
    torch.testing.assert_close(s.flow_to_x0(flow, xt, t), x0, rtol=0, atol=1e-5)
