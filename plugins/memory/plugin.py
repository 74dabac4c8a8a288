"""The `memory` plugin: hook implementations around `MemoryBank` (see bank.py for what it does).

Hooks, in the order they fire:

* `iamflow_pipeline_start`: claims the memory segment (`run.memory.claim`), which switches
  MemFlow's NAM off for the video, with `memory.max_frames` frames.
* `iamflow_phase` (wrapper, innermost): after the engine's "init" phase, reserves the archive pool
  and the active-memory buffers, so their allocation counts as initialisation.
* `iamflow_chunk_evicting`: before the cache write that evicts a chunk, scores its frames on the
  cache's keys and copies the best frame's keys/values (only that frame is ever copied).
* `iamflow_prompt_switch` (trylast, after the agent published `run.entities[prompt_index]`):
  retrieval for the new prompt; time recorded for the chunk the prompt starts with.
* `iamflow_chunk_end`: archive the evicted chunk's best frame; time recorded for the chunk.
* `iamflow_pipeline_end`: `frame_archive`, `frame_active_memory` and `memory_retrieval` into
  `mapping.json` (beside the video) and `run.memory_selection`; frees the archive.

Throughout the video `run.memory_selection` holds the active frame ids and, in `changes`, one entry
per change of the memory's contents: `{"block", "prompt", "cause": "switch" | "eviction", "frames":
[{"frame_id", "frame" (latent frame), "ids" (entity IDs it was kept for)}]}` (the frames held after
the change), which the storyboard plugin and the live page show.
"""

from __future__ import annotations

from collections.abc import Callable, Generator
from typing import Any

from hooks import hookimpl
from hooks.contract import EvictedFrames, MemoryAccess
from hooks.run import RunState, config_section
from plugins.mapping import update_mapping_sections

from .bank import MemoryBank, footprint
from .settings import MemorySettings

OWNER = "memory"


class MemoryPlugin:
    def __init__(self, settings: MemorySettings | None = None) -> None:
        self.settings = settings
        self.bank: MemoryBank | None = None

    def _bank(self, run: RunState) -> MemoryBank | None:
        bank = self.bank
        return bank if bank is not None and bank.run is run else None

    @hookimpl
    def iamflow_pipeline_start(self, run: RunState) -> None:
        settings = run.section(OWNER, MemorySettings) if run.config is not None else self.settings
        settings = settings or MemorySettings()
        memory = _memory(run)
        memory.claim(OWNER, settings.max_frames)
        self.bank = MemoryBank(settings, run, memory)
        run.extras[OWNER] = self.bank

    @hookimpl(wrapper=True, trylast=True)
    def iamflow_phase(self, run: RunState, phase: str) -> Generator[None, object, object]:
        result = yield
        bank = self._bank(run)
        if phase == "init" and bank is not None:
            bank.reserve()
        return result

    @hookimpl
    def iamflow_chunk_evicting(self, run: RunState, chunk_index: int, evicted: EvictedFrames) -> None:
        bank = self._bank(run)
        if bank is not None:
            bank.on_evicting(chunk_index, evicted)

    @hookimpl(trylast=True)
    def iamflow_prompt_switch(self, run: RunState, prompt_index: int, start_frame: int) -> None:
        bank = self._bank(run)
        if bank is not None:
            bank.on_switch(prompt_index, start_frame)

    @hookimpl
    def iamflow_chunk_end(self, run: RunState, chunk_index: int, evicted: EvictedFrames | None) -> None:
        bank = self._bank(run)
        if bank is not None:
            bank.on_chunk_end(chunk_index, evicted)

    @hookimpl
    def iamflow_memory_footprint(self, config: Any, geometry: Any, model_config: Any, dtype: Any,
                                 num_blocks: int) -> list[dict[str, Any]]:
        """The archive pool, the active-memory buffers and the evicted chunk it receives (ledger)."""
        settings = MemorySettings.from_config(config) if config is not None else self.settings
        return footprint(settings or MemorySettings(), geometry, model_config, dtype, num_blocks)

    @hookimpl
    def iamflow_pipeline_end(self, run: RunState) -> None:
        bank = self._bank(run)
        if bank is not None:
            update_mapping_sections(run, bank.finish())


def _memory(run: RunState) -> MemoryAccess:
    if run.memory is None:
        raise RuntimeError("memory: the run has no memory segment access (run.memory is None)")
    return run.memory


@hookimpl
def iamflow_add_config(register: Callable[[str, type], None]) -> None:
    """The `memory:` section: `MemorySettings`."""
    register(OWNER, MemorySettings)


def make_plugin(config: object | None = None) -> MemoryPlugin:
    """The instance the plugin manager registers, built from the run's validated `memory:` section."""
    return MemoryPlugin(config_section(config, OWNER, MemorySettings) if config is not None else None)
