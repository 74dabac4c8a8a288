"""Attention kernels of the streaming DiT: block-causal cache attention and SMA routing.

The self-attention module computes RoPE'd q/k/v and hands them to `cache_attention`, which
assembles the keys a block sees — [sink | memory | local window] — and runs one dense attention
(no mask: within a block every query sees every key, as in MemFlow's inference).
"""

from __future__ import annotations

import torch
import torch.nn.functional as F

from memflow_ext.streaming.state import StreamState


def dense_attention(q: torch.Tensor, k: torch.Tensor, v: torch.Tensor) -> torch.Tensor:
    """softmax(q k^T / sqrt(d)) v for [B, L, H, D] tensors (SDPA: flash/memory-efficient when available)."""
    out = F.scaled_dot_product_attention(q.transpose(1, 2), k.transpose(1, 2), v.transpose(1, 2))
    return out.transpose(1, 2)


def topk_chunk_routing(query: torch.Tensor, key: torch.Tensor, value: torch.Tensor, chunk_size: int, top_k: int
                       ) -> tuple[torch.Tensor, torch.Tensor, torch.Tensor, torch.Tensor]:
    """SMA: keep, per head, the `top_k` chunks of `key`/`value` most relevant to the mean query.

    Relevance = dot product of the mean query (over all query tokens) with each chunk's mean key.
    Selected chunks are gathered in ascending chunk order. Returns (k, v, scores [B,H,chunks],
    sorted indices [B,H,k]); k/v are [B, k*chunk_size, H, D] with different chunks per head.
    """
    b, _, h, d = query.shape
    l_kv = key.shape[1]
    if l_kv % chunk_size:
        raise ValueError(f"SMA routing: {l_kv} memory tokens are not a multiple of chunk size {chunk_size}")
    n = l_kv // chunk_size
    k_chunks = key.view(b, n, chunk_size, h, d)
    v_chunks = value.view(b, n, chunk_size, h, d)
    phi_q = query.mean(dim=1, keepdim=True).permute(0, 2, 1, 3)  # [B, H, 1, D]
    phi_k = k_chunks.mean(dim=2).permute(0, 2, 1, 3)  # [B, H, n, D]
    scores = torch.matmul(phi_q, phi_k.transpose(-2, -1)).squeeze(2)  # [B, H, n]
    kk = min(top_k, n)
    _, top = torch.topk(scores, k=kk, dim=-1)
    top, _ = torch.sort(top, dim=-1)
    idx = top.unsqueeze(-1).unsqueeze(-1).expand(-1, -1, -1, chunk_size, d)
    sel_k = torch.gather(k_chunks.permute(0, 3, 1, 2, 4), 2, idx).reshape(b, h, kk * chunk_size, d)
    sel_v = torch.gather(v_chunks.permute(0, 3, 1, 2, 4), 2, idx).reshape(b, h, kk * chunk_size, d)
    return sel_k.permute(0, 2, 1, 3), sel_v.permute(0, 2, 1, 3), scores, top


def cache_attention(layer: int, q: torch.Tensor, k: torch.Tensor, v: torch.Tensor, state: StreamState) -> torch.Tensor:
    """Attention of the current call's queries over [sink | memory | local] for one layer.

    q/k are RoPE'd; in a context pass (`update_cache`) the call's keys/values are written into this
    layer's cache once it has been read (`StreamState.write_layer`).
    """
    return dense_attention(q, *cache_keys(layer, q, k, v, state))


def cache_keys(layer: int, q: torch.Tensor, k: torch.Tensor, v: torch.Tensor, state: StreamState
               ) -> tuple[torch.Tensor, torch.Tensor]:
    """The keys/values [B, L_kv, H, D] the current call's queries attend to in `layer` (what
    `cache_attention` runs dense attention over); in a context pass it then writes the call's own
    keys/values into the layer's cache. The assembled tensors are new (concatenations), so the write
    cannot change what this layer attends to."""
    assert state.plan is not None and state.call is not None
    keys, values = _assemble(layer, q, k, v, state)
    if state.call.update_cache:
        state.write_layer(layer, k, v)
    return keys, values


def _assemble(layer: int, q: torch.Tensor, k: torch.Tensor, v: torch.Tensor, state: StreamState
              ) -> tuple[torch.Tensor, torch.Tensor]:
    assert state.plan is not None
    kv = state.kv
    sink_k, sink_v, loc_k, loc_v = kv.attention_segments(layer, state.plan, k, v)
    if kv.geometry.sink_tokens == 0:  # upstream: no sink means no memory segment either
        return torch.cat(loc_k, dim=1), torch.cat(loc_v, dim=1)
    mem_k, mem_v = state.memory.visible(layer)
    if state.sma:
        glob_k = torch.cat([*sink_k, mem_k], dim=1)
        glob_v = torch.cat([*sink_v, mem_v], dim=1)
        glob_k, glob_v, _, _ = topk_chunk_routing(q, glob_k, glob_v, kv.geometry.tokens_per_frame, state.sma_top_k)
        return torch.cat([glob_k, *loc_k], dim=1), torch.cat([glob_v, *loc_v], dim=1)
    return torch.cat([*sink_k, mem_k, *loc_k], dim=1), torch.cat([*sink_v, mem_v, *loc_v], dim=1)
