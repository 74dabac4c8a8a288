"""KV cache geometry, eviction and the evicted chunk exposed to listeners."""

from __future__ import annotations

import pytest
import torch
from engine_helpers import rand_embeds, rand_noise, tiny_pipeline

from memflow_ext.kv_cache import CacheGeometry, KVCache
from memflow_ext.pipeline import MemFlowPipeline


class EvictionTrace(MemFlowPipeline):
    def __init__(self, *a, **k):
        super().__init__(*a, **k)
        self.evicted = []
        self.before: dict[int, torch.Tensor] = {}

    def _wants_evicted(self):
        return True

    def _emit(self, hook, **kw):
        if hook == "block_start":
            self.before[kw["block_index"]] = self.state.kv.k[0].clone()
        if hook == "chunk_end":
            self.evicted.append((kw["chunk_index"], kw["evicted"]))


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
