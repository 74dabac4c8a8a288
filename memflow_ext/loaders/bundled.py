"""Weights shipped inside the package: one safetensors file per preset with every component.

The file holds the DiT (`dit.` + original Wan names), the text encoder (`text.` + transformers' UMT5
names) and the codec's statistics (`codec.` + buffer names), plus string metadata (how it was trained)
and optional reference values (`check.`: e.g. what the text encoder gave at training time), which
loading skips and tests compare against.
A preset names its file in `Preset.bundled_weights`, relative to this package.
"""

from __future__ import annotations

import json
import os
from importlib import resources
from pathlib import Path
from typing import Any

import torch
from loguru import logger
from safetensors import safe_open
from safetensors.torch import save_file

from memflow_ext.presets import Preset

PREFIXES = ("dit.", "text.", "codec.")
CHECK_PREFIX = "check."


def bundled_path(preset: Preset) -> Path:
    if not preset.bundled_weights:
        raise ValueError(f"preset '{preset.name}' has no bundled weights")
    return Path(str(resources.files("memflow_ext.loaders").joinpath(preset.bundled_weights)))


def build_codec(preset: Preset):
    """The preset's codec with default statistics (a `PatchPCACodec`; load or fit them next)."""
    from memflow_ext.models.codec import PatchPCACodec

    if preset.codec != "patch-pca":
        raise ValueError(f"preset '{preset.name}': codec '{preset.codec}' is not a bundled codec; valid: patch-pca")
    return PatchPCACodec(preset.vae.spatial_factor, preset.vae.z_dim)


def save_bundle(path: str | os.PathLike, model: torch.nn.Module, text_encoder: Any, codec: torch.nn.Module,
                metadata: dict[str, Any], checks: dict[str, torch.Tensor] | None = None) -> None:
    """Write the three components' tensors, the reference `checks` and `metadata` (JSON-encoded values)
    atomically."""
    named = [(CHECK_PREFIX + k, t) for k, t in (checks or {}).items()]
    for prefix, module in zip(PREFIXES, (model, text_encoder.model, codec), strict=True):
        named += [(prefix + name, t) for name, t in module.state_dict().items()]
    tensors = {key: t.detach().to("cpu", torch.float32).contiguous().clone() for key, t in named}
    path = Path(path)
    tmp = path.with_name(path.name + ".tmp")
    save_file(tensors, str(tmp), metadata={k: json.dumps(v) for k, v in metadata.items()})
    os.replace(tmp, path)


def bundle_check(path: str | os.PathLike, name: str) -> torch.Tensor:
    """The reference tensor `name` stored with `save_bundle(checks=...)`."""
    with safe_open(str(path), framework="pt") as f:
        key = CHECK_PREFIX + name
        if key not in f.keys():
            have = sorted(k[len(CHECK_PREFIX):] for k in f.keys() if k.startswith(CHECK_PREFIX))
            raise KeyError(f"{path}: no reference tensor '{name}'; it holds: {', '.join(have) or 'none'}")
        return f.get_tensor(key)


def bundle_metadata(path: str | os.PathLike) -> dict[str, Any]:
    with safe_open(str(path), framework="pt") as f:
        return {k: json.loads(v) for k, v in (f.metadata() or {}).items()}


def load_bundle(preset: Preset, device: torch.device | str = "cpu", dtype: torch.dtype = torch.float32,
                path: str | os.PathLike | None = None):
    """(model, text encoder, codec) of `preset` from its bundled file (or `path`)."""
    from memflow_ext.loaders.tensors import check_tensors
    from memflow_ext.models.text_encoder import TextEncoder
    from memflow_ext.models.transformer_wan import CausalWanModel

    path = Path(path) if path is not None else bundled_path(preset)
    if not path.is_file():
        raise FileNotFoundError(f"preset '{preset.name}': weights file {path} is missing; it ships with the "
                                "package (train it again with `python -m memflow_ext.toy.train`)")
    parts: dict[str, dict[str, torch.Tensor]] = {p: {} for p in PREFIXES}
    with safe_open(str(path), framework="pt") as f:
        for key in f.keys():
            if key.startswith(CHECK_PREFIX):
                continue
            prefix = next((p for p in PREFIXES if key.startswith(p)), None)
            if prefix is None:
                raise ValueError(f"{path}: tensor '{key}' has none of the prefixes {', '.join(PREFIXES)}")
            parts[prefix][key[len(prefix):]] = f.get_tensor(key)
    with torch.random.fork_rng(devices=[]):  # every value is overwritten below
        model = CausalWanModel(preset.transformer)
    text = TextEncoder.from_config(preset.text_encoder, text_len=preset.transformer.text_len, seed=0)
    codec = build_codec(preset)
    for prefix, module in zip(PREFIXES, (model, text.model, codec), strict=True):
        own = module.state_dict()
        check_tensors({k: t.shape for k, t in own.items()}, {k: t.shape for k, t in parts[prefix].items()},
                      f"{path} ({prefix}*)", f"the {preset.name} preset's {prefix[:-1]}")
        module.load_state_dict(parts[prefix], strict=True)
    logger.info(f"preset '{preset.name}': weights from {path}")
    return (model.to(device=device, dtype=dtype).eval(), text.to(device), codec.to(device))
