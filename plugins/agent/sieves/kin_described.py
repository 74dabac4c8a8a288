"""A kin term nobody's relations resolve, told apart by what the text described someone with before."""

from __future__ import annotations

from typing import TYPE_CHECKING

from ..entities import Cluster, contradicts
from ..modifiers import stated_comparative
from .words import AGE_YEARS, SIZE_WORDS

if TYPE_CHECKING:
    from ..linker import LinkContext
    from ..mentions import Mention


def kin_by_description(ctx: LinkContext, m: Mention, owner: Cluster) -> Cluster | None:
    """A kin term with an owner that no known relation resolves but that carries a description ("his aunt in the
    straw hat", "her grandfather with the walking stick") names the one entity of the story the text described
    with those words before ("a plump woman in a straw hat"): the kin term is news about who that one is to the
    owner, and the description repeats how the story told that one apart, as it would after any other noun. Only
    what it wears, holds or is described with counts (words shared with the owner or with another entity as well
    decide nothing), and an entity the owner already has another relation to is not it."""
    words = (m.descriptors | m.clothing) - _age_and_size(m)
    if not words:
        return None
    scored = [(len(words & (c.descriptors | c.clothing)), c) for c in ctx.candidates(m)
              if c is not owner and not c.group and contradicts(m, c) is None
              and c.cid not in owner.kin and owner.cid not in c.kin]
    best = max((n for n, _ in scored), default=0)
    top = [c for n, c in scored if n == best]
    return top[0] if best > 0 and len(top) == 1 else None


def _age_and_size(m: Mention) -> set[str]:
    """The age and size words of the phrase ("his little brother", "her older cousin"): they compare, and many
    share them, so they tell nobody apart here."""
    return {w for w in m.descriptors if w in AGE_YEARS or w in SIZE_WORDS or stated_comparative(w) is not None}
