"""The latent codec interface: the toy patch codec's round trip and the Wan VAE behind the same protocol."""

from __future__ import annotations

import pytest
import torch

from memflow_ext.models.codec import LatentCodec, PatchPCACodec, psnr
from memflow_ext.toy.train import video_tensor
from memflow_ext.toy.world import story_of_kind


@pytest.fixture(scope="module")
def codec() -> PatchPCACodec:
    c = PatchPCACodec(8, 16)
    c.fit(torch.cat([video_tensor(story_of_kind(("single", "switch", "return")[i % 3], i)) for i in range(30)])[None])
    return c


def test_toy_codec_round_trip_over_every_frame(codec):
    video = torch.stack([video_tensor(story_of_kind("return", 500 + i)) for i in range(4)])  # unseen stories
    lat = codec.encode(video)
    assert lat.shape == (4, 21, 16, 8, 8)  # temporal factor 1, spatial factor 8
    assert codec.num_frames(21) == 21
    rec = codec.decode(lat)
    assert rec.shape == video.shape
    assert psnr(rec, video) > 28.0  # every decoded frame counts
    # normalised latents: about unit scale per channel
    assert 0.5 < lat.std(dim=(0, 1, 3, 4)).mean() < 1.5


def test_an_unfitted_codec_is_worse_and_streaming_equals_full_decode(codec):
    video = video_tensor(story_of_kind("switch", 900))[None]
    raw = PatchPCACodec(8, 16)
    assert psnr(raw.decode(raw.encode(video)), video) < psnr(codec.decode(codec.encode(video)), video) - 5
    lat = codec.encode(video)
    dec = codec.streaming_decoder()
    dec.start()
    parts = [dec.push(lat[:, s : s + 3]) for s in range(0, 21, 3)] + [dec.finish()]
    torch.testing.assert_close(torch.cat(parts, dim=1), codec.decode(lat), rtol=0, atol=0)


def test_both_codecs_implement_the_protocol():
    from memflow_ext.models.vae import WanVAE
    from memflow_ext.presets import TINY

    vae = WanVAE.from_config(TINY.vae, seed=0)
    assert isinstance(vae, LatentCodec) and isinstance(PatchPCACodec(8, 16), LatentCodec)
    video = torch.rand(1, 5, 3, 64, 64) * 2 - 1
    lat = vae.encode(video)
    assert lat.shape == (1, 2, 16, 8, 8)  # 1 + (5 - 1) / 4 latent frames
    torch.testing.assert_close(vae.normalize(vae.denormalize(lat)), lat)
    assert vae.decode(lat).shape == (1, 5, 3, 64, 64)


def test_codec_errors_name_the_shape():
    c = PatchPCACodec(8, 16)
    with pytest.raises(ValueError, match=r"\[B, T, 3, H, W\]"):
        c.encode(torch.zeros(3, 64, 64))
    with pytest.raises(ValueError, match="multiple of 8"):
        c.encode(torch.zeros(1, 1, 3, 60, 64))
    with pytest.raises(ValueError, match="channels"):
        PatchPCACodec(8, 500)
