"""Sizes: parameter counts and the bytes every resident tensor family takes at a preset's shapes."""

from __future__ import annotations

from typing import Any

import torch

from memflow_ext.config import IAMFlowConfig
from memflow_ext.loaders.umt5 import meta_umt5
from memflow_ext.loaders.wan_dit import meta_dit
from memflow_ext.loaders.wan_vae import meta_vae
from memflow_ext.presets import Preset, WanTransformerConfig


def parameter_counts(preset: Preset) -> dict[str, int]:
    """Exact parameter counts of the preset's DiT, UMT5 encoder and VAE (built on meta)."""

    def count(m: torch.nn.Module) -> int:
        return sum(p.numel() for p in m.parameters())  # tied embeddings count once

    return {"dit": count(meta_dit(preset.transformer)), "text_encoder": count(meta_umt5(preset.text_encoder)),
            "vae": count(meta_vae(preset.vae))}


def lora_parameter_count(arch: WanTransformerConfig, rank: int) -> int:
    per_block = 8 * rank * (arch.dim + arch.dim) + 2 * rank * (arch.dim + arch.ffn_dim)
    return per_block * arch.num_layers


def memory_estimate(preset: Preset, cfg: IAMFlowConfig, height: int | None = None, width: int | None = None,
                    bytes_per_element: int = 2) -> dict[str, Any]:
    """Bytes of every resident tensor family at the preset's shapes (weights and per-video caches).

    KV cache: ``local_attn_size`` frames of keys and values per layer; memory bank: ``bank_size``
    frames plus one staged frame; cross-attention cache: ``text_len`` keys and values per layer.
    """
    from memflow_ext.streaming.kv_cache import CacheGeometry

    arch = preset.transformer
    h, w = preset.latent_hw(height or cfg.height, width or cfg.width)
    _, ph, pw = arch.patch_size
    mk = cfg.model_kwargs
    g = CacheGeometry(tokens_per_frame=(h // ph) * (w // pw), frames_per_block=cfg.num_frame_per_block,
                      sink_frames=mk.sink_size, local_attn_frames=mk.local_attn_size, bank_frames=mk.bank_size)
    per_token = 2 * arch.num_layers * arch.dim * bytes_per_element  # keys + values, all layers
    params = parameter_counts(preset)
    out: dict[str, Any] = {
        "tokens_per_frame": g.tokens_per_frame,
        "parameters": params,
        "lora_parameters": lora_parameter_count(arch, cfg.adapter.rank),
        "bytes_per_element": bytes_per_element,
        "dit_bytes": params["dit"] * bytes_per_element,
        "text_encoder_bytes": params["text_encoder"] * bytes_per_element,
        "vae_bytes": params["vae"] * bytes_per_element,
        "kv_cache_bytes": g.capacity * per_token,
        "memory_bank_bytes": (g.bank_tokens + g.tokens_per_frame) * per_token,
        "cross_attn_cache_bytes": arch.text_len * per_token,
    }
    out["caches_bytes"] = out["kv_cache_bytes"] + out["memory_bank_bytes"] + out["cross_attn_cache_bytes"]
    out["resident_bytes"] = out["dit_bytes"] + out["text_encoder_bytes"] + out["vae_bytes"] + out["caches_bytes"]
    return out
