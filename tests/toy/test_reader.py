"""The frame reader on ground truth: exact on the generator's frames, accurate on codec-reconstructed ones."""

from __future__ import annotations

import numpy as np
import pytest
import torch

from memflow_ext.models.codec import PatchPCACodec
from memflow_ext.toy.reader import read_frame, score_reader
from memflow_ext.toy.train import video_tensor
from memflow_ext.toy.world import story_of_kind

KINDS = ("single", "switch", "return")  # entering, leaving and overlapping objects, one or two per frame


def _score(stories, frames_of):
    sc = score_reader((st, frames_of(st)) for st in stories)
    shade = float(np.mean(np.abs(sc.shade_err)))
    size = float(np.mean(np.abs(sc.size_err)))
    return sc.colour_recall, sc.shape_accuracy, sc.false_objects, shade, size


def test_reader_on_the_generators_frames():
    stories = [story_of_kind(KINDS[i % 3], 3000 + i) for i in range(9)]
    colour, shape, fp, shade, size = _score(stories, lambda st: st.video)
    # the truth's visible fraction counts the frame's edges, not occlusion: an object wholly covered by
    # one drawn over it (one frame of these stories) cannot be read
    assert colour >= 0.99 and fp == 0
    assert shape >= 0.97
    assert shade < 0.002 and size < 0.3


@pytest.mark.slow
def test_reader_on_codec_reconstructed_ground_truth():
    codec = PatchPCACodec(8, 16)
    codec.fit(torch.cat([video_tensor(story_of_kind(KINDS[i % 3], i)) for i in range(30)])[None])

    def frames_of(st):
        rec = codec.decode(codec.encode(video_tensor(st)[None]))[0]
        return ((rec.permute(0, 2, 3, 1).numpy() + 1) / 2).clip(0, 1)

    stories = [story_of_kind(KINDS[i % 3], 4000 + i) for i in range(12)]
    colour, shape, fp, shade, size = _score(stories, frames_of)
    assert colour >= 0.97 and fp <= 2
    assert shape >= 0.85
    assert shade < 0.02  # shades of different objects differ by ~0.13 on average
    assert size < 0.8  # pixels; sizes of different objects differ by ~1.3 on average


def test_reader_is_deterministic_and_ignores_the_background():
    st = story_of_kind("switch", 5)
    assert read_frame(st.video[4]) == read_frame(st.video[4].copy())
    assert read_frame(np.full((64, 64, 3), 0.5, dtype=np.float32)) == []
    as_uint8 = (st.video[4] * 255).round().astype(np.uint8)
    assert [d.colour for d in read_frame(as_uint8)] == [d.colour for d in read_frame(st.video[4])]
