"""Where the engine's time goes: torch.profiler over a short generation, top operators by self time.

    python benchmarks/hotspots.py --preset small --frames 12 --json OUT
    python benchmarks/hotspots.py --golden ../shared/golden --frames 6 --json OUT

The first form profiles MemFlowPipeline (no plugins, no VAE decode) on a preset with random
weights; the second profiles the reference runner on golden case A (1 layer at the real width and
frame size). Prints the operators that take the most self CPU time, with their share of the
profiled total, and writes them as JSON. It reads no counters the engine does not already expose:
what it shows is what torch itself spent time in.
"""

from __future__ import annotations

import argparse
import platform
import sys
import time
from pathlib import Path
from typing import Any

import torch
from torch.profiler import ProfilerActivity, profile

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from memflow_ext.io_utils import atomic_write_json  # noqa: E402


def _work_preset(preset: str, frames: int) -> Any:
    from memflow_ext.config import load_config
    from memflow_ext.pipelines.builder import build_pipeline

    cfg = load_config(overrides=[f"preset={preset}", f"num_output_frames={frames}"])
    pipe = build_pipeline(cfg)
    prompts = ["A young man in a denim jacket walks along a rainy city street at night."]

    def work() -> None:
        pipe.generate(prompts, seed=cfg.seed, decode=False, progress=False)

    return work


def _work_golden(golden: Path, frames: int) -> Any:
    from memflow_ext.reference import build_parser, run_reference

    ref_args = build_parser().parse_args([
        "--weights", str(golden / "weights.safetensors"), "--inputs", str(golden / "inputs.safetensors"),
        "--case", "single", "--frames", str(frames), "--out", "unused", "--quiet",
    ])
    return lambda: run_reference(ref_args)


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    src = ap.add_mutually_exclusive_group(required=True)
    src.add_argument("--preset", help="profile MemFlowPipeline on this preset (random weights)")
    src.add_argument("--golden", type=Path, help="profile the reference runner on golden case A")
    ap.add_argument("--frames", type=int, default=12)
    ap.add_argument("--top", type=int, default=15)
    ap.add_argument("--threads", type=int, default=2)
    ap.add_argument("--json", required=True, type=Path)
    args = ap.parse_args(argv)
    torch.set_num_threads(args.threads)
    work = _work_preset(args.preset, args.frames) if args.preset else _work_golden(args.golden, args.frames)
    t0 = time.perf_counter()
    with profile(activities=[ProfilerActivity.CPU]) as prof:
        work()
    wall = time.perf_counter() - t0
    events = [e for e in prof.key_averages() if e.self_cpu_time_total > 0]
    total_us = sum(e.self_cpu_time_total for e in events)
    events.sort(key=lambda e: e.self_cpu_time_total, reverse=True)
    rows = [{"op": e.key, "calls": e.count, "self_ms": round(e.self_cpu_time_total / 1e3, 2),
             "share": round(e.self_cpu_time_total / total_us, 4)} for e in events[: args.top]]
    result = {
        "target": f"preset {args.preset}" if args.preset else "golden case A", "frames": args.frames,
        "threads": args.threads, "wall_s_profiled": round(wall, 2), "self_total_ms": round(total_us / 1e3, 1),
        "distinct_ops": len(events), "top": rows, "machine": f"{platform.machine()} {platform.processor()}".strip(),
        "torch": torch.__version__,
    }
    print(f"{result['target']}, {args.frames} frames: {wall:.1f} s profiled, {total_us / 1e6:.1f} s self time "
          f"in {len(events)} ops")
    print(f"{'op':44s} {'calls':>8s} {'self ms':>10s} {'share':>7s}")
    for r in rows:
        print(f"{r['op'][:44]:44s} {r['calls']:8d} {r['self_ms']:10.1f} {r['share']:7.1%}")
    atomic_write_json(args.json, result)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
