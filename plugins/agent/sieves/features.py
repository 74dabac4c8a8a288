"""Sieve 3: a definite description by what the eye tells apart (worn or held things, hair, colours)."""

from __future__ import annotations

from typing import TYPE_CHECKING

from .. import lexicon as L
from ..entities import Cluster, contradicts

if TYPE_CHECKING:
    from ..linker import LinkContext
    from ..mentions import Mention

NAME = "features"


def run(ctx: LinkContext) -> None:
    """A definite singular noun phrase that describes its bearer by what it wears, holds or looks like ("the man
    in the toque", "the rescuer in orange", "the grey-bearded pilot") refers to the one entity of the story that
    was described with the most of those features, whatever noun either phrase uses (shot lists re-describe
    people by what is on screen), when nothing contradicts (gender, kind, age). A feature that two entities
    share as much decides nothing; colours alone decide only when the phrase is "in <colour>"."""
    for m in ctx.open(("noun",)):
        if m.det != "def" or m.plural or m.type == "group" or m.relative_cue or not m.features:
            continue
        best = _bearer(ctx, m)
        if best is not None:
            ctx.link(m, best, NAME)


def _bearer(ctx: LinkContext, m: Mention) -> Cluster | None:
    scored = []
    for c in ctx.candidates(m):
        if c.group or c.unclaimed_member or contradicts(m, c) is not None:
            continue
        shared = m.features & (c.descriptors | c.clothing | c.colours)  # (another colour of a shared
        # garment is a contradiction already: "the man in blue trunks" is not the one in red trunks)
        if shared and (shared - L.COLOURS or not m.features - L.COLOURS):
            scored.append((len(shared), c))
    if not scored:
        return None
    top = max(n for n, _ in scored)
    best = [c for n, c in scored if n == top]
    return best[0] if len(best) == 1 else None
