"""Test harness for plugin authors (as pytest ships `pytester`): drive hooks without a model, and
check that a plugin keeps the hook contract.

* `SyntheticStream` plays the engine's part for one video: it fires the hooks in the engine's order
  (pipeline_start, the init phase, prompt switches, chunk ends with evicted chunks, pipeline_end)
  through a real plugin manager, with a `run.memory` that serves given text keys and writes into a
  real `ExternalMemory`, at any model shape (the 1.3B shapes included) and without running a model.
* `check_plugin` is the conformance check: the plugin registers with no unknown hook names, and a
  tiny generation with it gives the latents of a generation without it, unless the plugin claims the
  memory segment or replaces the text conditioning (then it must say so, and the latents are only
  checked to be finite).
"""

from __future__ import annotations

from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any

import torch

from hooks import hookimpl
from hooks.manager import new_manager, register_checked
from hooks.run import RunState
from memflow_ext.models.rope import build_rope_table
from memflow_ext.streaming.kv_cache import CacheGeometry, EvictedChunk
from memflow_ext.streaming.memory_bank import ExternalMemory

ROPE_POSITIONS = 1024  # positions of the synthetic RoPE table (more than any synthetic video uses)


def char_token_spans(prompt: str) -> list[tuple[int, int]]:
    """A byte-level tokenizer's spans for ASCII text: one token per character, then the closing token."""
    return [(i, i + 1) for i in range(len(prompt))] + [(len(prompt), len(prompt))]


class SyntheticAccess:
    """A `hooks.contract.MemoryAccess` with synthetic text keys and an empty cache of the given shape."""

    def __init__(self, geometry: CacheGeometry, num_layers: int, num_heads: int, head_dim: int,
                 text_keys: Callable[[int], list[torch.Tensor]],
                 token_char_spans: Callable[[str], list[tuple[int, int]]] = char_token_spans, batch: int = 1,
                 dtype: torch.dtype = torch.float32, device: torch.device | str = "cpu") -> None:
        self.geometry = geometry
        self.num_layers, self.num_heads, self.head_dim = num_layers, num_heads, head_dim
        self.cache_shape = (batch, geometry.capacity, num_heads, head_dim)
        self.cache_dtype, self.cache_device = dtype, torch.device(device)
        self.rope_freqs: torch.Tensor | None = build_rope_table(head_dim, ROPE_POSITIONS)
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
        if self.segment is None:
            raise RuntimeError("write() before claim(): the memory segment belongs to no plugin")
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

    def active_text_keys(self, layers: Sequence[int] | None = None) -> dict[int, torch.Tensor]:
        return {}  # no model pass runs here

    def cached_frames(self, frames: Sequence[int]) -> tuple[list[torch.Tensor], list[torch.Tensor]]:
        raise RuntimeError("the synthetic stream holds no KV cache (memory.fill_from_start needs a real one)")


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
    bank_frames: int = 3  # the memory segment's size in frames
    batch: int = 1
    dtype: torch.dtype = torch.float32
    device: str = "cpu"


class SyntheticStream:
    """One synthetic video through the given plugins (`name -> plugin object`), in the engine's hook order."""

    def __init__(self, shape: StreamShape, plugins: Mapping[str, Any], prompts: Sequence[str],
                 switch_frame_indices: Sequence[int], num_frames: int,
                 text_keys: Callable[[int], list[torch.Tensor]], output_dir: Any = None, config: Any = None) -> None:
        self.shape = shape
        self.geometry = CacheGeometry(tokens_per_frame=shape.tokens_per_frame, frames_per_block=shape.frames_per_block,
                                      sink_frames=shape.sink_frames, local_attn_frames=shape.window_frames,
                                      bank_frames=shape.bank_frames)
        self.pm = new_manager()
        self.plugins = dict(plugins)
        for name, plugin in self.plugins.items():
            register_checked(self.pm, plugin, name)
        self.pm.register(_EnginePhase(), name="iamflow-engine")
        self.access = SyntheticAccess(self.geometry, shape.num_layers, shape.num_heads, shape.head_dim, text_keys,
                                      batch=shape.batch, dtype=shape.dtype, device=shape.device)
        fpb = shape.frames_per_block
        self.run = RunState(config=config, prompts=list(prompts), switch_frame_indices=list(switch_frame_indices),
                            seed=0, output_dir=output_dir, plugins=list(self.plugins), device=shape.device,
                            geometry=self.geometry, num_blocks=num_frames // fpb, frames_per_block=fpb,
                            num_output_frames=num_frames)
        self.run.memory = self.access

    def _hook(self, name: str, **kwargs: Any) -> Any:
        # no pipeline here: plugins reach the engine through `run` (run.memory) only
        return getattr(self.pm.hook, f"iamflow_{name}")(pipeline=None, run=self.run, **kwargs)

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
        if frames is not None:  # offered before the cache write, then at the chunk's end
            keys, values = chunk_kv(frames)
            evicted = EvictedChunk(frames=frames, keys=keys, values=values)
            self._hook("chunk_evicting", chunk_index=b + 1, evicted=evicted)
        self._hook("chunk_end", chunk_index=b + 1, evicted=evicted)

    def finish(self) -> None:
        self._hook("pipeline_end", result=None)

    def run_all(self, chunk_kv: Callable[[list[int]], tuple[list[torch.Tensor], list[torch.Tensor]]]) -> None:
        self.start()
        for b in range(self.run.num_blocks):
            self.block(b, chunk_kv)
        self.finish()


# Hooks through which a plugin may change what the model computes; any other hook only observes.
COMPUTING_HOOKS = ("iamflow_block_conditioning",)


@dataclass
class Conformance:
    """What `check_plugin` found."""

    name: str
    hooks: list[str]
    claims_memory: bool
    changes_conditioning: bool
    latents_equal: bool
    problems: list[str] = field(default_factory=list)

    @property
    def ok(self) -> bool:
        return not self.problems


def check_plugin(plugin: Any, name: str = "plugin-under-test", config_overrides: Sequence[str] = (),
                 prompts: Sequence[str] = ("a red fox runs through snow", "the fox stops by a frozen river"),
                 num_output_frames: int = 9, switch_frame_indices: Sequence[int] = (6,)) -> Conformance:
    """Register `plugin` next to the engine and generate a tiny video with and without it.

    Refused at registration (a `PluginError` naming the plugin): a hook implementation whose name is
    not a hook of the contract. Reported in `problems`: latents that differ from the plugin-free run
    although the plugin neither claimed the memory segment nor implements a conditioning hook, and
    non-finite latents.
    """
    from memflow_ext.config import load_config
    from memflow_ext.pipelines.builder import build_pipeline
    from memflow_ext.pipelines.iam import IAMPipeline

    pm = new_manager()
    register_checked(pm, plugin, name)
    hooks = sorted(h.name for h in pm.get_hookcallers(plugin) or [])
    overrides = ["preset=tiny", "device=cpu", "dtype=float32", f"num_output_frames={num_output_frames}",
                 *config_overrides]
    cfg = load_config(overrides=overrides)
    base = build_pipeline(cfg, IAMPipeline, plugin_manager=new_manager())
    ref = base.generate(list(prompts), list(switch_frame_indices), seed=0, decode=False, progress=False)
    pipe = IAMPipeline(cfg, base.model, base.text_encoder, None, plugin_manager=pm)
    out = pipe.generate(list(prompts), list(switch_frame_indices), seed=0, decode=False, progress=False)
    claims = out.run is not None and out.run.memory is not None and out.run.memory.owner is not None
    conditioning = any(h in COMPUTING_HOOKS for h in hooks)
    equal = torch.equal(ref.latents, out.latents)
    problems = []
    if not torch.isfinite(out.latents).all():
        problems.append("the latents with the plugin are not finite")
    if not equal and not claims and not conditioning:
        problems.append("the plugin changed the latents but neither claimed the memory segment "
                        "(run.memory.claim) nor implements a conditioning hook")
    return Conformance(name=name, hooks=hooks, claims_memory=claims, changes_conditioning=conditioning,
                       latents_equal=equal, problems=problems)
