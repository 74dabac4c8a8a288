"""Per-video streaming state and the description of one model call."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import TYPE_CHECKING

import torch

from memflow_ext.streaming.kv_cache import CrossAttnCache, KVCache, WritePlan
from memflow_ext.streaming.memory_bank import MemorySegment

if TYPE_CHECKING:
    from memflow_ext.models.rope import RopeCache


@dataclass(frozen=True)
class CallInfo:
    """What one DiT call does to the caches (upstream's forward flags)."""

    current_start: int  # first token of the call, in global token positions
    num_new: int  # tokens in the call
    update_cache: bool = False  # context pass: write keys/values into the cache
    update_bank: bool = False  # stage a frame for the memory bank (and advance its indices)
    q_bank: bool = False  # commit the staged frame before the layers run
    is_recache: bool = False  # re-encoding past frames after a prompt switch

    @property
    def current_end(self) -> int:
        return self.current_start + self.num_new


@dataclass
class StreamState:
    """Everything a video keeps between blocks: KV cache, text cache, memory segment, RoPE phasors."""

    kv: KVCache
    text: CrossAttnCache
    memory: MemorySegment
    rope: RopeCache
    sma: bool = False
    sma_top_k: int = 3
    # memory frames the denoising calls of each block attended to (one entry per block)
    memory_frames: list[int] = field(default_factory=list)
    # filled during a call
    call: CallInfo | None = None
    plan: WritePlan | None = None
    pending: list[tuple[int, torch.Tensor, torch.Tensor]] = field(default_factory=list)
