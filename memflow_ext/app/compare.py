"""`--compare-baseline`: the same inputs and seed through the MemFlow baseline and through IAM Flow.

For every video the baseline runs first: MemFlow's loop with its own NAM memory and no agent or
memory plugin, observed only by the profiler (an `IAMPipeline` whose only plugin is `profile`,
which computes bit-identical latents to `MemFlowPipeline`). Then the same job runs through
`IAMPipeline` with the chosen plugins (`profile` is added when missing). Both pipelines share one
model, text encoder and VAE, and one short warm-up generation runs before the first video so that
neither side pays one-time start-up costs.

Output per video, written inside the temporary per-video folder before it is renamed::

    <key>/video.mp4, latents.safetensors, profile.json, profile.txt, ... (IAM Flow)
    <key>/baseline/video.mp4, latents.safetensors, profile.json, profile.txt, meta.json
    <key>/comparison.json, comparison.txt

comparison.json: `baseline_total_ms`, `iam_total_ms`, `overhead_pct` (= 100 * (iam - baseline) /
baseline of the total), `phases` {init, diffusion, vae_decode, total} each with `baseline_ms`,
`iam_ms`, `delta_ms`, `overhead_pct`, the frame counts of both videos and `same_latents`.
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

COMPARISON_FORMAT = "iamflow-comparison/1"
EXPECTED_OVERHEAD_PCT = (2.0, 5.0)  # IAMFlow's reported overhead of agent + memory over MemFlow
PHASE_ROWS = (("init", "Initialization"), ("diffusion", "Diffusion"), ("vae_decode", "VAE decoding"),
              ("total", "Total"))
BASELINE_DIR = "baseline"

__all__ = ["BASELINE_DIR", "compare_profiles", "render_comparison", "run_comparison"]


def _overhead(base: float, iam: float) -> float | None:
    return round(100.0 * (iam - base) / base, 3) if base > 0 else None


def compare_profiles(baseline: dict[str, Any], iam: dict[str, Any]) -> dict[str, Any]:
    """The comparison of two profiles (profile.json dicts): per phase and total, in ms and percent."""
    phases = {}
    for name, _ in PHASE_ROWS:
        b, i = float(baseline[f"{name}_ms"]), float(iam[f"{name}_ms"])
        phases[name] = {"baseline_ms": b, "iam_ms": i, "delta_ms": round(i - b, 3), "overhead_pct": _overhead(b, i)}
    return {
        "format": COMPARISON_FORMAT,
        "units": {"*_ms": "milliseconds", "*_pct": "percent of the baseline"},
        "baseline_total_ms": phases["total"]["baseline_ms"],
        "iam_total_ms": phases["total"]["iam_ms"],
        "overhead_pct": phases["total"]["overhead_pct"],
        "expected_overhead_pct": list(EXPECTED_OVERHEAD_PCT),
        "phases": phases,
        "iam_components_ms": {"agent": iam.get("agent_ms"), "memory": iam.get("memory_ms")},
        "baseline_plugins": list(baseline.get("plugins", [])),
        "iam_plugins": list(iam.get("plugins", [])),
        "latent_frames": {"baseline": baseline.get("latent_frames"), "iam": iam.get("latent_frames")},
        "video_frames": {"baseline": baseline.get("video_frames"), "iam": iam.get("video_frames")},
        "device": iam.get("device"),
        "preset": iam.get("preset"),
        "config_sha256": iam.get("config_sha256"),
    }


def _pct(v: float | None) -> str:
    return "n/a" if v is None else f"{v:+.2f}%"


def render_comparison(comp: dict[str, Any], title: str = "") -> str:
    """The side-by-side table: per phase baseline ms, IAM ms, delta, overhead; total overhead."""
    rule = "=" * 70
    lo, hi = comp["expected_overhead_pct"]
    out = [rule, f"Baseline (MemFlow) vs IAM Flow{f' - {title}' if title else ''}", rule,
           f"  {'Phase':<18}{'Baseline ms':>13}{'IAM ms':>13}{'Delta ms':>12}{'Overhead':>11}"]
    for name, label in PHASE_ROWS:
        p = comp["phases"][name]
        out.append(f"  {label:<18}{p['baseline_ms']:13.2f}{p['iam_ms']:13.2f}{p['delta_ms']:+12.2f}"
                   f"{_pct(p['overhead_pct']):>11}")
    out.append("-" * 70)
    out.append(f"  Total overhead: {_pct(comp['overhead_pct'])} (expected {lo:g}\u2013{hi:g}%)")
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


def compare_job(base_pipe: Any, iam_pipe: Any, cfg: IAMFlowConfig, job: Any, folder: Path, interactive: bool,
                quiet: bool) -> dict[str, Any]:
    """Generate one job through both pipelines into `folder` (and `folder/baseline`); returns the comparison."""
    from memflow_ext.app.batch import generate_into

    base_prof, iam_prof = _profiler(base_pipe.pm), _profiler(iam_pipe.pm)
    base_dir = folder / BASELINE_DIR
    base_dir.mkdir(parents=True, exist_ok=True)
    logger.info(f"[{job.key}] baseline: MemFlow (NAM memory), plugins: {', '.join(base_pipe.plugin_names)}")
    generate_into(base_pipe, cfg, job, base_dir, interactive, quiet)
    base_profile = base_prof.last_profile
    logger.info(f"[{job.key}] IAM Flow, plugins: {', '.join(iam_pipe.plugin_names)}")
    generate_into(iam_pipe, cfg, job, folder, interactive, quiet)
    iam_profile = iam_prof.last_profile
    comp = compare_profiles(base_profile, iam_profile)
    comp.update({
        "key": job.key, "seed": job.seed,
        "same_latents": _same_latents(base_dir / "latents.safetensors", folder / "latents.safetensors"),
        "files": {
            "baseline": {"folder": BASELINE_DIR, "profile": f"{BASELINE_DIR}/profile.json",
                         "video": f"{BASELINE_DIR}/video.mp4" if (base_dir / "video.mp4").is_file() else None},
            "iam": {"folder": ".", "profile": "profile.json",
                    "video": "video.mp4" if (folder / "video.mp4").is_file() else None},
        },
    })
    table = render_comparison(comp, job.key)
    atomic_write_json(folder / "comparison.json", comp)
    atomic_write_text(folder / "comparison.txt", table)
    _list_extra_files(folder, ["comparison.json", "comparison.txt",
                               *(f"{BASELINE_DIR}/{p.name}" for p in sorted(base_dir.iterdir()) if p.is_file())])
    logger.opt(raw=True).info("\n" + table)
    return comp


def _warm_up(cfg: IAMFlowConfig, pipe: Any, job: Any, interactive: bool) -> None:
    """A short untimed generation through the plain engine, so neither timed run pays start-up costs.

    It covers the shapes of a video: one block, and with a prompt switch the KV re-cache of a full
    window and the block after it; decoding too when videos are decoded.
    """
    from memflow_ext.pipelines.memflow import MemFlowPipeline

    fpb = cfg.num_frame_per_block
    switch = list(job.switch_frame_indices[:1])
    if switch:
        window = cfg.model_kwargs.local_attn_size
        cap = -(-window // fpb) * fpb if window > 0 else switch[0]
        switch = [min(switch[0], max(cap, fpb))]
    plain = MemFlowPipeline(cfg, pipe.model, pipe.text_encoder, pipe.vae, device=pipe.device)
    plain.generate(job.prompts[: len(switch) + 1], switch, seed=job.seed, interactive=interactive,
                   decode=cfg.save_video, num_frames=(switch[0] if switch else 0) + fpb, progress=False)


def run_comparison(cfg: IAMFlowConfig, plugins: list[str], jobs: list[Any], *, interactive: bool,
                   quiet: bool = False, run_fp: dict[str, Any] | None = None) -> int:
    """The `--compare-baseline` command: every job through baseline and IAM Flow; returns the exit code."""
    from memflow_ext.app.batch import dist_from_env, exit_code, run_job
    from memflow_ext.app.fingerprint import job_fingerprint
    from memflow_ext.pipelines.builder import build_pipeline
    from memflow_ext.pipelines.iam import IAMPipeline

    if dist_from_env().world > 1:
        logger.error("--compare-baseline runs in one process; start it without torchrun")
        return 2
    names = list(plugins)
    if "profile" not in names:
        names.append("profile")
    if not cfg.profile.enabled:
        logger.info("--compare-baseline turns the profiler on (profile.enabled was false)")
        cfg = dataclasses.replace(cfg, profile=dataclasses.replace(cfg.profile, enabled=True))
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
        compare_job(base_pipe, pipe, cfg_, job, folder, interactive_, quiet_)

    def work() -> None:
        if jobs:
            _warm_up(cfg, iam_pipe, jobs[0], interactive)
        for job in jobs:
            fp = job_fingerprint(run_fp, job) if run_fp is not None else None
            folder = run_job(iam_pipe, cfg, job, out_root, interactive, quiet, generate, fp)
            logger.info(f"[{job.key}] wrote {folder}")

    return exit_code(work)
