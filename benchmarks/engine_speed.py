"""Engine speed on golden case A against this machine's own limit, with the parity error printed beside it.

    python benchmarks/engine_speed.py --golden ../shared/golden --case single --json OUT [--frames 21]
                                      [--min-utilisation 0.8]

Runs the reference runner (1 layer at the real width and frame size; 7 blocks for 21 frames) and
compares its latents with the upstream MemFlow output stored in the golden folder (the first
`--frames` frames; the pipeline is causal, so a shorter run is a prefix of the full one).

In the same run it counts the floating-point operations of the generation:

* linear and convolution layers: a global module forward hook adds 2 * rows * in * out per
  `nn.Linear` call (2 * outputs * in_channels * kernel volume per convolution);
* attention: counted from its shapes (4 * B * H * Lq * Lk * D per SDPA call: q k^T and p v), by
  wrapping `torch.nn.functional.scaled_dot_product_attention`; the flop counter would not see the
  CPU flash-attention kernel. Softmax, norms, RoPE and element-wise work are not counted.

Then it measures this machine's float32 matmul rate on the run's own shapes: every distinct
linear shape (`F.linear`) and, for every distinct attention shape, the two batched matmuls of
attention (q k^T and p v, on up to `--attention-rows` query rows). `ideal_s` is the time the
counted work would take at those rates; `utilisation` = ideal_s / wall_s, and
`achieved_gflops` = counted flops / wall_s. `--min-utilisation U` exits with status 1 (the JSON is
still written) when utilisation < U. Timings on a shared machine are only as good as its quiet.
"""

from __future__ import annotations

import argparse
import platform
import sys
import time
from collections import Counter
from pathlib import Path

import torch
from safetensors.torch import load_file

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from memflow_ext.io_utils import atomic_write_json  # noqa: E402
from memflow_ext.reference import build_parser, run_reference  # noqa: E402

CASE_FILES = {"single": "case_A.safetensors", "single_sma": "case_B.safetensors", "interactive": "case_C.safetensors"}


class FlopCount:
    """Counts linear/conv flops (module hook) and attention flops (from SDPA's shapes) while active."""

    def __init__(self) -> None:
        self.linear: Counter[tuple[int, int, int]] = Counter()  # (rows, in, out) -> calls
        self.attention: Counter[tuple[int, int, int, int, int]] = Counter()  # (B, H, Lq, Lk, D) -> calls
        self.conv_flops = 0

    def __enter__(self) -> FlopCount:
        self._hook = torch.nn.modules.module.register_module_forward_hook(self._module)
        self._sdpa = torch.nn.functional.scaled_dot_product_attention
        sdpa = self._sdpa

        def counted(q, k, v, *args, **kwargs):  # [B, H, L, D]
            self.attention[(q.shape[0], q.shape[1], q.shape[2], k.shape[2], q.shape[3])] += 1
            return sdpa(q, k, v, *args, **kwargs)

        torch.nn.functional.scaled_dot_product_attention = counted
        return self

    def __exit__(self, *exc) -> None:
        self._hook.remove()
        torch.nn.functional.scaled_dot_product_attention = self._sdpa

    def _module(self, module: torch.nn.Module, inputs: tuple, output) -> None:
        if isinstance(module, torch.nn.Linear):
            x = inputs[0]
            self.linear[(x.numel() // module.in_features, module.in_features, module.out_features)] += 1
        elif isinstance(module, torch.nn.Conv3d | torch.nn.Conv2d | torch.nn.Conv1d) and torch.is_tensor(output):
            k = 1
            for n in module.kernel_size:
                k *= n
            self.conv_flops += 2 * output.numel() * (module.in_channels // module.groups) * k

    @staticmethod
    def linear_flops(shape: tuple[int, int, int]) -> int:
        rows, i, o = shape
        return 2 * rows * i * o

    @staticmethod
    def attention_flops(shape: tuple[int, int, int, int, int]) -> int:
        b, h, lq, lk, d = shape
        return 4 * b * h * lq * lk * d

    def totals(self) -> dict[str, int]:
        lin = sum(self.linear_flops(s) * n for s, n in self.linear.items())
        att = sum(self.attention_flops(s) * n for s, n in self.attention.items())
        return {"linear": lin, "attention": att, "conv": self.conv_flops, "total": lin + att + self.conv_flops}


def _best_of(fn, repeats: int) -> float:
    fn()  # warm
    best = float("inf")
    for _ in range(repeats):
        t0 = time.perf_counter()
        fn()
        best = min(best, time.perf_counter() - t0)
    return best


@torch.no_grad()
def matmul_rates(count: FlopCount, repeats: int, attention_rows: int) -> dict:
    """Float32 matmul rate (flop/s) of each distinct shape of the run, and the ideal time of the run's work."""
    gen = torch.Generator().manual_seed(0)
    ideal_s, per_shape = 0.0, []
    for shape, calls in sorted(count.linear.items()):
        rows, i, o = shape
        x, w, b = torch.randn(rows, i, generator=gen), torch.randn(o, i, generator=gen), torch.randn(o, generator=gen)
        t = _best_of(lambda x=x, w=w, b=b: torch.nn.functional.linear(x, w, b), repeats)
        rate = FlopCount.linear_flops(shape) / t
        ideal_s += calls * FlopCount.linear_flops(shape) / rate
        per_shape.append({"kind": "linear", "shape": list(shape), "calls": calls, "gflops": round(rate / 1e9, 2)})
    for shape, calls in sorted(count.attention.items()):
        b, h, lq, lk, d = shape
        rows = min(lq, attention_rows)
        q = torch.randn(b * h, rows, d, generator=gen)
        k = torch.randn(b * h, lk, d, generator=gen)
        v = torch.randn(b * h, lk, d, generator=gen)
        p = torch.empty(b * h, rows, lk)
        t = _best_of(lambda q=q, k=k, v=v, p=p: (torch.bmm(q, k.transpose(1, 2), out=p), torch.bmm(p, v)), repeats)
        rate = 4 * b * h * rows * lk * d / t
        ideal_s += calls * FlopCount.attention_flops(shape) / rate
        per_shape.append({"kind": "attention", "shape": list(shape), "calls": calls, "gflops": round(rate / 1e9, 2)})
    return {"ideal_s": ideal_s, "per_shape": per_shape}


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--golden", required=True, type=Path)
    ap.add_argument("--case", default="single", choices=sorted(CASE_FILES))
    ap.add_argument("--frames", type=int, default=21)
    ap.add_argument("--threads", type=int, default=2)
    ap.add_argument("--min-utilisation", type=float, default=None,
                    help="exit with status 1 when the run reaches less than this fraction of the machine's matmul rate")
    ap.add_argument("--rate-repeats", type=int, default=2, help="timed repeats per shape of the matmul rate (best of)")
    ap.add_argument("--attention-rows", type=int, default=512,
                    help="query rows per attention shape when measuring the matmul rate")
    ap.add_argument("--json", required=True, type=Path)
    args = ap.parse_args(argv)
    torch.set_num_threads(args.threads)
    ref_args = build_parser().parse_args([
        "--weights", str(args.golden / "weights.safetensors"), "--inputs", str(args.golden / "inputs.safetensors"),
        "--case", args.case, "--frames", str(args.frames), "--out", "unused", "--quiet",
    ])
    with FlopCount() as count:
        out = run_reference(ref_args)
    ref = load_file(str(args.golden / CASE_FILES[args.case]))["output_latents"][:, : args.frames]
    lat = out["output_latents"]
    rel = float((lat.double() - ref.double()).norm() / ref.double().norm())
    wall = float(out["wall_s"][0])
    flops = count.totals()
    rates = matmul_rates(count, args.rate_repeats, args.attention_rows)
    ideal = rates["ideal_s"]
    achieved = flops["total"] / wall / 1e9
    util = ideal / wall if wall > 0 else 0.0
    result = {
        "case": args.case, "frames": args.frames, "wall_s": round(wall, 2), "rel_l2": rel,
        "tflop": {k: round(v / 1e12, 4) for k, v in flops.items()},
        "attention_calls": sum(count.attention.values()), "linear_calls": sum(count.linear.values()),
        "achieved_gflops": round(achieved, 2),
        "machine_gflops": round(flops["total"] / ideal / 1e9, 2) if ideal > 0 else None,
        "ideal_s": round(ideal, 2), "utilisation": round(util, 4),
        "min_utilisation": args.min_utilisation, "matmul_rates": rates["per_shape"],
        "threads": args.threads, "machine": f"{platform.machine()} {platform.processor()}".strip(),
        "torch": torch.__version__,
    }
    print(f"case {args.case}, {args.frames} frames: {wall:.1f} s, rel L2 vs upstream {rel:.2e}; "
          f"{flops['linear'] / 1e12:.2f} TFLOP linear + {flops['attention'] / 1e12:.2f} TFLOP attention "
          f"({result['attention_calls']} attention calls): {achieved:.1f} GFLOP/s achieved vs "
          f"{result['machine_gflops']} GFLOP/s float32 matmul on the same shapes (ideal {ideal:.1f} s): "
          f"utilisation {util:.1%}")
    atomic_write_json(args.json, result)
    if args.min_utilisation is not None and util < args.min_utilisation:
        print(f"engine_speed: utilisation {util:.3f} is below --min-utilisation {args.min_utilisation}",
              file=sys.stderr)
        return 1
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
