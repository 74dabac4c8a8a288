"""Sieve 5: WordNet synonym / hypernym match, and general nouns for a salient entity."""

from __future__ import annotations

from typing import TYPE_CHECKING

from ..entities import generic_fit, related_match
from .head_match import pick

if TYPE_CHECKING:
    from ..linker import LinkContext

NAME = "wordnet"


def run(ctx: LinkContext) -> None:
    """A definite or possessive singular noun phrase refers to an entity one of whose nouns it names
    more generally or more specifically in WordNet ("the bird" for the seagull, "the trout" for "a
    fish"), or, for a general noun ("the man", "the girl", "the newcomer", "the creature"), to a
    compatible entity of this prompt or the previous one. Attributes must not contradict; shared
    descriptive words decide, then recency. An indefinite phrase of another noun is a new entity."""
    for m in ctx.open(("noun",)):
        if m.det in ("new", "indef") or m.plural:
            continue
        cands = [c for c in ctx.candidates(m) if related_match(m, c)]
        if not cands and (generic_fit(m) or m.type == "creature" and m.category == "creature"):
            cands = [c for c in ctx.candidates(m) if ctx.in_prompt(c, m) or ctx.in_previous(c)]
        best = pick(ctx, m, cands)
        if best is not None:
            ctx.link(m, best, NAME)
