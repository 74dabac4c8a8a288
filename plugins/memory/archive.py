"""The frame archive: bounded storage of archived frames' keys/values, and its eviction policy.

Each archived frame keeps the keys and values of every layer (as the KV cache held them, RoPE
included) so it can be written into the memory segment later, plus a small probe per scoring layer
(`scoring.frame_probes`) so it can be re-scored against any prompt without touching its keys.

**Bounded memory.** The keys/values live in one pool per layer of `memory.archive_frames` frame
slots, reserved in the initialisation phase at that configured size, as the engine reserves its
KV cache and MemFlow's bank: the archive never allocates during generation, its footprint follows
from the config and not from the video's length, and a capacity that does not fit fails before
the first block rather than hours into a video. (A video that evicts no chunk reserves nothing; a
short one pays for the whole capacity, so lower `memory.archive_frames` for short videos.) With
`memory.offload: cpu` the pool is host memory (pinned when the model runs on CUDA, so injection
copies are asynchronous) and only injected frames reach the device; with `device` it sits beside
the model.

**Eviction.** When the pool is full, the incoming frame and the archived ones compete: the frame
dropped is, among those that are not in the active memory and whose every entity ID is shown by
another frame, the one with the lowest archive score (ties: the oldest). So the last frame of an
ID is never dropped while any other frame could go; only when every unprotected frame is the last
of some ID (more IDs than slots) does the lowest-scoring unprotected frame go, with a warning.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Hashable, Sequence
from dataclasses import dataclass, field
from typing import Any

import torch
from loguru import logger


@dataclass(eq=False)
class ArchivedFrame:
    frame_id: str  # p{prompt}_c{chunk}_f{frame}
    prompt: int  # prompt that generated the frame
    chunk: int  # chunk that generated the frame (chunks count from 1)
    frame: int  # global latent frame index
    evicted_at: int  # chunk index whose cache update evicted it
    ids: tuple[Hashable, ...]  # associated entity IDs
    id_source: str  # "scores" (per-entity scores), "prompt" (the prompt's IDs), "none" (no entity data)
    id_reason: str
    score: float  # against its own prompt, at archive time
    entity_scores: dict[Hashable, float]
    probe: torch.Tensor  # [L_s, B, H, D] float32, for re-scoring against other prompts
    relevance: float = 0.0  # against the current prompt
    slot: int = -1

    def describe(self, stored: str) -> dict[str, Any]:
        return {
            "frame_id": self.frame_id, "prompt": self.prompt, "chunk": self.chunk, "frame": self.frame,
            "evicted_at_chunk": self.evicted_at, "ids": list(self.ids), "ids_from": self.id_source,
            "ids_reason": self.id_reason, "score": round(self.score, 6),
            "entity_scores": {str(k): round(v, 6) for k, v in self.entity_scores.items()},
            "relevance": round(self.relevance, 6), "stored": stored,
        }


def choose_victim(pool: Sequence[ArchivedFrame], protected: set[str]) -> tuple[ArchivedFrame | None, bool]:
    """The frame to drop from `pool` (archived frames plus the incoming one) and whether the choice
    keeps every ID's last frame. None when everything is protected."""
    counts = Counter(i for f in pool for i in set(f.ids))
    free = [f for f in pool if f.frame_id not in protected]
    if not free:
        return None, True
    safe = [f for f in free if all(counts[i] >= 2 for i in set(f.ids))]
    key = lambda f: (f.score, f.frame)  # noqa: E731 - lowest score, then oldest
    if safe:
        return min(safe, key=key), True
    return min(free, key=key), False


@dataclass
class FramePool:
    """Per layer, K and V slots [slots, B, tokens_per_frame, H, D] on one device."""

    keys: list[torch.Tensor] = field(default_factory=list)
    values: list[torch.Tensor] = field(default_factory=list)

    @classmethod
    def allocate(cls, slots: int, num_layers: int, frame_shape: tuple[int, ...], dtype: torch.dtype,
                 device: torch.device, pin: bool) -> FramePool:
        def make() -> torch.Tensor:
            t = torch.zeros((slots, *frame_shape), dtype=dtype, device=device)
            if pin:
                try:
                    t = t.pin_memory()
                except RuntimeError as e:  # pinning is an optimisation; a plain buffer works too
                    logger.warning(f"memory archive: host memory could not be pinned ({e}); copies will block")
            return t

        return cls([make() for _ in range(num_layers)], [make() for _ in range(num_layers)])

    @property
    def nbytes(self) -> int:
        return sum(t.numel() * t.element_size() for t in (*self.keys, *self.values))

    @property
    def slots(self) -> int:
        return self.keys[0].shape[0] if self.keys else 0

    @property
    def device(self) -> torch.device | None:
        return self.keys[0].device if self.keys else None


class FrameArchive:
    def __init__(self, capacity: int) -> None:
        self.capacity = capacity
        self.frames: list[ArchivedFrame] = []
        self.pool: FramePool | None = None
        self.dropped: list[dict[str, Any]] = []
        self._free: list[int] = []

    def reserve(self, slots: int, num_layers: int, frame_shape: tuple[int, ...], dtype: torch.dtype,
                device: torch.device, pin: bool) -> None:
        """Allocate the pool (once per video): `slots` frames of `frame_shape` [B, tokens, H, D] per layer."""
        slots = max(0, min(slots, self.capacity))
        self.pool = FramePool.allocate(slots, num_layers, frame_shape, dtype, device, pin) if slots else None
        self._free = list(range(slots))[::-1]

    @property
    def slots(self) -> int:
        return self.pool.slots if self.pool is not None else 0

    @property
    def nbytes(self) -> int:
        return self.pool.nbytes if self.pool is not None else 0

    @property
    def stored(self) -> str:
        return str(self.pool.device) if self.pool is not None else "none"

    def by_id(self) -> dict[str, ArchivedFrame]:
        return {f.frame_id: f for f in self.frames}

    def admit(self, new: ArchivedFrame, protected: set[str], chunk: int) -> bool:
        """Make room for `new` (dropping a frame when full). True when `new` gets a slot."""
        if self.slots == 0:
            return False
        if self._free:
            new.slot = self._free.pop()
            return True
        victim, keeps_ids = choose_victim([*self.frames, new], protected)
        if victim is None:
            return False
        if not keeps_ids:
            logger.warning(f"memory archive: every unprotected frame is the last of an entity ID "
                           f"(more IDs than memory.archive_frames={self.capacity}); dropping {victim.frame_id}")
        self.dropped.append({"frame_id": victim.frame_id, "at_chunk": chunk, "score": round(victim.score, 6),
                             "ids": list(victim.ids), "kept_every_id": keeps_ids})
        if victim is new:
            return False
        self.frames.remove(victim)
        new.slot, victim.slot = victim.slot, -1
        return True

    def store(self, new: ArchivedFrame, keys: Sequence[torch.Tensor], values: Sequence[torch.Tensor]) -> None:
        """Copy one frame's keys/values (per layer [B, tokens_per_frame, H, D]) into `new`'s slot."""
        assert self.pool is not None and new.slot >= 0
        non_blocking = self.pool.device is not None and self.pool.device.type == "cpu" and self.pool.keys[0].is_pinned()
        for layer, (k, v) in enumerate(zip(keys, values, strict=True)):
            self.pool.keys[layer][new.slot].copy_(k, non_blocking=non_blocking)
            self.pool.values[layer][new.slot].copy_(v, non_blocking=non_blocking)
        self.frames.append(new)

    def kv(self, frame: ArchivedFrame) -> tuple[list[torch.Tensor], list[torch.Tensor]]:
        """Views of the frame's keys/values per layer [B, tokens_per_frame, H, D]."""
        assert self.pool is not None and frame.slot >= 0
        return [k[frame.slot] for k in self.pool.keys], [v[frame.slot] for v in self.pool.values]

    def release(self) -> None:
        """Free the pool (the frames' descriptions stay)."""
        self.pool = None
        self._free = []
