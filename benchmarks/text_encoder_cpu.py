"""The UMT5-XXL text encoder on the CPU (`text_encoder_placement=cpu`): host bytes and time per prompt.

    python benchmarks/text_encoder_cpu.py --json text_encoder_cpu.json [--repeats 2] [--int8] [--layers 24]

Builds the real UMT5-XXL encoder shapes (24 blocks, d_model 4096, 5.68 B parameters) with random
weights in bfloat16 directly (on the meta device, then filled in place: no float32 copy; ~10.6 GiB of
RAM), and times `TextEncoder.encode` of one prompt through the `cpu` placement (padded to text_len 512,
as every prompt is, so the time does not depend on the prompt; a byte tokenizer stands in for the
UMT5 tokenizer, which needs files). With `--int8` it then quantizes the encoder blocks' Linear layers
(`quantize_text_encoder`) and reports the same for them, with the relative L2 of the embeddings
against the bfloat16 ones. Writes `host_bytes`, `encode_s` (per repeat) and `encode_s_median` per mode.

`--layers N` (< 24) builds only the first N encoder blocks (the embedding table and every width stay
real) for machines without ~11 GiB of free RAM; `encode_s_per_prompt_24` then extrapolates linearly to
the 24 blocks and `host_bytes_24` gives the full encoder's bytes (the ledger's meta count).
"""

from __future__ import annotations

import argparse
import platform
import statistics
import sys
import time
from dataclasses import replace
from pathlib import Path
from typing import Any

import torch

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))
sys.path.insert(0, str(Path(__file__).resolve().parent))

from gpu_check import random_weights_  # noqa: E402

from memflow_ext.io_utils import atomic_write_json  # noqa: E402
from memflow_ext.loaders.umt5 import meta_umt5  # noqa: E402
from memflow_ext.models.quantize import quantize_linears  # noqa: E402
from memflow_ext.models.text_encoder import TextEncoder  # noqa: E402
from memflow_ext.models.text_placement import module_bytes  # noqa: E402
from memflow_ext.presets import WAN_1_3B  # noqa: E402

PROMPT = "a lighthouse keeper climbs the spiral stairs at dusk while waves break on the rocks below"


def timed(encoder: TextEncoder, repeats: int) -> tuple[list[float], torch.Tensor]:
    times, out = [], None
    for _ in range(repeats):
        t0 = time.perf_counter()
        out = encoder.encode([PROMPT])
        times.append(time.perf_counter() - t0)
    assert out is not None
    return times, out


@torch.no_grad()
def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--json", type=Path, required=True)
    ap.add_argument("--repeats", type=int, default=2)
    ap.add_argument("--int8", action="store_true", help="also quantize the encoder blocks to int8 and time them")
    ap.add_argument("--layers", type=int, default=WAN_1_3B.text_encoder.num_layers,
                    help="encoder blocks to build (default all 24; fewer: time extrapolated)")
    args = ap.parse_args(argv)
    from transformers import ByT5Tokenizer

    full = WAN_1_3B.text_encoder
    if not 1 <= args.layers <= full.num_layers:
        print(f"text_encoder_cpu: --layers must be within 1..{full.num_layers}", file=sys.stderr)
        return 2
    tc = replace(full, num_layers=args.layers)
    t0 = time.perf_counter()
    model = meta_umt5(tc).to(torch.bfloat16).to_empty(device="cpu")
    random_weights_(model, 0, torch.device("cpu"))
    model.encoder.embed_tokens.weight = model.shared.weight
    build_s = time.perf_counter() - t0
    enc = TextEncoder(model.eval().requires_grad_(False), ByT5Tokenizer(), WAN_1_3B.transformer.text_len)
    enc.place("cpu", "cpu")
    report: dict[str, Any] = {"torch": torch.__version__, "machine": platform.machine(),
                              "threads": torch.get_num_threads(), "build_s": build_s,
                              "parameters": sum(p.numel() for p in model.parameters()),
                              "text_len": WAN_1_3B.transformer.text_len, "layers": args.layers,
                              "host_bytes_24": module_bytes(meta_umt5(full).to(torch.bfloat16))}
    scale = full.num_layers / args.layers  # the lookup and final norm are negligible next to a block
    times, ref = timed(enc, args.repeats)
    report["bfloat16"] = {"host_bytes": module_bytes(model), "encode_s": times,
                          "encode_s_median": statistics.median(times),
                          "encode_s_per_prompt_24": statistics.median(times) * scale}
    print(f"  bfloat16: {report['bfloat16']['host_bytes']:,} B on the host, "
          f"{report['bfloat16']['encode_s_median']:.1f} s per prompt with {args.layers} blocks "
          f"({report['bfloat16']['encode_s_per_prompt_24']:.1f} s for 24)", flush=True)
    if args.int8:
        t0 = time.perf_counter()
        n = len(quantize_linears(model.encoder.block, "int8"))
        quant_s = time.perf_counter() - t0
        times, out = timed(enc, args.repeats)
        err = float((out.double() - ref.double()).norm() / ref.double().norm())
        report["int8"] = {"host_bytes": module_bytes(model), "encode_s": times,
                          "encode_s_median": statistics.median(times), "quantized_linears": n,
                          "encode_s_per_prompt_24": statistics.median(times) * scale,
                          "quantize_s": quant_s, "rel_l2_vs_bfloat16": err}
        print(f"  int8 blocks: {report['int8']['host_bytes']:,} B, {report['int8']['encode_s_median']:.1f} s per "
              f"prompt, embeddings rel L2 {err:.3e}", flush=True)
    atomic_write_json(args.json, report)
    print(f"wrote {args.json}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
