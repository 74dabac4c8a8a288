"""The arithmetic of a transition: weights per block, the blend of two conditionings, prompt distance.

All functions are pure (no state, no config object) so that tests can compare the engine's inputs
with them.
"""

from __future__ import annotations

import math

import torch

# cosine distance of the mean embeddings at which a switch counts as "unrelated" (full length)
FAR_DISTANCE = 0.2
# rows closer than this to parallel (|cos| above 1 - it) are interpolated linearly by slerp
SLERP_PARALLEL = 1e-6


def block_weights(n: int) -> list[float]:
    """Weight of the new conditioning for the `n` blocks of a blend: (j + 1) / (n + 1), j = 0..n-1.

    The block after them uses the new prompt alone (weight 1); n = 0 is a hard cut.
    """
    return [(j + 1) / (n + 1) for j in range(n)]


def row_mask(x: torch.Tensor) -> torch.Tensor:
    """[B, L] True where a row of x [B, L, D] is not all zero (text, not padding)."""
    return (x != 0).any(dim=-1)


def lerp(a: torch.Tensor, b: torch.Tensor, w: float) -> torch.Tensor:
    """(1 - w) a + w b, row by row (rows that are zero in both stay zero; a row of one blends with zero)."""
    return a * (1 - w) + b * w


def slerp(a: torch.Tensor, b: torch.Tensor, w: float) -> torch.Tensor:
    """Spherical interpolation of each row (last dim) of a and b [B, L, D], computed in float32 or wider.

    With theta the angle between the rows: sin((1 - w) theta) / sin(theta) a + sin(w theta) / sin(theta) b.
    Where a row is zero in either input, or the two rows are (anti)parallel, it is `lerp`.
    """
    dtype = torch.promote_types(a.dtype, torch.float32)
    a32, b32 = a.to(dtype), b.to(dtype)
    na, nb = a32.norm(dim=-1, keepdim=True), b32.norm(dim=-1, keepdim=True)
    nonzero = (na > 0) & (nb > 0)
    cos = (a32 * b32).sum(-1, keepdim=True) / (na * nb).clamp_min(torch.finfo(dtype).tiny)
    cos = cos.clamp(-1.0, 1.0)
    use = nonzero & (cos.abs() < 1 - SLERP_PARALLEL)
    theta = torch.acos(torch.where(use, cos, torch.zeros_like(cos)))
    sin = torch.sin(theta)
    safe = torch.where(use, sin, torch.ones_like(sin))
    ca = torch.where(use, torch.sin((1 - w) * theta) / safe, torch.full_like(sin, 1 - w))
    cb = torch.where(use, torch.sin(w * theta) / safe, torch.full_like(sin, w))
    return (ca * a32 + cb * b32).to(a.dtype)


def blend(a: torch.Tensor, b: torch.Tensor, w: float, method: str) -> torch.Tensor:
    """The conditioning a fraction `w` of the way from `a` to `b` (same shape)."""
    if method == "slerp":
        return slerp(a, b, w)
    if method == "linear":
        return lerp(a, b, w)
    raise ValueError(f"unknown blend method {method!r}; expected linear or slerp")


def prompt_distance(a: torch.Tensor, b: torch.Tensor) -> float:
    """1 - cosine similarity of the mean text rows of a and b [B, L, D] (padding rows left out), in [0, 2].

    Batch entries are averaged. Near-identical prompts give ~0; on the tiny preset's encoder unrelated
    prompts give 0.1-0.25.
    """
    def mean_row(x: torch.Tensor) -> torch.Tensor:
        m = row_mask(x).to(torch.float64)
        return (x.to(torch.float64) * m[..., None]).sum(1) / m.sum(1, keepdim=True).clamp_min(1.0)

    ma, mb = mean_row(a), mean_row(b)
    cos = torch.nn.functional.cosine_similarity(ma, mb, dim=-1)
    return float((1.0 - cos).mean().clamp(0.0, 2.0))


def adaptive_blocks(distance: float, max_blocks: int) -> int:
    """Blend length for a switch `distance` apart: round(max_blocks * min(1, distance / FAR_DISTANCE)).

    0 (a cut) for identical prompts, `max_blocks` from FAR_DISTANCE on, linear in between.
    """
    if max_blocks <= 0:
        return 0
    return min(max_blocks, int(math.floor(max_blocks * min(1.0, max(0.0, distance) / FAR_DISTANCE) + 0.5)))
