"""3-D rotary position embedding with a frame offset (Wan's RoPE, as MemFlow applies it causally).

The head dimension is split into a temporal part and two spatial parts
(`d - 4*(d//6)`, `2*(d//6)`, `2*(d//6)` real dims); the temporal angle uses the absolute latent
frame index `start_frame + f`, so keys written to the cache keep their position forever.
The rotation runs in float64 complex arithmetic, as upstream does.
"""

from __future__ import annotations

import torch

# Tokens rotated at once by `rope_apply`: a 480p frame has 1560, so a denoising step (3 frames) runs in two
# chunks and a re-cache's 12 frames in five; each chunk's float64 temporaries are ~0.1 GB at Wan2.1-1.3B's width.
ROPE_CHUNK_TOKENS = 4096


def rope_params(max_len: int, dim: int, theta: float = 10000.0) -> torch.Tensor:
    """Complex128 table [max_len, dim // 2] of unit phasors exp(i * pos * theta^(-2j/dim))."""
    if dim % 2:
        raise ValueError(f"RoPE dimension must be even, got {dim}")
    inv = 1.0 / torch.pow(theta, torch.arange(0, dim, 2, dtype=torch.float64).div(dim))
    angles = torch.outer(torch.arange(max_len, dtype=torch.float64), inv)
    return torch.polar(torch.ones_like(angles), angles)


def rope_split(head_dim: int) -> tuple[int, int, int]:
    """Complex columns given to (frame, height, width)."""
    c = head_dim // 2
    return c - 2 * (c // 3), c // 3, c // 3


def build_rope_table(head_dim: int, max_len: int) -> torch.Tensor:
    """The model's table: [max_len, head_dim // 2] complex128, columns (frame | height | width)."""
    d = head_dim
    if d % 2:
        raise ValueError(f"head_dim must be even for RoPE, got {d}")
    return torch.cat(
        [
            rope_params(max_len, d - 4 * (d // 6)),
            rope_params(max_len, 2 * (d // 6)),
            rope_params(max_len, 2 * (d // 6)),
        ],
        dim=1,
    )


class RopeCache:
    """Per-(grid, start_frame) phasors, built once and reused by every layer and step."""

    def __init__(self, table: torch.Tensor, max_entries: int = 64) -> None:
        self.table = table
        self._entries: dict[tuple, torch.Tensor] = {}
        self._max = max_entries

    def phasors(self, grid: tuple[int, int, int], start_frame: int, device: torch.device) -> torch.Tensor:
        key = (grid, start_frame, str(device))
        hit = self._entries.get(key)
        if hit is None:
            hit = rope_phasors(self.table, grid, start_frame).to(device)
            if len(self._entries) >= self._max:
                self._entries.pop(next(iter(self._entries)))
            self._entries[key] = hit
        return hit


def rope_phasors(table: torch.Tensor, grid: tuple[int, int, int], start_frame: int) -> torch.Tensor:
    """[f*h*w, 1, head_dim // 2] complex128 phasors for a (f, h, w) token grid."""
    f, h, w = grid
    if start_frame + f > table.shape[0] or h > table.shape[0] or w > table.shape[0]:
        raise ValueError(
            f"RoPE table has {table.shape[0]} positions; grid {grid} at start frame {start_frame} exceeds it "
            "(raise the preset's rope_max_len)"
        )
    ft, fh, fw = table.split(rope_split(2 * table.shape[1]), dim=1)
    phasors = torch.cat(
        [
            ft[start_frame : start_frame + f].view(f, 1, 1, -1).expand(f, h, w, -1),
            fh[:h].view(1, h, 1, -1).expand(f, h, w, -1),
            fw[:w].view(1, 1, w, -1).expand(f, h, w, -1),
        ],
        dim=-1,
    )
    return phasors.reshape(f * h * w, 1, -1)


def rope_apply(x: torch.Tensor, phasors: torch.Tensor) -> torch.Tensor:
    """Rotate x [B, L, H, D] by phasors [L, 1, D/2]; computed in float64, returned in x's dtype.

    The rotation is elementwise, so it runs over `ROPE_CHUNK_TOKENS` tokens at a time into the output:
    the same values, while the float64 temporaries (8x a bfloat16 x, 4x a float32 one) stay a chunk's."""
    b, seq, n, _ = x.shape
    if seq <= ROPE_CHUNK_TOKENS:
        return _rotate(x, phasors)
    out = torch.empty_like(x)
    for a in range(0, seq, ROPE_CHUNK_TOKENS):
        out[:, a : a + ROPE_CHUNK_TOKENS] = _rotate(x[:, a : a + ROPE_CHUNK_TOKENS], phasors[a : a + ROPE_CHUNK_TOKENS])
    return out


def _rotate(x: torch.Tensor, phasors: torch.Tensor) -> torch.Tensor:
    b, seq, n, _ = x.shape
    xc = torch.view_as_complex(x.to(torch.float64).reshape(b, seq, n, -1, 2))
    return torch.view_as_real(xc * phasors).flatten(3).type_as(x)


def causal_rope(x: torch.Tensor, grid: tuple[int, int, int], table: torch.Tensor, start_frame: int = 0) -> torch.Tensor:
    """Convenience: RoPE for x [B, L, H, D] on grid (f, h, w) starting at latent frame `start_frame`."""
    return rope_apply(x, rope_phasors(table, grid, start_frame).to(x.device))
