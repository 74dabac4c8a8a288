"""The Wan DiT: its folder's config.json, its state dict, and its architecture read off tensor shapes."""

from __future__ import annotations

import json
import math
from collections.abc import Mapping, Sequence
from dataclasses import replace
from pathlib import Path
from typing import TYPE_CHECKING, Any

import torch

from memflow_ext.loaders.tensors import (
    SHOW,
    TensorSource,
    WeightsError,
    check_tensors,
    first_line,
    meta_shapes,
)
from memflow_ext.presets import WAN_1_3B, WanTransformerConfig

# Fields of the Wan folder's config.json and the preset attribute each must equal.
_DIT_CONFIG_FIELDS = {
    "model_type": "model_type", "dim": "dim", "ffn_dim": "ffn_dim", "freq_dim": "freq_dim", "in_dim": "in_dim",
    "out_dim": "out_dim", "num_heads": "num_heads", "num_layers": "num_layers", "text_len": "text_len",
    "eps": "eps", "text_dim": "text_dim", "patch_size": "patch_size", "qk_norm": "qk_norm",
    "cross_attn_norm": "cross_attn_norm",
}

if TYPE_CHECKING:
    from memflow_ext.models.transformer_wan import CausalWanModel


def meta_dit(arch: WanTransformerConfig) -> CausalWanModel:
    from memflow_ext.models.transformer_wan import CausalWanModel

    with torch.device("meta"):
        return CausalWanModel(arch)


def check_dit_config(path: Path, arch: WanTransformerConfig, label: str) -> dict[str, Any]:
    """The Wan folder's config.json must describe the preset's architecture."""
    try:
        conf = json.loads(path.read_text())
    except (OSError, ValueError) as e:
        raise WeightsError(f"{label}: not a readable JSON file ({first_line(e)})") from None
    if not isinstance(conf, dict):
        raise WeightsError(f"{label}: expected a JSON object")
    cls = conf.get("_class_name", "WanModel")
    if cls != "WanModel":
        raise WeightsError(f"{label}: describes a '{cls}', not a Wan DiT ('WanModel')")
    wrong = []
    for key, attr in _DIT_CONFIG_FIELDS.items():
        if key not in conf:
            continue
        want = getattr(arch, attr)
        got = conf[key]
        if isinstance(want, tuple):
            got = tuple(got) if isinstance(got, list) else got
        if got != want:
            wrong.append(f"{key}={got!r} (preset: {want!r})")
    if wrong:
        raise WeightsError(f"{label}: the checkpoint is not the preset's architecture: {len(wrong)} field(s) differ "
                           f"({', '.join(wrong[:SHOW])})")
    return conf


def arch_from_state_dict(state: dict[str, torch.Tensor], text_len: int) -> WanTransformerConfig:
    """Read the DiT's sizes off its weights; heads use the real model's head size."""
    pe = state["patch_embedding.weight"]
    dim, in_dim, *patch = pe.shape
    layers = 1 + max(int(k.split(".")[1]) for k in state if k.startswith("blocks."))
    head_dim = WAN_1_3B.transformer.head_dim
    return WanTransformerConfig(
        patch_size=(patch[0], patch[1], patch[2]), text_len=text_len, in_dim=in_dim, dim=dim,
        ffn_dim=state["blocks.0.ffn.0.weight"].shape[0], freq_dim=state["time_embedding.0.weight"].shape[1],
        text_dim=state["text_embedding.0.weight"].shape[1],
        out_dim=state["head.head.weight"].shape[0] // math.prod(patch), num_heads=dim // head_dim,
        num_layers=layers, qk_norm="blocks.0.self_attn.norm_q.weight" in state,
        cross_attn_norm="blocks.0.norm3.weight" in state,
    )


def infer_arch(shapes: Mapping[str, Sequence[int]], label: str) -> WanTransformerConfig:
    """Sizes of a Wan DiT read off its tensor shapes (the real model's head size of 128)."""
    need = ["patch_embedding.weight", "text_embedding.0.weight", "time_embedding.0.weight",
            "blocks.0.ffn.0.weight", "head.head.weight"]
    missing = [k for k in need if k not in shapes]
    if missing:
        first = ", ".join(list(shapes)[:SHOW])
        raise WeightsError(f"{label}: not a Wan DiT state dict: {len(missing)} of its key tensors are missing "
                           f"(first: {', '.join(missing)}); the file's first keys: {first}")
    fake = {k: torch.empty(tuple(s), device="meta") for k, s in shapes.items()}
    try:
        arch = arch_from_state_dict(fake, text_len=512)
    except (KeyError, ValueError, IndexError) as e:
        raise WeightsError(f"{label}: not a Wan DiT state dict ({first_line(e)})") from None
    if arch.num_heads < 1 or arch.dim % arch.num_heads:
        arch = replace(arch, num_heads=1)  # narrower than one real head: shapes do not depend on heads
    return arch





def load_dit(src: TensorSource, arch: WanTransformerConfig, device: torch.device | str,
             dtype: torch.dtype) -> torch.nn.Module:
    """Materialise a CausalWanModel from a checked source (built on meta, tensors assigned)."""
    from memflow_ext.models.rope import build_rope_table

    model = meta_dit(arch)
    expected = meta_shapes(model)
    check_tensors(expected, src.shapes, src.label, f"the Wan DiT ({arch.num_layers} layers, dim {arch.dim})")
    with torch.no_grad():
        state = {k: src[k].to(device=device, dtype=dtype) for k in expected}
        model.load_state_dict(state, strict=True, assign=True)
    model.freqs = build_rope_table(arch.head_dim, arch.rope_max_len)  # plain attribute: rebuilt off meta
    model.requires_grad_(False)
    return model.eval()

