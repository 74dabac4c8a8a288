"""Presence filters for characters said to be somewhere else (the presence sieve calls these)."""

from __future__ import annotations

from typing import TYPE_CHECKING

from .pronouns import resolve
from .words import ABSENCE_WORDS, SENT_MESSAGE_NOUNS

if TYPE_CHECKING:
    from spacy.tokens import Token

    from ..linker import LinkContext
    from ..mentions import Mention


def gone_in_absolute(tok: Token) -> bool:
    """The character of a "with"-phrase that says it is away ("With him gone, the sisters talk freely", "with
    her father gone for the day", "with the dog away at the vet"): the phrase sets the scene by its absence.
    The parse gives a clause with "with" as its mark and the character as subject, or "with" as a preposition
    whose object carries the absence word (or is the absence word, the pronoun read as its possessor)."""
    if tok.dep_ in ("nsubj", "nsubjpass"):
        pred = tok.head
        if not any(c.dep_ == "mark" and c.lower_ in ("with", "without") for c in pred.children):
            return False
        return pred.lower_ in ABSENCE_WORDS or any(
            c.dep_ in ("acomp", "advmod") and c.lower_ in ABSENCE_WORDS for c in pred.children)
    if tok.dep_ == "poss" and tok.head.lower_ in ABSENCE_WORDS:
        return tok.head.dep_ == "pobj" and tok.head.head.lower_ in ("with", "without")  # "with her gone", misread
    if tok.dep_ == "pobj" and tok.head.lower_ == "with":
        return any(c.dep_ in ("advmod", "amod") and c.lower_ in ABSENCE_WORDS and c.i > tok.i for c in tok.children)
    return False


def note_gone(ctx: LinkContext, m: Mention) -> None:
    """A pronoun or a definite phrase the prompt says is gone ("With him gone, they laugh", "the courier has left
    and they sit down") still refers to someone the story has: that entity is kept out of the prompt's plurals
    ("they", "both"), which would otherwise take in the previous prompt's scene with it. The entity is the one the
    pronoun would refer to, or the one entity bearing the phrase's noun. The presence sieve calls it only for one
    stated gone, not for one only waited for or named as an owner: a pronoun guessed for those may be someone
    who is there."""
    if m.kind == "pronoun" and not m.plural:
        c = resolve(ctx, m)
    elif m.kind == "noun" and m.det in ("def", "poss") and not m.plural:
        bearers = [c for c in ctx.clusters.values() if c.entry is not None and m.lemma in c.nouns]
        c = bearers[0] if len(bearers) == 1 else None
    else:
        c = None
    if c is not None:
        ctx.gone.add(c.cid)


def sent_from(tok: Token) -> bool:
    """Who a message that arrives is from, where "from" hangs on the verb whose subject is the message ("A text
    arrives from her cousin", "a postcard comes from her brother", "a parcel turns up from his aunt"): the sender
    is elsewhere, as in "a letter from her sister" (data/sieves.json `sent_message_nouns`)."""
    if tok.dep_ != "pobj" or tok.head.lower_ != "from":
        return False
    verb = next((a for a in tok.head.ancestors if a.pos_ != "ADP"), None)  # "pings in from": past the particle
    if verb is None or verb.pos_ not in ("VERB", "AUX"):
        return False
    return any(c.dep_ in ("nsubj", "nsubjpass") and c.lemma_.lower() in SENT_MESSAGE_NOUNS for c in verb.children)


def talked_of_still(m: Mention, ctx: LinkContext) -> bool:
    """A definite phrase for someone the story has so far only talked of (a noun of `registry.elsewhere`, borne by
    no entity): inside what someone says ("tells the twins that the pilot will ring back", "says the hiker is
    safe") it is still talked of, as a new name or an indefinite phrase there is."""
    return m.kind == "noun" and m.det == "def" and m.lemma in ctx.registry.elsewhere and not any(
        m.lemma in c.nouns for c in ctx.clusters.values())
