"""Sieve: a general noun told by age, size or build names the one entity described that way."""

from __future__ import annotations

from typing import TYPE_CHECKING

from ..entities import Cluster, build_of, called_old, compared_size, contradicts, generic_fit
from ..nouns import noun_age
from .compare import told_apart

if TYPE_CHECKING:
    from ..linker import LinkContext
    from ..mentions import Mention

NAME = "generic_look"


def run(ctx: LinkContext) -> None:
    """A definite singular phrase whose head only says who someone is in general ("the old woman", "the tall
    man", "the heavyset fellow") and that gives an age class other than adult, a size or a build names the one
    compatible entity of the story described with that age class, size or build, whatever noun introduced it
    ("an elderly ferry operator" ... "the old woman"): the general noun tells nobody apart, the look does. The
    head match would otherwise take the entity that happens to share the general noun ("another woman"), though
    nothing says she is old. Nothing is decided when two entities have the look, or when none has. Then a
    general noun with another trait word ("the bald man") goes by that trait (`by_trait`)."""
    for m in ctx.open(("noun",)):
        if m.det != "def" or m.plural or m.type == "group" or m.relative_cue or m.kin is not None \
                or not generic_fit(m) or not looks(m):
            continue
        fits = [c for c in ctx.candidates(m) if _has_look(m, c)]
        if len(fits) == 1:
            ctx.link(m, fits[0], NAME)
    for m in ctx.open(("noun",)):
        if m.det == "def" and not m.plural and m.type != "group" and not m.relative_cue and m.kin is None \
                and generic_fit(m):
            trait = by_trait(ctx, m)
            if trait is not None:
                ctx.link(m, trait, NAME)


def looks(m: Mention) -> set[str]:
    """What the phrase's words say of its bearer's look: an age class other than adult that its noun does not
    carry already ("the old woman", not "the girl"), a size, a build."""
    out = set()
    if m.age is not None and m.age != "adult" and m.age != noun_age(m.lemma):
        out.add(f"age:{m.age}")
    if m.size is not None:
        out.add(f"size:{m.size}")
    build = build_of(m.descriptors | m.modifiers)
    if build is not None:
        out.add(f"build:{build}")
    return out


def _has_look(m: Mention, c: Cluster) -> bool:
    """The entity was described with one of the phrase's looks, and nothing contradicts it."""
    if c.group or c.unclaimed_member or contradicts(m, c) is not None or told_apart(m, c):
        return False
    theirs = set()
    if c.age is not None:
        theirs.add(f"age:{c.age}")
    if called_old(c):
        theirs.add("age:old")  # grey hair, or "elderly" said before a noun that made it an adult
    size = c.size or compared_size(c)
    if size is not None:
        theirs.add(f"size:{size}")
    build = build_of(c.descriptors)
    if build is not None:
        theirs.add(f"build:{build}")
    return bool(looks(m) & theirs)


def by_trait(ctx: LinkContext, m: Mention) -> Cluster | None:
    """A definite phrase whose head only says who someone is in general ("the bald man", "the masked woman",
    "the bearded fellow") and whose own modifier the text gave exactly one entity of the story ("a bald
    opponent", "a masked wrestler") names that entity, though another entity shares the general noun ("an old
    man"): the general noun tells nobody apart, the trait does. Nothing is decided when two entities share the
    word, when none does, or when the entity is one the general noun contradicts."""
    if looks(m):
        return None  # an age, size or build: the look rule's, which finds the one with that look or none
    words = {t.lower_ for t in ctx.prompt.doc[:m.head] if t.idx >= m.start and t.pos_ == "ADJ"} & m.descriptors
    if not words:
        return None  # a noun modifier ("the kitchen boy", "the stone figure") says what, not who
    fits = [c for c in ctx.candidates(m) if words & c.descriptors and not c.group and not c.unclaimed_member
            and contradicts(m, c) is None and not told_apart(m, c)]
    return fits[0] if len(fits) == 1 else None
