"""MemFlow's LoRA: reading `lora.pt`, checking it against the DiT, merging it into the weights."""

from __future__ import annotations

import re
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from pathlib import Path

import torch

from memflow_ext.config import IAMFlowConfig
from memflow_ext.loaders.tensors import SHOW, TensorSource, WeightsError, clean_name, tensor_dict, torch_load

# The Linear layers of every DiT block that MemFlow's LoRA adapts (all ten of them).
LORA_TARGETS = ("self_attn.q", "self_attn.k", "self_attn.v", "self_attn.o",
                "cross_attn.q", "cross_attn.k", "cross_attn.v", "cross_attn.o", "ffn.0", "ffn.2")

_LORA_KEY = re.compile(r"(?P<target>.+)\.lora_(?P<ab>[AB])(?:\.[A-Za-z0-9_\-]+)?\.weight")


def lora_targets(num_layers: int) -> list[str]:
    """Module names MemFlow's LoRA adapts: the ten Linear layers of every block."""
    return [f"blocks.{i}.{t}" for i in range(num_layers) for t in LORA_TARGETS]


@dataclass
class LoRAWeights:
    """`A` [r, in] and `B` [out, r] per adapted module (Wan names, without `.weight`)."""

    pairs: dict[str, tuple[torch.Tensor, torch.Tensor]]
    rank: int
    label: str


def read_lora(path: Path, rank: int, label: str | None = None) -> LoRAWeights:
    """Read a MemFlow `lora.pt` (``{"generator_lora": {...}}`` or a bare dict of peft keys)."""
    label = label or f"{path} (lora_ckpt)"
    raw = torch_load(path, label)
    if isinstance(raw, Mapping) and "generator_lora" in raw:
        raw, label = raw["generator_lora"], f"{label} ['generator_lora']"
    sd = tensor_dict(raw, label, "LoRA weights")
    parts: dict[str, dict[str, tuple[str, torch.Tensor]]] = {}
    foreign = []
    for key, t in sd.items():
        name = clean_name(key).removeprefix("base_model.model.")
        m = _LORA_KEY.fullmatch(name)
        if m is None or t.ndim != 2:
            foreign.append(key)
            continue
        slot = parts.setdefault(m["target"], {})
        if m["ab"] in slot:
            foreign.append(key)
            continue
        slot[m["ab"]] = (key, t)
    if foreign:
        raise WeightsError(f"{label}: {len(foreign)} entries are not LoRA lora_A / lora_B weight matrices "
                           f"(first: {', '.join(foreign[:SHOW])})")
    if not parts:
        raise WeightsError(f"{label}: holds no LoRA weights")
    unpaired = [f"{t} (has only lora_{next(iter(s))})" for t, s in parts.items() if len(s) != 2]
    if unpaired:
        raise WeightsError(f"{label}: {len(unpaired)} modules lack lora_A or lora_B "
                           f"(first: {', '.join(unpaired[:SHOW])})")
    wrong = []
    for s in parts.values():
        (ka, a), (kb, b) = s["A"], s["B"]
        if a.shape[0] != rank:
            wrong.append(f"{ka} has rank {a.shape[0]}")
        if b.shape[1] != rank:
            wrong.append(f"{kb} has rank {b.shape[1]}")
    if wrong:
        raise WeightsError(f"{label}: the LoRA rank does not match the config key adapter.rank={rank}: "
                           f"{len(wrong)} tensors (first: {'; '.join(wrong[:SHOW])})")
    pairs = {t: (s["A"][1], s["B"][1]) for t, s in parts.items()}
    return LoRAWeights(pairs=pairs, rank=rank, label=label)


def check_lora(lora: LoRAWeights, shapes: Mapping[str, Sequence[int]], num_layers: int) -> None:
    """Every one of the 10 x num_layers target modules has an A/B pair that fits its weight."""
    expected = lora_targets(num_layers)
    missing = [t for t in expected if t not in lora.pairs]
    unknown = [t for t in lora.pairs if f"{t}.weight" not in shapes or len(shapes[f"{t}.weight"]) != 2]
    misfit = []
    for t, (a, b) in lora.pairs.items():
        w = shapes.get(f"{t}.weight")
        if w is not None and len(w) == 2 and (a.shape[1] != w[1] or b.shape[0] != w[0]):
            misfit.append(f"{t}: lora_B @ lora_A is {b.shape[0]}x{a.shape[1]}, weight is {w[0]}x{w[1]}")
    parts = []
    if missing:
        parts.append(f"{len(missing)} of the {len(expected)} adapted layers have no LoRA weights "
                     f"(first: {', '.join(missing[:SHOW])})")
    if unknown:
        parts.append(f"{len(unknown)} LoRA modules are not Linear layers of the DiT "
                     f"(first: {', '.join(unknown[:SHOW])})")
    if misfit:
        parts.append(f"{len(misfit)} mis-shaped (first: {'; '.join(misfit[:SHOW])})")
    if parts:
        raise WeightsError(f"{lora.label}: does not fit the DiT: " + "; ".join(parts))


def merge_lora(weight: torch.Tensor, a: torch.Tensor, b: torch.Tensor, scale: float,
               device: torch.device | str | None = None) -> torch.Tensor:
    """``W + scale * B @ A`` computed in float32 (on `device` when given); the result is float32."""
    dev = device if device is not None else weight.device
    w = weight.to(device=dev, dtype=torch.float32)
    return w + scale * (b.to(device=dev, dtype=torch.float32) @ a.to(device=dev, dtype=torch.float32))


def lora_scale(cfg: IAMFlowConfig) -> float:
    return float(cfg.adapter.alpha) / float(cfg.adapter.rank)


def merged_source(base: TensorSource, lora: LoRAWeights, scale: float,
                   device: torch.device | str | None = None) -> TensorSource:
    adapted = {f"{t}.weight": ab for t, ab in lora.pairs.items()}

    def get(name: str) -> torch.Tensor:
        ab = adapted.get(name)
        w = base[name]
        return w if ab is None else merge_lora(w, ab[0], ab[1], scale, device)

    return TensorSource(base.label, dict(base.shapes), get)

