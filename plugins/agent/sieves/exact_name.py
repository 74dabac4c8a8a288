"""Sieve 1: exact name."""

from __future__ import annotations

from typing import TYPE_CHECKING

from ..mentions import TITLE_NOUNS

if TYPE_CHECKING:
    from ..linker import LinkContext

NAME = "exact_name"
TITLE_NOUN_WORDS = frozenset(TITLE_NOUNS.values())


def run(ctx: LinkContext) -> None:
    """A proper name refers to the entity that already carries that name (any of its name words:
    "Adeyemi" finds "Mrs. Adeyemi"), in the story or earlier in this prompt; the most recent wins."""
    for m in ctx.open(("name",)):
        for c in ctx.candidates(m):
            if m.names & c.names and not _other_given_name(m.names, c.names, c.nouns):
                if m.gender_guessed and c.gender is not None:
                    m.gender = None  # the table's guess for the name gives way to what the story said of its bearer
                if ctx.link(m, c, NAME):
                    break


def _other_given_name(mention: set[str], entity: set[str], nouns: set[str]) -> bool:
    """"Wen Lili" after "Grandpa Wen": a title made "Wen" a family name, and the new name adds a given name."""
    return bool(mention - entity) and bool(nouns & TITLE_NOUN_WORDS)
