"""Typed configuration: every default lives here, every value is validated at load time.

Key names follow MemFlow's YAML (`num_output_frames`, `model_kwargs.local_attn_size`, ...) so a
MemFlow user's config carries over; IAM Flow adds `preset`, `plugins`, `prompts` and one section per
plugin. Architecture sizes are not here: they come from the preset (see `presets.py`).

Plugin sections are not declared here: every installed plugin declares its own through the hook
`iamflow_add_config(register)` (see `hooks/specs.py`), and `load_config` composes the schema from
all of them (`config_class`), so a section of a plugin that is installed but not selected still
validates, and a section no plugin declares is refused.
"""

from __future__ import annotations

import dataclasses
import os
from collections.abc import Mapping
from dataclasses import dataclass, field
from functools import lru_cache
from pathlib import Path
from typing import Any

import yaml
from loguru import logger
from omegaconf import MISSING, DictConfig, OmegaConf
from omegaconf.errors import ConfigKeyError, OmegaConfBaseException

# Upstream's cache for global attention (model_kwargs.local_attn_size == -1): 21 latent frames.
UNBOUNDED_WINDOW_FRAMES = 21

DEFAULT_PROMPTS = [
    "A young man in a denim jacket walks along a rainy city street at night, neon signs reflecting in puddles.",
    "The young man stops at a food stall and talks to an old woman in a red scarf.",
    "He walks away holding a paper cup of tea while the old woman waves goodbye.",
]


@dataclass
class ModelKwargs:
    """MemFlow's streaming options (`model_kwargs` in MemFlow's YAML)."""

    local_attn_size: int = 12  # KV cache window in latent frames, sink included; -1 = global attention
    sink_size: int = 3  # latent frames kept forever at the start of the cache
    bank_size: int = 3  # latent frames in the memory segment
    record_interval: int = 3  # NAM records one frame every `record_interval` blocks
    SMA: bool = False  # sparse memory activation: route each head to its top-k memory frames
    sma_top_k: int = 3  # frames kept per head by SMA (upstream's literal 3)
    timestep_shift: float = 5.0  # flow-matching shift


@dataclass
class AdapterConfig:
    """LoRA settings of a MemFlow `lora.pt` (scale = alpha / rank)."""

    rank: int = 256
    alpha: int = 256


@dataclass
class EngineOptions:
    """Behaviour switches where IAM Flow offers an alternative to upstream MemFlow.

    Defaults reproduce upstream exactly (quirks included); see `memory_bank.py` for what each does.
    """

    # Upstream ranks bank frames for compression with the cross-attention cache as it is at the
    # commit; right after a prompt switch that cache was just cleared (all-zero text query).
    # True re-encodes the text keys before compressing.
    compress_with_fresh_text: bool = False
    # torch.compile the transformer blocks (dynamic shapes; compile errors and graph breaks raise, never a
    # silent eager fallback). The first calls pay the compile time. Off: plain eager PyTorch.
    compile: bool = False


@dataclass
class LiveConfig:
    """Live mode (`--serve`): where the server listens and what a client may ask for."""

    host: str = "127.0.0.1"  # beyond loopback needs --token
    port: int = 7860
    max_frames: int = 1200  # cap on a stream's `max_frames` (latent frames; a client's `start` may ask up to it)
    max_prompt_chars: int = 2000
    jpeg_quality: int = 85  # of the frames sent to the page (the saved mp4 is unaffected)


@dataclass
class IAMFlowConfig:
    preset: str = "tiny"
    device: str = "auto"  # auto | cpu | cuda | cuda:N
    dtype: str = "float32"  # float32 | bfloat16 | float16
    # inputs
    data_path: str | None = None
    prompts: list[str] = field(default_factory=lambda: list(DEFAULT_PROMPTS))
    switch_frame_indices: list[int] = field(default_factory=list)
    # outputs
    output_folder: str = "outputs/{plugins}"  # {plugins}: the plugin set, e.g. agent-memory-profile, or none
    save_video: bool = True
    fps: int = 16
    # sampling
    seed: int = 0
    num_samples: int = 1
    num_output_frames: int = 21
    height: int | None = None  # pixels; None = the preset's
    width: int | None = None
    num_frame_per_block: int = 3
    denoising_step_list: list[int] = field(default_factory=lambda: [1000, 750, 500, 250])
    warp_denoising_step: bool = True
    context_noise: int = 0
    global_sink: bool = True
    model_kwargs: ModelKwargs = field(default_factory=ModelKwargs)
    engine: EngineOptions = field(default_factory=EngineOptions)
    # weights (random preset weights when all are unset)
    weights_dir: str | None = None
    generator_ckpt: str | None = None
    lora_ckpt: str | None = None
    use_ema: bool = False
    adapter: AdapterConfig = field(default_factory=AdapterConfig)
    live: LiveConfig = field(default_factory=LiveConfig)
    # plugins (each plugin's own section is added by `config_class`)
    plugins: list[str] = field(default_factory=list)


class ConfigError(ValueError):
    """A configuration value is invalid; the message names the key and what would be valid."""


@lru_cache(maxsize=32)
def _composed(sections: tuple[tuple[str, type], ...]) -> type:
    engine_keys = {f.name for f in dataclasses.fields(IAMFlowConfig)}
    for name, schema in sections:
        if not name.isidentifier() or name in engine_keys:
            raise ConfigError(f"a plugin declares the config section '{name}', which is not a valid section name "
                              f"(an identifier that is not an engine key such as {', '.join(sorted(engine_keys)[:5])})")
        if not dataclasses.is_dataclass(schema) or not isinstance(schema, type):
            raise ConfigError(f"the config section '{name}' must be declared with a dataclass type, got {schema!r}")
        missing = [f.name for f in dataclasses.fields(schema)
                   if f.default is dataclasses.MISSING and f.default_factory is dataclasses.MISSING]
        if missing:
            raise ConfigError(f"the config section '{name}' ({schema.__qualname__}) has fields without defaults: "
                              f"{', '.join(missing)}")
    fields = [(name, schema, field(default_factory=schema)) for name, schema in sections]
    cls = dataclasses.make_dataclass("IAMFlowConfig", fields, bases=(IAMFlowConfig,))
    cls.__module__ = __name__
    cls.__doc__ = f"IAMFlowConfig with the plugin sections {', '.join(n for n, _ in sections)}."
    return cls


def config_class(sections: Mapping[str, type] | None = None) -> type:
    """`IAMFlowConfig` with one field per plugin section (`name -> dataclass type`).

    The result is a dataclass subclass of `IAMFlowConfig`, so `cfg.<section>.<key>` works and the
    engine's code sees the engine keys it knows.
    """
    return _composed(tuple(sorted((sections or {}).items()))) if sections else IAMFlowConfig


def plugin_sections() -> tuple[dict[str, type], dict[str, str]]:
    """The config sections every working installed plugin declares (through `iamflow_add_config`), and
    the sections of the broken plugins that were skipped (`section -> plugin`)."""
    from hooks.manager import collect_sections

    found = collect_sections()
    return dict(found.schemas), dict(found.orphaned)


def _drop_orphans(other: Any, orphaned: Mapping[str, str], where: str) -> Any:
    """`other` without the top-level sections of skipped (broken) plugins, each dropped with a warning."""
    if not orphaned or not isinstance(other, DictConfig):
        return other
    hits = [k for k in other.keys() if k in orphaned]
    for key in hits:
        logger.warning(f"{where}config section '{key}' ignored: plugin '{orphaned[key]}' is installed but broken "
                       "(see the warning above)")
    if not hits:
        return other
    kept = OmegaConf.masked_copy(other, [k for k in other.keys() if k not in orphaned])
    return kept


def _structured(cls: type = IAMFlowConfig) -> DictConfig:
    return OmegaConf.structured(cls)


def load_config(
    paths: list[str | os.PathLike] | None = None,
    overrides: list[str] | None = None,
    sections: Mapping[str, type] | None = None,
) -> IAMFlowConfig:
    """Merge YAML files and `key=value` overrides onto the defaults, then validate.

    `sections` maps plugin section names to their dataclass types; by default they are collected
    from every installed plugin. Unknown keys and sections, wrongly typed values and values a
    section's own checks refuse are errors that name the key (and the file).
    """
    orphaned: dict[str, str] = {}
    if sections is None:
        sections, orphaned = plugin_sections()
    else:
        sections = dict(sections)
    cls = config_class(sections)
    known = sorted(sections)
    cfg = _structured(cls)

    def merge(other: Any, where: str) -> DictConfig:
        other = _drop_orphans(other, orphaned, where)
        try:
            return OmegaConf.merge(cfg, other)
        except ConfigKeyError as e:
            key = e.full_key or "?"
            if "." not in key and isinstance(OmegaConf.select(OmegaConf.create(other), key), DictConfig):
                raise ConfigError(f"{where}unknown config section '{key}': no installed plugin declares it; "
                                  f"known sections: {', '.join(known)}") from None
            raise ConfigError(f"{where}unknown config key '{key}'; valid keys: {_keys_hint(e, cls)}") from None
        except OmegaConfBaseException as e:
            raise ConfigError(f"{where}invalid value for '{getattr(e, 'full_key', '?')}': {e.msg}") from None

    for path in paths or []:
        p = Path(path)
        if not p.is_file():
            raise ConfigError(f"config file not found: {p}")
        try:
            loaded = OmegaConf.load(p)
        except yaml.YAMLError as e:
            mark = getattr(e, "problem_mark", None)
            where = f"{p}:{mark.line + 1}:{mark.column + 1}" if mark is not None else str(p)
            problem = getattr(e, "problem", None) or str(e).splitlines()[0]
            raise ConfigError(f"{where}: YAML syntax error: {problem}") from None
        cfg = merge(loaded, f"{p}: ")
    if overrides:
        for item in overrides:
            if "=" not in item:
                raise ConfigError(f"override '{item}' is not of the form key=value")
        cfg = merge(OmegaConf.from_dotlist(list(overrides)), "command line: ")
    for name in known:  # a section's own checks (__post_init__) run here; name the section
        try:
            OmegaConf.to_object(cfg[name])
        except Exception as e:  # a plugin's schema may raise any error type from __post_init__
            msg = getattr(e, "msg", None) or str(e)
            msg = msg.strip().splitlines()[0] if msg.strip() else type(e).__name__
            raise ConfigError(msg if msg.startswith(f"{name}.") else f"{name}: {msg}") from None
    conf: IAMFlowConfig = OmegaConf.to_object(cfg)  # type: ignore[assignment]
    validate_config(conf)
    return conf


def _keys_hint(err: ConfigKeyError, cls: type = IAMFlowConfig) -> str:
    parent = err.full_key.rsplit(".", 1)[0] if "." in (err.full_key or "") else ""
    node: Any = _structured(cls)
    if parent:
        node = OmegaConf.select(node, parent)
    if isinstance(node, DictConfig):
        return ", ".join(sorted(str(k) for k in node.keys()))
    return "see memflow_ext/config.py"


def validate_config(cfg: IAMFlowConfig) -> None:
    """Check values that types alone cannot: block arithmetic, ranges, names."""
    from memflow_ext.presets import PRESETS

    if cfg.preset not in PRESETS:
        raise ConfigError(f"unknown preset '{cfg.preset}'; valid presets: {', '.join(sorted(PRESETS))}")
    if cfg.dtype not in ("float32", "bfloat16", "float16"):
        raise ConfigError(f"dtype '{cfg.dtype}' is not one of float32, bfloat16, float16")
    if cfg.num_frame_per_block < 1:
        raise ConfigError(f"num_frame_per_block must be >= 1, got {cfg.num_frame_per_block}")
    if cfg.num_output_frames < 1 or cfg.num_output_frames % cfg.num_frame_per_block:
        raise ConfigError(
            f"num_output_frames={cfg.num_output_frames} must be a positive multiple of "
            f"num_frame_per_block={cfg.num_frame_per_block}"
        )
    if cfg.num_samples < 1:
        raise ConfigError(f"num_samples must be >= 1, got {cfg.num_samples}")
    steps = list(cfg.denoising_step_list)
    if not steps or any(s <= 0 or s > 1000 for s in steps) or steps != sorted(steps, reverse=True):
        raise ConfigError(f"denoising_step_list={steps} must be strictly decreasing values in (0, 1000]")
    if len(set(steps)) != len(steps):
        raise ConfigError(f"denoising_step_list={steps} has repeated values")
    if not 0 <= cfg.context_noise <= 1000:
        raise ConfigError(f"context_noise={cfg.context_noise} must be within [0, 1000]")
    mk = cfg.model_kwargs
    if mk.sink_size < 0 or mk.bank_size < 0 or mk.record_interval < 1 or mk.sma_top_k < 1:
        raise ConfigError(
            "model_kwargs: sink_size and bank_size must be >= 0, record_interval and sma_top_k >= 1 "
            f"(got sink_size={mk.sink_size}, bank_size={mk.bank_size}, "
            f"record_interval={mk.record_interval}, sma_top_k={mk.sma_top_k})"
        )
    if mk.local_attn_size != -1:
        if mk.local_attn_size < mk.sink_size + cfg.num_frame_per_block:
            raise ConfigError(
                f"model_kwargs.local_attn_size={mk.local_attn_size} must be -1 or at least "
                f"sink_size + num_frame_per_block = {mk.sink_size + cfg.num_frame_per_block}"
            )
    if mk.local_attn_size == -1 and cfg.num_output_frames > UNBOUNDED_WINDOW_FRAMES:
        raise ConfigError(
            f"num_output_frames={cfg.num_output_frames}: global attention (model_kwargs.local_attn_size=-1) holds "
            f"at most {UNBOUNDED_WINDOW_FRAMES} latent frames; set a local window for longer videos"
        )
    if mk.timestep_shift <= 0:
        raise ConfigError(f"model_kwargs.timestep_shift={mk.timestep_shift} must be > 0")
    for key in ("height", "width"):
        v = getattr(cfg, key)
        if v is not None and v <= 0:
            raise ConfigError(f"{key}={v} must be positive")
    if cfg.adapter.rank <= 0:
        raise ConfigError(f"adapter.rank={cfg.adapter.rank} must be positive")
    live = cfg.live
    if not 0 <= live.port <= 65535:
        raise ConfigError(f"live.port={live.port} must be within [0, 65535] (0: any free port)")
    if live.max_frames < cfg.num_frame_per_block:
        raise ConfigError(f"live.max_frames={live.max_frames} must be at least num_frame_per_block="
                          f"{cfg.num_frame_per_block}")
    if live.max_prompt_chars < 1:
        raise ConfigError(f"live.max_prompt_chars={live.max_prompt_chars} must be >= 1")
    if not 1 <= live.jpeg_quality <= 95:
        raise ConfigError(f"live.jpeg_quality={live.jpeg_quality} must be within [1, 95]")
    validate_prompts(cfg.prompts, where="prompts")
    if not cfg.data_path:  # with a prompt file they are only the default of stories without their own
        validate_switch_frames(list(cfg.switch_frame_indices), None, cfg, where="switch_frame_indices")


def validate_prompts(prompts: list[Any], where: str = "prompts") -> None:
    if not prompts:
        raise ConfigError(f"{where}: at least one prompt is required")
    for i, p in enumerate(prompts):
        if not isinstance(p, str) or not p.strip():
            raise ConfigError(f"{where}[{i}]={p!r}: every prompt must be a non-empty string")


def validate_switch_frames(switch: list[int], num_prompts: int | None, cfg: IAMFlowConfig, where: str) -> None:
    """Multi-prompt videos switch prompt at these latent frames (one fewer than prompts).

    `num_prompts=None` checks the values only (the prompt count is not known yet).
    """
    if num_prompts is not None and len(switch) != num_prompts - 1:
        raise ConfigError(
            f"{where}={switch}: {num_prompts} prompts need exactly {num_prompts - 1} switch frame(s) "
            f"(one per prompt after the first)"
        )
    if list(switch) != sorted(set(switch)):
        raise ConfigError(f"{where}={switch} must be strictly increasing")
    for s in switch:
        if s <= 0 or s >= cfg.num_output_frames:
            raise ConfigError(f"{where}: switch frame {s} must lie in (0, num_output_frames={cfg.num_output_frames})")
        if s % cfg.num_frame_per_block:
            raise ConfigError(
                f"{where}: switch frame {s} is not on a block boundary "
                f"(a multiple of num_frame_per_block={cfg.num_frame_per_block})"
            )


def to_yaml(cfg: IAMFlowConfig) -> str:
    return OmegaConf.to_yaml(OmegaConf.structured(cfg))


__all__ = [
    "MISSING",
    "AdapterConfig",
    "ConfigError",
    "EngineOptions",
    "IAMFlowConfig",
    "ModelKwargs",
    "config_class",
    "load_config",
    "to_yaml",
    "validate_config",
    "validate_prompts",
    "validate_switch_frames",
]
