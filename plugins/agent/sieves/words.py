"""The sieves' word lists (data/sieves.json), loaded once."""

from __future__ import annotations

from typing import Any

from .. import lexicon as L
from ..resources import word_lists

_DATA: dict[str, Any] = word_lists("sieves.json")
REMOTE_VERBS: frozenset[str] = frozenset(_DATA["remote_verbs"])
DEPICTIONS: frozenset[str] = frozenset(_DATA["depiction_nouns"]) | L.ARTWORK | L.MESSAGE_NOUNS
ABSENCE_WORDS: frozenset[str] = frozenset(_DATA["absence_words"])
PHONE_WORDS: frozenset[str] = frozenset(_DATA["phone_words"])
AGE_YEARS: dict[str, int] = dict(_DATA["age_years"])
SIZE_WORDS: dict[str, int] = dict(_DATA["size_words"])
#: nouns whose rough age is at least / at most this are old / children ("grandmother", "toddler")
OLD_YEARS = 60
CHILD_YEARS = 12
TOY_MODIFIERS: frozenset[str] = frozenset(_DATA["toy_modifiers"]) | L.PROP_MODIFIERS
ABOUT_VERBS: frozenset[str] = frozenset(_DATA["about_verbs"])
SCENE_VEHICLE_VERBS: frozenset[str] = frozenset(_DATA["scene_vehicle_verbs"])
