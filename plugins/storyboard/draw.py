"""Painting a storyboard from its layout (storyboard.json) and the video's frames, with Pillow.

Order: the background, the flat fills, the video frames scaled into their boxes, then the texts; so
the picture is a function of the JSON and the frames alone (`render(layout, frame_of)`).
"""

from __future__ import annotations

import io
from collections.abc import Callable
from typing import Any

import numpy as np
from PIL import Image, ImageDraw

from .colours import rgb
from .text import story_font

FrameSource = Callable[[int], np.ndarray]  # video frame index -> [H, W, 3] uint8
RESAMPLING = {"bilinear": Image.Resampling.BILINEAR}
JPEG_QUALITY = 90


def scaled(frame: np.ndarray, box: list[int], resample: str = "bilinear") -> Image.Image:
    """`frame` [H, W, 3] uint8 scaled to the size of `box` (as the storyboard draws it)."""
    x0, y0, x1, y1 = box
    return Image.fromarray(frame).resize((x1 - x0, y1 - y0), RESAMPLING[resample])


def render(layout: dict[str, Any], frame_of: FrameSource | None) -> Image.Image:
    """The storyboard picture; `frame_of` gives the video frames (None: the layout must have no images)."""
    width, height = layout["size"]
    image = Image.new("RGB", (width, height), rgb(layout["background"]))
    pen = ImageDraw.Draw(image)
    for fill in layout["fills"]:
        x0, y0, x1, y1 = fill["box"]
        pen.rectangle((x0, y0, x1 - 1, y1 - 1), fill=rgb(fill["fill"]))
    if layout["images"]:
        if frame_of is None:
            raise ValueError("the storyboard's layout shows video frames but no video was given")
        for item in layout["images"]:
            frame = scaled(frame_of(item["video_frame"]), item["box"], layout["resample"])
            image.paste(frame, tuple(item["box"][:2]))
    for text in layout["texts"]:
        pen.text(tuple(text["xy"]), text["text"], fill=rgb(text["fill"]), font=story_font(text["size"]).font)
    return image


def encode(image: Image.Image, fmt: str) -> bytes:
    """The picture as PNG or JPEG file bytes."""
    buf = io.BytesIO()
    if fmt == "jpg":
        image.save(buf, format="JPEG", quality=JPEG_QUALITY)
    else:
        image.save(buf, format="PNG")
    return buf.getvalue()
