"""IAMPipeline: MemFlow's loop with the `iamflow` hook calls (see hooks/specs.py).

With no plugins registered it computes exactly what MemFlowPipeline computes (bit for bit):
the hooks only observe, except where a plugin claims the memory segment.
"""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path
from typing import Any

import pluggy

from hooks import hookimpl
from hooks.manager import PluginError, failing_plugin
from hooks.run import RunState
from memflow_ext.pipelines.memflow import MemFlowPipeline
from memflow_ext.streaming.kv_cache import CacheGeometry
from memflow_ext.streaming.memory_access import MemoryAccess
from memflow_ext.streaming.memory_bank import MemorySegment


class _EnginePhase:
    """The engine's own implementation of `iamflow_phase`: it runs the phase."""

    @hookimpl(trylast=True)
    def iamflow_phase(self, execute: Callable[[], Any]) -> Any:
        return _Box(execute())


class _Box:
    """Lets a phase that returns None still count as the first result."""

    __slots__ = ("value",)

    def __init__(self, value: Any) -> None:
        self.value = value


class IAMPipeline(MemFlowPipeline):
    def __init__(self, *args: Any, plugin_manager: pluggy.PluginManager | None = None, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        from hooks.manager import build_plugin_manager

        self.pm = plugin_manager or build_plugin_manager([])
        self.pm.register(_EnginePhase(), name="iamflow-engine")
        self.run: RunState | None = None
        self.output_dir: Path | None = None
        self.run_key = "video"

    @property
    def plugin_names(self) -> list[str]:
        return [n for n, _ in self.pm.list_name_plugin() if n != "iamflow-engine"]

    # -- hook plumbing ---------------------------------------------------------------------------
    def _call(self, hook: str, **kwargs: Any) -> Any:
        name = f"iamflow_{hook}"
        try:
            return getattr(self.pm.hook, name)(pipeline=self, run=self.run, **kwargs)
        except PluginError:
            raise
        except Exception as e:
            who = failing_plugin(self.pm, name, e)
            raise PluginError(f"plugin '{who}' failed in hook '{name}': {type(e).__name__}: {e}") from e

    def _emit(self, hook: str, **kwargs: Any) -> None:
        run = self.run
        if run is None:
            return
        if hook == "prompt_switch":
            run.prompt_index, run.prompt = kwargs["prompt_index"], kwargs["prompt"]
        elif hook == "block_start":
            run.block_index = kwargs["block_index"]
            run.start_frame = run.block_index * run.frames_per_block
        elif hook == "chunk_end":
            run.chunk_index = kwargs["chunk_index"]
        self._call(hook, **kwargs)

    def _run_phase(self, name: str, execute: Callable[[], Any]) -> Any:
        if self.run is None:
            return execute()
        box = self._call("phase", phase=name, execute=execute)
        return box.value if isinstance(box, _Box) else box

    def _wants_evicted(self) -> bool:
        return bool(self.run is not None and self._call("wants_evicted"))

    def _memory_segment(self, geometry: CacheGeometry, batch: int) -> MemorySegment:
        if self.run is not None and self.run.memory is not None and not self.run.memory.nam_enabled:
            return self.run.memory.make_segment()
        return super()._memory_segment(geometry, batch)

    # -- per video -------------------------------------------------------------------------------
    def _begin_video(self, prompts: list[str], switch: list[int], seed: int, frames: int,
                     latent_hw: tuple[int, int]) -> None:
        g = self.geometry(latent_hw)
        fpb = self.cfg.num_frame_per_block
        self.run = RunState(
            config=self.cfg, prompts=list(prompts), switch_frame_indices=list(switch), seed=seed, key=self.run_key,
            output_dir=self.output_dir, plugins=self.plugin_names, device=str(self.device), geometry=g,
            num_blocks=frames // fpb, frames_per_block=fpb, num_output_frames=frames,
            interactive=bool(getattr(self, "interactive", len(prompts) > 1)),
        )
        self.run.memory = MemoryAccess(self, g)
        self._call("pipeline_start")

    def _diffuse(self, state, embeds, switch_frame_indices, noise, generator, interactive, prompts, progress):
        if self.run is not None:
            self.run.memory.set_prompt_embeddings(embeds)
        return super()._diffuse(state, embeds, switch_frame_indices, noise, generator, interactive, prompts,
                                progress)
