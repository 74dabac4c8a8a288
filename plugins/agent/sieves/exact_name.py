"""Sieve 1: exact name."""

from __future__ import annotations

from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from ..linker import LinkContext

NAME = "exact_name"


def run(ctx: LinkContext) -> None:
    """A proper name refers to the entity that already carries that name (any of its name words:
    "Adeyemi" finds "Mrs. Adeyemi"), in the story or earlier in this prompt; the most recent wins."""
    for m in ctx.open(("name",)):
        for c in ctx.candidates(m):
            if m.names & c.names and ctx.link(m, c, NAME):
                break
