"""MemFlow's generator checkpoint (`base.pt`): the DiT weights inside it, with an optional LoRA merged."""

from __future__ import annotations

import os
from collections.abc import Mapping
from typing import Any

import torch
from loguru import logger

from memflow_ext.config import IAMFlowConfig
from memflow_ext.loaders.files import need_file
from memflow_ext.loaders.lora import check_lora, lora_scale, merge_lora, read_lora
from memflow_ext.loaders.tensors import (
    SHOW,
    WeightsError,
    check_tensors,
    clean_name,
    meta_shapes,
    tensor_dict,
    torch_load,
)
from memflow_ext.loaders.wan_dit import infer_arch, meta_dit


def generator_state_dict(ckpt: Any, use_ema: bool, label: str) -> dict[str, torch.Tensor]:
    """The DiT weights inside a MemFlow checkpoint, under the original Wan names.

    Picks ``generator_ema`` (``use_ema``), else ``generator``, else ``model``, else the file itself when
    it is a bare state dict; drops wrapper name parts (``_fsdp_wrapped_module.`` ...) and the
    wrapper's ``model.`` prefix.
    """
    if not isinstance(ckpt, Mapping):
        raise WeightsError(f"{label}: expected a dict, found a {type(ckpt).__name__}")
    keys = [str(k) for k in ckpt]
    if use_ema:
        if "generator_ema" not in ckpt:
            raise WeightsError(f"{label}: use_ema=true but the checkpoint has no 'generator_ema' "
                               f"(top-level keys: {', '.join(keys[:SHOW * 2])})")
        key: str | None = "generator_ema"
    elif "generator" in ckpt:
        key = "generator"
    elif "generator_ema" in ckpt:
        raise WeightsError(f"{label}: the checkpoint has 'generator_ema' but no 'generator'; set use_ema=true")
    elif "model" in ckpt and isinstance(ckpt["model"], Mapping):
        key = "model"
    elif ckpt and all(isinstance(v, torch.Tensor) for v in ckpt.values()):
        key = None
    else:
        raise WeightsError(f"{label}: expected a 'generator', 'generator_ema' or 'model' entry (or a bare state "
                           f"dict); top-level keys: {', '.join(keys[:SHOW * 2])}")
    where = label if key is None else f"{label} ['{key}']"
    raw = tensor_dict(ckpt if key is None else ckpt[key], where, "the generator's state dict")
    state: dict[str, torch.Tensor] = {}
    clashes = []
    for k, v in raw.items():
        name = clean_name(k)
        if name in state:
            clashes.append(k)
        state[name] = v
    if clashes:
        raise WeightsError(f"{where}: {len(clashes)} keys collide once wrapper prefixes are removed "
                           f"(first: {', '.join(clashes[:SHOW])})")
    if state and all(k.startswith("model.") for k in state):
        state = {k[len("model."):]: v for k, v in state.items()}
    return state


def load_generator_state(generator_ckpt: str | os.PathLike, lora_ckpt: str | os.PathLike | None, use_ema: bool,
                         cfg: IAMFlowConfig) -> dict[str, torch.Tensor]:
    """The DiT weights of a MemFlow `base.pt` (+ merged `lora.pt`) under the original Wan names.

    The architecture is read off the tensor shapes (any number of layers), and the key set must be
    exactly a Wan DiT's. Tensors keep the file's dtype; LoRA-adapted weights are float32
    (``W + adapter.alpha / adapter.rank * B @ A``). Used by ``python -m memflow_ext.reference
    --generator-ckpt``.
    """
    path = need_file(generator_ckpt, "generator_ckpt", "MemFlow generator checkpoint")
    label = f"{path} (generator_ckpt)"
    state = generator_state_dict(torch_load(path, label), use_ema, label)
    shapes = {k: tuple(v.shape) for k, v in state.items()}
    arch = infer_arch(shapes, label)
    check_tensors(meta_shapes(meta_dit(arch)), shapes, label,
                  f"a Wan DiT ({arch.num_layers} layers, dim {arch.dim})")
    if lora_ckpt:
        lpath = need_file(lora_ckpt, "lora_ckpt", "MemFlow LoRA checkpoint")
        lora = read_lora(lpath, cfg.adapter.rank)
        check_lora(lora, shapes, arch.num_layers)
        scale = lora_scale(cfg)
        for t, (a, b) in lora.pairs.items():
            state[f"{t}.weight"] = merge_lora(state[f"{t}.weight"], a, b, scale)
        logger.info(f"merged LoRA {lpath} into {len(lora.pairs)} layers (rank {lora.rank}, scale {scale:g})")
    return state
