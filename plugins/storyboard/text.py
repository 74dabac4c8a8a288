"""The storyboard's font, its measurements, wrapping, and visible replacement of characters it cannot draw.

The font is DejaVu Sans when the system has it (wide coverage: accents, Greek, Cyrillic, arrows),
otherwise Pillow's own default (`ImageFont.load_default(size)`: a subset of Aileron Regular that
ships inside Pillow, ASCII and little more; Pillow's bitmap font without FreeType), so no font is
ever required. Its name and file are written into storyboard.json. A character the font has no
glyph for (it would draw the same as the font's "missing glyph" for a private-use code point), and
any control or format character, is drawn as `REPLACEMENT` instead: visibly, never silently
dropped and never a crash.
"""

from __future__ import annotations

import unicodedata
from functools import lru_cache

from PIL import ImageFont

REPLACEMENT = "?"
_MISSING_PROBE = "\U0010fffd"  # a private-use code point: no font draws it, so it shows the missing glyph
ELLIPSIS = "..."

FontType = ImageFont.FreeTypeFont | ImageFont.ImageFont
SYSTEM_FONTS = ("DejaVuSans.ttf",)  # looked up by Pillow in the system's font folders, first found wins
BUILTIN = "builtin"


class StoryFont:
    """One size of the storyboard's font: width of a text, line height, drawable text, wrapping."""

    def __init__(self, size: int) -> None:
        self.size = size
        self.font, self.file = _load(size)
        self.name = _font_name(self.font, self.file)
        ascent, descent = _metrics(self.font, size)
        self.line_height = ascent + descent + max(2, size // 5)
        self._missing = self._mask(_MISSING_PROBE)
        self._drawable: dict[str, bool] = {}

    def _mask(self, ch: str) -> tuple[tuple[int, int], bytes]:
        mask = self.font.getmask(ch)
        return mask.size, bytes(mask)

    def drawable(self, ch: str) -> bool:
        """Whether the font draws `ch` as a glyph of its own (spaces count as drawable)."""
        known = self._drawable.get(ch)
        if known is None:
            if ch == " ":
                known = True
            elif unicodedata.category(ch)[0] in ("C", "Z"):  # control, format, unassigned; other spaces
                known = False
            else:
                known = self._mask(ch) != self._missing
            self._drawable[ch] = known
        return known

    def clean(self, text: str) -> tuple[str, list[str]]:
        """`text` with every character the font cannot draw replaced by `REPLACEMENT` (line breaks and
        tabs become spaces); returns the text and the characters replaced, in order."""
        out: list[str] = []
        replaced: list[str] = []
        for ch in text:
            if ch in "\n\r\t":
                out.append(" ")
            elif self.drawable(ch):
                out.append(ch)
            else:
                out.append(REPLACEMENT)
                replaced.append(ch)
        return "".join(out), replaced

    def length(self, text: str) -> int:
        return int(round(self.font.getlength(text)))

    def wrap(self, text: str, width: int) -> list[str]:
        """Greedy word wrap to `width` pixels; a word wider than a line is broken between characters.
        The whole text is kept (no line is dropped)."""
        lines: list[str] = []
        line = ""
        for word in text.split(" "):
            if not word:
                continue
            trial = f"{line} {word}" if line else word
            if self.length(trial) <= width:
                line = trial
                continue
            if line:
                lines.append(line)
            while self.length(word) > width and len(word) > 1:
                cut = self._fit(word, width)
                lines.append(word[:cut])
                word = word[cut:]
            line = word
        if line or not lines:
            lines.append(line)
        return lines

    def _fit(self, word: str, width: int) -> int:
        """How many leading characters of `word` fit in `width` (at least one)."""
        n = 1
        while n < len(word) and self.length(word[: n + 1]) <= width:
            n += 1
        return n

    def shorten(self, text: str, width: int) -> str:
        """`text`, cut and ended with an ellipsis when wider than `width`."""
        if self.length(text) <= width:
            return text
        while text and self.length(text + ELLIPSIS) > width:
            text = text[:-1]
        return text + ELLIPSIS


def _load(size: int) -> tuple[FontType, str]:
    """The first system font of `SYSTEM_FONTS` found, else Pillow's built-in one; with its file (or "builtin")."""
    for name in SYSTEM_FONTS:
        try:
            font = ImageFont.truetype(name, size)
        except OSError:
            continue
        return font, str(font.path)
    return ImageFont.load_default(size=size), BUILTIN


def _font_name(font: FontType, file: str) -> str:
    if isinstance(font, ImageFont.FreeTypeFont):
        family, style = font.getname()
        return f"{family} {style}" + (" (Pillow's built-in font)" if file == BUILTIN else "")
    return "Pillow's built-in bitmap font"


def _metrics(font: FontType, size: int) -> tuple[int, int]:
    if isinstance(font, ImageFont.FreeTypeFont):
        ascent, descent = font.getmetrics()
        return int(ascent), int(descent)
    return size, 0


@lru_cache(maxsize=8)
def story_font(size: int) -> StoryFont:
    """The storyboard's font at `size` pixels (loaded once per size)."""
    return StoryFont(size)
