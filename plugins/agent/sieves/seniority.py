"""Sieve: seniority: which member a bare "the elder" / "the youngest" singled out, kept for later comparisons."""

from __future__ import annotations

from typing import TYPE_CHECKING

from ..modifiers import graded_word
from .words import SIZE_WORDS

if TYPE_CHECKING:
    from ..entities import Cluster
    from ..linker import LinkContext
    from ..mentions import Mention

NAME = "seniority"


def run(ctx: LinkContext) -> None:
    """A bare comparative or superlative of age that singled a character out ("two sons: the elder ..., the
    younger ...", "three sisters: the eldest ..., the youngest ...", "the older one") is kept on that character as
    the word the text used, as "the older boy" keeps "older" through its noun: the bare phrase has no noun to carry
    it, so without this a later "the younger brother", "the youngest son" or "the little one" has nothing to tell
    the members apart by and falls back on rough ages that are all the same. It links nothing itself."""
    for m in ctx.mentions:
        if m.kind != "relative" or m.skip is not None or m.compare is None or m.compare[0] != "age":
            continue
        c = ctx.cluster(m)
        word = _graded_word_of(m)
        if c is not None and not c.group and word is not None:
            c.descriptors.add(word)


def _graded_word_of(m: Mention) -> str | None:
    """The age comparative or superlative the phrase says ("elder", "youngest", "older"), as written."""
    words = [w for w in m.text.lower().split() if w.endswith(("er", "est")) and graded_word(w) == m.compare]
    return words[-1] if words else None


def side(c: Cluster, superlative: bool) -> int | None:
    """The one side of age the text put the entity on by a comparative word (by a superlative when `superlative`):
    +1 older, -1 younger; None when it said neither or both."""
    ending = "est" if superlative else ("er", "est")
    sides = {d[1] for w in c.descriptors if w.endswith(ending) and (d := graded_word(w)) is not None and d[0] == "age"}
    return next(iter(sides)) if len(sides) == 1 else None


def stated_rank(m: Mention, scope: list[Cluster]) -> Cluster | None:
    """The one of the scope the text already put on the side of age that the phrase asks for ("the younger
    brother" for the one called "the younger", "the youngest son" for the one called "the youngest" of three):
    what the text said outranks rough ages. A comparative word counts when the scope is two, or when the text
    told exactly two of the scope apart, one each way, or the one it placed is one of a counted pair ("two
    daughters: the younger ..."; a parent beside the pair does not blur it); otherwise
    only a superlative said of a superlative (of three, "the older one" of a pair said earlier need not be the
    oldest). A size word among people nobody gave a size ("the little one", "the big one" of two brothers)
    compares their ages, as a child is smaller than an adult: the little one is the younger. None when not
    exactly one fits."""
    if m.compare is None or len(scope) < 2:
        return None
    attr, direction = m.compare
    if attr == "size" and not any(c.size or c.descriptors & SIZE_WORDS.keys() for c in scope):
        attr = "age"
    if attr != "age" or direction == 0:
        return None
    said = [c for c in scope if side(c, False) == direction]
    opposite = [c for c in scope if side(c, False) == -direction]
    pair = [c for c in scope if said and c.group_key is not None and c.group_key == said[0].group_key]
    if len(said) == 1 and (len(scope) == 2 or len(opposite) == 1 or len(pair) == 2):
        return said[0]
    if len(scope) > 2 and any(w.endswith("est") for w in m.text.lower().split()):
        said = [c for c in scope if side(c, True) == direction]
        return said[0] if len(said) == 1 else None
    return None
