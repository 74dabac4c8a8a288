"""Sieve: a general person word with an age adjective names the one entity the story described as that old."""

from __future__ import annotations

from typing import TYPE_CHECKING

from .. import lexicon as L
from ..entities import Cluster, contradicts, generic_fit, noun_match

if TYPE_CHECKING:
    from ..linker import LinkContext

NAME = "stated_age"


def run(ctx: LinkContext) -> None:
    """A definite singular phrase whose head only says who someone is in general ("the old woman", "the elderly
    man") and whose adjective states old age names the one compatible person the story described as old ("an
    elderly ferry operator", "an old lady", "the grandmother") when every entity that shares its head noun was
    never called old ("a woman with a backpack", "a slim blonde woman"): a shot list re-describes a character by
    look and keeps the age it showed, while a bare "woman" or "man" is shared by half the cast, so the stated age
    says who is meant more surely than the general head. With two old candidates, or an old one among those
    sharing the head, the later sieves decide as before."""
    for m in ctx.open(("noun",)):
        if m.det != "def" or m.plural or m.type != "person" or m.relative_cue or m.age != "old" \
                or not m.modifiers & L.AGE_OLD or not generic_fit(m):
            continue
        people = [c for c in ctx.candidates(m) if c.type == "person" and not c.group and c.entry is not None
                  and contradicts(m, c) is None]
        same_head = [c for c in people if noun_match(m, c)]
        aged = [c for c in people if called_old(c)]
        if not same_head or len(aged) != 1 or any(called_old(c) for c in same_head):
            continue
        ctx.link(m, aged[0], NAME)


def called_old(c: Cluster) -> bool:
    """The story said the entity is old: an age class of old (an adjective, or a noun such as "grandmother"), an
    old-age word among its descriptions, or grey or white hair ("a grey-haired man", whose noun made him an adult)."""
    return c.age == "old" or bool(c.descriptors & L.AGE_OLD) or bool(
        c.descriptors & L.OLD_HAIR_COLOURS and c.descriptors & L.HAIR_WORDS)
