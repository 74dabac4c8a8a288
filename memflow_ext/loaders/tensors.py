"""Reading checkpoint tensors: safetensors (memory-mapped), torch files, name and shape checks."""

from __future__ import annotations

import os
import pickle
from collections.abc import Callable, Iterable, Mapping, Sequence
from pathlib import Path
from typing import Any

import torch

# Name parts added by training wrappers (FSDP, activation checkpointing, torch.compile).
_WRAPPER_PARTS = ("_fsdp_wrapped_module.", "_checkpoint_wrapped_module.", "_orig_mod.")
SHOW = 5  # offending names listed per category
ALLOW_PICKLE_ENV = "IAMFLOW_ALLOW_PICKLE"  # "1": allow full unpickling of checkpoints you trust


class WeightsError(ValueError):
    """A checkpoint cannot be used: unreadable, of another architecture, or inconsistent with the config.

    The message names the file, the config key that points at it and the first offending tensors.
    """


class WeightsNotFoundError(FileNotFoundError):
    """A weight file or folder the config asks for does not exist (the message names file and key)."""


class TensorSource:
    """A checkpoint's tensors by name: shapes known up front, data read on access."""

    def __init__(self, label: str, shapes: dict[str, tuple[int, ...]], get: Callable[[str], torch.Tensor]):
        self.label = label
        self.shapes = shapes
        self._get = get

    def __getitem__(self, name: str) -> torch.Tensor:
        return self._get(name)

    def __contains__(self, name: object) -> bool:
        return name in self.shapes

    def __len__(self) -> int:
        return len(self.shapes)

    def keys(self) -> Iterable[str]:
        return self.shapes.keys()

    @classmethod
    def from_dict(cls, label: str, tensors: Mapping[str, torch.Tensor]) -> TensorSource:
        return cls(label, {k: tuple(v.shape) for k, v in tensors.items()}, tensors.__getitem__)

    def renamed(self, new_to_old: Mapping[str, str]) -> TensorSource:
        """The same tensors under new names (`new_to_old[new] = old`)."""
        return TensorSource(self.label, {n: self.shapes[o] for n, o in new_to_old.items()},
                            lambda n: self._get(new_to_old[n]))


def first_line(e: BaseException) -> str:
    text = str(e).strip().splitlines()
    return f"{type(e).__name__}: {text[0] if text else ''}"


def _file_size(p: Path) -> str:
    try:
        return f"{p.stat().st_size:,} bytes"
    except OSError:
        return "size unknown"


def open_safetensors(paths: Sequence[Path], label: str) -> TensorSource:
    """Memory-mapped view of one or more safetensors files (shards are merged by name)."""
    from safetensors import safe_open

    shapes: dict[str, tuple[int, ...]] = {}
    where: dict[str, Any] = {}
    for p in paths:
        try:
            handle = safe_open(str(p), framework="pt", device="cpu")
            names = list(handle.keys())
            file_shapes = {k: tuple(handle.get_slice(k).get_shape()) for k in names}
        except Exception as e:  # safetensors raises its own error type for bad headers
            raise WeightsError(f"{label}: cannot read {p} as safetensors ({first_line(e)}); the file "
                               f"({_file_size(p)}) is truncated or not a safetensors file") from None
        dup = [k for k in names if k in shapes]
        if dup:
            raise WeightsError(f"{label}: {len(dup)} tensors appear in more than one shard "
                               f"(first: {', '.join(dup[:SHOW])})")
        shapes.update(file_shapes)
        where.update(dict.fromkeys(names, handle))

    def get(name: str) -> torch.Tensor:
        try:
            return where[name].get_tensor(name)
        except Exception as e:
            raise WeightsError(f"{label}: cannot read tensor '{name}' ({first_line(e)})") from None

    return TensorSource(label, shapes, get)


def diagnose_checkpoint(path: Path) -> str | None:
    """What is wrong with a file that should be a `torch.save` checkpoint, from its bytes alone
    (None when its structure looks like one)."""
    import zipfile

    try:
        size = path.stat().st_size
        with open(path, "rb") as f:
            head = f.read(16)
    except OSError as e:
        return f"cannot be read ({e.strerror or e})"
    if size == 0:
        return "is empty (0 bytes)"
    if head.startswith(b"PK\x03\x04"):
        if not zipfile.is_zipfile(path):
            return (f"is truncated: a zip-format torch checkpoint whose end is missing ({size:,} bytes); "
                    "download or copy it again")
        try:
            with zipfile.ZipFile(path) as z:
                names = z.namelist()
        except (zipfile.BadZipFile, OSError) as e:
            return f"is a damaged zip archive ({e})"
        if not any(n.endswith("data.pkl") for n in names):
            return "is a zip archive but not a torch checkpoint (it has no data.pkl)"
        return None
    if head[:1] == b"\x80":  # pickle protocol 2+: torch's legacy (non-zip) format or a plain pickle
        return None
    if len(head) >= 9 and head[8:9] == b"{":
        return "is a safetensors file, not a torch checkpoint (.pt); point the key at a torch.save file"
    return (f"is not a torch checkpoint: it starts with bytes {head[:8].hex(' ')} "
            f"(a torch.save file starts with a zip header 50 4b 03 04); {size:,} bytes")


def torch_load(path: Path, label: str) -> Any:
    """`torch.load` on CPU, weights only, memory-mapped when the file format allows it.

    Errors say what is wrong with the file: empty, truncated, not a checkpoint, or (only then the
    advice to set IAMFLOW_ALLOW_PICKLE) a real pickle that the weights-only loader refused.
    """
    allow_pickle = os.environ.get(ALLOW_PICKLE_ENV, "") == "1"
    problem = diagnose_checkpoint(path)
    if problem is not None:
        raise WeightsError(f"{label}: the file {problem}")
    kwargs: dict[str, Any] = {"map_location": "cpu", "weights_only": not allow_pickle}
    errors: list[Exception] = []
    for mmap in (True, False):  # the legacy (non-zip) format cannot be memory-mapped
        try:
            return torch.load(str(path), mmap=mmap, **kwargs)
        except pickle.UnpicklingError as e:
            if not allow_pickle and "weights only load failed" in str(e).lower() and _refused_global(e):
                raise WeightsError(
                    f"{label}: the file is a checkpoint that also holds Python objects, which a weights-only load "
                    f"refuses ({_refused_global(e)}). If you trust its origin, set the environment variable "
                    f"{ALLOW_PICKLE_ENV}=1 to unpickle it in full") from None
            errors.append(e)
        except Exception as e:
            errors.append(e)
    raise WeightsError(f"{label}: cannot read it as a torch checkpoint ({first_line(errors[-1])[:200]}); the file "
                       f"({_file_size(path)}) is truncated or damaged, or not a checkpoint saved with torch.save") \
        from None


def _refused_global(e: BaseException) -> str | None:
    """The Python object a weights-only load refused ("Unsupported global: GLOBAL x.y"), if that was the cause."""
    import re

    text = str(e)
    m = re.search(r"Unsupported global: GLOBAL ([\w.]+)", text) or re.search(r"Unsupported operand \d+", text)
    if m:
        return m.group(0)
    return None if "invalid load key" in text or "truncated" in text.lower() else first_line(e)[:200]


def tensor_dict(obj: Any, label: str, what: str) -> dict[str, torch.Tensor]:
    if not isinstance(obj, Mapping):
        raise WeightsError(f"{label}: expected {what} (a dict of tensors), found a {type(obj).__name__}")
    bad = [str(k) for k, v in obj.items() if not isinstance(v, torch.Tensor)]
    if bad:
        raise WeightsError(f"{label}: expected {what}, but {len(bad)} entries are not tensors "
                           f"(first: {', '.join(bad[:SHOW])})")
    return dict(obj)


def clean_name(name: str) -> str:
    for part in _WRAPPER_PARTS:
        name = name.replace(part, "")
    return name


def _shape(s: Sequence[int]) -> str:
    return "(" + ", ".join(str(int(d)) for d in s) + ")"


def check_tensors(expected: Mapping[str, Sequence[int]], found: Mapping[str, Sequence[int]], label: str,
                  what: str, display: Callable[[str], str] | None = None) -> None:
    """Raise `WeightsError` listing missing, unexpected and mis-shaped tensors (first few + counts)."""
    show = display or (lambda k: k)
    missing = [k for k in expected if k not in found]
    unexpected = [k for k in found if k not in expected]
    misshaped = [k for k in expected if k in found and tuple(found[k]) != tuple(expected[k])]
    if not (missing or unexpected or misshaped):
        return
    parts = []
    if missing:
        parts.append(f"{len(missing)} missing (first: {', '.join(show(k) for k in missing[:SHOW])})")
    if unexpected:
        parts.append(f"{len(unexpected)} unexpected (first: {', '.join(show(k) for k in unexpected[:SHOW])})")
    if misshaped:
        items = [f"{show(k)}: file {_shape(found[k])} vs model {_shape(expected[k])}" for k in misshaped[:SHOW]]
        parts.append(f"{len(misshaped)} mis-shaped (first: {'; '.join(items)})")
    raise WeightsError(f"{label}: does not fit {what}: " + "; ".join(parts))


def meta_shapes(module: torch.nn.Module) -> dict[str, tuple[int, ...]]:
    return {k: tuple(v.shape) for k, v in module.state_dict().items()}

