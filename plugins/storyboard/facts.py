"""What a storyboard shows, read from the finished run: prompt segments, entity chips, memory changes.

Everything comes through the `run` object (`hooks.run.RunState`): the prompts and switch frames the
engine recorded, the entities the agent published per prompt (`run.entities`), and the memory
plugin's log of memory changes (`run.memory_selection["changes"]`: for each block where the memory
segment's contents changed, the frames it then held and the entity IDs each was kept for). Without
the agent a row has no chips; without the memory plugin it has no memory changes.

Latent frames and video frames: the Wan VAE decodes latent frame 0 to video frame 0 and latent frame
k >= 1 to the `temporal_factor` (4) video frames `tf*(k-1)+1 .. tf*k`. A latent frame is shown as the
last of its video frames, `video_frame(k) = tf * k` (frame 0 for k = 0); `tf` is read off the
decoded video's length (`T = 1 + tf * (F - 1)`).
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any

from loguru import logger

EntityId = int | str

RULE = "a latent frame k is shown as the last of its decoded video frames: video frame temporal_factor * k"


@dataclass(frozen=True)
class Chip:
    id: EntityId
    label: str


@dataclass(frozen=True)
class MemoryFrame:
    frame_id: str
    latent_frame: int
    ids: tuple[EntityId, ...]


@dataclass(frozen=True)
class MemoryChange:
    block_index: int  # the block at whose switch or cache update the memory changed
    cause: str  # "switch" (retrieval for a new prompt) or "eviction" (a chunk left the local window)
    frames: tuple[MemoryFrame, ...]  # what the memory held afterwards, by latent frame


@dataclass
class Segment:
    prompt_index: int
    prompt: str
    start_frame: int  # latent frames [start_frame, end_frame)
    end_frame: int
    chips: list[Chip] = field(default_factory=list)
    changes: list[MemoryChange] = field(default_factory=list)


@dataclass
class Facts:
    segments: list[Segment]
    latent_frames: int
    frames_per_block: int
    temporal_factor: int | None = None  # None: no decoded video
    video_frames: int = 0

    def video_frame(self, latent_frame: int) -> int | None:
        """The video frame that stands for `latent_frame` (see the module docstring); None without video."""
        if self.temporal_factor is None:
            return None
        return min(self.temporal_factor * latent_frame, self.video_frames - 1)

    def video_range(self, segment: Segment) -> tuple[int, int]:
        """Video frames [first, end) decoded from the segment's latent frames."""
        tf = self.temporal_factor or 0
        first = 0 if segment.start_frame == 0 else tf * (segment.start_frame - 1) + 1
        return first, min(tf * (segment.end_frame - 1) + 1, self.video_frames)

    def spaced_frames(self, segment: Segment, count: int) -> list[int]:
        """`count` evenly spaced video frames of the segment, its first and last included (fewer when the
        segment is shorter)."""
        first, end = self.video_range(segment)
        n = end - first
        if n <= 0:
            return []
        if count == 1 or n == 1:
            return [first]
        picks = [first + round(i * (n - 1) / (count - 1)) for i in range(count)]
        return list(dict.fromkeys(picks))


def _get(obj: Any, key: str) -> Any:
    return obj.get(key) if isinstance(obj, Mapping) else getattr(obj, key, None)


def read_chips(published: Any) -> list[Chip]:
    """The entities published for one prompt (`run.entities[i]`: an object with `entities`, or a list of
    records with `id` and `name`), one chip per ID in the order published."""
    items = published if isinstance(published, Sequence) and not isinstance(published, str) else \
        _get(published, "entities")
    chips: dict[EntityId, Chip] = {}
    for item in items or []:
        eid = _get(item, "id")
        if isinstance(eid, bool) or not isinstance(eid, int | str) or eid in chips:
            continue
        name = _get(item, "label") or _get(item, "name")
        chips[eid] = Chip(eid, str(name) if name is not None else str(eid))
    return list(chips.values())


def read_changes(selection: Any) -> list[MemoryChange]:
    """The memory plugin's change log (`run.memory_selection["changes"]`); [] without one."""
    log = _get(selection, "changes") if selection else None
    out: list[MemoryChange] = []
    for entry in log or []:
        try:
            frames = tuple(MemoryFrame(str(f["frame_id"]), int(f["frame"]), tuple(f.get("ids") or ()))
                           for f in entry["frames"])
            out.append(MemoryChange(int(entry["block"]), str(entry.get("cause", "")), frames))
        except (KeyError, TypeError, ValueError) as e:
            logger.warning(f"storyboard: a memory change it cannot read is left out ({e!r}): {entry!r}")
    return out


def collect(run: Any, latents_frames: int, video_frames: int | None) -> Facts:
    """The facts of a finished video: `run` after the last block, its latent and decoded video lengths."""
    prompts: list[str] = list(run.prompts)
    switches = [int(s) for s in run.switch_frame_indices]
    starts = [0, *switches][: len(prompts)]
    ends = [*starts[1:], latents_frames]
    entities: Mapping[int, Any] = run.entities or {}
    fpb = int(run.frames_per_block) or 1
    segments = []
    for i, (s, e) in enumerate(zip(starts, ends, strict=True)):
        if s >= latents_frames:  # a scripted switch the video never reached
            break
        segments.append(Segment(i, prompts[i], s, min(e, latents_frames),
                                read_chips(entities[i]) if i in entities else []))
    for change in read_changes(run.memory_selection):
        frame = change.block_index * fpb
        row = next((seg for seg in reversed(segments) if seg.start_frame <= frame), None)
        if row is not None:
            row.changes.append(change)
    tf = None
    if video_frames:
        if latents_frames <= 1:
            tf = 1
        elif (video_frames - 1) % (latents_frames - 1) == 0:
            tf = (video_frames - 1) // (latents_frames - 1)
        else:
            logger.warning(f"storyboard: {video_frames} video frames do not decode {latents_frames} latent frames "
                           "as 1 + tf * (F - 1); frames are left out")
    return Facts(segments, latents_frames, fpb, tf, video_frames if video_frames and tf is not None else 0)
