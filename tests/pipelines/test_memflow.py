"""MemFlowPipeline end to end on the tiny preset: determinism, seeds, bad inputs, decode."""

from __future__ import annotations

import pytest
import torch

from memflow_ext.config import ConfigError, load_config
from memflow_ext.pipelines.builder import build_pipeline


@pytest.fixture(scope="module")
def pipe():
    return build_pipeline(load_config(overrides=["num_output_frames=9"]))


def test_same_seed_bit_identical_different_seed_differs(pipe):
    a = pipe.generate(["a red fox"], seed=7, decode=False, progress=False).latents
    b = pipe.generate(["a red fox"], seed=7, decode=False, progress=False).latents
    c = pipe.generate(["a red fox"], seed=8, decode=False, progress=False).latents
    assert torch.equal(a, b)
    assert not torch.equal(a, c)
    assert torch.isfinite(a).all()


def test_interactive_prompt_switch_changes_only_later_frames(pipe):
    one = pipe.generate(["a red fox", "a red fox"], [6], seed=1, decode=False, progress=False).latents
    two = pipe.generate(["a red fox", "a blue whale"], [6], seed=1, decode=False, progress=False).latents
    assert torch.equal(one[:, :6], two[:, :6])
    assert not torch.equal(one[:, 6:], two[:, 6:])


def test_decode_gives_video(pipe):
    res = pipe.generate(["a red fox"], seed=0, progress=False)
    assert res.video is not None and res.video.shape[1] == 1 + 4 * (9 - 1)
    assert res.video.shape[-2:] == (64, 64)


@pytest.mark.parametrize(
    "prompts,switch,needle",
    [
        (["a", "b"], [], "2 prompts need exactly 1"),
        (["a"], [3], "1 prompts need exactly 0"),
        (["a", ""], [3], "prompts[1]"),
        (["a", "b"], [4], "block boundary"),
        (["a", "b", "c"], [6, 3], "strictly increasing"),
    ],
)
def test_bad_generation_inputs_fail_before_work(pipe, prompts, switch, needle, mocker):
    spy = mocker.spy(pipe.model, "forward")
    with pytest.raises(ConfigError) as err:
        pipe.generate(prompts, switch, decode=False, progress=False)
    assert needle in str(err.value)
    assert spy.call_count == 0


@pytest.mark.parametrize("plugins", [[], ["agent", "profile"], ["agent", "memory", "profile"]])
@pytest.mark.parametrize("interactive", [False, True])
def test_memory_free_setting_runs_with_and_without_plugins(plugins, interactive):
    """`bank_size=0`: no memory segment at all (NAM off); the memory plugin, when it runs, keeps its own."""
    from hooks.manager import build_plugin_manager
    from memflow_ext.pipelines.iam import IAMPipeline
    from memflow_ext.streaming.memory_bank import NoMemory

    cfg = load_config(overrides=["model_kwargs.bank_size=0", "num_output_frames=9", "switch_frame_indices=[6]"])
    pipe = build_pipeline(cfg, IAMPipeline, plugin_manager=build_plugin_manager(plugins, cfg)) if plugins else \
        build_pipeline(cfg)
    prompts = ["a red fox in snow", "the fox runs into the forest"] if interactive else ["a red fox in snow"]
    res = pipe.generate(prompts, [6] if interactive else [], seed=1, interactive=interactive, progress=False)
    assert torch.isfinite(res.latents).all() and res.video is not None
    if "memory" in plugins:
        assert pipe.state.memory.owner == "external"
    else:
        assert isinstance(pipe.state.memory, NoMemory)
        assert res.info["memory_frames_per_block"] == [0, 0, 0]


@pytest.mark.parametrize("plugins", [[], ["memory"]])
def test_batch_decode_runs_after_the_caches_left_the_device(plugins):
    """`generate` decodes after the diffusion: by then the KV, text and NAM caches are freed (no
    reference keeps them alive, which the memory ledger's batch mode relies on), and the video is the
    one decoded from the latents."""
    import gc
    import weakref

    from hooks.manager import build_plugin_manager
    from memflow_ext.pipelines.iam import IAMPipeline

    cfg = load_config(overrides=["num_output_frames=9", "switch_frame_indices=[6]"])
    pipe = build_pipeline(cfg, IAMPipeline, plugin_manager=build_plugin_manager(plugins, cfg)) if plugins else \
        build_pipeline(cfg)
    refs: list[weakref.ref] = []
    init_state, decode = pipe.init_state, pipe.decode

    def watch(*args, **kwargs):
        state = init_state(*args, **kwargs)
        nam = [*state.memory.k, *state.memory.v] if state.memory.owner == "nam" else []
        refs.extend(weakref.ref(t) for t in (*state.kv.k, *state.kv.v, *state.text.k, *state.text.v, *nam))
        return state

    alive: list[int] = []

    def check(latents, progress=False):
        gc.collect()
        alive.append(sum(r() is not None for r in refs))
        return decode(latents, progress)

    pipe.init_state, pipe.decode = watch, check
    res = pipe.generate(["a red fox in snow", "the fox runs into the forest"], [6], seed=1, progress=False)
    assert refs and alive == [0]
    assert torch.equal(res.video, pipe.decode(res.latents))
