"""Nouns that name a machine or vehicle character only because the story already has one.

A story that has made a snowplough or a delivery robot a character goes on calling it by shorter or more
general words that name no character on their own: half of its compound ("the plough", "the tug"), a clipped
form ("the limo"), or a general word for any machine ("the machine", "the little craft", "the contraption").
Without the story's machine these words are props ("a coffee machine"), so the reader asks the story first.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from . import lexicon as L
from . import resources as R
from .nouns import NounInfo

if TYPE_CHECKING:
    from spacy.tokens import Token

#: what a general machine word names when the story has a machine: a robot or vehicle of any make (the two kinds
#: are compatible), described only in general terms (the groups sieve lets such a plural cover them)
MACHINE_WORD_INFO = NounInfo("robot", "epithet")


def _determined(tok: Token) -> bool:
    return tok.pos_ == "NOUN" and any(c.dep_ in ("det", "poss") for c in tok.children)


def _definite(tok: Token) -> bool:
    """"the", "this", "that" or a possessor: a phrase that refers back ("a machine" brings in a new one)."""
    return tok.pos_ == "NOUN" and any(c.dep_ == "poss" or c.dep_ == "det" and c.lower_ in ("the", "this", "that",
                                                                                             "these", "those")
                                      for c in tok.children)


def known_vehicle_part(tok: Token, known_vehicles: frozenset[str]) -> str | None:
    """The story's vehicle noun that this determined noun is a part of, when exactly one is: its ending ("the
    dozer" after "a bulldozer", "the plough" after "a snowplough"), or its beginning when the shorter word has a
    vehicle sense of its own in WordNet (a clipping or the first half of a compound: "the tug" after "a tugboat",
    "the limo" after "a limousine", "the sub" after "a submarine"; a beginning without that sense is mostly a
    different word)."""
    low = tok.lemma_.lower()
    if not _determined(tok) or len(low) < 3:
        return None
    ends = [v for v in known_vehicles if v != low and len(low) >= 4 and v.endswith(low)]
    if not ends and "V" in R.noun_senses(low):
        ends = [v for v in known_vehicles if v != low and v.startswith(low)]
    return ends[0] if len(ends) == 1 else None


def general_machine_word(tok: Token, story_machines: frozenset[str]) -> bool:
    """A general word for a machine (lexicon.json MACHINE_WORDS: "machine", "craft", "vessel", "contraption")
    with a definite determiner or a possessor ("the damaged machine", "its little craft", "the two machines")
    names one of the story's machines when the story has a robot or vehicle character (`story_machines`: their
    nouns); otherwise, or with "a", it is a thing ("a coffee machine", "the machine" in a story of people).
    The wordnet sieve links it to a machine of the scene, or leaves it a thing when none fits."""
    if not story_machines or not _definite(tok) or tok.lemma_.lower() not in L.MACHINE_WORDS:
        return False
    return not (tok.dep_ in ("compound", "amod") and tok.head.i > tok.i)  # "the machine room"
