"""A definite counted plural covers the most recent entities that make up its count."""

from __future__ import annotations

from dataclasses import replace
from typing import TYPE_CHECKING

from .. import lexicon as L
from ..entities import contradicts, type_compatible

if TYPE_CHECKING:
    from ..entities import Cluster
    from ..linker import LinkContext
    from ..mentions import Mention


def most_recent_count(ctx: LinkContext, m: Mention) -> list[Cluster]:
    """A definite plural with a count ("the two women", "both drones", "the two mechanics", "the three
    climbers") that found nobody by its noun refers back to the story's entities, it brings in nobody: it covers
    the entities seen most recently that fit it (its kind, and nothing in it contradicts them: "women" takes no
    man, "old" no child), when exactly `count` of them fit. The scene is widened a prompt at a time, starting
    with this prompt's earlier sentences and going back, and the first widening that holds at least `count`
    fitting entities decides: exactly `count` are the plural; more is too unsure to pick from, so none. Someone
    singled out earlier in the same sentence ("its driver hunched low, ... the two mechanics") is beside the
    plural, not in it, and an entity said to be away ("with him gone") is left out. The noun is not required
    of each entity: the text often calls the same people by a new common noun ("the two backpackers" for a
    hiker and the woman who joined him). The same holds when the scene has fewer fitting entities than the count
    ("the three friends" when only two of them were in the previous prompt): the count, not the last prompt's
    cast, says how far back the plural reaches."""
    if m.count is None or m.count < 2 or m.kind != "noun" or not m.plural or m.det not in ("def", "poss"):
        return []
    beside = {x.entity for x in ctx.mentions if x.sent == m.sent and x.start < m.start and not x.plural
              and x.entity is not None}
    own = ctx.cluster(m)

    def fits(c: Cluster) -> bool:
        return c is not own and not c.group and c.cid not in beside and c.cid not in ctx.gone \
            and type_compatible(m, c) and contradicts(m, c) is None

    earlier = [c for c in ctx.clusters.values() if fits(c) and any(
        x.start < m.start and x.sent != m.sent for x in c.mentions)]
    by_id = {c.entry.entity_id: c for c in ctx.clusters.values() if c.entry is not None}
    window = list(earlier)
    if len(window) >= m.count:
        return window if len(window) == m.count else []
    for back in range(1, ctx.prompt_index + 1):
        prev = ctx.registry.results.get(ctx.prompt_index - back)
        if prev is None:
            break
        for e in prev.entities:
            c = by_id.get(e.entity_id)
            if c is not None and c not in window and fits(c):
                window.append(c)
        if len(window) >= m.count:
            return window if len(window) == m.count else []
    return []


def newcomer_of_a_set(ctx: LinkContext, m: Mention, owner: Cluster | None, sieve: str) -> list[Cluster]:
    """Someone brought in with an indefinite phrase in the same breath as "his/her N companions" ("A short girl
    drifts away from her three classmates", "a bearded man waves to his two companions") is one of a counted set
    of N + 1 the story introduced without singling anyone out ("four students", "three hikers"): a person's N
    friends in a story of a set of N + 1 are the rest of that set, and the newcomer its remaining member. The
    newcomer joins the set's first member (the text has told none apart yet) and the plural covers the others.
    Only when exactly one such set fits, none of its members was singled out, and nothing contradicts the join."""
    if owner is None or owner.entry is not None or owner.group_key is not None or m.det != "poss" \
            or m.count is None or m.kind != "noun" or m.type not in ("person", "any") or not owner.mentions:
        return []
    keys = {c.group_key for c in ctx.candidates(m) if c.group_key and c is not owner}
    sets = [ms for k in keys if len(ms := ctx.members_of(k)) == m.count + 1
            and not any(c.claimed or ctx.in_prompt(c) for c in ms) and all(type_compatible(m, c) for c in ms)]
    if len(sets) != 1:
        return []
    target = sets[0][0]
    if not ctx.link(owner.mentions[0], target, sieve):
        return []
    target.claimed = True
    return sets[0][1:]


def set_of_two(ctx: LinkContext, m: Mention) -> list[Cluster]:
    """A definite pair word ("the pair", "the couple", "the duo", "the elderly pair") names a counted set of two the
    story introduced ("an elderly couple", "two guards") when neither was in the last prompt and other people
    fill the scene: the word counts its members, so it reaches back to the most recent set of exactly two that
    nothing in the phrase contradicts ("the elderly pair" is not "two young cyclists"), a set the text introduced
    with a pair word first (it keeps the word it chose). Members someone singled out do not stop the set. A set
    in the scene is left to the scene's rules (they know who was listed in it and who stands beside it). When
    the scene itself holds exactly two people who fit and were not counted as a set ("a tall man meets a short
    woman ... the pair"), they are the pair (someone singled out earlier in the same sentence is beside it)."""
    if m.lemma not in L.PAIR_NOUNS or m.plural or m.kind != "noun" or m.det not in ("def", "poss"):
        return []
    beside = {x.entity for x in ctx.mentions if x.sent == m.sent and x.start < m.start and not x.plural}
    scene = [c for c in ctx.candidates(m) if ctx.in_scene(c, m) and not c.group and c.cid not in beside
             and c.type in ("person", "any") and contradicts(replace(m, type=c.type), c) is None]
    if len(scene) == 2 and (scene[0].group_key is None or scene[0].group_key != scene[1].group_key):
        return []
    sets: list[list[Cluster]] = []
    for c in ctx.candidates(m):  # most recent first
        if c.group_key is None or any(c in s for s in sets):
            continue
        members = ctx.members_of(c.group_key)
        if len(members) == 2 and not any(x.cid in ctx.gone or ctx.in_scene(x, m) for x in members) and all(
                x.type in ("person", "any") and contradicts(replace(m, type=x.type), x) is None for x in members):
            sets.append(members)
    paired = [s for s in sets if all(x.nouns & L.PAIR_NOUNS for x in s)]
    return (paired or sets or [[]])[0]
