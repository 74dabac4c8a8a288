"""The latent codec interface (video frames <-> normalised latent frames) and the toy preset's codec.

The pipeline, live mode and the benchmarks only talk to a `LatentCodec`: they ask it for a streaming
decoder, never build one. The Wan VAE (`memflow_ext.models.vae.WanVAE`) implements it; so does
`PatchPCACodec`, a fixed linear codec: each `factor x factor` RGB patch is projected onto the
`channels` leading principal components of the toy world's patches, then normalised per channel.
It has temporal factor 1 (one latent frame per video frame) and no learned nonlinearity, so a frame
comes back as well as its patches lie in that subspace.
"""

from __future__ import annotations

from typing import Protocol, runtime_checkable

import torch
import torch.nn.functional as F

__all__ = ["LatentCodec", "PatchPCACodec", "StreamingFrameDecoder", "psnr"]


@runtime_checkable
class StreamingFrameDecoder(Protocol):
    """`start()`, `push(latent block)` -> its new frames [B, T, 3, H, W], `finish()` -> the frames held back."""

    def start(self) -> None: ...

    def push(self, latents: torch.Tensor) -> torch.Tensor: ...

    def finish(self) -> torch.Tensor: ...


@runtime_checkable
class LatentCodec(Protocol):
    """Video [B, T, 3, H, W] in [-1, 1] <-> normalised latents [B, F, C, H/s, W/s]."""

    temporal_factor: int  # video frames per latent frame (after the first)
    spatial_factor: int  # pixels per latent pixel, each side

    @property
    def z_dim(self) -> int: ...

    def num_frames(self, latent_frames: int) -> int:
        """Video frames decoded from `latent_frames` latent frames."""
        ...

    def normalize(self, z: torch.Tensor) -> torch.Tensor: ...

    def denormalize(self, latents: torch.Tensor) -> torch.Tensor: ...

    def encode(self, video: torch.Tensor) -> torch.Tensor: ...

    def decode(self, latents: torch.Tensor) -> torch.Tensor: ...

    def streaming_decoder(self, cache: str = "device") -> StreamingFrameDecoder:
        """A decoder of consecutive blocks; `cache` (device | host) is where it keeps its temporal context."""
        ...


def psnr(a: torch.Tensor, b: torch.Tensor, peak: float = 2.0) -> float:
    """Peak signal-to-noise ratio in dB of two videos in [-1, 1] (peak-to-peak 2), over every value."""
    mse = torch.mean((a.double() - b.double()) ** 2).item()
    return float("inf") if mse == 0 else 10.0 * torch.log10(torch.tensor(peak**2 / mse)).item()


class PatchPCACodec(torch.nn.Module):
    """Fixed linear patch codec (temporal factor 1); its statistics are fitted once (`fit`) and shipped."""

    temporal_factor = 1
    # Buffers, registered in __init__ (register_buffer leaves them untyped to a checker).
    patch_mean: torch.Tensor
    basis: torch.Tensor
    latent_mean: torch.Tensor
    latent_std: torch.Tensor

    def __init__(self, factor: int, channels: int) -> None:
        super().__init__()
        self.spatial_factor = int(factor)
        dim = 3 * factor * factor
        if not 0 < channels <= dim:
            raise ValueError(f"channels={channels} must lie in 1..{dim} (3 x {factor} x {factor} patch values)")
        self.register_buffer("patch_mean", torch.zeros(dim))
        self.register_buffer("basis", torch.eye(dim)[:channels])  # [C, dim], orthonormal rows
        self.register_buffer("latent_mean", torch.zeros(channels))
        self.register_buffer("latent_std", torch.ones(channels))

    @property
    def z_dim(self) -> int:
        return int(self.basis.shape[0])

    def num_frames(self, latent_frames: int) -> int:
        return max(0, int(latent_frames))

    @torch.no_grad()
    def fit(self, video: torch.Tensor) -> None:
        """Fit the patch mean, the principal directions and the per-channel normalisation on video
        [N, T, 3, H, W] in [-1, 1]."""
        patches = self._patches(video.float()).reshape(-1, self.patch_mean.numel()).double()
        mean = patches.mean(0)
        cov = torch.cov((patches - mean).T)
        _, vecs = torch.linalg.eigh(cov)  # ascending eigenvalues
        basis = vecs.flip(1)[:, : self.z_dim].T
        basis = basis * torch.sign(basis.sum(1, keepdim=True) + 1e-12)  # a fixed sign per direction
        z = (patches - mean) @ basis.T
        self.patch_mean.copy_(mean.float())
        self.basis.copy_(basis.float())
        self.latent_mean.copy_(z.mean(0).float())
        self.latent_std.copy_(z.std(0).clamp_min(1e-6).float())

    def _patches(self, video: torch.Tensor) -> torch.Tensor:
        """[B, T, 3, H, W] -> [B, T, H/s, W/s, 3*s*s]."""
        b, t = video.shape[:2]
        x = F.pixel_unshuffle(video.flatten(0, 1), self.spatial_factor)  # [BT, 3ss, h, w]
        return x.permute(0, 2, 3, 1).unflatten(0, (b, t))

    def _shape(self, t: torch.Tensor) -> torch.Tensor:
        return t.to(self.latent_mean.device).view(1, 1, -1, 1, 1)

    def normalize(self, z: torch.Tensor) -> torch.Tensor:
        return (z - self._shape(self.latent_mean).to(z)) / self._shape(self.latent_std).to(z)

    def denormalize(self, latents: torch.Tensor) -> torch.Tensor:
        if latents.ndim != 5 or latents.shape[2] != self.z_dim:
            raise ValueError(f"latents must be [B, F, {self.z_dim}, h, w] (frames second), got {tuple(latents.shape)}")
        return latents * self._shape(self.latent_std).to(latents) + self._shape(self.latent_mean).to(latents)

    @torch.no_grad()
    def encode(self, video: torch.Tensor) -> torch.Tensor:
        """Video [B, T, 3, H, W] in [-1, 1] -> normalised latents [B, T, C, H/s, W/s]."""
        if video.ndim != 5 or video.shape[2] != 3:
            raise ValueError(f"video must be [B, T, 3, H, W], got {tuple(video.shape)}")
        s = self.spatial_factor
        if video.shape[-1] % s or video.shape[-2] % s:
            raise ValueError(f"video size {video.shape[-2]}x{video.shape[-1]} is not a multiple of {s}")
        p = self._patches(video.to(self.basis)) - self.patch_mean
        z = (p @ self.basis.T).permute(0, 1, 4, 2, 3)
        return self.normalize(z)

    @torch.no_grad()
    def decode(self, latents: torch.Tensor) -> torch.Tensor:
        """Normalised latents [B, F, C, h, w] -> video [B, F, 3, h*s, w*s] in [-1, 1]."""
        z = self.denormalize(latents.to(self.basis)).permute(0, 1, 3, 4, 2)
        p = z @ self.basis + self.patch_mean  # [B, F, h, w, 3ss]
        b, f = p.shape[:2]
        x = F.pixel_shuffle(p.permute(0, 1, 4, 2, 3).flatten(0, 1), self.spatial_factor)
        return x.unflatten(0, (b, f)).clamp(-1.0, 1.0)

    def streaming_decoder(self, cache: str = "device") -> _FrameByFrame:
        return _FrameByFrame(self)  # no temporal context: nothing to place


class _FrameByFrame:
    """A streaming decoder for a codec without temporal context: every latent frame decodes alone."""

    def __init__(self, codec: PatchPCACodec) -> None:
        self.codec = codec
        self._shape: tuple[int, ...] | None = None

    def start(self) -> None:
        self._shape = None

    def push(self, latents: torch.Tensor) -> torch.Tensor:
        out = self.codec.decode(latents)
        self._shape = tuple(out.shape)
        return out

    def finish(self) -> torch.Tensor:
        b, _, c, h, w = self._shape or (0, 0, 3, 0, 0)
        return torch.empty(b, 0, c, h, w, device=self.codec.basis.device)
