"""Sieve 3: exact and head match with compatible attributes (strict, then relaxed)."""

from __future__ import annotations

from typing import TYPE_CHECKING

from ..entities import Cluster, contradicts, noun_match, overlap
from . import pronouns
from .compare import not_the_compared_other
from .keepers import keeps_another

if TYPE_CHECKING:
    from spacy.tokens import Token

    from ..linker import LinkContext
    from ..mentions import Mention

NAME = "head_match"


def run(ctx: LinkContext) -> None:
    """A singular noun phrase refers to an entity that has the same head noun (or a lexicon synonym:
    "the cook" for a chef) when no attribute contradicts (gender, age class, stated age, size, name,
    the colour of the same garment). "another X" / "a second X" never match. An indefinite phrase
    ("a wizard") matches only an entity of an earlier prompt (MemFlow stories re-introduce their
    subject every prompt), never one this prompt has already named. Among several, the one sharing
    more descriptive words wins, then the most recent. A possessive phrase is never its own owner ("his cousin"
    after two cousins is the one he is not)."""
    for m in ctx.open(("noun",)):
        if m.det == "new" or m.plural or m.type == "group" or m.relative_cue:
            continue
        owner = owner_of(ctx, m)  # "his cousin" is not he
        cands = [c for c in ctx.candidates(m) if noun_match(m, c) and c is not owner
                 and not (owner is not None and keeps_another(c, owner))]  # "the pony's rider" is not the horse's
        exact = [c for c in cands if m.nouns & c.nouns]  # the same noun before a synonym ("the cook" vs a chef)
        # strict first (every modifier of the phrase already describes the entity: Lee et al.'s word
        # inclusion), then relaxed, unless a member of a counted plural is still waiting to be singled out
        strict = [c for c in exact if _included(m, c)]
        best = pick(ctx, m, strict) or pick(ctx, m, [c for c in cands if _included(m, c)])
        if best is None and not any(c.unclaimed_member for c in cands):
            best = pick(ctx, m, exact) or pick(ctx, m, cands)
        if best is not None:
            ctx.link(m, best, NAME)


def _included(m: Mention, c: Cluster) -> bool:
    words = {w for w in m.modifiers if w.isalpha() and w not in m.nouns}
    return words <= (c.descriptors | c.nouns | c.colours)


def pick(ctx: LinkContext, m: Mention, cands: list[Cluster]) -> Cluster | None:
    """The best compatible candidate for `m` (candidates come most recent first)."""
    ok = []
    for c in cands:
        if contradicts(m, c) is not None or c.group and m.type != "group" or c.unclaimed_member:
            continue
        if m.det == "indef" and (ctx.in_prompt(c, m) or c.entry is None):
            continue
        if _same_clause_other(ctx, m, c):
            continue
        ok.append(c)
    ok = not_the_compared_other(m, ok, ctx.candidates(m))  # "the old man" is not the one called "the younger man"
    if not ok:
        return None
    # descriptive overlap decides first; recency (the candidates' order) breaks ties
    return max(ok, key=lambda c: (overlap(m, c), -ok.index(c)))


def owner_of(ctx: LinkContext, m: Mention) -> Cluster | None:
    """The entity a possessive phrase belongs to ("his" resolved, "the girl's"), which the phrase never is."""
    owner = ctx.prompt.by_head(m.owner) if m.owner is not None else None
    if owner is None:
        return None
    return ctx.cluster(owner) or (pronouns.resolve(ctx, owner) if owner.kind == "pronoun" else None)


def _same_clause_other(ctx: LinkContext, m: Mention, c: Cluster) -> bool:
    """Two different phrases that are arguments of one verb are two entities ("the cook hands the
    chef a plate"), whichever of the two comes first: a later argument an earlier sieve already linked ("the stranger
    leads the old man", "the old man" taken by its look) rules its entity out for the earlier phrase too, the
    indirect object ("offers the old woman a seat") included. A name is also told apart from a phrase further down
    its verb (`argument_verb`: "Mrs Okafor wraps a loaf for the old neighbour", "Captain Ruiz lets the old lady
    sit"): a name's entity is sure, while a noun subject's may itself be a guess, which this would then carry to
    the phrase under it."""
    doc = ctx.prompt.doc
    verb, further = doc[m.head].head, argument_verb(doc[m.head])
    shared = shared_subject_verbs(doc[m.head])
    return any(x.start != m.start and doc[x.head].dep_ in ("nsubj", "dobj", "nsubjpass", "dative")
               and (doc[x.head].head.i == verb.i and x.kind != "pronoun"
                    or doc[x.head].head.i == further.i and x.kind == "name"
                    or x.kind != "pronoun" and _across_shared_subject(doc[x.head], doc[m.head], shared))
               for x in c.mentions)


def shared_subject_verbs(tok: Token) -> set[int]:
    """The verbs a subject is also the subject of: its own and the verbs conjoined to it that have no subject of
    their own ("a woman comes in and kisses the old one": spaCy hangs the subject on "comes" alone)."""
    if tok.dep_ != "nsubj":
        return set()
    verb = tok.head
    return {verb.i} | {w.i for w in verb.children if w.dep_ == "conj" and w.pos_ == "VERB"
                       and not any(k.dep_ in ("nsubj", "nsubjpass") for k in w.children)}


def _across_shared_subject(x: Token, m: Token, m_verbs: set[int]) -> bool:
    """One phrase is the subject shared by conjoined verbs and the other an object of one of them: two entities,
    as for one verb ("the boy runs in and hugs the old man" is not the old man). Either phrase may be the subject."""
    if m_verbs and x.dep_ in ("dobj", "dative"):
        return x.head.i in m_verbs
    return m.dep_ in ("dobj", "dative") and m.head.i in shared_subject_verbs(x)


def argument_verb(tok: Token) -> Token:
    """The verb the phrase headed by `tok` is an argument of: its head; for the object of a preposition, the verb
    the preposition (or the object noun it hangs on: "wraps a loaf for the neighbour") belongs to; for the subject
    of a bare clause under another verb ("lets the old lady sit", "watches the boy dive"), that other verb, whose
    own subject does the letting or watching to someone else. "as" and "like" are left out: "works as the cook"
    may well be the same person."""
    head = tok.head
    if tok.dep_ == "pobj" and head.dep_ == "prep" and head.lower_ not in ("as", "like"):
        head = head.head
        if head.pos_ in ("NOUN", "PROPN") and head.dep_ in ("dobj", "dative") and head.head.pos_ == "VERB":
            head = head.head
    elif tok.dep_ == "nsubj" and head.dep_ in ("ccomp", "xcomp") and head.tag_ in ("VB", "VBP") \
            and head.head.pos_ == "VERB":  # a bare verb: "lets her sit", not a reported "says she sits"
        head = head.head
    return head
