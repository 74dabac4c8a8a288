"""WanVAE: decode shape/range, streaming decode identical to a full decode, seeded construction."""

from __future__ import annotations

import pytest
import torch

from memflow_ext.models.vae import WanVAE, to_uint8
from memflow_ext.presets import get_preset

TINY = get_preset("tiny")


@pytest.fixture(scope="module")
def vae() -> WanVAE:
    return WanVAE.from_config(TINY.vae, seed=0)


def _latents(frames: int, batch: int = 1, seed: int = 1) -> torch.Tensor:
    h, w = TINY.latent_hw()
    g = torch.Generator().manual_seed(seed)
    return torch.randn(batch, frames, TINY.vae.z_dim, h, w, generator=g)


def test_decode_shape_and_range(vae: WanVAE) -> None:
    video = vae.decode(_latents(3, batch=2))
    tf = TINY.vae.temporal_factor
    assert video.shape == (2, 1 + tf * 2, 3, TINY.height, TINY.width)
    assert vae.num_frames(3) == 1 + tf * 2
    assert video.min() >= -1.0 and video.max() <= 1.0
    assert video.std() > 0


def test_denormalize_matches_diffusers_pipeline(vae: WanVAE) -> None:
    lat = _latents(2)
    cfg = vae.vae.config
    mean = torch.tensor(cfg.latents_mean).view(1, 1, cfg.z_dim, 1, 1)
    std = torch.tensor(cfg.latents_std).view(1, 1, cfg.z_dim, 1, 1)
    # WanPipeline: latents / (1 / std) + mean
    torch.testing.assert_close(vae.denormalize(lat), lat / (1.0 / std) + mean)


def test_streaming_equals_full_decode(vae: WanVAE) -> None:
    lat = _latents(9)
    full = vae.decode(lat)
    dec = vae.streaming_decoder()
    dec.start()
    parts = []
    for i in range(0, 9, 3):
        part = dec.push(lat[:, i : i + 3])
        assert part.shape[1] == vae.num_frames(i + 3) - vae.num_frames(i)
        parts.append(part)
    parts.append(dec.finish())
    assert parts[-1].shape[1] == 0
    streamed = torch.cat(parts, dim=1)
    assert streamed.shape == full.shape
    assert (streamed - full).abs().max().item() <= 1e-5
    assert dec.frames_out == full.shape[1]


def test_streaming_restart_and_push_before_start(vae: WanVAE) -> None:
    lat = _latents(2, seed=5)
    dec = vae.streaming_decoder()
    with pytest.raises(RuntimeError):
        dec.push(lat)
    dec.start()
    first = dec.push(lat)
    dec.start()  # a new video: the cache must not leak into it
    second = dec.push(lat)
    assert torch.equal(first, second)


def test_construction_is_seeded_and_leaves_global_rng_alone() -> None:
    torch.manual_seed(99)
    before = torch.get_rng_state()
    a = WanVAE.from_config(TINY.vae, seed=3)
    b = WanVAE.from_config(TINY.vae, seed=3)
    c = WanVAE.from_config(TINY.vae, seed=4)
    assert torch.equal(before, torch.get_rng_state())
    sa, sb, sc = a.state_dict(), b.state_dict(), c.state_dict()
    assert all(torch.equal(sa[k], sb[k]) for k in sa)
    assert any(not torch.equal(sa[k], sc[k]) for k in sa)


def test_to_uint8(vae: WanVAE) -> None:
    video = vae.decode(_latents(2))
    arr = to_uint8(video)
    assert arr.shape == (video.shape[1], TINY.height, TINY.width, 3)
    assert arr.dtype.name == "uint8"
    ends = to_uint8(torch.tensor([-1.0, 0.0, 1.0]).view(1, 1, 3, 1, 1).expand(1, 1, 3, 1, 3).contiguous())
    assert ends[0, 0, 0].tolist() == [0, 127, 255]  # truncating cast, as the reference writer


def _decode_peak(push_frame: str) -> int:
    """Peak working memory (above the causal cache) of decoding two 3-frame blocks at 256x256 on meta:
    through `StreamingDecoder` ("ours") or diffusers' decoder called per latent frame ("diffusers")."""
    from memflow_ext.loaders.transient import measure
    from memflow_ext.loaders.wan_vae import meta_vae

    meta = torch.device("meta")
    vae = WanVAE(meta_vae(TINY.vae), TINY.vae.temporal_factor, TINY.vae.spatial_factor).to(meta).eval()
    z = torch.zeros(1, 3, TINY.vae.z_dim, 32, 32, device=meta)
    dec = vae.streaming_decoder()
    dec.start()
    cache: list = [None] * dec._n_conv

    def run() -> None:
        for block in range(2):
            if push_frame == "ours":
                dec.push(z)
                continue
            x = vae.vae.post_quant_conv(vae._to_model_input(z))
            for i in range(x.shape[2]):
                vae.vae.decoder(x[:, :, i : i + 1], feat_cache=cache, feat_idx=[0], first_chunk=block == i == 0)

    peak, kept = measure(run)
    return peak - kept


def test_streaming_decode_runs_the_upsampled_frames_one_at_a_time():
    """Depth first through the up-blocks: the full-resolution stages hold one frame, not four, so the
    working memory is well below the decoder's own pass over a latent frame."""
    assert _decode_peak("ours") < 0.6 * _decode_peak("diffusers")


def test_a_host_cache_decodes_the_same_frames_and_keeps_its_slots_on_the_host(vae: WanVAE) -> None:
    """`vae_cache: host`: every slot a convolution writes is moved to the host, and the frames equal the
    device cache's (on this CPU-only machine the moves are no-ops: the slots' own device is what the
    check below sees; the memory ledger's test measures what the device holds)."""
    from memflow_ext.models.vae import HostSlots

    lat = _latents(6, seed=2)
    outs = {}
    for place in ("device", "host"):
        dec = vae.streaming_decoder(place)
        dec.start()
        outs[place] = torch.cat([dec.push(lat[:, :3]), dec.push(lat[:, 3:])], dim=1)
        assert isinstance(dec._cache, HostSlots) == (place == "host")
    assert torch.equal(outs["host"], outs["device"])
    slots = HostSlots(2, host=torch.device("meta"))
    slots[0], slots[1] = torch.ones(3), "Rep"
    assert slots[0].device.type == "meta" and slots[1] == "Rep"
    with pytest.raises(ValueError, match="cache='gpu'"):
        vae.streaming_decoder("gpu")
