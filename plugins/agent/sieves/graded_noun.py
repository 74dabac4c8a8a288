"""Sieve: graded_noun: "the elder" read as a noun is a comparison ("the older one") in a story with a set."""

from __future__ import annotations

from typing import TYPE_CHECKING

from ..modifiers import graded_word
from .seniority import side

if TYPE_CHECKING:
    from ..linker import LinkContext
    from ..mentions import Mention

NAME = "graded_noun"


def run(ctx: LinkContext) -> None:
    """A definite singular phrase whose head is itself an age comparative or superlative ("the elder", "the
    eldest"), which the parser reads as a noun (an elder of a village), is a comparison like "the older one" when
    the story has a counted set of two or more that it can choose from ("two brothers", "two fencers"): it is
    given the comparison, so the relative sieve picks among the set by age instead of a general-noun rule linking
    it to any grown person nearby (the woman who brought the coffee, the coach). It links nothing itself."""
    for m in ctx.open(("noun",)):
        if m.det != "def" or m.plural or m.compare is not None or m.owner is not None:
            continue
        graded = _age_graded(m)
        if graded is not None and _has_a_set(ctx, m):
            m.compare = graded


def _age_graded(m: Mention) -> tuple[str, int] | None:
    """The comparison an age comparative or superlative head says ("elder" -> ("age", 1)), else None."""
    if not m.lemma.endswith(("er", "est")):
        return None
    graded = graded_word(m.lemma)
    return graded if graded is not None and graded[0] == "age" else None


def _has_a_set(ctx: LinkContext, m: Mention) -> bool:
    """The story (or this prompt before `m`) has the members of a counted plural of two or more, one of them
    put on a side of age by the text ("the older one"): there is something to compare by. (Two monks nobody
    ranked leave "the elder" to the general rules, which still take one of the scene's people.)"""
    members = [c for c in ctx.candidates(m) if c.group_key is not None and not c.group]
    keys = [c.group_key for c in members]
    return any(keys.count(c.group_key) >= 2 and side(c, False) is not None for c in members)
