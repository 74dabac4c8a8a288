"""Lexical resources read from the package's data files (importlib.resources), loaded once.

The rules need to classify nouns their hand-made word lists do not contain ("a landscaper",
"a goalie") and to know which capitalised words are given names and of which usual gender.
Both come from compact tables derived from public resources by ``data/build_tables.py``:
WordNet 3.0 noun senses and a given-name dictionary. Loading them takes a few milliseconds once
per process; `load_ms` tells how long it took (the benchmark reports it apart from per-prompt time).
"""

from __future__ import annotations

import json
import time
from functools import cache, lru_cache
from importlib import resources
from typing import Any

_LOAD_MS = {"total": 0.0}


def _read(name: str) -> str:
    return resources.files("plugins.agent").joinpath("data").joinpath(name).read_text(encoding="utf-8")


def _table(name: str) -> dict[str, str]:
    t0 = time.perf_counter()
    out = {}
    for line in _read(name).splitlines():
        if line and not line.startswith("#"):
            key, _, value = line.partition("\t")
            out[key] = value
    _LOAD_MS["total"] += (time.perf_counter() - t0) * 1000.0
    return out


@lru_cache(maxsize=1)
def _wordnet() -> dict[str, str]:
    return _table("wordnet_nouns.tsv")


@lru_cache(maxsize=1)
def _names() -> dict[str, str]:
    return _table("first_names.tsv")


def _common() -> frozenset[str]:
    return _word_file("common_words.txt")


def _verbs() -> frozenset[str]:
    return _word_file("wordnet_verbs.txt")


@cache
def _word_file(name: str) -> frozenset[str]:
    """A one-word-per-line table (`#` lines are comments), read once."""
    t0 = time.perf_counter()
    words = frozenset(w for w in _read(name).splitlines() if w and not w.startswith("#"))
    _LOAD_MS["total"] += (time.perf_counter() - t0) * 1000.0
    return words


def animate_verb(base: str) -> bool:
    """The verb (base form) needs a living subject in its most frequent sense: "bow", "cough", "greet"
    (never "turn", "tear" or "rustle", which things do too)."""
    return base in _word_file("wordnet_animate_verbs.txt")


def thing_noun(lemma: str) -> bool:
    """The noun's most frequent sense is a place, structure or artifact ("enclosure", "cage")."""
    return lemma in _word_file("wordnet_things.txt")


def people_group(lemma: str) -> bool:
    """The noun names a group of people that acts together ("crew", "choir", "squad", "quartet")."""
    return lemma in _word_file("wordnet_people_groups.txt")


def verb_word(word: str) -> bool:
    """The word is the base form of an English verb (a WordNet verb lemma): "herd", "camp", "dog"."""
    return word.lower() in _verbs()


def verb_base(form: str) -> str | None:
    """The base form of a present-tense verb ending in -s ("reverses" -> "reverse", "hurries" -> "hurry",
    "watches" -> "watch"), or None. The parser's lemma of such a word read as a plural noun is a noun's
    singular ("reverses" -> "revers"), which no verb table knows."""
    low = form.lower()
    candidates = ([low[:-3] + "y"] if low.endswith("ies") else []) + [low[:-1], low[:-2]] if low.endswith("s") else []
    return next((c for c in candidates if c and verb_word(c)), None)


def common_word(word: str) -> bool:
    """The word is an ordinary English word (a WordNet lemma written in lower case)."""
    return word.lower() in _common()


@cache
def word_lists(name: str) -> dict[str, Any]:
    """A JSON file of word lists under data/ (the hand-made lexicons live there, not in code)."""
    t0 = time.perf_counter()
    data: dict[str, Any] = json.loads(_read(name))
    _LOAD_MS["total"] += (time.perf_counter() - t0) * 1000.0
    return data


def _row(lemma: str) -> list[str]:
    return _wordnet().get(lemma, "").split("\t")


def noun_senses(lemma: str) -> str:
    """Classes of the noun's WordNet senses, most frequent first ("" when none can be a character).

    P person, A animal, C creature, V vehicle, R robot, G game piece, W clothing, L place, X thing,
    O abstract.
    """
    return _row(lemma)[0].partition("|")[0]


def also_adjective(lemma: str) -> bool:
    """The word is an adjective as well ("ancient", "native"): a weak noun reading."""
    return _row(lemma)[0].endswith("|a")


@lru_cache(maxsize=8192)
def _synsets(lemma: str) -> tuple[frozenset[int], frozenset[int]]:
    row = _row(lemma)
    own = frozenset(int(x) for x in row[1].split(",") if x) if len(row) > 1 else frozenset()
    up = frozenset(int(x) for x in row[2].split(",") if x) if len(row) > 2 else frozenset()
    return own, up


def noun_relation(a: str, b: str) -> int:
    """How two person/animal nouns relate in WordNet: 3 synonyms ("stargazer", "astronomer"),
    2 one names the other more broadly ("officer" for "sergeant"), 0 neither or unknown."""
    if a == b:
        return 3
    own_a, up_a = _synsets(a)
    own_b, up_b = _synsets(b)
    if not own_a or not own_b:
        return 0
    if own_a & own_b:
        return 3
    if own_a & up_b or own_b & up_a:
        return 2
    return 0


def name_gender(name: str) -> str | None:
    """'male' / 'female' for a given name with a usual gender, 'unknown' for a unisex one, None if not a name."""
    g = _names().get(name.lower())
    if g is None:
        return None
    return {"m": "male", "f": "female"}.get(g, "unknown")


def load() -> float:
    """Load every table now; returns the milliseconds all loading has taken in this process."""
    _wordnet()
    _names()
    _common()
    _verbs()
    _word_file("wordnet_animate_verbs.txt")
    _word_file("wordnet_things.txt")
    _word_file("wordnet_people_groups.txt")
    return _LOAD_MS["total"]
