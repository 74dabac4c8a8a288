"""BlockNoise: a video's initial noise, handed out one block at a time.

From text (`generate`, `open_stream` with a prompt) the noise of each block is drawn from the video's
generator when the block starts, before that block's re-noising draws. A stream of any length then
holds one block of noise instead of `max_frames` frames of it (a stream that runs until Stop is
bounded only by `live.max_frames`), and `generate`, which drives the same stream code, draws the same
numbers in the same order, so a stream equals a batch run with the same seed and switch frames.
Noise given by the caller (`sample`, `open_stream(noise=...)`: golden parity) is sliced per block.
"""

from __future__ import annotations

import torch


class BlockNoise:
    def __init__(self, shape: tuple[int, int, int, int, int], generator: torch.Generator | None,
                 device: torch.device, dtype: torch.dtype, given: torch.Tensor | None = None) -> None:
        self.shape = shape  # [B, max_frames, C, h, w]
        self.generator = generator
        self.device = device
        self.dtype = dtype
        self._given = given
        self._next = 0  # the first latent frame not handed out yet

    @classmethod
    def of(cls, noise: torch.Tensor) -> BlockNoise:
        """Noise the caller drew: [B, F, C, h, w], sliced per block."""
        b, f, c, h, w = noise.shape
        return cls((b, f, c, h, w), None, noise.device, noise.dtype, given=noise)

    @property
    def max_frames(self) -> int:
        return self.shape[1]

    def take(self, start: int, frames: int) -> torch.Tensor:
        """The noise of latent frames [start, start + frames): drawn now, in order, or sliced from the given."""
        if self._given is not None:
            return self._given[:, start : start + frames]
        if start != self._next:
            raise RuntimeError(f"block noise is drawn in order: asked for frame {start}, next is {self._next}")
        self._next = start + frames
        b, _, c, h, w = self.shape
        return torch.randn((b, frames, c, h, w), generator=self.generator, device=self.device, dtype=self.dtype)
