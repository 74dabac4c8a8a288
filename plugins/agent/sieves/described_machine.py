"""A general word for a machine ("the vessel") told by its look names the story's machine of that look."""

from __future__ import annotations

from typing import TYPE_CHECKING

from ..entities import contradicts, overlap

if TYPE_CHECKING:
    from ..entities import Cluster
    from ..linker import LinkContext
    from ..mentions import Mention

_MACHINES = ("vehicle", "robot")


def described_machine(ctx: LinkContext, m: Mention) -> Cluster | None:
    """A definite singular general word for a machine (lexicon MACHINE_WORDS: "the big vessel", "the small
    craft", "the red machine") that the scene gave no referent names the one vehicle or robot character of the
    story, however many prompts back, that shares a descriptive word with it (a size, colour or other modifier):
    "a towering tanker" ... (a prompt of "they") ... "the big vessel". The general word is the teller's for a
    machine the story cast, and the look says which; without a shared word ("the pinball machine") it stays a
    thing, and so it does when two machines share one (which one is unsaid)."""
    if m.det != "def" or m.plural or m.count is not None or m.relative_cue:
        return None
    fits = [c for c in ctx.candidates(m) if c.type in _MACHINES and not c.group and overlap(m, c) > 0
            and contradicts(m, c) is None]
    return fits[0] if len(fits) == 1 else None
