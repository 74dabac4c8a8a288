"""Word lists the rules read: which nouns name story entities, and what they imply.

The lists are data, not code: they live in ``data/lexicon.json`` (each with a line saying what it is
for) and are loaded once with importlib.resources. Every noun is stored in its singular, lower-case
form, the parser's lemma. Categories of person nouns matter for matching: an
occupation ("chef") is a distinct role, a generic noun ("woman") or an epithet ("the protagonist") can
be any compatible person. Nouns outside these lists are classified by the WordNet table
(``resources.noun_senses``); prefer that resource to growing the lists.
"""

from __future__ import annotations

from typing import Any

from .resources import word_lists

_LISTS: dict[str, Any] = word_lists("lexicon.json")["lists"]


def _load(name: str) -> Any:
    entry = _LISTS[name]
    kind, value = entry["kind"], entry["value"]
    if kind == "set":
        return frozenset(value)
    if kind == "dict_of_sets":
        return {k: frozenset(v) for k, v in value.items()}
    if kind == "dict_of_tuples":
        return {k: tuple(v) for k, v in value.items()}
    if kind == "tuple_of_tuples":
        return tuple(tuple(v) for v in value)
    return dict(value)


GENERIC_PERSON: frozenset[str] = _load("GENERIC_PERSON")
KINSHIP: frozenset[str] = _load("KINSHIP")
EPITHET_ANY: frozenset[str] = _load("EPITHET_ANY")
EPITHET_PERSON: frozenset[str] = _load("EPITHET_PERSON")
EPITHET_BEAST: frozenset[str] = _load("EPITHET_BEAST")
OCCUPATION: frozenset[str] = _load("OCCUPATION")
PERSON_HYPERNYMS: dict[str, frozenset[str]] = _load("PERSON_HYPERNYMS")
MALE_NOUNS: frozenset[str] = _load("MALE_NOUNS")
FEMALE_NOUNS: frozenset[str] = _load("FEMALE_NOUNS")
CHILD_NOUNS: frozenset[str] = _load("CHILD_NOUNS")
ADULT_NOUNS: frozenset[str] = _load("ADULT_NOUNS")
ANIMAL: frozenset[str] = _load("ANIMAL")
ANIMAL_WITH_MODIFIER: dict[str, frozenset[str]] = _load("ANIMAL_WITH_MODIFIER")
ANIMAL_BLOCKERS: dict[str, frozenset[str]] = _load("ANIMAL_BLOCKERS")
ANIMAL_EXTRA: frozenset[str] = _load("ANIMAL_EXTRA")
JUVENILE_ANIMAL: frozenset[str] = _load("JUVENILE_ANIMAL")
ANIMAL_HYPERNYMS: dict[str, frozenset[str]] = _load("ANIMAL_HYPERNYMS")
CREATURE: frozenset[str] = _load("CREATURE")
CREATURE_ADJECTIVES: dict[str, Any] = _load("CREATURE_ADJECTIVES")
ROBOT: frozenset[str] = _load("ROBOT")
ROBOT_WITH_MODIFIER: dict[str, frozenset[str]] = _load("ROBOT_WITH_MODIFIER")
ROBOT_MAKING_MODIFIERS: frozenset[str] = _load("ROBOT_MAKING_MODIFIERS")
MACHINE_WORDS: frozenset[str] = _load("MACHINE_WORDS")
CAMERA_WORDS: frozenset[str] = _load("CAMERA_WORDS")
SCENE_HEADING_MARKERS: frozenset[str] = _load("SCENE_HEADING_MARKERS")
DIRECTION_PREPOSITIONS: frozenset[str] = _load("DIRECTION_PREPOSITIONS")
ROBOT_ADJECTIVES: frozenset[str] = _load("ROBOT_ADJECTIVES")
VEHICLE: frozenset[str] = _load("VEHICLE")
SCENERY_VEHICLES: frozenset[str] = _load("SCENERY_VEHICLES")
VEHICLE_CHARACTER_WORDS: frozenset[str] = _load("VEHICLE_CHARACTER_WORDS")
BACKGROUND_GROUP: frozenset[str] = _load("BACKGROUND_GROUP")
GROUP_NOUNS: frozenset[str] = _load("GROUP_NOUNS")
COVER_NOUNS: frozenset[str] = _load("COVER_NOUNS")
BODY_PARTS: frozenset[str] = _load("BODY_PARTS")
ARTWORK: frozenset[str] = _load("ARTWORK")
PROP_MODIFIERS: frozenset[str] = _load("PROP_MODIFIERS")
ANIMATE_MODIFIERS: frozenset[str] = _load("ANIMATE_MODIFIERS")
DETERMINERS: dict[str, Any] = _load("DETERMINERS")
NUMBER_WORDS: dict[str, Any] = _load("NUMBER_WORDS")
LARGER_NUMBER_WORDS: dict[str, int] = _load("LARGER_NUMBER_WORDS")
NEWCOMER_WORDS: frozenset[str] = _load("NEWCOMER_WORDS")
FOND_PERSON_EPITHETS: frozenset[str] = _load("FOND_PERSON_EPITHETS")
COVER_DETERMINERS: frozenset[str] = _load("COVER_DETERMINERS")
HYPOTHETICAL_WORDS: frozenset[str] = _load("HYPOTHETICAL_WORDS")
PAST_ROLE_WORDS: frozenset[str] = _load("PAST_ROLE_WORDS")
PRONOUNS: dict[str, tuple[str, ...]] = _load("PRONOUNS")
COLOURS: frozenset[str] = _load("COLOURS")
SIZE_SMALL: frozenset[str] = _load("SIZE_SMALL")
SIZE_LARGE: frozenset[str] = _load("SIZE_LARGE")
BUILD_SLIGHT: frozenset[str] = _load("BUILD_SLIGHT")
BUILD_HEAVY: frozenset[str] = _load("BUILD_HEAVY")
RANK_WORDS: dict[str, list[Any]] = _load("RANK_WORDS")
GRADED_BUILD: dict[str, int] = _load("GRADED_BUILD")
ANIMAL_COMPOUNDS: frozenset[str] = _load("ANIMAL_COMPOUNDS")
ANIMAL_COMPOUND_HEADS: frozenset[str] = frozenset(w.split()[-1] for w in ANIMAL_COMPOUNDS)
AGE_YOUNG: frozenset[str] = _load("AGE_YOUNG")
AGE_OLD: frozenset[str] = _load("AGE_OLD")
OLD_HAIR_COLOURS: frozenset[str] = _load("OLD_HAIR_COLOURS")
CLAUSE_PREPOSITIONS: frozenset[str] = _load("CLAUSE_PREPOSITIONS")
CAUSATIVE_VERBS: frozenset[str] = _load("CAUSATIVE_VERBS")
REAL_WORDS: frozenset[str] = _load("REAL_WORDS")
CLOTHING_SLOTS: dict[str, frozenset[str]] = _load("CLOTHING_SLOTS")
HAIR_WORDS: frozenset[str] = _load("HAIR_WORDS")
MARK_WORDS: frozenset[str] = _load("MARK_WORDS")
NON_VISUAL_ADJECTIVES: frozenset[str] = _load("NON_VISUAL_ADJECTIVES")
ADULT_EPITHETS: frozenset[str] = _load("ADULT_EPITHETS")
TOYABLE: frozenset[str] = _load("TOYABLE")
RELATIONAL: frozenset[str] = _load("RELATIONAL")
REMAINS: frozenset[str] = _load("REMAINS")

PROP_OF_HEADS_EXTRA: frozenset[str] = _load("PROP_OF_HEADS_EXTRA")
ALIAS_VERBS: frozenset[str] = _load("ALIAS_VERBS")
IST_EXCEPTIONS: frozenset[str] = _load("IST_EXCEPTIONS")
MAN_EXCEPTIONS: frozenset[str] = _load("MAN_EXCEPTIONS")
EER_EXCEPTIONS: frozenset[str] = _load("EER_EXCEPTIONS")
CHILD_KIN: frozenset[str] = _load("CHILD_KIN")
PARENT_KIN: frozenset[str] = _load("PARENT_KIN")
BOATS: frozenset[str] = _load("BOATS")
MAIN_CHARACTER: frozenset[str] = _load("MAIN_CHARACTER")
SYNONYM_GROUPS: tuple[tuple[str, ...], ...] = _load("SYNONYM_GROUPS")
KIN_GROUPS: dict[str, frozenset[str]] = _load("KIN_GROUPS")
KIN_RECIPROCAL: dict[str, Any] = _load("KIN_RECIPROCAL")
MULTIPLE_BIRTH: dict[str, Any] = _load("MULTIPLE_BIRTH")
PAIR_NOUNS: frozenset[str] = _load("PAIR_NOUNS")
MESSAGE_NOUNS: frozenset[str] = _load("MESSAGE_NOUNS")

#: every clothing word, whatever the slot
CLOTHING: frozenset[str] = frozenset().union(*CLOTHING_SLOTS.values())

# nouns a config declares story entities (`agent.extra_entity_nouns`); one slot, replaced as a whole
EXTRA_ENTITY_NOUNS: list[frozenset[str]] = [frozenset()]
