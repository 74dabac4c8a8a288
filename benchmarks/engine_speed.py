"""Engine speed on golden case A, with the parity error printed beside it.

    python benchmarks/engine_speed.py --golden ../shared/golden --case single --json OUT [--frames 21]

Runs the reference runner (1 layer at the real width and frame size; 7 blocks for 21 frames) and
compares its latents with the upstream MemFlow output stored in the golden folder (the first
`--frames` frames; the pipeline is causal, so a shorter run is a prefix of the full one).
The original MemFlow code took about 270 s for the full case on a 2-core CPU machine of this kind.
"""

from __future__ import annotations

import argparse
import platform
import sys
from pathlib import Path

import torch
from safetensors.torch import load_file

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from memflow_ext.io_utils import atomic_write_json  # noqa: E402
from memflow_ext.reference import build_parser, run_reference  # noqa: E402

CASE_FILES = {"single": "case_A.safetensors", "single_sma": "case_B.safetensors", "interactive": "case_C.safetensors"}
UPSTREAM_CASE_A_S = 270.0


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--golden", required=True, type=Path)
    ap.add_argument("--case", default="single", choices=sorted(CASE_FILES))
    ap.add_argument("--frames", type=int, default=21)
    ap.add_argument("--threads", type=int, default=2)
    ap.add_argument("--json", required=True, type=Path)
    args = ap.parse_args(argv)
    torch.set_num_threads(args.threads)
    ref_args = build_parser().parse_args([
        "--weights", str(args.golden / "weights.safetensors"), "--inputs", str(args.golden / "inputs.safetensors"),
        "--case", args.case, "--frames", str(args.frames), "--out", "unused", "--quiet",
    ])
    out = run_reference(ref_args)
    ref = load_file(str(args.golden / CASE_FILES[args.case]))["output_latents"][:, : args.frames]
    lat = out["output_latents"]
    rel = float((lat.double() - ref.double()).norm() / ref.double().norm())
    wall = float(out["wall_s"][0])
    result = {
        "case": args.case, "frames": args.frames, "wall_s": round(wall, 2), "rel_l2": rel,
        "threads": args.threads, "machine": f"{platform.machine()} {platform.processor()}".strip(),
        "torch": torch.__version__,
        "upstream_case_a_s": UPSTREAM_CASE_A_S if args.case == "single" and args.frames == 21 else None,
    }
    if result["upstream_case_a_s"]:
        result["speedup_vs_upstream"] = round(UPSTREAM_CASE_A_S / wall, 3)
    print(f"case {args.case}, {args.frames} frames: {wall:.1f} s, rel L2 vs upstream {rel:.2e}"
          + (f", {UPSTREAM_CASE_A_S / wall:.2f}x the original's ~270 s" if result["upstream_case_a_s"] else ""))
    atomic_write_json(args.json, result)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
