"""Every real checkpoint of a preset, opened and checked together before any model is materialised."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

import torch
from loguru import logger

from memflow_ext.config import IAMFlowConfig
from memflow_ext.loaders.files import WanFiles, locate_files
from memflow_ext.loaders.lora import LoRAWeights, check_lora, lora_scale, merged_source, read_lora
from memflow_ext.loaders.memflow_checkpoint import generator_state_dict
from memflow_ext.loaders.tensors import TensorSource, check_tensors, meta_shapes, open_safetensors, torch_load
from memflow_ext.loaders.umt5 import load_text_encoder, load_tokenizer, open_t5
from memflow_ext.loaders.wan_dit import check_dit_config, load_dit, meta_dit
from memflow_ext.loaders.wan_vae import load_vae, open_vae
from memflow_ext.presets import Preset, WanTransformerConfig


def open_dit(files: WanFiles, cfg: IAMFlowConfig, arch: WanTransformerConfig) -> tuple[TensorSource, str]:
    """The checked source of the DiT weights: base.pt (with LoRA) or the Wan folder's safetensors."""
    if files.dit_config is not None:
        check_dit_config(files.dit_config, arch, files.label(files.dit_config))
    expected = meta_shapes(meta_dit(arch))
    what = f"the preset's Wan DiT ({arch.num_layers} layers, dim {arch.dim})"
    if files.generator_ckpt is not None:
        label = files.label(files.generator_ckpt)
        src = TensorSource.from_dict(label, generator_state_dict(torch_load(files.generator_ckpt, label),
                                                                 cfg.use_ema, label))
        check_tensors(expected, src.shapes, label, what)
        desc = f"{files.generator_ckpt}" + (" [generator_ema]" if cfg.use_ema else "")
    else:
        label = files.label(files.dit[0])
        src = open_safetensors(files.dit, label)
        check_tensors(expected, src.shapes, label, what)
        desc = ", ".join(str(p) for p in files.dit)
    return src, desc


@dataclass
class _Opened:
    files: WanFiles
    dit: TensorSource
    dit_desc: str
    lora: LoRAWeights | None
    t5: TensorSource
    tokenizer: Any
    vae: TensorSource


def _open_all(cfg: IAMFlowConfig, preset: Preset) -> _Opened:
    files = locate_files(cfg)
    tokenizer = load_tokenizer(files.tokenizer, preset.text_encoder)
    arch = preset.transformer
    dit, desc = open_dit(files, cfg, arch)
    lora = None
    if files.lora_ckpt is not None:
        lora = read_lora(files.lora_ckpt, cfg.adapter.rank, files.label(files.lora_ckpt))
        check_lora(lora, dit.shapes, arch.num_layers)
    t5 = open_t5(files.t5, preset.text_encoder, files.label(files.t5))
    vae = open_vae(files.vae, preset.vae, files.label(files.vae))
    return _Opened(files, dit, desc, lora, t5, tokenizer, vae)


def check_real_weights(cfg: IAMFlowConfig, preset: Preset) -> WanFiles:
    """Open and check every file the config names (names, shapes, LoRA rank) without building models."""
    return _open_all(cfg, preset).files


def load_real_components(cfg: IAMFlowConfig, preset: Preset, device: torch.device | str, dtype: torch.dtype,
                         text_device: torch.device | str | None = None):
    """(model, text_encoder, vae) of `preset` from the real checkpoint files named by `cfg`.

    All files are checked before anything is materialised. The DiT, the UMT5 encoder and the VAE all
    run in `dtype` (MemFlow runs everything in bfloat16); the LoRA is merged in float32 first. The
    encoder's weights are materialised on `text_device` (default `device`; the host for the `cpu` and
    `offload` placements, so they never pass through the accelerator).
    """
    opened = _open_all(cfg, preset)
    dit = opened.dit
    if opened.lora is not None:
        dit = merged_source(dit, opened.lora, lora_scale(cfg), device)
    logger.info(f"loading the DiT from {opened.dit_desc}"
                + (f" + LoRA {opened.files.lora_ckpt} (scale {lora_scale(cfg):g}, merged)" if opened.lora else ""))
    model = load_dit(dit, preset.transformer, device, dtype)
    logger.info(f"loading the UMT5 encoder from {opened.files.t5}")
    text = load_text_encoder(opened.t5, opened.tokenizer, preset.text_encoder, preset.transformer.text_len,
                             device if text_device is None else text_device, dtype)
    logger.info(f"loading the VAE from {opened.files.vae}")
    vae = load_vae(opened.vae, preset.vae, device, dtype)
    return model, text, vae

