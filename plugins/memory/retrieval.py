"""Which archived frames form the active memory: greedy set cover of the prompt's entity IDs, then top-up.

`select_frames` is used both at a prompt switch (candidates: the whole archive) and after each
evicted chunk (candidates: the active frames plus the newly archived one), so a frame that is the
only one showing an ID of the current prompt is never replaced by a better-scoring frame that
does not show it.
"""

from __future__ import annotations

from collections.abc import Hashable, Sequence
from dataclasses import dataclass, field
from typing import Any, Generic, Protocol, TypeVar


class Candidate(Protocol):
    frame_id: str
    frame: int  # global latent frame (ties: the more recent frame wins)
    ids: tuple[Hashable, ...]
    relevance: float  # score against the current prompt


C = TypeVar("C", bound=Candidate)


@dataclass
class Selection(Generic[C]):
    frames: list[C] = field(default_factory=list)  # chosen candidates, in the order they were picked
    cover: list[dict[str, Any]] = field(default_factory=list)  # set-cover steps: frame_id, the IDs it newly covered
    added: list[str] = field(default_factory=list)  # frame ids added after the cover (second view, top-up)
    uncovered: list[Hashable] = field(default_factory=list)  # target IDs no archived frame shows

    @property
    def frame_ids(self) -> list[str]:
        return [c.frame_id for c in self.frames]


def select_frames(candidates: Sequence[C], target_ids: Sequence[Hashable], k: int,
                  topup: bool = True) -> Selection[C]:
    """Pick at most `k` candidates for the target IDs.

    1. Greedy set cover: repeatedly take the candidate showing the most still-uncovered target IDs
       (ties: higher relevance, then the more recent frame) until every ID that some candidate
       shows is covered.
    2. With 2+ target IDs and fewer than 2 frames picked, add the most relevant other frame that
       shows a target ID (a second view).
    3. Top-up (when `topup`): fill up to `k`, frames showing a target ID first, then by relevance.
    """
    sel: Selection[C] = Selection()
    if k <= 0:
        return sel
    targets = list(dict.fromkeys(target_ids))
    uncovered = set(targets)
    rest = list(candidates)

    def rank(c: C) -> tuple[float, int]:
        return (c.relevance, c.frame)

    while uncovered and len(sel.frames) < k and rest:
        best = max(rest, key=lambda c: (len(uncovered.intersection(c.ids)), *rank(c)))
        gain = uncovered.intersection(best.ids)
        if not gain:
            break
        sel.frames.append(best)
        sel.cover.append({"frame_id": best.frame_id, "covers": [i for i in targets if i in gain]})
        uncovered -= gain
        rest.remove(best)
    sel.uncovered = [i for i in targets if i in uncovered]

    target_set = set(targets)
    if len(target_set) >= 2 and len(sel.frames) < min(2, k):
        showing = [c for c in rest if target_set.intersection(c.ids)]
        if showing:
            best = max(showing, key=rank)
            sel.frames.append(best)
            sel.added.append(best.frame_id)
            rest.remove(best)
    if topup:
        rest.sort(key=lambda c: (bool(target_set.intersection(c.ids)), *rank(c)), reverse=True)
        for c in rest[: k - len(sel.frames)]:
            sel.frames.append(c)
            sel.added.append(c.frame_id)
    return sel
