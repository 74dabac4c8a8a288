"""Repairs around a plural subject whose verb, in its base form, the parser reads as a noun (see repairs.py,
whose `OVERRIDES` list runs this with the others; tested in tests/plugins/agent/test_repairs_plural_subjects.py).

A base-form verb ("grin", "cheer", "end") follows only a plural subject, so the small model, which has seen
such words mostly as nouns after "the X and the", reads the second subject as a modifier of a noun "grin", or a
count ("the other two") as the number of a noun "haul". Only tags, heads and labels change.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from . import resources as R
from .modifiers import number_value
from .nouns import noun_info

if TYPE_CHECKING:
    from spacy.tokens import Doc, Token

#: what follows a verb read as a noun (here, and in repairs.py for one read as a plural noun: "hums across"): a
#: particle or preposition ("end up", "grin at"), an adverb, an object's determiner or pronoun, a conjunction
#: ("cheer as"); never a noun, which would make the word a noun's modifier, nor a verb or the sentence's end
AFTER_VERB = frozenset({"ADP", "ADV", "DET", "PRON", "PART", "CCONJ", "SCONJ"})
#: words before a count that make it a subject of its own ("all three", "the other two", "the remaining four")
_COUNT_OPENERS = frozenset({"all", "the", "other", "remaining", "both"})


def base_verb_after_plural_subject(doc: Doc) -> int:
    """A word that is a verb and no character noun, read as a singular noun right after a plural subject, with a
    preposition, adverb, determiner, pronoun or conjunction after it: the subject is a count that stands for
    people ("All four end up in the fountain", "the other two haul the ropes") or two character phrases joined
    by "and" ("The grandfather and the nephews cheer as ...", "The pilot and the navigator grin at the camera"). A
    plural subject takes the verb's base form, so the word is the verb and the phrase before it its subject. After a
    count the word may end its clause ("while the other two eat."): a number of two or more never takes a singular
    noun."""
    n = 0
    for verb in doc[1:-1]:
        after = doc[verb.i + 1]
        if verb.pos_ not in ("NOUN", "PROPN") or verb.tag_ not in ("NN", "NNP") or not verb.text.islower() \
                or not R.verb_word(verb.lower_) or noun_info(verb.lower_) is not None:
            continue
        subj = doc[verb.i - 1]
        if after.pos_ not in AFTER_VERB and not (after.pos_ == "PUNCT" and _count_subject(subj)):
            continue  # (a count of two or more takes no singular noun, so after one the word is a verb at a clause's
            # end too: "while the other two eat.")
        if _count_subject(subj):
            _make_subject(subj, verb)
            n += 1
            continue
        first = _first_conjunct(subj)
        if first is not None:
            _make_second_conjunct(subj, first, verb)
            n += 1
    return n


def _count_subject(tok: Token) -> bool:
    """A number of two or more opened by "all", "the" or "other" ("All four", "the other two")."""
    value = number_value(tok.lower_) if tok.pos_ == "NUM" else None
    before = tok.doc[tok.i - 1] if tok.i > 0 else None
    return value is not None and value >= 2 and before is not None and before.lower_ in _COUNT_OPENERS


def _first_conjunct(tok: Token) -> Token | None:
    """The head of the character phrase that "and" joins before `tok`'s phrase ("The baker and the apprentices"), when
    `tok` is a character noun with its own determiner or possessive, adjectives allowed between ("the two rangers and
    their mule step out", "Kofi and the old smith laugh"): the first of two subjects, a character noun or a name
    (see `_first_subject`)."""
    if all(noun_info(w) is None for w in (tok.lemma_.lower(), tok.lower_, tok.lower_.removesuffix("s"))):
        return None  # (a plural tagged as a proper noun keeps its -s in the lemma)
    det = _determiner_of(tok)
    if det is None or det.i < 2 or tok.doc[det.i - 1].lower_ != "and":
        return None
    first = tok.doc[det.i - 2]
    return first if _first_subject(first) else None


def _first_subject(tok: Token) -> bool:
    """The word before "and" can be the first of two subjects: a character noun, or a name ("Jonas and the vicar
    walk to the church"): a capitalised proper noun, or a capitalised word no dictionary has, whatever its tag (the
    small model tags a name it does not know that opens a sentence as an adjective as often as not)."""
    if tok.pos_ in ("NOUN", "PROPN") and noun_info(tok.lemma_.lower()) is not None:
        return True
    return tok.text[:1].isupper() and tok.text.isalpha() and (tok.pos_ == "PROPN" or not R.common_word(tok.text))


def _determiner_of(tok: Token) -> Token | None:
    """The determiner or possessive that opens `tok`'s phrase, past the adjectives between ("the old smith")."""
    i = tok.i - 1
    while i >= 0 and tok.doc[i].pos_ == "ADJ":
        i -= 1
    det = tok.doc[i] if i >= 0 else None
    return det if det is not None and (det.pos_ == "DET" or det.tag_ == "PRP$") else None


def _make_subject(subj: Token, verb: Token) -> None:
    for c in list(verb.children):
        if c.i < subj.i:
            c.head = subj  # "the other" of "the other two"
    subj.head, subj.dep_ = verb, "nsubj"
    _retag(verb)


def _make_second_conjunct(subj: Token, first: Token, verb: Token) -> None:
    det = _determiner_of(subj)
    assert det is not None  # (`_first_conjunct` found it)
    det.head, det.dep_ = subj, "poss" if det.tag_ == "PRP$" else "det"
    for adj in subj.doc[det.i + 1:subj.i]:
        adj.head, adj.dep_ = subj, "amod"
    subj.pos_, subj.tag_ = "NOUN", "NNS" if subj.lower_.endswith("s") else "NN"
    if noun_info(subj.lemma_.lower()) is None:
        subj.lemma_ = subj.lower_.removesuffix("s")  # "nephews" read as a proper noun kept its -s
    subj.head, subj.dep_ = first, "conj"
    subj.doc[det.i - 1].head = first  # "and"
    if first.dep_ == "ROOT" or first.head.i == verb.i and verb.dep_ == "ROOT":
        for c in list(first.children):
            if c.i > verb.i:
                c.head = verb  # "at the camera" hung on the first subject
        if first.dep_ == "ROOT":
            verb.head, verb.dep_ = verb, "ROOT"
            first.head, first.dep_ = verb, "nsubj"
    _retag(verb)


def _retag(verb: Token) -> None:
    verb.pos_, verb.tag_, verb.lemma_ = "VERB", "VBP", verb.lower_


def plural_subject_before_base_verb(doc: Doc) -> int:
    """A plural character noun parsed as a compound of the next word, when that word heads the sentence and is a
    verb read as a singular noun, or tagged as a verb yet still given the plural as a compound ("all three dogs
    bark at the fox"): a plural subject takes the verb's base form, which the model reads as a noun the plural
    modifies. The plural is the subject and the word its verb; the determiner and number move to the plural."""
    n = 0
    for tok in doc[:-1]:
        verb = doc[tok.i + 1]
        if tok.dep_ != "compound" or tok.head.i != verb.i or tok.tag_ != "NNS" \
                or noun_info(tok.lemma_.lower()) is None:
            continue
        after = doc[verb.i + 1] if verb.i + 1 < len(doc) else None
        if verb.tag_ not in ("NN", "VBP") or verb.dep_ != "ROOT" or not R.verb_word(verb.lower_) \
                or noun_info(verb.lower_) is not None \
                or after is not None and after.pos_ not in ("ADP", "ADV", "PUNCT", "CCONJ", "SCONJ", "DET", "PRON"):
            continue
        for c in list(verb.children):
            if c.i < tok.i:
                c.head = tok
        tok.head, tok.dep_ = verb, "nsubj"
        verb.pos_, verb.tag_ = "VERB", "VBP"
        n += 1
    return n
