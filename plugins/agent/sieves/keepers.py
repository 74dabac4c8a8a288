"""Keeper nouns ("its owner", "the greyhound's rider"): whose keeper a person was made, and who is then not
another animal's."""

from __future__ import annotations

from collections.abc import Callable
from typing import TYPE_CHECKING

from .words import KEEPER_NOUNS

if TYPE_CHECKING:
    from ..entities import Cluster
    from ..linker import LinkContext
    from ..mentions import Mention

#: the relation recorded in a person's `kin` toward the animal, creature, robot or vehicle it keeps (no kin
#: generation, never shared by siblings)
KEEPER = "keeper"
KEPT = ("animal", "creature", "robot", "vehicle")


def learn_keepers(ctx: LinkContext, owner_of: Callable[[LinkContext, Mention], Cluster | None]) -> None:
    """Record, for each person named by a keeper noun with an owner ("its owner, a man in a navy coat"), that this
    person keeps that owner (an animal, creature, robot or vehicle); a relation stated first is kept. `owner_of`
    resolves a possessive's owner (head_match's, passed in: head_match itself asks `keeps_another`)."""
    for m in ctx.mentions:
        if m.lemma not in KEEPER_NOUNS or m.plural or m.skip is not None:
            continue
        own, owner = ctx.cluster(m), owner_of(ctx, m)
        if own is None or owner is None or own is owner or own.group or owner.group or owner.type not in KEPT:
            continue
        own.kin.setdefault(owner.cid, KEEPER)


def keeps_another(c: Cluster, kept: Cluster) -> bool:
    """The person was introduced as the keeper of another animal (or creature, robot, vehicle) than `kept`: "the
    greyhound's owner" is not the man the story made the terrier's owner. A teller who meant him again would call
    him by what he is ("the man in the navy coat"), not by a pet he was never given."""
    return any(rel == KEEPER and cid != kept.cid for cid, rel in c.kin.items()) and c.kin.get(kept.cid) != KEEPER
