"""Weight quantization of the DiT's transformer blocks: config key `quantize` (none | int8 | fp8).

Only the `nn.Linear` layers inside `model.blocks` are quantized (attention q/k/v/o, cross-attention,
FFN): the patch/text/time embeddings, the norms, the modulation tables and the head stay in the
model's dtype. Both modes are weight-only: activations and the matmul's accumulation stay in the
model's dtype.

- ``int8``: torchao's `Int8WeightOnlyConfig`, one scale per output channel (symmetric int8, a
  float32 scale and an int8 zero point per row); runs on CPU and CUDA.
- ``fp8``: torchao's `Float8WeightOnlyConfig` (float8_e4m3 weights, per-row scales); CUDA devices
  of compute capability 8.9 or newer only. Elsewhere it is refused before any model is built
  (`check_quantize`), because torchao's float8 paths need those kernels.

A LoRA is merged into the float weights by the loaders before this runs, so the quantized weights
are those of the merged model. torchao's quantized weights are tensor subclasses; `torch.compile`
traces through them (config `engine.compile`).

torchao 0.18 with torch 2.13 on a machine without CUDA logs two lines at import ("Failed to load
.../_C_mxfp8...so" and ".../_C_cutlass_90a.abi3.so"): those are its CUDA kernel libraries (MX-FP8
and CUTLASS for Hopper), unused by the int8 weight-only path; the warning is harmless there.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import TYPE_CHECKING

import torch

if TYPE_CHECKING:
    from memflow_ext.models.transformer_wan import CausalWanModel

__all__ = [
    "FP8_MIN_CAPABILITY", "MODES", "QuantizeError", "check_quantize", "fp8_supported", "quantize_dit",
    "quantize_linears", "quantized_linear_names", "tensor_bytes",
]

MODES = ("none", "int8", "fp8")
FP8_MIN_CAPABILITY = (8, 9)  # Ada / Hopper: the first CUDA devices with float8 tensor cores


class QuantizeError(ValueError):
    """A `quantize` mode this machine cannot run; the message names the key, the device and what works."""


def fp8_supported(device: torch.device) -> bool:
    """float8 weights need a CUDA device of compute capability >= 8.9."""
    if device.type != "cuda" or not torch.cuda.is_available():
        return False
    return torch.cuda.get_device_capability(device) >= FP8_MIN_CAPABILITY


def check_quantize(mode: str, device: torch.device) -> None:
    """Refuse a mode the device cannot run, before anything is built (the ledger does not call this)."""
    if mode not in MODES:
        raise QuantizeError(f"quantize='{mode}' is not one of {', '.join(MODES)}")
    if mode == "fp8" and not fp8_supported(device):
        if device.type == "cuda" and torch.cuda.is_available():
            cap = ".".join(map(str, torch.cuda.get_device_capability(device)))
            where = f"the CUDA device {device} has compute capability {cap}"
        else:
            where = f"the device is '{device}'"
        need = ".".join(map(str, FP8_MIN_CAPABILITY))
        raise QuantizeError(f"quantize=fp8 needs a CUDA device of compute capability >= {need}, but {where}; "
                            "use quantize=int8 (CPU and CUDA) or quantize=none")


def _config(mode: str) -> object:
    import torchao.quantization as tq

    if mode == "int8":
        return tq.Int8WeightOnlyConfig()
    if mode == "fp8":
        return tq.Float8WeightOnlyConfig()
    raise QuantizeError(f"quantize='{mode}' has no weight format; valid: int8, fp8")


def quantize_linears(root: torch.nn.Module, mode: str,
                     where: Callable[[torch.nn.Module, str], bool] | None = None) -> list[str]:
    """Quantize, in place, every `nn.Linear` under `root` (for which `where(module, name)` holds).

    Returns the qualified names of the quantized layers (relative to `root`). ``none`` does nothing.
    """
    if mode == "none":
        return []
    from torchao.quantization import quantize_

    names: list[str] = []

    def pick(module: torch.nn.Module, name: str) -> bool:
        ok = isinstance(module, torch.nn.Linear) and (where is None or where(module, name))
        if ok:
            names.append(name)
        return ok

    quantize_(root, _config(mode), filter_fn=pick)
    return names


def quantize_dit(model: CausalWanModel, mode: str) -> list[str]:
    """Quantize the Linear layers of the transformer blocks only; returns their names (``blocks.0.ffn.0``)."""
    if mode == "none":
        return []
    return [f"blocks.{n}" for n in quantize_linears(model.blocks, mode)]


def quantized_linear_names(model: torch.nn.Module) -> list[str]:
    """Names of the Linear layers whose weight is a quantized tensor (a subclass, not a plain tensor)."""
    return [name for name, m in model.named_modules()
            if isinstance(m, torch.nn.Linear) and type(m.weight.data) is not torch.Tensor
            and not isinstance(m.weight.data, torch.nn.Parameter)]


def tensor_bytes(t: torch.Tensor) -> int:
    """Bytes that really hold `t`'s data: a tensor subclass (torchao's quantized weights) reports its
    outer dtype's size, so its inner tensors (`__tensor_flatten__`) are counted instead."""
    data = t.data if isinstance(t, torch.nn.Parameter) else t
    flatten = getattr(type(data), "__tensor_flatten__", None)
    if flatten is not None and type(data) is not torch.Tensor:
        names, _ = data.__tensor_flatten__()  # type: ignore[attr-defined]
        return sum(tensor_bytes(getattr(data, n)) for n in names)
    return data.numel() * data.element_size()
