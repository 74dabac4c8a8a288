"""Wan2.1 VAE decoder: full decode and block-by-block streaming decode with identical frames.

Latent convention of the engine: latents are [B, F, C, h, w] (frames second) and normalised the Wan
way. diffusers' WanPipeline denormalises before decoding with (pipeline_wan.py, ``__call__``)::

    latents_mean = torch.tensor(vae.config.latents_mean).view(1, z_dim, 1, 1, 1)
    latents_std = 1.0 / torch.tensor(vae.config.latents_std).view(1, z_dim, 1, 1, 1)
    latents = latents / latents_std + latents_mean

i.e. ``z = latents * std + mean`` per channel, which is what `WanVAE.denormalize` does.
"""

from __future__ import annotations

import numpy as np
import torch
from diffusers import AutoencoderKLWan
from diffusers.models.autoencoders.autoencoder_kl_wan import CACHE_T, WanCausalConv3d, WanUpBlock, unpatchify
from loguru import logger

from memflow_ext.config import VAE_CACHE_PLACES
from memflow_ext.presets import VAEConfig

__all__ = ["HostSlots", "StreamingDecoder", "WanVAE", "to_uint8"]

HOST = torch.device("cpu")  # where `HostSlots` keeps the causal cache


class WanVAE(torch.nn.Module):
    """diffusers `AutoencoderKLWan` behind the engine's [B, F, C, h, w] normalised-latent convention
    (a `memflow_ext.models.codec.LatentCodec`)."""

    def __init__(self, vae: AutoencoderKLWan, temporal_factor: int, spatial_factor: int) -> None:
        super().__init__()
        self.vae = vae
        self.temporal_factor = int(temporal_factor)
        self.spatial_factor = int(spatial_factor)
        z_dim = int(vae.config.z_dim)
        mean = torch.tensor(vae.config.latents_mean, dtype=torch.float32)
        std = torch.tensor(vae.config.latents_std, dtype=torch.float32)
        if mean.numel() != z_dim or std.numel() != z_dim:
            raise ValueError(f"latents_mean/latents_std must have z_dim={z_dim} entries")
        # Shaped to broadcast over [B, F, C, h, w].
        self.latents_mean: torch.Tensor
        self.latents_std: torch.Tensor
        self.register_buffer("latents_mean", mean.view(1, 1, z_dim, 1, 1), persistent=False)
        self.register_buffer("latents_std", std.view(1, 1, z_dim, 1, 1), persistent=False)

    @classmethod
    def from_config(
        cls,
        cfg: VAEConfig,
        seed: int,
        device: torch.device | str | None = None,
        dtype: torch.dtype = torch.float32,
    ) -> WanVAE:
        """Build the VAE with seeded random weights, leaving the global RNG untouched.

        Weights are initialised on the CPU in float32 and then moved, so a seed gives the same weights on
        every device. diffusers' default Wan ``latents_mean``/``latents_std`` are kept.
        """
        with torch.random.fork_rng(devices=[]):
            torch.manual_seed(seed)
            vae = AutoencoderKLWan(
                base_dim=cfg.base_dim,
                z_dim=cfg.z_dim,
                dim_mult=list(cfg.dim_mult),
                num_res_blocks=cfg.num_res_blocks,
                temperal_downsample=list(cfg.temperal_downsample),
                scale_factor_temporal=cfg.temporal_factor,
                scale_factor_spatial=cfg.spatial_factor,
            )
        # nn.Module.to: diffusers' override only adds a float32-modules warning that does not apply here
        # (AutoencoderKLWan lists no modules to keep in float32).
        vae = torch.nn.Module.to(vae, device=device, dtype=dtype).eval()
        vae.requires_grad_(False)
        logger.debug(
            "VAE: base_dim={}, z_dim={}, spatial x{}, temporal x{}, seed={}",
            cfg.base_dim, cfg.z_dim, cfg.spatial_factor, cfg.temporal_factor, seed,
        )
        return cls(vae, temporal_factor=cfg.temporal_factor, spatial_factor=cfg.spatial_factor)

    @property
    def z_dim(self) -> int:
        return int(self.vae.config.z_dim)

    @property
    def device(self) -> torch.device:
        return next(self.vae.parameters()).device

    @property
    def dtype(self) -> torch.dtype:
        return next(self.vae.parameters()).dtype

    def num_frames(self, latent_frames: int) -> int:
        """Video frames decoded from ``latent_frames`` latent frames: the first maps to one frame."""
        if latent_frames < 1:
            return 0
        return 1 + self.temporal_factor * (latent_frames - 1)

    def denormalize(self, latents: torch.Tensor) -> torch.Tensor:
        """[B, F, C, h, w] normalised latents -> the VAE's raw latent scale (``z = x * std + mean``)."""
        self._check_latents(latents)
        mean = self.latents_mean.to(latents.device, latents.dtype)
        std = self.latents_std.to(latents.device, latents.dtype)
        return latents * std + mean

    def normalize(self, z: torch.Tensor) -> torch.Tensor:
        """The VAE's raw latents [B, F, C, h, w] -> normalised (``x = (z - mean) / std``)."""
        self._check_latents(z)
        return (z - self.latents_mean.to(z.device, z.dtype)) / self.latents_std.to(z.device, z.dtype)

    @torch.no_grad()
    def encode(self, video: torch.Tensor) -> torch.Tensor:
        """Video [B, T, 3, H, W] in [-1, 1] -> normalised latents [B, 1 + (T-1)/tf, C, h, w] (the
        posterior's mode, as Wan's encoder is used for conditioning)."""
        if video.ndim != 5 or video.shape[2] != 3:
            raise ValueError(f"video must be [B, T, 3, H, W], got {tuple(video.shape)}")
        x = video.to(self.device, self.dtype).permute(0, 2, 1, 3, 4)
        z = self.vae.encode(x).latent_dist.mode().permute(0, 2, 1, 3, 4)
        return self.normalize(z)

    def _check_latents(self, latents: torch.Tensor) -> None:
        if latents.ndim != 5 or latents.shape[2] != self.z_dim:
            raise ValueError(
                f"latents must be [B, F, {self.z_dim}, h, w] (frames second), got {tuple(latents.shape)}"
            )

    def _to_model_input(self, latents: torch.Tensor) -> torch.Tensor:
        z = self.denormalize(latents)
        return z.to(self.device, self.dtype).permute(0, 2, 1, 3, 4).contiguous()  # -> [B, C, F, h, w]

    def _finish_frames(self, out: torch.Tensor) -> torch.Tensor:
        """Decoder output [B, 3, T, H, W] -> clamped video [B, T, 3, H, W], as diffusers' ``_decode``."""
        if self.vae.config.patch_size is not None:
            out = unpatchify(out, patch_size=self.vae.config.patch_size)
        out = torch.clamp(out, min=-1.0, max=1.0)
        return out.permute(0, 2, 1, 3, 4)

    @torch.no_grad()
    def decode(self, latents: torch.Tensor) -> torch.Tensor:
        """Decode [B, F, C, h, w] normalised latents to video [B, 1 + tf*(F-1), 3, H, W] in [-1, 1]."""
        z = self._to_model_input(latents)
        # The VAE's own frame-by-frame causal loop (AutoencoderKLWan._decode) with tiling off.
        out = self.vae.decode(z, return_dict=False)[0]
        return out.permute(0, 2, 1, 3, 4)

    def streaming_decoder(self, cache: str = "device") -> StreamingDecoder:
        """A fresh `StreamingDecoder` over this VAE, keeping its causal cache on `cache` (device | host)."""
        return StreamingDecoder(self, cache)


def _cached_conv(conv: WanCausalConv3d, x: torch.Tensor, cache: list, idx: list[int]) -> torch.Tensor:
    """One of the decoder's own causal convolutions (`conv_in`, `conv_out`) with its cache slot: the conv
    sees the slot's frames before `x`, then the slot keeps the last `CACHE_T` frames of its input stream."""
    i = idx[0]
    prev = cache[i]
    keep = x[:, :, -CACHE_T:].clone()
    if keep.shape[2] < CACHE_T and prev is not None:
        keep = torch.cat([prev[:, :, -(CACHE_T - keep.shape[2]):].to(keep.device), keep], dim=2)
    out = conv(x, prev)
    cache[i] = keep
    idx[0] += 1
    return out


class HostSlots(list):
    """The decoder's causal cache kept in host memory, slot by slot.

    A slot a causal convolution writes goes to the host; the convolution that reads it next moves it back
    in (diffusers' convolutions move a cache to their input's device, as `_cached_conv` does), so the
    device holds one slot's frames at a time instead of every slot between and during decodes. The price
    is a copy out and a copy in per convolution per decoded frame; with the device being the CPU the moves
    are no-ops."""

    def __init__(self, size: int, host: torch.device = HOST) -> None:
        super().__init__([None] * size)
        self.host = host

    def __setitem__(self, i, value) -> None:  # list's overloads: untyped
        super().__setitem__(i, value.to(self.host) if isinstance(value, torch.Tensor) else value)


class StreamingDecoder:
    """Decode latents block by block, carrying the VAE's causal feature cache across blocks.

    ``start()``, then ``push(block)`` for consecutive latent blocks, then ``finish()`` yields the same
    frames as one `WanVAE.decode` of the concatenated latents, because diffusers decodes one latent frame
    at a time with this same cache (``AutoencoderKLWan._decode``); the cache lives here rather than on
    the diffusers model, so full decodes in between do not disturb it.

    Memory: a latent frame becomes `temporal_factor` frames in the up-blocks, whose full-resolution end
    holds the largest activations. The up-blocks and the output head run depth first, one frame at a
    time (`_up`): every module there is a causal convolution over time, which sees the earlier frames
    through its cache slot, or works frame by frame, and each still sees its frames in temporal order,
    so the frames are the same (up to float rounding) while the full-resolution stages hold one frame
    instead of `temporal_factor`. (Wan2.1's up-blocks; another decoder runs through diffusers' own
    per-latent-frame forward.) With `cache="host"` the causal cache lives in host memory (`HostSlots`).
    """

    def __init__(self, vae: WanVAE, cache: str = "device") -> None:
        if cache not in VAE_CACHE_PLACES:
            raise ValueError(f"cache='{cache}' is not one of {', '.join(VAE_CACHE_PLACES)}")
        self.vae = vae
        self.cache_place = cache
        self._cache: list | None = None
        self._first = True
        self._frames_out = 0
        self._last_shape: tuple[int, int, int, int] | None = None
        n_conv = sum(isinstance(m, WanCausalConv3d) for m in vae.vae.decoder.modules())
        self._n_conv = n_conv
        self._depth_first = all(type(b) is WanUpBlock for b in vae.vae.decoder.up_blocks)
        # post_quant_conv must not mix frames, or applying it per block would differ from a full decode.
        pqc = vae.vae.post_quant_conv
        if tuple(pqc.kernel_size) != (1, 1, 1) or any(pqc._padding):
            raise ValueError(
                "post_quant_conv mixes frames; block-wise decoding would not match a full decode"
            )

    @property
    def started(self) -> bool:
        return self._cache is not None

    @property
    def frames_out(self) -> int:
        """Video frames produced since `start`."""
        return self._frames_out

    def start(self) -> None:
        """Reset the causal cache; the next pushed block is the start of a video."""
        self._cache = self._slots()
        self._first = True
        self._frames_out = 0
        self._last_shape = None

    def _slots(self) -> list:
        """An empty causal cache, one slot per causal convolution, on `cache_place`."""
        return HostSlots(self._n_conv) if self.cache_place == "host" else [None] * self._n_conv

    @torch.no_grad()
    def push(self, latents: torch.Tensor) -> torch.Tensor:
        """Decode the next [B, f, C, h, w] latent block and return its new frames [B, T_block, 3, H, W]."""
        if self._cache is None:
            raise RuntimeError("StreamingDecoder.push called before start()")
        model = self.vae.vae
        x = model.post_quant_conv(self.vae._to_model_input(latents))
        outs = []
        for i in range(x.shape[2]):
            outs.append(self._decode_latent_frame(x[:, :, i : i + 1]))
            self._first = False
        if not outs:
            b, _, _, h, w = latents.shape
            f = self.vae.spatial_factor
            return torch.empty(b, 0, 3, h * f, w * f, device=self.vae.device, dtype=self.vae.dtype)
        video = self.vae._finish_frames(torch.cat(outs, dim=2))
        self._frames_out += video.shape[1]
        self._last_shape = (video.shape[0], video.shape[2], video.shape[3], video.shape[4])
        return video

    def _decode_latent_frame(self, frame: torch.Tensor) -> torch.Tensor:
        """One latent frame [B, C, 1, h, w] through the decoder with the causal cache -> [B, 3, T, H, W]."""
        dec = self.vae.vae.decoder
        cache = self._cache
        if not self._depth_first:
            return dec(frame, feat_cache=cache, feat_idx=[0], first_chunk=self._first)
        assert cache is not None
        idx = [0]
        x = _cached_conv(dec.conv_in, frame, cache, idx)
        x = dec.mid_block(x, feat_cache=cache, feat_idx=idx)
        return torch.cat(self._up(0, x, idx[0]), dim=2)

    def _up(self, i: int, x: torch.Tensor, slot: int) -> list[torch.Tensor]:
        """Up-block `i` and everything after it, one frame of `x` [B, C, T, h, w] at a time; `slot` is
        the block's first cache slot (the same for every frame). Returns the output frames in order."""
        dec = self.vae.vae.decoder
        cache = self._cache
        assert cache is not None
        outs = []
        for t in range(x.shape[2]):
            idx = [slot]
            y = x[:, :, t : t + 1]
            if i < len(dec.up_blocks):
                y = dec.up_blocks[i](y, feat_cache=cache, feat_idx=idx, first_chunk=self._first)
                outs.extend(self._up(i + 1, y, idx[0]))
            else:
                outs.append(_cached_conv(dec.conv_out, dec.nonlinearity(dec.norm_out(y)), cache, idx))
        return outs

    def finish(self) -> torch.Tensor:
        """Release the cache and return the remaining frames.

        Decoding is causal per latent frame, so nothing is held back and the result always has 0 frames
        (shape [B, 0, 3, H, W] after at least one push); it exists so callers can concatenate uniformly.
        """
        b, c, h, w = self._last_shape or (0, 3, 0, 0)
        self._cache = None
        self._first = True
        return torch.empty(b, 0, c, h, w, device=self.vae.device, dtype=self.vae.dtype)


def to_uint8(video: torch.Tensor) -> np.ndarray:
    """One sample's video [T, 3, H, W] (or [1, T, 3, H, W]) in [-1, 1] -> uint8 array [T, H, W, 3]."""
    if video.ndim == 5:
        if video.shape[0] != 1:
            raise ValueError(f"to_uint8 takes one sample; got a batch of {video.shape[0]}")
        video = video[0]
    if video.ndim != 4 or video.shape[1] != 3:
        raise ValueError(f"video must be [T, 3, H, W], got {tuple(video.shape)}")
    # As the reference inference script: 255 * (x * 0.5 + 0.5).clamp(0, 1), then a truncating cast to
    # uint8 (torchvision's write_video), not rounding.
    x = 255.0 * (video.detach().float() * 0.5 + 0.5).clamp(0.0, 1.0)
    return x.to(torch.uint8).permute(0, 2, 3, 1).cpu().numpy()
