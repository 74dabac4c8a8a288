"""One colour per entity ID, the same everywhere in a storyboard (chips, thumbnail tags) and in the
live page (`memflow_ext/app/live/page/live.js` computes the same rule).

Integer IDs step around the hue circle by the golden ratio, so consecutive IDs are far apart;
other IDs take the hue of their CRC-32. Saturation and value are fixed so black or white text
stays readable on every colour (`text_colour` picks one).
"""

from __future__ import annotations

import colorsys
import zlib

GOLDEN = 0.618033988749895
SATURATION = 0.6
VALUE = 0.85
NO_ID = "#9e9e9e"  # tags of a memory frame kept for no ID
_LUMA = (0.299, 0.587, 0.114)
_DARK_TEXT_ABOVE = 150.0  # luma above which text on the colour is drawn dark


def id_colour(entity_id: int | str) -> str:
    """`#rrggbb` of an entity ID."""
    if isinstance(entity_id, int):
        hue = (entity_id * GOLDEN) % 1.0
    else:
        hue = (zlib.crc32(str(entity_id).encode("utf-8")) % 360) / 360.0
    r, g, b = colorsys.hsv_to_rgb(hue, SATURATION, VALUE)
    return "#{:02x}{:02x}{:02x}".format(*(int(round(c * 255)) for c in (r, g, b)))


def rgb(colour: str) -> tuple[int, int, int]:
    """`#rrggbb` -> (r, g, b)."""
    return int(colour[1:3], 16), int(colour[3:5], 16), int(colour[5:7], 16)


def text_colour(background: str) -> str:
    """Black or white, whichever reads better on `background`."""
    luma = sum(w * c for w, c in zip(_LUMA, rgb(background), strict=True))
    return "#000000" if luma > _DARK_TEXT_ABOVE else "#ffffff"
