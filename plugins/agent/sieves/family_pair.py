"""Sieve: a pair of bare kin nouns ("Mother and son") names the characters the story made those relatives."""

from __future__ import annotations

from typing import TYPE_CHECKING

from ..kin_pairs import joined_kin_nouns
from .relative import kin_bearer

if TYPE_CHECKING:
    from ..linker import LinkContext

NAME = "family_pair"


def run(ctx: LinkContext) -> None:
    """A kin noun of a joined pair of bare kin nouns ("Mother and son knead dough", "Father and daughter walk
    home") is the one entity the story made that relative of someone ("her son" made her a mother), as "the
    mother" would be. It runs before the head-noun and WordNet sieves, which would take "Mother" for whichever
    woman was mentioned last; the relation is what the teller names the pair by. (Alone, a bare kin word may be
    a form of address or a name, so only the joined pair counts.)"""
    doc = ctx.prompt.doc
    for m in ctx.open(("noun",)):
        if m.kin is None or m.det != "none" or m.plural or m.owner is not None or not joined_kin_nouns(doc[m.head]):
            continue
        target = kin_bearer(ctx, m)
        if target is not None:
            ctx.link(m, target, NAME)
