"""Sieve 6: groups: listed members, covering plurals, group entities and their split."""

from __future__ import annotations

from typing import TYPE_CHECKING

from .. import lexicon as L
from ..entities import Cluster, contradicts, noun_match, type_compatible
from ..nouns import hypernyms
from .pronouns import plural_scene

if TYPE_CHECKING:
    from ..linker import LinkContext
    from ..mentions import Mention

NAME = "groups"


def run(ctx: LinkContext) -> None:
    """A plural whose members the text lists ("two brothers: a teenager and a boy") is those members,
    not an entity of its own (each member learns the plural's noun). A covering plural ("both", "the
    two of them", "the pair", "the boys", "the two women") marks each entity it covers present: a
    group entity of the scene when there is one, else the scene's entities of a fitting kind, noun
    and gender (as many as its count says). A foreground plural that covers nobody ("an elderly
    couple", "three hikers") is one group entity, and "the couple" / "the pair" later finds it."""
    for m in ctx.mentions:
        if m.skip is not None or m.linked_by is not None:
            continue
        members = [x for x in ctx.mentions if x.member_of == m.index and x.skip is None]
        if members:
            for x in members:
                x.nouns.add(m.lemma)
                c = ctx.cluster(x)
                if c is not None:
                    c.nouns.add(m.lemma)
            ctx.cover(m, [c for x in members if (c := ctx.cluster(x)) is not None], NAME)
            continue
        if m.kind == "cover" or m.kind == "noun" and (m.plural or m.type == "group"):
            _cover(ctx, m)


def _cover(ctx: LinkContext, m: Mention) -> None:
    group_noun = m.type == "group"
    groups = [c for c in ctx.candidates(m) if c.group and (noun_match(m, c) or group_noun and _size_fits(m, c)
                                                            or m.kind == "cover" and _size_fits(m, c))]
    recent = [c for c in groups if ctx.in_prompt(c, m) or ctx.in_previous(c)] or groups
    if recent and (m.det in ("def", "poss", "none") or m.kind == "cover"):
        ctx.link(m, recent[0], NAME) if ctx.cluster(m) is not None else _join(ctx, m, recent[0])
        return
    if m.det == "indef" and m.kind == "noun":
        return  # a new group: its own cluster becomes the entity
    scene = [c for c in plural_scene(ctx, m) if not c.group and _fits(m, c)]
    if m.count is not None and len(scene) > m.count:
        scene = scene[:m.count]
    if len(scene) >= 2 or scene and m.count == 1:
        ctx.cover(m, scene, NAME)


def _join(ctx: LinkContext, m: Mention, c: Cluster) -> None:
    c.absorb(m)
    m.entity = c.cid
    m.linked_by = NAME


def _size_fits(m: Mention, c: Cluster) -> bool:
    return m.count is None or c.group_size is None or m.count == c.group_size


def _fits(m: Mention, c: Cluster) -> bool:
    """A covered entity is of the plural's kind, gender and (unless it is a cover word) noun."""
    if m.kind == "cover" or m.lemma in L.COVER_NOUNS or m.type == "group":
        return type_compatible(m, c) or m.type == "group"
    if not type_compatible(m, c) or m.gender and c.gender and m.gender != c.gender:
        return False
    if m.category in ("generic", "kinship") and m.type in ("person", "any"):
        return contradicts(m, c) is None  # "the boys", "the sisters": every person of the scene that fits
    return noun_match(m, c) or any(hypernyms(m.lemma, n) for n in c.nouns) or m.category in ("generic", "epithet")
