"""Sieve: "the new <role>" in a later prompt is the story's newest compatible entity ("the new girl")."""

from __future__ import annotations

from typing import TYPE_CHECKING

from ..entities import Cluster, contradicts
from .compare import told_apart
from .head_match import _same_clause_other
from .salience import _KINDS, _named_here, described_here

if TYPE_CHECKING:
    from ..linker import LinkContext
    from ..mentions import Mention

NAME = "newest"
_DEFINITE = frozenset({"the", "this", "that"})


def run(ctx: LinkContext) -> None:
    """A singular character noun with the definite article and "new" ("the new girl", "the new leader", "that
    new apprentice") that no earlier sieve linked is someone the reader already knows: "new" says the person is
    new to the place or role, and the article says the story has shown them ("a new girl" would bring one on).
    It names the newest entity of the story (introduced last) that nothing contradicts (kind, gender, age,
    names), that is no group, not named by another phrase of this prompt and not another argument of its verb:
    the one who came last is the one still called new. A kin word is the relative sieve's; a phrase the prompt
    describes where it stands ("the new cook, a tall man in an apron") is a newcomer; with nobody compatible it
    starts an entity. Trade: "the new <role>" bringing on a person the story never showed, while a compatible
    one is in it, is merged into that one; on the readable dev files every definite "the new <role>" after the
    first prompt was someone already shown."""
    for m in ctx.open(("noun",)):
        if m.det != "new" or m.plural or m.type not in _KINDS or m.kin is not None or not _definite(ctx, m):
            continue
        if described_here(ctx, m):
            continue
        best = newest(ctx, m)
        if best is not None:
            ctx.link(m, best, NAME)


def _definite(ctx: LinkContext, m: Mention) -> bool:
    """The phrase's own determiner is the definite article or a demonstrative ("the new girl", not "a new")."""
    return any(c.dep_ == "det" and c.lower_ in _DEFINITE for c in ctx.prompt.doc[m.head].children)


def newest(ctx: LinkContext, m: Mention) -> Cluster | None:
    """The compatible entity introduced last (see `run`), or None."""
    own = ctx.cluster(m)
    movers = own.mentions if own is not None else [m]
    ok = [c for c in ctx.candidates(m) if not c.group and c.type in _KINDS | {m.type}
          and all(contradicts(x, c) is None for x in movers)
          and not _named_here(c, m) and not _same_clause_other(ctx, m, c) and not told_apart(m, c)]
    if not ok:
        return None
    # this prompt's entities (no registry entry yet) are newer than any of the story's
    return max(ok, key=lambda c: (c.entry is None, c.entry.first_prompt if c.entry else c.order,
                                  c.entry.entity_id if c.entry else c.order))
