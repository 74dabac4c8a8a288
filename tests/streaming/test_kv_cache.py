"""KV cache geometry, eviction and the evicted chunk exposed to listeners."""

from __future__ import annotations

import pytest
import torch

from memflow_ext.pipelines.loop import BlockLoop
from memflow_ext.pipelines.memflow import MemFlowPipeline
from memflow_ext.streaming.kv_cache import CacheGeometry, CrossAttnCache, KVCache
from tests.helpers import rand_embeds, rand_noise, tiny_pipeline


class EvictionLoop(BlockLoop):
    pipeline: EvictionTrace

    def wants_evicted(self):
        return True

    def emit(self, hook, **kw):
        if hook == "block_start":
            self.pipeline.before[kw["block_index"]] = self.pipeline.state.kv.k[0].clone()
        if hook == "chunk_end":
            self.pipeline.evicted.append((kw["chunk_index"], kw["evicted"]))
        if hook == "chunk_evicting":  # views, valid only now: copied here to compare with the chunk's end
            ev = kw["evicted"]
            self.pipeline.evicting.append((kw["chunk_index"], list(ev.frames), [k.clone() for k in ev.keys],
                                           [v.clone() for v in ev.values]))


class EvictionTrace(MemFlowPipeline):
    loop_cls = EvictionLoop

    def __init__(self, *a, **k):
        super().__init__(*a, **k)
        self.evicted = []
        self.evicting = []
        self.before: dict[int, torch.Tensor] = {}


@pytest.mark.parametrize("window,first_block", [(12, 4), (6, 2), (9, 3)])
def test_first_eviction_follows_geometry(window, first_block):
    g = CacheGeometry(tokens_per_frame=16, frames_per_block=3, sink_frames=3, local_attn_frames=window, bank_frames=3)
    assert g.first_evicting_block() == first_block
    pipe = tiny_pipeline([f"model_kwargs.local_attn_size={window}"], cls=EvictionTrace)
    pipe.sample(rand_embeds(1), [], rand_noise(21), progress=False)
    hits = [(c, e) for c, e in pipe.evicted if e is not None]
    assert [c for c, e in pipe.evicted if e is None] == list(range(1, first_block + 1))
    assert hits[0][0] == first_block + 1  # chunk numbers count from 1
    # the first evicted chunk is the oldest non-sink block, with the keys the cache held for it
    ev = hits[0][1]
    assert ev.frames == [3, 4, 5]
    tpf = 16
    before = pipe.before[first_block]
    assert torch.equal(ev.keys[0], before[:, 3 * tpf : 6 * tpf])
    assert len(ev.keys) == pipe.model.config.num_layers
    # later evictions walk forward block by block
    assert [e.frames[0] for _, e in hits] == list(range(3, 3 + 3 * len(hits), 3))


def test_the_chunk_about_to_be_evicted_is_offered_before_the_write():
    """`chunk_evicting` fires before each evicting context pass with the keys/values the chunk leaves with."""
    pipe = tiny_pipeline(["model_kwargs.local_attn_size=6"], cls=EvictionTrace)
    pipe.sample(rand_embeds(1), [], rand_noise(15), progress=False)
    hits = [(c, e) for c, e in pipe.evicted if e is not None]
    assert [c for c, *_ in pipe.evicting] == [c for c, _ in hits] == [3, 4, 5]
    for (_, frames, keys, values), (_, ev) in zip(pipe.evicting, hits, strict=True):
        assert frames == ev.frames
        assert all(torch.equal(a, b) for a, b in zip(keys, ev.keys, strict=True))
        assert all(torch.equal(a, b) for a, b in zip(values, ev.values, strict=True))


def test_global_attention_never_evicts():
    g = CacheGeometry(tokens_per_frame=16, frames_per_block=3, sink_frames=3, local_attn_frames=-1, bank_frames=3)
    assert g.first_evicting_block() is None and g.capacity == 21 * 16


def test_roll_keeps_sink_and_shifts_window():
    g = CacheGeometry(tokens_per_frame=2, frames_per_block=1, sink_frames=1, local_attn_frames=3, bank_frames=0)
    kv = KVCache(g, num_layers=1, batch=1, heads=1, head_dim=1, device=torch.device("cpu"), dtype=torch.float32)
    for f in range(5):
        new = torch.full((1, 2, 1, 1), float(f))
        plan = kv.plan(f * 2, 2)
        kv.apply(0, plan, new, new)
        kv.commit(plan)
    assert kv.k[0].flatten().tolist() == [0, 0, 3, 3, 4, 4]
    assert kv.slot_frames == [0, 3, 4]


@pytest.mark.parametrize("window,sink", [(12, 3), (6, 3), (9, 0), (-1, 3)])
def test_window_read_in_place_equals_materialised_cache(window, sink):
    """The attention window read without copying the cache equals upstream's roll-then-read."""
    g = CacheGeometry(tokens_per_frame=4, frames_per_block=3, sink_frames=sink, local_attn_frames=window,
                      bank_frames=3)
    kv = KVCache(g, num_layers=1, batch=1, heads=2, head_dim=3, device=torch.device("cpu"), dtype=torch.float32)
    gen = torch.Generator().manual_seed(0)
    block = 3 * 4
    frames = g.window_frames

    def recache(at):  # the pipeline's re-cache at a prompt switch (latent frame `at`)
        n = at if window == -1 else min(frames, at)
        return ((at - n) * 4, n * 4)

    last = 7 if window == -1 else 9  # global attention holds 21 frames at most
    calls = [(b * block, block) for b in range(3)] + [recache(9)] + [(b * block, block) for b in range(3, last - 1)]
    calls += [recache(3 * (last - 1)), ((last - 1) * block, block)]
    for start, n in calls:
        new_k = torch.randn(1, n, 2, 3, generator=gen)
        new_v = torch.randn(1, n, 2, 3, generator=gen)
        plan = kv.plan(start, n)
        sk, sv, lk, lv = kv.attention_segments(0, plan, new_k, new_v)
        full_k = kv._written(kv.k[0], plan, new_k)
        full_v = kv._written(kv.v[0], plan, new_v)
        st = kv._window_start(plan)
        want_k = torch.cat([full_k[:, : g.sink_tokens], full_k[:, st : plan.local_end]], dim=1)
        want_v = torch.cat([full_v[:, : g.sink_tokens], full_v[:, st : plan.local_end]], dim=1)
        assert torch.equal(torch.cat([*sk, *lk], dim=1), want_k)
        assert torch.equal(torch.cat([*sv, *lv], dim=1), want_v)
        kv.apply(0, plan, new_k, new_v)
        kv.commit(plan)


def test_text_cache_knows_which_conditioning_it_holds():
    cache = CrossAttnCache(2, 1, 4, 2, 3, torch.device("cpu"), torch.float32)
    a = torch.randn(1, 4, 8)
    assert not cache.holds(a)  # nothing filled
    cache.source, cache.is_init = a, [True, True]
    assert cache.holds(a) and cache.holds(a.clone())  # the same tensor, or equal values
    assert not cache.holds(a * 2) and not cache.holds(a[:, :3]) and not cache.holds(a.double())
    cache.clear()
    assert cache.source is None and not cache.holds(a)
