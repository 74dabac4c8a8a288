"""The training forward: streaming inference replayed on known latents, differentiably.

Training must show the model exactly what inference shows it, or the trained weights meet contexts at
sampling time they never saw. So the training forward runs the same sequence of model passes as
`MemFlowPipeline` in interactive mode, teacher-forced (the clean latents stand in for each block's
output):

* at every prompt switch after the first block: the memory segment is set, then the last
  `local_attn_size` frames are re-encoded under the new prompt (LongLive's KV re-cache, as
  `MemFlowPipeline._recache` does; only the frames that land outside the sink are written);
* per block: one *noisy* pass (the block's noised latents at its own timestep; it reads the cache and
  writes nothing: its flow prediction is the training output) and the *context* pass (the clean
  block at `context_noise`, written into the cache, evicting the oldest non-sink block when full);
* every pass attends to [sink | memory | local window] exactly as `cache_attention` assembles them.

Which keys a pass sees is decided by the engine's own `KVCache` index arithmetic, run on a cache
whose entries are pass-instance ids instead of keys (one "token" per frame), so the window, the
roll and the re-cache's protected sink cannot drift from the engine. The keys themselves are kept
per (instance, layer) as ordinary autograd tensors.

Exposure to its own outputs (`own_context`): at inference the context pass re-encodes the block the
model just drew, not a clean one. Where `own_context[b, blk]` is set, the context pass of that block
(and any later re-cache of its frames) takes the noisy pass's own x0 estimate, `noisy - sigma * flow`,
detached, instead of the clean latents; the targets of later blocks stay the clean story, so the model
learns to continue a story from a context as imperfect as the one it will meet.

Memory frames are whole latent frames that have left the local window, with the keys and values
they had in the cache when they left (what the memory plugin archives), at their absolute RoPE
positions (keys are stored RoPE'd). Which frames: `choose_memory(block, evicted_frames)` per sample,
called once per block before its passes (see `memflow_ext.toy.train.memory_rule` for the rule
training uses).
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass

import torch

from memflow_ext.config import ConfigError, IAMFlowConfig
from memflow_ext.models.rope import rope_apply, rope_phasors
from memflow_ext.models.transformer_wan import CausalWanModel
from memflow_ext.streaming.kv_cache import CacheGeometry, KVCache

__all__ = ["MemoryChooser", "ReplayOutput", "StreamingReplay"]

# (block index, sample index, frames evicted so far in eviction order) -> memory frames (global indices)
MemoryChooser = Callable[[int, int, Sequence[int]], Sequence[int]]


@dataclass
class ReplayOutput:
    flow: torch.Tensor  # [B, F, C, h, w] flow predicted by every block's noisy pass
    memory_frames: list[list[list[int]]]  # per block, per sample: the memory frames its passes saw
    cache_frames: list[list[int]]  # per block: the frames in the sink + local window its noisy pass saw


class StreamingReplay:
    """Teacher-forced replay of MemFlow's interactive streaming loop (see the module docstring)."""

    def __init__(self, cfg: IAMFlowConfig, model: CausalWanModel, latent_hw: tuple[int, int]) -> None:
        mk = cfg.model_kwargs
        if mk.SMA:
            raise ConfigError("the training replay does not implement SMA (model_kwargs.SMA must be false)")
        if not cfg.global_sink:
            raise ConfigError("the training replay assumes global_sink: true (the re-cache keeps the sink)")
        _, ph, pw = model.config.patch_size
        self.cfg = cfg
        self.model = model
        self.fpb = cfg.num_frame_per_block
        self.tpf = (latent_hw[0] // ph) * (latent_hw[1] // pw)
        # the engine's geometry in frames: one cache entry per frame, holding a pass-instance id
        self.geometry = CacheGeometry(tokens_per_frame=1, frames_per_block=self.fpb, sink_frames=mk.sink_size,
                                      local_attn_frames=mk.local_attn_size, bank_frames=0)
        self.max_memory = mk.bank_size

    def run(self, clean: torch.Tensor, noisy: torch.Tensor, noisy_t: torch.Tensor, text: Sequence[torch.Tensor],
            block_prompt: Sequence[int], choose_memory: MemoryChooser | None = None,
            own_context: torch.Tensor | None = None, noisy_sigma: torch.Tensor | None = None) -> ReplayOutput:
        """clean / noisy [B, F, C, h, w]; noisy_t [B, blocks] the timestep of each block's noisy pass;
        `text[p]` prompt p's embedding [B, L, text_dim]; `block_prompt[i]` the prompt of block i (switches
        are where it changes); `own_context` [B, blocks] bool with `noisy_sigma` [B, blocks]: the blocks
        whose context is the model's own x0 estimate (module docstring)."""
        b, frames = clean.shape[:2]
        blocks = frames // self.fpb
        if frames % self.fpb or len(block_prompt) != blocks:
            raise ValueError(f"{frames} frames and {len(block_prompt)} block prompts for blocks of {self.fpb}")
        model = self.model
        text_kv = [[blk.cross_attn.text_kv(e) for blk in model.attention_blocks] for e in
                   (model.embed_text(t) for t in text)]
        sym = KVCache(self.geometry, 1, 1, 1, 1, torch.device("cpu"), torch.float64)
        sym.capture_evicted = True
        store: dict[int, tuple[list[torch.Tensor], list[torch.Tensor]]] = {}
        frame_of: dict[int, int] = {}  # instance id -> latent frame
        evicted: list[tuple[int, int]] = []  # (frame, instance id) in eviction order
        next_id = [1]
        flows: list[torch.Tensor] = []
        mem_log: list[list[list[int]]] = []
        cache_log: list[list[int]] = []
        ctx_t = float(self.cfg.context_noise)
        if own_context is not None:
            if noisy_sigma is None or own_context.shape != (b, blocks) or noisy_sigma.shape != (b, blocks):
                raise ValueError(f"own_context and noisy_sigma must both be [B, blocks] = [{b}, {blocks}]")
        # per block, what the cache is built from: the clean block, or the model's own estimate of it
        context = list(clean.split(self.fpb, dim=1))

        def call(x: torch.Tensor, t: torch.Tensor, start: int, prompt: int, memory: list[list[int]],
                 update: bool, output: bool) -> torch.Tensor | None:
            n = x.shape[1]
            ids = list(range(next_id[0], next_id[0] + n)) if update else [-(i + 1) for i in range(n)]
            if update:
                next_id[0] += n
            plan = sym.plan(start, n)
            new = torch.tensor(ids, dtype=torch.float64).view(1, n, 1, 1)
            sink, _, local, _ = sym.attention_segments(0, plan, new, new)
            visible = [int(i) for piece in (*sink, *local) for i in piece.flatten().tolist()]
            if 0 in visible:
                raise RuntimeError(f"replay: a pass at frame {start} attends to an empty cache slot")
            flow, keys, values = self._pass(x, t, start, text_kv[prompt], visible, memory, ids, store)
            if update:
                for j, i in enumerate(ids):
                    store[i] = ([k[:, j * self.tpf:(j + 1) * self.tpf] for k in keys],
                                [v[:, j * self.tpf:(j + 1) * self.tpf] for v in values])
                    frame_of[i] = start + j
                sym.apply(0, plan, new, new)
                sym.commit(plan)
                ev = sym.take_evicted()
                if ev is not None:
                    evicted.extend((f, int(i)) for f, i in zip(ev.frames, ev.keys[0].flatten().tolist(), strict=True))
            return flow if output else None

        prompt = -1
        for blk in range(blocks):
            s = blk * self.fpb
            frames_out = [f for f, _ in evicted]
            memory = [self._memory_ids(choose_memory, blk, i, frames_out, evicted) for i in range(b)]
            mem_log.append([[frame_of[i] for i in m] for m in memory])
            if block_prompt[blk] != prompt:
                prompt = block_prompt[blk]
                if s > 0:  # the re-cache of MemFlowPipeline._recache, under the new prompt
                    n = s if self.geometry.local_attn_frames == -1 else min(self.geometry.local_attn_frames, s)
                    t = torch.full((b, n), ctx_t, device=clean.device)
                    call(torch.cat(context, dim=1)[:, s - n : s], t, s - n, prompt, memory, update=True, output=False)
            cache_log.append([frame_of[i] for i in self._visible_ids(sym, s)])
            t = noisy_t[:, blk : blk + 1].expand(b, self.fpb).float()
            flow = call(noisy[:, s : s + self.fpb], t, s, prompt, memory, update=False, output=True)
            assert flow is not None  # output=True returns the flow
            flows.append(flow)
            if own_context is not None and bool(own_context[:, blk].any()):
                assert noisy_sigma is not None  # checked with own_context above
                sig = noisy_sigma[:, blk].view(b, 1, 1, 1, 1).to(flow.dtype)
                est = (noisy[:, s : s + self.fpb] - sig * flow).detach()
                pick = own_context[:, blk].view(b, 1, 1, 1, 1)
                context[blk] = torch.where(pick, est, clean[:, s : s + self.fpb])
            t = torch.full((b, self.fpb), ctx_t, device=clean.device)
            call(context[blk], t, s, prompt, memory, update=True, output=False)
        return ReplayOutput(flow=torch.cat(flows, dim=1), memory_frames=mem_log, cache_frames=cache_log)

    def _visible_ids(self, sym: KVCache, start: int) -> list[int]:
        plan = sym.plan(start, self.fpb)
        new = torch.zeros(1, self.fpb, 1, 1, dtype=torch.float64)
        sink, _, local, _ = sym.attention_segments(0, plan, new, new)
        return [int(i) for piece in (*sink, *local) for i in piece.flatten().tolist() if int(i) > 0]

    def _memory_ids(self, choose: MemoryChooser | None, block: int, sample: int, frames: list[int],
                    evicted: list[tuple[int, int]]) -> list[int]:
        if choose is None or self.geometry.sink_frames == 0:  # upstream: no sink, no memory segment
            return []
        chosen = list(choose(block, sample, frames))
        if len(chosen) > self.max_memory:
            raise ValueError(f"memory rule chose {len(chosen)} frames; model_kwargs.bank_size={self.max_memory}")
        latest = {f: i for f, i in evicted}  # a frame evicted twice keeps its latest keys
        missing = [f for f in chosen if f not in latest]
        if missing:
            raise ValueError(f"memory rule chose frames {missing} that have not left the local window")
        return [latest[f] for f in chosen]

    def _pass(self, x: torch.Tensor, t: torch.Tensor, start: int, text_kv: list, visible: list[int],
              memory: list[list[int]], ids: list[int], store: dict) -> tuple[torch.Tensor, list, list]:
        """One model pass: x [B, n, C, h, w] at frames start.., attending to the `visible` instances
        (sink + local window, the pass's own frames included) and the per-sample `memory` instances."""
        model = self.model
        xx, grid, e, e0 = model._embed(x.permute(0, 2, 1, 3, 4), t)
        phasors = rope_phasors(model.freqs, grid, start).to(xx.device)
        sink_n = self.geometry.sink_frames
        own = {i: j for j, i in enumerate(ids)}
        keys_out, values_out = [], []
        for layer, block in enumerate(model.attention_blocks):
            q, k, v = block.attn_inputs(xx, e0)
            q = rope_apply(q, phasors).type_as(v)
            k = rope_apply(k, phasors).type_as(v)

            def piece(i: int, which: int, layer: int = layer, k: torch.Tensor = k, v: torch.Tensor = v):
                if i in own:
                    j = own[i]
                    return (k, v)[which][:, j * self.tpf:(j + 1) * self.tpf]
                return store[i][which][layer]

            def gather(which: int, piece=piece, layer: int = layer) -> torch.Tensor:
                head = [piece(i, which) for i in visible[:sink_n]]
                tail = [piece(i, which) for i in visible[sink_n:]]
                if sink_n and any(memory):
                    mem = torch.stack([torch.cat([store[i][which][layer][s] for i in m], dim=0)
                                       for s, m in enumerate(memory)])
                    head.append(mem)
                return torch.cat(head + tail, dim=1)

            keys, values = gather(0), gather(1)
            keys_out.append(k)
            values_out.append(v)
            xx = block.attn_outputs(xx, e0, q, keys, values, *text_kv[layer])
        flow = model._finish(xx, e, t, grid).permute(0, 2, 1, 3, 4)
        return flow, keys_out, values_out
