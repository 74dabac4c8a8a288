"""How strongly a latent frame answers a prompt's entities, from the keys the KV cache holds.

For a scoring layer l and head h, a text query q (a weighted mean of the prompt's
cross-attention text keys t_j, weights w_j) and a frame f with keys k_i (i over its tokens)::

    s_lh(q, f) = <t̄, k̄> / (‖t̄‖ · ν),    t̄ = Σ_j w_j t_j / Σ_j w_j,   k̄ = mean_i k_i,   ν = mean_i ‖k_i‖

and the score is the mean of s over heads and over the scoring layers (depth fractions of the
model, see `MemorySettings.scoring_layers`).

* **Pooling first is exact.** The score is linear in the text keys and in the frame keys, so
  mean_i Σ_j w_j <t_j, k_i> / Σ_j w_j = <t̄, k̄>: one mean over the frame's tokens replaces a
  (text tokens x frame tokens) product. `tests/test_memory_plugin_scoring.py` checks it against the
  unpooled computation.
* **Comparable across chunks.** MemFlow-style saliency is standardised within a chunk (z-scores),
  so a chunk of poor frames still yields a "best" frame at +1σ that outranks a better frame from
  another chunk. Here the score depends on nothing but the frame and the query: ‖t̄‖ removes the
  text key scale (which differs by prompt and layer), ν the key scale (which differs by layer), and
  |s| <= 1 by Cauchy-Schwarz and the triangle inequality (‖k̄‖ <= ν). Layers of different key
  scales thus contribute on the same footing, and scores of any two frames compare directly.
* **Independent of the frame's time.** Cache keys carry 3-D RoPE with the frame's absolute index,
  which rotates the temporal part of k̄ by an angle that grows with time: the same content would
  score differently at frame 12 and at frame 300. With `unrotate_time` the temporal rotation is
  undone on k̄ (it is the same for every token of a frame, so undoing it after pooling is exact).
  The spatial rotation is the same for every frame and stays.
"""

from __future__ import annotations

from collections.abc import Hashable, Mapping, Sequence

import torch

from memflow_ext.models.rope import rope_split

EPS = 1e-12


def temporal_table(freqs: torch.Tensor) -> torch.Tensor:
    """The temporal columns [max_len, c_t] of the model's RoPE table [max_len, head_dim // 2] (complex)."""
    ct = rope_split(2 * freqs.shape[1])[0]
    return freqs[:, :ct]


def unrotate_time(pooled: torch.Tensor, frames: Sequence[int], table_t: torch.Tensor) -> torch.Tensor:
    """Undo the temporal RoPE of per-frame mean keys [B, F, H, D] whose frames have global indices `frames`."""
    b, f, h, d = pooled.shape
    c = torch.view_as_complex(pooled.to(torch.float64).reshape(b, f, h, d // 2, 2)).clone()
    ct = table_t.shape[1]
    phase = table_t[list(frames)].conj().to(c.device)  # [F, c_t]
    c[..., :ct] = c[..., :ct] * phase[None, :, None, :]
    return torch.view_as_real(c).reshape(b, f, h, d).to(pooled.dtype)


def frame_probes(keys: Sequence[torch.Tensor], layers: Sequence[int], tokens_per_frame: int,
                 frames: Sequence[int], table_t: torch.Tensor | None) -> torch.Tensor:
    """Per frame and scoring layer, the frame's normalised mean key k̄ / ν: [F, L_s, B, H, D] float32.

    `keys[l]` [B, F * tokens_per_frame, H, D] are layer l's cache keys of the frames `frames`.
    """
    out = []
    for layer in layers:
        k = keys[layer]
        b, n, h, d = k.shape
        f = n // tokens_per_frame
        kf = k.view(b, f, tokens_per_frame, h, d).float()  # one float32 copy: faster than upcasting reductions
        mean = kf.mean(dim=2)  # [B, F, H, D]
        norm = torch.linalg.vector_norm(kf, dim=-1).mean(dim=2)  # [B, F, H]
        if table_t is not None:
            mean = unrotate_time(mean, frames, table_t)
        out.append(mean / norm.clamp_min(EPS).unsqueeze(-1))
    return torch.stack(out, dim=0).permute(2, 0, 1, 3, 4).contiguous()  # [F, L_s, B, H, D]


def text_queries(text_keys: Mapping[int, torch.Tensor] | Sequence[torch.Tensor], layers: Sequence[int],
                 weights: torch.Tensor) -> torch.Tensor:
    """Unit text queries t̄ / ‖t̄‖ for each row of `weights` [Q, text_len]: [Q, L_s, B, H, D] float32.

    A row that weighs nothing gives a zero query (it scores 0 against every frame).
    """
    out = []
    for layer in layers:
        tk = text_keys[layer].to(torch.float64)  # [B, T, H, D]
        b, t, h, d = tk.shape
        w = weights.to(tk.device, torch.float64)
        w = w / w.sum(dim=1, keepdim=True).clamp_min(EPS)
        pooled = (w @ tk.permute(1, 0, 2, 3).reshape(t, b * h * d)).view(-1, b, h, d)  # [Q, B, H, D]
        unit = pooled / torch.linalg.vector_norm(pooled, dim=-1, keepdim=True).clamp_min(EPS)
        out.append(unit.float())
    return torch.stack(out, dim=1)  # [Q, L_s, B, H, D]


def scores(queries: torch.Tensor, probes: torch.Tensor) -> torch.Tensor:
    """Score of every query [Q, L_s, B, H, D] against every frame probe [F, L_s, B, H, D]: [Q, F]."""
    q = queries.to(probes.device)
    per = q.flatten(1) @ probes.flatten(1).T  # sum over layers, batch, heads and head dims
    return per / (q.shape[1] * q.shape[2] * q.shape[3])


@torch.no_grad()
def unpooled_score(text_keys: torch.Tensor, weights: torch.Tensor, keys: torch.Tensor, frame: int | None = None,
                   table_t: torch.Tensor | None = None) -> torch.Tensor:
    """The same score as `scores(text_queries(...), frame_probes(...))` for one layer and one frame, computed
    token by token (no pooling): every text token against every frame token. For tests and documentation.

    text_keys [B, T, H, D], weights [T], keys [B, N, H, D] (one frame). Returns a scalar tensor (float64).
    """
    tk, k, w = text_keys.double(), keys.double(), weights.double()
    if table_t is not None:
        b, n, h, d = k.shape
        kc = torch.view_as_complex(k.reshape(b, n, h, d // 2, 2)).clone()
        ct = table_t.shape[1]
        kc[..., :ct] = kc[..., :ct] * table_t[frame].conj()
        k = torch.view_as_real(kc).reshape(b, n, h, d)
    dots = torch.einsum("bthd,bnhd->bhtn", tk, k)  # every text token x every frame token
    mean_dot = (dots * w.view(1, 1, -1, 1)).sum(2).mean(-1) / w.sum()  # [B, H]
    t_bar = torch.einsum("t,bthd->bhd", w, tk) / w.sum()
    nu = torch.linalg.vector_norm(keys.double(), dim=-1).mean(1)  # [B, H]
    out: torch.Tensor = (mean_dot / (torch.linalg.vector_norm(t_bar, dim=-1) * nu)).mean()
    return out


def associate(entity_ids: Sequence[Hashable], entity_scores: Sequence[float], has_tokens: Sequence[bool],
              margin: float, min_spread: float) -> tuple[list[Hashable], str, str]:
    """Which of the prompt's entity IDs a frame shows, from its per-entity scores.

    IDs scoring within `margin` x (score range) of the best are associated ("scores"). The prompt's
    IDs are kept instead ("prompt") when the scores cannot separate the entities: fewer than two
    entities, an entity whose tokens were not found in the prompt, or a score range under
    `min_spread`. Returns (ids, source, reason).
    """
    ids = list(entity_ids)
    if not ids:
        return [], "prompt", "the prompt names no entity"
    if len(ids) == 1:
        return ids, "prompt", "one entity"
    if not all(has_tokens):
        missing = [str(i) for i, ok in zip(ids, has_tokens, strict=True) if not ok]
        return ids, "prompt", f"no text tokens found for ID(s) {', '.join(missing)}"
    best, worst = max(entity_scores), min(entity_scores)
    spread = best - worst
    if spread < min_spread:
        return ids, "prompt", f"score range {spread:.4f} < assoc_min_spread {min_spread}"
    cut = best - margin * spread
    chosen = [i for i, s in zip(ids, entity_scores, strict=True) if s >= cut]
    return chosen, "scores", f"score >= {cut:.4f} (best {best:.4f}, range {spread:.4f})"
