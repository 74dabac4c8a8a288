"""The `transition` plugin: blends the text conditioning across prompt switches.

MemFlow cuts from one prompt's embedding to the next in one block. With this plugin, from each
switch on (never for the first prompt) the conditioning moves from the one in use just before the
switch to the new prompt's embedding over `transition.blocks` blocks, the switch's KV re-cache
included: block s + j of a switch at block s (j = 0..n-1) is conditioned on
`blend(previous, new, (j + 1) / (n + 1))`, the same tensor for all its passes (re-cache, denoising
steps, context pass); from block s + n on the new prompt's embedding is used as is. A switch that
comes before the previous blend finished starts from the blend in use.

Hooks:

* `iamflow_add_config`: declares the `transition:` section (`TransitionConfig`).
* `iamflow_pipeline_start`: reads the section (`run.config.transition`; the plugin's own settings,
  or the defaults, while the config has no such section) and resets the per-video state.
* `iamflow_block_conditioning`: returns the blend while one is running, None otherwise.

Reports, per video: `run.extras["transition"]` (settings and, per switch, the blocks, weights,
prompt distance and time; also written as `transition.json` beside the video) and
`run.timings["transition"][prompt_index]` (milliseconds spent blending into that prompt, which the
profile plugin writes into profile.json).
"""

from __future__ import annotations

import time
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

import torch

from hooks import hookimpl
from hooks.run import RunState

from .blend import adaptive_blocks, blend, block_weights, prompt_distance
from .config import TransitionConfig

NAME = "transition"
FILE = "transition.json"


@dataclass
class _Blend:
    prompt_index: int
    start_block: int
    weights: list[float]
    source: torch.Tensor
    record: dict[str, Any]
    outputs: dict[int, torch.Tensor] = field(default_factory=dict)  # block -> the block's conditioning


class TransitionPlugin:
    """One instance serves every video of a pipeline; its state is reset at each `pipeline_start`."""

    def __init__(self, settings: TransitionConfig | None = None) -> None:
        self.settings = settings or TransitionConfig()
        self._run: RunState | None = None
        self._prompt: int | None = None
        self._in_use: torch.Tensor | None = None
        self._blend: _Blend | None = None

    @hookimpl
    def iamflow_pipeline_start(self, run: RunState) -> None:
        self._run, self._prompt, self._in_use, self._blend = run, None, None, None
        s = self.settings
        run.extras[NAME] = {"enabled": s.enabled, "blocks": s.blocks, "method": s.method, "adaptive": s.adaptive,
                            "weight_rule": "(j + 1) / (n + 1) for block j of n",
                            "switches": []}
        run.timings.setdefault(NAME, {})

    @hookimpl
    def iamflow_block_conditioning(self, run: RunState, block_index: int, prompt_index: int,
                                   conditioning: torch.Tensor) -> torch.Tensor | None:
        if run is not self._run or not self.settings.enabled:
            return None
        if prompt_index != self._prompt:
            self._switch(run, block_index, prompt_index, conditioning)
        b = self._blend
        j = block_index - b.start_block if b is not None else -1
        if b is None or not 0 <= j < len(b.weights):
            self._blend = None
            self._in_use = conditioning
            return None
        out = b.outputs.get(block_index)
        if out is None:
            with self._timed(run, prompt_index, conditioning):
                b.outputs = {block_index: blend(b.source, conditioning, b.weights[j], self.settings.method)}
            out = b.outputs[block_index]
        self._in_use = out
        return out

    @hookimpl
    def iamflow_pipeline_end(self, run: RunState) -> None:
        """Writes the schedule as `transition.json` beside the video (when the run has an output folder)."""
        if run is not self._run or run.output_dir is None or NAME not in run.extras:
            return
        from memflow_ext.io_utils import atomic_write_json

        path = run.output_dir / FILE
        atomic_write_json(path, run.extras[NAME])
        run.files[FILE] = path

    def _switch(self, run: RunState, block_index: int, prompt_index: int, new: torch.Tensor) -> None:
        first = self._prompt is None
        self._prompt = prompt_index
        previous, source = self._blend, self._in_use
        self._blend = None
        if first or source is None:
            return  # the first prompt starts without a blend
        with self._timed(run, prompt_index, new):
            if source.shape != new.shape:  # rows beyond the new conditioning's length are dropped
                source = _fit(source, new)
            distance = prompt_distance(source, new)
            n = adaptive_blocks(distance, self.settings.blocks) if self.settings.adaptive else self.settings.blocks
            record: dict[str, Any] = {
                "prompt_index": prompt_index, "start_block": block_index,
                "start_frame": block_index * run.frames_per_block,
                "blocks": n, "weights": [round(w, 6) for w in block_weights(n)], "distance": round(distance, 6),
                "from": "blend" if previous is not None else f"prompt {prompt_index - 1}",
            }
            if previous is not None:
                previous.record["interrupted_at_block"] = block_index
            run.extras[NAME]["switches"].append(record)
            if n > 0:
                self._blend = _Blend(prompt_index, block_index, block_weights(n), source, record)

    def _timed(self, run: RunState, prompt_index: int, like: torch.Tensor) -> _Timer:
        return _Timer(run, prompt_index, like.device if like.is_cuda else None)


class _Timer:
    """Adds the wall time of a block of work to `run.timings["transition"][prompt_index]` and the switch record."""

    def __init__(self, run: RunState, prompt_index: int, cuda: torch.device | None) -> None:
        self.run, self.prompt_index, self.cuda = run, prompt_index, cuda

    def __enter__(self) -> None:
        if self.cuda is not None:
            torch.cuda.synchronize(self.cuda)
        self.t0 = time.perf_counter()

    def __exit__(self, *exc: object) -> None:
        if self.cuda is not None:
            torch.cuda.synchronize(self.cuda)
        ms = (time.perf_counter() - self.t0) * 1000.0
        self.run.record_time(NAME, self.prompt_index, ms)
        for rec in reversed(self.run.extras.get(NAME, {}).get("switches", [])):
            if rec["prompt_index"] == self.prompt_index:
                rec["ms"] = round(rec.get("ms", 0.0) + ms, 3)
                break


def _fit(x: torch.Tensor, like: torch.Tensor) -> torch.Tensor:
    """x cut or zero-padded along the text rows to `like`'s shape."""
    rows = like.shape[1]
    if x.shape[1] >= rows:
        return x[:, :rows].to(like.dtype)
    pad = x.new_zeros(x.shape[0], rows - x.shape[1], x.shape[2])
    return torch.cat([x, pad], dim=1).to(like.dtype)


@hookimpl
def iamflow_add_config(register: Callable[[str, type], None]) -> None:
    """The `transition:` section: `TransitionConfig`."""
    register(NAME, TransitionConfig)


def make_plugin(config: object | None = None) -> TransitionPlugin:
    """The instance the plugin manager registers, built from the run's validated `transition:` section."""
    section = getattr(config, NAME, None) if config is not None else None
    return TransitionPlugin(TransitionConfig.from_section(section) if section is not None else None)
