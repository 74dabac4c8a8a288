"""What IAM Flow's plugins cost over plain MemFlow, measured side by side in one process.

    python benchmarks/overhead.py --preset small --frames N --repeats R --json OUT

Same prompts, same seed, same model weights. After one warm-up of each arm, the arms run in
rounds (A B, then B A, ...: the order flips every round so neither arm always runs second), R
rounds in all. Arms:

- `baseline`: MemFlowPipeline, no plugins (MemFlow's NAM memory bank);
- `iam`: IAMPipeline with agent, memory and profile (the memory plugin replaces NAM, so the
  model attends to other frames: the user-facing cost, not only the plugins' own time);
- `like_for_like`: IAMPipeline with agent, memory and profile, the memory plugin with
  `memory.fill_from_start=true`: it fills the memory segment from the first blocks at NAM's
  cadence, so every block attends to as many memory frames as the baseline's (checked: the per-
  block counts are reported for every arm and compared). The headline ratio (`ratio_median`,
  `iam_s`) is this arm's when it runs: the plugins' cost at equal attention work. The `iam` arm's
  ratio is kept as `user_facing_*`: what a user pays with the default settings, where the memory
  segment stays empty until the first eviction (less attention work than the baseline);
- `observers` (opt-in): IAMPipeline with agent and profile only; the memory segment stays NAM,
  so the model does exactly the baseline's work (its latents are checked equal) and the ratio
  is the cost of the hooks, the agent and the profiler alone.

With `--interleave block` (or `step`) each round instead runs the arms' generations side by side
as greenlets on the one OS thread (so every arm uses the same intra-op thread team), handing over
after every block (or every model call: A's call 1, B's call 1, A's call 2, ...); an arm's time
is the sum of its own turns. On a shared CPU the speed drifts by several percent over seconds, so
whole-run alternation needs hundreds of rounds to pin a ratio to 1%; fine interleaving exposes
the arms to the same drift. Every arm's latents are checked against its own uninterleaved
warm-up run. Needs `greenlet` (the `bench` extra).

Reports every run's wall time, the IAM arms' per-phase times from their profiles, the memory
frames each block of each arm attended, and per arm the median of the per-round ratios arm /
baseline with a distribution-free 95% interval of that median (`memflow_ext.stats`, shared with
`--compare-baseline`; needs 6 rounds or more, below that only the range) and "within noise"
when the interval of the overhead contains 0. With `--target-ci W` the rounds continue past R
until the interval of every ratio is at most W wide or `--max-repeats` is reached, so a noisy
machine gets more rounds instead of a shaky median.

A requested plugin that cannot be loaded stops the benchmark (exit status 2, no JSON): numbers
labelled "with plugins" are never measured without one.
"""

from __future__ import annotations

import argparse
import dataclasses
import math
import platform
import statistics
import sys
import time
from collections.abc import Callable
from pathlib import Path
from typing import Any

import torch

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from hooks.manager import PluginError, build_plugin_manager  # noqa: E402
from memflow_ext.app.prompt_files import evenly_spaced_switches  # noqa: E402
from memflow_ext.config import load_config  # noqa: E402
from memflow_ext.io_utils import atomic_write_json  # noqa: E402
from memflow_ext.pipelines.builder import build_pipeline  # noqa: E402
from memflow_ext.pipelines.iam import IAMLoop, IAMPipeline  # noqa: E402
from memflow_ext.pipelines.loop import BlockLoop  # noqa: E402
from memflow_ext.pipelines.memflow import MemFlowPipeline  # noqa: E402
from memflow_ext.stats import median_ci, paired_overhead_pct, summarize  # noqa: E402

PROMPTS = [
    "A young man in a denim jacket walks along a rainy city street at night.",
    "The young man stops at a food stall and talks to an old woman in a red scarf.",
    "He walks away holding a paper cup of tea while the old woman waves goodbye.",
]
ARM_PLUGINS = {"iam": ["agent", "memory", "profile"], "like_for_like": ["agent", "memory", "profile"],
               "observers": ["agent", "profile"]}
ARM_OVERRIDES = {"like_for_like": {"fill_from_start": True}}  # memory: settings of the arm
HEADLINE_ARMS = ("like_for_like", "iam", "observers")  # the first that runs gives the top-level ratio
PHASE_KEYS = ("init_ms", "diffusion_ms", "vae_decode_ms", "total_ms", "agent_ms", "memory_ms", "pure_diffusion_ms")


class _Arm:
    """An arm's pipeline: its loop yields to the round's scheduler (`yield_to`) after each block or model
    call when interleaved; otherwise an ordinary pipeline."""

    yield_to: Callable[[], Any] | None = None
    every = "block"  # block | step


class _HandsOff:
    """The loop of an arm's video (see `_Arm`)."""

    pipeline: Any

    def emit(self, hook: str, **kwargs: Any) -> None:
        super().emit(hook, **kwargs)  # type: ignore[misc]
        arm = self.pipeline
        if hook == "block_end" and arm.every == "block" and arm.yield_to is not None:
            arm.yield_to()

    def call_model(self, *args: Any, **kwargs: Any) -> Any:
        out = super().call_model(*args, **kwargs)  # type: ignore[misc]
        arm = self.pipeline
        if arm.every == "step" and arm.yield_to is not None:
            arm.yield_to()
        return out


class _BaselineLoop(_HandsOff, BlockLoop):
    pass


class _IAMLoop(_HandsOff, IAMLoop):
    pass


class BaselineArm(_Arm, MemFlowPipeline):
    loop_cls = _BaselineLoop


class IAMArm(_Arm, IAMPipeline):
    loop_cls = _IAMLoop


def _arm_pipeline(name: str, cfg: Any, base: MemFlowPipeline) -> tuple[MemFlowPipeline, list[str], Any]:
    """The arm's pipeline on the shared model; raises PluginError when one of its plugins does not load."""
    if name == "baseline":
        pipe = BaselineArm(cfg, base.model, base.text_encoder, base.vae, device=base.device)
        return pipe, [], None
    plugins = list(ARM_PLUGINS[name])
    if name in ARM_OVERRIDES:
        cfg = dataclasses.replace(cfg, memory=dataclasses.replace(cfg.memory, **ARM_OVERRIDES[name]))
    pm = build_plugin_manager(plugins, cfg)
    pipe = IAMArm(cfg, base.model, base.text_encoder, base.vae, device=base.device, plugin_manager=pm)
    profiler = pm.get_plugin("profile")
    if profiler is not None and hasattr(profiler, "echo"):
        profiler.echo = False
    return pipe, plugins, profiler


def _profile(profiler: Any) -> dict[str, Any] | None:
    prof = getattr(profiler, "last_profile", None) if profiler is not None else None
    return {k: prof.get(k) for k in PHASE_KEYS} if prof else None


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--preset", default="small")
    ap.add_argument("--frames", type=int, default=30)
    ap.add_argument("--repeats", type=int, default=3, help="rounds (each arm once per round)")
    ap.add_argument("--arms", default="baseline,iam,like_for_like",
                    help="comma list from baseline, iam, like_for_like, observers")
    ap.add_argument("--target-ci", type=float, default=None,
                    help="keep adding rounds until every ratio's 95%% interval is at most this wide")
    ap.add_argument("--max-repeats", type=int, default=40)
    ap.add_argument("--interleave", choices=["run", "block", "step"], default="run",
                    help="alternate whole runs (default), or hand over between arms after every block / model call")
    ap.add_argument("--threads", type=int, default=2)
    ap.add_argument("--no-decode", action="store_true", help="skip the VAE decode in every arm")
    ap.add_argument("--json", required=True, type=Path)
    args = ap.parse_args(argv)
    arms = [a.strip() for a in args.arms.split(",") if a.strip()]
    unknown = [a for a in arms if a != "baseline" and a not in ARM_PLUGINS]
    if unknown or "baseline" not in arms or len(arms) < 2 or len(set(arms)) != len(arms):
        ap.error(f"--arms {args.arms!r}: give baseline and at least one of {sorted(ARM_PLUGINS)}, each once")
    torch.set_num_threads(args.threads)
    cfg = load_config(overrides=[f"preset={args.preset}", f"num_output_frames={args.frames}"])
    if args.frames < len(PROMPTS) * cfg.num_frame_per_block:
        ap.error(f"--frames must give each of the {len(PROMPTS)} prompts a block: at least "
                 f"{len(PROMPTS) * cfg.num_frame_per_block}")
    base = build_pipeline(cfg)
    try:
        pipes = {a: _arm_pipeline(a, cfg, base) for a in arms}
    except PluginError as e:  # never report "with plugins" for a run without one of them
        print(f"overhead: {e}; nothing measured, no JSON written", file=sys.stderr)
        return 2
    sw = evenly_spaced_switches(len(PROMPTS), cfg)
    decode = not args.no_decode

    memory_frames: dict[str, list[int]] = {}

    def generate(arm: str) -> torch.Tensor:
        res = pipes[arm][0].generate(PROMPTS, sw, seed=cfg.seed, decode=decode, progress=False)
        memory_frames[arm] = res.info["memory_frames_per_block"]
        return res.latents

    def run(arm: str) -> tuple[float, torch.Tensor, dict[str, Any] | None]:
        t0 = time.perf_counter()
        latents = generate(arm)
        return time.perf_counter() - t0, latents, _profile(pipes[arm][2])

    def interleaved(order: list[str]) -> dict[str, tuple[float, torch.Tensor, dict[str, Any] | None]]:
        from greenlet import greenlet  # same OS thread for every arm: same intra-op thread team

        active = dict.fromkeys(order, 0.0)
        out: dict[str, torch.Tensor] = {}

        scheduler = greenlet.getcurrent()
        tasks = {a: greenlet(lambda a=a: generate(a)) for a in order}
        for a in order:
            pipes[a][0].yield_to, pipes[a][0].every = scheduler.switch, args.interleave
        try:
            while len(out) < len(order):
                for a in order:
                    if a in out:
                        continue
                    t0 = time.perf_counter()
                    res = tasks[a].switch()  # runs arm a until its next hand-over (or its end)
                    active[a] += time.perf_counter() - t0
                    if tasks[a].dead:
                        out[a] = res
        finally:
            for a in order:
                pipes[a][0].yield_to = None
        # the profiler's phase clocks ran through the other arms' turns; its plugin timers did not
        own = ("agent_ms", "memory_ms")
        return {a: (active[a], out[a], {k: v for k, v in (_profile(pipes[a][2]) or {}).items() if k in own})
                for a in order}

    reference = {a: run(a)[1] for a in arms}  # warm-up of each arm
    reference_frames = dict(memory_frames)
    if "like_for_like" in arms and reference_frames["like_for_like"] != reference_frames["baseline"]:
        print("warning: the like_for_like arm attended to other memory frame counts than the baseline: "
              f"{reference_frames['like_for_like']} vs {reference_frames['baseline']}", file=sys.stderr)
    same_work = {a: bool(torch.equal(reference[a], reference["baseline"])) for a in arms if a != "baseline"}
    if "observers" in same_work and not same_work["observers"]:
        raise SystemExit("observers arm produced other latents than the baseline: it is not the same work")
    wall: dict[str, list[float]] = {a: [] for a in arms}
    phases: dict[str, list[Any]] = {a: [] for a in arms if a != "baseline"}

    def ratios(arm: str) -> list[float]:
        return [x / b for b, x in zip(wall["baseline"], wall[arm], strict=True)]

    def ci_width(arm: str) -> float:
        ci = median_ci(ratios(arm))
        return math.inf if ci is None else ci[1] - ci[0]

    rounds = 0
    while rounds < args.repeats or (
        args.target_ci is not None and rounds < args.max_repeats
        and max(ci_width(a) for a in phases) > args.target_ci
    ):
        order = arms if rounds % 2 == 0 else arms[::-1]
        if args.interleave != "run":
            results = interleaved(order)
        else:
            results = {arm: run(arm) for arm in order}
        for arm in order:
            t, lat, prof = results[arm]
            if not torch.equal(lat, reference[arm]):
                raise SystemExit(f"arm {arm}: latents of round {rounds + 1} differ from its warm-up run")
            wall[arm].append(round(t, 4))
            if arm in phases:
                phases[arm].append(prof)
        rounds += 1
        print(f"round {rounds}: " + ", ".join(f"{a} {wall[a][-1]:.2f} s" for a in arms), file=sys.stderr)

    summary: dict[str, Any] = {}
    for arm in phases:
        r = ratios(arm)
        ci = median_ci(r)
        overhead = summarize(paired_overhead_pct(wall["baseline"], wall[arm]))
        summary[arm] = {
            "plugins": pipes[arm][1], "wall_s": wall[arm], "ratios": [round(x, 4) for x in r],
            "ratio_median": round(statistics.median(r), 4), "ratio_min": round(min(r), 4),
            "ratio_max": round(max(r), 4), "ratio_median_ci95": None if ci is None else [round(c, 4) for c in ci],
            "overhead_pct": overhead["median"], "overhead_interval_pct": overhead["interval"],
            "within_noise": overhead["within_noise"],
            "same_latents_as_baseline": same_work[arm], "phases_ms": phases[arm],
            "memory_frames_per_block": reference_frames[arm],
            "equal_memory_frames": reference_frames[arm] == reference_frames["baseline"],
            "memory_settings": ARM_OVERRIDES.get(arm, {}),
        }
    main_arm = next(a for a in (*HEADLINE_ARMS, *summary) if a in summary)
    result = {
        "preset": args.preset, "frames": args.frames, "rounds": rounds, "requested_repeats": args.repeats,
        "target_ci": args.target_ci, "interleave": args.interleave, "prompts": len(PROMPTS),
        "switch_frame_indices": sw, "decode": decode,
        "threads": args.threads, "arms": arms, "baseline_s": wall["baseline"],
        # the headline arm's fields at the top level, as before arms existed
        "plugins": summary[main_arm]["plugins"], "iam_s": summary[main_arm]["wall_s"],
        "ratios": summary[main_arm]["ratios"], "ratio_median": summary[main_arm]["ratio_median"],
        "ratio_min": summary[main_arm]["ratio_min"], "ratio_max": summary[main_arm]["ratio_max"],
        "iam_phases_ms": summary[main_arm]["phases_ms"], "headline_arm": main_arm,
        "headline_equal_memory_frames": summary[main_arm]["equal_memory_frames"],
        "overhead_pct": summary[main_arm]["overhead_pct"],
        "overhead_interval_pct": summary[main_arm]["overhead_interval_pct"],
        "memory_frames_per_block": reference_frames, "by_arm": summary,
        "machine": platform.machine(), "processor": platform.processor(), "torch": torch.__version__,
    }
    if "iam" in summary:  # what a user pays with the default memory settings (unequal attention work)
        result.update({f"user_facing_{k}": summary["iam"][k] for k in (
            "ratio_median", "ratio_median_ci95", "overhead_pct", "overhead_interval_pct", "within_noise")})
    labels = {"like_for_like": "like-for-like (equal memory frames)", "iam": "user-facing (default settings)",
              "observers": "observers (NAM kept)"}
    for arm, s in summary.items():
        ci = s["ratio_median_ci95"]
        ci_txt = f"95% CI {ci[0]:.4f}..{ci[1]:.4f}" if ci else "CI needs 6+ rounds"
        noise = ", within noise" if s["within_noise"] else ""
        print(f"{arm} [{labels.get(arm, arm)}{', headline' if arm == main_arm else ''}] ({','.join(s['plugins'])}): "
              f"median ratio {s['ratio_median']:.4f} (range {s['ratio_min']:.4f}..{s['ratio_max']:.4f}, {ci_txt}, "
              f"{rounds} rounds{noise}); memory frames per block {s['memory_frames_per_block']}"
              f"{'' if s['equal_memory_frames'] else ' (baseline ' + str(reference_frames['baseline']) + ')'}")
    print(f"baseline {wall['baseline']} s")
    atomic_write_json(args.json, result)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
