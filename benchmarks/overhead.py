"""What IAM Flow's plugins cost over plain MemFlow, measured side by side in one process.

    python benchmarks/overhead.py --preset small --frames N --repeats R --json OUT

Same prompts, same seed, same model weights: after one warm-up of each, runs alternate
baseline (MemFlowPipeline, no plugins) and IAM (IAMPipeline with agent, memory, profile) R times
each (A B A B ...). Reports every run's wall time, the IAM runs' per-phase times from their
profiles, and the median of the per-pair ratios IAM / baseline (pairs are adjacent runs, so slow
drifts of the machine cancel).
"""

from __future__ import annotations

import argparse
import platform
import statistics
import sys
import time
from pathlib import Path

import torch

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from hooks.manager import PluginError, build_plugin_manager  # noqa: E402
from memflow_ext.builder import build_pipeline  # noqa: E402
from memflow_ext.config import load_config  # noqa: E402
from memflow_ext.iam_pipeline import IAMPipeline  # noqa: E402
from memflow_ext.io_utils import atomic_write_json  # noqa: E402
from memflow_ext.pipeline import MemFlowPipeline  # noqa: E402
from memflow_ext.prompt_files import evenly_spaced_switches  # noqa: E402

PROMPTS = [
    "A young man in a denim jacket walks along a rainy city street at night.",
    "The young man stops at a food stall and talks to an old woman in a red scarf.",
    "He walks away holding a paper cup of tea while the old woman waves goodbye.",
]
IAM_PLUGINS = ["agent", "memory", "profile"]


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--preset", default="small")
    ap.add_argument("--frames", type=int, default=30)
    ap.add_argument("--repeats", type=int, default=3)
    ap.add_argument("--threads", type=int, default=2)
    ap.add_argument("--no-decode", action="store_true", help="skip the VAE decode in both arms")
    ap.add_argument("--json", required=True, type=Path)
    args = ap.parse_args(argv)
    torch.set_num_threads(args.threads)
    cfg = load_config(overrides=[f"preset={args.preset}", f"num_output_frames={args.frames}"])
    base = build_pipeline(cfg)
    plugins = list(IAM_PLUGINS)
    try:
        pm = build_plugin_manager(plugins, cfg)
    except PluginError as e:  # report what could be measured rather than nothing
        plugins = [p for p in IAM_PLUGINS if p != "agent"]
        print(f"warning: {e}; measuring with {plugins}", file=sys.stderr)
        pm = build_plugin_manager(plugins, cfg)
    iam = IAMPipeline(cfg, base.model, base.text_encoder, base.vae, device=base.device, plugin_manager=pm)
    profiler = pm.get_plugin("profile")
    if profiler is not None and hasattr(profiler, "echo"):
        profiler.echo = False
    if args.frames < len(PROMPTS) * cfg.num_frame_per_block:
        ap.error(f"--frames must give each of the {len(PROMPTS)} prompts a block: at least "
                 f"{len(PROMPTS) * cfg.num_frame_per_block}")
    sw = evenly_spaced_switches(len(PROMPTS), cfg)
    decode = not args.no_decode

    def run(pipe: MemFlowPipeline) -> tuple[float, torch.Tensor]:
        t0 = time.perf_counter()
        res = pipe.generate(PROMPTS, sw, seed=cfg.seed, decode=decode, progress=False)
        return time.perf_counter() - t0, res.latents

    run(base)
    run(iam)  # warm-up of each
    baseline_s, iam_s, phases = [], [], []
    for _ in range(args.repeats):
        b, _lat_b = run(base)
        i, _lat_i = run(iam)
        baseline_s.append(round(b, 4))
        iam_s.append(round(i, 4))
        prof = getattr(profiler, "last_profile", None) or {}
        phases.append({k: prof.get(k) for k in ("init_ms", "diffusion_ms", "vae_decode_ms", "total_ms", "agent_ms",
                                                 "memory_ms", "pure_diffusion_ms")})
    ratios = [i / b for b, i in zip(baseline_s, iam_s, strict=True)]
    result = {
        "preset": args.preset, "frames": args.frames, "repeats": args.repeats, "prompts": len(PROMPTS),
        "switch_frame_indices": sw, "decode": decode, "plugins": plugins, "threads": args.threads,
        "baseline_s": baseline_s, "iam_s": iam_s, "ratios": [round(r, 4) for r in ratios],
        "ratio_median": round(statistics.median(ratios), 4),
        "ratio_min": round(min(ratios), 4), "ratio_max": round(max(ratios), 4),
        "iam_phases_ms": phases, "machine": platform.machine(), "torch": torch.__version__,
    }
    print(f"baseline {baseline_s} s, IAM {iam_s} s; median ratio {result['ratio_median']:.4f} "
          f"(range {result['ratio_min']:.4f}..{result['ratio_max']:.4f})")
    atomic_write_json(args.json, result)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
