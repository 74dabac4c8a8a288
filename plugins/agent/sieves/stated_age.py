"""Sieve: a general person word with an age adjective names the one entity the story described as that old."""

from __future__ import annotations

from typing import TYPE_CHECKING

from .. import lexicon as L
from ..entities import Cluster, contradicts, generic_fit, implied_age, noun_match

if TYPE_CHECKING:
    from ..linker import LinkContext
    from ..mentions import Mention

NAME = "stated_age"


def run(ctx: LinkContext) -> None:
    """A definite singular phrase whose head only says who someone is in general ("the old woman", "the elderly
    man") and whose adjective states old age names the one compatible person the story described as old ("an
    elderly ferry operator", "an old lady", "the grandmother") when every entity that shares its head noun was
    never called old ("a woman with a backpack", "a slim blonde woman"): a shot list re-describes a character by
    look and keeps the age it showed, while a bare "woman" or "man" is shared by half the cast, so the stated age
    says who is meant more surely than the general head. With two old candidates, or an old one among those
    sharing the head, the later sieves decide as before.
    So too a kin word that makes its bearer old, said without an owner ("the grandmother", "the old grandfather"),
    that no entity bears yet (nor its relation): a story introduces its grandmother by look ("an old woman in a
    sari") and names her by her family role later."""
    for m in ctx.open(("noun",)):
        if m.det != "def" or m.plural or m.type not in ("person", "any") or m.relative_cue:
            continue
        elder = _elder_kin_word(m)
        if not elder and (m.age != "old" or not m.modifiers & L.AGE_OLD or not generic_fit(m)):
            continue
        people = [c for c in ctx.candidates(m) if c.type == "person" and not c.group and c.entry is not None
                  and contradicts(m, c) is None]
        same_head = [c for c in people if noun_match(m, c)]
        aged = [c for c in people if called_old(c)]
        if elder and any(m.kin in c.kin.values() for c in people):
            continue  # someone already is a grandparent in the story: the relative sieve's
        if elder and same_head or not elder and not same_head or len(aged) != 1 \
                or any(called_old(c) for c in same_head):
            continue
        ctx.link(m, aged[0], NAME)


def called_old(c: Cluster) -> bool:
    """The story said the entity is old: an age class of old (an adjective, or a noun such as "grandmother"), an
    old-age word among its descriptions, or grey or white hair ("a grey-haired man", whose noun made him an adult)."""
    return c.age == "old" or bool(c.descriptors & L.AGE_OLD) or bool(
        c.descriptors & L.OLD_HAIR_COLOURS and c.descriptors & L.HAIR_WORDS)


def _elder_kin_word(m: Mention) -> bool:
    """A kin noun without an owner whose rough age is old ("the grandmother"; data/sieves.json age_years)."""
    return m.category == "kinship" and m.owner is None and implied_age(m.lemma) == "old"
