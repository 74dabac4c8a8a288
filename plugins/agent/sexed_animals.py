"""Words for the male or the female of an animal kind ("the cob" and "the pen" of two swans, "the buck" of a deer).

Such a word's most frequent WordNet sense is often no animal at all (a pen is a writing tool, a cob a corncob, a dam a
wall across a river), so the open-vocabulary noun lookup never makes it a character and the animal it names drops
out of the prompt. The rule: a word of ``data/sexed_animals.json`` that is determined ("the", "its", "her") names an
animal when the story already has an animal of a kind the word is said of (the swan for "cob", the deer for "hind"),
and it carries the sex the word names, so that the sieves can tell the male of a pair from the female. Without such
an animal in the story the word keeps its usual sense ("the pen on the desk", "the dam upstream").
"""

from __future__ import annotations

from collections.abc import Collection
from typing import TYPE_CHECKING, Any

from . import resources as R

if TYPE_CHECKING:
    from spacy.tokens import Token

_WORDS: dict[str, dict[str, Any]] = R.word_lists("sexed_animals.json")["words"]


def sexed_animal_gender(tok: Token, known_animals: Collection[str]) -> str | None:
    """'male' / 'female' when the token is a determined lower-case noun of the sexed-animal list said of one of the
    story's animals (the same noun, or one WordNet puts above or below it: a "mute swan" is a swan), else None."""
    entry = _WORDS.get(tok.lower_)
    if entry is None or tok.pos_ != "NOUN" or tok.tag_ != "NN" or not known_animals:
        return None
    if not any(c.dep_ in ("det", "poss") for c in tok.children):
        return None
    kinds = entry["of"]
    if any(k == s or R.noun_relation(k, s) >= 2 for k in known_animals for s in kinds):
        return str(entry["sex"])
    return None
