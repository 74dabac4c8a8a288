"""Sieve: old_parent: "her father" of a grown owner is the one old person of the scene, not a newcomer."""

from __future__ import annotations

from typing import TYPE_CHECKING

from ..entities import called_old, contradicts, type_compatible
from .head_match import owner_of

if TYPE_CHECKING:
    from ..entities import Cluster
    from ..linker import LinkContext
    from ..mentions import Mention

NAME = "old_parent"

#: relations a person holds to someone a generation or two younger, whom the text tends to show as old
_ELDER_RELATIONS = frozenset({"parent", "grandparent"})


def run(ctx: LinkContext) -> None:
    """A parent or grandparent term with an owner ("her father", "his mother", "her grandfather") that the
    relative sieve could not place, of a grown owner the story did not call old (a child owner is left to the
    relative sieve), is the one person of the scene (this prompt before it, or the previous prompt) whom the
    story called old (an old man, an elderly woman, a grey-haired man), of a gender the term allows and not
    already related to the owner: an owner's parent who sits beside them is the old one on screen, as the
    relative sieve already says of a child's parent with a grown person. With two such people, or none, it does
    nothing."""
    for m in ctx.open(("noun",)):
        if m.kin not in _ELDER_RELATIONS or m.det != "poss" or m.plural:
            continue
        owner = owner_of(ctx, m)
        if owner is None or owner.group or called_old(owner) or owner.age == "child":
            continue  # a child's kin are the relative sieve's (the one grown person beside her, by generation)
        olds = [c for c in ctx.candidates(m) if _could_be(ctx, m, owner, c)]
        if len(olds) == 1:
            ctx.link(m, olds[0], NAME)


def _could_be(ctx: LinkContext, m: Mention, owner: Cluster, c: Cluster) -> bool:
    """An old person of the scene, not the owner nor already its relative, whom nothing in the phrase rules out."""
    return c is not owner and not c.group and c.type in ("person", "any") and called_old(c) \
        and ctx.in_scene(c, m) and c.cid not in owner.kin and owner.cid not in c.kin \
        and type_compatible(m, c) and contradicts(m, c) is None
