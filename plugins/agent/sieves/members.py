"""What singling a member out says about it: "the smallest of the three" is the small one from then on."""

from __future__ import annotations

from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from ..entities import Cluster
    from ..mentions import Mention


def learn_compared(m: Mention, member: Cluster) -> None:
    """A comparative or superlative of size that singled a member of a counted set out ("the smallest of the
    three", "the taller one") makes that member the small (large) one, so that a later "the little one" or "the
    big one" finds it among members the text never described by size. (Age is left alone: "the eldest" is
    already known by its own word, and a size says nothing of age.)"""
    if m.compare is None or member.size is not None:
        return
    attr, direction = m.compare
    if attr == "size" and direction != 0:
        member.size = "small" if direction < 0 else "large"
