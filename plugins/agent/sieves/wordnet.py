"""Sieve 4: WordNet synonym / hypernym match, and general nouns for a salient entity."""

from __future__ import annotations

from typing import TYPE_CHECKING

from .. import lexicon as L
from ..entities import Cluster, contradicts, generic_fit, overlap, related_match
from .compare import of_its_generation, rough_age, told_age, told_apart
from .described_machine import described_machine
from .head_match import pick
from .relative import doer
from .words import AGE_YEARS, NEWCOMER_NOUNS

if TYPE_CHECKING:
    from ..linker import LinkContext
    from ..mentions import Mention

NAME = "wordnet"
GENERIC = L.GENERIC_PERSON
#: how far back a vague entity may take a new role noun: further back, another character is as likely
RECENT_PROMPTS = 2
#: years between a role noun's rough age and an entity's that make them two people ("grandfather" and "boy")
AGE_GAP = 12
#: years within which an age the text told matches a general noun's rough age (`nearest_in_age`): wider takes
#: "the teenager" for a twenty-year-old too, narrower misses a "boy of eleven" for "the youngster"
AGE_MARGIN = 4


def run(ctx: LinkContext) -> None:
    """A definite or possessive singular noun phrase refers to an entity one of whose nouns it names
    more generally or more specifically in WordNet ("the bird" for the seagull, "the trout" for "a
    fish"), or, for a general noun ("the man", "the girl", "the newcomer", "the creature"), to a
    compatible entity of this prompt or the previous one (else the story's only compatible one); "the robot"
    is such a general noun for machines. Attributes
    must not contradict; shared
    descriptive words decide, then recency. An indefinite phrase of another noun is a new entity."""
    for m in ctx.open(("noun",)):
        if m.det in ("new", "indef") or m.plural or m.type == "group" or m.relative_cue:
            continue
        if m.lemma in NEWCOMER_NOUNS:  # "the latecomer": the entity the story introduced last
            latest = _latest(ctx, m)
            if latest is not None and contradicts(m, latest) == "kind":
                m.type = latest.type  # "the latecomer" for a puppy: a word for any living kind, not a person
            if latest is not None and ctx.link(m, latest, NAME):
                continue
        best = pick(ctx, m, [c for c in ctx.candidates(m) if related_match(m, c) and not told_apart(m, c)])
        if best is not None and generic_fit(m):
            best = better_described(ctx, m, best)
        if best is None and (generic_fit(m) or m.type == "creature" and m.category == "creature"
                             or m.type == "robot" and (m.lemma in L.ROBOT_ADJECTIVES or m.category == "epithet")):
            # "the robot", "the machine": any machine
            # (also when a related entity contradicts: "the little boy" is not the huge uncle WordNet relates)
            scene = [c for c in ctx.candidates(m) if ctx.in_scene(c, m)
                     and not _unknown_name(m, c) and not told_apart(m, c) and not _kin_for_an_epithet(m, c)]
            best = the_story_creature(ctx, m) or pick(ctx, m, scene)
            best = nearest_in_age(m, scene, best)
            best = of_its_generation(m, best, ctx.candidates(m))  # "the boy" is the nephew, not his uncle
        if best is None and m.det == "def" and generic_fit(m):
            # "the man" for a sculptor last seen two prompts ago: the story's one compatible character
            story = [c for c in ctx.candidates(m)
                     if not c.group and contradicts(m, c) is None and not _unknown_name(m, c) and not told_apart(m, c)]
            best = pick(ctx, m, story) if len(story) == 1 else None
        if best is None and m.det == "def":
            best = described_with_its_thing(ctx, m)  # "the wheelchair user" for the cousin in a wheelchair
        if best is None and m.det == "def" and doer(ctx, m) is None and not introduced_by_apposition(ctx, m):
            # "the courier" for "a figure under a dripping umbrella": a role given to someone so far only described
            # in general terms, the most recent such entity of the last prompts (unless the role's verb or thing
            # names who bears it: the relative sieve's `doer`; or an indefinite appositive introduces it)
            vague = [c for c in ctx.candidates(m) if c.nouns and c.nouns <= GENERIC and not c.named
                     and c.last_prompt >= ctx.prompt_index - RECENT_PROMPTS and not age_apart(m, c)
                     and not told_apart(m, c)]
            best = pick(ctx, m, vague[:1])
        if best is None and m.lemma in L.MACHINE_WORDS:
            best = described_machine(ctx, m)  # "the big vessel" for the towering tanker some prompts back
        if best is not None:
            ctx.link(m, best, NAME)
        elif m.lemma in L.MACHINE_WORDS:
            m.skip = "thing"  # "the machine" that is none of the story's machines: a thing ("the pinball machine")


def described_with_its_thing(ctx: LinkContext, m: Mention) -> Cluster | None:
    """A definite role noun made with a thing ("the wheelchair user", "the kite flyer", "the cello player") is the
    one entity of the story the text described with that thing ("her cousin in a wheelchair", "a boy with a red
    kite"), before any vaguely described one: the compound repeats how that one was told apart, and a role noun
    nobody bears says nothing else about who is meant. Only noun compounds count: an adjective ("the tall
    stranger") is shared by too many."""
    doc = ctx.prompt.doc
    things = {t.lemma_.lower() for t in doc[:m.head] if t.idx >= m.start and t.dep_ == "compound" and t.pos_ == "NOUN"}
    if not things or m.plural:
        return None
    fits = [c for c in ctx.candidates(m) if not c.group and things & c.descriptors and contradicts(m, c) is None
            and m.lemma not in c.nouns]
    return fits[0] if len(fits) == 1 else None


def _kin_for_an_epithet(m: Mention, c: Cluster) -> bool:
    """An epithet for someone by how they stand to the others ("the neighbour", "the stranger", "the visitor") is
    not a character the story made a sibling of another (one of "three brothers"): the brothers are the household
    the neighbour comes to, so the word names someone outside their set even when a brother stood nearer."""
    return m.category == "epithet" and ("sibling" in c.kin.values() or any(x.kin == "sibling" for x in c.mentions))


def the_story_creature(ctx: LinkContext, m: Mention) -> Cluster | None:
    """A word for a being of folklore ("the imp", "the goblin", "the sprite") is the story's one creature, even one
    last seen prompts ago: tellers vary such names freely (a kappa is "the imp" and "the water goblin"), but never
    call an animal of the scene by them, so a heron or a dog nearer in the text is not meant."""
    if m.type != "creature" or m.category != "creature":
        return None
    beings = [c for c in ctx.candidates(m) if c.type == "creature" and not c.group and contradicts(m, c) is None]
    return beings[0] if len(beings) == 1 else None


def better_described(ctx: LinkContext, m: Mention, related: Cluster) -> Cluster:
    """A general noun ("the heavyset man") that WordNet relates to one entity's noun ("the officer") goes to
    another entity of the story that shares more of its descriptive words ("a heavyset smuggler", even when
    last seen some shots ago): the words the text repeats say who it is more surely than a noun as general as
    "man"."""
    story = [c for c in ctx.candidates(m) if not _unknown_name(m, c)]
    alt = pick(ctx, m, story)
    return alt if alt is not None and overlap(m, alt) > overlap(m, related) else related


def nearest_in_age(m: Mention, scene: list[Cluster], best: Cluster | None) -> Cluster | None:
    """A general noun with a rough age ("the teenager", "the toddler"; data/sieves.json `age_years`) names the one
    compatible entity of the scene the text gave that age outright (`compare.told_age`: "a teenage girl", "a boy of
    seven"), rather than the one recency and shared words chose when that one was told no such age: the age the
    text states is evidence, recency only a guess."""
    years = AGE_YEARS.get(m.lemma)
    if best is None or years is None:
        return best
    aged = [c for c in scene if (a := told_age(c)) is not None and abs(a - years) <= AGE_MARGIN
            and contradicts(m, c) is None and not c.group and not c.unclaimed_member]
    if len(aged) != 1 or best in aged:
        return best
    own = told_age(best)
    return aged[0] if own is None or abs(own - years) > AGE_MARGIN else best


def introduced_by_apposition(ctx: LinkContext, m: Mention) -> bool:
    """A definite role noun followed by an indefinite phrase that describes it ("hands the map to the
    ferryman, a stooped man in oilskins") is a character being introduced: the description would be
    pointless for someone already on stage, so the role is not handed to a vaguely described earlier one."""
    return any(x.appos_of == m.index and x.det == "indef" and x.kind == "noun" for x in ctx.mentions)


def age_apart(m: Mention, c: Cluster) -> bool:
    """The role noun's rough age (data/sieves.json `age_years`: "groom", "grandfather", "teenager") and the
    entity's are a generation apart ("the grandfather" is not the small boy, "the groom" not the toddler):
    the role is someone else's."""
    years = AGE_YEARS.get(m.lemma)
    age = rough_age(c)
    return years is not None and age is not None and abs(years - age) >= AGE_GAP


def _latest(ctx: LinkContext, m: Mention) -> Cluster | None:
    """The entity a newcomer noun names: of any living kind ("the latecomer" may be a puppy), sharing the
    phrase's descriptive words first ("the golden latecomer"), then the one introduced last (this
    prompt's before the story's). A phrase of this prompt that only refers back ("the leader", not yet
    resolved) introduces nobody, so it is no candidate."""
    fits = [c for c in ctx.candidates(m) if not c.group and c.type != "vehicle" and not _only_definite(c)
            and contradicts(m, c) in (None, "kind") and (c.gender is None or m.gender is None or c.gender == m.gender)]
    if not fits:
        return None
    return max(fits, key=lambda c: (overlap(m, c), c.entry is None, c.order if c.entry is None else c.cid))


def _only_definite(c: Cluster) -> bool:
    """A cluster of this prompt made only of definite or possessive phrases (a reference not resolved yet)."""
    return c.entry is None and bool(c.mentions) and all(x.det in ("def", "poss") for x in c.mentions)


def _unknown_name(m: Mention, c: Cluster) -> bool:
    """A gendered general noun ("the woman") does not take an entity known only by a name nobody gave a gender
    or a noun (a capitalised word the name table does not know, "Unsteady shot ...")."""
    return m.gender is not None and c.gender is None and not c.nouns and bool(c.names)
