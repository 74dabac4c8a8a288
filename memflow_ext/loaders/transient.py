"""Working memory of one call at the real shapes, measured on the `meta` device (no data, no GPU).

`LiveBytes` is a dispatch mode that sees every tensor an operation creates, counts the bytes of each
new storage while a tensor using it is alive, and keeps the peak: the transient memory of the code it
surrounds, beyond what existed before (weights, caches). Run on `meta` tensors, it costs no memory.

Attention is the one place where the meta device would mislead: there `scaled_dot_product_attention`
takes PyTorch's math path, which materialises the [B, H, Lq, Lk] score matrix, while a CUDA GPU runs
the flash kernel (benchmarks/gpu_check.py checks that it accepts the model's shapes), which holds
only the output and a float32 log-sum-exp per query. `flash_attention_shapes` makes the meta run do
the same.
"""

from __future__ import annotations

import weakref
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from typing import Any

import torch
import torch.nn.functional as F
from torch.overrides import TorchFunctionMode
from torch.utils._python_dispatch import TorchDispatchMode
from torch.utils._pytree import tree_flatten

__all__ = ["LiveBytes", "flash_attention_shapes", "measure", "peak_bytes"]


class LiveBytes(TorchDispatchMode):
    """Peak bytes of the storages created inside the mode that were alive at the same time."""

    def __init__(self) -> None:
        super().__init__()
        self.live = 0
        self.peak = 0
        self._storages: dict[int, tuple[int, list[weakref.ref[torch.Tensor]]]] = {}

    def _sweep(self) -> None:
        for key in [k for k, (_, refs) in self._storages.items() if all(r() is None for r in refs)]:
            self.live -= self._storages.pop(key)[0]

    def __torch_dispatch__(self, func: Any, types: Any, args: tuple = (), kwargs: dict | None = None) -> Any:
        self._sweep()
        out = func(*args, **(kwargs or {}))
        # an output on an input's storage (a view, an in-place op) allocated nothing: when that storage
        # existed before the mode (weights, caches), it is not counted
        inputs = {t.untyped_storage()._cdata for t in tree_flatten((args, kwargs))[0] if isinstance(t, torch.Tensor)}
        for t in tree_flatten(out)[0]:
            if not isinstance(t, torch.Tensor):
                continue
            key = t.untyped_storage()._cdata
            entry = self._storages.get(key)
            if entry is None and key in inputs:
                continue
            if entry is None:
                nbytes = t.untyped_storage().nbytes()
                self._storages[key] = (nbytes, [weakref.ref(t)])
                self.live += nbytes
                self.peak = max(self.peak, self.live)
            else:
                entry[1].append(weakref.ref(t))
        return out


class _FlashShapes(TorchFunctionMode):
    """`scaled_dot_product_attention` as the flash kernel allocates: the output and a log-sum-exp."""

    def __torch_function__(self, func: Callable, types: Any, args: tuple = (), kwargs: dict | None = None) -> Any:
        if func is F.scaled_dot_product_attention:
            q, k, v = args[:3]
            out = torch.empty((*q.shape[:-1], v.shape[-1]), dtype=q.dtype, device=q.device)
            lse = torch.empty(q.shape[:-1], dtype=torch.float32, device=q.device)
            del lse  # freed when the kernel returns; counted at its peak
            return out
        return func(*args, **(kwargs or {}))


@contextmanager
def flash_attention_shapes() -> Iterator[None]:
    """Inside: SDPA allocates what the flash kernel does (output + log-sum-exp), without computing."""
    with _FlashShapes():
        yield


def peak_bytes(run: Callable[[], Any], flash: bool = True) -> int:
    """Peak transient bytes of `run()` (run it on meta tensors); the result of `run` is dropped."""
    return measure(run, flash)[0]


def measure(run: Callable[[], Any], flash: bool = True) -> tuple[int, int]:
    """(peak, retained): the peak bytes of `run()` and the bytes it created that are still alive once its
    result is dropped (state it keeps, e.g. a streaming decoder's cache)."""
    with (flash_attention_shapes() if flash else _null()), LiveBytes() as tracker:
        result = run()
        del result
        tracker._sweep()
    return tracker.peak, tracker.live


@contextmanager
def _null() -> Iterator[None]:
    yield
