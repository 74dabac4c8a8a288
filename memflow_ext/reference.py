"""Reference runner: the engine on original-name weights and golden-format inputs.

    python -m memflow_ext.reference --weights W.safetensors --inputs I.safetensors \\
        --case {single,single_sma,interactive} --frames N --out O.safetensors [key=value ...]

`quantize=int8` runs the int8 weight-only DiT (`memflow_ext.models.quantize`) on the same inputs.

Builds the DiT from the weights (architecture read from the tensor shapes; heads of the real
head size), feeds the given noise and prompt embeddings (no text encoder, no VAE), seeds the
sampler's generator as the golden harness seeded the global RNG, and writes `output_latents`.
This is how parity with upstream MemFlow is checked, also on cases beyond the stored ones.
"""

from __future__ import annotations

import argparse
import sys
import time
from pathlib import Path
from typing import Any

import torch
from loguru import logger
from safetensors.torch import load_file

from memflow_ext.config import ConfigError, IAMFlowConfig, load_config
from memflow_ext.io_utils import atomic_write_bytes
from memflow_ext.loaders.wan_dit import arch_from_state_dict
from memflow_ext.models.quantize import check_quantize, quantize_dit
from memflow_ext.pipelines.builder import build_model, load_wan_state_dict
from memflow_ext.pipelines.loop import BlockLoop
from memflow_ext.pipelines.memflow import MemFlowPipeline
from memflow_ext.presets import WAN_1_3B

CASES = {"single": (False, False), "single_sma": (True, False), "interactive": (False, True)}
GOLDEN_RNG_SEED = 2025




class RecordingLoop(BlockLoop):
    """Hands the x0 prediction of each block's first denoising step to its `RecordingPipeline`."""

    pipeline: RecordingPipeline

    def on_step(self, block_index: int, step_index: int, x0: torch.Tensor) -> None:
        if step_index == 0:
            self.pipeline.step0.append(x0.detach().clone())


class RecordingPipeline(MemFlowPipeline):
    """Keeps the x0 prediction of each block's first denoising step."""

    loop_cls = RecordingLoop

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.step0: list[torch.Tensor] = []


def load_reference_state(args: argparse.Namespace, cfg: IAMFlowConfig) -> dict[str, torch.Tensor]:
    if args.weights:
        p = Path(args.weights)
        if not p.is_file():
            raise ConfigError(f"--weights: file not found: {p}")
        try:
            return load_file(str(p))
        except Exception as e:  # safetensors raises its own error type for a bad header
            raise ConfigError(f"--weights: cannot read {p} as safetensors ({str(e).splitlines()[0][:200]}); "
                              "the file is truncated or not a safetensors file") from None
    from memflow_ext.loaders import load_generator_state  # MemFlow base.pt (+ LoRA)

    return load_generator_state(args.generator_ckpt, args.lora_ckpt, args.use_ema, cfg)


def check_reference_args(args: argparse.Namespace, cfg: IAMFlowConfig) -> dict[str, torch.Tensor]:
    """Every input checked before any weights are read; returns the golden inputs."""
    fpb = cfg.num_frame_per_block
    if args.frames < 1 or args.frames % fpb:
        raise ConfigError(f"--frames={args.frames} must be a positive multiple of num_frame_per_block={fpb}")
    p = Path(args.inputs)
    if not p.is_file():
        raise ConfigError(f"--inputs: file not found: {p}")
    try:
        inputs = load_file(str(p))
    except Exception as e:
        raise ConfigError(f"--inputs: cannot read {p} as safetensors ({str(e).splitlines()[0][:200]})") from None
    need = ["noise", "prompt_P0_first20"] + (["prompt_P1_first20", "switch_frame_indices_caseC"]
                                             if CASES[args.case][1] else [])
    missing = [k for k in need if k not in inputs]
    if missing:
        raise ConfigError(f"--inputs: {p} lacks {', '.join(missing)} (the golden input format; see "
                          "../shared/golden/README.md)")
    available = int(inputs["noise"].shape[1])
    if args.frames > available:
        raise ConfigError(f"--frames={args.frames}: {p} holds noise for {available} latent frames; "
                          f"valid: {fpb}..{available - available % fpb} in steps of {fpb}")
    if CASES[args.case][1]:
        switch = [int(v) for v in inputs["switch_frame_indices_caseC"].tolist()]
        if any(s >= args.frames for s in switch):
            raise ConfigError(f"--frames={args.frames}: the interactive case switches prompts at frame(s) {switch}; "
                              f"--frames must be larger than {max(switch)}")
    for key, value in (("--generator-ckpt", args.generator_ckpt), ("--lora-ckpt", args.lora_ckpt)):
        if value and not Path(value).is_file():
            raise ConfigError(f"{key}: file not found: {value}")
    out = Path(args.out).absolute()
    parent = out.parent
    while not parent.exists() and parent.parent != parent:
        parent = parent.parent
    if out.is_dir() or not parent.is_dir():
        raise ConfigError(f"--out={args.out}: {out if out.is_dir() else parent} is "
                          f"{'a folder' if out.is_dir() else 'a file'}; give a file path in a folder")
    return inputs


def prepare_reference(args: argparse.Namespace) -> tuple[RecordingPipeline, dict[str, Any]]:
    """The pipeline and the inputs of a reference run: `embeds`, `switch`, `noise`, `generator`, `interactive`
    (what `run_reference` passes to `sample`; a test may drive a stream with them instead)."""
    sma, interactive = CASES[args.case]
    overrides = [f"model_kwargs.SMA={sma}", *args.overrides]
    cfg = load_config(overrides=overrides)
    inputs = check_reference_args(args, cfg)
    try:
        check_quantize(cfg.quantize, torch.device("cpu"))
    except ValueError as e:
        raise ConfigError(str(e)) from None
    state = load_reference_state(args, cfg)
    text_len = args.text_len
    arch = arch_from_state_dict(state, text_len)
    model = build_model(arch, seed=None)
    load_wan_state_dict(model, state, args.weights or args.generator_ckpt)
    model.float().eval()
    quantize_dit(model, cfg.quantize)  # `quantize=int8` measures the quantized engine on the golden inputs

    def embed(name: str) -> torch.Tensor:
        rows = inputs[name].float()
        pad = rows.new_zeros(rows.shape[0], text_len - rows.shape[1], rows.shape[2])
        return torch.cat([rows, pad], dim=1)

    noise = inputs["noise"][:, : args.frames].float()
    if interactive:
        embeds = [embed("prompt_P0_first20"), embed("prompt_P1_first20")]
        switch = [int(v) for v in inputs["switch_frame_indices_caseC"].tolist()]
    else:
        embeds, switch = [embed("prompt_P0_first20")], []
    pipe = RecordingPipeline(cfg, model, device="cpu")
    gen = torch.Generator().manual_seed(args.rng_seed)
    return pipe, {"embeds": embeds, "switch": switch, "noise": noise, "generator": gen, "interactive": interactive}


def run_reference(args: argparse.Namespace) -> dict[str, torch.Tensor]:
    pipe, inp = prepare_reference(args)
    t0 = time.perf_counter()
    latents = pipe.sample(inp["embeds"], inp["switch"], inp["noise"], generator=inp["generator"],
                          interactive=inp["interactive"], progress=not args.quiet)
    wall = time.perf_counter() - t0
    logger.info(f"reference case={args.case} frames={args.frames}: {wall:.1f} s")
    out = {"output_latents": latents.contiguous()}
    if args.save_step0:
        out["step0_x0_per_block"] = torch.stack(pipe.step0).contiguous()
    out["wall_s"] = torch.tensor([wall], dtype=torch.float64)
    return out


def build_parser() -> argparse.ArgumentParser:
    ap = argparse.ArgumentParser(prog="python -m memflow_ext.reference", description=__doc__.split("\n\n")[0])
    src = ap.add_mutually_exclusive_group(required=True)
    src.add_argument("--weights", help="DiT weights with the original Wan names (.safetensors)")
    src.add_argument("--generator-ckpt", help="MemFlow base.pt (instead of --weights)")
    ap.add_argument("--lora-ckpt", help="MemFlow lora.pt merged on top of --generator-ckpt")
    ap.add_argument("--use-ema", action="store_true", help="take generator_ema from --generator-ckpt")
    ap.add_argument("--inputs", required=True, help="golden-format inputs (.safetensors)")
    ap.add_argument("--case", required=True, choices=sorted(CASES))
    ap.add_argument("--frames", type=int, required=True, help="latent frames to generate")
    ap.add_argument("--out", required=True, help="output .safetensors (output_latents)")
    ap.add_argument("--text-len", type=int, default=WAN_1_3B.transformer.text_len)
    ap.add_argument("--rng-seed", type=int, default=GOLDEN_RNG_SEED, help="seed of the re-noising draws")
    ap.add_argument("--save-step0", action="store_true", help="also write step0_x0_per_block")
    ap.add_argument("--threads", type=int, default=None, help="torch intra-op threads")
    ap.add_argument("--quiet", action="store_true")
    ap.add_argument("--debug", action="store_true", help="show Python tracebacks for input errors")
    ap.add_argument("overrides", nargs="*", help="config overrides key=value")
    return ap


def main(argv: list[str] | None = None) -> int:
    args = build_parser().parse_args(argv)
    if args.lora_ckpt and not args.generator_ckpt:
        print("--lora-ckpt needs --generator-ckpt", file=sys.stderr)
        return 2
    if args.threads:
        torch.set_num_threads(args.threads)
    from memflow_ext.loaders import WeightsError

    try:
        out = run_reference(args)
    except (ConfigError, WeightsError, FileNotFoundError) as e:
        if args.debug:
            raise
        print(f"error: {e}", file=sys.stderr)
        return 2
    from safetensors.torch import save as st_save

    atomic_write_bytes(args.out, st_save(out))
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
