"""The transition plugin on real tiny runs: the conditioning each model pass receives, parity when off,
the adaptive length, and a run with the agent, memory and profile plugins."""

from __future__ import annotations

import math

import pytest
import torch

from hooks import hookimpl
from hooks.manager import build_plugin_manager
from memflow_ext.config import load_config
from memflow_ext.pipelines.builder import build_pipeline
from memflow_ext.pipelines.iam import IAMPipeline
from plugins.transition.config import TransitionConfig
from plugins.transition.plugin import TransitionPlugin
from tests.helpers import tiny_model

# prompts of different lengths, so some rows are text in one prompt and padding in the next
PROMPTS = [
    "A red fox and an old owl play in the snow under a grey winter sky.",
    "A blue whale swims alone.",
    "The red fox and the old owl meet again at dusk near the frozen lake, tired.",
]
SWITCH = [9, 18]  # blocks 3 and 6 of 9


@pytest.fixture(scope="module")
def parts():
    model = tiny_model()
    base = build_pipeline(load_config(overrides=["num_output_frames=27"]))
    return model, base.text_encoder


@pytest.fixture(scope="module")
def baseline(parts):
    return make(parts).generate(PROMPTS, SWITCH, seed=2, decode=False, progress=False).latents


def make(parts, settings=None, names=(), overrides=(), extra=()):
    model, text = parts
    cfg = load_config(overrides=["num_output_frames=27", *overrides])
    pm = build_plugin_manager(list(names), cfg)
    if settings is not None:
        pm.register(TransitionPlugin(settings), name="transition")
    for i, p in enumerate(extra):
        pm.register(p, name=f"extra{i}")
    return IAMPipeline(cfg, model, text, None, plugin_manager=pm)


class PassRecorder:
    """Forward pre-hook on the model: the conditioning of every pass, and whether the text cache holds its keys."""

    def __init__(self, model):
        self.passes: list[tuple[int, str, torch.Tensor, bool | None]] = []
        self.handle = model.register_forward_pre_hook(self._pre)

    def _pre(self, model, args):
        _, _, ctx, state, call = args[:5]
        bt = state.kv.geometry.block_tokens
        purpose = "recache" if call.is_recache else "context" if call.update_cache else "denoise"
        block = (call.current_end if call.is_recache else call.current_start) // bt
        cache_ok = None
        if state.text.all_init:
            with torch.no_grad():
                e = model.embed_text(ctx)
                cache_ok = all(torch.equal(state.text.k[i], b.cross_attn.text_k(e)) for i, b in enumerate(model.blocks))
        self.passes.append((block, purpose, ctx, cache_ok))

    def close(self):
        self.handle.remove()


def run_recorded(parts, pipe, prompts=PROMPTS, switch=SWITCH, seed=2):
    rec = PassRecorder(parts[0])
    try:
        res = pipe.generate(prompts, switch, seed=seed, decode=False, progress=False)
    finally:
        rec.close()
    return res, rec.passes


def ref_blend(a, b, w, method):
    """The documented blend, written out row by row in float64."""
    a64, b64 = a.double(), b.double()
    out = (1 - w) * a64 + w * b64
    if method == "slerp":
        for bi in range(a.shape[0]):
            for r in range(a.shape[1]):
                x, y = a64[bi, r], b64[bi, r]
                nx, ny = x.norm(), y.norm()
                if nx == 0 or ny == 0:
                    continue
                cos = float((x @ y) / (nx * ny))
                if abs(cos) >= 1 - 1e-6:
                    continue
                th = math.acos(max(-1.0, min(1.0, cos)))
                out[bi, r] = math.sin((1 - w) * th) / math.sin(th) * x + math.sin(w * th) / math.sin(th) * y
    return out.to(a.dtype)


def encode(parts, prompts=PROMPTS):
    return [parts[1].encode([p]) for p in prompts]


def test_zero_blocks_and_disabled_are_bit_identical_to_no_plugin(parts, baseline):
    for settings in (TransitionConfig(blocks=0), TransitionConfig(enabled=False),
                     TransitionConfig(blocks=0, adaptive=True, method="slerp")):
        pipe = make(parts, settings)
        res = pipe.generate(PROMPTS, SWITCH, seed=2, decode=False, progress=False)
        assert torch.equal(res.latents, baseline), settings
        assert all(s["blocks"] == 0 for s in res.run.extras["transition"]["switches"])


@pytest.mark.parametrize("method", ["linear", "slerp"])
def test_each_pass_gets_the_documented_blend(parts, baseline, method):
    pipe = make(parts, TransitionConfig(blocks=2, method=method))
    res, passes = run_recorded(parts, pipe)
    lat = res.latents
    # before the first switch nothing changes; from it on the video differs
    assert torch.equal(lat[:, :9], baseline[:, :9])
    assert not torch.equal(lat[:, 9:12], baseline[:, 9:12])
    e0, e1, e2 = encode(parts)
    b13, b23 = ref_blend(e0, e1, 1 / 3, method), ref_blend(e0, e1, 2 / 3, method)
    expected = {0: e0, 1: e0, 2: e0, 3: b13, 4: b23, 5: e1,
                6: ref_blend(e1, e2, 1 / 3, method), 7: ref_blend(e1, e2, 2 / 3, method), 8: e2}
    purposes = {}
    for block, purpose, ctx, cache_ok in passes:
        purposes.setdefault(block, []).append(purpose)
        assert torch.allclose(ctx, expected[block], atol=1e-5, rtol=1e-5), (block, purpose)
        assert cache_ok in (None, True), (block, purpose)  # the text cache always holds the pass's conditioning
    assert purposes[3][0] == purposes[6][0] == "recache"  # the re-cache is blended too
    assert purposes[3].count("denoise") == 4 and purposes[3][-1] == "context"
    # padding in both prompts stays exactly zero; text in only one prompt blends with zero
    m0, m1 = (e0 != 0).any(-1)[0], (e1 != 0).any(-1)[0]
    assert (m0 & ~m1).any() and (~m0 & ~m1).any()
    ctx3 = next(c for b, p, c, _ in passes if b == 3 and p == "denoise")
    assert torch.equal(ctx3[0, ~m0 & ~m1], torch.zeros_like(ctx3[0, ~m0 & ~m1]))
    assert torch.allclose(ctx3[0, m0 & ~m1], (2 / 3) * e0[0, m0 & ~m1], atol=1e-6)
    # one tensor per block: every pass of a block shares it
    assert len({id(c) for b, _, c, _ in passes if b == 4}) == 1
    sched = res.run.extras["transition"]["switches"]
    assert [(s["prompt_index"], s["start_block"], s["blocks"]) for s in sched] == [(1, 3, 2), (2, 6, 2)]
    assert sched[0]["weights"] == pytest.approx([1 / 3, 2 / 3], abs=1e-6)


def test_a_switch_during_a_blend_starts_from_the_blend_in_use(parts):
    pipe = make(parts, TransitionConfig(blocks=4))
    res, passes = run_recorded(parts, pipe)
    e0, e1, e2 = encode(parts)
    in_use = ref_blend(e0, e1, 3 / 5, "linear")  # block 5, the last before the switch at block 6
    ctx = {b: c for b, p, c, _ in passes if p == "denoise"}
    assert torch.allclose(ctx[5], in_use, atol=1e-6)
    assert torch.allclose(ctx[6], ref_blend(in_use, e2, 1 / 5, "linear"), atol=1e-5)
    assert torch.allclose(ctx[8], ref_blend(in_use, e2, 3 / 5, "linear"), atol=1e-5)
    sched = res.run.extras["transition"]["switches"]
    assert sched[0]["interrupted_at_block"] == 6 and sched[1]["from"] == "blend"


def test_adaptive_blend_is_longer_for_unrelated_prompts(parts):
    start = "A young man in a denim jacket strolls past a lit bakery window at night."
    near = "A young man in a denim jacket strolls past a lit bakery window at night!"
    far = "Underwater coral reef with bright fish."
    lengths = {}
    for name, second in (("near", near), ("far", far)):
        pipe = make(parts, TransitionConfig(blocks=4, adaptive=True), overrides=["num_output_frames=12"])
        res = pipe.generate([start, second], [6], seed=0, decode=False, progress=False)
        (switch,) = res.run.extras["transition"]["switches"]
        lengths[name] = switch["blocks"]
    assert lengths["far"] > lengths["near"]
    assert lengths["far"] <= 4


class KeyReader:
    """At the end of each block, reads text keys through run.memory (as the memory plugin does)."""

    def __init__(self):
        self.active: dict[int, dict[int, torch.Tensor]] = {}
        self.prompt_keys: dict[int, dict[int, torch.Tensor]] = {}

    @hookimpl
    def iamflow_block_end(self, run, block_index):
        self.active[block_index] = run.memory.active_text_keys()
        self.prompt_keys[block_index] = run.memory.text_keys(run.prompt_index)


def test_with_agent_memory_and_profile(parts, mocker):
    model = parts[0]
    refill = mocker.spy(model, "fill_text_cache")
    reader = KeyReader()
    pipe = make(parts, names=["agent", "memory", "transition", "profile"],
                overrides=["model_kwargs.local_attn_size=6"], extra=[reader])
    res, passes = run_recorded(parts, pipe)
    assert torch.isfinite(res.latents).all()
    assert res.run.memory.owner == "memory" and res.run.entities  # the other plugins did run
    assert all(ok in (None, True) for *_, ok in passes)
    assert refill.call_count > 0  # the conditioning changed while the text cache was filled
    e = encode(parts)
    blends = {3: ref_blend(e[0], e[1], 1 / 3, "linear"), 4: ref_blend(e[0], e[1], 2 / 3, "linear")}
    with torch.no_grad():
        for block, cond in blends.items():
            emb = model.embed_text(cond)
            # the keys the model (and NAM / the memory plugin) reads are the blend's ...
            for layer, k in reader.active[block].items():
                assert torch.allclose(k, model.blocks[layer].cross_attn.text_k(emb), atol=1e-6)
            # ... while a prompt's own keys stay that prompt's, never a blend filed under its index
            own = model.embed_text(e[1])
            for layer, k in reader.prompt_keys[block].items():
                assert torch.allclose(k, model.blocks[layer].cross_attn.text_k(own), atol=1e-6)
    prof = pipe.pm.get_plugin("profile").last_profile
    per_switch = prof["transition"]["per_switch"]
    assert [p["prompt_index"] for p in per_switch] == [1, 2] and all(p["ms"] > 0 for p in per_switch)
    assert prof["transition_ms"] == pytest.approx(sum(p["ms"] for p in per_switch), abs=1e-2)
    assert prof["transition"]["enabled"]


def test_without_the_plugin_the_text_cache_is_never_refilled(parts, mocker):
    refill = mocker.spy(parts[0], "fill_text_cache")
    make(parts).generate(PROMPTS, SWITCH, seed=2, decode=False, progress=False)
    assert refill.call_count == 0


def test_schedule_is_written_beside_the_video(parts, tmp_path):
    import json

    pipe = make(parts, TransitionConfig(blocks=1, method="slerp"), overrides=["num_output_frames=12"])
    res = pipe.generate(PROMPTS[:2], [6], seed=0, decode=False, progress=False, output_dir=tmp_path)
    saved = json.loads((tmp_path / "transition.json").read_text())
    assert saved == res.run.extras["transition"] and res.run.files["transition.json"] == tmp_path / "transition.json"
    (switch,) = saved["switches"]
    assert (saved["method"], switch["start_block"], switch["blocks"], switch["weights"]) == ("slerp", 2, 1, [0.5])
