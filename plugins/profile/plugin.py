"""The `profile` plugin: times every phase and block of a video, prints the report, writes profile.json.

What is timed, and how it adds up (all in milliseconds):

* **Initialization** (`init_ms`): the engine's "init" phase. In MemFlow/IAMFlow terms this is the
  allocation of the KV cache, the cross-attention (text) cache and the memory segment; this
  engine's init phase also encodes the prompts with the text encoder and draws the initial noise,
  so those are included.
* **Diffusion** (`diffusion_ms`): the whole streaming loop, including the agent's and the memory
  plugin's work and the KV re-cache at prompt switches.
* **VAE decoding** (`vae_decode_ms`): the "vae_decode" phase (0 when the video is not decoded).

  In a stream (live mode) "diffusion" and "vae_decode" run once per block instead of once per
  video; each phase's times are added up, so the sums mean the same as in a batch run (phases
  never nest, so no timer holds another phase's work).
* **Total** (`total_ms`) = init + diffusion + VAE decoding. Work before the init phase
  (`iamflow_pipeline_start`) and writing files after decoding are not part of it.
* **Agent / memory** (`agent_ms`, `memory_ms`): the sums of `run.timings["agent"]` (per prompt
  index) and `run.timings["memory"]` (per chunk index), which those plugins record themselves with
  `run.record_time`. **Pure diffusion** = diffusion - agent - memory.
* **Transition** (`transition_ms`, `transition.per_switch`): the sum, and per prompt index, of
  `run.timings["transition"]`, the transition plugin's blending work at each switch. It runs inside
  the re-cache and the blocks it blends, so it is part of the diffusion time (and of pure diffusion
  and those blocks' times); the printed report does not list it.
* **Per block** (`blocks`): from `iamflow_block_start` to `iamflow_block_end` of that block: the
  denoising steps and the context pass that writes the block into the KV cache (also published in
  `run.block_ms[block_index]` as the block ends, for live mode's chart). The profiler's
  `block_start` runs last and its `block_end` first among the plugins, so other plugins' work in
  those hooks is outside the block timer. Agent and memory work happens outside it too (the agent
  and the memory retrieval in `iamflow_prompt_switch`, which fires before `block_start`; the
  memory bank's eviction handling in `iamflow_chunk_end`, after `block_end`). Plugin time that is
  recorded while a block timer runs anyway is subtracted from that block, so no millisecond is
  counted both as plugin time and as block time: sum(blocks) + agent + memory <= diffusion. The
  rest of the diffusion phase (`between_blocks_ms`) is the re-cache at prompt switches and the
  loop's own bookkeeping.
* **Throughput**: the report's FPS is generated *latent* frames (`num_output_frames`) per second
  of total time, as IAMFlow computes it (`latent_fps`). profile.json also gives decoded *video*
  frames per second (`video_fps`, 1 + 4 * (latent frames - 1) frames for the Wan VAE).

Clock: `time.perf_counter` (monotonic) by default, injectable for tests. On a CUDA device the
profiler calls `torch.cuda.synchronize()` at every phase and block boundary, so GPU work queued in
one phase is not billed to the next; on CPU it never synchronises. On CUDA it also hands that
synchronising clock to the other plugins as `run.clock` (the agent's and memory's own timers):
the profiler's timers are the only place the device is waited for, and without the profiler
nothing synchronises.

`memory_frames_per_block` (from the engine's result): the memory frames each block's denoising
attended to, so two runs can be checked for equal attention work.

Files (into `run.output_dir` when set): `profile.json`, `profile.txt` (the report) and, with
`profile.trace: true`, `trace.json` in Chrome's trace-event format (open in chrome://tracing or
Perfetto): complete events for phases, blocks, and each prompt's agent work and each chunk's
memory work (placed inside the prompt-switch / chunk-end hook that recorded them).
"""

from __future__ import annotations

import hashlib
import time
from collections.abc import Callable, Generator
from pathlib import Path
from typing import Any

from loguru import logger

from hooks import hookimpl
from hooks.contract import GeneratedVideo
from hooks.run import RunState, config_section

from .config import ProfileConfig
from .report import render_report

PROFILE_FORMAT = "iamflow-profile/1"
PHASES = ("init", "diffusion", "vae_decode")
LATENT_FPS_MEANING = "generated latent frames (num_output_frames) per second of total time, as IAMFlow computes it"
VIDEO_FPS_MEANING = "decoded video frames per second of total time"

__all__ = ["ProfileConfig", "ProfilePlugin", "build_profile", "config_sha256", "make_plugin", "render_report"]


def config_sha256(config: object | None) -> str | None:
    """sha256 of the resolved config as YAML (`memflow_ext.config.to_yaml`)."""
    if config is None:
        return None
    from memflow_ext.config import to_yaml

    return hashlib.sha256(to_yaml(config).encode("utf-8")).hexdigest()  # type: ignore[arg-type]  # any dataclass


def _r(ms: float) -> float:
    """Milliseconds kept to the microsecond in profile.json."""
    return round(float(ms), 3)


def _plugin_enabled(run: RunState, name: str) -> bool:
    return name in run.plugins or bool(run.timings.get(name))


def build_profile(run: RunState, phases_ms: dict[str, float], blocks_ms: dict[int, float],
                  video_frames: int | None = None) -> dict[str, Any]:
    """The profile (profile.json content) of one video from the profiler's timers and `run`.

    `phases_ms` maps "init" / "diffusion" / "vae_decode" to milliseconds, `blocks_ms` block index to
    milliseconds; agent and memory times come from `run.timings`.
    """
    init, diff, vae = (_r(phases_ms.get(p, 0.0)) for p in PHASES)
    total = _r(init + diff + vae)
    timings = run.timings
    agent_on, memory_on = _plugin_enabled(run, "agent"), _plugin_enabled(run, "memory")
    agent_t = {int(k): float(v) for k, v in timings.get("agent", {}).items()}
    memory_t = {int(k): float(v) for k, v in timings.get("memory", {}).items()}
    agent_ms, memory_ms = _r(sum(agent_t.values())), _r(sum(memory_t.values()))
    blocks = [{"block_index": b, "ms": _r(ms)} for b, ms in sorted(blocks_ms.items())]
    blocks_total = _r(sum(e["ms"] for e in blocks))

    n_prompts = len(run.prompts)
    prompt_ids = sorted(set(range(n_prompts)) | set(agent_t)) if agent_on else []
    per_prompt = [{"prompt_index": i, "ms": _r(agent_t.get(i, 0.0))} for i in prompt_ids]

    first_chunk = None
    first_evicting = run.geometry.first_evicting_block() if run.geometry is not None else None
    if first_evicting is not None:
        first_chunk = first_evicting + 1  # chunks count from 1
    if memory_t:
        first_chunk = min(memory_t) if first_chunk is None else min(first_chunk, min(memory_t))
    per_chunk = [{"chunk": c, "ms": _r(ms)} for c, ms in sorted(memory_t.items())]
    transition_t = {int(k): float(v) for k, v in timings.get("transition", {}).items()}
    per_switch = [{"prompt_index": i, "ms": _r(ms)} for i, ms in sorted(transition_t.items())]

    latent_frames = int(run.num_output_frames)
    seconds = total / 1000.0
    config = run.config
    return {
        "format": PROFILE_FORMAT,
        "units": {"*_ms": "milliseconds", "ms": "milliseconds", "*_fps": "frames per second",
                  "*_pct": "percent of total_ms"},
        "key": run.key,
        "device": str(run.device),
        "preset": config.preset if config is not None else None,
        "plugins": list(run.plugins),
        "config_sha256": config_sha256(config),
        "seed": run.seed,
        "num_prompts": n_prompts,
        "switch_frame_indices": list(run.switch_frame_indices),
        "init_ms": init,
        "diffusion_ms": diff,
        "vae_decode_ms": vae,
        "total_ms": total,
        "init_pct": _r(100 * init / total) if total else 0.0,
        "diffusion_pct": _r(100 * diff / total) if total else 0.0,
        "vae_decode_pct": _r(100 * vae / total) if total else 0.0,
        "agent_ms": agent_ms,
        "memory_ms": memory_ms,
        "pure_diffusion_ms": _r(diff - agent_ms - memory_ms),
        "blocks_total_ms": blocks_total,
        "between_blocks_ms": _r(diff - agent_ms - memory_ms - blocks_total),
        "latent_frames": latent_frames,
        "video_frames": video_frames,
        "latent_fps": round(latent_frames / seconds, 4) if seconds > 0 else 0.0,
        "video_fps": round(video_frames / seconds, 4) if seconds > 0 and video_frames else None,
        "fps_meaning": {"latent_fps": LATENT_FPS_MEANING + " (the report's Throughput)",
                        "video_fps": VIDEO_FPS_MEANING + " (null when the video was not decoded)"},
        "agent": {"enabled": agent_on, "per_prompt": per_prompt},
        "memory": {"enabled": memory_on, "first_chunk": first_chunk, "per_chunk": per_chunk},
        "blocks": blocks,
        "transition_ms": _r(sum(transition_t.values())),
        "transition": {"enabled": _plugin_enabled(run, "transition"), "per_switch": per_switch},
    }


class ProfilePlugin:
    """Hook implementations of the profiler; one instance serves every video of a pipeline.

    After each video, `last_profile` (the profile.json dict), `last_report` (the text) and, with
    tracing, `last_trace` (the Chrome trace dict) hold that video's results.
    """

    def __init__(self, config: object | None = None, clock: Callable[[], float] = time.perf_counter,
                 trace: bool | None = None, echo: bool = True) -> None:
        self.clock = clock
        self.trace = config_section(config, "profile", ProfileConfig).trace if trace is None else trace
        self.echo = echo
        self.last_profile: dict[str, Any] | None = None
        self.last_report: str | None = None
        self.last_trace: dict[str, Any] | None = None
        self._reset(None)

    def _reset(self, cuda_device: str | None) -> None:
        self._cuda_device = cuda_device
        self._phases: dict[str, float] = {}
        self._blocks: dict[int, float] = {}
        self._block_t0 = 0.0
        self._block_plugin_ms = 0.0
        self._origin = 0.0
        self._events: list[dict[str, Any]] = []

    # -- timing primitives ---------------------------------------------------------------------------
    def _now(self) -> float:
        """Seconds on the profiler's clock, after the device finished its queued work (CUDA)."""
        if self._cuda_device is not None:
            import torch

            torch.cuda.synchronize(self._cuda_device)
        return self.clock()

    @staticmethod
    def _plugin_ms(run: RunState) -> float:
        t = run.timings
        return sum(t.get("agent", {}).values()) + sum(t.get("memory", {}).values())

    def _event(self, name: str, cat: str, tid: int, start_s: float, dur_ms: float, **args: Any) -> None:
        self._events.append({"name": name, "cat": cat, "ph": "X", "pid": 1, "tid": tid,
                             "ts": round((start_s - self._origin) * 1e6, 3), "dur": round(dur_ms * 1e3, 3),
                             "args": args})

    # -- hooks ---------------------------------------------------------------------------------------
    @hookimpl(tryfirst=True)
    def iamflow_pipeline_start(self, run: RunState) -> None:
        device = str(run.device)
        self._reset(device if device.startswith("cuda") else None)
        if self._cuda_device is not None:  # plugins' own timers wait for the device only while profiling
            run.clock = self._now
        if self.trace:
            self._origin = self._now()

    @hookimpl(wrapper=True, trylast=True)
    def iamflow_phase(self, phase: str) -> Generator[None, object, object]:
        start = self._now()
        result = yield
        end = self._now()
        ms = (end - start) * 1000.0
        self._phases[phase] = self._phases.get(phase, 0.0) + ms
        if self.trace:
            self._event(phase, "phase", 1, start, ms)
        return result

    @hookimpl(trylast=True)
    def iamflow_block_start(self, run: RunState) -> None:
        self._block_plugin_ms = self._plugin_ms(run)
        self._block_t0 = self._now()

    @hookimpl(tryfirst=True)
    def iamflow_block_end(self, run: RunState, block_index: int) -> None:
        end = self._now()
        inside = self._plugin_ms(run) - self._block_plugin_ms  # plugin work recorded during the block
        ms = (end - self._block_t0) * 1000.0 - inside
        self._blocks[block_index] = ms
        run.block_ms[block_index] = ms  # published as each block ends (live mode charts it)
        if self.trace:
            self._event(f"block {block_index}", "block", 2, self._block_t0, ms, block_index=block_index)

    @hookimpl(wrapper=True, tryfirst=True)
    def iamflow_prompt_switch(self, run: RunState, prompt_index: int) -> Generator[None, object, object]:
        if not self.trace:
            return (yield)
        return (yield from self._traced_window(run, f"prompt {prompt_index + 1}"))

    @hookimpl(wrapper=True, tryfirst=True)
    def iamflow_chunk_end(self, run: RunState, chunk_index: int) -> Generator[None, object, object]:
        if not self.trace:
            return (yield)
        return (yield from self._traced_window(run, f"chunk {chunk_index}"))

    def _traced_window(self, run: RunState, where: str) -> Generator[None, object, object]:
        """Surround a hook; lay the agent/memory time recorded inside it out as trace events."""
        before = {s: dict(run.timings.get(s, {})) for s in ("agent", "memory")}
        start = self._now()
        result = yield
        t = start
        for section, tid in (("agent", 3), ("memory", 4)):
            for index, ms in run.timings.get(section, {}).items():
                added = ms - before[section].get(index, 0.0)
                if added > 0:
                    label = f"{section} prompt {index + 1}" if section == "agent" else f"memory chunk {index}"
                    self._event(label, section, tid, t, added, index=index, hook_window=where)
                    t += added / 1000.0
        return result

    @hookimpl
    def iamflow_pipeline_end(self, run: RunState, result: GeneratedVideo | None) -> None:
        video = result.video if result is not None else None
        frames = int(video.shape[1]) if video is not None else None
        profile = build_profile(run, self._phases, self._blocks, frames)
        info = result.info if result is not None else {}
        if "memory_frames_per_block" in info:
            profile["memory_frames_per_block"] = list(info["memory_frames_per_block"])
        report = render_report(profile)
        self.last_profile, self.last_report = profile, report
        self.last_trace = self._chrome_trace(run) if self.trace else None
        if self.echo:
            logger.opt(raw=True).info("\n" + report)
        if run.output_dir is not None:
            self._write(run.output_dir, run, profile, report)

    # -- output --------------------------------------------------------------------------------------
    def _chrome_trace(self, run: RunState) -> dict[str, Any]:
        names = {1: "phases", 2: "blocks", 3: "agent", 4: "memory"}
        meta = [{"name": "process_name", "ph": "M", "pid": 1, "tid": 0, "args": {"name": f"iamflow {run.key}"}}]
        meta += [{"name": "thread_name", "ph": "M", "pid": 1, "tid": tid, "args": {"name": n}}
                 for tid, n in names.items()]
        return {"traceEvents": meta + self._events, "displayTimeUnit": "ms",
                "otherData": {"key": run.key, "device": str(run.device), "units": "ts and dur in microseconds"}}

    def _write(self, folder: Path, run: RunState, profile: dict[str, Any], report: str) -> None:
        from memflow_ext.io_utils import atomic_write_json, atomic_write_text

        atomic_write_json(folder / "profile.json", profile)
        atomic_write_text(folder / "profile.txt", report)
        run.files["profile.json"] = folder / "profile.json"
        run.files["profile.txt"] = folder / "profile.txt"
        if self.last_trace is not None:
            atomic_write_json(folder / "trace.json", self.last_trace, indent=None)
            run.files["trace.json"] = folder / "trace.json"


def make_plugin(config: object | None = None, clock: Callable[[], float] = time.perf_counter) -> ProfilePlugin:
    """The plugin instance the manager registers (called with the run's config)."""
    return ProfilePlugin(config, clock=clock)


@hookimpl
def iamflow_add_config(register: Callable[[str, type], None]) -> None:
    """The `profile:` section: `ProfileConfig` (`enabled`, `trace`)."""
    register("profile", ProfileConfig)
