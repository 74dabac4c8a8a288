"""The sieves' word lists (data/sieves.json), loaded once."""

from __future__ import annotations

from typing import Any

from .. import lexicon as L
from ..resources import word_lists

_DATA: dict[str, Any] = word_lists("sieves.json")
REMOTE_VERBS: frozenset[str] = frozenset(_DATA["remote_verbs"])
DEPICTIONS: frozenset[str] = frozenset(_DATA["depiction_nouns"]) | L.ARTWORK | L.MESSAGE_NOUNS
ABSENCE_WORDS: frozenset[str] = frozenset(_DATA["absence_words"])
DEPARTURE_VERBS: frozenset[str] = frozenset(_DATA["departure_verbs"])
DEATH_VERBS: frozenset[str] = frozenset(_DATA["death_verbs"])
DEPARTURE_PARTICLES: frozenset[str] = frozenset(_DATA["departure_particles"])
ARRIVAL_VERBS: frozenset[str] = frozenset(_DATA["arrival_verbs"])
SEEKING_VERBS: frozenset[str] = frozenset(_DATA["seeking_verbs"])
EMPTY_WORDS: frozenset[str] = frozenset(_DATA["empty_words"])
REMAINS_NOUNS: frozenset[str] = frozenset(_DATA["remains_nouns"])
PHONE_WORDS: frozenset[str] = frozenset(_DATA["phone_words"])
PHONE_LINE_WORDS: frozenset[str] = frozenset(_DATA["phone_line_words"])
PLACE_PREPOSITIONS: frozenset[str] = frozenset(_DATA["place_prepositions"])
DISPLAY_NOUNS: frozenset[str] = frozenset(_DATA["display_nouns"])
CAPTURE_VERBS: frozenset[str] = frozenset(_DATA["capture_verbs"])
RECORDING_NOUNS: frozenset[str] = frozenset(_DATA["recording_nouns"])
SHOWING_VERBS: frozenset[str] = frozenset(_DATA["showing_verbs"])
VEHICLE_PARTS: frozenset[str] = frozenset(_DATA["vehicle_parts"])
SENT_MESSAGE_NOUNS: frozenset[str] = frozenset(_DATA["sent_message_nouns"])
AGE_YEARS: dict[str, int] = dict(_DATA["age_years"])
SIZE_WORDS: dict[str, int] = dict(_DATA["size_words"])
SIZE_NOUNS: dict[str, int] = dict(_DATA["size_nouns"])
FEELING_WORDS: frozenset[str] = frozenset(_DATA["feeling_words"])
NEWCOMER_NOUNS: frozenset[str] = frozenset(_DATA["newcomer_nouns"])
CAMERA_SUBJECTS: frozenset[str] = frozenset(_DATA["camera_subjects"])
#: prepositions whose object is whom the clause's subject goes or looks toward, never that subject itself
DIRECTED_PREPOSITIONS: frozenset[str] = frozenset(_DATA["directed_prepositions"])
COUNTERPART_NOUNS: frozenset[str] = frozenset(_DATA["counterpart_nouns"])
KEEPER_NOUNS: frozenset[str] = frozenset(_DATA["keeper_nouns"])
LIKENESS_WORDS: frozenset[str] = frozenset(_DATA["likeness_words"])
SIBLING_SHARED_KIN: frozenset[str] = frozenset(_DATA["sibling_shared_kin"])
KIN_THROUGH: dict[str, tuple[str, str]] = {rel: (a, b) for rel, (a, b) in _DATA["kin_through"].items()}
#: nouns whose rough age is at least / at most these are old / young / children ("grandmother", "teenager",
#: "toddler"); only to tell two characters apart, never to contradict a stated age
OLD_YEARS = 60
YOUNG_YEARS = 25
CHILD_YEARS = 12
TOY_MODIFIERS: frozenset[str] = frozenset(_DATA["toy_modifiers"]) | L.PROP_MODIFIERS
MATERIAL_MODIFIERS: frozenset[str] = frozenset(_DATA["material_modifiers"])
SPEECH_VERBS: frozenset[str] = frozenset(_DATA["speech_verbs"])
ABOUT_VERBS: frozenset[str] = frozenset(_DATA["about_verbs"])
SCENE_VEHICLE_VERBS: frozenset[str] = frozenset(_DATA["scene_vehicle_verbs"])
SCENE_VEHICLE_WORDS: frozenset[str] = frozenset(_DATA["scene_vehicle_words"])
YOUNG_EPITHETS: frozenset[str] = frozenset(_DATA["young_epithets"])
FACE_WORDS: frozenset[str] = frozenset(_DATA["face_words"])
REST_WORDS: frozenset[str] = frozenset(_DATA["rest_words"])
KIN_GENERATIONS: dict[str, int] = dict(_DATA["kin_generations"])


def counterpart_noun(lemma: str) -> bool:
    """A noun for someone paired with the owner (data/sieves.json counterpart_nouns: "opponent", "colleague"), or
    any word built on "mate" ("stablemate", "roommate", "shipmate"): each names the one who shares the owner's
    place or work, so "his stablemate" is the other of the pair, like "his teammate"."""
    return lemma in COUNTERPART_NOUNS or len(lemma) > 6 and lemma.endswith("mate")
