"""Sieve 7: pronouns by gender, number and salience."""

from __future__ import annotations

from typing import TYPE_CHECKING

from .. import lexicon as L
from ..entities import Cluster
from .machine_cast import vehicles_cast
from .words import CAMERA_SUBJECTS, DIRECTED_PREPOSITIONS

if TYPE_CHECKING:
    from spacy.tokens import Token

    from ..linker import LinkContext
    from ..mentions import Mention

NAME = "pronouns"
_ANIMATE = ("person", "any", "creature", "animal", "robot")
_NON_HUMAN = ("animal", "creature", "robot", "vehicle")
#: what a plural may take in: the animate kinds and a group entity ("a rowing crew" is "them" next prompt)
_PLURAL_KINDS = (*_ANIMATE, "group")


def run(ctx: LinkContext) -> None:
    """"he"/"she" (any case) refer to the most salient entity of that gender (unknown gender fits):
    a possessive to its own clause's subject (or, under a verb without a subject of its own, to the subject that
    verb shares: "leans on the rail and scratches his beard"), otherwise the latest fitting mention before it in the
    prompt (an object never to the subject of its own verb), else the previous prompt's first fitting
    entity; "it" to the latest non-human entity; "they"/"them"/"their" cover the scene's entities (the
    prompt's so far, else the previous prompt's). Pronouns never create an entity."""
    for m in ctx.mentions:
        if m.kind != "pronoun" or m.linked_by is not None or m.skip is not None:
            continue
        if m.plural:
            out = clause_subjects(ctx, m)
            group = whole_sets(ctx, m, plural_scene(ctx, m, out), out)
            if len(group) == 1:
                _link_pronoun(ctx, m, group[0])
            elif group:
                ctx.cover(m, group, NAME)
            continue
        c = resolve(ctx, m)
        if c is not None:
            _link_pronoun(ctx, m, c)


def _named_vehicle(c: Cluster) -> bool:
    """A vehicle the story has given a name ("a tugboat named Maisie"): the teller treats it as someone, so
    "he" or "she" may refer to it as to any character (an unnamed vehicle is "it")."""
    return c.type == "vehicle" and c.named


def _directed_object_subject(ctx: LinkContext, m: Mention, tok: Token) -> set[Cluster | None]:
    """The subject of the verb whose "toward", "at" or "after" phrase the pronoun is the object of ("a heron
    stalks through the reeds toward him", "the fox stares at her", "the pup trots up to him"; the nearest verb
    above the phrase): one goes or looks toward someone else (a self would be "himself"), so the pronoun is
    never that subject. Places ("beside him", "around her") can be the subject's own, so only prepositions of
    direction count (data/sieves.json `directed_prepositions`)."""
    prep = tok.head
    if tok.dep_ != "pobj" or prep.dep_ != "prep" or prep.lower_ not in DIRECTED_PREPOSITIONS:
        return set()
    verb = next((a for a in prep.ancestors if a.pos_ in ("VERB", "AUX")), None)  # "trots up to him"
    if verb is None:
        return set()
    doc = ctx.prompt.doc
    return {ctx.cluster(x) for x in ctx.mentions if x.index != m.index and doc[x.head].head.i == verb.i
            and doc[x.head].dep_ in ("nsubj", "nsubjpass")}


def _link_pronoun(ctx: LinkContext, m: Mention, c: Cluster) -> None:
    c.absorb(m)
    m.entity = c.cid
    m.linked_by = NAME


def _fits(m: Mention, c: Cluster) -> bool:
    if c.group and not m.plural:
        return False
    if m.type == "thing":
        return c.type in _NON_HUMAN
    if (c.type not in _ANIMATE or c.type == "vehicle") and not _named_vehicle(c):
        return False
    return not (m.gender and c.gender and m.gender != c.gender)


def resolve(ctx: LinkContext, m: Mention, exclude: set[Cluster] | None = None) -> Cluster | None:
    """The entity a singular pronoun refers to (see `run`), never one of `exclude`."""
    doc = ctx.prompt.doc
    tok = doc[m.head]
    verb = tok.head
    own_subject = [x for x in ctx.mentions if doc[x.head].head.i == verb.i
                   and doc[x.head].dep_ in ("nsubj", "nsubjpass") and x.index != m.index]
    if tok.tag_ == "PRP$" or m.lemma in ("his", "its", "hers"):
        holder = with_phrase_holder(ctx, m)
        if holder is not None:
            return holder
        for subj in own_subject:
            c = ctx.cluster(subj)
            if c is not None and subj.start < m.start and _fits(m, c):
                return c
        clause = next((a for a in tok.ancestors if a.pos_ in ("VERB", "AUX")), None)
        if clause is not None:
            for subj in _clause_subject(ctx, clause):
                c = ctx.cluster(subj)
                if c is not None and subj.start < m.start and _fits(m, c) and _owns_possessive(ctx, m, c, clause):
                    return c
        bearer = phrase_wearer(ctx, m)
        if bearer is not None:
            return bearer
    blocked = {ctx.cluster(s) for s in own_subject} if tok.dep_ in ("dobj", "pobj", "dative") else set()
    blocked |= _directed_object_subject(ctx, m, tok)
    blocked |= exclude or set()
    if tok.dep_ == "poss":  # "Tobi, her grandson": her is not the one her phrase describes
        phrase = ctx.prompt.by_head(tok.head.i)
        if phrase is not None:
            blocked.add(ctx.cluster(phrase))
            if phrase.appos_of is not None:
                blocked.add(ctx.cluster(ctx.mentions[phrase.appos_of]))
    earlier = sorted((x for x in ctx.mentions if x.start < m.start and x.skip is None and x.index != m.index),
                     key=lambda x: -x.start)
    exact = [ctx.cluster(x) for x in earlier]
    ranked = [c for c in exact if c is not None and c not in blocked and _fits(m, c)]
    prev = ctx.registry.results.get(ctx.prompt_index - 1)
    fits: list[Cluster] = []
    if prev is not None:
        order = [e.entity_id for e in sorted(prev.entities, key=lambda e: e.span[0] if e.span else 10 ** 6)]
        fits = [ctx.clusters[i] for i in order if i in ctx.clusters and _fits(m, ctx.clusters[i])
                and ctx.clusters[i] not in blocked]
    watched = camera_watched(ctx, m) if not any(m.gender and c.gender == m.gender for c in ranked) else None
    if watched is not None:
        return watched
    # salience: an entity of the pronoun's known gender in this prompt, then in the previous one, before
    # one whose gender is unknown (a stated gender is stronger evidence than recency)
    for pool in (ranked, fits):
        known = [c for c in pool if m.gender and c.gender == m.gender]
        if known:
            return known[0]
    # then a person of unknown gender before an animal or machine of unknown gender ("his owner" after "a
    # beagle" is the beagle's only when nobody else fits)
    for pool in (ranked, fits):
        people = [c for c in pool if c.type not in _NON_HUMAN or not m.gender]
        if people:
            return people[0]
    recent = sorted((c for c in ctx.clusters.values() if c.entry is not None and _fits(m, c)),
                    key=lambda c: -c.last_prompt)
    person = told_gender_person(m, recent, ranked + fits)
    if person is not None:
        return person
    if ranked:
        return ranked[0]
    if fits:
        return fits[0]
    if m.gender:
        recent = [c for c in recent if c.gender == m.gender]
    return recent[0] if recent else None


#: prepositions that place a thing on a part of the holder in a "with" phrase ("with a stick in his mouth")
_PLACING = frozenset({"in", "on", "between", "under", "over", "across", "at", "around"})


def with_phrase_holder(ctx: LinkContext, m: Mention) -> Cluster | None:
    """A possessive in a "with" phrase that places something on a part ("with a stick in his mouth", "with a
    crab in her arms", "with the kitten on her shoulder") belongs to whoever the phrase describes: the character
    it hangs on ("the dog with a bone in his jaws"), else the subject of the verb it hangs on ("races off with a
    stick in his mouth"). The phrase says how that one holds the thing, so the rule holds whatever its kind:
    an animal or a machine is "he" or "she" there as much as a person (elsewhere a person comes first)."""
    doc = ctx.prompt.doc
    tok = doc[m.head]
    part, place = tok.head, tok.head.head
    if tok.dep_ != "poss" or part.dep_ != "pobj" or place.lower_ not in _PLACING:
        return None
    if place.head.dep_ == "pobj":
        with_ = place.head.head
    else:  # the parse may hang "in his mouth" on the verb beside "with a stick"
        with_ = next((c for c in place.head.children if c.dep_ == "prep" and c.right_edge.i == place.i - 1), place)
    if with_.lower_ != "with" or with_.dep_ != "prep":
        return None
    for anc in with_.ancestors:
        holder = ctx.prompt.by_head(anc.i)
        if holder is not None and holder.kind in ("noun", "name", "pronoun"):
            c = ctx.cluster(holder)
            return c if c is not None and _fits(m, c) else None
        if anc.pos_ in ("VERB", "AUX"):
            if any(x.kind != "pronoun" and doc[x.head].dep_ == "dobj" and doc[x.head].head.i == anc.i
                   for x in ctx.mentions):
                return None  # "watches the man with a lamb in his arms": the man's, or the watcher's
            subjects = [x for x in ctx.mentions if doc[x.head].head.i == anc.i
                        and doc[x.head].dep_ in ("nsubj", "nsubjpass")] or _clause_subject(ctx, anc)
            c = ctx.cluster(subjects[0]) if subjects else None
            return c if c is not None and _fits(m, c) else None
    return None


def phrase_wearer(ctx: LinkContext, m: Mention) -> Cluster | None:
    """A possessive on a part of the body or a garment inside a character's own phrase belongs to that character
    when it fits ("a nurse with a silver ring in her ear", "a boy with mud on his knees", "a rider in a scarf over
    her mouth"): the phrase describes how its bearer looks. A verb on the way ("a man holding his daughter's hand")
    or a character set on the part ("a parrot on his shoulder", "a baby on her hip": someone else's body) leaves
    the pronoun to the other rules. (A place in the phrase, "a courier at her door", may
    be someone else's, so only the body and what is worn count.)"""
    doc = ctx.prompt.doc
    owned = doc[m.head].head
    if owned.lemma_.lower() not in L.BODY_PARTS | L.CLOTHING:
        return None
    worn = False  # a thing on the way: "with a ring in her ear" (not "a parrot on his shoulder": someone's perch)
    for a in owned.ancestors:
        x = ctx.prompt.by_head(a.i)
        if x is not None and x.kind == "noun" and x.skip is None and x.start < m.start:
            c = ctx.cluster(x)
            return c if c is not None and worn and _fits(m, c) and not c.group else None
        worn = worn or a.pos_ == "NOUN"
        if a.pos_ not in ("NOUN", "PROPN", "ADP"):
            return None  # only through the phrase's prepositions and nouns ("with a ring in her ear")
    return None


def camera_watched(ctx: LinkContext, m: Mention) -> Cluster | None:
    """A "he"/"she" in a sentence whose onlooker is the camera ("The camera follows a courier as she weaves
    through traffic", "We see a medic kneel as he opens the kit") or after a shot heading that names someone
    (`_in_shot_heading`) names the person the camera watches when that one
    has no stated gender and nobody of the pronoun's gender was named before it in the prompt: the shot is about
    whom it watches, and the pronoun gives that one a gender (rather than someone of that gender from the last
    shot)."""
    if not m.gender:
        return None
    doc = ctx.prompt.doc
    for x in ctx.mentions:
        if x.kind != "noun" or x.sent != m.sent or x.start >= m.start or x.skip is not None:
            continue
        verb = doc[x.head].head
        if doc[x.head].dep_ == "pobj" and verb.dep_ == "prep":
            verb = verb.head
        if not _in_shot_heading(ctx, x, m) and (doc[x.head].dep_ not in ("dobj", "pobj") or not any(
                c.dep_ == "nsubj" and c.lower_ in CAMERA_SUBJECTS for c in verb.children)):
            continue
        c = ctx.cluster(x)
        if c is not None and c.gender is None and c.type in ("person", "any") and not c.group:
            return c
    return None


def _in_shot_heading(ctx: LinkContext, x: Mention, m: Mention) -> bool:
    """`x` is named in a heading without a verb that a colon ends before the pronoun ("over the shoulder of a clerk
    at his desk: a parcel is set before him", "close on a medic: her hands shake"): the heading says whom the shot
    watches."""
    text = ctx.prompt.text
    colon = text.find(":", x.end, m.start)
    if colon < 0:
        return False
    sent = ctx.prompt.doc[x.head].sent
    return not any(t.pos_ in ("VERB", "AUX") and t.tag_ not in ("VBG", "VBN") for t in sent
                   if t.idx < colon)
def told_gender_person(m: Mention, story: list[Cluster], near: list[Cluster]) -> Cluster | None:
    """A "he"/"she" that nobody nearby was said to be, where the scene holds only creatures or machines of unknown
    gender, is the story's latest person of that gender ("she" opening a shot after two shots of a sprite is the old
    woman whose shot it is again): a stated gender of a person is stronger evidence than the recency of a being
    whose sex the story never gave. An animal nearby keeps the pronoun (stories call a pet or a mare "she" without
    saying its sex first)."""
    if not m.gender or not near or any(c.type not in ("creature", "robot", "vehicle") for c in near):
        return None
    return next((c for c in story if c.gender == m.gender and c.type in ("person", "any")), None)


def _owns_possessive(ctx: LinkContext, m: Mention, c: Cluster, clause: Token) -> bool:
    """The clause's subject owns its "his"/"her" when it is a person of that gender, or of no stated gender with no
    pronoun of the other gender in the clause ("pins her badge on his coat" names two people; an object pronoun
    does not, as it is the one the subject acts on: "hands him to her colleague"); "its" goes to an animal,
    creature or machine subject."""
    if m.type == "thing":
        return True
    if c.type not in ("person", "any", "creature"):
        return False
    if c.gender is not None:
        return c.gender == m.gender
    return not any(x.kind == "pronoun" and x.gender and x.gender != m.gender and ctx.prompt.doc[x.head] in
                   clause.subtree and ctx.prompt.doc[x.head].dep_ not in ("dobj", "dative") for x in ctx.mentions)


def _clause_subject(ctx: LinkContext, verb: Token) -> list[Mention]:
    """The subject a verb without its own shares, for a possessive under that verb: that of the verb it is joined
    to or hangs from ("a sailor leans on the rail and scratches his beard", "waits at the counter, tapping his
    foot"), or the noun a participle describes ("a sailor leaning on the rail, scratching his beard")."""
    doc = ctx.prompt.doc
    if any(c.dep_ in ("nsubj", "nsubjpass") for c in verb.children):
        return []  # its own subject: "Marta strokes her cheek" may be someone else's cheek
    for _ in range(4):
        if verb.dep_ == "acl" and verb.head.pos_ in ("NOUN", "PROPN"):
            owner = ctx.prompt.by_head(verb.head.i)
            return [owner] if owner is not None else []
        if verb.dep_ not in ("conj", "advcl", "xcomp") or verb.head.i == verb.i:
            return []
        verb = verb.head
        subjects = [x for x in ctx.mentions if doc[x.head].head.i == verb.i
                    and doc[x.head].dep_ in ("nsubj", "nsubjpass")]
        if subjects:
            return subjects
    return []


def clause_subjects(ctx: LinkContext, m: Mention) -> set[Cluster]:
    """The entities a plural object may not take in: the subject of its own verb, when `m` is that verb's
    object or the object of a preposition on it ("the porter guides them to the gate": the porter is not one of
    "them"; a plural takes in its verb's subject only as "themselves" or "each other")."""
    doc = ctx.prompt.doc
    tok = doc[m.head]
    verb = tok.head
    if tok.dep_ == "pobj" and verb.dep_ == "prep":
        verb = verb.head
    elif tok.dep_ not in ("dobj", "dative"):
        return set()
    if verb.pos_ not in ("VERB", "AUX"):
        return set()
    return {c for x in ctx.mentions if doc[x.head].head.i == verb.i and doc[x.head].dep_ in ("nsubj", "nsubjpass")
            and x.index != m.index and (c := ctx.cluster(x)) is not None}


def plural_scene(ctx: LinkContext, m: Mention, exclude: set[Cluster] | None = None) -> list[Cluster]:
    """The entities a plural pronoun or covering phrase takes in: a group entity of the scene (of any kind), or the
    scene's animate entities (this prompt's before `m`, else the previous prompt's), none of `exclude` and none
    the prompt says are away (`LinkContext.gone`)."""
    out = (exclude or set()) | {ctx.clusters[cid] for cid in ctx.gone if cid in ctx.clusters}
    kinds = (*_PLURAL_KINDS, "vehicle") if vehicles_cast(ctx, m) else _PLURAL_KINDS
    here: list[Cluster] = []
    for x in ctx.mentions:
        if x.start >= m.start or x.skip is not None:
            continue
        for cid in [x.entity] if x.index not in ctx.covers else ctx.covers[x.index]:
            c = ctx.clusters.get(cid) if cid is not None else None
            if c is not None and c not in here and c.type in kinds and c not in out:
                here.append(c)
    groups = [c for c in here if c.group]
    if len(here) >= 2 or groups:
        return groups[:1] if len(groups) == 1 and len(here) <= len(groups[0].mentions) + 1 and len(here) < 2 \
            else here
    prev = [ctx.clusters[i] for i in ctx.previous if i in ctx.clusters and ctx.clusters[i].type in kinds
            and ctx.clusters[i] not in out]
    if any(c.type != "group" for c in prev):
        # a group entity joins the previous prompt's scene only when it is all there was ("a rowing crew", then
        # "them"); beside other plurals and characters the pronoun keeps to those (two groups on screen are a
        # pronoun's guess, and a wrong one costs a false id in every prompt it covers)
        prev = [c for c in prev if c.type != "group"]
    pgroups = [c for c in prev if c.group]
    if len(pgroups) == 1 and len(prev) == 1:
        return pgroups
    return prev if len(prev) >= 2 or pgroups else here + [c for c in prev if c not in here]


def whole_sets(ctx: LinkContext, m: Mention, scene: list[Cluster], exclude: set[Cluster]) -> list[Cluster]:
    """A plural pronoun whose scene holds a member of a counted plural of people ("two brothers", then "the older
    brother shoos a heron away", then "they row back") takes in every member of it, and leaves out the animals,
    creatures and machines beside them: a counted set the story introduced acts as one, and "they" is that set
    rather than one member and whatever shared the shot. A plural phrase before it in the prompt that covers just its
    scene ("the two older brothers cast their lines") already says which of them it is."""
    if any(x.start < m.start and set(ctx.covers[x.index]) == {c.cid for c in scene} for x in ctx.mentions
           if x.index in ctx.covers):
        return scene
    keys = {c.group_key for c in scene if c.group_key and c.type in ("person", "any")}
    if len(keys) != 1:
        return scene
    key = next(iter(keys))
    members = [c for c in ctx.members_of(key) if c not in exclude]
    rest = [c for c in scene if c not in members and c.type in ("person", "any", "group")]
    return members + rest
