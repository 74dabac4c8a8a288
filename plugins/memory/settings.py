"""The memory plugin's settings: the `memory:` config section (declared through `iamflow_add_config`).

The dataclass is the section's schema; its checks run when the config is loaded, and their errors
name the key (`memory.<key>`).
"""

from __future__ import annotations

from dataclasses import dataclass, fields
from typing import Any

OFFLOAD_CHOICES = ("cpu", "device")


class MemorySettingsError(ValueError):
    """A `memory.*` value is invalid; the message names the key and what is valid."""


@dataclass(frozen=True)
class MemorySettings:
    max_frames: int = 3
    archive_frames: int = 32
    offload: str = "cpu"
    score_layers: tuple[float, ...] = (0.25, 0.5, 0.75)
    entity_weight: float = 4.0
    unrotate_time: bool = True
    assoc_margin: float = 0.5
    assoc_min_spread: float = 0.02
    topup: bool = True
    fill_from_start: bool = False

    def __post_init__(self) -> None:
        self.validate()

    @classmethod
    def from_config(cls, config: Any) -> MemorySettings:
        """Settings from a full config (its `memory` section), a `MemorySettings`, a mapping or None (defaults)."""
        section = getattr(config, "memory", config)
        if isinstance(section, cls):
            return section
        if section is None:
            return cls()
        if isinstance(section, dict):
            values = {f.name: section.get(f.name, f.default) for f in fields(cls)}
        else:
            values = {f.name: getattr(section, f.name, f.default) for f in fields(cls)}
        values["score_layers"] = tuple(float(x) for x in values["score_layers"])
        return cls(**values)

    def validate(self) -> None:
        def bad(key: str, msg: str) -> MemorySettingsError:
            return MemorySettingsError(f"memory.{key}={getattr(self, key)!r}: {msg}")

        if self.max_frames < 0:
            raise bad("max_frames", "must be >= 0 (frames in the model's memory segment; 0 injects nothing)")
        if self.archive_frames < 1:
            raise bad("archive_frames", "must be >= 1")
        if self.archive_frames < self.max_frames:
            raise bad("archive_frames", f"must be >= memory.max_frames={self.max_frames} "
                                        "(active frames are kept in the archive)")
        if self.offload not in OFFLOAD_CHOICES:
            raise bad("offload", f"must be one of {', '.join(OFFLOAD_CHOICES)}")
        if not self.score_layers:
            raise bad("score_layers", "needs at least one depth fraction")
        if any(not 0.0 <= f <= 1.0 for f in self.score_layers):
            raise bad("score_layers", "holds depth fractions: every value must lie in [0, 1] "
                                      "(0 = first layer, 1 = last), not layer numbers")
        if not self.entity_weight > 0:
            raise bad("entity_weight", "must be > 0 (1 = entity tokens weigh like the rest of the prompt)")
        if not 0.0 <= self.assoc_margin <= 1.0:
            raise bad("assoc_margin", "must lie in [0, 1] (a fraction of the per-entity score range)")
        if not self.assoc_min_spread >= 0.0:
            raise bad("assoc_min_spread", "must be >= 0")

    def scoring_layers(self, num_layers: int) -> list[int]:
        """Layer indices for the depth fractions (round(f * (num_layers - 1)), deduplicated, ascending)."""
        return sorted({int(f * (num_layers - 1) + 0.5) for f in self.score_layers})
