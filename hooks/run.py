"""The per-video `RunState`: what the engine tells plugins, and where plugins leave things for each other.

Who writes which field:

| field | written by | read by |
| --- | --- | --- |
| config, prompts, switch_frame_indices, seed, key, output_dir, plugins | engine (before `pipeline_start`) | all |
| geometry, num_blocks, frames_per_block, interactive | engine (before `pipeline_start`) | memory, profile |
| prompt_index, prompt, block_index, chunk_index, start_frame | engine (before each hook) | all |
| memory | engine: access to the memory segment (`hooks.contract.MemoryAccess`) | memory |
| entities[prompt_index] | agent, in `prompt_switch` (tryfirst): a `hooks.contract.PromptEntities` | memory, live |
| memory_selection | memory (active frame ids, retrieval decisions, the `changes` log) | profile, storyboard, live |
| timings["agent"][prompt_index], timings["memory"][chunk_index] | agent / memory (milliseconds) | profile |
| clock | engine: `time.perf_counter`; the profiler, on CUDA, a clock that waits for the device first | agent, memory |
| timings["transition"][prompt_index] | transition (milliseconds blending into that prompt) | profile |
| block_ms[block_index] | profile (milliseconds of that block, as its report counts them) | live server (timing chart) |
| files[name] | any plugin: files it wrote beside the video | CLI, batch runner |
| extras | third-party plugins (namespace by plugin name); the only untyped field | anyone |
| extras["transition"] | transition: its settings and per-switch schedule (blocks, weights) | anyone |

In a stream (`pipeline.open_stream`, live mode) the run does not know the future: `prompts` starts
with the first prompt and `switch_frame_indices` empty, and each live switch is appended to both just
before its `iamflow_prompt_switch`; `num_blocks` and `num_output_frames` are sized from the stream's
`max_frames` (the most it may generate) until it closes, when `num_output_frames` becomes the number
of latent frames actually generated. A batch run holds every prompt and switch frame from the start.

A plugin reads its own config section typed with `run.section(name, Schema)`; engine types are
imported for type checking only, so this module does not import the engine.
"""

from __future__ import annotations

import time
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING, Any, TypeVar

from .contract import MemoryAccess, PromptEntities

if TYPE_CHECKING:
    from memflow_ext.config import IAMFlowConfig
    from memflow_ext.streaming.kv_cache import CacheGeometry

T = TypeVar("T")


class SectionError(TypeError):
    """A plugin's config section is not of the schema the plugin declared."""


def config_section(config: object | None, name: str, schema: type[T]) -> T:
    """Section `name` of a loaded config as the `schema` dataclass its plugin declared (`iamflow_add_config`).

    Plugin sections exist only at run time (the config class is composed from the installed
    plugins), so this is how a plugin reads its own typed. Without a config, or without the section
    (a config loaded with other sections), the schema's defaults.
    """
    section = getattr(config, name, None) if config is not None else None
    if section is None:
        return schema()
    if not isinstance(section, schema):
        raise SectionError(f"config section '{name}' is a {type(section).__name__}, not the declared "
                           f"{schema.__name__}")
    return section


@dataclass
class RunState:
    config: IAMFlowConfig | None  # None only in runs made by hand (tests, harnesses)
    prompts: list[str]
    switch_frame_indices: list[int]
    seed: int
    key: str = "video"
    output_dir: Path | None = None
    plugins: list[str] = field(default_factory=list)
    device: str = "cpu"
    # cache geometry and loop sizes (the engine always sets the geometry)
    geometry: CacheGeometry | None = None
    num_blocks: int = 0  # in a stream: max_frames // frames_per_block (an upper bound)
    frames_per_block: int = 0
    num_output_frames: int = 0  # in a stream: max_frames until close, then the frames generated
    interactive: bool = False  # the engine's interactive mode (NAM records every record_interval blocks)
    # counters, updated by the engine before each hook
    prompt_index: int = -1
    prompt: str = ""
    block_index: int = -1
    chunk_index: int = 0
    start_frame: int = 0
    # the engine's memory segment, as the plugin that owns it sees it
    memory: MemoryAccess | None = None
    # shared between plugins
    entities: dict[int, PromptEntities] = field(default_factory=dict)
    memory_selection: dict[str, object] = field(default_factory=dict)  # JSON values
    timings: dict[str, dict[int, float]] = field(default_factory=lambda: {"agent": {}, "memory": {}})
    # seconds; plugins time their own work with it. Only the profiler replaces it (on CUDA, with a clock
    # that synchronises the device), so no plugin synchronises when profiling is off.
    clock: Callable[[], float] = time.perf_counter
    block_ms: dict[int, float] = field(default_factory=dict)  # a profiler's timing of each block, as it ends
    files: dict[str, Path] = field(default_factory=dict)
    extras: dict[str, Any] = field(default_factory=dict)

    def section(self, name: str, schema: type[T]) -> T:
        """This run's config section `name` as its plugin's `schema` (see `config_section`)."""
        return config_section(self.config, name, schema)

    def record_time(self, section: str, index: int, ms: float) -> None:
        """Add `ms` milliseconds of plugin work to `timings[section][index]`."""
        bucket = self.timings.setdefault(section, {})
        bucket[index] = bucket.get(index, 0.0) + ms

    def prompt_of_frame(self, frame: int) -> int:
        """Index of the prompt that conditions latent frame `frame`."""
        return sum(1 for s in self.switch_frame_indices if s <= frame)
