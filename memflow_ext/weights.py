"""Real checkpoints: the released Wan2.1-T2V-1.3B folder plus MemFlow's `base.pt` / `lora.pt`.

Files under `weights_dir` (the Wan2.1-T2V-1.3B folder exactly as released):

=========================================  ==========================================================
``diffusion_pytorch_model.safetensors``    Wan DiT, original Wan names (825 tensors)
``config.json``                            the DiT's constructor arguments (class ``WanModel``)
``models_t5_umt5-xxl-enc-bf16.pth``        UMT5-XXL encoder with Wan's names (242 tensors, bf16)
``Wan2.1_VAE.pth``                         Wan VAE with the original names (194 tensors)
``google/umt5-xxl/``                       the tokenizer folder
=========================================  ==========================================================

MemFlow's `generator_ckpt` (``base.pt``) replaces the DiT weights entirely; its `lora_ckpt`
(``lora.pt``) is merged into them with scale ``adapter.alpha / adapter.rank`` (always merged: the
engine runs plain Linear layers, so a merged LoRA costs nothing at inference time).

Every file is opened and checked (names and shapes, memory-mapped where the format allows) before
any model is materialised, so a bad file stops the run before the first large allocation and before
generation. Models are built on the ``meta`` device and the checked tensors are assigned directly
(no random initialisation, no second copy). Errors name the file, the config key that points at it
and the first offending tensor names with counts.

``python -m memflow_ext.weights check [--config FILE] [key=value ...]`` checks a weights folder
without building anything; ``python -m memflow_ext.weights memory`` prints the memory estimate.
"""

from __future__ import annotations

import json
import os
import pickle
import re
from collections.abc import Callable, Iterable, Mapping, Sequence
from dataclasses import dataclass, field, replace
from pathlib import Path
from typing import Any

import torch
from loguru import logger

from .config import IAMFlowConfig
from .presets import Preset, TextEncoderConfig, VAEConfig, WanTransformerConfig

__all__ = [
    "DIT_CONFIG_FILE",
    "DIT_FILE",
    "LORA_TARGETS",
    "T5_FILE",
    "TOKENIZER_DIR",
    "VAE_FILE",
    "WAN_LATENTS_MEAN",
    "WAN_LATENTS_STD",
    "WanFiles",
    "WeightsError",
    "WeightsNotFoundError",
    "check_real_weights",
    "generator_state_dict",
    "load_dit",
    "load_generator_state",
    "load_real_components",
    "load_text_encoder",
    "load_vae",
    "lora_targets",
    "memory_estimate",
    "merge_lora",
    "parameter_counts",
    "read_lora",
    "umt5_key_map",
]

DIT_FILE = "diffusion_pytorch_model.safetensors"
DIT_INDEX_FILE = "diffusion_pytorch_model.safetensors.index.json"  # sharded DiT (larger Wan models)
DIT_CONFIG_FILE = "config.json"
T5_FILE = "models_t5_umt5-xxl-enc-bf16.pth"
VAE_FILE = "Wan2.1_VAE.pth"
TOKENIZER_DIR = "google/umt5-xxl"

# Wan's fixed per-channel latent normalisation (wan/modules/vae.py; equal to diffusers' defaults).
WAN_LATENTS_MEAN = (-0.7571, -0.7089, -0.9113, 0.1075, -0.1745, 0.9653, -0.1517, 1.5508,
                    0.4134, -0.0715, 0.5517, -0.3632, -0.1922, -0.9497, 0.2503, -0.2921)
WAN_LATENTS_STD = (2.8184, 1.4541, 2.3275, 2.6558, 1.2196, 1.7708, 2.6052, 2.0743,
                   3.2687, 2.1526, 2.8652, 1.5579, 1.6382, 1.1253, 2.8251, 1.9160)

# The Linear layers of every DiT block that MemFlow's LoRA adapts (all ten of them).
LORA_TARGETS = ("self_attn.q", "self_attn.k", "self_attn.v", "self_attn.o",
                "cross_attn.q", "cross_attn.k", "cross_attn.v", "cross_attn.o", "ffn.0", "ffn.2")

# Name parts added by training wrappers (FSDP, activation checkpointing, torch.compile).
_WRAPPER_PARTS = ("_fsdp_wrapped_module.", "_checkpoint_wrapped_module.", "_orig_mod.")
_LORA_KEY = re.compile(r"(?P<target>.+)\.lora_(?P<ab>[AB])(?:\.[A-Za-z0-9_\-]+)?\.weight")
_SHOW = 5  # offending names listed per category
ALLOW_PICKLE_ENV = "IAMFLOW_ALLOW_PICKLE"  # "1": allow full unpickling of checkpoints you trust

# Fields of the Wan folder's config.json and the preset attribute each must equal.
_DIT_CONFIG_FIELDS = {
    "model_type": "model_type", "dim": "dim", "ffn_dim": "ffn_dim", "freq_dim": "freq_dim", "in_dim": "in_dim",
    "out_dim": "out_dim", "num_heads": "num_heads", "num_layers": "num_layers", "text_len": "text_len",
    "eps": "eps", "text_dim": "text_dim", "patch_size": "patch_size", "qk_norm": "qk_norm",
    "cross_attn_norm": "cross_attn_norm",
}


class WeightsError(ValueError):
    """A checkpoint cannot be used: unreadable, of another architecture, or inconsistent with the config.

    The message names the file, the config key that points at it and the first offending tensors.
    """


class WeightsNotFoundError(FileNotFoundError):
    """A weight file or folder the config asks for does not exist (the message names file and key)."""


# ---------------------------------------------------------------------------------------------------
# Locating files
# ---------------------------------------------------------------------------------------------------
@dataclass(frozen=True)
class WanFiles:
    """Every file `load_real_components` reads, each with the config key that locates it."""

    weights_dir: Path
    dit: list[Path]  # one safetensors file, or the shards of a sharded DiT (empty when base.pt replaces it)
    dit_config: Path | None
    t5: Path
    vae: Path
    tokenizer: Path
    generator_ckpt: Path | None = None
    lora_ckpt: Path | None = None
    labels: dict[str, str] = field(default_factory=dict, compare=False)

    def label(self, path: Path) -> str:
        return self.labels.get(str(path), str(path))


def _expand(p: str | os.PathLike) -> Path:
    return Path(os.path.expandvars(os.path.expanduser(str(p))))


def _need_file(path: str | os.PathLike | None, key: str, what: str) -> Path:
    if path is None or str(path) == "":
        raise WeightsNotFoundError(f"{what}: the config key '{key}' is not set")
    p = _expand(path)
    if not p.is_file():
        raise WeightsNotFoundError(f"{what} not found: {p} (set by the config key '{key}')")
    return p


def locate_files(cfg: IAMFlowConfig) -> WanFiles:
    """Check that every file the config needs exists; raises `WeightsNotFoundError` naming file and key."""
    if not cfg.weights_dir:
        raise WeightsNotFoundError(
            "the real-weights preset needs the Wan2.1-T2V-1.3B folder: set the config key 'weights_dir' "
            f"(it must hold {DIT_FILE}, {DIT_CONFIG_FILE}, {T5_FILE}, {VAE_FILE} and {TOKENIZER_DIR}/)")
    root = _expand(cfg.weights_dir)
    if not root.is_dir():
        raise WeightsNotFoundError(f"weights folder not found: {root} (set by the config key 'weights_dir')")
    labels: dict[str, str] = {}

    def in_dir(name: str, what: str) -> Path:
        p = root / name
        if not p.is_file():
            raise WeightsNotFoundError(f"{what} not found: {p} (the config key 'weights_dir' points at {root})")
        labels[str(p)] = f"{p} (weights_dir)"
        return p

    gen = lora = None
    dit: list[Path] = []
    dit_config: Path | None = None
    if cfg.generator_ckpt:
        gen = _need_file(cfg.generator_ckpt, "generator_ckpt", "MemFlow generator checkpoint")
        labels[str(gen)] = f"{gen} (generator_ckpt)"
        if (root / DIT_CONFIG_FILE).is_file():
            dit_config = in_dir(DIT_CONFIG_FILE, "Wan DiT config")
    else:
        dit_config = in_dir(DIT_CONFIG_FILE, "Wan DiT config")
        if (root / DIT_FILE).is_file() or not (root / DIT_INDEX_FILE).is_file():
            dit = [in_dir(DIT_FILE, "Wan DiT weights")]
        else:
            dit = _dit_shards(in_dir(DIT_INDEX_FILE, "Wan DiT shard index"), labels)
    if cfg.lora_ckpt:  # usually on top of base.pt; merged into the Wan DiT when generator_ckpt is unset
        lora = _need_file(cfg.lora_ckpt, "lora_ckpt", "MemFlow LoRA checkpoint")
        labels[str(lora)] = f"{lora} (lora_ckpt)"
    t5 = in_dir(T5_FILE, "UMT5 text encoder weights")
    vae = in_dir(VAE_FILE, "Wan VAE weights")
    tok = root / TOKENIZER_DIR
    if not tok.is_dir():
        raise WeightsNotFoundError(f"tokenizer folder not found: {tok} (the config key 'weights_dir' points at "
                                   f"{root}, which must contain {TOKENIZER_DIR}/)")
    labels[str(tok)] = f"{tok} (weights_dir)"
    return WanFiles(weights_dir=root, dit=dit, dit_config=dit_config, t5=t5, vae=vae, tokenizer=tok,
                    generator_ckpt=gen, lora_ckpt=lora, labels=labels)


def _dit_shards(index: Path, labels: dict[str, str]) -> list[Path]:
    try:
        weight_map = json.loads(index.read_text())["weight_map"]
    except (OSError, ValueError, KeyError, TypeError) as e:
        raise WeightsError(f"{index} (weights_dir): not a safetensors shard index ({e})") from None
    shards = []
    for name in dict.fromkeys(weight_map.values()):
        p = index.parent / name
        if not p.is_file():
            raise WeightsNotFoundError(f"DiT shard not found: {p} (listed in {index}; config key 'weights_dir')")
        labels[str(p)] = f"{p} (weights_dir)"
        shards.append(p)
    return shards


# ---------------------------------------------------------------------------------------------------
# Reading tensors
# ---------------------------------------------------------------------------------------------------
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


def _first_line(e: BaseException) -> str:
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
            raise WeightsError(f"{label}: cannot read {p} as safetensors ({_first_line(e)}); the file "
                               f"({_file_size(p)}) is truncated or not a safetensors file") from None
        dup = [k for k in names if k in shapes]
        if dup:
            raise WeightsError(f"{label}: {len(dup)} tensors appear in more than one shard "
                               f"(first: {', '.join(dup[:_SHOW])})")
        shapes.update(file_shapes)
        where.update(dict.fromkeys(names, handle))

    def get(name: str) -> torch.Tensor:
        try:
            return where[name].get_tensor(name)
        except Exception as e:
            raise WeightsError(f"{label}: cannot read tensor '{name}' ({_first_line(e)})") from None

    return TensorSource(label, shapes, get)


def torch_load(path: Path, label: str) -> Any:
    """`torch.load` on CPU, weights only, memory-mapped when the file format allows it."""
    allow_pickle = os.environ.get(ALLOW_PICKLE_ENV, "") == "1"
    kwargs: dict[str, Any] = {"map_location": "cpu", "weights_only": not allow_pickle}
    errors = []
    for mmap in (True, False):  # the legacy (non-zip) format cannot be memory-mapped
        try:
            return torch.load(str(path), mmap=mmap, **kwargs)
        except pickle.UnpicklingError as e:
            raise WeightsError(
                f"{label}: the file holds Python objects that a weights-only load refuses "
                f"({_first_line(e)[:200]}). If you trust its origin, set the environment variable "
                f"{ALLOW_PICKLE_ENV}=1 to unpickle it in full") from None
        except Exception as e:
            errors.append(e)
    raise WeightsError(f"{label}: cannot read it as a torch checkpoint ({_first_line(errors[-1])}); the file "
                       f"({_file_size(path)}) is truncated or not a checkpoint saved with torch.save") from None


def _tensor_dict(obj: Any, label: str, what: str) -> dict[str, torch.Tensor]:
    if not isinstance(obj, Mapping):
        raise WeightsError(f"{label}: expected {what} (a dict of tensors), found a {type(obj).__name__}")
    bad = [str(k) for k, v in obj.items() if not isinstance(v, torch.Tensor)]
    if bad:
        raise WeightsError(f"{label}: expected {what}, but {len(bad)} entries are not tensors "
                           f"(first: {', '.join(bad[:_SHOW])})")
    return dict(obj)


def _clean_name(name: str) -> str:
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
        parts.append(f"{len(missing)} missing (first: {', '.join(show(k) for k in missing[:_SHOW])})")
    if unexpected:
        parts.append(f"{len(unexpected)} unexpected (first: {', '.join(show(k) for k in unexpected[:_SHOW])})")
    if misshaped:
        items = [f"{show(k)}: file {_shape(found[k])} vs model {_shape(expected[k])}" for k in misshaped[:_SHOW]]
        parts.append(f"{len(misshaped)} mis-shaped (first: {'; '.join(items)})")
    raise WeightsError(f"{label}: does not fit {what}: " + "; ".join(parts))


def _meta_shapes(module: torch.nn.Module) -> dict[str, tuple[int, ...]]:
    return {k: tuple(v.shape) for k, v in module.state_dict().items()}


# ---------------------------------------------------------------------------------------------------
# DiT: Wan folder, MemFlow base.pt, LoRA
# ---------------------------------------------------------------------------------------------------
def _meta_dit(arch: WanTransformerConfig) -> torch.nn.Module:
    from .transformer_wan import CausalWanModel

    with torch.device("meta"):
        return CausalWanModel(arch)


def check_dit_config(path: Path, arch: WanTransformerConfig, label: str) -> dict[str, Any]:
    """The Wan folder's config.json must describe the preset's architecture."""
    try:
        conf = json.loads(path.read_text())
    except (OSError, ValueError) as e:
        raise WeightsError(f"{label}: not a readable JSON file ({_first_line(e)})") from None
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
                           f"({', '.join(wrong[:_SHOW])})")
    return conf


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
                               f"(top-level keys: {', '.join(keys[:_SHOW * 2])})")
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
                           f"dict); top-level keys: {', '.join(keys[:_SHOW * 2])}")
    where = label if key is None else f"{label} ['{key}']"
    raw = _tensor_dict(ckpt if key is None else ckpt[key], where, "the generator's state dict")
    state: dict[str, torch.Tensor] = {}
    clashes = []
    for k, v in raw.items():
        name = _clean_name(k)
        if name in state:
            clashes.append(k)
        state[name] = v
    if clashes:
        raise WeightsError(f"{where}: {len(clashes)} keys collide once wrapper prefixes are removed "
                           f"(first: {', '.join(clashes[:_SHOW])})")
    if state and all(k.startswith("model.") for k in state):
        state = {k[len("model."):]: v for k, v in state.items()}
    return state


def _infer_arch(shapes: Mapping[str, Sequence[int]], label: str) -> WanTransformerConfig:
    """Sizes of a Wan DiT read off its tensor shapes (the real model's head size of 128)."""
    from .reference import arch_from_state_dict

    need = ["patch_embedding.weight", "text_embedding.0.weight", "time_embedding.0.weight",
            "blocks.0.ffn.0.weight", "head.head.weight"]
    missing = [k for k in need if k not in shapes]
    if missing:
        first = ", ".join(list(shapes)[:_SHOW])
        raise WeightsError(f"{label}: not a Wan DiT state dict: {len(missing)} of its key tensors are missing "
                           f"(first: {', '.join(missing)}); the file's first keys: {first}")
    fake = {k: torch.empty(tuple(s), device="meta") for k, s in shapes.items()}
    try:
        arch = arch_from_state_dict(fake, text_len=512)
    except (KeyError, ValueError, IndexError) as e:
        raise WeightsError(f"{label}: not a Wan DiT state dict ({_first_line(e)})") from None
    if arch.num_heads < 1 or arch.dim % arch.num_heads:
        arch = replace(arch, num_heads=1)  # narrower than one real head: shapes do not depend on heads
    return arch


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
    sd = _tensor_dict(raw, label, "LoRA weights")
    parts: dict[str, dict[str, tuple[str, torch.Tensor]]] = {}
    foreign = []
    for key, t in sd.items():
        name = _clean_name(key).removeprefix("base_model.model.")
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
                           f"(first: {', '.join(foreign[:_SHOW])})")
    if not parts:
        raise WeightsError(f"{label}: holds no LoRA weights")
    unpaired = [f"{t} (has only lora_{next(iter(s))})" for t, s in parts.items() if len(s) != 2]
    if unpaired:
        raise WeightsError(f"{label}: {len(unpaired)} modules lack lora_A or lora_B "
                           f"(first: {', '.join(unpaired[:_SHOW])})")
    wrong = []
    for s in parts.values():
        (ka, a), (kb, b) = s["A"], s["B"]
        if a.shape[0] != rank:
            wrong.append(f"{ka} has rank {a.shape[0]}")
        if b.shape[1] != rank:
            wrong.append(f"{kb} has rank {b.shape[1]}")
    if wrong:
        raise WeightsError(f"{label}: the LoRA rank does not match the config key adapter.rank={rank}: "
                           f"{len(wrong)} tensors (first: {'; '.join(wrong[:_SHOW])})")
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
                     f"(first: {', '.join(missing[:_SHOW])})")
    if unknown:
        parts.append(f"{len(unknown)} LoRA modules are not Linear layers of the DiT "
                     f"(first: {', '.join(unknown[:_SHOW])})")
    if misfit:
        parts.append(f"{len(misfit)} mis-shaped (first: {'; '.join(misfit[:_SHOW])})")
    if parts:
        raise WeightsError(f"{lora.label}: does not fit the DiT: " + "; ".join(parts))


def merge_lora(weight: torch.Tensor, a: torch.Tensor, b: torch.Tensor, scale: float,
               device: torch.device | str | None = None) -> torch.Tensor:
    """``W + scale * B @ A`` computed in float32 (on `device` when given); the result is float32."""
    dev = device if device is not None else weight.device
    w = weight.to(device=dev, dtype=torch.float32)
    return w + scale * (b.to(device=dev, dtype=torch.float32) @ a.to(device=dev, dtype=torch.float32))


def _lora_scale(cfg: IAMFlowConfig) -> float:
    return float(cfg.adapter.alpha) / float(cfg.adapter.rank)


def _merged_source(base: TensorSource, lora: LoRAWeights, scale: float,
                   device: torch.device | str | None = None) -> TensorSource:
    adapted = {f"{t}.weight": ab for t, ab in lora.pairs.items()}

    def get(name: str) -> torch.Tensor:
        ab = adapted.get(name)
        w = base[name]
        return w if ab is None else merge_lora(w, ab[0], ab[1], scale, device)

    return TensorSource(base.label, dict(base.shapes), get)


def load_generator_state(generator_ckpt: str | os.PathLike, lora_ckpt: str | os.PathLike | None, use_ema: bool,
                         cfg: IAMFlowConfig) -> dict[str, torch.Tensor]:
    """The DiT weights of a MemFlow `base.pt` (+ merged `lora.pt`) under the original Wan names.

    The architecture is read off the tensor shapes (any number of layers), and the key set must be
    exactly a Wan DiT's. Tensors keep the file's dtype; LoRA-adapted weights are float32
    (``W + adapter.alpha / adapter.rank * B @ A``). Used by ``python -m memflow_ext.reference
    --generator-ckpt``.
    """
    path = _need_file(generator_ckpt, "generator_ckpt", "MemFlow generator checkpoint")
    label = f"{path} (generator_ckpt)"
    state = generator_state_dict(torch_load(path, label), use_ema, label)
    shapes = {k: tuple(v.shape) for k, v in state.items()}
    arch = _infer_arch(shapes, label)
    check_tensors(_meta_shapes(_meta_dit(arch)), shapes, label,
                  f"a Wan DiT ({arch.num_layers} layers, dim {arch.dim})")
    if lora_ckpt:
        lpath = _need_file(lora_ckpt, "lora_ckpt", "MemFlow LoRA checkpoint")
        lora = read_lora(lpath, cfg.adapter.rank)
        check_lora(lora, shapes, arch.num_layers)
        scale = _lora_scale(cfg)
        for t, (a, b) in lora.pairs.items():
            state[f"{t}.weight"] = merge_lora(state[f"{t}.weight"], a, b, scale)
        logger.info(f"merged LoRA {lpath} into {len(lora.pairs)} layers (rank {lora.rank}, scale {scale:g})")
    return state


def _open_dit(files: WanFiles, cfg: IAMFlowConfig, arch: WanTransformerConfig) -> tuple[TensorSource, str]:
    """The checked source of the DiT weights: base.pt (with LoRA) or the Wan folder's safetensors."""
    if files.dit_config is not None:
        check_dit_config(files.dit_config, arch, files.label(files.dit_config))
    expected = _meta_shapes(_meta_dit(arch))
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


def load_dit(src: TensorSource, arch: WanTransformerConfig, device: torch.device | str,
             dtype: torch.dtype) -> torch.nn.Module:
    """Materialise a CausalWanModel from a checked source (built on meta, tensors assigned)."""
    from .rope import build_rope_table

    model = _meta_dit(arch)
    expected = _meta_shapes(model)
    check_tensors(expected, src.shapes, src.label, f"the Wan DiT ({arch.num_layers} layers, dim {arch.dim})")
    with torch.no_grad():
        state = {k: src[k].to(device=device, dtype=dtype) for k in expected}
        model.load_state_dict(state, strict=True, assign=True)
    model.freqs = build_rope_table(arch.head_dim, arch.rope_max_len)  # plain attribute: rebuilt off meta
    model.requires_grad_(False)
    return model.eval()


# ---------------------------------------------------------------------------------------------------
# Text encoder: Wan's UMT5-XXL .pth -> transformers UMT5EncoderModel
# ---------------------------------------------------------------------------------------------------
def umt5_key_map(num_layers: int) -> dict[str, str]:
    """Wan T5 encoder name -> transformers `UMT5EncoderModel` name (``shared.weight`` is tied to
    ``encoder.embed_tokens.weight`` and filled from the same tensor)."""
    m = {"token_embedding.weight": "shared.weight"}
    for i in range(num_layers):
        w, h = f"blocks.{i}.", f"encoder.block.{i}."
        m[w + "norm1.weight"] = h + "layer.0.layer_norm.weight"
        for p in "qkvo":
            m[w + f"attn.{p}.weight"] = h + f"layer.0.SelfAttention.{p}.weight"
        m[w + "pos_embedding.embedding.weight"] = h + "layer.0.SelfAttention.relative_attention_bias.weight"
        m[w + "norm2.weight"] = h + "layer.1.layer_norm.weight"
        m[w + "ffn.gate.0.weight"] = h + "layer.1.DenseReluDense.wi_0.weight"  # GELU branch
        m[w + "ffn.fc1.weight"] = h + "layer.1.DenseReluDense.wi_1.weight"  # linear branch
        m[w + "ffn.fc2.weight"] = h + "layer.1.DenseReluDense.wo.weight"
    m["norm.weight"] = "encoder.final_layer_norm.weight"
    return m


_TIED_EMBED = "encoder.embed_tokens.weight"


def umt5_config(tc: TextEncoderConfig, pad_token_id: int = 0, eos_token_id: int = 1):
    from transformers import UMT5Config

    return UMT5Config(
        vocab_size=tc.vocab_size, d_model=tc.d_model, d_kv=tc.d_kv, d_ff=tc.d_ff, num_layers=tc.num_layers,
        num_heads=tc.num_heads, relative_attention_num_buckets=tc.relative_attention_num_buckets,
        feed_forward_proj=tc.feed_forward_proj, dropout_rate=0.0, is_encoder_decoder=False, use_cache=False,
        pad_token_id=pad_token_id, eos_token_id=eos_token_id,
    )


def _meta_umt5(tc: TextEncoderConfig, pad_token_id: int = 0, eos_token_id: int = 1):
    from transformers import UMT5EncoderModel

    with torch.device("meta"):
        return UMT5EncoderModel(umt5_config(tc, pad_token_id, eos_token_id))


def umt5_expected_wan_shapes(tc: TextEncoderConfig) -> dict[str, tuple[int, ...]]:
    """The Wan-named tensors (and shapes) a UMT5 encoder of this config needs."""
    hf = _meta_shapes(_meta_umt5(tc))
    return {w: hf[h] for w, h in umt5_key_map(tc.num_layers).items()}


def _load_tokenizer(folder: Path, tc: TextEncoderConfig):
    from transformers import AutoTokenizer

    label = f"{folder} (weights_dir)"
    try:
        tok = AutoTokenizer.from_pretrained(str(folder), local_files_only=True)
    except Exception as e:
        names = sorted(p.name for p in folder.iterdir()) if folder.is_dir() else []
        raise WeightsError(f"{label}: not a usable tokenizer folder ({_first_line(e)[:300]}); it holds: "
                           f"{', '.join(names[:10]) or 'nothing'}") from None
    if len(tok) > tc.vocab_size:
        raise WeightsError(f"{label}: the tokenizer has {len(tok)} tokens, more than the encoder's vocabulary "
                           f"of {tc.vocab_size}")
    return tok


def _open_t5(path: Path, tc: TextEncoderConfig, label: str) -> TensorSource:
    src = TensorSource.from_dict(label, _tensor_dict(torch_load(path, label), label, "a T5 encoder state dict"))
    check_tensors(umt5_expected_wan_shapes(tc), src.shapes, label, f"a UMT5 encoder ({tc.num_layers} layers, "
                                                                    f"d_model {tc.d_model})")
    return src


def load_text_encoder(src: TensorSource, tokenizer, tc: TextEncoderConfig, text_len: int,
                      device: torch.device | str, dtype: torch.dtype | None = None):
    """Materialise the `TextEncoder` from a checked Wan-named source (dtype None: the file's dtype)."""
    from .text_encoder import TextEncoder

    pad = tokenizer.pad_token_id if tokenizer.pad_token_id is not None else 0
    eos = tokenizer.eos_token_id if tokenizer.eos_token_id is not None else 1
    model = _meta_umt5(tc, pad, eos)
    key_map = umt5_key_map(tc.num_layers)
    hf_shapes = _meta_shapes(model)
    check_tensors({w: hf_shapes[h] for w, h in key_map.items()}, src.shapes, src.label,
                  f"a UMT5 encoder ({tc.num_layers} layers, d_model {tc.d_model})")
    with torch.no_grad():
        state = {}
        for w, h in key_map.items():
            t = src[w]
            state[h] = t.to(device=device, dtype=dtype or t.dtype)
        state[_TIED_EMBED] = state["shared.weight"]
        model.load_state_dict(state, strict=True, assign=True)
    model.encoder.embed_tokens.weight = model.shared.weight  # keep the tie explicit after assignment
    model.requires_grad_(False)
    return TextEncoder(model.eval(), tokenizer, text_len)


# ---------------------------------------------------------------------------------------------------
# VAE: Wan2.1_VAE.pth -> diffusers AutoencoderKLWan
# ---------------------------------------------------------------------------------------------------
def _meta_vae(vc: VAEConfig):
    from diffusers import AutoencoderKLWan

    with torch.device("meta"):
        return AutoencoderKLWan(
            base_dim=vc.base_dim, z_dim=vc.z_dim, dim_mult=list(vc.dim_mult), num_res_blocks=vc.num_res_blocks,
            temperal_downsample=list(vc.temperal_downsample), latents_mean=list(WAN_LATENTS_MEAN),
            latents_std=list(WAN_LATENTS_STD), scale_factor_temporal=vc.temporal_factor,
            scale_factor_spatial=vc.spatial_factor,
        )


def vae_name_map(original_names: Iterable[str], label: str = "VAE") -> dict[str, str]:
    """diffusers name -> original Wan name, as diffusers' `convert_wan_vae_to_diffusers` renames them."""
    from diffusers.loaders.single_file_utils import convert_wan_vae_to_diffusers

    names = list(original_names)
    converted = convert_wan_vae_to_diffusers({n: n for n in names})  # the converter only moves values
    if len(converted) != len(names):
        seen: dict[str, str] = {}
        clashes = []
        for n in names:
            d = convert_wan_vae_to_diffusers({n: n})
            (dn,) = d.keys()
            if dn in seen:
                clashes.append(f"{seen[dn]} and {n}")
            seen[dn] = n
        raise WeightsError(f"{label}: {len(clashes)} pairs of tensors map to the same diffusers name "
                           f"(first: {'; '.join(clashes[:_SHOW])})")
    return dict(converted)


def _open_vae(path: Path, vc: VAEConfig, label: str) -> TensorSource:
    raw = TensorSource.from_dict(label, _tensor_dict(torch_load(path, label), label, "a Wan VAE state dict"))
    new_to_old = vae_name_map(raw.keys(), label)
    src = raw.renamed(new_to_old)
    expected = _meta_shapes(_meta_vae(vc))
    check_tensors(expected, src.shapes, label, f"the Wan VAE (base_dim {vc.base_dim}, z_dim {vc.z_dim})",
                  display=lambda k: new_to_old.get(k, f"{k} (diffusers name)"))
    return src


def load_vae(src: TensorSource, vc: VAEConfig, device: torch.device | str, dtype: torch.dtype):
    """Materialise the `WanVAE` from a checked diffusers-named source."""
    from .vae import WanVAE

    vae = _meta_vae(vc)
    expected = _meta_shapes(vae)
    check_tensors(expected, src.shapes, src.label, f"the Wan VAE (base_dim {vc.base_dim}, z_dim {vc.z_dim})")
    with torch.no_grad():
        vae.load_state_dict({k: src[k].to(device=device, dtype=dtype) for k in expected}, strict=True, assign=True)
    vae.requires_grad_(False)
    return WanVAE(vae.eval(), temporal_factor=vc.temporal_factor, spatial_factor=vc.spatial_factor)


# ---------------------------------------------------------------------------------------------------
# Everything together
# ---------------------------------------------------------------------------------------------------
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
    tokenizer = _load_tokenizer(files.tokenizer, preset.text_encoder)
    arch = preset.transformer
    dit, desc = _open_dit(files, cfg, arch)
    lora = None
    if files.lora_ckpt is not None:
        lora = read_lora(files.lora_ckpt, cfg.adapter.rank, files.label(files.lora_ckpt))
        check_lora(lora, dit.shapes, arch.num_layers)
    t5 = _open_t5(files.t5, preset.text_encoder, files.label(files.t5))
    vae = _open_vae(files.vae, preset.vae, files.label(files.vae))
    return _Opened(files, dit, desc, lora, t5, tokenizer, vae)


def check_real_weights(cfg: IAMFlowConfig, preset: Preset) -> WanFiles:
    """Open and check every file the config names (names, shapes, LoRA rank) without building models."""
    return _open_all(cfg, preset).files


def load_real_components(cfg: IAMFlowConfig, preset: Preset, device: torch.device | str, dtype: torch.dtype):
    """(model, text_encoder, vae) of `preset` from the real checkpoint files named by `cfg`.

    All files are checked before anything is materialised. The DiT, the UMT5 encoder and the VAE all
    run in `dtype` (MemFlow runs everything in bfloat16); the LoRA is merged in float32 first.
    """
    opened = _open_all(cfg, preset)
    dit = opened.dit
    if opened.lora is not None:
        dit = _merged_source(dit, opened.lora, _lora_scale(cfg), device)
    logger.info(f"loading the DiT from {opened.dit_desc}"
                + (f" + LoRA {opened.files.lora_ckpt} (scale {_lora_scale(cfg):g}, merged)" if opened.lora else ""))
    model = load_dit(dit, preset.transformer, device, dtype)
    logger.info(f"loading the UMT5 encoder from {opened.files.t5}")
    text = load_text_encoder(opened.t5, opened.tokenizer, preset.text_encoder, preset.transformer.text_len,
                             device, dtype)
    logger.info(f"loading the VAE from {opened.files.vae}")
    vae = load_vae(opened.vae, preset.vae, device, dtype)
    return model, text, vae


# ---------------------------------------------------------------------------------------------------
# Sizes and memory
# ---------------------------------------------------------------------------------------------------
def parameter_counts(preset: Preset) -> dict[str, int]:
    """Exact parameter counts of the preset's DiT, UMT5 encoder and VAE (built on meta)."""

    def count(m: torch.nn.Module) -> int:
        return sum(p.numel() for p in m.parameters())  # tied embeddings count once

    return {"dit": count(_meta_dit(preset.transformer)), "text_encoder": count(_meta_umt5(preset.text_encoder)),
            "vae": count(_meta_vae(preset.vae))}


def lora_parameter_count(arch: WanTransformerConfig, rank: int) -> int:
    per_block = 8 * rank * (arch.dim + arch.dim) + 2 * rank * (arch.dim + arch.ffn_dim)
    return per_block * arch.num_layers


def memory_estimate(preset: Preset, cfg: IAMFlowConfig, height: int | None = None, width: int | None = None,
                    bytes_per_element: int = 2) -> dict[str, Any]:
    """Bytes of every resident tensor family at the preset's shapes (weights and per-video caches).

    KV cache: ``local_attn_size`` frames of keys and values per layer; memory bank: ``bank_size``
    frames plus one staged frame; cross-attention cache: ``text_len`` keys and values per layer.
    """
    from .kv_cache import CacheGeometry

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


def _main(argv: list[str] | None = None) -> int:
    import argparse
    import sys

    from .config import ConfigError, load_config
    from .presets import get_preset

    ap = argparse.ArgumentParser(prog="python -m memflow_ext.weights",
                                 description="Check real weight files, or print the memory estimate.")
    ap.add_argument("command", choices=["check", "memory"])
    ap.add_argument("--config", action="append", default=[], help="YAML config(s), e.g. configs/wan_inference.yaml")
    ap.add_argument("overrides", nargs="*", help="config overrides key=value")
    args = ap.parse_args(argv)
    try:
        defaults = [] if args.config else ["preset=wan2.1-t2v-1.3b"]
        cfg = load_config(args.config, [*defaults, *args.overrides])
    except ConfigError as e:
        print(f"error: {e}", file=sys.stderr)
        return 2
    preset = get_preset(cfg.preset)
    if args.command == "check":
        try:
            files = check_real_weights(cfg, preset)
        except (WeightsError, FileNotFoundError) as e:
            print(f"error: {e}", file=sys.stderr)
            return 1
        print(f"OK: every file fits preset '{preset.name}'")
        for p in [*files.dit, files.dit_config, files.generator_ckpt, files.lora_ckpt, files.t5, files.vae,
                  files.tokenizer]:
            if p is not None:
                print(f"  {p}")
        return 0
    for nbytes, name in ((2, "bfloat16"), (4, "float32")):
        est = memory_estimate(preset, cfg, bytes_per_element=nbytes)
        print(f"[{name}] tokens/frame {est['tokens_per_frame']}")
        for k, v in est.items():
            if k.endswith("_bytes"):
                print(f"  {k:24s} {v:>16,d}  ({v / 2**30:7.2f} GiB)")
    return 0


if __name__ == "__main__":
    raise SystemExit(_main())
