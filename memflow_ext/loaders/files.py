"""Locating the files of a released Wan2.1-T2V folder and MemFlow's checkpoints from the config."""

from __future__ import annotations

import json
import os
from dataclasses import dataclass, field
from pathlib import Path

from memflow_ext.config import IAMFlowConfig
from memflow_ext.loaders.tensors import WeightsError, WeightsNotFoundError

DIT_FILE = "diffusion_pytorch_model.safetensors"
DIT_INDEX_FILE = "diffusion_pytorch_model.safetensors.index.json"  # sharded DiT (larger Wan models)
DIT_CONFIG_FILE = "config.json"
T5_FILE = "models_t5_umt5-xxl-enc-bf16.pth"
VAE_FILE = "Wan2.1_VAE.pth"
TOKENIZER_DIR = "google/umt5-xxl"


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


def expand_path(p: str | os.PathLike) -> Path:
    return Path(os.path.expandvars(os.path.expanduser(str(p))))


def need_file(path: str | os.PathLike | None, key: str, what: str) -> Path:
    if path is None or str(path) == "":
        raise WeightsNotFoundError(f"{what}: the config key '{key}' is not set")
    p = expand_path(path)
    if not p.is_file():
        raise WeightsNotFoundError(f"{what} not found: {p} (set by the config key '{key}')")
    return p


def locate_files(cfg: IAMFlowConfig) -> WanFiles:
    """Check that every file the config needs exists; raises `WeightsNotFoundError` naming file and key."""
    if not cfg.weights_dir:
        raise WeightsNotFoundError(
            "the real-weights preset needs the Wan2.1-T2V-1.3B folder: set the config key 'weights_dir' "
            f"(it must hold {DIT_FILE}, {DIT_CONFIG_FILE}, {T5_FILE}, {VAE_FILE} and {TOKENIZER_DIR}/)")
    root = expand_path(cfg.weights_dir)
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
        gen = need_file(cfg.generator_ckpt, "generator_ckpt", "MemFlow generator checkpoint")
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
        lora = need_file(cfg.lora_ckpt, "lora_ckpt", "MemFlow LoRA checkpoint")
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

