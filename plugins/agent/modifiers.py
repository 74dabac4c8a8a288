"""Word-level readings of a mention's modifiers: what a comparative compares, the noun a participle is made
from, the number a word says, and what kind of attribute a phrase is (mentions.py reads the phrases)."""

from __future__ import annotations

import re
from typing import TYPE_CHECKING

from . import lexicon as L
from . import resources as R
from .nouns import noun_info

if TYPE_CHECKING:
    from spacy.tokens import Span, Token

#: up to three words, a camera word, then what a shot direction goes on with (a preposition or punctuation);
#: a shot list's number may follow the camera word and a dash end it ("SHOT 3 —", "Shot 12 -", "Cut 2:")
_HEADING = re.compile(
    r"\s*(?:[\w'-]+\s+){0,3}?(" + "|".join(sorted(map(re.escape, L.CAMERA_WORDS))) + r")\b(?:\s+#?\d+[a-z]?\b)?"
    r"(?=\s*(?:[:,.;\u2014\u2013]|\s-\s|"
    r"of\b|from\b|in\b|on\b|over\b|at\b|to\b|through\b|across\b|behind\b|toward\b|under\b|inside\b|$))",
    re.IGNORECASE)

COMPARATIVES = {  # comparative or superlative lemma -> (attribute it compares, direction)
    "old": ("age", 1), "elder": ("age", 1), "eld": ("age", 1), "eldest": ("age", 1), "young": ("age", -1),
    "big": ("size", 1), "large": ("size", 1), "tall": ("size", 1), "small": ("size", -1),
    "little": ("size", -1), "short": ("size", -1), "tiny": ("size", -1),
}


def graded(tok: Token) -> tuple[str, int] | None:
    """What a comparative or superlative compares ("older", "eldest", "smallest" -> ("age", 1) ...)."""
    return COMPARATIVES.get(tok.lemma_.lower()) or graded_word(tok.lower_)


def graded_word(low: str) -> tuple[str, int] | None:
    """`graded` for a lower-case word alone ("larger", "youngest", "bigger"); a build word's comparative compares
    build ("thinner", "plumpest", "skinnier", "heavier": lexicon BUILD_SLIGHT / BUILD_HEAVY / GRADED_BUILD); a rank
    word compares age without any ending ("the junior one", "the senior cook": lexicon RANK_WORDS)."""
    if low in L.RANK_WORDS:
        attribute, direction = L.RANK_WORDS[low]
        return str(attribute), int(direction)
    bases = (low, low[:-3] if low.endswith("est") else low[:-2] if low.endswith("er") else low,
             low[:-4] if low.endswith("est") and len(low) > 5 and low[-4] == low[-5] else low[:-3],
             low[:-2] if low.endswith("est") else low[:-1], low[:-3] + "y" if low.endswith("ier") else low[:-4] + "y")
    for word in bases:
        if word in COMPARATIVES:
            return COMPARATIVES[word]
    if low.endswith(("er", "est")):
        for word in bases[1:]:
            if word in L.BUILD_SLIGHT:
                return ("build", -1)
            if word in L.BUILD_HEAVY:
                return ("build", 1)
            if word in L.GRADED_BUILD:
                return ("build", L.GRADED_BUILD[word])
    return None


def stated_comparative(low: str) -> tuple[str, int] | None:
    """What a comparative word ("younger", "taller", "elder"; not "young" or "youngest") compares: said of a
    character beside another ("a younger man", "a shorter woman"), it states how the two differ."""
    return graded_word(low) if low.endswith("er") else None


def stems(word: str) -> set[str]:
    """A modifier and the noun it is made from ("moustached" -> "moustache", "ponytailed" -> "ponytail"),
    so that "the moustached guard" finds "a guard with a moustache"."""
    out = {word}
    for part in word.split("-"):
        if part.endswith("ed") and len(part) > 5:
            out.update({part[:-2], part[:-1]})
            if part[-3] == part[-4]:
                out.add(part[:-3])  # a doubled consonant: "scarred" -> "scar"
    return out


def token_number(tok: Token) -> int | None:
    return number_value(tok.text)


def number_value(word: str) -> int | None:
    """The number a word or numeral says ("seven", "fourteen", "twenty-five", "42"), else None."""
    low = word.lower()
    value = L.NUMBER_WORDS.get(low, L.LARGER_NUMBER_WORDS.get(low))
    if isinstance(value, int):
        return value
    if low.isdecimal() and low.isascii():  # "42"; not "²", which isdigit() accepts
        return int(low)
    tens, _, unit = low.partition("-")
    ten, one = L.LARGER_NUMBER_WORDS.get(tens), L.NUMBER_WORDS.get(unit)
    if ten is not None and ten % 10 == 0 and isinstance(one, int) and one < 10:
        return ten + one
    return None


def of_objects(tok: Token) -> list[Token]:
    """The objects of the word's first "of" phrase ("One of the girls", "a pair of scissors", "the older of the
    two"), in order; none when it has no such phrase."""
    of = next((c for c in tok.children if c.dep_ == "prep" and c.lower_ == "of"), None)
    return [] if of is None else [c for c in of.children if c.dep_ == "pobj"]


def attribute_kind(words: list[str]) -> str:
    """The kind of an attribute phrase, from its last telling word: clothing, hair, a mark, else a thing held."""
    for w in reversed(words):
        if w in L.CLOTHING:
            return "clothing"
        if w in L.HAIR_WORDS:
            return "hair"
        if w in L.MARK_WORDS or w in L.BODY_PARTS:
            return "mark"
    return "held"


def feature_word(t: Token, prep: Token) -> bool:
    """A word of an attribute phrase that sets its bearer apart to the eye: a colour, a garment, hair or another
    body feature, or (after "with") a thing carried that is no place, structure or fixture ("the man with the
    whistle", not "the woman in the kitchen"); never a character."""
    lemma = t.lemma_.lower()
    if t.pos_ not in ("NOUN", "ADJ") or t.dep_ == "poss" or noun_info(lemma) is not None:
        return False
    if t.lower_ in L.COLOURS or lemma in L.CLOTHING or lemma in L.BODY_PARTS or "W" in R.noun_senses(lemma):
        return True
    return t.pos_ == "NOUN" and prep.lower_ in ("with", "wearing") and not R.thing_noun(lemma)


def hyphen_features(c: Token) -> set[str]:
    """The colours and the noun stems of a hyphenated modifier the tokenizer split ("silver-haired": silver, hair;
    "grey-bearded": grey, beard), so that it finds "with silver hair" or "a grey beard"."""
    doc, i = c.doc, c.i
    while i > 1 and doc[i - 1].text == "-" and not doc[i - 1].whitespace_ and not doc[i - 2].whitespace_:
        i -= 2
    out = set()
    for part in (t.lower_ for t in doc[i:c.i + 1] if t.text != "-"):
        for word in part.split("-"):
            if word in L.COLOURS:
                out.add(word)
            elif word.endswith("ed") and len(word) > 5:
                out.update(w for w in (word[:-2], word[:-1]) if w in L.BODY_PARTS or w in L.CLOTHING)
    return out


def old_by_hair(tok: Token) -> bool:
    """Grey, white or silver hair or beard in the phrase of the character noun `tok` says its bearer is old
    ("a grey-bearded pilot", "a woman with a white braid"), so that "the old man" later finds him. The hair
    must be the noun's own, not that of a character named inside its phrase ("a boy beside a woman with
    grey hair": the woman's)."""
    for c in tok.subtree:
        if c.lower_ not in L.OLD_HAIR_COLOURS:
            continue
        hair = c.head if c.head.i != c.i else c
        if not stems(hair.lower_) & L.HAIR_WORDS and hair.lemma_.lower() not in L.HAIR_WORDS:
            continue
        owner = next((a for a in hair.ancestors if a.i == tok.i or a.pos_ == "PROPN"
                      or a.pos_ == "NOUN" and noun_info(a.lemma_.lower()) is not None), None)
        if owner is not None and owner.i == tok.i:
            return True
    return False


def camera_heading_end(sent: Span) -> int:
    """The character offset where a shot direction that opens the sentence ends ("Insert shot of ...", "Low
    angle from the dune:", "Dusk interior,", "Handheld shot in the crowd:"), or -1. Its words say how the shot
    is taken, so none of them is a character ("POV", "Handheld", "an aerial drone shot")."""
    m = _HEADING.match(sent.text)
    return sent.start_char + m.end(1) if m is not None else -1
