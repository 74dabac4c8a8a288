"""The profiling report's text: the design document's layout, and golden reports from real hooked runs.

The golden runs use the real plugin hooks on a real tiny pipeline with an injected clock that
advances by a scripted amount on every call, and stand-in agent / memory plugins that advance the
same clock and record their time with `run.record_time`, so every number is deterministic.
Set IAMFLOW_UPDATE_GOLDEN=1 to rewrite the golden files after an intended layout change.
"""

from __future__ import annotations

import itertools
import json
import os
import re
from pathlib import Path

import pytest
import torch

from hooks import hookimpl
from hooks.manager import build_plugin_manager
from memflow_ext.config import load_config
from memflow_ext.pipelines.builder import build_pipeline
from memflow_ext.pipelines.iam import IAMPipeline
from plugins.profile.report import render_report

GOLDEN = Path(__file__).resolve().parent / "golden_reports"

# The design document's example, verbatim: the layout contract.
DESIGN_EXAMPLE = """\
======================================================================
IAM Agent Pipeline Profiling Results
======================================================================

[Overall Performance]
  - Initialization time:      1234.56 ms ( 5.23%)
  - Diffusion generation:    18765.43 ms (79.45%)
  - VAE decoding:             3654.21 ms (15.32%)
  - Total time:              23654.20 ms
  - Throughput:                  5.07 FPS

[IAM Components (within diffusion)]
  - Total LLM Agent time:      456.78 ms ( 2.43% of diffusion)
  - Total Memory Bank time:    234.56 ms ( 1.25% of diffusion)
  - Pure diffusion time:     18074.09 ms (96.32% of diffusion)

[LLM Agent - Per Prompt]
  - Prompt 1       processing:   234.56 ms

[Memory Bank - Per Chunk (Chunk 3+)]
  - Chunk 2        eviction:      12.34 ms
  - ... (30 chunks omitted)
  - Average per chunk:           12.15 ms

[Diffusion - Per Block]
  - Block   0 generation:    456.78 ms ( 2.43% of diffusion)
  - ... (30 blocks omitted)
  - Average per block:       468.91 ms
======================================================================
"""


def _profile(**over):
    """A profile dict shaped like profile.json, with the design example's numbers."""
    p = {
        "init_ms": 1234.56, "diffusion_ms": 18765.43, "vae_decode_ms": 3654.21, "total_ms": 23654.20,
        "latent_fps": 5.07, "agent_ms": 456.78, "memory_ms": 234.56, "pure_diffusion_ms": 18074.09,
        "agent": {"enabled": True, "per_prompt": [{"prompt_index": 0, "ms": 234.56}]},
        "memory": {"enabled": True, "first_chunk": 3, "per_chunk": [{"chunk": c, "ms": 12.34} for c in range(2, 42)]},
        "blocks": [{"block_index": b, "ms": 456.78} for b in range(40)],
    }
    p.update(over)
    return p


def _shape(line: str) -> str:
    """A line with every digit masked: equal shapes mean equal layout (positions and widths)."""
    return re.sub(r"\d", "9", line)


def test_layout_matches_the_design_example_column_for_column():
    mine = {_shape(line) for line in render_report(_profile()).splitlines()}
    for line in DESIGN_EXAMPLE.splitlines():
        assert _shape(line) in mine, f"layout differs from the design example: {line!r}"


def test_elision_keeps_first_five_and_last_five():
    p = _profile(agent={"enabled": True, "per_prompt": [{"prompt_index": i, "ms": 1.0 + i} for i in range(12)]},
                 memory={"enabled": True, "first_chunk": 3,
                         "per_chunk": [{"chunk": c, "ms": float(c)} for c in range(3, 14)]},
                 blocks=[{"block_index": b, "ms": 10.0} for b in range(10)])
    lines = render_report(p).splitlines()
    prompts = [ln for ln in lines if ln.startswith("  - Prompt")]
    assert [ln.split()[2] for ln in prompts] == ["1", "2", "3", "4", "5", "8", "9", "10", "11", "12"]
    assert "  - ... (2 prompts omitted)" in lines
    chunks = [ln for ln in lines if ln.startswith("  - Chunk")]
    assert [int(ln.split()[2]) for ln in chunks] == [3, 4, 5, 6, 7, 9, 10, 11, 12, 13]
    assert "  - ... (1 chunks omitted)" in lines
    assert "  - Average per chunk:            8.00 ms" in lines  # mean of all 11 chunks, not of the shown ones
    assert len([ln for ln in lines if ln.startswith("  - Block")]) == 10  # exactly 10: nothing omitted
    assert not any("blocks omitted" in ln for ln in lines)


def test_absent_plugins_and_no_eviction_are_stated_not_zeroed():
    p = _profile(agent={"enabled": False, "per_prompt": []},
                 memory={"enabled": True, "first_chunk": None, "per_chunk": []})
    text = render_report(p)
    assert "  - Total LLM Agent time:   (agent plugin not enabled)\n" in text
    assert "[LLM Agent - Per Prompt]\n  - (agent plugin not enabled)\n" in text
    assert "[Memory Bank - Per Chunk]\n  - (no chunk left the local window)\n" in text
    p = _profile(memory={"enabled": False, "first_chunk": 5, "per_chunk": []})
    assert "[Memory Bank - Per Chunk (Chunk 5+)]\n  - (memory plugin not enabled)\n" in render_report(p)


# -- golden reports from real hooked runs ---------------------------------------------------------------


class ScriptedClock:
    """Each call returns the current time, then advances it by the next scripted step (seconds)."""

    STEPS = (0.0042, 0.0617, 0.0031, 0.0525, 0.0013, 0.0748, 0.0027, 0.0589)

    def __init__(self):
        self.now = 100.0
        self.steps = itertools.cycle(self.STEPS)
        self.calls = 0

    def __call__(self) -> float:
        t = self.now
        self.now += next(self.steps)
        self.calls += 1
        return t

    def advance(self, seconds: float) -> None:
        self.now += seconds


class FakeAgent:
    """Stands in for the agent: 'works' (advances the clock) at each prompt switch and records it."""

    def __init__(self, clock):
        self.clock = clock

    @hookimpl(tryfirst=True)
    def iamflow_prompt_switch(self, run, prompt_index):
        ms = 40.0 + 7.25 * prompt_index
        self.clock.advance(ms / 1000)
        run.record_time("agent", prompt_index, ms)


class FakeMemory:
    """Stands in for the memory bank: 'works' on every chunk that leaves the local window."""

    def __init__(self, clock):
        self.clock = clock

    @hookimpl
    def iamflow_chunk_end(self, run, chunk_index, evicted):
        if evicted is not None:
            ms = 3.5 + 0.125 * chunk_index
            self.clock.advance(ms / 1000)
            run.record_time("memory", chunk_index, ms)


@pytest.fixture(scope="module")
def parts():
    base = build_pipeline(load_config())
    return base.model, base.text_encoder, base.vae


def hooked_run(parts, overrides, prompts, switch, fakes=(), output_dir=None):
    """A real tiny IAMPipeline run with the profile plugin on a scripted clock; returns (plugin, result)."""
    model, text, vae = parts
    cfg = load_config(overrides=overrides)
    clock = ScriptedClock()
    pm = build_plugin_manager(["profile"], cfg)
    prof = pm.get_plugin("profile")
    prof.clock, prof.echo = clock, False
    for name in fakes:
        pm.register({"agent": FakeAgent, "memory": FakeMemory}[name](clock), name=name)
    pipe = IAMPipeline(cfg, model, text, vae, plugin_manager=pm)
    # the decode phase runs through the real hooks; its work is replaced by zeros of the real shape
    pipe.decode = lambda latents, progress=False: torch.zeros(1, 1 + 4 * (latents.shape[1] - 1), 3, 8, 8)
    res = pipe.generate(prompts, switch, seed=0, decode=True, progress=False, output_dir=output_dir)
    return prof, res


def check_golden(name: str, text: str) -> None:
    path = GOLDEN / name
    if os.environ.get("IAMFLOW_UPDATE_GOLDEN"):
        path.write_text(text)
    assert text == path.read_text(), f"report differs from {path}"


def test_golden_report_one_prompt(parts, tmp_path):
    prof, _ = hooked_run(parts, ["num_output_frames=36"], ["a red fox runs through snow"], [], output_dir=tmp_path)
    check_golden("profile_1prompt.txt", prof.last_report)
    assert (tmp_path / "profile.txt").read_text() == prof.last_report
    assert render_report(json.loads((tmp_path / "profile.json").read_text())) == prof.last_report


def test_golden_report_three_prompts(parts):
    prompts = ["a red fox runs through snow", "the fox meets an old owl", "the fox and the owl sleep"]
    prof, _ = hooked_run(parts, ["num_output_frames=42", "model_kwargs.local_attn_size=6"], prompts, [12, 27],
                         fakes=("agent", "memory"))
    check_golden("profile_3prompt.txt", prof.last_report)
    p = prof.last_profile
    assert [e["chunk"] for e in p["memory"]["per_chunk"]] == list(range(3, 15))
    assert [e["prompt_index"] for e in p["agent"]["per_prompt"]] == [0, 1, 2]
