"""Arrivals: the phrase that describes a character as it comes into the scene renames it.

A story often announces someone by the word it used for them ("her brother", "the new doctor") and then, as they
walk in, describes them with a fresh indefinite phrase after a colon ("her brother walks in: a bearded man in a
parka"). Both phrases are the same individual; without this link each starts an entity of its own.
`link_structure` calls `link_arrivals` after its own apposition links; each rule sets `Mention.appos_of`.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from . import resources as R

if TYPE_CHECKING:
    from spacy.tokens import Doc

    from .mentions import Mention

__all__ = ["link_arrivals"]

_ENTRANCE_VERBS = frozenset(R.word_lists("sieves.json")["entrance_verbs"])
_CHARACTER_TYPES = ("person", "any", "animal", "creature", "robot")


def _free(m: Mention) -> bool:
    return m.kind == "noun" and not m.plural and m.skip is None and m.appos_of is None and m.member_of is None


def described_on_entrance(text: str, doc: Doc, mentions: list[Mention]) -> None:
    """"Her brother walks in: a bearded man in a parka", "at last the doctor appears: a small woman with a bun":
    an indefinite singular phrase right after a colon that ends a clause whose subject is a singular character and
    whose verb is one of coming in (`entrance_verbs`), with no other character phrase between, renames that subject;
    the colon introduces the look of whoever just entered. Not when the phrase has a verb of its own ("the nurse
    steps out: a man waits by the lift" is someone else), nor after a verb of looking or pointing (not listed)."""
    for m in mentions:
        if not _free(m) or m.det != "indef" or not text[:m.start].rstrip().endswith(":"):
            continue
        if doc[m.head].dep_ in ("nsubj", "nsubjpass"):
            continue
        colon = text[:m.start].rstrip()
        before = [x for x in mentions[:m.index] if x.kind != "pronoun"]
        host = before[-1] if before else None
        if host is None or not host.subject or host.plural or host.kind not in ("noun", "name") \
                or host.type not in _CHARACTER_TYPES or host.skip is not None:
            continue
        verb = doc[host.head].head
        between = text[host.end:len(colon) - 1]
        if verb.lemma_ not in _ENTRANCE_VERBS or any(p in between for p in ".;:!?"):
            continue
        m.appos_of = host.index


def link_arrivals(text: str, doc: Doc, mentions: list[Mention]) -> None:
    """The rule above, on one parsed prompt's mentions (sorted and indexed)."""
    described_on_entrance(text, doc, mentions)
