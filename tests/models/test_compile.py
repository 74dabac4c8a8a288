"""`engine.compile`: torch.compile of the transformer blocks (dynamic shapes, no silent eager fallback)."""

from __future__ import annotations

import pytest
import torch

from memflow_ext.config import ConfigError, load_config
from memflow_ext.pipelines.builder import build_pipeline

PROMPTS = ["a red fox runs through snow", "the fox sleeps under a tree"]


def test_engine_compile_is_a_validated_key_off_by_default():
    assert load_config().engine.compile is False
    assert load_config(overrides=["engine.compile=true"]).engine.compile is True
    with pytest.raises(ConfigError, match="engine.compile"):
        load_config(overrides=["engine.compile=sometimes"])
    pipe = build_pipeline(load_config(overrides=["preset=tiny"]))
    assert all(b.compiled is None for b in pipe.model.blocks)  # eager unless asked


@pytest.mark.slow
def test_compiled_blocks_run_and_match_eager_latents():
    from torch._dynamo.utils import counters

    overrides = ["preset=tiny", "num_output_frames=18"]
    eager = build_pipeline(load_config(overrides=overrides))
    ref = eager.generate(PROMPTS, [9], seed=0, decode=False, progress=False)
    torch._dynamo.reset()
    counters.clear()
    pipe = build_pipeline(load_config(overrides=[*overrides, "engine.compile=true"]))
    assert all(b.compiled is not None for b in pipe.model.blocks)
    # errors and recompile-limit hits raise instead of running eager code silently
    assert torch._dynamo.config.suppress_errors is False and torch._dynamo.config.fail_on_recompile_limit_hit
    out = pipe.generate(PROMPTS, [9], seed=0, decode=False, progress=False)
    # compiled code ran: graphs were captured, none broken; the re-cache's longer token count and the
    # growing key/value lengths did not need a graph per length (dynamic shapes)
    assert counters["stats"]["unique_graphs"] >= 2 and counters["stats"]["calls_captured"] > 0
    assert not counters["graph_break"]
    assert counters["stats"]["unique_graphs"] <= 4 * len(pipe.model.blocks)
    a, b = ref.latents.double(), out.latents.double()
    assert float((a - b).norm() / a.norm()) <= 1e-5
    assert out.info["memory_frames_per_block"] == ref.info["memory_frames_per_block"]
