"""The `storyboard:` config section."""

from __future__ import annotations

from dataclasses import dataclass, fields
from typing import Any

FORMATS = ("png", "jpg")
MIN_THUMB_PX = 64  # below this the frame captions and chips no longer fit under a frame


@dataclass
class StoryboardConfig:
    """One picture per video (`plugins/storyboard/`).

    - `enabled`: write `storyboard.<format>` and `storyboard.json` beside the video.
    - `frames_per_prompt`: evenly spaced video frames shown for each prompt segment.
    - `thumb_px`: width in pixels of those frames (memory thumbnails are half as wide).
    - `format`: `png` (lossless: thumbnails are the video's pixels) or `jpg` (smaller).
    """

    enabled: bool = True
    frames_per_prompt: int = 4
    thumb_px: int = 160
    format: str = "png"

    def __post_init__(self) -> None:
        if not isinstance(self.enabled, bool):
            raise ValueError(f"storyboard.enabled must be true or false, got {self.enabled!r}")
        for key, low in (("frames_per_prompt", 1), ("thumb_px", MIN_THUMB_PX)):
            value = getattr(self, key)
            if isinstance(value, bool) or not isinstance(value, int) or value < low:
                raise ValueError(f"storyboard.{key} must be an integer >= {low}, got {value!r}")
        if self.format not in FORMATS:
            raise ValueError(f"storyboard.format must be one of {', '.join(FORMATS)}; got {self.format!r}")

    @classmethod
    def from_section(cls, section: Any) -> StoryboardConfig:
        """From a `storyboard:` section (this dataclass, an OmegaConf node or a mapping); None: defaults."""
        if section is None:
            return cls()
        if isinstance(section, cls):
            return section
        values: dict[str, Any] = {}
        for f in fields(cls):
            value = section.get(f.name) if isinstance(section, dict) else getattr(section, f.name, None)
            if value is not None:
                values[f.name] = value
        return cls(**values)
