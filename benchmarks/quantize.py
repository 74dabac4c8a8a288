"""Quantization on CPU: bytes at the real shapes, time per block, and the output error of int8.

    python benchmarks/quantize.py --json quantize.json                       # bytes + small timings
    python benchmarks/quantize.py --json quantize.json --golden ../shared/golden --cases A B C D

1. `real_shapes`: the Wan2.1-T2V-1.3B DiT built with random weights in bfloat16 (on the meta device,
   then filled in place: no float32 copy), its parameter bytes with `quantize=none` and after int8
   weight-only quantization of the transformer blocks' Linear layers, counted from the tensors that
   really hold the data (torchao's quantized weights report their outer dtype's size; their inner
   tensors are counted), and the ratio. The ledger's meta-built count is printed beside it.
2. `small`: the `small` preset (random weights, CPU float32) per mode: milliseconds per block of an
   interactive stream with one switch (median over the blocks after the first), and the relative L2
   of the int8 latents against the unquantized ones on that run.
3. `golden` (with --golden): the golden cases A-D through the reference runner with `quantize=int8`;
   the relative L2 of its latents against the stored upstream latents (the unquantized engine matches
   them within 1e-4, tests/test_golden_parity.py). Minutes per case.

Writes JSON with `real_shapes`, `small`, `golden`, `machine`. Numbers are whatever they are.
"""

from __future__ import annotations

import argparse
import gc
import platform
import statistics
import sys
import time
from pathlib import Path
from typing import Any

import torch

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))
sys.path.insert(0, str(Path(__file__).resolve().parent))

from gpu_check import random_weights_  # noqa: E402

from memflow_ext.config import load_config  # noqa: E402
from memflow_ext.io_utils import atomic_write_json  # noqa: E402
from memflow_ext.models.quantize import quantize_dit  # noqa: E402
from memflow_ext.models.text_placement import module_bytes  # noqa: E402
from memflow_ext.pipelines.builder import build_model, build_pipeline  # noqa: E402
from memflow_ext.presets import WAN_1_3B  # noqa: E402

PROMPTS = ["a red kite over a green hill", "the kite falls into a river"]
# golden case -> (reference case, frames, file, key, frame slice)
GOLDEN = {
    "A": ("single", 21, "case_A.safetensors", "output_latents", slice(0, 21)),
    "B": ("single_sma", 21, "case_B.safetensors", "output_latents", slice(0, 21)),
    "C": ("interactive", 21, "case_C.safetensors", "output_latents", slice(0, 21)),
    "D": ("single", 33, "case_D.safetensors", "output_latents_frames_21_to_32", slice(21, 33)),
}


def rel_l2(a: torch.Tensor, b: torch.Tensor) -> float:
    return float((a.double() - b.double()).norm() / b.double().norm())


@torch.no_grad()
def real_shapes(seed: int) -> dict[str, Any]:
    """Parameter bytes of the 1.3B DiT in bfloat16 and with int8 blocks (random weights, in place)."""
    from memflow_ext.loaders.ledger import memory_ledger

    model = build_model(WAN_1_3B.transformer, seed=None, device="meta").to(torch.bfloat16).to_empty(device="cpu")
    random_weights_(model, seed, torch.device("cpu"))
    none = module_bytes(model)
    params = sum(p.numel() for p in model.parameters())
    t0 = time.perf_counter()
    names = quantize_dit(model, "int8")
    quant_s = time.perf_counter() - t0
    int8 = module_bytes(model)
    del model
    gc.collect()
    cfg = load_config(overrides=["preset=wan2.1-t2v-1.3b", "dtype=bfloat16", "quantize=int8"])
    ledger = memory_ledger(cfg, plugins=[], transients=False)["accelerator"]["dit_weights"]
    return {"parameters": params, "bytes_none_bf16": none, "bytes_int8": int8, "ratio": int8 / none,
            "quantized_linears": len(names), "quantize_s": quant_s, "ledger_dit_weights_int8": ledger}


def small_run(preset: str, mode: str, blocks: int, switch_block: int) -> tuple[list[float], torch.Tensor]:
    cfg = load_config(overrides=[f"preset={preset}", "device=cpu", f"quantize={mode}",
                                 f"num_output_frames={3 * blocks}"])
    pipe = build_pipeline(cfg)
    stream = pipe.open_stream(PROMPTS[0], seed=0, decode=False)
    ms = []
    while not stream.finished:
        if stream.blocks_done == switch_block:
            stream.switch_prompt(PROMPTS[1])
        ms.append(stream.next_block().ms)
    return ms, stream.close().latents


def small(blocks: int, preset: str = "small") -> dict[str, Any]:
    out: dict[str, Any] = {"preset": preset, "blocks": blocks, "dtype": "float32", "switch_block": blocks // 2}
    latents = {}
    for mode in ("none", "int8"):
        ms, latents[mode] = small_run(preset, mode, blocks, blocks // 2)
        out[mode] = {"block_ms": ms, "block_ms_median": statistics.median(ms[1:] or ms)}
        print(f"  {preset} {mode}: {out[mode]['block_ms_median']:.1f} ms per block (median)", flush=True)
    out["int8_over_none"] = out["int8"]["block_ms_median"] / out["none"]["block_ms_median"]
    out["int8_rel_l2"] = rel_l2(latents["int8"], latents["none"])
    return out


def golden(folder: Path, cases: list[str]) -> dict[str, Any]:
    from safetensors.torch import load_file

    from memflow_ext.reference import build_parser, run_reference

    res: dict[str, Any] = {}
    runs: dict[tuple[str, int], torch.Tensor] = {}
    for case in cases:
        ref_case, frames, file, key, part = GOLDEN[case]
        if (ref_case, frames) not in runs:
            args = build_parser().parse_args([
                "--weights", str(folder / "weights.safetensors"), "--inputs", str(folder / "inputs.safetensors"),
                "--case", ref_case, "--frames", str(frames), "--out", "unused", "--quiet", "quantize=int8"])
            t0 = time.perf_counter()
            runs[(ref_case, frames)] = run_reference(args)["output_latents"]
            print(f"  golden {ref_case} x{frames}: {time.perf_counter() - t0:.0f} s", flush=True)
        ref = load_file(str(folder / file))[key]
        res[case] = {"int8_rel_l2": rel_l2(runs[(ref_case, frames)][:, part], ref), "frames": frames}
        print(f"  golden case {case}: int8 rel L2 {res[case]['int8_rel_l2']:.3e}", flush=True)
    return res


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--json", type=Path, required=True)
    ap.add_argument("--blocks", type=int, default=6, help="blocks of the small-preset run (default 6)")
    ap.add_argument("--golden", type=Path, default=None, help="the golden folder (cases A-D)")
    ap.add_argument("--cases", nargs="*", default=["A", "B", "C", "D"], choices=sorted(GOLDEN))
    ap.add_argument("--skip-real", action="store_true", help="skip the 1.3B bytes (needs ~6 GB of RAM)")
    ap.add_argument("--preset", default="small", choices=["tiny", "small"],
                    help="preset of the timed interactive run (default small; tiny: a quick smoke run)")
    ap.add_argument("--seed", type=int, default=0)
    args = ap.parse_args(argv)
    if args.blocks < 2:
        print("quantize: --blocks must be >= 2 (one switch)", file=sys.stderr)
        return 2
    if args.golden is not None and not (args.golden / "inputs.safetensors").is_file():
        print(f"quantize: --golden {args.golden}: no inputs.safetensors there", file=sys.stderr)
        return 2
    from loguru import logger

    logger.remove()
    logger.add(sys.stderr, level="WARNING")
    report: dict[str, Any] = {"torch": torch.__version__, "machine": platform.machine(),
                              "threads": torch.get_num_threads()}
    if not args.skip_real:
        report["real_shapes"] = real_shapes(args.seed)
        r = report["real_shapes"]
        print(f"  1.3B DiT: bf16 {r['bytes_none_bf16']:,} B, int8 {r['bytes_int8']:,} B, ratio {r['ratio']:.4f} "
              f"(ledger {r['ledger_dit_weights_int8']:,} B incl. the RoPE table)", flush=True)
    report["small"] = small(args.blocks, args.preset)
    if args.golden is not None:
        report["golden"] = golden(args.golden, args.cases)
    atomic_write_json(args.json, report)
    print(f"wrote {args.json}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
