"""The per-video `RunState`: what the engine tells plugins, and where plugins leave things for each other.

Who writes which field:

| field | written by | read by |
| --- | --- | --- |
| config, prompts, switch_frame_indices, seed, key, output_dir, plugins | engine (before `pipeline_start`) | all |
| geometry, num_blocks, frames_per_block, interactive | engine (before `pipeline_start`) | memory, profile |
| prompt_index, prompt, block_index, chunk_index, start_frame | engine (before each hook) | all |
| memory | engine: access to the memory segment (claim / write / text keys) | memory |
| entities[prompt_index] | agent, in `prompt_switch` (tryfirst) | memory, profile |
| memory_selection | memory (active frame ids, retrieval decisions, the `changes` log) | profile, storyboard, live |
| timings["agent"][prompt_index], timings["memory"][chunk_index] | agent / memory (milliseconds) | profile |
| clock | engine: `time.perf_counter`; the profiler, on CUDA, a clock that waits for the device first | agent, memory |
| timings["transition"][prompt_index] | transition (milliseconds blending into that prompt) | profile |
| block_ms[block_index] | profile (milliseconds of that block, as its report counts them) | live server (timing chart) |
| files[name] | any plugin: files it wrote beside the video | CLI, batch runner |
| extras | third-party plugins (namespace by plugin name) | anyone |
| extras["transition"] | transition: its settings and per-switch schedule (blocks, weights) | anyone |

In a stream (`pipeline.open_stream`, live mode) the run does not know the future: `prompts` starts
with the first prompt and `switch_frame_indices` empty, and each live switch is appended to both just
before its `iamflow_prompt_switch`; `num_blocks` and `num_output_frames` are sized from the stream's
`max_frames` (the most it may generate) until it closes, when `num_output_frames` becomes the number
of latent frames actually generated. A batch run holds every prompt and switch frame from the start.
"""

from __future__ import annotations

import time
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any


@dataclass
class RunState:
    config: Any
    prompts: list[str]
    switch_frame_indices: list[int]
    seed: int
    key: str = "video"
    output_dir: Path | None = None
    plugins: list[str] = field(default_factory=list)
    device: str = "cpu"
    # cache geometry (a memflow_ext.streaming.kv_cache.CacheGeometry) and loop sizes
    geometry: Any = None
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
    # the engine's memory segment (memflow_ext.streaming.memory_access.MemoryAccess)
    memory: Any = None
    # shared between plugins
    entities: dict[int, Any] = field(default_factory=dict)
    memory_selection: dict[str, Any] = field(default_factory=dict)
    timings: dict[str, dict[int, float]] = field(default_factory=lambda: {"agent": {}, "memory": {}})
    # seconds; plugins time their own work with it. Only the profiler replaces it (on CUDA, with a clock
    # that synchronises the device), so no plugin synchronises when profiling is off.
    clock: Callable[[], float] = time.perf_counter
    block_ms: dict[int, float] = field(default_factory=dict)  # a profiler's timing of each block, as it ends
    files: dict[str, Path] = field(default_factory=dict)
    extras: dict[str, Any] = field(default_factory=dict)

    def record_time(self, section: str, index: int, ms: float) -> None:
        """Add `ms` milliseconds of plugin work to `timings[section][index]`."""
        bucket = self.timings.setdefault(section, {})
        bucket[index] = bucket.get(index, 0.0) + ms

    def prompt_of_frame(self, frame: int) -> int:
        """Index of the prompt that conditions latent frame `frame`."""
        return sum(1 for s in self.switch_frame_indices if s <= frame)
