"""Sieve: a noun that calls a being only by its size ("the giant", "the runt") names the one entity that size."""

from __future__ import annotations

from dataclasses import replace
from typing import TYPE_CHECKING

from ..entities import compared_size, contradicts
from .words import SIZE_NOUNS

if TYPE_CHECKING:
    from ..entities import Cluster
    from ..linker import LinkContext
    from ..mentions import Mention

NAME = "size_noun"


def run(ctx: LinkContext) -> None:
    """A definite singular phrase headed by a size noun (data/sieves.json size_nouns: "the giant", "the
    behemoth", "the runt") that no earlier sieve linked names the one entity of the story described with that
    size ("a towering freighter" ... "the giant"; "a huge loader robot" ... "the giant"; "the smallest pup" ...
    "the runt"), whatever its kind: the storyteller calls a ship, a machine or a beast by its bulk, and the word
    otherwise starts a new fairy-tale person. An entity the text already calls by that noun is the head match's.
    Nothing is decided when two entities have that size, or none has."""
    for m in ctx.open(("noun",)):
        side = SIZE_NOUNS.get(m.lemma or "")
        if side is None or m.det != "def" or m.plural or m.count is not None or m.relative_cue:
            continue
        size = "large" if side > 0 else "small"
        fits = [c for c in ctx.candidates(m) if _sized(m, c, size)]
        if len(fits) == 1:
            m.type = fits[0].type
            ctx.link(m, fits[0], NAME)


def _sized(m: Mention, c: Cluster, size: str) -> bool:
    """The entity was described with that size (or a comparative gave it), and is one being, not a group, whose
    kind the phrase does not contradict."""
    if c.group or c.unclaimed_member or (c.size or compared_size(c)) != size:
        return False
    return contradicts(replace(m, type=c.type), c) is None
