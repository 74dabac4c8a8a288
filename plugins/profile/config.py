"""The `profile:` config section, declared by the profile plugin through `iamflow_add_config`."""

from __future__ import annotations

from dataclasses import dataclass


@dataclass
class ProfileConfig:
    enabled: bool = True  # false: the plugin is not registered even when listed in --plugins
    trace: bool = False  # also write trace.json (Chrome trace: phases, blocks, agent prompts, memory chunks)

    def __post_init__(self) -> None:
        for key in ("enabled", "trace"):
            if not isinstance(getattr(self, key), bool):
                raise ValueError(f"profile.{key} must be true or false, got {getattr(self, key)!r}")
