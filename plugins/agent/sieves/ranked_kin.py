"""Sieve: ranked_kin: "his older daughter" for a newcomer whose children are a set the story already has."""

from __future__ import annotations

from typing import TYPE_CHECKING

from ..entities import contradicts, type_compatible
from .compare import extreme
from .head_match import owner_of
from .seniority import stated_rank

if TYPE_CHECKING:
    from ..entities import Cluster
    from ..linker import LinkContext
    from ..mentions import Mention

NAME = "ranked_kin"


def run(ctx: LinkContext) -> None:
    """A kin term ranked by age with an owner ("his older daughter", "her younger son", "his eldest grandson")
    whose owner the story has given no kin yet is one of the story's one counted set of siblings that could be
    that kin (members of one plural: "two sisters ... the elder ..., the younger ..."), picked by the side of age
    the text put them on (`stated_rank`), else by their ages: a parent or grandparent who walks in later speaks of
    the children the story already has, and the rank word says which one. Without this the phrase starts a new
    character, or takes whichever member nobody had singled out. The relation is then learnt as any kin term's
    (the relative sieve's `learn_kin`), so a later "her father" finds the owner."""
    for m in ctx.open(("noun",)):
        if m.kin is None or m.det != "poss" or m.plural or m.compare is None or m.compare[0] != "age":
            continue
        owner, own = owner_of(ctx, m), ctx.cluster(m)
        if owner is None or owner.group or any(own is None or cid != own.cid for cid in owner.kin):
            continue  # an owner with kin of its own: the relative sieve's kin rules say who they are
        sets = _sibling_sets(ctx, m, owner)
        if len(sets) != 1:
            continue
        target = stated_rank(m, sets[0]) or extreme(m, sets[0])
        if target is not None:
            ctx.link(m, target, NAME)


def _sibling_sets(ctx: LinkContext, m: Mention, owner: Cluster) -> list[list[Cluster]]:
    """The story's counted sets (members of one plural) of two or more that the phrase may pick from: none of
    them the owner, each of a kind and gender the phrase allows."""
    sets: dict[str, list[Cluster]] = {}
    for c in ctx.candidates(m):
        if c.group_key is not None and c is not owner and not c.group:
            sets.setdefault(c.group_key, []).append(c)
    return [members for members in sets.values() if len(members) >= 2
            and all(type_compatible(m, c) and contradicts(m, c) is None for c in members)]
