"""Sieve: "the real one" beside a puppet, toy or statue is the living being that likeness copies."""

from __future__ import annotations

from typing import TYPE_CHECKING

from .. import lexicon as L
from ..nouns import noun_info, synonyms

if TYPE_CHECKING:
    from ..linker import LinkContext
    from ..mentions import Mention

NAME = "real_one"
_LIKENESS_SKIPS = ("prop", "toy")
_BEINGS = ("animal", "creature", "person", "robot", "vehicle")


def run(ctx: LinkContext) -> None:
    """A definite "one" set apart as real or alive ("the real one", "the live one", "the living one") names the
    story's being of the kind a likeness earlier in the prompt copies: the kind noun of "a wooden kappa puppet",
    "a toy mouse", "a stone heron" or "a tin snowplough" ("kappa", "mouse", "heron", "snowplough"). The phrase
    has no noun of its own, and the likeness is no entity, so no other rule can find whom it means; it contrasts
    the two, so it is the real being of that kind, when the story has exactly one."""
    for m in ctx.open(("relative",)):
        if m.det != "def" or m.plural or not m.modifiers & L.REAL_WORDS:
            continue
        kinds = _copied_kinds(ctx, m)
        found = [c for c in ctx.candidates(m) if not c.group and c.type in _BEINGS
                 and any(synonyms(k, n) for k in kinds for n in c.nouns)]
        if len(found) == 1:
            m.type = found[0].type
            ctx.link(m, found[0], NAME)


def _copied_kinds(ctx: LinkContext, m: Mention) -> set[str]:
    """The kind nouns of the last likeness before `m` in its prompt: its head ("a toy mouse") and any being noun
    among its modifiers ("a wooden kappa puppet")."""
    likeness = [x for x in ctx.mentions if x.start < m.start and x.kind == "noun" and x.skip in _LIKENESS_SKIPS]
    if not likeness:
        return set()
    last = likeness[-1]
    head = {last.lemma} if last.type in _BEINGS else set()  # the reader's kind: "snowplough" is a vehicle
    return head | {w for w in last.modifiers | {last.lemma} if (info := noun_info(w)) is not None
                   and info.type in _BEINGS}
