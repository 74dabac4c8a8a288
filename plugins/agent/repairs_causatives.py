"""Repair: the subject of a bare verb after "let", "make", "watch" ... read as a modifier of that verb made a noun
(see repairs.py, whose `OVERRIDES` list runs it; tested in tests/plugins/agent/test_repairs_causatives.py).

Only tags, heads and labels change.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from . import lexicon as L
from . import resources as R
from .nouns import noun_info, noun_info_as_noun

if TYPE_CHECKING:
    from spacy.tokens import Doc


def subject_of_verb_after_causative(doc: Doc) -> int:
    """A causative or perception verb ("lets", "makes", "helps", "watches") takes an object and a bare verb that
    object does ("the pony lets the little rascal climb onto his back", "she watches the old tomcat leap"). The
    small model reads the bare verb as the object noun and the character noun before it as that noun's modifier
    ("the black rascal butt": a "rascal butt"), or reads the verb right but hangs the noun on it as an adjective
    ("the spotted rascal nip"), so the character disappears. When the object is a singular word
    that is a verb and no character noun, and the word right before it is a character noun, the character noun is
    the verb's subject (with the determiner and adjectives before it) and the word the verb. A noun whose first
    sense is a person but which is an adjective too counts ("helps the frail patient stand", "sees the tired native
    wave"): after the object's determiner it is that noun, and the model's adjective reading is what hid it."""
    n = 0
    for verb in doc[2:]:
        cause, subj = verb.head, doc[verb.i - 1]
        if cause.lemma_.lower() not in L.CAUSATIVE_VERBS or not verb.text.islower():
            continue
        as_noun = verb.dep_ == "dobj" and verb.tag_ == "NN" and R.verb_word(verb.lower_) \
            and noun_info(verb.lower_) is None
        if not as_noun and not (verb.dep_ in ("ccomp", "xcomp") and verb.pos_ == "VERB"):
            continue  # the bare verb read as the object noun, or read right with its subject hung on it as a modifier
        if subj.head.i != verb.i or subj.dep_ not in ("compound", "amod", "nmod") \
                or noun_info_as_noun(subj.lower_) is None or not subj.text.islower():
            continue
        for c in list(verb.children):
            if c.i < subj.i:
                c.head = subj  # "the", "black"
            elif c.i > verb.i and c.dep_ == "appos" and c.pos_ == "PRON":
                c.dep_ = "dobj"  # "butt her"
        subj.head, subj.dep_, subj.pos_, subj.tag_ = verb, "nsubj", "NOUN", "NN"
        verb.head, verb.dep_, verb.pos_, verb.tag_ = cause, "ccomp", "VERB", "VB"
        n += 1
    return n
