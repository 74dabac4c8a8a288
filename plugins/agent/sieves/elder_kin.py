"""Sieve: an elder kin word said without an owner ("the grandmother") for the one person the story made old."""

from __future__ import annotations

from typing import TYPE_CHECKING

from ..entities import called_old, contradicts, implied_age, noun_match

if TYPE_CHECKING:
    from ..linker import LinkContext
    from ..mentions import Mention

NAME = "elder_kin"


def run(ctx: LinkContext) -> None:
    """A definite singular kin word that makes its bearer old, said without an owner ("the grandmother", "the old
    grandfather"), that no entity bears yet (nor its relation) names the one compatible person the story described
    as old (`entities.called_old`) when nobody shares its noun: a story introduces its grandmother by look ("an
    elderly passenger in a green shawl") and names her by her family role later. With several old people, or one
    already a grandparent in the story (the relative sieve's), it decides nothing."""
    for m in ctx.open(("noun",)):
        if m.det != "def" or m.plural or m.type not in ("person", "any") or m.relative_cue or not elder_kin_word(m):
            continue
        people = [c for c in ctx.candidates(m) if c.type == "person" and not c.group and c.entry is not None
                  and contradicts(m, c) is None]
        if any(m.kin in c.kin.values() for c in people) or any(noun_match(m, c) for c in people):
            continue
        aged = [c for c in people if called_old(c)]
        if len(aged) == 1:
            ctx.link(m, aged[0], NAME)


def elder_kin_word(m: Mention) -> bool:
    """A kin noun without an owner whose rough age is old ("the grandmother"; data/sieves.json age_years)."""
    return m.category == "kinship" and m.owner is None and implied_age(m.lemma) == "old"
