"""GPU check: the Wan2.1-T2V-1.3B architecture (random weights) for N blocks, without and with plugins.

    python benchmarks/gpu_check.py [--blocks 12] [--json gpu_check.json]          # one CUDA GPU, bf16
    python benchmarks/gpu_check.py --device cpu --preset tiny --blocks 2          # quick CPU smoke run

Builds the DiT on the meta device and fills it with random weights directly on the GPU (no
download, no weight files), a random-weight Wan VAE for decode timing, and a one-layer random
stand-in text encoder of the real width (the UMT5-XXL encoder is not part of what is measured).
Then it generates the same video (same seed) with `MemFlowPipeline` and with `IAMPipeline` plus
the requested plugins (`agent,memory,profile` by default), after one warm-up block each. A
requested plugin that cannot be loaded stops the check (exit status 2, no JSON): an overhead
"with plugins" is never measured without one.

`--placement {device,cpu,offload}` and `--quantize {none,int8,fp8}` set `text_encoder_placement` and
`quantize`; the memory ledger (`python -m memflow_ext.loaders memory`) of exactly the components built
here is printed and written (`ledger`) next to the measured `torch.cuda.max_memory_reserved` of the
IAM run, in bytes and GiB, so the first GPU run checks the ledger. fp8 off a CUDA device of compute
capability 8.9+ exits with status 2 before anything is built.

`--compile` sets `engine.compile=true` (torch.compile of the transformer blocks, dynamic shapes,
errors raise). The warm-up then runs the whole timed video once per pipeline, so compilation
happens there; the compile time (dynamo's own measure, `compile_s`) is reported apart, and
`first_block_ms` of the timed runs is the latency of a compiled block, not of the compiler.

On CUDA the check also runs the engine's attention at the model's shapes (one block's queries
over a full window of keys, in the run's dtype) with only the flash SDPA kernel allowed
(`torch.nn.attention.sdpa_kernel(SDPBackend.FLASH_ATTENTION)`): `flash_sdpa` is true when the
flash kernel accepts it, otherwise false with the reason in `flash_sdpa_error` (the run then falls
back to a slower kernel, which the numbers include).

Printed and written to `gpu_check.json`:
  video_fps       decoded video frames / wall time of the whole `generate` call (init + diffusion +
                  VAE decode), IAM pipeline with plugins
  first_block_ms  from the `generate` call to the end of the first block (latency to first block)
  block_ms        per block: end of the previous block (or start of diffusion) to the end of this one
  overhead_pct    (IAM total - baseline total) / baseline total * 100
  peak_vram_gb    torch.cuda.max_memory_allocated over both timed runs, in GB (1e9 bytes)
  device          the GPU's name (or "cpu")
plus the same numbers per pipeline under "baseline" and "iam", `compile`, `compile_s`,
`flash_sdpa`. CUDA time is taken with synchronisation at every mark, so GPU work is attributed to
the right block.
Exit status: 0 done, 2 CUDA requested but not available, a plugin that does not load, or bad
arguments.
"""

from __future__ import annotations

import argparse
import platform
import statistics
import sys
import tempfile
import time
from pathlib import Path
from typing import Any

import torch

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from memflow_ext.config import load_config  # noqa: E402
from memflow_ext.io_utils import atomic_write_json  # noqa: E402
from memflow_ext.models.rope import build_rope_table  # noqa: E402
from memflow_ext.pipelines.builder import DTYPES, build_model  # noqa: E402
from memflow_ext.pipelines.loop import BlockLoop  # noqa: E402
from memflow_ext.pipelines.memflow import MemFlowPipeline  # noqa: E402
from memflow_ext.presets import PRESETS, TextEncoderConfig, get_preset  # noqa: E402

DEFAULT_PLUGINS = "agent,memory,profile"
PROMPTS = [
    "A young man in a denim jacket walks along a rainy city street at night, neon signs reflecting in puddles.",
    "The young man stops at a food stall and talks to an old woman in a red scarf.",
    "He walks away holding a paper cup of tea while the old woman waves goodbye.",
]


class _Clock:
    """Marks taken after synchronising the device, so each interval holds only its own GPU work."""

    def __init__(self, device: torch.device) -> None:
        self.cuda = device.type == "cuda"

    def now(self) -> float:
        if self.cuda:
            torch.cuda.synchronize()
        return time.perf_counter()


class _TimedMixin:
    """Records the start of `generate`, the start of diffusion and the end of every block."""

    clock: _Clock

    def reset_marks(self) -> None:
        self.marks: dict[str, Any] = {"block_end": []}

    out_dir: Path | None = None  # where the plugins of its videos write their files

    def generate(self, *args: Any, **kwargs: Any):
        kwargs.setdefault("output_dir", self.out_dir)
        self.reset_marks()
        self.marks["start"] = self.clock.now()
        result = super().generate(*args, **kwargs)  # type: ignore[misc]
        self.marks["end"] = self.clock.now()
        return result

    def timings(self) -> dict[str, Any]:
        m = self.marks
        ends = m["block_end"]
        starts = [m["diffusion_start"], *ends[:-1]]
        blocks = [(e - s) * 1e3 for s, e in zip(starts, ends, strict=True)]
        return {"total_ms": (m["end"] - m["start"]) * 1e3, "first_block_ms": (ends[0] - m["start"]) * 1e3,
                "block_ms": blocks}


class _TimedLoop:
    """The loop of a timed pipeline's video: marks the start of diffusion and the end of every block."""

    pipeline: Any

    def phase(self, name: str, execute):
        if name == "diffusion":
            self.pipeline.marks["diffusion_start"] = self.pipeline.clock.now()
        return super().phase(name, execute)  # type: ignore[misc]

    def emit(self, hook: str, **kwargs: Any) -> None:
        super().emit(hook, **kwargs)  # type: ignore[misc]
        if hook == "block_end":
            self.pipeline.marks["block_end"].append(self.pipeline.clock.now())


class _TimedBlockLoop(_TimedLoop, BlockLoop):
    pass


class TimedMemFlow(_TimedMixin, MemFlowPipeline):
    loop_cls = _TimedBlockLoop


def _timed_iam():
    from memflow_ext.pipelines.iam import IAMLoop, IAMPipeline

    class TimedIAMLoop(_TimedLoop, IAMLoop):
        pass

    class TimedIAM(_TimedMixin, IAMPipeline):
        loop_cls = TimedIAMLoop

    return TimedIAM


@torch.no_grad()
def random_weights_(model: torch.nn.Module, seed: int, device: torch.device) -> None:
    """The builder's random-weight rules (linear N(0, .02), biases N(0, .01), norm scales 1 + N(0, .05),
    modulations N(0, .02)), drawn on `device` so a 1.3B model needs no host copy."""
    gen = torch.Generator(device=device).manual_seed(seed)
    for name, p in model.named_parameters():
        if name.endswith("modulation"):
            p.normal_(0.0, 0.02, generator=gen)
        elif p.dim() == 1 and ".norm" in name and name.endswith("weight"):
            p.normal_(1.0, 0.05, generator=gen)
        elif name.endswith("bias"):
            p.normal_(0.0, 0.01, generator=gen)
        else:
            p.normal_(0.0, 0.02, generator=gen)


def build_dit(preset, device: torch.device, dtype: torch.dtype, seed: int) -> torch.nn.Module:
    arch = preset.transformer
    if device.type == "cpu":
        return build_model(arch, seed=seed, device=device, dtype=dtype)
    model = build_model(arch, seed=None, device="meta").to(dtype).to_empty(device=device)
    random_weights_(model, seed, device)
    model.freqs = build_rope_table(arch.head_dim, arch.rope_max_len)
    return model.eval().requires_grad_(False)


def build_text_encoder(preset, device: torch.device, dtype: torch.dtype, seed: int):
    """The preset's own encoder for random presets; for the real size a 1-layer random stand-in of the
    real output width (byte tokenizer, no files): prompts are encoded once per video, outside the loop."""
    from memflow_ext.models.text_encoder import TextEncoder

    tc = preset.text_encoder
    if preset.random_weights:
        return TextEncoder.from_config(tc, text_len=preset.transformer.text_len, seed=seed, device=device, dtype=dtype)
    stand_in = TextEncoderConfig(vocab_size=384, d_model=preset.transformer.text_dim, d_kv=64, num_heads=8, d_ff=512,
                                 num_layers=1, tokenizer="byt5")
    return TextEncoder.from_config(stand_in, text_len=preset.transformer.text_len, seed=seed, device=device,
                                   dtype=dtype)


def plugin_manager(names: list[str], cfg) -> tuple[Any, list[str], dict[str, str]]:
    """A manager with the named plugins, and why those that do not load failed (the caller stops then)."""
    try:
        from hooks.manager import build_plugin_manager
    except ImportError as e:
        return None, [], {n: f"hooks unavailable: {e}" for n in names}
    ok, failed = [], {}
    for name in names:
        try:
            build_plugin_manager([name], cfg)
            ok.append(name)
        except Exception as e:  # reported by the caller, which stops: no numbers without a requested plugin
            failed[name] = f"{type(e).__name__}: {e}"
    if failed:
        return None, ok, failed
    return build_plugin_manager(ok, cfg), ok, failed


def flash_sdpa_check(tokens_per_frame: int, window_frames: int, heads: int, head_dim: int,
                     device: torch.device, dtype: torch.dtype) -> tuple[bool | None, str | None]:
    """Whether the flash SDPA kernel runs the engine's attention at the model's shapes (CUDA only)."""
    if device.type != "cuda":
        return None, None
    from torch.nn.attention import SDPBackend, sdpa_kernel

    from memflow_ext.models.attention import dense_attention

    q = torch.randn(1, 3 * tokens_per_frame, heads, head_dim, device=device, dtype=dtype)
    k = torch.randn(1, window_frames * tokens_per_frame, heads, head_dim, device=device, dtype=dtype)
    try:
        with sdpa_kernel(SDPBackend.FLASH_ATTENTION):
            dense_attention(q, k, k)
        torch.cuda.synchronize(device)
    except RuntimeError as e:
        return False, str(e).splitlines()[0]
    return True, None


def compile_seconds() -> float:
    """Seconds dynamo has spent compiling in this process so far."""
    from torch._dynamo.utils import compilation_time_metrics

    return float(sum(sum(v) for v in compilation_time_metrics.values()))


def summarize(t: dict[str, Any], video_frames: int, latent_frames: int, peak: float | None) -> dict[str, Any]:
    total_s = t["total_ms"] / 1e3
    blocks = t["block_ms"]
    return {
        "video_fps": video_frames / total_s, "latent_fps": latent_frames / total_s, "total_ms": t["total_ms"],
        "first_block_ms": t["first_block_ms"], "block_ms": blocks, "block_ms_mean": statistics.fmean(blocks),
        "block_ms_median": statistics.median(blocks), "peak_vram_gb": peak,
    }


def ledger_check(cfg, preset, plugins: list[str], text, decode: bool, reserved: int | None) -> dict[str, Any]:
    """The memory ledger of exactly the components built here (the stand-in text encoder's sizes, the VAE
    only when decoding) and the plugins of the IAM run, next to the measured `max_memory_reserved`."""
    from memflow_ext.loaders.ledger import GIB, memory_ledger
    from memflow_ext.presets import TextEncoderConfig as TC

    c = text.model.config
    tc = TC(vocab_size=c.vocab_size, d_model=c.d_model, d_kv=c.d_kv, num_heads=c.num_heads, d_ff=c.d_ff,
            num_layers=c.num_layers, relative_attention_num_buckets=c.relative_attention_num_buckets,
            feed_forward_proj=c.feed_forward_proj, tokenizer="byt5")
    ledger = memory_ledger(cfg, plugins=plugins, text_encoder=tc, vae=decode)  # batch: `generate` is run here
    predicted = ledger["accelerator_bytes"]
    print(f"  ledger accelerator_bytes (batch run, peak at {ledger['peak_phase']}) {predicted:,} B "
          f"({predicted / GIB:.3f} GiB) vs measured "
          f"max_memory_reserved " + (f"{reserved:,} B ({reserved / GIB:.3f} GiB), measured / ledger "
                                     f"{reserved / predicted:.3f}" if reserved is not None else "- (no CUDA)"))
    return {"accelerator_bytes": predicted, "host_bytes": ledger["host_bytes"], "measured_reserved_bytes": reserved,
            "measured_over_ledger": reserved / predicted if reserved is not None else None,
            "mode": ledger["mode"], "peak_phase": ledger["peak_phase"], "phases": ledger["phases"],
            "breakdown": ledger["accelerator"], "transient": ledger["transient"]}


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--device", default="cuda", help="cuda, cuda:N or cpu (default cuda)")
    ap.add_argument("--preset", default="wan2.1-t2v-1.3b", choices=sorted(PRESETS))
    ap.add_argument("--blocks", type=int, default=12, help="blocks of 3 latent frames per timed run (default 12)")
    ap.add_argument("--warmup-blocks", type=int, default=1, help="blocks of the untimed warm-up run per pipeline")
    ap.add_argument("--repeats", type=int, default=2, help="timed runs per pipeline; the median run is reported")
    ap.add_argument("--dtype", default=None, choices=sorted(DTYPES), help="default: bfloat16 on CUDA, float32 on CPU")
    ap.add_argument("--height", type=int, default=None, help="pixels (default: the preset's, 480 for the 1.3B)")
    ap.add_argument("--width", type=int, default=None, help="pixels (default: the preset's, 832 for the 1.3B)")
    ap.add_argument("--plugins", default=DEFAULT_PLUGINS, help=f"plugins of the IAM run (default {DEFAULT_PLUGINS})")
    ap.add_argument("--prompts", type=int, default=1, choices=[1, 2, 3], help="prompts per video (>1: interactive)")
    ap.add_argument("--no-decode", action="store_true", help="skip the VAE decode")
    ap.add_argument("--seed", type=int, default=0)
    ap.add_argument("--json", type=Path, default=Path("gpu_check.json"))
    ap.add_argument("--verbose", action="store_true", help="engine and plugin log messages (default: warnings only)")
    ap.add_argument("--compile", action="store_true",
                    help="engine.compile=true: torch.compile the transformer blocks (compile time reported apart)")
    ap.add_argument("--placement", default="device", choices=["device", "cpu", "offload"],
                    help="text_encoder_placement (default device)")
    ap.add_argument("--quantize", default="none", choices=["none", "int8", "fp8"],
                    help="quantize: weight format of the DiT's block Linears (default none)")
    args = ap.parse_args(argv)
    from loguru import logger

    logger.remove()
    logger.add(sys.stderr, level="DEBUG" if args.verbose else "WARNING")

    device = torch.device(args.device)
    if device.type == "cuda" and not torch.cuda.is_available():
        print(f"gpu_check: device '{args.device}' requested but CUDA is not available on this machine "
              f"(torch {torch.__version__}). Run it on a CUDA GPU, or use "
              "`--device cpu --preset tiny` for the quick CPU smoke run.", file=sys.stderr)
        return 2
    if args.blocks < 1 or args.warmup_blocks < 0 or args.blocks < args.prompts or args.repeats < 1:
        print("gpu_check: --blocks must be >= 1 and >= --prompts, --repeats >= 1, --warmup-blocks >= 0",
              file=sys.stderr)
        return 2
    dtype_name = args.dtype or ("bfloat16" if device.type == "cuda" else "float32")
    dtype = DTYPES[dtype_name]
    preset = get_preset(args.preset)
    fpb = 3
    frames = fpb * args.blocks
    overrides = [f"preset={preset.name}", f"device={args.device}", f"dtype={dtype_name}",
                 f"num_output_frames={frames}", f"num_frame_per_block={fpb}", f"seed={args.seed}",
                 f"engine.compile={str(args.compile).lower()}", f"text_encoder_placement={args.placement}",
                 f"quantize={args.quantize}"]
    if args.height:
        overrides.append(f"height={args.height}")
    if args.width:
        overrides.append(f"width={args.width}")
    cfg = load_config(overrides=overrides)
    latent_hw = preset.latent_hw(cfg.height, cfg.width)
    height, width = latent_hw[0] * preset.vae.spatial_factor, latent_hw[1] * preset.vae.spatial_factor
    prompts = PROMPTS[: args.prompts]
    switch = [round(i * args.blocks / args.prompts) * fpb for i in range(1, args.prompts)]
    if device.type == "cuda" and device.index is not None:
        torch.cuda.set_device(device)
    torch.manual_seed(args.seed)

    from memflow_ext.models.quantize import QuantizeError, check_quantize
    from memflow_ext.models.vae import WanVAE
    from memflow_ext.pipelines.builder import apply_footprint

    try:
        check_quantize(args.quantize, device)
    except QuantizeError as e:
        print(f"gpu_check: {e}", file=sys.stderr)
        return 2
    t0 = time.perf_counter()
    model = build_dit(preset, device, dtype, args.seed)
    text = build_text_encoder(preset, device, dtype, args.seed + 1)
    apply_footprint(cfg, model, text, device)  # quantize the blocks, place the text encoder
    vae = None if args.no_decode else WanVAE.from_config(preset.vae, seed=args.seed + 2, device=device, dtype=dtype)
    build_s = time.perf_counter() - t0
    gpu = torch.cuda.get_device_name(device) if device.type == "cuda" else "cpu"
    params = sum(p.numel() for p in model.parameters())
    print(f"gpu_check: {gpu}, preset {preset.name} ({params / 1e9:.3f} B DiT parameters, random), {dtype_name}, "
          f"{height}x{width}, {args.blocks} blocks = {frames} latent frames, built in {build_s:.1f} s")

    pm, loaded, failed = plugin_manager([n.strip() for n in args.plugins.split(",") if n.strip()], cfg)
    if failed:
        for name, why in failed.items():
            print(f"gpu_check: plugin '{name}' cannot be loaded: {why}", file=sys.stderr)
        print("gpu_check: nothing measured, no JSON written", file=sys.stderr)
        return 2
    arch = preset.transformer
    tpf = (latent_hw[0] // arch.patch_size[1]) * (latent_hw[1] // arch.patch_size[2])
    mk = cfg.model_kwargs
    window = (mk.local_attn_size if mk.local_attn_size != -1 else 21) + mk.bank_size  # sink + local + memory
    flash, flash_error = flash_sdpa_check(tpf, window, arch.num_heads, arch.head_dim, device, dtype)
    if flash is False:
        print(f"  WARNING: the flash SDPA kernel refused the model's attention ({flash_error}); "
              "the run uses a slower kernel")
    clock = _Clock(device)
    base = TimedMemFlow(cfg, model, text, vae, device=device)
    base.clock = clock
    pipes: dict[str, Any] = {"baseline": base}
    out_dir = Path(tempfile.mkdtemp(prefix="gpu_check_"))
    try:
        timed_iam = _timed_iam()
        iam = timed_iam(cfg, model, text, vae, device=device, plugin_manager=pm)
        iam.clock = clock
        iam.out_dir = out_dir
        pipes["iam"] = iam
    except ImportError as e:
        print(f"  IAMPipeline unavailable ({e}); timing the baseline only")

    decode = vae is not None
    video_frames = vae.num_frames(frames) if vae is not None else 1 + preset.vae.temporal_factor * (frames - 1)
    compile_before = compile_seconds() if args.compile else 0.0
    warmup_s: dict[str, float] = {}
    if args.warmup_blocks or args.compile:  # kernels, allocator and plugin imports warm for every pipeline first
        for name, pipe in pipes.items():
            t_w = time.perf_counter()
            if args.compile:  # the whole timed video: every shape it meets is compiled here, not in a timed run
                pipe.generate(prompts, switch, seed=args.seed, decode=decode, num_frames=frames, progress=False)
            else:
                pipe.generate(prompts[:1], [], seed=args.seed, decode=decode, num_frames=fpb * args.warmup_blocks,
                              progress=False)
            warmup_s[name] = time.perf_counter() - t_w
    compile_s = compile_seconds() - compile_before if args.compile else None
    compile_mid = compile_seconds() if args.compile else 0.0
    runs: dict[str, list[dict[str, Any]]] = {name: [] for name in pipes}
    reserved: dict[str, int] = {}
    for _ in range(args.repeats):  # alternate the pipelines so drifts (clocks, heat) hit both alike
        for name, pipe in pipes.items():
            if device.type == "cuda":
                torch.cuda.empty_cache()
                torch.cuda.reset_peak_memory_stats(device)
            pipe.generate(prompts, switch, seed=args.seed, decode=decode, num_frames=frames, progress=False)
            peak = torch.cuda.max_memory_allocated(device) / 1e9 if device.type == "cuda" else None
            if device.type == "cuda":
                reserved[name] = max(reserved.get(name, 0), torch.cuda.max_memory_reserved(device))
            runs[name].append(summarize(pipe.timings(), video_frames, frames, peak))
    compile_in_timed_s = compile_seconds() - compile_mid if args.compile else None
    if compile_in_timed_s:
        print(f"  WARNING: {compile_in_timed_s:.1f} s of compilation happened inside the timed runs")
    results: dict[str, Any] = {}
    for name, rs in runs.items():  # the run with the median total time stands for the pipeline
        med = sorted(rs, key=lambda r: r["total_ms"])[(len(rs) - 1) // 2]
        results[name] = {**med, "total_ms_runs": [r["total_ms"] for r in rs]}
        peaks_run = [r["peak_vram_gb"] for r in rs if r["peak_vram_gb"] is not None]
        results[name]["peak_vram_gb"] = max(peaks_run) if peaks_run else None

    head = results.get("iam", results["baseline"])
    overhead = None
    if "iam" in results:
        base_ms = results["baseline"]["total_ms"]
        overhead = (results["iam"]["total_ms"] - base_ms) / base_ms * 100
    peaks = [r["peak_vram_gb"] for r in results.values() if r["peak_vram_gb"] is not None]
    report = {
        "device": gpu, "video_fps": head["video_fps"], "first_block_ms": head["first_block_ms"],
        "block_ms": head["block_ms"], "overhead_pct": overhead, "peak_vram_gb": max(peaks) if peaks else None,
        "block_ms_mean": head["block_ms_mean"], "latent_fps": head["latent_fps"],
        "preset": preset.name, "dtype": dtype_name, "height": height, "width": width, "blocks": args.blocks,
        "latent_frames": frames, "video_frames": video_frames, "decode": decode, "prompts": len(prompts),
        "switch_frame_indices": switch, "plugins": loaded, "plugins_skipped": failed,
        "repeats": args.repeats, "baseline": results["baseline"], "iam": results.get("iam"), "build_s": build_s,
        "compile": args.compile, "compile_s": compile_s, "compile_in_timed_runs_s": compile_in_timed_s,
        "warmup_s": warmup_s, "flash_sdpa": flash, "flash_sdpa_error": flash_error,
        "torch": torch.__version__, "cuda": torch.version.cuda, "machine": platform.machine(),
    }
    report["ledger"] = ledger_check(cfg, preset, loaded, text, decode, reserved.get("iam"))
    cols = list(results)
    print(f"  {'':22s}" + "".join(f"{c:>16s}" for c in cols))
    for key, fmt in (("total_ms", "{:16.1f}"), ("video_fps", "{:16.2f}"), ("first_block_ms", "{:16.1f}"),
                     ("block_ms_mean", "{:16.1f}"), ("block_ms_median", "{:16.1f}"), ("peak_vram_gb", "{:16.2f}")):
        vals = [results[c][key] for c in cols]
        print(f"  {key:22s}" + "".join(fmt.format(v) if v is not None else f"{'-':>16s}" for v in vals))
    if overhead is not None:
        print(f"  plugins {','.join(loaded) or '(none)'}: overhead {overhead:+.2f} % of the baseline's total time")
    if args.compile:
        print(f"  compile: {compile_s:.1f} s in the warm-up (not in first_block_ms)")
    if flash is not None:
        print(f"  flash SDPA at the model's shapes: {'yes' if flash else 'no: ' + str(flash_error)}")
    atomic_write_json(args.json, report)
    print(f"  wrote {args.json}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
