"""The `storyboard` plugin: one picture per video of what each prompt showed and what the memory held.

Hooks:

* `iamflow_add_config`: declares the `storyboard:` section (`StoryboardConfig`).
* `iamflow_pipeline_end` (trylast: after the agent and the memory plugin have written their parts):
  reads the finished run (`facts.collect`), lays the picture out (`layout.layout`), paints it from
  the decoded video (`draw.render`) and writes `storyboard.<format>` and `storyboard.json` beside
  the video (into `run.output_dir`; nothing when the run has none, as in `--compare-baseline`'s
  untimed rounds). The layout is also left in `run.extras["storyboard"]`.

It reads other plugins' results only through the run (`run.entities`, `run.memory_selection`), so it
works with any of them missing, in batch, interactive, `--compare-baseline` (the IAM arm) and live
mode (saved when the stream closes). Without a decoded video (`save_video=false`) the rows show the
prompts, chips and memory frame indices only.
"""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path
from typing import Any

import numpy as np
import torch
from loguru import logger

from hooks import hookimpl
from memflow_ext.io_utils import atomic_write_bytes, atomic_write_json

from .config import StoryboardConfig
from .draw import encode, render
from .facts import collect
from .layout import layout

NAME = "storyboard"
JSON_FILE = "storyboard.json"
VIDEO_FILE = "video.mp4"  # the batch runner's name for the video beside which the storyboard lies


def frame_reader(video: torch.Tensor) -> Callable[[int], np.ndarray]:
    """Video frame `v` of `video` [B, T, 3, H, W] in [-1, 1] as [H, W, 3] uint8, converted on demand.

    Same conversion as the saved mp4 (`255 * (x / 2 + 1/2)` clamped, truncated to uint8), so a
    thumbnail holds the pixels the video file was encoded from.
    """
    cache: dict[int, np.ndarray] = {}

    def frame_of(v: int) -> np.ndarray:
        if v not in cache:
            x = 255.0 * (video[0, v].detach().float() * 0.5 + 0.5).clamp(0.0, 1.0)
            cache[v] = x.to(torch.uint8).permute(1, 2, 0).cpu().numpy()
        return cache[v]

    return frame_of


class StoryboardPlugin:
    def __init__(self, settings: StoryboardConfig | None = None) -> None:
        self.settings = settings or StoryboardConfig()

    def _settings(self, run: Any) -> StoryboardConfig:
        section = getattr(getattr(run, "config", None), NAME, None)
        return StoryboardConfig.from_section(section) if section is not None else self.settings

    @hookimpl(trylast=True)
    def iamflow_pipeline_end(self, run: Any, result: Any) -> None:
        settings = self._settings(run)
        folder = getattr(run, "output_dir", None)
        if not settings.enabled or folder is None:
            return
        try:
            self.write(run, result, Path(folder), settings)
        except Exception as e:  # a picture must never cost the video it describes
            logger.opt(exception=e).error(f"storyboard: not written for {run.key}: {e!r}")

    def write(self, run: Any, result: Any, folder: Path, settings: StoryboardConfig) -> dict[str, Any]:
        """Lay out, paint and write the storyboard of a finished video; returns the layout."""
        video = result.video
        latent_frames = int(result.latents.shape[1])
        video_frames = int(video.shape[1]) if video is not None else None
        facts = collect(run, latent_frames, video_frames)
        frame_size = (int(video.shape[-1]), int(video.shape[-2])) if video is not None else None
        save_video = bool(getattr(getattr(run, "config", None), "save_video", True))
        image_name = f"storyboard.{settings.format}"
        title = f"{run.key}: {len(facts.segments)} prompt(s), {latent_frames} latent frames" + (
            f", {facts.video_frames} video frames" if facts.temporal_factor is not None else "")
        plan = layout(facts, settings, frame_size, title, image_name,
                      VIDEO_FILE if video is not None and save_video else None)
        picture = render(plan, frame_reader(video) if video is not None and facts.temporal_factor else None)
        folder.mkdir(parents=True, exist_ok=True)
        atomic_write_bytes(folder / image_name, encode(picture, settings.format))
        atomic_write_json(folder / JSON_FILE, plan)
        run.files[image_name] = folder / image_name
        run.files[JSON_FILE] = folder / JSON_FILE
        run.extras[NAME] = plan
        if plan["replaced_characters"]:
            font = plan["font"]["name"]
            logger.info(f"storyboard: {len(plan['replaced_characters'])} character(s) the font ({font}) cannot draw "
                        "are shown as '?'")
        return plan


@hookimpl
def iamflow_add_config(register: Callable[[str, type], None]) -> None:
    """The `storyboard:` section: `StoryboardConfig`."""
    register(NAME, StoryboardConfig)


def make_plugin(config: Any = None) -> StoryboardPlugin:
    """The instance the plugin manager registers, built from the run's validated `storyboard:` section."""
    section = getattr(config, NAME, None) if config is not None else None
    return StoryboardPlugin(StoryboardConfig.from_section(section))
