"""Proper names in the parse: which capitalised tokens name a character, and the words of the name.

The parse decides (a PROPN in a character's frame), not a name table: the given-name table only gives
a gender. Titles ("Mrs.", "Grandpa") and the words of names.json (places, quoted words, days) are what
the parse alone cannot tell apart.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from . import resources as R
from .nouns import noun_info

if TYPE_CHECKING:
    from spacy.tokens import Token

_NAMES = R.word_lists("names.json")
TITLES: dict[str, str | None] = _NAMES["titles"]
TITLE_NOUNS: dict[str, str] = _NAMES["title_nouns"]
_NOT_NAMES = frozenset(_NAMES["not_names"])
_PLACE_WORDS = frozenset(_NAMES["place_words"])
_LOCATIVE = frozenset(_NAMES["locative_prepositions"])
_WORD_NOUNS = frozenset(_NAMES["word_nouns"])
AS_NAME_VERBS = frozenset(_NAMES["as_name_verbs"])
TITLE_SUFFIXES: dict[str, str | None] = _NAMES["title_suffixes"]
KUNYA_PREFIXES = frozenset(_NAMES["kunya_prefixes"])


def is_title(tok: Token) -> bool:
    """A title before a name ("Mrs.", "Abuela"), or an honorific joined after it by a hyphen ("Tanaka-san")."""
    low = tok.text.lower().rstrip(".")
    return low in TITLES or low in TITLE_SUFFIXES and tok.i >= 2 and tok.doc[tok.i - 1].text == "-"


def title_gender(title: str) -> str | None:
    return TITLES.get(title) or TITLE_SUFFIXES.get(title)


def name_token(tok: Token) -> bool:
    """A capitalised proper-noun token in a character frame (the parse decides, not a name table)."""
    if tok.pos_ != "PROPN" or not (tok.text[:1].isupper() or hyphen_tail(tok)) or is_title(tok):
        return False
    low = tok.text.lower()
    if low in _NOT_NAMES or low in _PLACE_WORDS or tok.like_num:
        return False
    if tok.dep_ in ("appos", "compound", "attr") and tok.head.lemma_.lower() in _WORD_NOUNS or any(
            c.dep_ in ("compound", "nmod") and c.lemma_.lower() in _WORD_NOUNS for c in tok.children):
        return False  # "squawks the name Tiago": the word is quoted, nobody is there
    if tok.dep_ in ("compound", "amod"):
        return False  # part of a longer name (read from its head), a brand or a place ("Lagos market")
    head_noun = tok.head
    if head_noun.pos_ == "NOUN" and head_noun.i > tok.i and noun_info(head_noun.lemma_.lower()) is None and any(
            c.dep_ == "det" and c.i < tok.i for c in head_noun.children):
        return False  # inside another noun's phrase, whatever the parse calls it: "a small Lisbon kitchen"
    head = tok.head
    if tok.dep_ == "pobj" and head.lower_ in _LOCATIVE and R.name_gender(low) is None:
        return False  # "in Lagos", "from Kyoto"
    if tok.dep_ == "pobj" and head.lower_ == "of" and head.head.pos_ == "NOUN" and noun_info(head.head.lemma_) is None:
        return False  # "the streets of Lisbon"
    # a place word right before the head makes a place ("Lake Tahoe"); further off it is a surname ("Park Ji-ho")
    return not any(c.text.lower() in _PLACE_WORDS for c in tok.children if c.dep_ == "compound" and c.i == tok.i - 1)


def name_tokens(tok: Token) -> list[Token]:
    parts = [c for c in tok.children if c.dep_ == "compound" and c.pos_ == "PROPN" and c.i < tok.i]
    return sorted([*parts, tok], key=lambda t: t.i)


def hyphen_tail(tok: Token) -> bool:
    """The token is the second half of a hyphenated capitalised name the tokenizer split ("Ji-ho":
    "Ji", "-", "ho")."""
    doc = tok.doc
    return tok.i >= 2 and doc[tok.i - 1].text == "-" and doc[tok.i - 2].text[:1].isupper() \
        and not doc[tok.i - 2].whitespace_ and not doc[tok.i - 1].whitespace_ and tok.text.isalpha()


def name_words(parts: list[Token]) -> list[str]:
    """The lower-case words of a name, a hyphenated part kept whole ("Park Ji-ho" -> park, ji-ho)."""
    words: list[str] = []
    for p in parts:
        if words and hyphen_tail(p) and p.doc[p.i - 2] in parts:
            words[-1] += "-" + p.lower_
        else:
            words.append(p.lower_)
    return words


def as_name_owner(tok: Token) -> Token | None:
    """For a name after "as" under a naming verb ("introduces himself to the cook as Tamsin", "a boy known as
    Ferro"), the token it renames: the verb's subject, or the noun a participle describes."""
    if tok.dep_ != "pobj" or tok.head.lower_ != "as":
        return None
    verb = next((a for a in tok.head.ancestors if a.pos_ in ("VERB", "AUX")), None)
    if verb is None or verb.lemma_.lower() not in AS_NAME_VERBS:
        return None
    if verb.dep_ == "acl" and verb.head.pos_ in ("NOUN", "PROPN"):
        return verb.head
    return next((c for c in verb.children if c.dep_ in ("nsubj", "nsubjpass")), None)
