"""Ages told as a bare number beside a character ("Ines, barely fifteen, ...", "the porter is nearly eighty").

The reader stores an age in years when the text says "a ten-year-old" or "a boy of ten" (mentions.py); a bare
number set off by commas after a character, or said of it with "is", tells the same age without the word
"years", and without it the age comparisons fall back to rough ages guessed from nouns.
"""

from __future__ import annotations

from spacy.tokens import Token

from .modifiers import token_number
from .nouns import ARGUMENT_DEPS

#: the youngest and oldest ages a bare number may tell: a number outside is a count or a year, not an age
MIN_AGE, MAX_AGE = 1, 110
#: prepositions that bound an age ("well past eighty", "just over forty", "under ten")
_AGE_BOUNDS = ("past", "over", "under", "nearly", "almost", "around", "about")
_COPULAS = ("be", "turn")


def _bare_age(num: Token) -> int | None:
    """The age a number token says when it stands alone (only adverbs before it: "barely sixteen"), else None:
    "one of the crew", "forty feet" and "nine in all" are no ages."""
    if any(c.dep_ not in ("advmod", "punct", "cc") for c in num.children):
        return None
    n = token_number(num)
    return n if n is not None and MIN_AGE < n <= MAX_AGE else None


def _set_off(tok: Token, num: Token) -> bool:
    """The number sits between commas (or a comma and the sentence end) right after the character phrase."""
    doc = tok.doc
    before = doc[num.left_edge.i - 1] if num.left_edge.i > 0 else None
    after = doc[num.right_edge.i + 1] if num.right_edge.i + 1 < len(doc) else None
    return before is not None and before.text in (",", "—", "-") and (after is None or after.is_punct)


def told_bare_age(tok: Token) -> int | None:
    """The age in years a bare number tells of the singular character phrase headed by `tok`: an apposition set off
    by commas ("the ferryman, nearly seventy, ..."; also "well past eighty"), or the complement of "is"/"turns"
    with the phrase (or its "who") as subject ("her uncle is ninety", "Dario, who is nearly forty"). A plural
    phrase is out: "the sailors, twelve in all" is a count."""
    if tok.tag_ in ("NNS", "NNPS"):
        return None
    for c in tok.children:
        if c.dep_ == "appos" and _set_off(tok, c):
            age = _bare_age(c)
            if age is not None:
                return age
        if c.dep_ == "prep" and c.lower_ in _AGE_BOUNDS and _set_off(tok, c):
            objs = [o for o in c.children if o.dep_ == "pobj"]
            age = _bare_age(objs[0]) if len(objs) == 1 else None
            if age is not None:
                return age
    for c in tok.children:  # "Dario, who is nearly forty"
        if c.dep_ == "relcl" and any(w.dep_ == "nsubj" and w.lower_ in ("who", "that") for w in c.children):
            age = _complement_age(c)
            if age is not None:
                return age
    return _complement_age(tok.head) if tok.dep_ == "nsubj" else None


def _complement_age(head: Token) -> int | None:
    """The bare age that is the complement of a copula or of "turns" ("is ninety", "turns sixty"), else None."""
    if head.lemma_.lower() in _COPULAS:
        deps = ("attr", "acomp", "oprd", "dobj") if head.lemma_.lower() == "turn" else ("attr", "acomp", "oprd")
        attrs = [c for c in head.children if c.dep_ in deps]
        return _bare_age(attrs[0]) if len(attrs) == 1 else None
    return None


def year_old_noun(tok: Token) -> bool:
    """"a seven-year-old", "the six-year-old" used as a noun (also where the parse makes it the complement of the
    verb though it takes an article: "stands near her cousin, a thin ten-year-old with ..."): the reader gives it
    the stated age, not the age class of "old"."""
    return tok.lemma_.lower() == "old" and any(c.lower_ in ("year", "years") for c in tok.children) \
        and (tok.dep_ in ARGUMENT_DEPS or tok.dep_ == "acomp" and any(c.dep_ == "det" for c in tok.children))
