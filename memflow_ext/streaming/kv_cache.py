"""KV cache layout: per layer, tokens [sink | local window], plus the per-prompt text cache.

The cache of every layer is one tensor [B, capacity, heads, head_dim]. The first `sink_size` frames
(the sink) never move; the rest is a sliding window of the most recent frames. The memory segment
(between sink and local in attention order) is owned by a memory policy (`memory_bank.py`).

The index arithmetic is MemFlow's: a `global_end` (tokens generated so far, as the cache knows it)
and a `local_end` (where the cache content ends). A write that does not fit rolls the non-sink
content left by the overflow, evicting the oldest non-sink frames. Denoising calls only *plan* a
write and attend to the planned window; the context pass applies it.
"""

from __future__ import annotations

from dataclasses import dataclass

import torch

from memflow_ext.config import UNBOUNDED_WINDOW_FRAMES


@dataclass(frozen=True)
class CacheGeometry:
    """Sizes in tokens, all derived from the config and the latent grid."""

    tokens_per_frame: int
    frames_per_block: int
    sink_frames: int
    local_attn_frames: int  # window in frames, sink included; -1 = global attention
    bank_frames: int

    @property
    def window_frames(self) -> int:
        return UNBOUNDED_WINDOW_FRAMES if self.local_attn_frames == -1 else self.local_attn_frames

    @property
    def capacity(self) -> int:
        return self.window_frames * self.tokens_per_frame

    @property
    def sink_tokens(self) -> int:
        return self.sink_frames * self.tokens_per_frame

    @property
    def block_tokens(self) -> int:
        return self.frames_per_block * self.tokens_per_frame

    @property
    def max_attention_tokens(self) -> int:
        return self.capacity

    @property
    def bank_tokens(self) -> int:
        return self.bank_frames * self.tokens_per_frame

    def first_evicting_block(self) -> int | None:
        """Index of the first block whose cache write evicts a chunk (None: never, global attention)."""
        if self.local_attn_frames == -1:
            return None
        return self.window_frames // self.frames_per_block


@dataclass(frozen=True)
class WritePlan:
    """Where a call's new keys go (upstream's `cache_update_info`)."""

    current_start: int
    current_end: int
    num_new: int
    roll: bool
    num_evicted: int
    num_rolled: int
    local_start: int
    local_end: int
    write_start: int
    new_offset: int  # first new token written (tokens before it fall into the protected sink)
    write_len: int
    is_recompute: bool


@dataclass
class EvictedChunk:
    """The frames that just left the local window, with their keys/values per layer."""

    frames: list[int]  # global latent frame indices
    keys: list[torch.Tensor]  # per layer [B, n_tokens, H, D]; empty unless keys were requested
    values: list[torch.Tensor]


class KVCache:
    """Self-attention cache of all layers, sharing one set of indices (as all layers write together)."""

    def __init__(self, geometry: CacheGeometry, num_layers: int, batch: int, heads: int, head_dim: int,
                 device: torch.device, dtype: torch.dtype) -> None:
        self.geometry = geometry
        shape = (batch, geometry.capacity, heads, head_dim)
        self.k = [torch.zeros(shape, device=device, dtype=dtype) for _ in range(num_layers)]
        self.v = [torch.zeros(shape, device=device, dtype=dtype) for _ in range(num_layers)]
        self.global_end = 0
        self.local_end = 0
        # global latent frame held by each cache frame slot (-1: empty)
        self.slot_frames = [-1] * geometry.window_frames
        self.capture_evicted = False
        self.last_evicted: EvictedChunk | None = None

    def zero_tensors(self) -> None:
        """Zero every layer's keys/values, keeping the indices (upstream's reset without global_sink)."""
        for t in (*self.k, *self.v):
            t.zero_()

    def release(self) -> None:
        """Drop every layer's keys/values (the video's diffusion is over); the cache holds nothing after."""
        self.k, self.v = [], []
        self.last_evicted = None

    # -- planning (pure) ---------------------------------------------------------------------
    def plan(self, current_start: int, num_new: int) -> WritePlan:
        g = self.geometry
        cap, sink = g.capacity, g.sink_tokens
        current_end = current_start + num_new
        is_recompute = current_end <= self.global_end and current_start > 0
        roll = (
            g.local_attn_frames != -1
            and current_end > self.global_end
            and num_new + self.local_end > cap
        )
        if roll:
            num_evicted = num_new + self.local_end - cap
            num_rolled = self.local_end - num_evicted - sink
            local_end = self.local_end + current_end - self.global_end - num_evicted
        else:
            num_evicted = num_rolled = 0
            local_end = self.local_end + current_end - self.global_end
        local_start = local_end - num_new
        # only a recompute protects the sink; normal generation may write into it
        write_start = max(local_start, sink) if is_recompute else local_start
        return WritePlan(
            current_start=current_start, current_end=current_end, num_new=num_new, roll=roll,
            num_evicted=num_evicted, num_rolled=num_rolled, local_start=local_start, local_end=local_end,
            write_start=write_start, new_offset=max(0, write_start - local_start),
            write_len=max(0, local_end - write_start), is_recompute=is_recompute,
        )

    def _written(self, t: torch.Tensor, plan: WritePlan, new: torch.Tensor) -> torch.Tensor:
        """Content [0, local_end) of `t` after the planned roll and write (t is not modified)."""
        sink = self.geometry.sink_tokens
        src_end = sink + plan.num_evicted + plan.num_rolled if plan.roll else 0
        out = t[:, : max(plan.local_end, src_end)].clone()
        if plan.roll:
            out[:, sink : sink + plan.num_rolled] = t[:, sink + plan.num_evicted : src_end]
        if plan.write_len > 0:
            out[:, plan.write_start : plan.local_end] = new[:, plan.new_offset : plan.new_offset + plan.write_len]
        return out[:, : plan.local_end]

    def _window_start(self, plan: WritePlan) -> int:
        g = self.geometry
        sink = g.sink_tokens
        if sink > 0:
            budget = g.max_attention_tokens - sink
            return max(sink, plan.local_end - budget) if budget > 0 else plan.local_end
        return max(0, plan.local_end - g.max_attention_tokens)

    def attention_segments(self, layer: int, plan: WritePlan, new_k: torch.Tensor, new_v: torch.Tensor
                           ) -> tuple[list[torch.Tensor], list[torch.Tensor], list[torch.Tensor], list[torch.Tensor]]:
        """Key/value pieces the current call attends to, per upstream's window rule:
        (sink keys, sink values, local keys, local values), each a list of tensors to concatenate.

        The planned roll and write are not materialised: the window is read from the cache at its
        pre-roll positions plus the new keys (a copy of the whole cache per call is avoided). Unusual
        layouts (writes into the sink, partial writes) take the exact materialising path.
        """
        sink = self.geometry.sink_tokens
        start = self._window_start(plan)
        simple = (plan.write_start >= sink and plan.new_offset == 0 and plan.write_len == plan.num_new
                  and start <= plan.write_start and (not plan.roll or sink + plan.num_rolled == plan.write_start))
        if simple:
            shift = plan.num_evicted if plan.roll else 0
            k, v = self.k[layer], self.v[layer]
            old = slice(start + shift, plan.write_start + shift)
            sink_k, sink_v = ([k[:, :sink]], [v[:, :sink]]) if sink else ([], [])
            return sink_k, sink_v, [k[:, old], new_k], [v[:, old], new_v]
        k = self._written(self.k[layer], plan, new_k)
        v = self._written(self.v[layer], plan, new_v)
        return [k[:, :sink]], [v[:, :sink]], [k[:, start : plan.local_end]], [v[:, start : plan.local_end]]

    # -- applying ----------------------------------------------------------------------------
    def apply(self, layer: int, plan: WritePlan, new_k: torch.Tensor, new_v: torch.Tensor) -> bool:
        """Roll and write one layer in place; returns whether the new keys were written."""
        sink = self.geometry.sink_tokens
        k, v = self.k[layer], self.v[layer]
        if plan.roll:
            src = slice(sink + plan.num_evicted, sink + plan.num_evicted + plan.num_rolled)
            if plan.num_evicted > 0:
                self._capture(layer, k[:, sink : sink + plan.num_evicted], v[:, sink : sink + plan.num_evicted])
            k[:, sink : sink + plan.num_rolled] = k[:, src].clone()
            v[:, sink : sink + plan.num_rolled] = v[:, src].clone()
        new_k = new_k[:, plan.new_offset : plan.new_offset + plan.write_len]
        new_v = new_v[:, plan.new_offset : plan.new_offset + plan.write_len]
        if plan.local_end > plan.write_start and new_k.shape[1] == plan.local_end - plan.write_start:
            k[:, plan.write_start : plan.local_end] = new_k
            v[:, plan.write_start : plan.local_end] = new_v
            return True
        return False

    def evicting(self, plan: WritePlan) -> EvictedChunk | None:
        """The chunk that applying `plan` will evict, as views of every layer's keys/values (None when it
        evicts nothing). Valid until the write: the roll overwrites them."""
        if not (self.geometry.local_attn_frames != -1 and plan.roll and plan.num_evicted > 0):
            return None
        sink, tpf = self.geometry.sink_tokens, self.geometry.tokens_per_frame
        first = self.geometry.sink_frames
        piece = slice(sink, sink + plan.num_evicted)
        return EvictedChunk(frames=list(self.slot_frames[first : first + plan.num_evicted // tpf]),
                            keys=[k[:, piece] for k in self.k], values=[v[:, piece] for v in self.v])

    def _capture(self, layer: int, k: torch.Tensor, v: torch.Tensor) -> None:
        if layer == 0:
            tpf = self.geometry.tokens_per_frame
            first = self.geometry.sink_frames
            frames = self.slot_frames[first : first + k.shape[1] // tpf]
            self.last_evicted = EvictedChunk(frames=list(frames), keys=[], values=[])
        assert self.last_evicted is not None
        if self.capture_evicted:  # copies only when a listener asked for them
            self.last_evicted.keys.append(k.clone())
            self.last_evicted.values.append(v.clone())

    def commit(self, plan: WritePlan) -> None:
        """Advance the shared indices and frame bookkeeping after every layer was applied."""
        tpf = self.geometry.tokens_per_frame
        if plan.roll:
            s, ev, ro = self.geometry.sink_frames, plan.num_evicted // tpf, plan.num_rolled // tpf
            self.slot_frames[s : s + ro] = self.slot_frames[s + ev : s + ev + ro]
        first_new = (plan.current_start + plan.new_offset) // tpf
        for j in range(plan.write_len // tpf):
            self.slot_frames[plan.write_start // tpf + j] = first_new + j
        if not plan.is_recompute:
            self.global_end = plan.current_end
            self.local_end = plan.local_end

    def take_evicted(self) -> EvictedChunk | None:
        ev, self.last_evicted = self.last_evicted, None
        return ev


class CrossAttnCache:
    """Per-layer text keys/values of the current prompt; computed on first use, cleared on a switch.

    `prompt_index` names the prompt in effect (set by the pipeline at each switch) and `source` is the
    conditioning tensor the initialised layers were computed from: the prompt's own embedding, or the
    replacement a plugin returned for the pass (`iamflow_block_conditioning`). Readers of a prompt's
    text keys take them from here only when `source` is that prompt's embedding (`holds`).
    """

    def __init__(self, num_layers: int, batch: int, text_len: int, heads: int, head_dim: int,
                 device: torch.device, dtype: torch.dtype) -> None:
        shape = (batch, text_len, heads, head_dim)
        self.k = [torch.zeros(shape, device=device, dtype=dtype) for _ in range(num_layers)]
        self.v = [torch.zeros(shape, device=device, dtype=dtype) for _ in range(num_layers)]
        self.is_init = [False] * num_layers
        self.prompt_index: int | None = None
        self.source: torch.Tensor | None = None

    def holds(self, context: torch.Tensor) -> bool:
        """Whether the initialised layers were computed from `context` (same tensor, or equal values)."""
        src = self.source
        if src is None or not any(self.is_init):
            return False
        return src is context or (src.shape == context.shape and src.dtype == context.dtype
                                  and src.device == context.device and torch.equal(src, context))

    @property
    def all_init(self) -> bool:
        return all(self.is_init)

    def release(self) -> None:
        """Drop every layer's text keys/values (the video's diffusion is over)."""
        self.k, self.v = [], []
        self.is_init = []
        self.source = None

    def clear(self) -> None:
        """Zero the text keys (as upstream does at a prompt switch) and mark them stale."""
        for t in (*self.k, *self.v):
            t.zero_()
        self.is_init = [False] * len(self.is_init)
        self.source = None
