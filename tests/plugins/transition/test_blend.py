"""The transition arithmetic: weights, linear and spherical blends, prompt distance and adaptive length."""

from __future__ import annotations

import math

import pytest
import torch

from plugins.transition.blend import (
    FAR_DISTANCE,
    adaptive_blocks,
    blend,
    block_weights,
    prompt_distance,
    row_mask,
)


def test_block_weights():
    assert block_weights(0) == []
    assert block_weights(1) == [0.5]
    assert block_weights(3) == [0.25, 0.5, 0.75]


def test_linear_blend_keeps_padding_zero_and_blends_one_sided_rows_with_zero():
    g = torch.Generator().manual_seed(0)
    a = torch.randn(1, 6, 4, generator=g)
    b = torch.randn(1, 6, 4, generator=g)
    a[:, 4:] = 0  # a has text in rows 0-3
    b[:, 2:] = 0  # b in rows 0-1
    out = blend(a, b, 0.25, "linear")
    assert torch.allclose(out[:, :2], 0.75 * a[:, :2] + 0.25 * b[:, :2])
    assert torch.allclose(out[:, 2:4], 0.75 * a[:, 2:4])  # text only in a: blends with zero
    assert torch.equal(out[:, 4:], torch.zeros_like(out[:, 4:]))  # padding in both stays zero


def test_slerp_rows_follow_the_arc_and_fall_back_to_linear_on_zero_rows():
    a = torch.tensor([[[1.0, 0.0], [2.0, 0.0], [0.0, 0.0], [1.0, 1.0]]])
    b = torch.tensor([[[0.0, 1.0], [0.0, 0.0], [0.0, 0.0], [2.0, 2.0]]])
    out = blend(a, b, 0.5, "slerp")
    s = math.sqrt(0.5)
    assert torch.allclose(out[0, 0], torch.tensor([s, s]), atol=1e-6)  # on the unit circle, halfway
    assert torch.allclose(out[0, 1], torch.tensor([1.0, 0.0]))  # b's row is zero: linear
    assert torch.equal(out[0, 2], torch.zeros(2))  # zero in both stays zero
    assert torch.allclose(out[0, 3], torch.tensor([1.5, 1.5]))  # parallel rows: linear
    assert not torch.allclose(blend(a, b, 0.5, "linear")[0, 0], out[0, 0])
    # the endpoints are the inputs
    assert torch.allclose(blend(a, b, 0.0, "slerp"), a, atol=1e-6)
    assert torch.allclose(blend(a, b, 1.0, "slerp"), b, atol=1e-6)


def test_slerp_keeps_dtype():
    a = torch.randn(1, 3, 8, dtype=torch.bfloat16)
    b = torch.randn(1, 3, 8, dtype=torch.bfloat16)
    assert blend(a, b, 0.3, "slerp").dtype == torch.bfloat16


def test_unknown_method():
    with pytest.raises(ValueError, match="linear or slerp"):
        blend(torch.zeros(1, 1, 1), torch.zeros(1, 1, 1), 0.5, "cubic")


def test_prompt_distance_ignores_padding_rows():
    g = torch.Generator().manual_seed(1)
    a = torch.randn(1, 8, 16, generator=g)
    a[:, 5:] = 0
    longer = torch.cat([a[:, :5], torch.zeros(1, 11, 16)], dim=1)  # same text, more padding
    assert prompt_distance(a, longer) == pytest.approx(0.0, abs=1e-12)
    assert prompt_distance(a, -a) == pytest.approx(2.0)
    assert row_mask(a).sum() == 5


def test_adaptive_blocks_mapping():
    assert adaptive_blocks(0.0, 4) == 0
    assert adaptive_blocks(FAR_DISTANCE, 4) == 4
    assert adaptive_blocks(2 * FAR_DISTANCE, 4) == 4  # bounded by blocks
    assert adaptive_blocks(FAR_DISTANCE / 2, 4) == 2
    assert adaptive_blocks(FAR_DISTANCE / 2, 0) == 0
