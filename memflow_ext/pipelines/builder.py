"""Build the engine's components from a config: model, text encoder, VAE, pipeline.

Random preset weights are drawn from a private generator, so building never moves the global RNG.
Real checkpoints load by their original Wan names (see `load_wan_state_dict`).
"""

from __future__ import annotations

from typing import TYPE_CHECKING

import torch
from loguru import logger

from memflow_ext.config import ConfigError, IAMFlowConfig
from memflow_ext.models.transformer_wan import CausalWanModel
from memflow_ext.presets import Preset, WanTransformerConfig, get_preset

if TYPE_CHECKING:
    from memflow_ext.models.text_encoder import TextEncoder

DTYPES = {"float32": torch.float32, "bfloat16": torch.bfloat16, "float16": torch.float16}


class DeviceError(ConfigError, RuntimeError):
    """The config's `device` does not exist on this machine (the message names the key and valid values)."""


def resolve_device(name: str) -> torch.device:
    """`auto` is cuda when available, else cpu; anything else must exist on this machine."""
    if name == "auto":
        return torch.device("cuda" if torch.cuda.is_available() else "cpu")
    try:
        dev = torch.device(name)
    except (RuntimeError, ValueError):
        raise DeviceError(f"device='{name}' is not a device name; valid: auto, cpu, cuda, cuda:N") from None
    if dev.type == "cuda":
        if not torch.cuda.is_available():
            raise DeviceError(f"device='{name}': CUDA is not available on this machine; valid here: auto, cpu")
        if dev.index is not None and dev.index >= torch.cuda.device_count():
            raise DeviceError(f"device='{name}': this machine has {torch.cuda.device_count()} CUDA device(s); "
                              f"valid: auto, cpu, cuda, cuda:0..cuda:{torch.cuda.device_count() - 1}")
    elif dev.type not in ("cpu", "mps", "meta"):
        raise DeviceError(f"device='{name}' is not supported; valid: auto, cpu, cuda, cuda:N")
    return dev


@torch.no_grad()
def random_init_(model: torch.nn.Module, seed: int) -> None:
    """Seeded random weights that give non-degenerate outputs (linear N(0, .02), biases N(0, .01),
    norm scales 1 + N(0, .05), modulations N(0, .02)), drawn in `named_parameters()` order."""
    gen = torch.Generator().manual_seed(seed)
    for name, p in model.named_parameters():
        if name.endswith("modulation"):
            vals = torch.randn(p.shape, generator=gen) * 0.02
        elif p.dim() == 1 and (name.endswith("norm_q.weight") or name.endswith("norm_k.weight")
                               or ".norm" in name and name.endswith("weight")):
            vals = 1 + torch.randn(p.shape, generator=gen) * 0.05
        elif name.endswith("bias"):
            vals = torch.randn(p.shape, generator=gen) * 0.01
        else:
            vals = torch.randn(p.shape, generator=gen) * 0.02
        p.copy_(vals.to(p.dtype))


def build_model(cfg: WanTransformerConfig, seed: int | None = 0, device: torch.device | str = "cpu",
                dtype: torch.dtype = torch.float32) -> CausalWanModel:
    """A CausalWanModel; `seed=None` leaves construction-time values (use when loading weights)."""
    with torch.random.fork_rng(devices=[]):
        if str(device) == "meta":
            with torch.device("meta"):
                return CausalWanModel(cfg)
        model = CausalWanModel(cfg)
    if seed is not None:
        random_init_(model, seed)
    return model.to(device=device, dtype=dtype).eval()


def load_wan_state_dict(model: CausalWanModel, state: dict[str, torch.Tensor], source: str) -> None:
    """Strict load by original Wan names; every missing, unexpected or mis-shaped key is reported."""
    from memflow_ext.loaders import check_tensors

    own = model.state_dict()
    check_tensors({k: t.shape for k, t in own.items()}, {k: t.shape for k, t in state.items()}, source,
                  "the Wan DiT")
    with torch.no_grad():
        for k, t in own.items():
            t.copy_(state[k].to(t.dtype))


def build_text_encoder(preset: Preset, seed: int, device: torch.device, dtype: torch.dtype,
                       tokenizer_path: str | None = None):
    from memflow_ext.models.text_encoder import TextEncoder

    return TextEncoder.from_config(preset.text_encoder, text_len=preset.transformer.text_len, seed=seed,
                                   device=device, dtype=dtype, tokenizer_path=tokenizer_path)


def build_vae(preset: Preset, seed: int, device: torch.device, dtype: torch.dtype):
    from memflow_ext.models.vae import WanVAE

    return WanVAE.from_config(preset.vae, seed=seed, device=device, dtype=dtype)


def build_pipeline(cfg: IAMFlowConfig, pipeline_cls=None, **kwargs):
    """Everything a CLI needs: model, text encoder, VAE and the pipeline (MemFlowPipeline by default).

    The text encoder is kept and run per `text_encoder_placement`; the DiT's block Linears are quantized
    per `quantize` after loading (so after a LoRA merge). A `quantize` mode the device cannot run is
    refused here, before any model is built."""
    from memflow_ext.models.quantize import QuantizeError, check_quantize
    from memflow_ext.pipelines.memflow import MemFlowPipeline

    pipeline_cls = pipeline_cls or MemFlowPipeline
    preset = get_preset(cfg.preset)
    device = resolve_device(cfg.device)
    try:
        check_quantize(cfg.quantize, device)
    except QuantizeError as e:
        raise ConfigError(str(e)) from None
    dtype = DTYPES[cfg.dtype]
    text_device = device if cfg.text_encoder_placement == "device" else torch.device("cpu")
    if preset.bundled_weights:
        from memflow_ext.loaders.bundled import load_bundle

        model, text, vae = load_bundle(preset, device, dtype)
        text = text.to(text_device)
    elif preset.random_weights:
        logger.warning(f"preset '{preset.name}': RANDOM weights (seed {preset.init_seed}) - the video shows "
                       "noise-like patterns, not the prompt; use preset=wan2.1-t2v-1.3b with real weights")
        model = build_model(preset.transformer, seed=preset.init_seed, device=device, dtype=dtype)
        text = build_text_encoder(preset, preset.init_seed + 1, text_device, torch.float32)
        vae = build_vae(preset, preset.init_seed + 2, device, torch.float32)
    else:
        from memflow_ext.loaders import load_real_components  # real checkpoints

        model, text, vae = load_real_components(cfg, preset, device, dtype, text_device=text_device)
    apply_footprint(cfg, model, text, device)
    return pipeline_cls(cfg, model, text, vae, device=device, **kwargs)


def apply_footprint(cfg: IAMFlowConfig, model: CausalWanModel, text: TextEncoder | None,
                    device: torch.device) -> None:
    """`quantize`, `quantize_text_encoder` and `text_encoder_placement` applied to built components."""
    from memflow_ext.models.quantize import quantize_dit, quantize_linears

    if cfg.quantize != "none":
        names = quantize_dit(model, cfg.quantize)
        logger.info(f"quantize={cfg.quantize}: {len(names)} Linear layers of the transformer blocks")
    if text is not None:
        if cfg.quantize_text_encoder:
            names = quantize_linears(text.model.encoder.block, "int8")
            logger.info(f"quantize_text_encoder: {len(names)} Linear layers of the UMT5 blocks in int8")
        text.place(cfg.text_encoder_placement, device)
