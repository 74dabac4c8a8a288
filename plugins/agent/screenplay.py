"""Screenplay layout in a prompt: where its headings and directions are, and a character cue in capitals.

Shot lists written like screenplays put a scene heading before the action ("INT. BAKERY — DAWN."), give
directions in capitals ("CLOSE ON her hands", "CUT TO: the pier") and name a character in capitals in a cue
("THE GIRL'S POV:", "POV — THE PORTER:"). The parser reads a capitalised word as a proper noun, so a place in a
heading or the "ON" of a direction would be taken for a name; these helpers say where that layout is.
"""

from __future__ import annotations

import re
from typing import TYPE_CHECKING

from . import lexicon as L
from .nouns import noun_info

if TYPE_CHECKING:
    from spacy.tokens import Token

_START = r"(?:^|(?<=[.!?;:\u2014\u2013])\s+|(?<=\n))"
#: a scene heading: its marker, then capitals, digits and punctuation (no lower-case word) up to the sentence end
_SCENE_HEADING = re.compile(
    _START + r"((?:" + "|".join(sorted(map(re.escape, L.SCENE_HEADING_MARKERS), key=len, reverse=True))
    + r")\.?\s+[^a-z.!?]*[.!?]?)")
#: a direction: up to three words in capitals (no determiner) and a preposition in capitals ("CLOSE ON",
#: "PUSH IN ON", "CUT TO:")
_DIRECTION = re.compile(
    _START + r"((?:(?!THE\b|AN?\b)[A-Z][A-Z'-]*\s+){1,3}(?:" + "|".join(sorted(L.DIRECTION_PREPOSITIONS))
    + r")\b:?)(?=\s|$)")


def heading_spans(text: str) -> list[tuple[int, int]]:
    """Character spans of the prompt's scene headings ("INT. BAKERY — DAWN.", "EXT. QUARRY, WALES — DAY.") and
    capitalised directions ("CLOSE ON", "CUT TO:"): a heading names where and when, a direction how the camera
    moves, so neither holds a character (a capitalised place or preposition there is nobody's name)."""
    spans = [m.span(1) for m in _SCENE_HEADING.finditer(text)]
    spans += [m.span(1) for m in _DIRECTION.finditer(text)]
    return sorted(spans)


def capital_cue(tok: Token) -> bool:
    """A word in capitals after a capitalised "THE" that is a character noun in lower case ("THE GIRL'S POV",
    "POV — THE PORTER"): a screenplay's cue naming a character by its noun, not a proper name."""
    if not tok.text.isupper() or len(tok.text) < 2 or tok.i == 0 or tok.doc[tok.i - 1].text != "THE":
        return False
    info = noun_info(tok.lower_)
    return info is not None and info.type in ("person", "any", "animal", "creature", "robot")
