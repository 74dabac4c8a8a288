"""Sieve 6: groups: listed members, covering plurals, group entities and their split."""

from __future__ import annotations

from typing import TYPE_CHECKING

from .. import lexicon as L
from ..entities import Cluster, contradicts, noun_match, type_compatible
from ..nouns import hypernyms, noun_info
from .counted_cover import most_recent_count, newcomer_of_a_set, set_of_two
from .group_lists import (
    GROUP_NAME,
    apposed_names_join,
    group_name,
    group_of_listed,
    listed_after,
    listed_names,
    member_takes_plural_kind,
    new_named_members,
)
from .kin_groups import new_kin_of_owners
from .members import ages_apart, all_of_a_count, learn_compared, one_of_set, owners_of_their, whole_set_despite_age
from .pronouns import clause_subjects, plural_scene, resolve
from .relative import learn_kin, most
from .words import REST_WORDS

if TYPE_CHECKING:
    from ..linker import LinkContext
    from ..mentions import Mention

NAME = "groups"


def run(ctx: LinkContext) -> None:
    """A plural whose members the text lists ("two brothers: a teenager and a boy") is those members,
    not an entity of its own (each member learns the plural's noun and gender). A covering plural ("both", "the
    two of them", "the pair", "the boys", "the two women") marks each entity it covers present: a
    group entity of the scene when there is one, else the scene's entities of a fitting kind, noun
    and gender (as many as its count says; when the scene has too few, the story's entities bearing its noun
    if they are exactly that many). A foreground plural that covers nobody ("an elderly
    couple", "three hikers") is one group entity, and "the couple" / "the pair" later finds it. A
    singular that singles one member out ("the drummer", "the eldest", "one twin") is the first member of a
    counted plural nobody has singled out yet; a definite plural naming an animal group's members more
    generally ("the birds" after "a pair of swans") covers that group. A kin term with an owner that singled a
    member out ("Ioane, her younger brother") teaches both their relation, as the relative sieve's do."""
    for m in ctx.mentions:
        if m.skip is not None or m.linked_by not in (None, "apposition"):
            continue
        if m.kind == "name" and group_name(ctx, m):
            continue
        if m.linked_by == "apposition" and not _named_newcomer(ctx, m):
            continue
        own = ctx.cluster(m)
        # the phrase and those before it of its entity ("The youngest, a skinny boy"); a later "its owner" that found
        # this entity does not make an indefinite introduction single out a member
        singled = [m] + [x for x in (own.mentions if own is not None else []) if x.start <= m.start]
        if m.kind in ("noun", "relative") and not m.plural and m.type != "group" and (any(
                x.det in ("def", "poss") or x.kind == "relative" for x in singled) or listed_after(ctx, m)
                or _one_of(ctx, m)):
            member = _unclaimed(ctx, m)
            if member is not None and ctx.link(m, member, NAME):
                member.claimed = True  # "The youngest, a skinny boy ...": one of the three brothers
                learn_compared(m, member)
                apposed_names_join(ctx, m, member)
            elif member is None and m.det in ("def", "poss") and m.type in ("person", "any"):
                _split_pair(ctx, m)
            continue
        if _names_of_known_members(ctx, m):
            continue
        members = [x for x in ctx.mentions if x.member_of == m.index and x.skip is None] or new_named_members(ctx, m)
        if members:
            for x in members:
                x.nouns.add(m.lemma)
                c = ctx.cluster(x)
                if c is not None:
                    c.nouns.add(m.lemma)
                    c.gender = c.gender or m.gender  # "two brothers, Tariq and Sipho": each is male
                    member_takes_plural_kind(m, x, c)
            ctx.cover(m, [c for x in members if (c := ctx.cluster(x)) is not None], NAME)
            continue
        if group_of_listed(ctx, m):
            continue
        if m.kind == "cover" or m.kind == "noun" and (m.plural or m.type == "group"):
            _cover(ctx, m)
    learn_kin(ctx)


def _names_of_known_members(ctx: LinkContext, m: Mention) -> bool:
    """A definite plural that refers back ("his two younger brothers", "the sisters") and lists names for its
    members ("..., Ines and Marta") names the entities it refers back to, one by one in order, when those are
    story entities with no name yet and at least as many as the new names: the names do not bring new characters
    (an indefinite plural's listed names are its members, as before)."""
    if m.kind != "noun" or not m.plural or m.det not in ("def", "poss"):
        return False
    names = listed_names(ctx, m)
    if not names or any((c := ctx.cluster(x)) is None or c.entry is not None
                        or any(y.kind == "name" and y is not x for y in c.mentions) for x in names):
        return False
    for x in names:
        x.member_of = None  # the plural refers back: resolve it as if the names were not there
    _cover(ctx, m)
    known = [c for cid in ctx.covers.get(m.index, []) if (c := ctx.clusters.get(cid)) is not None
             and c.entry is not None and not c.names]
    if len(known) < len(names):
        for x in names:
            x.member_of = m.index
        if m.index in ctx.covers:
            del ctx.covers[m.index]
        m.linked_by = None
        return False
    for x, c in zip(names, known, strict=False):  # more known members than names: the first ones are named
        if ctx.link(x, c, NAME):
            c.claimed = True
    return True


def _one_of(ctx: LinkContext, m: Mention) -> bool:
    """"One dog" (the numeral one, no determiner): one of a counted plural of the story, not a newcomer."""
    tok = ctx.prompt.doc[m.head]
    return m.count == 1 and m.det == "none" and any(c.dep_ == "nummod" and c.lower_ == "one" for c in tok.children)


def _split_pair(ctx: LinkContext, m: Mention) -> None:
    """"the husband" after "a young couple": the couple's entity becomes the first member the text singles
    out (the other member, when named, is a new entity), but not a job word that the sentence introducing the
    couple sets beside it (`_job_beside_pair`)."""
    pairs = [c for c in ctx.candidates(m) if c.group and c.group_key is None and not _job_beside_pair(m, c)
             and (c.group_size == 2 or c.nouns & L.PAIR_NOUNS) and ctx.in_scene(c, m)]
    if len(pairs) != 1:
        return
    c = pairs[0]
    c.group, c.group_size, c.type = False, None, "person"
    if not ctx.link(m, c, NAME):
        c.group, c.group_size, c.type = True, 2, "group"


def _job_beside_pair(m: Mention, c: Cluster) -> bool:
    """A job word ("the pilot", "the guide") in the very sentence that introduces a couple ("a couple boards the
    boat while the skipper starts the engine") is someone who works beside the couple: a sentence that brings the
    two in does not also single one of them out by a job the couple does not bear (the pair's own noun, "the
    dancer" of "a pair of dancers", still may)."""
    return m.kind == "noun" and m.category == "occupation" and not noun_match(m, c) \
        and any(x.sent == m.sent and x.start < m.start for x in c.mentions)


def _unclaimed(ctx: LinkContext, m: Mention) -> Cluster | None:
    """The first member of a counted plural no description has singled out yet that `m` may be."""
    own = ctx.cluster(m)
    if own is not None and own.entry is None and len(own.mentions) > 1 and any(x.kind == "name" for x in own.mentions) \
            and not _named_newcomer(ctx, m):
        return None
    if m.kin is not None and m.owner is not None and ctx.prompt.doc[m.owner].lower_ == "their":
        return None  # "their uncle" after "two brothers" is the uncle of both, not one of them
    cands, within, theirs = ctx.candidates(m), one_of_set(ctx, m), owners_of_their(ctx, m)
    # a member is within reach while its group is: itself, or a member of its group singled out already,
    # in this prompt or the previous one ("the bassist" two prompts after "a four-piece band" and "the singer")
    near = {c.group_key for c in cands
            if c.group_key and (ctx.in_scene(c, m) or c.entry is None or _names_the_set(m, c))}
    for c in sorted(cands, key=lambda c: c.cid):
        if not c.unclaimed_member or c.group_key not in near or within is not None and c.cid not in within \
                or c.cid in theirs and not noun_match(m, c):
            continue
        if not type_compatible(m, c) or contradicts(m, c) is not None:
            continue
        if m.kind == "relative" or noun_match(m, c) or m.category in ("generic", "kinship", "epithet", "occupation"):
            return c
    return None


def _names_the_set(m: Mention, c: Cluster) -> bool:
    """A definite singular says the word the story named a counted set by, its noun or the modifier that made it
    ("the taller twin" of "two twin brothers", "the eldest sister" of "three sisters"), so it reaches that set
    out of the scene too: the word, not who was last on screen, says which set the member is of. A general
    noun ("the man" of "two men") does not: it fits too many newcomers."""
    return m.det == "def" and m.category != "generic" and (m.lemma in c.descriptors or noun_match(m, c))


def _named_newcomer(ctx: LinkContext, m: Mention) -> bool:
    """`m` describes a name this prompt introduces in apposition ("Lani, the girl in pink", "Koa, her
    brother"): after a counted plural whose members nobody has singled out ("two kids"), the name is one
    of them (the description says which kind of member), not a new character."""
    own = ctx.cluster(m)
    return m.linked_by == "apposition" and m.kind == "noun" and m.det in ("def", "poss") and own is not None \
        and own.entry is None and any(x.kind == "name" for x in own.mentions)


def _members(ctx: LinkContext, m: Mention) -> list[Cluster]:
    """All members of the counted plural whose noun `m` repeats ("the sisters" after "three sisters"), or whose
    modifier it makes a noun of ("the twins" after "twin boys")."""
    keys = {c.group_key for c in ctx.clusters.values()
            if c.group_key and (noun_match(m, c) or m.lemma in c.descriptors)}
    return [c for c in ctx.clusters.values() if c.group_key in keys]


def _owner(ctx: LinkContext, m: Mention) -> Cluster | None:
    """The one entity that owns a possessive plural ("his companions", "the captain's crewmates"): a singular
    pronoun resolved as the pronoun sieve would, or the possessor's phrase; None for "their" or no owner."""
    if m.det != "poss" or m.owner is None:
        return None
    x = ctx.prompt.by_head(m.owner)
    if x is None or x.plural or x.skip is not None:
        return None
    if x.kind == "pronoun":
        return ctx.cluster(x) or resolve(ctx, x)
    return ctx.cluster(x)


def _plural_owners(ctx: LinkContext, m: Mention) -> set[Cluster]:
    """The entities "their" stands for in a possessive plural of people ("the girls chase a goose while their parents
    laugh"): found as the pronoun sieve will find them. Someone's parents, friends or rivals are never those
    someones, so the plural leaves them out."""
    if m.det != "poss" or m.owner is None or m.kind != "noun" or m.type not in ("person", "any"):
        return set()
    x = ctx.prompt.by_head(m.owner)
    if x is None or x.kind != "pronoun" or not x.plural or x.skip is not None:
        return set()
    return set(plural_scene(ctx, x, clause_subjects(ctx, x)))


def _co_members(ctx: LinkContext, m: Mention, owner: Cluster | None) -> list[Cluster]:
    """A plural of people owned by one entity ("his companions", "her teammates", "his friends") is never that
    entity: when the owner is a member of a counted plural ("three cyclists"), it is the plural's other members
    (someone's companions in a group story are the rest of the group, not an animal that shares the scene)."""
    if owner is None or owner.group_key is None or m.kind != "noun" or not m.plural \
            or m.type not in ("person", "any", "group"):
        return []
    others = [c for c in ctx.members_of(owner.group_key) if c is not owner]
    if m.count is not None and m.count != len(others):
        return []
    return [c for c in others if type_compatible(m, c) and contradicts(m, c) is None]


def _cover(ctx: LinkContext, m: Mention) -> None:
    if m.det == "new" and m.kind == "noun" or new_kin_of_owners(ctx, m):
        return  # "another crew", "a second pair", "their grandparents": a new group, never one the story has
    rest = _the_rest(ctx, m)
    if rest:
        ctx.cover(m, rest, NAME)
        return
    listed = [c for c in ctx.candidates(m) if GROUP_NAME + m.lemma in c.nouns] if m.det in ("def", "poss") else []
    if len(listed) >= 2:
        ctx.cover(m, listed, NAME)  # "the family" after "a family ...: a father, a mother and two girls"
        return
    owner = _owner(ctx, m)
    co = _co_members(ctx, m, owner) or newcomer_of_a_set(ctx, m, owner, NAME)
    if co:
        ctx.cover(m, co, NAME)
        return
    members = _members(ctx, m) if m.kind == "noun" and m.det != "indef" else []
    if members and (m.count is None or m.count == len(members)):
        ctx.cover(m, members, NAME)
        return
    if not members and (pair := set_of_two(ctx, m)):
        ctx.cover(m, pair, NAME)
        return
    picked = most(m, members, m.count) if members and m.count is not None else None
    if picked is not None:  # "the two older brothers" of three: the two eldest
        ctx.cover(m, picked, NAME)
        return
    group_noun = m.type == "group"
    groups = [c for c in ctx.candidates(m) if c.group and (noun_match(m, c) or group_noun and _size_fits(m, c)
                                                            or m.kind == "cover" and _size_fits(m, c)
                                                            or _members_named_more_generally(m, c))]
    groups = _by_word(m, _by_colour(m, groups))
    recent = [c for c in groups if ctx.in_scene(c, m)] or groups
    if group_noun and m.plural and m.kind == "noun" and m.det in ("def", "poss", "none") and len(groups) >= 2:
        # "both crews", "the two teams": the story's groups of that noun, the most recent first
        n = m.count or len(groups)
        if len(groups) >= n:
            ctx.cover(m, (recent + [c for c in groups if c not in recent])[:n], NAME)
            return
    if recent and (m.det in ("def", "poss", "none") or m.kind == "cover"):
        if ctx.cluster(m) is None:
            _join(ctx, m, recent[0])
        elif not ctx.link(m, recent[0], NAME) and m.kind == "noun" and (m.plural and (
                noun_match(m, recent[0]) or _members_named_more_generally(m, recent[0])) or group_noun):
            # "the teenagers" after "a gang of teenagers": by its members' noun; "the crew" after "a women's eight"
            ctx.cover(m, [recent[0]], NAME)
        return
    if m.det == "indef" and m.kind == "noun":
        return  # a new group: its own cluster becomes the entity
    group = _group_of(ctx, m)
    if group is not None:
        ctx.cover(m, [group], NAME)
        return
    owners = ({owner} if owner is not None else set()) | _plural_owners(ctx, m)
    scene = [c for c in plural_scene(ctx, m, owners) if not c.group and _fits(m, c)]
    scene = whole_set_despite_age(ctx, m, scene, plural_scene(ctx, m, owners))
    need = m.count or 2
    if m.count is not None and m.kind == "noun" and m.category != "generic" and m.lemma not in L.COVER_NOUNS:
        # "the two brothers" when exactly two entities of the story bear the noun: they, even if one of them is
        # not in the recent scene and someone else is ("the two brothers" with their cousin on screen)
        bearers = [c for c in ctx.candidates(m) if not c.group and noun_match(m, c) and contradicts(m, c) is None]
        if len(bearers) == m.count and any(c not in bearers for c in scene[:need]):
            scene = bearers
    if len(scene) < need and m.kind == "noun":
        # "the boys" in a prompt whose own characters are a dog and a boar: the scene goes on from the
        # previous prompt
        scene += [c for i in ctx.previous if (c := ctx.clusters.get(i)) is not None and c not in scene
                  and not c.group and _fits(m, c)]
    if len(scene) < need and m.kind == "noun" and m.category not in ("generic",) and m.lemma not in L.COVER_NOUNS:
        # "both barbers", "the two witnesses": the story's entities of that noun, the most recent first
        story = [c for c in ctx.candidates(m) if not c.group and (noun_match(m, c) or any(
            hypernyms(m.lemma, n) for n in c.nouns)) and contradicts(m, c) is None]
        if len(story) >= need:
            scene = story
    if len(scene) < need and m.kind == "noun" and m.count is not None and m.det in ("def", "poss"):
        # "the two men" when the story has exactly two men, one of them not in the recent scene
        bearers = [c for c in ctx.candidates(m) if not c.group and noun_match(m, c) and contradicts(m, c) is None]
        if len(bearers) == m.count:
            scene = bearers
    if m.count is not None and (len(scene) != m.count or _mixed_scene(scene)) \
            and (counted := _recent_counted_set(ctx, m)):
        scene = counted
    scene = all_of_a_count(ctx, m, scene)
    if m.count is not None and len(scene) < m.count and (recent_count := most_recent_count(ctx, m)):
        scene = recent_count  # fewer than the count in the scene: the most recent that make it up
    if m.count is not None and len(scene) > m.count:
        # more fit than the count says ("the two of them" after a woman, her grandson and a robin): people
        # before animals and machines, then the most recent
        scene = sorted(scene, key=lambda c: c.type not in ("person", "any"))[:m.count]
    if len(scene) >= 2 or scene and m.count == 1:
        ctx.cover(m, scene, NAME)
        if m.kind == "noun" and (m.count == len(scene) or m.category == "kinship"):
            for c in scene:  # "the two sisters": each of them is a sister ("the older sister" picks among both)
                c.nouns.add(m.lemma)
    elif m.det in ("def", "poss") and m.kind == "noun" and m.plural and (members := _counted_set(ctx, m)):
        ctx.cover(m, members, NAME)
    elif recent_count := most_recent_count(ctx, m):
        ctx.cover(m, recent_count, NAME)
    elif m.det in ("def", "poss") and m.kind == "noun" and m.plural:
        m.skip = "unresolved plural"  # "the three women" that covers nobody known refers back, it starts nobody
        own = ctx.cluster(m)
        if own is not None and own.entry is None and own.mentions == [m]:
            del ctx.clusters[own.cid]
        m.entity = None


def _counted_set(ctx: LinkContext, m: Mention) -> list[Cluster]:
    """A definite plural of people that found nobody by its noun ("the newlyweds", "both children") takes in the
    members of the most recently seen counted plural ("a honeymooning couple", "two cousins") when it has as many
    as the phrase counts and none of them contradicts it."""
    seen: set[str] = set()
    for c in ctx.candidates(m):  # most recent first
        if c.group_key is None or c.group_key in seen:
            continue
        seen.add(c.group_key)
        members = ctx.members_of(c.group_key)
        if len(members) >= 2 and (m.count is None or m.count == len(members)) \
                and all(_member_fits(m, x, counted=m.count is not None) for x in members):
            return members
    return []


def _member_fits(m: Mention, c: Cluster, counted: bool = False) -> bool:
    """A member of a counted set fits a plural that may take it in: nothing contradicts it, and a group word ("the
    pair", "the trio") takes in members of any kind (the group word is the set's, not each member's kind) once
    the text has singled each out. A plural that counts exactly the set's members ("all three daughters") takes
    in a member whatever age its noun suggests: "girls" and "daughters" are said of grown sisters too, and the
    count names the set."""
    if m.type == "group":  # of members the text has singled out (a set never split is the group word's own)
        return c.type in ("person", "any", "animal", "creature", "robot") and c.claimed
    return type_compatible(m, c) and contradicts(m, c) in ((None, "age") if counted and _kin_set(m, c) else (None,))


def _kin_set(m: Mention, c: Cluster) -> bool:
    """The plural or the member is known by a kin word ("all three daughters", "three sisters"): kin words and the
    plain words said of kin ("the girls") hold at any age, but "both kids" is never a middle-aged couple."""
    return m.category == "kinship" or any((info := noun_info(n)) is not None and info.category == "kinship"
                                          for n in c.nouns)


#: how many prompts back "the others" looks for the member who was singled out ("the youngest slips", then "the
#: other two ...", then "the remaining climbers"); further back, who was singled out no longer says who is left
RECENT_PROMPTS = 2


def _the_rest(ctx: LinkContext, m: Mention) -> list[Cluster]:
    """A plural that says "other" or "remaining" ("the other two", "the others", "the remaining climbers") is the
    members of a counted plural that the text has not singled out: those singled out before it in this prompt, else
    in the last prompt that singled one out (`RECENT_PROMPTS`): "the youngest slips and limps back", then "the
    other two reach the ledge"."""
    doc = ctx.prompt.doc
    tok = doc[m.head]
    if not m.plural or m.kind not in ("cover", "noun") or not (tok.lower_ in REST_WORDS or any(
            c.dep_ in ("amod", "advmod") and c.lemma_.lower() in REST_WORDS for c in tok.children)):
        return []
    singled = {c.cid for x in ctx.mentions if x.start < m.start and x.skip is None and not x.plural
               and x.index not in ctx.covers and (c := ctx.cluster(x)) is not None and c.group_key}
    for back in range(1, RECENT_PROMPTS + 1):
        prev = ctx.registry.results.get(ctx.prompt_index - back)
        if singled or prev is None:
            break
        singled = {e.entity_id for e in prev.entities if any(r.kind != "group" for r in e.references)}
    keys = [c.group_key for c in ctx.candidates(m) if c.group_key and c.cid in singled]
    for key in keys[:1]:
        rest = [c for c in ctx.members_of(key) if c.cid not in singled]
        if rest and (m.count is None or m.count == len(rest)) and all(contradicts(m, c) is None for c in rest):
            return rest
    return []


def _by_colour(m: Mention, groups: list[Cluster]) -> list[Cluster]:
    """Groups are told apart by the colour they wear ("the purple crew", "the team in red"): when the phrase names a
    colour, the groups known by it, else those not known by another colour."""
    if not m.colours:
        return groups
    same = [c for c in groups if c.colours & m.colours]
    return same or [c for c in groups if not c.colours]


def _by_word(m: Mention, groups: list[Cluster]) -> list[Cluster]:
    """The groups the text has called by the phrase's own word come first ("the couple" is the group called a
    couple, even when a crew came in since), then the others, each most recent first: a group word fits any
    group by size, but the text keeps the word it chose for a group."""
    return sorted(groups, key=lambda c: not noun_match(m, c))


def _recent_counted_set(ctx: LinkContext, m: Mention) -> list[Cluster]:
    """A counted cover ("all three", "the trio", "the three of them") whose scene holds another number of entities
    is the story's most recent counted plural of exactly that many ("three swimmers"), when one of its members is in
    this prompt or the previous one: a count names the set the text introduced with it, not whoever happens to be
    on screen (a swimmer and the woman who waved at him are not "all three")."""
    members = _counted_set(ctx, m)
    return members if any(ctx.in_scene(c, m) for c in members) else []


def _mixed_scene(scene: list[Cluster]) -> bool:
    """The scene's entities are not all of one counted set: some of them came in on their own (a bird that landed
    beside two of three painters). A count then names the set the text introduced with it ("all three" are the
    painters) rather than whoever happens to make up that number on screen."""
    return len({c.group_key for c in scene}) > 1 or any(c.group_key is None for c in scene)


def _group_of(ctx: LinkContext, m: Mention) -> Cluster | None:
    """A definite plural of what a group's members are ("the musicians" after "a string quartet",
    "their rivals" for another crew) is that group of people, when no single character of the story
    bears the plural's noun, the plural is not a kin word ("the twins" are two people), the group is
    not already in the sentence ("the dancers bow to the onlookers"), and one such group is in the
    scene (else in the story)."""
    if m.kind != "noun" or not m.plural or m.det not in ("def", "poss") or m.category == "kinship" \
            or m.type not in ("person", "any", "group"):
        return None
    if m.det == "poss" and (m.owner is None or ctx.prompt.doc[m.owner].lower_ != "their"):
        return None  # "his trainers" belong to one person; "their rivals" to a group
    cands = ctx.candidates(m)
    if any(not c.group and (noun_match(m, c) or any(hypernyms(m.lemma, n) for n in c.nouns)) for c in cands):
        return None
    in_sentence = {x.entity for x in ctx.mentions if x.sent == m.sent and x.start < m.start} | {
        cid for idx, cids in ctx.covers.items() if ctx.mentions[idx].sent == m.sent for cid in cids}
    groups = [c for c in cands if c.group and c.group_key is None and c.type in ("group", "person", "any")
              and _size_fits(m, c) and _of_people(c) and c.cid not in in_sentence]
    recent = [c for c in groups if ctx.in_scene(c, m)] or groups
    return recent[0] if len(recent) == 1 else None


def _of_people(c: Cluster) -> bool:
    """No noun of the group names animals or things ("a pair of mallards" is not a group of people)."""
    return all((info := noun_info(n)) is None or info.type in ("person", "any", "group") for n in c.nouns)


def _join(ctx: LinkContext, m: Mention, c: Cluster) -> None:
    c.absorb(m)
    m.entity = c.cid
    m.linked_by = NAME


def _members_named_more_generally(m: Mention, c: Cluster) -> bool:
    """A definite plural that names a group's members more generally or more specifically in WordNet ("the
    birds" after "a flock of starlings"), the group made of animals, creatures, robots or vehicles (whose
    members are not told apart)."""
    return m.plural and m.kind == "noun" and m.det in ("def", "poss") and m.type in ("animal", "creature", "robot") \
        and any(hypernyms(m.lemma, n) for n in c.nouns)


def _size_fits(m: Mention, c: Cluster) -> bool:
    """A counted phrase fits a group of its size, and a group of unknown size fits any count, except that "the
    pair", "both", "the two" are never a group the text called by a word for many (a band, a troop, a gang, a
    crew) without counting it: two people are called a pair, a couple or a duo, a group word of its own, so the
    two are a counted set the scene holds beside the crowd-like group ("their grandparents", counted by no word
    for many, may still be two)."""
    if c.group_size is None:
        return m.count != 2 or not _called_many(c)
    return m.count is None or m.count == c.group_size


def _called_many(c: Cluster) -> bool:
    """A noun of the group is a word for a group of people other than a pair word ("band", "troop", "crew")."""
    return any((info := noun_info(n)) is not None and info.type == "group" and n not in L.PAIR_NOUNS
               and n not in L.NUMBER_WORDS for n in c.nouns)


def _fits(m: Mention, c: Cluster) -> bool:
    """A covered entity is of the plural's kind, gender and (unless it is a cover word) noun."""
    if m.kind == "cover" or m.lemma in L.COVER_NOUNS or m.type == "group":
        return (type_compatible(m, c) or m.type == "group") and not ages_apart(m, c)
    if not type_compatible(m, c) or m.gender and c.gender and m.gender != c.gender:
        return False
    if m.category in ("generic", "kinship") and m.type in ("person", "any"):
        return contradicts(m, c) is None  # "the boys", "the sisters": every person of the scene that fits
    return noun_match(m, c) or any(hypernyms(m.lemma, n) for n in c.nouns) or m.category in ("generic", "epithet")
