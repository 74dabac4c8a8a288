"""Members of a counted plural described one by one in its own sentence ("two nurses, one tall with braids, the other
short and freckled").

A sentence that brings in a counted set and then hands out its members' looks with "one ..." and "the other ..." (or
"another ...") gives each member its own description, but the parse seldom makes "one tall" or "the other short" a
noun phrase: "one" hangs off some earlier noun as an apposition and "the other" becomes a modifier of the adjective
after it. The words are then no mention at all, the members stay undescribed, and a later "the taller woman" or "the
freckled nurse" finds nobody (a new entity) or the wrong member. The rule reads the phrases from the words
themselves: after a plural counted two or more, a comma, colon or semicolon, "one" / "another" / "the other" followed
by a describing word (an adjective, a participle, a preposition such as "with" or "in") up to the next comma,
semicolon or the sentence's end is a relative mention carrying those words; the groups sieve then hands the phrases
to the set's members in order, and each member keeps its description.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from . import lexicon as L
from .modifiers import stems, token_number
from .nouns import noun_info

if TYPE_CHECKING:
    from spacy.tokens import Span, Token

    from .mentions import Mention, MentionReader

_OPENERS = (",", ":", ";", "\u2014")
_STOPS = (",", ";", ".", ":", "!", "?", "\u2014")
_DESCRIBING = ("ADJ", "VERB", "ADP")


def _counted_plural_before(sent: Span, i: int) -> bool:
    return any(t.tag_ == "NNS" and t.i < i and any(c.dep_ == "nummod" and (token_number(c) or 0) >= 2
                                                   for c in t.children) for t in sent)


def roll_call_spans(sent: Span, taken: set[int]) -> list[tuple[Token, list[Token], bool]]:
    """(the word "one" / "other" / "another", the describing words after it, whether it is "the other") for each
    member phrase of the sentence; none where a word of the phrase is already a mention (`taken` heads)."""
    out: list[tuple[Token, list[Token], bool]] = []
    doc = sent.doc
    for t in sent:
        low = t.lower_
        other = low == "other" and t.i > sent.start and doc[t.i - 1].lower_ == "the"
        if not (low in ("one", "another") or other):
            continue
        first = doc[t.i - 1] if low != "other" else doc[t.i - 2] if t.i - 2 >= sent.start else None
        if first is None or first.text not in _OPENERS and first.lower_ != "and" or t.i + 1 >= sent.end:
            continue
        nxt = doc[t.i + 1]  # the parse may tag an adjective after "one" a noun ("one lanky"): any non-character word
        if not (nxt.pos_ in _DESCRIBING or nxt.pos_ == "NOUN" and noun_info(nxt.lemma_.lower()) is None) \
                or nxt.lower_ == "of" or not _counted_plural_before(sent, t.i):
            continue
        span = []
        for w in doc[t.i + 1:sent.end]:
            if w.text in _STOPS or w.lower_ in ("the", "and") and w.i + 1 < sent.end \
                    and doc[w.i + 1].lower_ in ("other", "one", "another", "the"):
                break
            span.append(w)
        if span and t.i not in taken and not any(w.i in taken for w in span if w.pos_ in ("NOUN", "PROPN")
                                                 and w.i == span[0].i):
            out.append((t, span, other))
    return out


def roll_call_mentions(reader: MentionReader) -> list[Mention]:
    """The member phrases of every sentence (see the module docstring), as relative mentions."""
    taken = {m.head for m in reader.mentions}
    out = []
    for sent in reader.doc.sents:
        for tok, span, other in roll_call_spans(sent, taken):
            start = tok.idx if not other else tok.doc[tok.i - 1].idx
            m = reader.new_mention("relative", tok, start, "")
            m.type, m.category = "any", "relative"
            m.one, m.other = not other, other
            m.end = span[-1].idx + len(span[-1].text)
            m.text = reader.text[m.start:m.end]
            words = [w for w in span if w.pos_ in ("NOUN", "ADJ", "PROPN", "VERB")]
            for w in words:
                if w.pos_ == "ADJ":
                    reader.modifier_word(w, m)
                m.descriptors.update(stems(w.lemma_.lower()))
            m.colours.update(w.lower_ for w in words if w.lower_ in L.COLOURS)
            m.clothing.update(w.lemma_.lower() for w in words if w.lemma_.lower() in L.CLOTHING)
            out.append(m)
    return out
