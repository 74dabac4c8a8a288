"""What singling a member out says about it: "the smallest of the three" is the small one from then on."""

from __future__ import annotations

from typing import TYPE_CHECKING

from ..entities import AGE_ORDER, contradicts, type_compatible
from ..modifiers import of_objects
from .pronouns import clause_subjects, plural_scene

if TYPE_CHECKING:
    from ..entities import Cluster
    from ..linker import LinkContext
    from ..mentions import Mention


def learn_compared(m: Mention, member: Cluster) -> None:
    """A comparative or superlative of size that singled a member of a counted set out ("the smallest of the
    three", "the taller one") makes that member the small (large) one, so that a later "the little one" or "the
    big one" finds it among members the text never described by size. (Age is left alone: "the eldest" is
    already known by its own word, and a size says nothing of age.)"""
    if m.compare is None or member.size is not None:
        return
    attr, direction = m.compare
    if attr == "size" and direction != 0:
        member.size = "small" if direction < 0 else "large"


def all_of_a_count(ctx: LinkContext, m: Mention, scene: list[Cluster]) -> list[Cluster]:
    """"all" + a count + a noun ("all three workers", "all four climbers") refers back to that many characters,
    never brings new ones: when fewer than that many of the scene bear the noun (the text called them by names,
    kin words or other jobs), the count takes the people of this prompt and the previous one that the story already
    had (not a newcomer of this prompt), the most recent first, when there are at least that many."""
    if m.count is None or len(scene) >= m.count or m.kind != "noun" or m.det == "poss":
        return scene
    tok = ctx.prompt.doc[m.head]
    if not any(c.dep_ in ("det", "predet") and c.lower_ == "all" for c in tok.children):
        return scene
    here = [c for x in ctx.mentions if x.start < m.start and x.skip is None
            for cid in ctx.covers.get(x.index, [] if x.entity is None else [x.entity])
            if (c := ctx.clusters.get(cid)) is not None]
    previous = [ctx.clusters[i] for i in ctx.previous if i in ctx.clusters]
    out: list[Cluster] = []
    for c in here + previous:
        if c not in out and not c.group and type_compatible(m, c) and c.type in ("person", "any") \
                and c.entry is not None:  # (refers back: not someone this prompt brings in)
            out.append(c)
    return out[:m.count] if len(out) >= m.count else scene


def ages_apart(m: Mention, c: Cluster) -> bool:
    """A group word's age ("the retired pair", "the elderly couple", "the young pair") is every member's: it
    takes in no one whose age is two steps or more away (a girl and a boy are not "the retired pair", whoever
    stands nearest). The word names a group, so the kind check of `contradicts` (a group is not a person) is
    left out; only the age is compared."""
    return bool(m.age and c.age and abs(AGE_ORDER[m.age] - AGE_ORDER[c.age]) >= 2)


def one_of_set(ctx: LinkContext, m: Mention) -> set[int] | None:
    """The entities "one of" picks among, when `m` is "one of the Xs" or set beside it ("One of the girls, a tiny
    redhead, ...", "a stout woman, one of the nurses, ..."): those its "of" phrase covers, once resolved. The one
    singled out is a member of that set, not the first member of some other counted plural of the story (the
    husband of a couple that came in first is not "one of the girls"). None when no such phrase says."""
    doc = ctx.prompt.doc
    beside = [m] + [x for x in ctx.mentions if x.appos_of == m.index] + (
        [ctx.mentions[m.appos_of]] if m.appos_of is not None else [])
    for x in beside:
        tok = doc[x.head]
        if tok.lower_ != "one":
            continue
        for o in of_objects(tok):
            y = ctx.prompt.by_head(o.i)
            cids = ctx.covers.get(y.index) if y is not None else None
            if cids:
                return set(cids)
    return None


def whole_set_despite_age(ctx: LinkContext, m: Mention, scene: list[Cluster], near: list[Cluster]) -> list[Cluster]:
    """"the girls" or "the boys" for a counted set of sisters or brothers takes in every member the scene holds,
    the grey-haired eldest too: a plain plural of people ("girls", "boys", "lads") is said of grown siblings and
    friends, so when every entity it took in is of one counted set, a member of that set in the scene (`near`)
    that only its age kept out is one of them as well. Someone of no set (the sisters' old mother) stays out."""
    if m.kind != "noun" or not m.plural or m.count is not None or m.det not in ("def", "poss") or not scene:
        return scene
    keys = {c.group_key for c in scene}
    key = next(iter(keys))
    if len(keys) != 1 or key is None:
        return scene
    more = [c for c in near if c.group_key == key and c not in scene and contradicts(m, c) == "age"]
    return scene + more


def owners_of_their(ctx: LinkContext, m: Mention) -> set[int]:
    """The members of a counted set that "their" stands for, in a person it owns ("their coach", "their guide"),
    found as the pronoun sieve will find them: someone a group stands in a relation to is none of the group
    ("Their coach, a stern woman" after "three swimmers" is no swimmer; "their guide" after "four climbers" no
    climber), unless they bear the owned noun themselves ("their teacher" after "two teachers and a class").
    Only when "their" is exactly one whole counted set: when it is a mixed scene (a set and whoever stands beside
    it), whom it stands for is too unsure to rule a member out. A comparison that picks within a set ("their
    youngest") is a relative mention and still singles one out."""
    if m.owner is None or m.kind == "relative" or ctx.prompt.doc[m.owner].lower_ != "their":
        return set()
    x = ctx.prompt.by_head(m.owner)
    if x is None or x.kind != "pronoun" or x.skip is not None:
        return set()
    owners = plural_scene(ctx, x, clause_subjects(ctx, x))
    keys = {c.group_key for c in owners}
    if len(keys) != 1 or None in keys or set(ctx.members_of(owners[0].group_key or "")) != set(owners):
        return set()  # "their" is not exactly one counted set
    return {c.cid for c in owners}
