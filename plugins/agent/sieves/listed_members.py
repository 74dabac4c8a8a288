"""Sieve: listed_members: "two nephews watch: the elder ..., the younger ..." singles out the plural's members."""

from __future__ import annotations

from typing import TYPE_CHECKING

from ..entities import contradicts, type_compatible
from ..modifiers import graded_word
from .members import learn_compared

if TYPE_CHECKING:
    from ..entities import Cluster
    from ..linker import LinkContext
    from ..mentions import Mention

NAME = "listed_members"


def run(ctx: LinkContext) -> None:
    """A definite phrase that only ranks or places someone ("the elder", "the younger one", "the eldest", "the
    middle one", "the first", "the other") after a colon that follows a counted plural of its sentence whose
    members this prompt introduced ("a potter works while two nephews look on: the elder ..., the younger ...")
    is the next of those members nobody has singled out yet, in the order the text sets them out. The colon says
    the plural is being taken apart; without this the bare rank word falls to whoever came first in the sentence
    (the potter), as "the elder" of a village might. A member so taken keeps what its phrase said (`learn_compared`)."""
    for m in ctx.open(("relative", "noun")):
        if m.det != "def" or m.plural or not _ranks_only(m):
            continue
        members = _members_before_colon(ctx, m)
        target = next((c for c in members if c.unclaimed_member and type_compatible(m, c)
                       and contradicts(m, c) is None), None)
        if target is not None and ctx.link(m, target, NAME):
            target.claimed = True
            learn_compared(m, target)
            m.appos_of = None  # a member set out after the colon renames nobody ("the eldest with a knife, the
            # middle one with a book" is a list; a parse that hangs "the elder" on the sentence's first person errs)


def _ranks_only(m: Mention) -> bool:
    """A bare rank or place: a relative phrase ("the younger", "the middle one", "the other"), or a noun that is
    itself an age comparative ("the elder" read as a noun)."""
    if m.kind == "relative":
        return True
    graded = graded_word(m.lemma) if m.lemma.endswith(("er", "est")) else None
    return graded is not None and graded[0] == "age"


def _members_before_colon(ctx: LinkContext, m: Mention) -> list[Cluster]:
    """The members this prompt made of the nearest counted plural before `m` in its sentence with a colon
    between them, in the order they were made."""
    text = ctx.prompt.text
    for x in sorted(ctx.mentions, key=lambda x: -x.start):
        if x.sent != m.sent or x.start >= m.start or not x.count or ":" not in text[x.end:m.start]:
            continue
        members = [c for cid in ctx.covers.get(x.index, []) if (c := ctx.clusters.get(cid)) is not None]
        if members and all(c.entry is None and c.group_key is not None for c in members):
            return members
        return []
    return []
