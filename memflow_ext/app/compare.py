"""`--compare-baseline`: the same inputs and seed through the MemFlow baseline and through IAM Flow.

Two arms share one model, text encoder and VAE, in one process: the baseline is MemFlow's loop
with its own NAM memory and no agent or memory plugin, observed only by the profiler (an
`IAMPipeline` whose only plugin is `profile`, which computes bit-identical latents to
`MemFlowPipeline`); the IAM arm is `IAMPipeline` with the chosen plugins (`profile` is added when
missing). Per video, each arm first runs once untimed (warm-up), then `--repeats` rounds (default
6) each run both arms with the same seed, the order alternating (baseline first in odd rounds,
IAM first in even ones) so neither arm always runs second. The overhead is the median of the
per-round paired overheads of the total, with its distribution-free 95% interval (`stats.py`;
from 6 rounds on, otherwise only the range is shown) and "within noise" when that interval
contains 0. The plugins' own measured time (agent + memory, from the profile) is shown as a share
of diffusion. The memory frames each block attended are listed for both arms: the memory plugin
fills its segment only from the first eviction on unless `memory.fill_from_start=true`, so by
default the IAM arm attends over fewer keys and the ratio is the user-facing cost, not equal work.

Output per video, written inside the temporary per-video folder before it is renamed::

    <key>/video.mp4, latents.safetensors, profile.json, profile.txt, ... (IAM Flow)
    <key>/baseline/video.mp4, latents.safetensors, profile.json, profile.txt, meta.json
    <key>/comparison.json, comparison.txt

The files are those of the last round. comparison.json: `rounds`, `baseline_total_ms`,
`iam_total_ms` (medians), `overhead_pct` (median over rounds of 100 * (iam - baseline) / baseline
of the total), `overhead_interval_pct` ([low, high], null below 6 rounds), `overhead_range_pct`,
`within_noise`, `plugins_share_pct`, `phases` {init, diffusion, vae_decode, total} each with
`baseline_ms`, `iam_ms` (medians), `delta_ms`, `overhead_pct`, `overhead_interval_pct` and every
round's values, `memory_frames_per_block` {baseline, iam}, the run order of each round, the frame
counts of both videos and `same_latents`.
"""

from __future__ import annotations

import dataclasses
import json
from pathlib import Path
from typing import Any

from loguru import logger

from hooks.manager import PluginError, build_plugin_manager
from memflow_ext.config import IAMFlowConfig, to_yaml
from memflow_ext.io_utils import atomic_write_json, atomic_write_text

COMPARISON_FORMAT = "iamflow-comparison/2"
DEFAULT_REPEATS = 6  # the fewest rounds whose median has a distribution-free 95% interval (stats.py)
PHASE_ROWS = (("init", "Initialization"), ("diffusion", "Diffusion"), ("vae_decode", "VAE decoding"),
              ("total", "Total"))
BASELINE_DIR = "baseline"

__all__ = ["BASELINE_DIR", "DEFAULT_REPEATS", "compare_profiles", "render_comparison", "run_comparison"]


def _median(values: list[float]) -> float:
    import statistics

    return round(float(statistics.median(values)), 3)


def compare_profiles(baseline: dict[str, Any] | list[dict[str, Any]],
                     iam: dict[str, Any] | list[dict[str, Any]]) -> dict[str, Any]:
    """The comparison of the two arms' profiles (profile.json dicts, one per round, paired by round).

    Per phase: the median of each arm, the difference of the medians, and the overhead as the
    median of the per-round paired overheads with its 95% interval (None below 6 rounds).
    """
    from memflow_ext.stats import paired_overhead_pct, summarize

    base_l = [baseline] if isinstance(baseline, dict) else list(baseline)
    iam_l = [iam] if isinstance(iam, dict) else list(iam)
    if not base_l or len(base_l) != len(iam_l):
        raise ValueError(f"{len(base_l)} baseline and {len(iam_l)} IAM profiles: the rounds must pair up")
    phases: dict[str, dict[str, Any]] = {}
    total = None
    for name, _ in PHASE_ROWS:
        b = [float(p[f"{name}_ms"]) for p in base_l]
        i = [float(p[f"{name}_ms"]) for p in iam_l]
        pct = paired_overhead_pct(b, i)
        summ = summarize(pct) if len(pct) == len(b) else None  # a phase the baseline did not run has no ratio
        bm, im = _median(b), _median(i)
        phases[name] = {"baseline_ms": bm, "iam_ms": im, "delta_ms": round(im - bm, 3),
                        "overhead_pct": None if summ is None else summ["median"],
                        "overhead_interval_pct": None if summ is None else summ["interval"],
                        "baseline_runs_ms": b, "iam_runs_ms": i}
        if name == "total":
            total = summ
    shares = [100.0 * (float(p.get("agent_ms") or 0.0) + float(p.get("memory_ms") or 0.0)) / float(p["diffusion_ms"])
              for p in iam_l if float(p.get("diffusion_ms") or 0.0) > 0]
    frames = {"baseline": base_l[-1].get("memory_frames_per_block"), "iam": iam_l[-1].get("memory_frames_per_block")}
    last_b, last_i = base_l[-1], iam_l[-1]
    return {
        "format": COMPARISON_FORMAT,
        "units": {"*_ms": "milliseconds (median over rounds)", "*_pct": "percent of the baseline"},
        "rounds": len(base_l),
        "baseline_total_ms": phases["total"]["baseline_ms"],
        "iam_total_ms": phases["total"]["iam_ms"],
        "overhead_pct": None if total is None else total["median"],
        "overhead_interval_pct": None if total is None else total["interval"],
        "overhead_range_pct": None if total is None else total["range"],
        "overhead_runs_pct": [round(x, 3) for x in paired_overhead_pct(phases["total"]["baseline_runs_ms"],
                                                                       phases["total"]["iam_runs_ms"])],
        "within_noise": None if total is None else total["within_noise"],
        "plugins_share_pct": _median(shares) if shares else None,
        "plugins_share_meaning": "agent + memory time measured by the profiler, percent of the IAM arm's "
                                 "diffusion time (median over rounds)",
        "phases": phases,
        "iam_components_ms": {"agent": _median([float(p.get("agent_ms") or 0.0) for p in iam_l]),
                              "memory": _median([float(p.get("memory_ms") or 0.0) for p in iam_l])},
        "memory_frames_per_block": frames,
        "equal_memory_frames": None if None in frames.values() else frames["baseline"] == frames["iam"],
        "baseline_plugins": list(last_b.get("plugins", [])),
        "iam_plugins": list(last_i.get("plugins", [])),
        "latent_frames": {"baseline": last_b.get("latent_frames"), "iam": last_i.get("latent_frames")},
        "video_frames": {"baseline": last_b.get("video_frames"), "iam": last_i.get("video_frames")},
        "device": last_i.get("device"),
        "preset": last_i.get("preset"),
        "config_sha256": last_i.get("config_sha256"),
    }


def _pct(v: float | None) -> str:
    return "n/a" if v is None else f"{v:+.2f}%"


def _runs(values: list[int] | None) -> str:
    """[0, 0, 1, 2, 2, 2] -> '0 x2, 1, 2 x3' (a block list stays short)."""
    if values is None:
        return "n/a"
    out: list[str] = []
    i = 0
    while i < len(values):
        j = i
        while j + 1 < len(values) and values[j + 1] == values[i]:
            j += 1
        out.append(f"{values[i]} x{j - i + 1}" if j > i else f"{values[i]}")
        i = j + 1
    return ", ".join(out) or "none"


def render_comparison(comp: dict[str, Any], title: str = "") -> str:
    """The side-by-side table: per phase the arms' medians, delta and overhead; the total overhead with
    its interval, the plugins' own share of diffusion and the memory frames each arm attended."""
    from memflow_ext.stats import describe_pct

    rule = "=" * 70
    n = comp["rounds"]
    out = [rule, f"Baseline (MemFlow) vs IAM Flow{f' - {title}' if title else ''}", rule,
           f"  {n} round{'s' if n != 1 else ''} after a warm-up of each arm, order alternating; medians per phase",
           f"  {'Phase':<18}{'Baseline ms':>13}{'IAM ms':>13}{'Delta ms':>12}{'Overhead':>11}"]
    for name, label in PHASE_ROWS:
        p = comp["phases"][name]
        out.append(f"  {label:<18}{p['baseline_ms']:13.2f}{p['iam_ms']:13.2f}{p['delta_ms']:+12.2f}"
                   f"{_pct(p['overhead_pct']):>11}")
    out.append("-" * 70)
    if comp["overhead_pct"] is None:
        out.append("  Total overhead: n/a")
    else:
        out.append("  Total overhead: " + describe_pct({
            "n": n, "median": comp["overhead_pct"], "interval": comp["overhead_interval_pct"],
            "range": comp["overhead_range_pct"], "within_noise": comp["within_noise"]}))
    share, parts = comp.get("plugins_share_pct"), comp.get("iam_components_ms", {})
    if share is not None:
        out.append(f"  Plugins' own time: {share:.2f}% of diffusion (agent {parts.get('agent', 0):.2f} ms + "
                   f"memory {parts.get('memory', 0):.2f} ms, medians)")
    frames = comp.get("memory_frames_per_block") or {}
    if frames.get("baseline") is not None or frames.get("iam") is not None:
        out.append(f"  Memory frames attended per block: baseline {_runs(frames.get('baseline'))}")
        out.append(f"  {'':34}IAM Flow {_runs(frames.get('iam'))}")
        if comp.get("equal_memory_frames") is False:
            out.append("  (unequal attention work: the overhead includes attending over other memory; "
                       "memory.fill_from_start=true equalises it)")
    out.append(f"  Baseline plugins: {', '.join(comp['baseline_plugins']) or 'none'} (MemFlow NAM memory)")
    out.append(f"  IAM Flow plugins: {', '.join(comp['iam_plugins']) or 'none'}")
    if "same_latents" in comp:
        out.append(f"  Same latents: {'yes' if comp['same_latents'] else 'no'}")
    out.append(rule)
    return "\n".join(out) + "\n"


def _profiler(pm: Any) -> Any:
    prof = pm.get_plugin("profile")
    if prof is None or not hasattr(prof, "last_profile"):
        raise PluginError("--compare-baseline needs the built-in profile plugin")
    return prof


def _same_latents(a: Path, b: Path) -> bool | None:
    import torch
    from safetensors.torch import load_file

    try:
        return bool(torch.equal(load_file(str(a))["latents"], load_file(str(b))["latents"]))
    except (OSError, KeyError):
        return None


def _list_extra_files(folder: Path, names: list[str]) -> None:
    """Add `names` (paths relative to `folder`) with their sizes to meta.json's file list."""
    meta = folder / "meta.json"
    try:
        data = json.loads(meta.read_text())
    except (OSError, ValueError):
        return
    if not isinstance(data.get("files"), dict):
        return
    for name in names:
        p = folder / name
        if p.is_file():
            data["files"][name] = p.stat().st_size
    atomic_write_json(meta, data)


def _generate(pipe: Any, cfg: IAMFlowConfig, job: Any, interactive: bool) -> Any:
    """One untimed-by-us generation of `job` that writes nothing (the profiler keeps its profile)."""
    return pipe.generate(job.prompts, job.switch_frame_indices, seed=job.seed, interactive=interactive,
                         decode=cfg.save_video, progress=False, run_key=job.key)


def compare_job(base_pipe: Any, iam_pipe: Any, cfg: IAMFlowConfig, job: Any, folder: Path, interactive: bool,
                quiet: bool, repeats: int = DEFAULT_REPEATS) -> dict[str, Any]:
    """Generate one job through both pipelines: a warm-up of each, then `repeats` rounds alternating
    which arm runs first (same seed, one process). The last round writes the videos into `folder`
    (and `folder/baseline`); returns the comparison of all rounds' profiles."""
    import torch

    from memflow_ext.app.batch import generate_into

    if repeats < 1:
        raise ValueError(f"--repeats must be >= 1, got {repeats}")
    arms = {"baseline": (base_pipe, _profiler(base_pipe.pm), folder / BASELINE_DIR),
            "iam": (iam_pipe, _profiler(iam_pipe.pm), folder)}
    arms["baseline"][2].mkdir(parents=True, exist_ok=True)
    logger.info(f"[{job.key}] baseline: MemFlow (NAM memory), plugins: {', '.join(base_pipe.plugin_names)}; "
                f"IAM Flow, plugins: {', '.join(iam_pipe.plugin_names)}; warm-up, then {repeats} round(s)")
    reference = {}
    for name, (pipe, prof, _) in arms.items():  # warm-up: neither arm pays one-time costs in a timed round
        prof.echo = False
        reference[name] = _generate(pipe, cfg, job, interactive).latents
    profiles: dict[str, list[dict[str, Any]]] = {name: [] for name in arms}
    orders, repeatable = [], True
    for r in range(repeats):
        order = ("baseline", "iam") if r % 2 == 0 else ("iam", "baseline")
        last = r == repeats - 1
        for name in order:
            pipe, prof, out = arms[name]
            prof.echo = last  # the last round's profiles are printed and written
            if last:
                generate_into(pipe, cfg, job, out, interactive, quiet)
            else:
                repeatable &= bool(torch.equal(_generate(pipe, cfg, job, interactive).latents, reference[name]))
            profiles[name].append(prof.last_profile)
        orders.append(list(order))
    base_dir = arms["baseline"][2]
    comp = compare_profiles(profiles["baseline"], profiles["iam"])
    comp.update({
        "key": job.key, "seed": job.seed, "order": orders, "repeatable_latents": repeatable,
        "same_latents": _same_latents(base_dir / "latents.safetensors", folder / "latents.safetensors"),
        "files": {
            "baseline": {"folder": BASELINE_DIR, "profile": f"{BASELINE_DIR}/profile.json",
                         "video": f"{BASELINE_DIR}/video.mp4" if (base_dir / "video.mp4").is_file() else None},
            "iam": {"folder": ".", "profile": "profile.json",
                    "video": "video.mp4" if (folder / "video.mp4").is_file() else None},
        },
    })
    if not repeatable:
        logger.warning(f"[{job.key}] an arm's latents changed between rounds: the rounds did not do the same work")
    table = render_comparison(comp, job.key)
    atomic_write_json(folder / "comparison.json", comp)
    atomic_write_text(folder / "comparison.txt", table)
    _list_extra_files(folder, ["comparison.json", "comparison.txt",
                               *(f"{BASELINE_DIR}/{p.name}" for p in sorted(base_dir.iterdir()) if p.is_file())])
    logger.opt(raw=True).info("\n" + table)
    return comp


def run_comparison(cfg: IAMFlowConfig, plugins: list[str], jobs: list[Any], *, interactive: bool,
                   quiet: bool = False, repeats: int = DEFAULT_REPEATS,
                   run_fp: dict[str, Any] | None = None) -> int:
    """The `--compare-baseline` command: every job through baseline and IAM Flow; returns the exit code."""
    from memflow_ext.app.batch import dist_from_env, exit_code, run_job
    from memflow_ext.app.fingerprint import job_fingerprint
    from memflow_ext.pipelines.builder import build_pipeline
    from memflow_ext.pipelines.iam import IAMPipeline

    if dist_from_env().world > 1:
        logger.error("--compare-baseline runs in one process; start it without torchrun")
        return 2
    if repeats < 1:
        logger.error(f"--repeats must be >= 1, got {repeats}")
        return 2
    names = list(plugins)
    if "profile" not in names:
        names.append("profile")
    profile = getattr(cfg, "profile", None)  # a plugin's section: the config class is composed at run time
    if profile is not None and not profile.enabled:
        logger.info("--compare-baseline turns the profiler on (profile.enabled was false)")
        cfg = dataclasses.replace(cfg, **{"profile": dataclasses.replace(profile, enabled=True)})
    try:
        iam_pm = build_plugin_manager(names, cfg)
        base_pm = build_plugin_manager(["profile"], cfg)
        for pm in (iam_pm, base_pm):
            _profiler(pm)
    except PluginError as e:
        logger.error(str(e))
        return 2
    out_root = Path(cfg.output_folder)
    out_root.mkdir(parents=True, exist_ok=True)
    iam_pipe = build_pipeline(cfg, IAMPipeline, plugin_manager=iam_pm)
    base_pipe = IAMPipeline(cfg, iam_pipe.model, iam_pipe.text_encoder, iam_pipe.vae, device=iam_pipe.device,
                            plugin_manager=base_pm)
    atomic_write_text(out_root / "config.yaml", to_yaml(cfg))

    def generate(pipe: Any, cfg_: IAMFlowConfig, job: Any, folder: Path, interactive_: bool, quiet_: bool) -> None:
        compare_job(base_pipe, pipe, cfg_, job, folder, interactive_, quiet_, repeats)

    def work() -> None:
        for job in jobs:
            fp = job_fingerprint(run_fp, job) if run_fp is not None else None
            folder = run_job(iam_pipe, cfg, job, out_root, interactive, quiet, generate, fp)
            logger.info(f"[{job.key}] wrote {folder}")

    return exit_code(work)
