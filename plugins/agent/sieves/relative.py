"""Sieve 5: relative descriptions (comparatives, "the other", ordinals, "the one in Y", kin terms)."""

from __future__ import annotations

from typing import TYPE_CHECKING

from .. import lexicon as L
from ..entities import Cluster, contradicts, handled_things, noun_match, overlap, related_match, type_compatible
from ..modifiers import number_value, of_objects
from ..nouns import noun_info, reciprocal, synonyms
from ..proper_names import KUNYA_PREFIXES
from ..resources import verb_word
from .compare import bearers_of_the_noun, extreme, generations_above, kin_extreme, of_its_colour, of_stated_age
from .compare import most as most  # the groups sieve takes it from here
from .head_match import owner_of, pick
from .keepers import keeps_another, learn_keepers
from .kin_described import kin_by_description
from .kin_scene import kin_in_scene
from .salience import described_here
from .seniority import stated_rank
from .words import (
    KEEPER_NOUNS,
    KIN_THROUGH,
    SIBLING_SHARED_KIN,
    counterpart_noun,
)

if TYPE_CHECKING:
    from ..linker import LinkContext
    from ..mentions import Mention

NAME = "relative"


def run(ctx: LinkContext) -> None:
    """A description that picks one of several known characters refers to the one that fits, read from the attributes
    given when they were introduced: a comparative or superlative of age or size ("the elder sister", "the smaller
    of the two", "the taller man") to the extreme one (among those of the colour it states, when any is: "the little
    black one"); "the other (one)" to the one of the set not just mentioned; "the first / second (jogger)" by order
    of introduction; "the one with/in Y" (and a repeated noun with Y) to the one sharing Y; a kin term with an owner
    ("his brother", "her grandson") to the entity with that relation to the owner (or the one other entity sharing
    that kin noun; a parent or sibling of an animal, else the one grown animal of its type in the scene: "its
    mother" of a lamb; a parent of a child, undescribed where it stands, else the one grown person of this prompt or
    the previous one not already related to the child: "her father" for the gardener she ran to; another kin term
    nobody bears, undescribed, to the one unrelated newcomer the prompt introduced before it: "A boy runs in. The
    groom hugs his little brother"; the spouse of "Umm Nabil" to "Abu Nabil"); a definite kin term without an owner
    ("the grandmother") to the one entity with that relation to anybody; a counterpart noun ("her opponent") to the
    one the owner was paired with, else the one other person of the scene; a keeper noun of an animal, creature,
    robot or vehicle ("its handler") to the one person with it (paired with it, else the one person named before it
    in the prompt, else the one of the previous prompt).
    A definite agent noun no entity bears ("the leader", "the winner") is the one entity of this prompt or the
    previous one that was the subject of the verb it is made from ("leads", "won"), else the one entity of those
    prompts it shares an adjective with ("the little dancer" for the little girl). Every kin term with an owner,
    however it was linked ("Tobi, her grandson" by apposition), teaches both entities their relation, so a later
    "his grandmother" finds her through it; siblings share parents, grandparents, aunts and uncles, and siblings; a
    relation no entity was given holds through one between ("the uncle" is the brother of the boy's mother)."""
    learn_kin(ctx)  # relations stated earlier in the prompt ("Chuy, Luz's brother, ... his sister")
    compared: list[tuple[Mention, list[Cluster], Cluster]] = []  # this prompt's comparisons: (phrase, set, pick)
    for m in ctx.open(("noun", "relative")):
        if m.det == "new" or m.plural:
            continue
        target = None
        scope = _scope(ctx, m)
        if (m.kin is not None or counterpart_noun(m.lemma) or m.lemma in KEEPER_NOUNS) and m.owner is not None:
            target = _kin(ctx, m)
        elif m.other:  # "the other twin": the other one of the set, before "twin" is read as a kin term
            target = _other(ctx, m, scope)
        elif m.kin is not None and m.det == "def" and (m.compare is None or kin_bearer(ctx, m) is not None):
            target = kin_bearer(ctx, m)  # "the grandmother": the one the story made a grandparent
        elif m.compare is not None and m.det != "indef":  # "a shorter man" introduces one, picks none; "the
            # older child" whom no relation names compares like any other noun
            scope = of_its_colour(m, scope or _scene_for_a_role(ctx, m))  # "the little black one": among the
            # black ones first
            scope = scope + _kin_across_generations(ctx, m, scope)
            named = [c for c in scope if noun_match(m, c)] if m.kind == "noun" else []
            target = _opposite_of_a_pair(m, compared) or stated_rank(m, scope) or kin_extreme(m, scope) or (
                scope[0] if len(scope) == 1 else named[0] if len(named) == 1 and len(scope) > 1
                and m.category != "generic" else extreme(m, scope))  # "the older cousin" when one is the cousin
            if target is not None:
                compared.append((m, scope, target))
        elif m.ordinal is not None:  # "the first", "the second one", "the first jogger", "the last dog"
            ordered = sorted(scope, key=lambda c: (c.entry is None, c.order if c.entry is None else c.cid))
            titled = ordinal_title(m, ctx.candidates(m))
            if titled is not None:
                target = titled
            elif len(ordered) >= 2 and (0 < m.ordinal <= len(ordered) or m.ordinal == -1):
                target = ordered[m.ordinal - 1 if m.ordinal > 0 else -1]
        elif m.stated_age is not None and m.kind == "relative":
            target = of_stated_age(m.stated_age, scope)
        elif m.descriptors and (m.kind == "relative" or len(scope) >= 2 and m.det in ("def", "poss")):
            target = _by_description(m, scope)
        if target is None and m.kind == "noun" and m.det == "def" and not m.relative_cue and not _keeps(m):
            target = doer(ctx, m) or _described(ctx, m)  # "the leader" for the one who led
        if target is None and m.kind == "noun" and m.relative_cue and m.det != "indef" and not _keeps(m):
            # nothing to choose between: the phrase is matched like any other ("the older man" alone)
            target = pick(ctx, m, [c for c in ctx.candidates(m) if noun_match(m, c)])
        if target is not None:
            ctx.link(m, target, NAME)
    learn_kin(ctx)


def _keeps(m: Mention) -> bool:
    """A keeper noun with an owner ("the spaniel's owner"): `_keeper` alone says who it is, not another entity
    that bears the noun (the poodle's owner) or did its verb."""
    return m.lemma in KEEPER_NOUNS and m.owner is not None


def _opposite_of_a_pair(m: Mention, compared: list[tuple[Mention, list[Cluster], Cluster]]) -> Cluster | None:
    """A comparison that answers one made earlier in the prompt ("the younger baker kneads; the older one frowns",
    "the taller guard ... the shorter one") is the other member of the pair the first one chose from: the opposite
    comparative of the same quality names the one the first set aside, wherever the last prompts placed others."""
    if m.compare is None:
        return None
    for x, scope, chosen in reversed(compared):
        if x.compare == (m.compare[0], -m.compare[1]) and len(scope) == 2 and contradicts(m, scope[0]) is None \
                and contradicts(m, scope[1]) is None:
            return scope[0] if scope[1] is chosen else scope[1]
    return None


def _kin_across_generations(ctx: LinkContext, m: Mention, scope: list[Cluster]) -> list[Cluster]:
    """A comparison of age whose noun only one entity bears ("the younger tailor" when only the uncle was called a
    tailor) also weighs the relatives the story put a generation or more from that one (his nephew, working beside
    him): "younger" says there is another, and a relative of another generation is the one an age comparison
    with him is about."""
    if len(scope) != 1 or m.compare is None or m.compare[0] != "age":
        return []
    return [c for c in ctx.candidates(m) if c is not scope[0] and not c.group and generations_above(c, scope[0])
            and contradicts(m, c) is None]


def _scene_for_a_role(ctx: LinkContext, m: Mention) -> list[Cluster]:
    """A definite comparison by a role noun nobody in the story bears ("the shorter barber" after "a tall man and a
    short man trim a beard") compares the characters of this prompt and the previous one that nothing in
    it contradicts: the role is what they are doing, and the definite comparative says the set is known."""
    if m.kind != "noun" or m.det != "def" or m.category != "occupation":
        return []
    return [c for c in ctx.candidates(m) if not c.group and type_compatible(m, c) and contradicts(m, c) is None
            and ctx.in_scene(c, m)]


def ordinal_title(m: Mention, cands: list[Cluster]) -> Cluster | None:
    """An ordinal the story already gave one entity together with the phrase's noun is part of that entity's title,
    not an order among the scene's entities: "the first officer" after "her first officer, a man in a cap", "the
    second violinist" after "a second violinist" was named, "the third mate" for the one the story called that.
    That entity, when it is the only one with both the noun and the word."""
    words = {w for w in m.modifiers if w.isalpha()} & {w for c in cands for w in c.descriptors}
    if not m.nouns or not words:
        return None
    titled = [c for c in cands if m.nouns & c.nouns and words & c.descriptors and contradicts(m, c) is None]
    return titled[0] if len(titled) == 1 else None


def kin_bearer(ctx: LinkContext, m: Mention) -> Cluster | None:
    """A definite kin term with no owner ("the grandmother"): the one entity the story made that relative of
    anybody ("Jakub, her grandson" taught it), or, when none was, the one related so through an entity between
    ("the uncle" when the story only said whose brother he is and whose son the boy is)."""
    kin = m.kin
    if kin is None:
        return None
    bearers = [c for c in ctx.candidates(m) if not c.group and contradicts(m, c) is None
               and kin in c.kin.values()]
    if not bearers:
        bearers = [c for c in ctx.candidates(m) if not c.group and contradicts(m, c) is None
                   and any(_related_through(ctx, c, o, kin) for o in ctx.clusters.values())]
    return bearers[0] if len(bearers) == 1 else None


def learn_kin(ctx: LinkContext) -> None:
    """Record what each entity named by a kin term with an owner is to that owner, and the reverse
    ("her grandson" -> grandchild of her, she his grandparent); a relation stated first is kept."""
    for m in ctx.mentions:
        if m.kin is None or m.plural or m.skip is not None:
            continue
        own = ctx.cluster(m)
        owner = owner_of(ctx, m)
        if own is None or owner is None or owner is own or own.group or owner.group:
            continue
        own.kin.setdefault(owner.cid, m.kin)
        back = reciprocal(m.kin)
        if back is not None:
            owner.kin.setdefault(own.cid, back)
    learn_keepers(ctx, owner_of)  # "its owner": whose keeper he is, so that he is no other animal's


def learn_plural_kin(ctx: LinkContext) -> None:
    """A kin plural that covers its members teaches their relations: "two brothers", "the twins" are siblings of
    each other; "his two grandsons", "her daughters" are that relative of the owner, and siblings of each other
    (a plain "two children" says nothing of kinship). So a later "her little brother" or "their grandfather"
    finds the one the plural took in. A relation stated first is kept."""
    for idx, cids in ctx.covers.items():
        m = ctx.mentions[idx]
        if m.kind != "noun" or m.kin is None or len(cids) < 2:
            continue
        members = [c for cid in cids if (c := ctx.clusters.get(cid)) is not None and not c.group]
        owner = owner_of(ctx, m)
        if owner is not None and not owner.group and owner not in members:
            back = reciprocal(m.kin)
            for c in members:
                c.kin.setdefault(owner.cid, m.kin)
                if back is not None:
                    owner.kin.setdefault(c.cid, back)
        if m.kin == "sibling" or owner is not None and m.kin in ("child", "grandchild"):
            for a in members:
                for b in members:
                    if a is not b:
                        a.kin.setdefault(b.cid, "sibling")


def _related(c: Cluster, other: Cluster, relation: str) -> bool:
    """`c` is `relation` to `other`, as either of them recorded it."""
    back = reciprocal(relation)
    return c.kin.get(other.cid) == relation or back is not None and other.kin.get(c.cid) == back


def _related_through(ctx: LinkContext, c: Cluster, other: Cluster, relation: str) -> bool:
    """`c` is `relation` to `other` through one entity between them (KIN_THROUGH: an uncle is a sibling of a
    parent), as the story recorded both steps."""
    steps = KIN_THROUGH.get(relation)
    if steps is None or c is other or c.group or other.group:
        return False
    return any(_related(c, mid, steps[0]) and _related(mid, other, steps[1])
               for mid in ctx.clusters.values() if mid is not c and mid is not other and not mid.group)


def _scope(ctx: LinkContext, m: Mention) -> list[Cluster]:
    """The characters a relative description chooses among: those of the mention's noun (or kind)
    in this prompt or the previous one, else anywhere in the story (and always the story's for a comparison
    over a set named by a plural or group noun: "the youngest of the team"). A comparison by a kin noun two
    entities bear compares those ("the taller brother"); one over a number ("the older of the two") the entities
    that fit the plural phrase of that count before it. A possessive phrase never names its owner ("her older
    cousin" is not she)."""
    general = m.kind != "noun" or m.category in ("generic", "kinship", "epithet")
    owner = owner_of(ctx, m) if m.det == "poss" else None
    cands = [c for c in ctx.candidates(m) if not c.group and type_compatible(m, c) and c.type != "vehicle"
             and c is not owner
             and (noun_match(m, c) or not general and related_match(m, c) or general and contradicts(m, c) is None)]
    cands = bearers_of_the_noun(m, cands)
    recent = [c for c in cands if ctx.in_scene(c, m)]
    if m.compare is not None and _of_a_whole_set(ctx, m) and len(cands) > len(recent):
        return cands  # "the youngest of the team": the whole team, not only those of the last two prompts
    if superlative_over_more(ctx, m, cands, recent):
        return cands
    scope = recent if len(recent) >= 2 and not _kin_bearer_left_out(m, recent, cands) else cands
    return _of_a_counted_set(ctx, m, scope) or _set_of_its_word(m, cands) or scope


def _kin_bearer_left_out(m: Mention, recent: list[Cluster], cands: list[Cluster]) -> bool:
    """A comparison by a kin noun ("the older cousin") when nobody of the last two prompts bears that noun but
    someone of the story does: the story's relatives are compared, not whoever stands nearby (the judge beside
    the cousin is no cousin)."""
    return m.category == "kinship" and m.compare is not None and not any(noun_match(m, c) for c in recent) \
        and any(noun_match(m, c) for c in cands)


def _set_of_its_word(m: Mention, cands: list[Cluster]) -> list[Cluster] | None:
    """A comparison by a word that the members of one counted set all bear, as a noun or a modifier ("the older
    Tamang" after "two Tamang brothers", "the taller cadet" after "three cadets"), compares that set's members,
    even when only some of them were in the last prompts and others stand near: the word names the set."""
    if m.compare is None or not m.lemma:
        return None
    keys = {c.group_key for c in cands if c.group_key is not None and m.lemma in c.nouns | c.descriptors}
    if len(keys) != 1:
        return None
    members = [c for c in cands if c.group_key in keys]
    return members if len(members) >= 2 and all(m.lemma in c.nouns | c.descriptors for c in members) else None


def superlative_over_more(ctx: LinkContext, m: Mention, cands: list[Cluster], recent: list[Cluster]) -> bool:
    """A superlative ("the oldest", "the smallest pup") picks among three or more: when the last two prompts hold
    fewer than three of its kind and the story holds more, it compares the story's (the eldest of three sisters is
    the eldest of all three even when only two were in the last shots)."""
    tok = ctx.prompt.doc[m.head]
    sup = tok.tag_ in ("JJS", "RBS") or any(t.tag_ in ("JJS", "RBS") for t in tok.children)
    return m.compare is not None and sup and len(recent) < 3 <= len(cands)


def _of_a_counted_set(ctx: LinkContext, m: Mention, scope: list[Cluster]) -> list[Cluster] | None:
    """"The older of the two" after "both children" in the prompt: the scene's entities that fit that plural
    phrase of the same count (not the grandmother beside them), when exactly that many do."""
    obj = next(iter(of_objects(ctx.prompt.doc[m.head])), None)
    if obj is None:
        return None
    n = number_value(obj.text) or next((number_value(c.text) for c in obj.children if c.dep_ == "nummod"), None)
    if n is None or len(scope) <= n:
        return None
    plural = next((x for x in reversed(ctx.mentions) if x.start < m.start and x.count == n and x.kind == "noun"
                   and x.plural and x.skip is None), None)
    if plural is None:
        return None
    fits = [c for c in scope if type_compatible(plural, c) and contradicts(plural, c) is None]
    return fits if len(fits) == n else None


def _of_a_whole_set(ctx: LinkContext, m: Mention) -> bool:
    """The comparison names its set by a plural or group noun ("the youngest of the team", "the tallest of the
    hikers"), not by a number ("the older of the two") or a pronoun."""
    tok = ctx.prompt.doc[m.head]
    return any(c.dep_ == "prep" and c.lower_ == "of" and any(
        o.dep_ == "pobj" and o.pos_ == "NOUN" and (o.tag_ == "NNS" or getattr(noun_info(o.lemma_.lower()), "type",
                                                                                None) == "group")
        for o in c.children) for c in tok.children)


def _other(ctx: LinkContext, m: Mention, scope: list[Cluster]) -> Cluster | None:
    """The one of the scope not named in the mention's sentence before it, or, when that sentence names none
    of them, in the nearest earlier sentence of the prompt that does ("X holds up Y's arm. The other bows").
    After a bare "one" of this sentence or the one before that no sieve has linked yet ("Two herons wade. One
    lands; the other ..."), that one is the first of the set not named, so "the other" is the next; it is
    singled out now, as "one" will be, so no later description takes it as a member nobody has singled out."""
    before = [x for x in ctx.mentions if x.start < m.start and x.sent <= m.sent]
    if any(x.one and x.entity is None and m.sent - 1 <= x.sent for x in before):
        named = {ctx.cluster(x) for x in before if x.sent == m.sent}
        rest = sorted((c for c in scope if c not in named),
                      key=lambda c: (c.entry is None, c.order if c.entry is None else c.cid))[1:]
        if len(rest) == 1 and rest[0].unclaimed_member:
            rest[0].claimed = True
        return rest[0] if len(rest) == 1 else None
    mentioned: set[Cluster | None] = set()
    for sent in sorted({x.sent for x in before}, reverse=True):
        mentioned = {ctx.cluster(x) for x in before if x.sent == sent}
        if any(c in mentioned for c in scope):
            break
    rest = [c for c in scope if c not in mentioned]
    same = _of_the_same_kind(ctx, m, rest, [c for c in scope if c in mentioned])
    if same is not None:
        return same
    return rest[0] if len(rest) == 1 or rest and len(scope) == 2 else None


def _of_the_same_kind(ctx: LinkContext, m: Mention, rest: list[Cluster], named: list[Cluster]) -> Cluster | None:
    """"The ginger cat jumps down and the other follows" with a sparrow about: "the other" is the other one of the
    named one's kind (the same kind of being, sharing a noun with it), when one is left; for an animal, creature,
    robot or vehicle, whose species noun stays put, also one of the story's further back when none is recent (a
    person's nouns change too freely for that: "the other" after "the boy" may be the girl beside him)."""
    def same_kind(c: Cluster) -> bool:
        return any(c.type == n.type and bool(c.nouns & n.nouns) for n in named)

    if not named:
        return None
    same = [c for c in rest if same_kind(c)]
    if not same and all(n.type in ("animal", "creature", "robot", "vehicle") for n in named):
        same = [c for c in ctx.candidates(m) if not c.group and c not in named and same_kind(c)]
    return same[0] if len(same) == 1 else None


def _by_description(m: Mention, scope: list[Cluster]) -> Cluster | None:
    scored = sorted(((overlap(m, c), c) for c in scope if contradicts(m, c) is None), key=lambda sc: -sc[0])
    if not scored or scored[0][0] == 0 or len(scored) >= 2 and scored[0][0] == scored[1][0]:
        return None
    return scored[0][1]


def _kin(ctx: LinkContext, m: Mention) -> Cluster | None:
    owner = owner_of(ctx, m)
    if owner is None:
        return None
    if m.lemma in KEEPER_NOUNS:
        return _keeper(ctx, m, owner)
    animal_kin = m.kin in ("parent", "sibling") and owner.type in ("animal", "creature")
    if (counterpart_noun(m.lemma) or animal_kin) and owner.type not in ("person", "any") \
            and m.type in ("person", "any"):
        m.type = owner.type  # "her mate" of a goose, "its mother" of a foal: a thing of the owner's kind
    owners = [owner]
    if m.kin in SIBLING_SHARED_KIN:
        owners += [c for c in ctx.candidates(m) if c is not owner and _related(c, owner, "sibling")]
    for who in owners:
        for c in ctx.candidates(m):
            if c is owner or c is who or contradicts(m, c) is not None:
                continue
            if m.kin is not None and _related(c, who, m.kin):
                return c
    if m.kin == "spouse":
        partner = _kunya_partner(ctx, m, owner)
        if partner is not None:
            return partner
    if m.kin is not None:  # "his uncle": nobody was called that, but his mother's brother is
        through = [c for c in ctx.candidates(m) if c is not owner and contradicts(m, c) is None
                   and _related_through(ctx, c, owner, m.kin)]
        if len(through) == 1:
            return through[0]
        described = kin_by_description(ctx, m, owner)  # "his aunt in the straw hat": the one in the straw hat
        if described is not None:
            return described
    same = [c for c in ctx.candidates(m) if c is not owner and not c.group and contradicts(m, c) is None
            and any(synonyms(m.lemma, n) for n in c.nouns) and ctx.in_scene(c, m)]
    if len(same) == 1:
        return same[0]
    if animal_kin:  # "its mother" of a foal: the one grown animal of the scene (not another young one)
        grown = [c for c in ctx.candidates(m) if c is not owner and not c.group and c.type == owner.type
                 and not c.nouns & L.JUVENILE_ANIMAL and contradicts(m, c) is None
                 and ctx.in_scene(c, m)]
        if len(grown) == 1:
            return grown[0]
    if m.kin == "parent" and owner.age == "child" and not described_here(ctx, m):
        # "her father" of a child, undescribed: the one grown person of the scene not already her relative
        grown = [c for c in ctx.candidates(m) if c is not owner and not c.group and c.type in ("person", "any")
                 and c.age not in ("child", "young") and contradicts(m, c) is None and c.cid not in owner.kin
                 and owner.cid not in c.kin and ctx.in_scene(c, m)]
        if len(grown) == 1:
            return grown[0]
    if m.kin is not None and m.kin != "parent" and not described_here(ctx, m):
        newcomer = _newcomer_kin(ctx, m, owner) or kin_in_scene(ctx, m, owner)
        if newcomer is not None:
            return newcomer
    if counterpart_noun(m.lemma):
        # "her opponent" of one of "two fencers": the other member of a set the owner was covered with
        mates = _set_mates(ctx, owner)
        fellows = [c for c in ctx.candidates(m) if c is not owner and not c.group and contradicts(m, c) is None
                   and (c.cid in mates or owner.group_key is not None and c.group_key == owner.group_key)]
        if len(fellows) == 1:
            return fellows[0]
    if counterpart_noun(m.lemma):  # "his opponent", "her partner": the one other person of the scene
        # (an animal's mate or partner is an animal of its kind, not the person nearby)
        kinds = ("person", "any") if owner.type in ("person", "any") else (owner.type,)
        others = [c for c in ctx.candidates(m) if c is not owner and not c.group and c.type in kinds
                  and contradicts(m, c) is None and ctx.in_scene(c, m)]
        if len(others) == 1:
            return others[0]
        return of_the_owners_kind(owner, others)
    return None


def of_the_owners_kind(owner: Cluster, others: list[Cluster]) -> Cluster | None:
    """Of several people in the scene, a counterpart noun ("her colleague", "his teammate", "her opponent") names
    the one called by a noun the owner is called by too (the other baker serving beside him, not the customer
    they serve): a counterpart does what the owner does, so the text names them alike."""
    alike = [c for c in others if any(synonyms(a, b) for a in owner.nouns for b in c.nouns)]
    return alike[0] if len(alike) == 1 else None


def _newcomer_kin(ctx: LinkContext, m: Mention, owner: Cluster) -> Cluster | None:
    """A kin term with an owner that names nobody the story related ("A small boy runs in. The groom grins
    at his little brother"), undescribed where it stands: the one entity this prompt introduced before it with an
    indefinite phrase, not the owner and related to nobody yet, that fits the term."""
    fits = [c for c in ctx.candidates(m) if c is not owner and c.entry is None and not c.group and not c.kin
            and c.type in ("person", "any") and contradicts(m, c) is None
            and any(x.kind == "noun" and x.det == "indef" for x in c.mentions)]
    return fits[0] if len(fits) == 1 else None


def _kunya_partner(ctx: LinkContext, m: Mention, owner: Cluster) -> Cluster | None:
    """"Umm Nabil ... her husband": a name that calls its bearer the parent of someone ("Abu X", "Umm X",
    data/names.json `kunya_prefixes`) makes the spouse the one entity named as the other parent of that same
    child ("Abu Nabil")."""
    children = {child for n in owner.names if (child := _kunya_child(n)) is not None}
    fits = [c for c in ctx.candidates(m) if c is not owner and not c.group and contradicts(m, c) is None
            and any(_kunya_child(n) in children for n in c.names)]
    return fits[0] if len(fits) == 1 else None


def _kunya_child(name: str) -> str | None:
    """The child a name calls its bearer the parent of ("Abu Nabil" -> "nabil"), or None."""
    prefix, space, rest = name.partition(" ")
    return rest if space and prefix[1:] in KUNYA_PREFIXES else None


def _set_mates(ctx: LinkContext, owner: Cluster) -> set[int]:
    """The other entity of each pair `owner` was covered with by one plural phrase ("Two fencers", "both")."""
    mates: set[int] = set()
    for cids in ctx.covers.values():
        if owner.cid in cids and len(cids) == 2:
            mates.update(cids)
    for result in ctx.registry.results.values():
        spans: dict[object, set[int]] = {}
        for e in result.entities:
            for ref in e.references:
                if ref.kind == "group":
                    spans.setdefault(ref.span, set()).add(e.entity_id)
        for ids in spans.values():
            if owner.cid in ids and len(ids) == 2:
                mates.update(ids)
    mates.discard(owner.cid)
    return mates


def _keeper(ctx: LinkContext, m: Mention, owner: Cluster) -> Cluster | None:
    if owner.type not in ("animal", "creature", "robot", "vehicle"):
        return None
    people = [c for c in ctx.candidates(m) if c is not owner and not c.group and c.type in ("person", "any")
              and contradicts(m, c) is None and not keeps_another(c, owner)]
    mates = _set_mates(ctx, owner)
    paired = [c for c in people if c.cid in mates]
    if len(paired) == 1:
        return paired[0]
    here = [c for c in people if ctx.in_prompt(c, m)]  # "a hitchhiker with a dog ... its owner": this prompt's first
    scene = here or [c for c in people if ctx.in_previous(c)]
    return scene[0] if len(scene) == 1 else None


def agent_verbs(lemma: str) -> set[str]:
    """The verbs an agent noun is made from ("leader" -> lead, "driver" -> drive, "winner" -> win, "sailor" -> sail)."""
    if not lemma.endswith(("er", "or")) or len(lemma) < 5:
        return set()
    stem = lemma[:-2]
    forms = {stem, stem + "e"}
    if len(stem) > 2 and stem[-1] == stem[-2]:
        forms.add(stem[:-1])  # a doubled consonant: "winner" -> "win"
    return {f for f in forms if verb_word(f)}


def agent_things(lemma: str) -> set[str]:
    """The things an agent noun may be made from ("drummer" -> drum, "fiddler" -> fiddle, "violinist" -> violin,
    "pianist" -> piano)."""
    if lemma.endswith("ist") and len(lemma) > 5:
        return {lemma[:-3], lemma[:-3] + "o"}
    if not lemma.endswith(("er", "or")) or len(lemma) < 5:
        return set()
    stem = lemma[:-2]
    forms = {stem, stem + "e"}
    if len(stem) > 2 and stem[-1] == stem[-2]:
        forms.add(stem[:-1])
    return forms


def doer(ctx: LinkContext, m: Mention) -> Cluster | None:
    """The one entity of this prompt or the previous one that did the verb the agent noun is made from, or handled
    the thing it is made from (`entities.handled_things`: "the drummer" for the one who ran in with a drum); when
    nobody of that scene did, the one entity of the whole story that did ("the chewer" for the one who chewed a
    pipe three shots earlier: a habit told once describes its bearer for the rest of the story)."""
    verbs, things = agent_verbs(m.lemma), agent_things(m.lemma)
    if not verbs and not things or m.type not in ("person", "any") or m.plural:
        return None
    doc = ctx.prompt.doc
    doers = [c for c in ctx.candidates(m) if not c.group and contradicts(m, c) is None
             and (c.acts & verbs or things & (c.entry.handles if c.entry is not None else set())
                  or any(things & handled_things(doc, x) for x in c.mentions if x.start < m.start))]
    scene = [c for c in doers if ctx.in_scene(c, m)]
    if scene:
        return scene[0] if len(scene) == 1 else None
    return doers[0] if len(doers) == 1 else None


def _described(ctx: LinkContext, m: Mention) -> Cluster | None:
    """A definite person noun nobody bears introduces nobody: the one recent entity sharing the most of the
    adjectives before its head ("the little dancer" for the little girl), when one shares more than every
    other; colours that differ rule an entity out. (What it wears or holds is the features sieve's.)"""
    words = {w for w in m.modifiers if w not in L.COLOURS}
    if m.type not in ("person", "any") or m.plural or not words:
        return None
    scored = sorted(((len(words & c.descriptors), c) for c in ctx.candidates(m)
                     if not c.group and c.type in ("person", "any") and contradicts(m, c) is None
                     and ctx.in_scene(c, m)
                     and not (m.colours and c.colours and not m.colours & c.colours)), key=lambda sc: -sc[0])
    if not scored or scored[0][0] == 0 or len(scored) > 1 and scored[1][0] == scored[0][0]:
        return None
    return scored[0][1]
