"""The `transition:` config section."""

from __future__ import annotations

from dataclasses import dataclass, fields
from typing import Any

from memflow_ext.config import ConfigError

METHODS = ("linear", "slerp")


@dataclass
class TransitionConfig:
    """Prompt-switch blending (`plugins/transition/`).

    - `enabled`: blend at prompt switches (false: the plugin does nothing).
    - `blocks`: how many blocks a blend lasts, the switch's block included (0: MemFlow's hard cut).
    - `method`: `linear` (per row (1 - w) a + w b) or `slerp` (spherical, per row).
    - `adaptive`: scale the length with how far apart the two conditionings are (at most `blocks`).
    """

    enabled: bool = True
    blocks: int = 2
    method: str = "linear"
    adaptive: bool = False

    def __post_init__(self) -> None:
        for key in ("enabled", "adaptive"):
            if not isinstance(getattr(self, key), bool):
                raise ConfigError(f"transition.{key} must be true or false, got {getattr(self, key)!r}")
        if isinstance(self.blocks, bool) or not isinstance(self.blocks, int) or self.blocks < 0:
            raise ConfigError(f"transition.blocks must be an integer >= 0 (0 = no blend), got {self.blocks!r}")
        if self.method not in METHODS:
            raise ConfigError(f"transition.method must be one of {', '.join(METHODS)}; got {self.method!r}")

    @classmethod
    def from_section(cls, section: Any) -> TransitionConfig:
        """From a `transition:` section (this dataclass, an OmegaConf node or a mapping)."""
        if isinstance(section, cls):
            return section
        if isinstance(section, dict):
            values = {f.name: section.get(f.name) for f in fields(cls)}
        else:
            values = {f.name: getattr(section, f.name, None) for f in fields(cls)}
        return cls(**{k: v for k, v in values.items() if v is not None})
