"""A bare rank word described between commas before its verb ("The younger, barely nine, hides ...", "The eldest,
bald and stooped, pours ..."): see repairs.py, whose `OVERRIDES` list runs this with the others; tested in
tests/plugins/agent/test_repairs_rank_words.py.

The small model has seen a comparative or superlative mostly before a noun, so it hangs the rank word on the
number or adjective after the comma, or makes that adjective the sentence's root; the rank word then heads no
mention and the age or look between the commas reaches nobody.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from . import resources as R

if TYPE_CHECKING:
    from spacy.tokens import Doc, Span, Token

#: what may stand between the commas: adjectives, participles, numbers, adverbs before them ("barely"), "and"
_DESCRIPTION_POS = frozenset({"ADJ", "NUM", "ADV", "CCONJ", "PUNCT"})


def rank_word_before_set_off_description(doc: Doc) -> int:
    """"The <comparative or superlative>, <adjectives, participles or a number>, <finite verb>": the rank word is
    the verb's subject; each adjective or participle between the commas is its conjunct (a look, set_off_looks.py)
    and a number its apposition (an age, told_ages.py), an adverb before one hangs on it. Not when a noun stands
    between the commas ("the eldest, a bald man, ...": an apposition the parse reads), nor without the verb."""
    n = 0
    for rank in doc[1:-3]:
        if rank.tag_ not in ("JJR", "JJS") or doc[rank.i - 1].lower_ != "the" or doc[rank.i + 1].text != ",":
            continue
        close = next((t.i for t in doc[rank.i + 2:rank.sent.end] if t.text == ","), None)
        if close is None or close == rank.i + 2 or close + 1 >= len(doc):
            continue
        verb, inner = doc[close + 1], doc[rank.i + 2:close]
        if _garment_between(rank, inner, verb):
            n += 1
            continue
        words = [t for t in inner if not (t.tag_ == "HYPH" or t.pos_ in ("CCONJ", "ADV"))]
        if verb.tag_ not in ("VBZ", "VBD") or not words or any(
                t.pos_ not in _DESCRIPTION_POS and t.tag_ not in ("VBN", "VBD", "HYPH", "NN") for t in inner) \
                or any(t.tag_ == "NN" and not (t.i + 1 < close and doc[t.i + 1].tag_ == "HYPH") for t in inner):
            continue  # (a noun only before a hyphen: "grey-bearded")
        verb.head, verb.dep_ = verb, "ROOT"
        doc[rank.i - 1].head, doc[rank.i - 1].dep_ = rank, "det"
        rank.head, rank.dep_ = verb, "nsubj"
        doc[rank.i + 1].head = doc[close].head = rank
        for t in inner:
            if t.pos_ == "NUM":
                t.head, t.dep_ = rank, "appos"
            elif t.pos_ == "ADJ" or t.tag_ in ("VBN", "VBD") and not (t.i > 0 and doc[t.i - 1].tag_ == "HYPH"):
                t.head, t.dep_ = rank, "conj"
        for t in inner:
            if t.pos_ == "ADV" and t.i + 1 < close and doc[t.i + 1].pos_ in ("NUM", "ADJ"):
                t.head, t.dep_ = doc[t.i + 1], "advmod"
            elif t.pos_ in ("CCONJ", "PUNCT") or t.tag_ == "HYPH" or t.tag_ == "NN":
                t.head = doc[t.i + 1] if t.tag_ in ("HYPH", "NN") else rank
        n += 1
    return n


def _garment_between(rank: Token, inner: Span, verb: Token) -> bool:
    """"The younger, in a striped scarf, waves": a phrase of "in" / "with" / "wearing" and one noun between the
    commas hangs on the rank word (what it wears, read by the mention reader), and the word after the comma is its
    verb, also when the model read a present-tense verb as a plural noun ("waves", "nods"): a rank word and a
    garment leave no noun for it to be. Applied (and True) only when the phrase has that shape."""
    prep, rest = inner[0], list(inner[1:])
    nouns = [t for t in rest if t.pos_ == "NOUN"]
    if prep.lower_ not in ("in", "with", "wearing") or len(nouns) != 1 or nouns[0].i != inner.end - 1 \
            or any(t.pos_ not in ("DET", "ADJ", "NOUN", "PRON") and t.tag_ != "VBN" for t in rest):
        return False
    after = verb.doc[verb.i + 1] if verb.i + 1 < len(verb.doc) else None
    base = verb.lower_[:-1] if verb.lower_.endswith("s") else ""
    if not (verb.tag_ in ("VBZ", "VBD") or verb.tag_ == "NNS" and R.verb_word(base)
            and (after is None or after.pos_ in ("PUNCT", "ADP", "DET", "ADV", "PRON"))):
        return False
    doc, noun = verb.doc, nouns[0]
    if verb.tag_ == "NNS":
        verb.pos_, verb.tag_, verb.lemma_ = "VERB", "VBZ", base
    verb.head, verb.dep_ = verb, "ROOT"
    doc[rank.i - 1].head, doc[rank.i - 1].dep_ = rank, "det"
    rank.head, rank.dep_ = verb, "nsubj"
    doc[rank.i + 1].head = doc[inner.end].head = rank
    prep.head, prep.dep_ = rank, "prep"
    noun.head, noun.dep_ = prep, "pobj" if prep.lower_ != "wearing" else "dobj"
    for t in rest[:-1]:
        t.head = noun
    return True
