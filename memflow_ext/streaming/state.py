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
    written: list[bool] = field(default_factory=list)  # per layer written so far by the call, in layer order

    def write_layer(self, layer: int, k: torch.Tensor, v: torch.Tensor) -> None:
        """Write one layer's new keys/values [B, num_new, H, D] into the cache (a call with `update_cache`).

        Called as soon as the layer has read its own cache. No layer reads another layer's cache, so this
        equals writing every layer after the last one has run, without holding every layer's new keys
        and values at once (a re-cache re-encodes a whole window: that would be the largest transient)."""
        plan, call = self.plan, self.call
        assert plan is not None and call is not None and call.update_cache
        ok = self.kv.apply(layer, plan, k, v)
        piece = slice(plan.new_offset, plan.new_offset + plan.write_len)
        self.memory.after_layer_write(call, layer, k[:, piece], v[:, piece], ok)
        self.written.append(ok)

    def release(self) -> None:
        """Drop the KV cache, the text cache and the memory segment's device buffers once the video's
        diffusion is over: a batch run decodes after it (`MemFlowPipeline.generate`), so the decode's peak
        does not add to theirs. No model call may follow on this state."""
        self.kv.release()
        self.text.release()
        self.memory.release()

    def finish_write(self) -> None:
        """After the last layer's `write_layer`: advance the memory's and the cache's shared indices."""
        plan, call = self.plan, self.call
        assert plan is not None and call is not None
        self.memory.after_write(call, self.written, plan.is_recompute)
        self.kv.commit(plan)
