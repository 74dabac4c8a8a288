"""The memory segment of the KV cache and the policies that fill it.

`MemorySegment` is the one interface the attention code talks to. Two policies implement it:

* `NAMBank` — MemFlow's narrative adaptive memory, reproduced with upstream's index arithmetic:
  the context pass *stages* the first frame of a block, the first denoising call of a later block
  *commits* it into the bank slot given by the bank indices, and when the slot lies beyond the bank
  the bank is *compressed* (keep the `bank_size - 1` frames most attended by the layer's text keys,
  in descending-score order, then append the staged frame).
* `ExternalMemory` — a memory segment written from outside the engine (a plugin); NAM is off.
* `NoMemory` — MemFlow's memory-free setting (`model_kwargs.bank_size=0`): an always-empty segment,
  nothing staged or recorded, so attention sees only the sink and the local window.
"""

from __future__ import annotations

from abc import ABC, abstractmethod
from typing import TYPE_CHECKING

import torch

from memflow_ext.streaming.kv_cache import CacheGeometry, CrossAttnCache

if TYPE_CHECKING:
    from memflow_ext.streaming.state import CallInfo


class MemorySegment(ABC):
    """Keys/values placed between the sink and the local window in every layer's attention."""

    owner: str = "engine"

    def begin_call(self, call: CallInfo, text: CrossAttnCache) -> None:  # noqa: B027 - optional hook
        """Called once per model call before the layers run."""

    @abstractmethod
    def visible(self, layer: int) -> tuple[torch.Tensor, torch.Tensor]:
        """Memory keys/values [B, n, H, D] of `layer` for the current call."""

    def visible_frame_count(self, tokens_per_frame: int) -> int:
        """Whole frames in the segment the last call attended to (layer 0)."""
        return int(self.visible(0)[0].shape[1]) // tokens_per_frame

    def after_layer_write(self, call: CallInfo, layer: int, new_k: torch.Tensor,  # noqa: B027 - optional hook
                          new_v: torch.Tensor, written: bool) -> None:
        """Called right after a context pass wrote `layer`'s new keys/values [B, n, H, D] into the cache
        (`written`: whether they were written); valid only during the call."""

    def after_write(self, call: CallInfo, written: list[bool], is_recompute: bool) -> None:  # noqa: B027
        """Called once after the context pass wrote every layer (`written[layer]` as in `after_layer_write`)."""

    def release(self) -> None:  # noqa: B027 - optional hook
        """The video's diffusion is over: drop what the segment holds on the device (`StreamState.release`).
        A segment that keeps its buffers (e.g. a plugin's) stays counted by the memory ledger."""


def compress_kv_bank(hist_k: torch.Tensor, hist_v: torch.Tensor, new_k: torch.Tensor, new_v: torch.Tensor,
                     text_q: torch.Tensor, tokens_per_frame: int, budget_frames: int
                     ) -> tuple[torch.Tensor, torch.Tensor, torch.Tensor, torch.Tensor]:
    """MemFlow's bank compression by text-query saliency.

    Each stored frame is scored by the mean (over text tokens, heads and the frame's tokens) of
    the scaled dot products text_q . k; the top `budget_frames - new_frames` frames are kept in
    descending-score order (not index order) and the new frames are appended.
    Returns (k, v, per-frame scores [B, frames], kept indices [B, kept]).
    """
    b, l_hist, h, d = hist_k.shape
    l_new = new_k.shape[1]
    if l_hist % tokens_per_frame or l_new % tokens_per_frame:
        raise ValueError(f"bank lengths {l_hist}, {l_new} are not multiples of {tokens_per_frame} tokens")
    n_hist, n_new = l_hist // tokens_per_frame, l_new // tokens_per_frame
    keep = min(budget_frames - n_new, n_hist)
    q = text_q.permute(0, 2, 1, 3).reshape(b * h, -1, d)
    k = hist_k.permute(0, 2, 1, 3).reshape(b * h, l_hist, d)
    scores = torch.bmm(q, k.transpose(1, 2)) * (d**-0.5)
    per_frame = scores.mean(dim=1).view(b, h, l_hist).mean(dim=1).view(b, n_hist, tokens_per_frame).mean(dim=2)
    _, idx = torch.topk(per_frame, k=keep, dim=1)
    gather = idx.view(b, keep, 1, 1, 1).expand(-1, -1, tokens_per_frame, h, d)
    kept_k = torch.gather(hist_k.view(b, n_hist, tokens_per_frame, h, d), 1, gather)
    kept_v = torch.gather(hist_v.view(b, n_hist, tokens_per_frame, h, d), 1, gather)
    out_k = torch.cat([kept_k, new_k.view(b, n_new, tokens_per_frame, h, d)], dim=1)
    out_v = torch.cat([kept_v, new_v.view(b, n_new, tokens_per_frame, h, d)], dim=1)
    total = (keep + n_new) * tokens_per_frame
    return out_k.reshape(b, total, h, d), out_v.reshape(b, total, h, d), per_frame, idx


class NAMBank(MemorySegment):
    """MemFlow's memory bank, one per layer, with shared indices (all layers update together)."""

    owner = "nam"

    def __init__(self, geometry: CacheGeometry, record_interval: int, num_layers: int, batch: int, heads: int,
                 head_dim: int, device: torch.device, dtype: torch.dtype) -> None:
        self.g = geometry
        self.record_interval = record_interval
        tpf = geometry.tokens_per_frame
        self.k = [torch.zeros(batch, geometry.bank_tokens, heads, head_dim, device=device, dtype=dtype)
                  for _ in range(num_layers)]
        self.v = [torch.zeros_like(t) for t in self.k]
        self.k_new = [torch.zeros(batch, tpf, heads, head_dim, device=device, dtype=dtype) for _ in range(num_layers)]
        self.v_new = [torch.zeros_like(t) for t in self.k_new]
        self.global_end = 0
        self.local_end = 0
        self._visible_end = 0
        self._end_bank = 0
        self._candidate = 0
        # frame bookkeeping (for inspection and tests): global frame per bank slot, staged frame
        self.slot_frames = [-1] * geometry.bank_frames
        self.staged_frame = -1
        self.compressions = 0

    # upstream: current_end_bank / local_end_index_bank / is_update_bank
    def _indices(self, call: CallInfo) -> tuple[int, int, int]:
        g = self.g
        end_bank = ((call.current_end // g.block_tokens - 1) // self.record_interval + 1) * g.tokens_per_frame
        candidate = self.local_end + end_bank - self.global_end
        slot_start = candidate - call.num_new // g.frames_per_block
        is_update = (not call.is_recache) and (call.current_start // g.block_tokens) % self.record_interval == 0
        visible_end = min(slot_start if is_update else candidate, g.bank_tokens)
        if visible_end < 0:
            raise RuntimeError(f"memory bank index went negative ({visible_end}); indices {self.__dict__}")
        return end_bank, candidate, visible_end

    def begin_call(self, call: CallInfo, text: CrossAttnCache) -> None:
        if call.q_bank:
            self._commit(text)
        self._end_bank, self._candidate, self._visible_end = self._indices(call)

    def _commit(self, text: CrossAttnCache) -> None:
        tpf = self.g.tokens_per_frame
        end = self.local_end
        if end < tpf:
            return
        if end <= self.g.bank_tokens:
            for layer in range(len(self.k)):
                self.k[layer][:, end - tpf : end] = self.k_new[layer]
                self.v[layer][:, end - tpf : end] = self.v_new[layer]
            self.slot_frames[end // tpf - 1] = self.staged_frame
            return
        self.compressions += 1
        for layer in range(len(self.k)):
            k, v, scores, idx = compress_kv_bank(
                self.k[layer], self.v[layer], self.k_new[layer], self.v_new[layer], text.k[layer],
                tpf, self.g.bank_frames,
            )
            self.k[layer].copy_(k)
            self.v[layer].copy_(v)
            if layer == 0:  # bookkeeping follows layer 0 (layers may keep different frames)
                kept = [self.slot_frames[i] for i in idx[0].tolist()]
                self.slot_frames = kept + [self.staged_frame]

    def visible(self, layer: int) -> tuple[torch.Tensor, torch.Tensor]:
        return self.k[layer][:, : self._visible_end], self.v[layer][:, : self._visible_end]

    def visible_frames(self) -> list[int]:
        return self.slot_frames[: self._visible_end // self.g.tokens_per_frame]

    def after_layer_write(self, call: CallInfo, layer: int, new_k: torch.Tensor, new_v: torch.Tensor,
                          written: bool) -> None:
        """Stage the first new frame of the layer (committed by the next call with `q_bank`)."""
        if call.update_bank and written:
            tpf = self.g.tokens_per_frame
            self.k_new[layer].copy_(new_k[:, :tpf])
            self.v_new[layer].copy_(new_v[:, :tpf])

    def after_write(self, call: CallInfo, written: list[bool], is_recompute: bool) -> None:
        if not call.update_bank:
            return
        if any(written):
            self.staged_frame = call.current_start // self.g.tokens_per_frame
        if not is_recompute:
            self.global_end = self._end_bank
            self.local_end = self._candidate

    def release(self) -> None:
        self.k, self.v, self.k_new, self.v_new = [], [], [], []


class NoMemory(MemorySegment):
    """The segment of `bank_size=0`: empty in every layer, for every call (NAM off, nothing recorded)."""

    owner = "none"

    def __init__(self, batch: int, heads: int, head_dim: int, device: torch.device, dtype: torch.dtype) -> None:
        empty = torch.zeros(batch, 0, heads, head_dim, device=device, dtype=dtype)
        self._empty = (empty, empty)

    def visible(self, layer: int) -> tuple[torch.Tensor, torch.Tensor]:
        return self._empty


class ExternalMemory(MemorySegment):
    """A memory segment whose frames are written from outside (a plugin); MemFlow's NAM is off.

    Frames are whole latent frames: per layer [B, n_frames * tokens_per_frame, H, D]. Keys must
    already carry their RoPE position (as cache keys do).
    """

    owner = "external"

    def __init__(self, geometry: CacheGeometry, num_layers: int, max_frames: int) -> None:
        self.g = geometry
        self.max_frames = max_frames
        self.num_layers = num_layers
        self._k: list[torch.Tensor | None] = [None] * num_layers
        self._v: list[torch.Tensor | None] = [None] * num_layers
        self.frame_ids: list[str] = []
        self._empty: tuple[torch.Tensor, torch.Tensor] | None = None

    def write(self, keys: list[torch.Tensor], values: list[torch.Tensor], frame_ids: list[str]) -> None:
        """Replace the whole segment; keys/values are per layer, whole frames, at most `max_frames`."""
        tpf = self.g.tokens_per_frame
        if len(keys) != self.num_layers or len(values) != self.num_layers:
            raise ValueError(f"memory write needs keys/values for {self.num_layers} layers, got {len(keys)}")
        n = keys[0].shape[1]
        if n % tpf or n // tpf != len(frame_ids):
            raise ValueError(f"memory write of {n} tokens does not hold {len(frame_ids)} frames of {tpf} tokens")
        if len(frame_ids) > self.max_frames:
            raise ValueError(f"memory write of {len(frame_ids)} frames exceeds max_frames={self.max_frames}")
        self._k, self._v = list(keys), list(values)
        self.frame_ids = list(frame_ids)

    def clear(self) -> None:
        self._k = [None] * self.num_layers
        self._v = [None] * self.num_layers
        self.frame_ids = []

    def set_reference(self, k: torch.Tensor) -> None:
        """Remember dtype/device/shape for the empty segment."""
        self._empty = (k[:, :0], k[:, :0])

    def visible(self, layer: int) -> tuple[torch.Tensor, torch.Tensor]:
        k, v = self._k[layer], self._v[layer]
        if k is None or v is None:
            assert self._empty is not None, "ExternalMemory.set_reference was not called"
            return self._empty
        return k, v
