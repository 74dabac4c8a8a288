"""The DiT's structure: original Wan names and shapes at full size (built on the meta device)."""

from __future__ import annotations

import json

import torch

from memflow_ext.pipelines.builder import build_model
from memflow_ext.presets import WAN_1_3B, get_preset


def test_full_1_3b_on_meta_matches_wan_key_list(wan_keys_dir):
    ref = json.loads((wan_keys_dir / "wan2.1_t2v_1.3b_dit_keys.json").read_text())
    model = build_model(WAN_1_3B.transformer, device="meta")
    shapes = {k: list(v.shape) for k, v in model.state_dict().items()}
    assert list(shapes) == list(ref["parameters"])  # same names, same order
    assert shapes == ref["parameters"]
    n = sum(p.numel() for p in model.parameters())
    assert n == ref["num_parameters"] == 1_418_996_800
    assert len(shapes) == ref["num_tensors"] == 825
    assert all(p.device.type == "meta" for p in model.parameters())


def test_preset_config_matches_real_wan_config(wan_keys_dir):
    ref = json.loads((wan_keys_dir / "wan2.1_t2v_1.3b_dit_keys.json").read_text())["config"]
    c = get_preset("wan2.1-t2v-1.3b").transformer
    for key, value in ref.items():
        got = getattr(c, key)
        assert (list(got) if isinstance(got, tuple) else got) == value, key


def test_random_init_is_seeded_and_leaves_global_rng_alone():
    c = get_preset("tiny").transformer
    state = torch.get_rng_state()
    a = build_model(c, seed=1)
    assert torch.equal(torch.get_rng_state(), state)
    b = build_model(c, seed=1)
    d = build_model(c, seed=2)
    pa, pb, pd = (torch.cat([p.flatten() for p in m.parameters()]) for m in (a, b, d))
    assert torch.equal(pa, pb) and not torch.equal(pa, pd)
