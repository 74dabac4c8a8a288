"""Sieve: a person word for the story's animal, creature or machine, told by the description it repeats."""

from __future__ import annotations

from dataclasses import replace
from typing import TYPE_CHECKING

from .. import lexicon as L
from ..entities import contradicts, overlap
from ..nouns import noun_gender

if TYPE_CHECKING:
    from ..entities import Cluster
    from ..linker import LinkContext
    from ..mentions import Mention

NAME = "kind_epithets"
_BEINGS = ("animal", "creature", "robot", "vehicle")


def run(ctx: LinkContext) -> None:
    """A definite singular phrase headed by a person noun that no earlier sieve linked ("the old girl", "the black
    rascal", "the little fellow") names the one animal, creature or machine of the scene (this prompt before it, or
    the previous prompt) that shares a descriptive word with it (a colour, size, age or other modifier), when no
    person of the scene shares one: storytellers call a donkey "the old girl" and a goat "the black rascal", and
    the description the text repeats says who is meant more surely than the person noun. Without a shared word
    the person reading stands (a new person is as likely), and so it does when a person shares one too, and for a
    comparison ("the older man": the relative sieve's)."""
    for m in ctx.open(("noun",)):
        if m.det != "def" or m.plural or m.type != "person" or m.category == "kinship" or m.count is not None \
                or m.relative_cue:
            continue  # "the older man" compares people (the relative sieve's)
        scene = [c for c in ctx.candidates(m) if ctx.in_scene(c, m) and not c.group]
        if any(c.type in ("person", "any") and overlap(m, c) > 0 for c in scene):
            continue
        beings = [c for c in scene if c.type in _BEINGS and overlap(m, c) > 0
                  and contradicts(replace(m, type=c.type), c) is None]
        if not beings and _non_human_body(ctx, m):
            beings = [c for c in scene if c.type in ("animal", "creature")]
        if not beings:
            beings = named_machines_sharing(ctx, m)
        if not beings:
            beings = sole_being_among_no_people(ctx, m, scene)
        if len(beings) == 1:
            m.type = beings[0].type
            ctx.link(m, beings[0], NAME)


def named_machines_sharing(ctx: LinkContext, m: Mention) -> list[Cluster]:
    """Outside the scene, the story's named robot or vehicle that a pronoun made "he" or "she" ("a snowcat the
    crew call X ... his engine"): the story treats it as a person, so a person word sharing a descriptive word
    with it ("the old groomer" for the old snowcat) names it some prompts later too, when no person of the story
    shares a word. An unnamed machine is left to the scene rule (a passing "old conductor" is not the old tram)."""
    story = [c for c in ctx.candidates(m) if not c.group]
    if any(c.type in ("person", "any") and overlap(m, c) > 0 for c in story):
        return []
    return [c for c in story if c.type in ("robot", "vehicle") and c.named and c.gender and overlap(m, c) > 0
            and contradicts(replace(m, type=c.type), c) is None]


def _non_human_body(ctx: LinkContext, m: Mention) -> bool:
    """The phrase counts limbs no person has ("the eight-armed escapee", "the four-legged thief", "the six-legged
    intruder"): a number above two joined by a hyphen to a body part made an adjective. Such a phrase describes
    an animal or creature, so it names the one of the scene even without a shared word."""
    words = [t for t in ctx.prompt.doc if t.idx >= m.start and t.i < m.head]
    for i, t in enumerate(words):
        part = t.lower_[:-2] if t.lower_.endswith("ed") else ""
        if not part or not {part, part + "s", part[:-1]} & L.BODY_PARTS:
            continue  # "armed", "legged" (doubled consonant), "winged"
        count = L.NUMBER_WORDS.get(words[i - 2].lower_) if i >= 2 and words[i - 1].text == "-" else None
        if isinstance(count, int) and count > 2:
            return True
    return False


def sole_being_among_no_people(ctx: LinkContext, m: Mention, scene: list[Cluster]) -> list[Cluster]:
    """A fond person word ("the old fellow", "the little lad"; lexicon FOND_PERSON_EPITHETS) in a scene with no
    person in it (this prompt before the phrase and the previous prompt) names the one animal or creature of that
    scene that is not the phrase's own clause subject and not of the other sex than the word says ("the billy
    goat ... then the old fellow backs down", "an owl eyes the little fellow"): with nobody on screen to be the
    fellow, the word is the storyteller's for the creature, not a newcomer. A person in the scene keeps the person
    reading, and so do two fitting beasts (which one is meant is unsaid). `salience.fond_epithet_animal` takes the
    same words story-wide when no person of the story fits."""
    if m.lemma not in L.FOND_PERSON_EPITHETS or any(c.type in ("person", "any") for c in scene):
        return []
    subjects = {x.entity for x in ctx.mentions if x.subject and x.sent == m.sent and x.start < m.start}
    other_sex = {"male": "female", "female": "male"}.get(noun_gender(m.lemma) or "male")
    beings = [c for c in scene if c.type in ("animal", "creature") and c.gender != other_sex and c.cid not in subjects]
    return beings if len(beings) == 1 else []
