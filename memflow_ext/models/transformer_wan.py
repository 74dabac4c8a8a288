"""Causal Wan DiT (Wan2.1 text-to-video) with the original Wan parameter names.

Module and parameter names match Wan / LongLive / MemFlow checkpoints exactly
(`blocks.0.self_attn.q.weight`, `time_projection.1.weight`, `head.head.weight`, ...), so their
state dicts load without a key map. Every size comes from `WanTransformerConfig`.

Two forward paths:
* `forward(x, t, context, state, call)` — streaming inference over the KV cache (`StreamState`);
* `forward_masked(x, t, context, mask)` — one pass over a whole clip with an explicit attention
  mask (used to check that streaming equals full recompute).
"""

from __future__ import annotations

import math
from collections.abc import Callable, Sequence
from typing import Any, cast

import torch
import torch.nn as nn

from memflow_ext.models.attention import cache_attention, dense_attention
from memflow_ext.models.rope import build_rope_table, rope_apply, rope_phasors
from memflow_ext.presets import WanTransformerConfig
from memflow_ext.streaming.kv_cache import CrossAttnCache
from memflow_ext.streaming.state import CallInfo, StreamState


def sinusoidal_embedding_1d(dim: int, position: torch.Tensor) -> torch.Tensor:
    """Wan's timestep embedding: [cos | sin] of position * 10000^(-j/half), in float64."""
    if dim % 2:
        raise ValueError(f"sinusoidal embedding dimension must be even, got {dim}")
    half = dim // 2
    position = position.to(torch.float64)
    sinusoid = torch.outer(position, torch.pow(10000, -torch.arange(half).to(position).div(half)))
    return torch.cat([torch.cos(sinusoid), torch.sin(sinusoid)], dim=1)


class WanRMSNorm(nn.Module):
    def __init__(self, dim: int, eps: float = 1e-5) -> None:
        super().__init__()
        self.eps = eps
        self.weight = nn.Parameter(torch.ones(dim))

    def forward(self, x: torch.Tensor) -> torch.Tensor:
        xf = x.float()
        return (xf * torch.rsqrt(xf.pow(2).mean(dim=-1, keepdim=True) + self.eps)).type_as(x) * self.weight


class WanLayerNorm(nn.LayerNorm):
    """LayerNorm computed in float32 (no affine unless asked), as Wan does."""

    def __init__(self, dim: int, eps: float = 1e-6, elementwise_affine: bool = False) -> None:
        super().__init__(dim, elementwise_affine=elementwise_affine, eps=eps)

    def forward(self, x: torch.Tensor) -> torch.Tensor:
        return super().forward(x.float()).type_as(x)


class CausalWanSelfAttention(nn.Module):
    def __init__(self, dim: int, num_heads: int, qk_norm: bool = True, eps: float = 1e-6) -> None:
        super().__init__()
        self.num_heads = num_heads
        self.head_dim = dim // num_heads
        self.q = nn.Linear(dim, dim)
        self.k = nn.Linear(dim, dim)
        self.v = nn.Linear(dim, dim)
        self.o = nn.Linear(dim, dim)
        self.norm_q = WanRMSNorm(dim, eps=eps) if qk_norm else nn.Identity()
        self.norm_k = WanRMSNorm(dim, eps=eps) if qk_norm else nn.Identity()

    def qkv(self, x: torch.Tensor) -> tuple[torch.Tensor, torch.Tensor, torch.Tensor]:
        b, s = x.shape[:2]
        shape = (b, s, self.num_heads, self.head_dim)
        return self.norm_q(self.q(x)).view(shape), self.norm_k(self.k(x)).view(shape), self.v(x).view(shape)

    def queue_kv(self, x: torch.Tensor, phasors: torch.Tensor, layer: int, state: StreamState) -> None:
        """Keys/values only, written into the layer's cache (no queries, no attention)."""
        b, s = x.shape[:2]
        shape = (b, s, self.num_heads, self.head_dim)
        v = self.v(x).view(shape)
        k = rope_apply(self.norm_k(self.k(x)).view(shape), phasors).type_as(v)
        state.write_layer(layer, k, v)

    def forward(self, x: torch.Tensor, phasors: torch.Tensor, layer: int, state: StreamState | None = None,
                mask: torch.Tensor | None = None) -> torch.Tensor:
        q, k, v = self.qkv(x)
        q = rope_apply(q, phasors).type_as(v)
        k = rope_apply(k, phasors).type_as(v)
        if state is None:
            out = torch.nn.functional.scaled_dot_product_attention(
                q.transpose(1, 2), k.transpose(1, 2), v.transpose(1, 2), attn_mask=mask
            ).transpose(1, 2)
        else:
            out = cache_attention(layer, q, k, v, state)
        return self.o(out.flatten(2))


class WanT2VCrossAttention(CausalWanSelfAttention):
    """Text cross-attention; the text keys/values are computed once per prompt and cached."""

    def text_kv(self, context: torch.Tensor) -> tuple[torch.Tensor, torch.Tensor]:
        return self.text_k(context), self.v(context).view(context.shape[0], -1, self.num_heads, self.head_dim)

    def text_k(self, context: torch.Tensor) -> torch.Tensor:
        """The text keys alone (readers that score against text need no values)."""
        return self.norm_k(self.k(context)).view(context.shape[0], -1, self.num_heads, self.head_dim)

    def prime(self, context: torch.Tensor, cache: CrossAttnCache, layer: int) -> None:
        if not cache.is_init[layer]:
            k, v = self.text_kv(context)
            if k.shape == cache.k[layer].shape and k.dtype == cache.k[layer].dtype:
                cache.k[layer].copy_(k)  # into the cache's own buffers: the cache is allocated once
                cache.v[layer].copy_(v)
            else:
                cache.k[layer], cache.v[layer] = k, v
            cache.is_init[layer] = True

    def forward(  # type: ignore[override]  # cross-attention reads the text, not RoPE phasors and the KV cache
            self, x: torch.Tensor, context: torch.Tensor | None, cache: CrossAttnCache | None = None,
            layer: int = 0) -> torch.Tensor:
        b = x.shape[0]
        q = self.norm_q(self.q(x)).view(b, -1, self.num_heads, self.head_dim)
        if cache is None:
            assert context is not None
            k, v = self.text_kv(context)
        else:
            if not cache.is_init[layer]:
                assert context is not None
                self.prime(context, cache, layer)
            k, v = cache.k[layer], cache.v[layer]
        return self.o(dense_attention(q, k, v).flatten(2))


class CausalWanAttentionBlock(nn.Module):
    def __init__(self, cfg: WanTransformerConfig) -> None:
        super().__init__()
        dim = cfg.dim
        self.norm1 = WanLayerNorm(dim, cfg.eps)
        self.self_attn = CausalWanSelfAttention(dim, cfg.num_heads, cfg.qk_norm, cfg.eps)
        self.norm3 = WanLayerNorm(dim, cfg.eps, elementwise_affine=True) if cfg.cross_attn_norm else nn.Identity()
        self.cross_attn = WanT2VCrossAttention(dim, cfg.num_heads, cfg.qk_norm, cfg.eps)
        self.norm2 = WanLayerNorm(dim, cfg.eps)
        self.ffn = nn.Sequential(nn.Linear(dim, cfg.ffn_dim), nn.GELU(approximate="tanh"), nn.Linear(cfg.ffn_dim, dim))
        self.modulation = nn.Parameter(torch.randn(1, 6, dim) / dim**0.5)
        # frames per FFN chunk in the eager no-grad forward (`CausalWanModel.set_ffn_chunk_frames`); 0: all at once
        self.ffn_chunk_frames = 0
        # (pre, post) compiled halves of the streaming forward (`compile_streaming`); None: eager
        self.compiled: tuple[Callable[..., Any], Callable[..., Any]] | None = None

    def forward(self, x: torch.Tensor, e0: torch.Tensor, phasors: torch.Tensor, context: torch.Tensor | None,
                layer: int, state: StreamState | None = None, mask: torch.Tensor | None = None,
                kv_only: bool = False) -> torch.Tensor | None:
        """x [B, F*S, dim]; e0 [B, F, 6, dim] per-frame modulation from the timestep.

        `kv_only`: only write this layer's keys/values into the cache and return None (the last layer
        of a context pass, whose output nobody reads).
        """
        if self.compiled is not None and state is not None and mask is None and not kv_only:
            return self._forward_compiled(x, e0, phasors, context, layer, state)
        f = e0.shape[1]
        s = x.shape[1] // f
        e = (self.modulation.unsqueeze(1) + e0).chunk(6, dim=2)

        def per_frame(t: torch.Tensor) -> torch.Tensor:
            return t.unflatten(1, (f, s))

        h = (per_frame(self.norm1(x)) * (1 + e[1]) + e[0]).flatten(1, 2)
        if kv_only:
            assert state is not None
            self.self_attn.queue_kv(h, phasors, layer, state)
            return None
        y = self.self_attn(h, phasors, layer, state, mask)
        x = x + (per_frame(y) * e[2]).flatten(1, 2)
        x = x + self.cross_attn(self.norm3(x), context, state.text if state is not None else None, layer)
        return self._ffn_residual(x, e, f, s)

    def _ffn_residual(self, x: torch.Tensor, e: tuple[torch.Tensor, ...], f: int, s: int) -> torch.Tensor:
        """x + gate * FFN(modulated norm2(x)). When `x` needs no gradient and with `ffn_chunk_frames` set, it runs
        over that many frames at a time, adding into `x` in place (this block's own tensor): the FFN's
        hidden activations, `ffn_dim` wide, then exist for one chunk only. Every token is computed as in
        the one-pass form (the FFN and the norm work token by token)."""
        step = self.ffn_chunk_frames
        if not step or step >= f or x.requires_grad or torch.promote_types(x.dtype, e[5].dtype) != x.dtype:
            y = self.ffn((self.norm2(x).unflatten(1, (f, s)) * (1 + e[4]) + e[3]).flatten(1, 2))
            return x + (y.unflatten(1, (f, s)) * e[5]).flatten(1, 2)
        frames = x.unflatten(1, (f, s))  # a view: the chunks are written into x
        for a in range(0, f, step):
            xs = frames[:, a : a + step]
            y = self.ffn((self.norm2(xs) * (1 + e[4][:, a : a + step]) + e[3][:, a : a + step]).flatten(1, 2))
            xs += y.unflatten(1, xs.shape[1:3]) * e[5][:, a : a + step]
        return x

    # -- the streaming forward in two tensor-only halves, for torch.compile -------------------------
    def attn_inputs(self, x: torch.Tensor, e0: torch.Tensor) -> tuple[torch.Tensor, torch.Tensor, torch.Tensor]:
        """Modulated norm and the self-attention q/k/v (normed, before RoPE): [B, F*S, H, D] each."""
        f = e0.shape[1]
        e = (self.modulation.unsqueeze(1) + e0).chunk(6, dim=2)
        h = (self.norm1(x).unflatten(1, (f, x.shape[1] // f)) * (1 + e[1]) + e[0]).flatten(1, 2)
        return self.self_attn.qkv(h)

    def attn_outputs(self, x: torch.Tensor, e0: torch.Tensor, q: torch.Tensor, keys: torch.Tensor,
                     values: torch.Tensor, text_k: torch.Tensor, text_v: torch.Tensor) -> torch.Tensor:
        """Self-attention of RoPE'd q over the assembled [sink | memory | local] keys/values, the text
        cross-attention over the cached text keys/values and the FFN, with the residuals."""
        f = e0.shape[1]
        s = x.shape[1] // f
        e = (self.modulation.unsqueeze(1) + e0).chunk(6, dim=2)
        y = self.self_attn.o(dense_attention(q, keys, values).flatten(2))
        x = x + (y.unflatten(1, (f, s)) * e[2]).flatten(1, 2)
        ca = self.cross_attn
        cq = ca.norm_q(ca.q(self.norm3(x))).view(x.shape[0], -1, ca.num_heads, ca.head_dim)
        x = x + ca.o(dense_attention(cq, text_k, text_v).flatten(2))
        y = self.ffn((self.norm2(x).unflatten(1, (f, s)) * (1 + e[4]) + e[3]).flatten(1, 2))
        return x + (y.unflatten(1, (f, s)) * e[5]).flatten(1, 2)

    def _forward_compiled(self, x: torch.Tensor, e0: torch.Tensor, phasors: torch.Tensor,
                          context: torch.Tensor | None, layer: int, state: StreamState) -> torch.Tensor:
        """The streaming forward with the compiled halves; RoPE (complex128), the cache bookkeeping and
        the key assembly stay eager between them. The key/value length changes from call to call, so it
        is marked dynamic: one graph serves every length."""
        from memflow_ext.models.attention import cache_keys

        assert self.compiled is not None
        pre, post = self.compiled
        q, k, v = pre(x, e0)
        q = rope_apply(q, phasors).type_as(v)
        k = rope_apply(k, phasors).type_as(v)
        keys, values = cache_keys(layer, q, k, v, state)
        text = state.text
        if not text.is_init[layer]:
            assert context is not None
            self.cross_attn.prime(context, text, layer)
        torch._dynamo.mark_dynamic(keys, 1)
        torch._dynamo.mark_dynamic(values, 1)
        return post(x, e0, q, keys, values, text.k[layer], text.v[layer])


class CausalHead(nn.Module):
    def __init__(self, cfg: WanTransformerConfig) -> None:
        super().__init__()
        self.norm = WanLayerNorm(cfg.dim, cfg.eps)
        self.head = nn.Linear(cfg.dim, math.prod(cfg.patch_size) * cfg.out_dim)
        self.modulation = nn.Parameter(torch.randn(1, 2, cfg.dim) / cfg.dim**0.5)

    def forward(self, x: torch.Tensor, e: torch.Tensor) -> torch.Tensor:
        """x [B, F*S, dim]; e [B, F, 1, dim] -> [B, F, S, out*prod(patch)]."""
        f = e.shape[1]
        shift, scale = (self.modulation.unsqueeze(1) + e).chunk(2, dim=2)
        return self.head(self.norm(x).unflatten(1, (f, x.shape[1] // f)) * (1 + scale) + shift)


class CausalWanModel(nn.Module):
    """Wan2.1 DiT for block-causal streaming generation."""

    def __init__(self, cfg: WanTransformerConfig) -> None:
        super().__init__()
        if cfg.model_type != "t2v":
            raise ValueError(f"model_type '{cfg.model_type}' is not supported; only 't2v'")
        if cfg.dim % cfg.num_heads or (cfg.dim // cfg.num_heads) % 2:
            raise ValueError(f"dim={cfg.dim} must split into {cfg.num_heads} heads of even size")
        self.config = cfg
        dim = cfg.dim
        self.patch_embedding = nn.Conv3d(cfg.in_dim, dim, kernel_size=cfg.patch_size, stride=cfg.patch_size)
        self.text_embedding = nn.Sequential(nn.Linear(cfg.text_dim, dim), nn.GELU(approximate="tanh"),
                                            nn.Linear(dim, dim))
        self.time_embedding = nn.Sequential(nn.Linear(cfg.freq_dim, dim), nn.SiLU(), nn.Linear(dim, dim))
        self.time_projection = nn.Sequential(nn.SiLU(), nn.Linear(dim, dim * 6))
        self.blocks = nn.ModuleList([CausalWanAttentionBlock(cfg) for _ in range(cfg.num_layers)])
        self.head = CausalHead(cfg)
        self.grid_pos = nn.Linear(4 * cfg.grid_pos_freqs, dim) if cfg.grid_pos_freqs else None
        self.text_pos = nn.Parameter(torch.zeros(cfg.text_len, dim)) if cfg.text_pos_embed else None
        # not a buffer: stays complex128 whatever dtype the module is cast to
        self.freqs = build_rope_table(cfg.head_dim, cfg.rope_max_len)

    # -- shared pieces -----------------------------------------------------------------------
    def _embed(self, x: torch.Tensor, t: torch.Tensor):
        """Patchify x [B, C, F, H, W]; timestep t [B, F] -> tokens, grid, e (head), e0 (blocks)."""
        x = self.patch_embedding(x)
        grid = tuple(x.shape[2:])
        x = x.flatten(2).transpose(1, 2)
        if self.grid_pos is not None:
            x = x + self.grid_position(grid[1], grid[2]).to(x.dtype).repeat(grid[0], 1)
        e = self.time_embedding(sinusoidal_embedding_1d(self.config.freq_dim, t.flatten()).type_as(x))
        e0 = self.time_projection(e).unflatten(1, (6, self.config.dim)).unflatten(0, t.shape)
        return x, grid, e, e0

    def grid_position(self, h: int, w: int) -> torch.Tensor:
        """[h*w, dim]: the learned projection of each token's (row, column) sinusoids, the same in every
        frame (config `grid_pos_freqs`), in the frame's token order (row-major)."""
        assert self.grid_pos is not None
        n = 2 * self.config.grid_pos_freqs
        rows = sinusoidal_embedding_1d(n, torch.arange(h)).repeat_interleave(w, dim=0)
        cols = sinusoidal_embedding_1d(n, torch.arange(w)).repeat(h, 1)
        feats = torch.cat([rows, cols], dim=1).to(self.grid_pos.weight)
        return self.grid_pos(feats)

    def set_ffn_chunk_frames(self, frames: int) -> None:
        """Run each block's FFN over `frames` latent frames at a time in eager no-grad calls (0: a call's
        tokens at once; config `engine.ffn_chunk_frames`). The compiled forward (`compile_streaming`) is
        not chunked."""
        if frames < 0:
            raise ValueError(f"ffn_chunk_frames={frames} must be >= 0")
        for block in self.attention_blocks:
            block.ffn_chunk_frames = int(frames)

    @property
    def attention_blocks(self) -> Sequence[CausalWanAttentionBlock]:
        """`blocks` typed: an `nn.ModuleList` only knows it holds modules."""
        return cast("Sequence[CausalWanAttentionBlock]", self.blocks)

    def embed_text(self, context: torch.Tensor) -> torch.Tensor:
        """context [B, L<=text_len, text_dim] -> [B, text_len, dim] (zero-padded to text_len first)."""
        pad = self.config.text_len - context.shape[1]
        if pad < 0:
            raise ValueError(f"text context has {context.shape[1]} tokens, more than text_len={self.config.text_len}")
        if pad:
            context = torch.cat([context, context.new_zeros(context.shape[0], pad, context.shape[2])], dim=1)
        out = self.text_embedding(context)
        return out if self.text_pos is None else out + self.text_pos.to(out.dtype)

    def fill_text_cache(self, context: torch.Tensor, cache: CrossAttnCache) -> None:
        """(Re)compute every layer's text keys/values from `context` [B, L<=text_len, text_dim] into `cache`."""
        ctx = self.embed_text(context)
        cache.is_init = [False] * len(cache.is_init)
        for i, block in enumerate(self.attention_blocks):
            block.cross_attn.prime(ctx, cache, i)

    def _finish(self, x: torch.Tensor, e: torch.Tensor, t: torch.Tensor, grid: tuple[int, int, int]) -> torch.Tensor:
        x = self.head(x, e.unflatten(0, t.shape).unsqueeze(2))
        return self.unpatchify(x, grid)

    def unpatchify(self, x: torch.Tensor, grid: tuple[int, int, int]) -> torch.Tensor:
        """[B, F, S, C*pt*ph*pw] -> [B, C, F*pt, H*ph, W*pw]."""
        c = self.config.out_dim
        pt, ph, pw = self.config.patch_size
        f, h, w = grid
        x = x.reshape(x.shape[0], f, h, w, pt, ph, pw, c)
        x = torch.einsum("bfhwpqrc->bcfphqwr", x)
        return x.reshape(x.shape[0], c, f * pt, h * ph, w * pw)

    def compile_streaming(self) -> None:
        """torch.compile every block's streaming forward (config `engine.compile`); idempotent.

        Each block's two tensor-only halves (`attn_inputs`, `attn_outputs`) are compiled with
        `fullgraph=True` and dynamic shapes (the token count changes between a block and a re-cache,
        the key/value length from block to block), so a graph break is an error instead of a silent
        split, and dynamo is set to raise instead of falling back to eager: `suppress_errors` off and
        `fail_on_recompile_limit_hit` on (the limit is raised to allow one entry per block).
        """
        if all(b.compiled is not None for b in self.blocks):
            return
        import torch._dynamo

        cfg = torch._dynamo.config
        cfg.suppress_errors = False
        cfg.fail_on_recompile_limit_hit = True
        cfg.recompile_limit = max(cfg.recompile_limit, 4 * len(self.blocks))
        cfg.accumulated_recompile_limit = max(cfg.accumulated_recompile_limit, 16 * len(self.blocks))
        for block in self.attention_blocks:
            block.compiled = (torch.compile(block.attn_inputs, fullgraph=True, dynamic=True),
                              torch.compile(block.attn_outputs, fullgraph=True, dynamic=True))

    # -- streaming inference -----------------------------------------------------------------
    def forward(self, x: torch.Tensor, t: torch.Tensor, context: torch.Tensor, state: StreamState,
                call: CallInfo, prime_text_before_commit: bool = False, need_output: bool = True
                ) -> torch.Tensor | None:
        """One streaming call.

        x [B, C, F, H, W] latents of the block; t [B, F] per-frame timesteps; context
        [B, text_len, text_dim] prompt embeddings (used only where the text cache is stale).
        Returns the flow prediction [B, C, F, H, W]. Cache writes happen only when
        `call.update_cache` (the context pass): each layer's right after it read its own cache (a layer
        reads no other layer's cache, so this equals writing after the last layer, without holding
        every layer's new keys/values at once); the shared indices advance after the last layer. With
        `need_output=False` (a context pass whose prediction is discarded) the last layer stops after its
        keys/values and None is returned: the cache ends up exactly the same, at a fraction of the cost.
        """
        x, grid, e, e0 = self._embed(x, t)
        tpf = grid[1] * grid[2]
        if tpf != state.kv.geometry.tokens_per_frame:
            raise ValueError(f"latent grid {grid} has {tpf} tokens per frame; the cache was built for "
                             f"{state.kv.geometry.tokens_per_frame}")
        ctx = None if state.text.all_init else self.embed_text(context)
        if prime_text_before_commit and call.q_bank and ctx is not None:
            for i, block in enumerate(self.attention_blocks):
                block.cross_attn.prime(ctx, state.text, i)
        state.call = call
        state.plan = state.kv.plan(call.current_start, x.shape[1])
        state.written = []
        state.memory.begin_call(call, state.text)
        phasors = state.rope.phasors(grid, call.current_start // tpf, x.device)
        last = len(self.blocks) - 1
        kv_only_last = not need_output and call.update_cache
        for i, block in enumerate(self.attention_blocks):
            x = block(x, e0, phasors, ctx, i, state, kv_only=kv_only_last and i == last)
        if call.update_cache and state.written:
            state.finish_write()
        state.call, state.plan, state.written = None, None, []
        return None if kv_only_last else self._finish(x, e, t, grid)

    # -- full-sequence pass --------------------------------------------------------------------
    def forward_masked(self, x: torch.Tensor, t: torch.Tensor, context: torch.Tensor,
                       mask: torch.Tensor | None) -> torch.Tensor:
        """Whole clip in one pass with a boolean attention mask [L, L] (True = may attend)."""
        x, grid, e, e0 = self._embed(x, t)
        ctx = self.embed_text(context)
        phasors = rope_phasors(self.freqs, grid, 0).to(x.device)
        for i, block in enumerate(self.blocks):
            x = block(x, e0, phasors, ctx, i, None, mask)
        return self._finish(x, e, t, grid)


def block_causal_mask(num_frames: int, tokens_per_frame: int, frames_per_block: int,
                      device: torch.device | None = None) -> torch.Tensor:
    """Boolean [L, L]: a token attends to every token of its own block and of earlier blocks."""
    block_of = torch.arange(num_frames * tokens_per_frame, device=device) // (tokens_per_frame * frames_per_block)
    return block_of.unsqueeze(1) >= block_of.unsqueeze(0)
