"""`iamflow_block_conditioning` in IAMPipeline: arguments, replacement, text-cache refill, errors naming the plugin."""

from __future__ import annotations

import pytest
import torch

from hooks import hookimpl
from hooks.manager import PluginError, build_plugin_manager
from memflow_ext.config import load_config
from memflow_ext.pipelines.builder import build_pipeline
from memflow_ext.pipelines.iam import IAMLoop, IAMPipeline
from tests.helpers import tiny_model

PROMPTS = ["a red fox runs through the snow", "a whale"]
SWITCH = [9]  # block 3 of 6


@pytest.fixture(scope="module")
def parts():
    model = tiny_model()
    base = build_pipeline(load_config(overrides=["num_output_frames=18"]))
    return model, base.text_encoder


def iam(parts, *plugins):
    model, text = parts
    pm = build_plugin_manager([], None)
    for i, p in enumerate(plugins):
        pm.register(p, name=f"p{i}" if not hasattr(p, "NAME") else p.NAME)
    return IAMPipeline(load_config(overrides=["num_output_frames=18"]), model, text, None, plugin_manager=pm)


def generate(pipe, seed=4):
    return pipe.generate(PROMPTS, SWITCH, seed=seed, decode=False, progress=False)


class Observer:
    """Returns nothing; records every call's arguments."""

    def __init__(self):
        self.calls = []

    @hookimpl
    def iamflow_block_conditioning(self, block_index, prompt_index, purpose, conditioning, text_mask, run):
        self.calls.append((block_index, prompt_index, purpose, conditioning, text_mask, run.block_index))


class Scale:
    """Replaces the conditioning of the blocks >= `from_block` with a scaled copy (one tensor per prompt)."""

    NAME = "scale"

    def __init__(self, from_block=4, factor=0.5, result=None):
        self.from_block, self.factor, self.result = from_block, factor, result
        self.made = {}

    @hookimpl
    def iamflow_block_conditioning(self, block_index, prompt_index, conditioning):
        if block_index < self.from_block:
            return None
        if self.result is not None:
            return self.result(conditioning)
        if prompt_index not in self.made:
            self.made[prompt_index] = conditioning * self.factor
        return self.made[prompt_index]


class ModelInputs:
    def __init__(self, model):
        self.ctx = []
        self.h = model.register_forward_pre_hook(lambda m, args: self.ctx.append((args[4], args[2], args[3])))


def test_arguments_and_no_change_when_every_implementation_returns_none(parts):
    obs = Observer()
    pipe = iam(parts, obs)
    plain = generate(iam(parts))
    out = generate(pipe)
    assert torch.equal(out.latents, plain.latents)
    e0, e1 = (parts[1].encode([p]) for p in PROMPTS)
    per_block = {}
    for block, prompt, purpose, cond, mask, _ in obs.calls:
        per_block.setdefault(block, []).append(purpose)
        assert prompt == (0 if block < 3 else 1)
        assert torch.equal(cond, e0 if prompt == 0 else e1)
        assert torch.equal(mask, (cond != 0).any(-1)) and mask.dtype == torch.bool and mask.shape == cond.shape[:2]
    steps = len(pipe.timesteps)
    assert per_block[0] == ["denoise"] * steps + ["context"]
    assert per_block[3] == ["recache"] + ["denoise"] * steps + ["context"]
    assert sorted(per_block) == list(range(6))


def test_replacement_reaches_the_model_and_refills_the_text_cache(parts, mocker):
    model = parts[0]
    scale = Scale(from_block=4)
    refill = mocker.spy(model, "fill_text_cache")
    seen = ModelInputs(model)
    pipe = iam(parts, scale)
    try:
        out = generate(pipe)
    finally:
        seen.h.remove()
    plain = generate(iam(parts))
    assert torch.equal(out.latents[:, :12], plain.latents[:, :12])  # blocks 0-3 untouched
    assert not torch.equal(out.latents[:, 12:], plain.latents[:, 12:])
    replaced = scale.made[1]
    for call, ctx, state in seen.ctx:
        block = call.current_start // state.kv.geometry.block_tokens
        if block >= 4 and not call.is_recache:
            assert ctx is replaced
    # block 4 starts with the text cache holding prompt 1's own keys: refilled once, then kept
    assert refill.call_count == 1
    text = pipe.state.text
    assert text.holds(replaced) and text.prompt_index == 1
    with torch.no_grad():
        emb = model.embed_text(replaced)
        for layer, block in enumerate(model.blocks):
            assert torch.equal(text.k[layer], block.cross_attn.text_k(emb))


def test_an_equal_new_tensor_each_pass_does_not_refill(parts, mocker):
    refill = mocker.spy(parts[0], "fill_text_cache")
    out = generate(iam(parts, Scale(from_block=0, result=lambda c: c.clone())))
    assert refill.call_count == 0
    assert torch.equal(out.latents, generate(iam(parts)).latents)


class First:
    NAME = "first"

    @hookimpl(tryfirst=True)
    def iamflow_block_conditioning(self, conditioning):
        return torch.zeros_like(conditioning)


def test_first_result_wins_in_pluggy_order(parts):
    seen = ModelInputs(parts[0])
    try:
        generate(iam(parts, First(), Scale(from_block=0)))  # Scale is registered last, First is tryfirst
    finally:
        seen.h.remove()
    assert all(not ctx.any() for _, ctx, _ in seen.ctx)


@pytest.mark.parametrize("result,needle", [
    (lambda c: c[:, :-1], "returned a conditioning of Tensor"),
    (lambda c: c.double(), "torch.float64"),
    (lambda c: c.tolist(), "returned a conditioning of list"),
])
def test_a_wrong_replacement_is_an_error_naming_the_plugin(parts, result, needle):
    with pytest.raises(PluginError) as err:
        generate(iam(parts, Scale(from_block=1, result=result)))
    msg = str(err.value)
    assert "plugin 'scale'" in msg and needle in msg and "expected a tensor" in msg


def test_an_exception_names_the_plugin(parts):
    def boom(c):
        raise RuntimeError("no blend today")

    with pytest.raises(PluginError, match="plugin 'scale' failed in hook 'iamflow_block_conditioning'"):
        generate(iam(parts, Scale(from_block=2, result=boom)))


class Wrapper:
    NAME = "wrapping"

    @hookimpl(wrapper=True)
    def iamflow_block_conditioning(self):
        return (yield)


def test_wrappers_are_refused(parts):
    with pytest.raises(PluginError, match="wrapping.*plain implementations only"):
        generate(iam(parts, Wrapper()))


def test_cheap_without_implementations(parts, mocker):
    mask = mocker.spy(IAMLoop, "text_mask")
    dispatch = mocker.spy(IAMLoop, "_hook_conditioning")
    generate(iam(parts))
    assert mask.call_count == 0 and dispatch.call_count == 0
