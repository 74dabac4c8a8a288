"""Sieve 2: apposition and predicate nominative."""

from __future__ import annotations

from typing import TYPE_CHECKING

from . import pronouns

if TYPE_CHECKING:
    from ..linker import LinkContext

NAME = "apposition"


def run(ctx: LinkContext) -> None:
    """A phrase set beside another one renames it: "Zofia, a ferry pilot, ..." (apposition), "the
    pilot is Zofia" (predicate nominative), "calls him Tobi" / "a man named Jonas" (naming verbs).
    The later of the two joins the entity of the earlier (a pronoun host is resolved first)."""
    for m in ctx.mentions:
        if m.appos_of is None or m.skip is not None:
            continue
        host = ctx.mentions[m.appos_of]
        target = ctx.cluster(host)
        if target is None and host.kind == "pronoun":
            target = pronouns.resolve(ctx, host)
        own = ctx.cluster(m)
        if target is None and own is not None and host.kind == "relative":
            ctx.link(host, own, NAME)  # "The eldest, a tall girl of sixteen": one description of one entity
            continue
        if target is None or own is None or target is own:
            continue
        if own.entry is not None and target.entry is None:
            ctx.link(host, own, NAME)
        elif own.entry is None:
            ctx.link(m, target, NAME, new_name=m.kind == "name" and host.kind in ("pronoun", "noun", "name"))
