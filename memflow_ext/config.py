"""Typed configuration: every default lives here, every value is validated at load time.

Key names follow MemFlow's YAML (`num_output_frames`, `model_kwargs.local_attn_size`, ...) so a
MemFlow user's config carries over; IAM Flow adds `preset`, `plugins`, `prompts` and one section per
plugin. Architecture sizes are not here: they come from the preset (see `presets.py`).
"""

from __future__ import annotations

import os
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import yaml
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
class AgentSection:
    """The agent plugin (`plugins/agent/`): entity extraction and cross-prompt identity matching."""

    enabled: bool = True
    backend: str = "rules"  # rules (offline, deterministic) | transformers (local causal LM) | openai (server)
    model_path: str | None = None  # transformers: a local model folder
    base_url: str | None = None  # openai: an OpenAI-compatible endpoint, e.g. http://127.0.0.1:8000/v1
    model: str | None = None  # openai: the model name the server expects
    api_key_env: str = "OPENAI_API_KEY"  # openai: environment variable holding the key (optional)
    timeout_s: float | None = None  # legacy: when set, the read timeout
    connect_timeout_s: float = 3.0  # openai: seconds to establish the connection
    read_timeout_s: float = 15.0  # openai: seconds to wait for the answer
    retries: int = 2  # openai: retries after HTTP 5xx or a refused connection (never after a timeout)
    retry_after_s: float | None = None  # openai: a failed endpoint is retried after this; null = never again
    max_new_tokens: int = 512


@dataclass
class MemorySection:
    """The memory plugin (`plugins/memory/`): an identity-aware frame archive feeding the memory segment."""

    enabled: bool = True
    max_frames: int = 3  # active memory: frames written into the model's memory segment (0: none)
    archive_frames: int = 32  # frames archived with their keys/values of every layer (>= max_frames)
    offload: str = "cpu"  # where archived keys/values live: cpu | device (moved to the device when injected)
    score_layers: list[float] = field(default_factory=lambda: [0.25, 0.5, 0.75])  # depth fractions in [0, 1]
    entity_weight: float = 4.0  # text-query weight of entity name/attribute tokens (other prompt tokens: 1)
    unrotate_time: bool = True  # remove the temporal RoPE before scoring (a frame's score ignores its time)
    assoc_margin: float = 0.5  # a frame shows the IDs scoring within this fraction of the range below the best
    assoc_min_spread: float = 0.02  # per-entity score range under which the prompt's IDs are used instead
    topup: bool = True  # after covering the prompt's IDs, fill the active memory up to max_frames by score


@dataclass
class ProfileSection:
    enabled: bool = True
    trace: bool = False  # also write trace.json (Chrome trace: phases, blocks, agent prompts, memory chunks)


@dataclass
class EngineOptions:
    """Behaviour switches where IAM Flow offers an alternative to upstream MemFlow.

    Defaults reproduce upstream exactly (quirks included); see `memory_bank.py` for what each does.
    """

    # Upstream ranks bank frames for compression with the cross-attention cache as it is at the
    # commit; right after a prompt switch that cache was just cleared (all-zero text query).
    # True re-encodes the text keys before compressing.
    compress_with_fresh_text: bool = False


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
    # plugins
    plugins: list[str] = field(default_factory=list)
    agent: AgentSection = field(default_factory=AgentSection)
    memory: MemorySection = field(default_factory=MemorySection)
    profile: ProfileSection = field(default_factory=ProfileSection)


class ConfigError(ValueError):
    """A configuration value is invalid; the message names the key and what would be valid."""


def _structured() -> DictConfig:
    return OmegaConf.structured(IAMFlowConfig)


def load_config(
    paths: list[str | os.PathLike] | None = None, overrides: list[str] | None = None
) -> IAMFlowConfig:
    """Merge YAML files and `key=value` overrides onto the defaults, then validate.

    Unknown keys and wrongly typed values are errors that name the key (and the file).
    """
    cfg = _structured()
    for path in paths or []:
        p = Path(path)
        if not p.is_file():
            raise ConfigError(f"config file not found: {p}")
        try:
            cfg = OmegaConf.merge(cfg, OmegaConf.load(p))
        except yaml.YAMLError as e:
            mark = getattr(e, "problem_mark", None)
            where = f"{p}:{mark.line + 1}:{mark.column + 1}" if mark is not None else str(p)
            problem = getattr(e, "problem", None) or str(e).splitlines()[0]
            raise ConfigError(f"{where}: YAML syntax error: {problem}") from None
        except ConfigKeyError as e:
            raise ConfigError(f"{p}: unknown config key '{e.full_key}'; valid keys: {_keys_hint(e)}") from None
        except OmegaConfBaseException as e:
            raise ConfigError(f"{p}: invalid value for '{getattr(e, 'full_key', '?')}': {e.msg}") from None
    if overrides:
        for item in overrides:
            if "=" not in item:
                raise ConfigError(f"override '{item}' is not of the form key=value")
        try:
            cfg = OmegaConf.merge(cfg, OmegaConf.from_dotlist(list(overrides)))
        except ConfigKeyError as e:
            raise ConfigError(f"unknown config key '{e.full_key}' on the command line; valid keys: "
                              f"{_keys_hint(e)}") from None
        except OmegaConfBaseException as e:
            raise ConfigError(f"invalid value for '{getattr(e, 'full_key', '?')}' on the command line: "
                              f"{e.msg}") from None
    conf: IAMFlowConfig = OmegaConf.to_object(cfg)  # type: ignore[assignment]
    validate_config(conf)
    return conf


def _keys_hint(err: ConfigKeyError) -> str:
    parent = err.full_key.rsplit(".", 1)[0] if "." in (err.full_key or "") else ""
    node: Any = _structured()
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
    "load_config",
    "to_yaml",
    "validate_config",
    "validate_prompts",
    "validate_switch_frames",
]
