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
import re
from collections.abc import Mapping
from dataclasses import dataclass, field
from functools import lru_cache
from pathlib import Path
from typing import Any, cast
from urllib.parse import urlsplit

import yaml
from loguru import logger
from omegaconf import MISSING, DictConfig, ListConfig, OmegaConf
from omegaconf.errors import ConfigKeyError, OmegaConfBaseException

DEFAULT_PORTS = {"http": 80, "ws": 80, "https": 443, "wss": 443}
ORIGIN_SCHEMES = ("http", "https")

# C0 control characters other than tab and newline: never part of a prompt (a NUL, a stray escape code).
PROMPT_CONTROL_CHARS = re.compile(r"[\x00-\x08\x0b-\x1f]")

# Upstream's cache for global attention (model_kwargs.local_attn_size == -1): 21 latent frames.
UNBOUNDED_WINDOW_FRAMES = 21
# Where the UMT5 encoder lives and runs (see memflow_ext/models/text_placement.py).
TEXT_ENCODER_PLACEMENTS = ("device", "cpu", "offload")
# Weight quantization of the DiT's transformer blocks (see memflow_ext/models/quantize.py).
QUANTIZE_MODES = ("none", "int8", "fp8")
# how the sampler goes from one denoising step to the next (see IAMFlowConfig.sampler)
SAMPLERS = ("renoise", "ode")
# Where the streaming VAE decoder keeps its causal cache (see memflow_ext/models/vae.py `HostSlots`).
VAE_CACHE_PLACES = ("device", "host")

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
    # Latent frames per chunk of the transformer blocks' feed-forward in eager inference (0: a call's frames
    # at once). One block's frames (MemFlow's 3) leaves a denoising step and a context pass whole and runs a
    # prompt switch's 12-frame re-cache in 4 chunks, so its FFN activations are a quarter (docs/real_weights.md).
    ffn_chunk_frames: int = 3


@dataclass
class LiveConfig:
    """Live mode (`--serve`): where the server listens and what a client may ask for."""

    host: str = "127.0.0.1"  # beyond loopback needs --token
    port: int = 7860
    # cap on a stream's length in latent frames: a `start` without `max_frames` streams until Stop or this cap,
    # one with `max_frames` may ask up to it; at most the model's RoPE length (positions are absolute), whole
    # blocks (rounded down to a multiple of num_frame_per_block)
    max_frames: int = 1020
    max_prompt_chars: int = 2000
    jpeg_quality: int = 85  # of the frames sent to the page (the saved mp4 is unaffected)
    # web origins (scheme://host[:port]) whose pages may open the WebSocket besides the server's own page
    allow_origins: list[str] = field(default_factory=list)


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
    # between denoising steps: "renoise" (MemFlow: x0, then fresh noise at the next level; made for
    # distilled few-step generators) | "ode" (deterministic DDIM/Euler step: x0 with the noise the current
    # sample implies; for a generator trained by plain flow matching, like the toy preset)
    sampler: str = "renoise"
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
    # memory footprint (docs/real_weights.md): where the text encoder runs, and the DiT's weight format
    text_encoder_placement: str = "device"  # device | cpu | offload
    quantize: str = "none"  # none | int8 | fp8 (Linear layers of the transformer blocks)
    quantize_text_encoder: bool = False  # int8 weight-only Linear layers in the UMT5 encoder's blocks too
    # the VAE decoder's causal cache: device, or host (each slot moved in by the conv that reads it; copies
    # per conv and frame, for a stream that must fit beside the KV cache)
    vae_cache: str = "device"  # device | host
    live: LiveConfig = field(default_factory=LiveConfig)
    # plugins (each plugin's own section is added by `config_class`)
    plugins: list[str] = field(default_factory=list)


class ConfigError(ValueError):
    """A configuration value is invalid; the message names the key and what would be valid."""


@dataclass(frozen=True)
class Origin:
    """A web origin: scheme, lower-case host name (IPv6 without brackets), port (the scheme's default when absent)."""

    scheme: str
    host: str
    port: int

    def __str__(self) -> str:
        host = f"[{self.host}]" if ":" in self.host else self.host
        return f"{self.scheme}://{host}:{self.port}"


def parse_origin(text: str) -> Origin | None:
    """`scheme://host[:port]` (a trailing `/` allowed) -> Origin; None when `text` is not one (`null` included)."""
    try:
        u = urlsplit(text.strip())
        port = u.port
    except ValueError:
        return None
    if u.scheme not in ORIGIN_SCHEMES or not u.hostname or u.username is not None or u.password is not None:
        return None
    if u.path not in ("", "/") or u.query or u.fragment:
        return None
    return Origin(u.scheme, u.hostname.lower(), port if port is not None else DEFAULT_PORTS[u.scheme])


def check_allow_origins(urls: list[Any], where: str = "live.allow_origins") -> None:
    """Each allowed origin must be `scheme://host[:port]`; anything else is a ConfigError naming it."""
    for i, url in enumerate(urls):
        if not isinstance(url, str) or parse_origin(url) is None:
            raise ConfigError(f"{where}[{i}]={url!r} is not a web origin; give scheme://host[:port] with scheme "
                              "http or https and no path, such as http://localhost:3000")


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
    hits = [str(k) for k in other.keys() if str(k) in orphaned]
    for key in hits:
        logger.warning(f"{where}config section '{key}' ignored: plugin '{orphaned[key]}' is installed but broken "
                       "(see the warning above)")
    if not hits:
        return other
    return OmegaConf.masked_copy(other, [str(k) for k in other.keys() if str(k) not in orphaned])


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
            return cast(DictConfig, OmegaConf.merge(cfg, other))  # merging onto a DictConfig gives one
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
        loaded = _load_yaml_mapping(p)
        _check_file_prompts(p, loaded)
        cfg = merge(loaded, f"{p}: ")
    if overrides:
        for item in overrides:
            if "=" not in item:
                raise ConfigError(f"override '{item}' is not of the form key=value")
        try:
            dotlist = OmegaConf.from_dotlist(list(overrides))
        except yaml.YAMLError as e:  # a value YAML cannot read (a raw control character, say)
            problem = getattr(e, "problem", None) or getattr(e, "reason", None) or str(e).splitlines()[0]
            raise ConfigError(f"command line: an override's value is not valid YAML: {problem}") from None
        cfg = merge(dotlist, "command line: ")
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


def _load_yaml_mapping(p: Path) -> DictConfig:
    """A config file's mapping; a file that is not YAML text or whose top level is not a mapping is a ConfigError
    naming it (an empty file, or one of comments only, is an empty mapping)."""
    try:
        text = p.read_text(encoding="utf-8")
        top = yaml.safe_load(text)  # the top level's type (OmegaConf reads a bare scalar as a key)
        if not isinstance(top, dict | None):
            kind = "list" if isinstance(top, list) else f"scalar ({type(top).__name__} {str(top)[:40]!r})"
            raise ConfigError(f"{p}: the top level is a {kind}; a config file must be a mapping of keys (`key: "
                              "value` lines, such as `num_output_frames: 21`); an empty file is an empty mapping")
        loaded = OmegaConf.create(text) if top is not None else OmegaConf.create({})
    except UnicodeDecodeError as e:
        raise ConfigError(f"{p}: not UTF-8 text (byte {e.start}); a config file is UTF-8 YAML") from None
    except yaml.YAMLError as e:
        mark = getattr(e, "problem_mark", None)
        where = f"{p}:{mark.line + 1}:{mark.column + 1}" if mark is not None else str(p)
        problem = getattr(e, "problem", None) or str(e).splitlines()[0]
        raise ConfigError(f"{where}: YAML syntax error: {problem}") from None
    return cast(DictConfig, loaded)  # the top level is a mapping (checked above)


def _keys_hint(err: ConfigKeyError, cls: type = IAMFlowConfig) -> str:
    full = err.full_key or ""
    parent = full.rsplit(".", 1)[0] if "." in full else ""
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
    if cfg.sampler not in SAMPLERS:
        raise ConfigError(f"sampler '{cfg.sampler}' is not one of {', '.join(SAMPLERS)}")
    if not 0 <= cfg.context_noise <= 1000:
        raise ConfigError(f"context_noise={cfg.context_noise} must be within [0, 1000]")
    mk = cfg.model_kwargs
    for key, low, what in (("sink_size", 0, "latent frames kept at the start of the cache"),
                           ("bank_size", 0, "latent frames of memory; 0 is MemFlow's memory-free setting"),
                           ("record_interval", 1, "blocks between NAM records"),
                           ("sma_top_k", 1, "memory frames kept per head by SMA")):
        value = getattr(mk, key)
        if value < low:
            raise ConfigError(f"model_kwargs.{key}={value} must be >= {low} ({what})")
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
    if cfg.text_encoder_placement not in TEXT_ENCODER_PLACEMENTS:
        raise ConfigError(f"text_encoder_placement='{cfg.text_encoder_placement}' is not one of "
                          f"{', '.join(TEXT_ENCODER_PLACEMENTS)}")
    if cfg.quantize not in QUANTIZE_MODES:
        raise ConfigError(f"quantize='{cfg.quantize}' is not one of {', '.join(QUANTIZE_MODES)}")
    if cfg.vae_cache not in VAE_CACHE_PLACES:
        raise ConfigError(f"vae_cache='{cfg.vae_cache}' is not one of {', '.join(VAE_CACHE_PLACES)}")
    if cfg.engine.ffn_chunk_frames < 0:
        raise ConfigError(f"engine.ffn_chunk_frames={cfg.engine.ffn_chunk_frames} must be >= 0 (0: no chunks)")
    if cfg.adapter.rank <= 0:
        raise ConfigError(f"adapter.rank={cfg.adapter.rank} must be positive")
    live = cfg.live
    if not 0 <= live.port <= 65535:
        raise ConfigError(f"live.port={live.port} must be within [0, 65535] (0: any free port)")
    if live.max_frames < cfg.num_frame_per_block:
        raise ConfigError(f"live.max_frames={live.max_frames} must be at least num_frame_per_block="
                          f"{cfg.num_frame_per_block}")
    rope_len = PRESETS[cfg.preset].transformer.rope_max_len
    if live.max_frames > rope_len:
        raise ConfigError(f"live.max_frames={live.max_frames} exceeds the model's RoPE length (rope_max_len="
                          f"{rope_len} latent frames in preset '{cfg.preset}'; positions are absolute, so no stream "
                          f"can run past it): use live.max_frames <= {rope_len}")
    if live.max_prompt_chars < 1:
        raise ConfigError(f"live.max_prompt_chars={live.max_prompt_chars} must be >= 1")
    if not 1 <= live.jpeg_quality <= 95:
        raise ConfigError(f"live.jpeg_quality={live.jpeg_quality} must be within [1, 95]")
    check_allow_origins(list(live.allow_origins))
    validate_prompts(cfg.prompts, where="prompts")
    if not cfg.data_path:  # with a prompt file they are only the default of stories without their own
        validate_switch_frames(list(cfg.switch_frame_indices), None, cfg, where="switch_frame_indices")


def control_char(text: str) -> str | None:
    """What is wrong with a prompt holding a C0 control character other than tab and newline, or None."""
    m = PROMPT_CONTROL_CHARS.search(text)
    if m is None:
        return None
    return (f"contains the control character U+{ord(m.group()):04X} at character {m.start() + 1}; a prompt is "
            "plain text (tab and newline are the only control characters allowed)")


def validate_prompts(prompts: list[Any], where: str = "prompts") -> None:
    if not prompts:
        raise ConfigError(f"{where}: at least one prompt is required")
    for i, p in enumerate(prompts):
        if not isinstance(p, str) or not p.strip():
            raise ConfigError(f"{where}[{i}]={p!r}: every prompt must be a non-empty string")
        bad = control_char(p)
        if bad:
            raise ConfigError(f"{where}[{i}] {bad}")


def _check_file_prompts(path: Path, loaded: DictConfig) -> None:
    """A config file's own `prompts`, checked where the file and line can still be named."""
    prompts = loaded.get("prompts") if isinstance(loaded, DictConfig) else None
    if not isinstance(prompts, ListConfig):
        return
    for i, p in enumerate(prompts):
        bad = control_char(p) if isinstance(p, str) else None
        if bad:
            raise ConfigError(f"{path}:{_yaml_item_line(path, 'prompts', i)}: prompts[{i}] {bad}")


def _yaml_item_line(path: Path, key: str, index: int) -> str:
    """The 1-based line of `key[index]` in a YAML file ('?' when it cannot be found)."""
    try:
        node = yaml.compose(path.read_text(encoding="utf-8"))
    except (OSError, UnicodeDecodeError, yaml.YAMLError):
        return "?"
    if isinstance(node, yaml.MappingNode):
        for k, v in node.value:
            if k.value == key and isinstance(v, yaml.SequenceNode) and index < len(v.value):
                return str(v.value[index].start_mark.line + 1)
    return "?"


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
    "QUANTIZE_MODES",
    "TEXT_ENCODER_PLACEMENTS",
    "AdapterConfig",
    "ConfigError",
    "Origin",
    "EngineOptions",
    "IAMFlowConfig",
    "ModelKwargs",
    "config_class",
    "check_allow_origins",
    "control_char",
    "load_config",
    "parse_origin",
    "to_yaml",
    "validate_config",
    "validate_prompts",
    "validate_switch_frames",
]
