"""Drive the memory plugin's hooks on synthetic tensors, at any model shape, without running a model.

`SyntheticStream` plays the engine's part for one video: it fires the hooks in the engine's order
(pipeline_start, the init phase, prompt switches, chunk ends with evicted chunks, pipeline_end)
through a real plugin manager, with a `run.memory` that serves given text keys and writes into a
real `ExternalMemory`. The caller supplies each prompt's text keys and each evicted chunk's keys
and values. Used by the retrieval tests and by `benchmarks/memory_bank_cost.py` (the 1.3B shapes).
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass
from types import SimpleNamespace
from typing import Any

import pluggy
import torch

from hooks import hookimpl, specs
from hooks.run import RunState
from memflow_ext.models.rope import build_rope_table
from memflow_ext.streaming.kv_cache import CacheGeometry, EvictedChunk
from memflow_ext.streaming.memory_bank import ExternalMemory

from .plugin import MemoryPlugin
from .settings import MemorySettings


def char_token_spans(prompt: str) -> list[tuple[int, int]]:
    """A byte-level tokenizer's spans for ASCII text: one token per character, then the closing token."""
    return [(i, i + 1) for i in range(len(prompt))] + [(len(prompt), len(prompt))]


class SyntheticAccess:
    """Stands in for `memflow_ext.streaming.memory_access.MemoryAccess`: same methods, synthetic text keys."""

    def __init__(self, geometry: CacheGeometry, num_layers: int, num_heads: int, head_dim: int,
                 text_keys: Callable[[int], list[torch.Tensor]],
                 token_char_spans: Callable[[str], list[tuple[int, int]]] = char_token_spans) -> None:
        self.geometry = geometry
        self.num_layers, self.num_heads, self.head_dim = num_layers, num_heads, head_dim
        self._text_keys = text_keys
        self._spans = token_char_spans
        self.owner: str | None = None
        self.max_frames = 0
        self.segment: ExternalMemory | None = None
        self.writes = 0

    @property
    def tokens_per_frame(self) -> int:
        return self.geometry.tokens_per_frame

    def claim(self, owner: str, max_frames: int) -> None:
        self.owner, self.max_frames = owner, max_frames
        self.segment = ExternalMemory(self.geometry, self.num_layers, max_frames)

    @property
    def nam_enabled(self) -> bool:
        return self.owner is None

    def write(self, keys: list[torch.Tensor], values: list[torch.Tensor], frame_ids: list[str]) -> None:
        assert self.segment is not None
        self.segment.write(keys, values, frame_ids)
        self.writes += 1

    def clear(self) -> None:
        if self.segment is not None:
            self.segment.clear()

    @property
    def frame_ids(self) -> list[str]:
        return list(self.segment.frame_ids) if self.segment is not None else []

    def text_keys(self, prompt_index: int, layers: Sequence[int] | None = None) -> dict[int, torch.Tensor]:
        keys = self._text_keys(prompt_index)
        return {layer: keys[layer] for layer in (range(len(keys)) if layers is None else layers)}

    def token_char_spans(self, prompt: str) -> list[tuple[int, int]]:
        return self._spans(prompt)


class _EnginePhase:
    @hookimpl(trylast=True)
    def iamflow_phase(self, execute: Callable[[], Any]) -> Any:
        return execute()


@dataclass
class StreamShape:
    num_layers: int
    num_heads: int
    head_dim: int
    tokens_per_frame: int
    frames_per_block: int = 3
    sink_frames: int = 3
    window_frames: int = 6  # local_attn_size, sink included
    batch: int = 1
    dtype: torch.dtype = torch.float32
    device: str = "cpu"


class SyntheticStream:
    """One synthetic video through the memory plugin (and any extra plugins given)."""

    def __init__(self, shape: StreamShape, settings: MemorySettings, prompts: Sequence[str],
                 switch_frame_indices: Sequence[int], num_frames: int,
                 text_keys: Callable[[int], list[torch.Tensor]], extra_plugins: Sequence[Any] = (),
                 output_dir: Any = None) -> None:
        self.shape = shape
        self.geometry = CacheGeometry(tokens_per_frame=shape.tokens_per_frame, frames_per_block=shape.frames_per_block,
                                      sink_frames=shape.sink_frames, local_attn_frames=shape.window_frames,
                                      bank_frames=settings.max_frames)
        self.pm = pluggy.PluginManager(specs.PROJECT)
        self.pm.add_hookspecs(specs)
        self.plugin = MemoryPlugin(settings)
        self.pm.register(self.plugin, name="memory")
        for i, p in enumerate(extra_plugins):
            self.pm.register(p, name=f"extra{i}")
        self.pm.register(_EnginePhase(), name="engine")
        self.access = SyntheticAccess(self.geometry, shape.num_layers, shape.num_heads, shape.head_dim, text_keys)
        fpb = shape.frames_per_block
        self.run = RunState(config=None, prompts=list(prompts), switch_frame_indices=list(switch_frame_indices),
                            seed=0, output_dir=output_dir, plugins=["memory"], device=shape.device,
                            geometry=self.geometry, num_blocks=num_frames // fpb, frames_per_block=fpb,
                            num_output_frames=num_frames)
        self.run.memory = self.access
        cache = torch.zeros(shape.batch, self.geometry.capacity, shape.num_heads, shape.head_dim,
                            dtype=shape.dtype, device=shape.device)
        self.pipeline = SimpleNamespace(model=SimpleNamespace(freqs=build_rope_table(shape.head_dim, 1024)),
                                        state=SimpleNamespace(kv=SimpleNamespace(k=[cache])))

    @property
    def bank(self) -> Any:
        return self.plugin.bank

    def _hook(self, name: str, **kwargs: Any) -> Any:
        return getattr(self.pm.hook, f"iamflow_{name}")(pipeline=self.pipeline, run=self.run, **kwargs)

    def start(self) -> None:
        self._hook("pipeline_start")
        self._hook("phase", phase="init", execute=lambda: None)

    def evicted_frames(self, block: int) -> list[int] | None:
        """Frames the cache update of `block` evicts (None before the window is full)."""
        first = self.geometry.first_evicting_block()
        if first is None or block < first:
            return None
        start = self.geometry.sink_frames + self.shape.frames_per_block * (block - first)
        return list(range(start, start + self.shape.frames_per_block))

    def block(self, b: int, chunk_kv: Callable[[list[int]], tuple[list[torch.Tensor], list[torch.Tensor]]]) -> None:
        """The plugin-visible part of block `b`: a prompt switch if one starts here, then its chunk end."""
        run, fpb = self.run, self.shape.frames_per_block
        starts = [0, *run.switch_frame_indices]
        if b * fpb in starts:
            p = starts.index(b * fpb)
            run.prompt_index, run.prompt = p, run.prompts[p]
            self._hook("prompt_switch", prompt_index=p, prompt=run.prompts[p], start_frame=b * fpb)
        run.block_index, run.start_frame, run.chunk_index = b, b * fpb, b + 1
        frames = self.evicted_frames(b)
        evicted = None
        if frames is not None:
            keys, values = chunk_kv(frames)
            evicted = EvictedChunk(frames=frames, keys=keys, values=values)
        self._hook("chunk_end", chunk_index=b + 1, evicted=evicted)

    def finish(self) -> None:
        self._hook("pipeline_end", result=None)

    def run_all(self, chunk_kv: Callable[[list[int]], tuple[list[torch.Tensor], list[torch.Tensor]]]) -> None:
        self.start()
        for b in range(self.run.num_blocks):
            self.block(b, chunk_kv)
        self.finish()
