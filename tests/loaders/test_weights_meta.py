"""Full-size Wan2.1-T2V-1.3B components built on the meta device against the released key lists.

`../shared/wan/*.json` list every tensor name and shape of the released checkpoints (built from the
upstream classes). The loader's expectations must equal them exactly: the DiT's names and shapes,
the UMT5-XXL encoder through the Wan -> transformers key map, and the VAE through diffusers' converter.
"""

from __future__ import annotations

import json

import pytest

from memflow_ext import loaders as W
from memflow_ext.config import load_config
from memflow_ext.presets import WAN_1_3B
from tests.helpers import WAN_KEYS, need


def _keys(name: str) -> dict:
    return json.loads(need(WAN_KEYS / name, f"Wan key list {name}").read_text())


def _shapes(d: dict) -> dict[str, tuple[int, ...]]:
    return {k: tuple(v) for k, v in d["parameters"].items()}


def test_dit_names_and_shapes_equal_the_release() -> None:
    ref = _keys("wan2.1_t2v_1.3b_dit_keys.json")
    model = W.meta_dit(WAN_1_3B.transformer)
    got = W.meta_shapes(model)
    assert list(got.items()) == list(_shapes(ref).items())  # same names, same shapes, same order
    assert len(got) == ref["num_tensors"] == 825
    total = sum(p.numel() for p in model.parameters())
    assert total == ref["num_parameters"] == 1_418_996_800
    per_block = sum(p.numel() for p in model.blocks[0].parameters())
    assert per_block == 46_440_704
    assert total - 30 * per_block == 25_775_680
    for key, value in ref["config"].items():
        want = tuple(value) if isinstance(value, list) else value
        assert getattr(WAN_1_3B.transformer, key) == want, key


def test_released_dit_config_json_fits_the_preset(tmp_path) -> None:
    c = WAN_1_3B.transformer
    conf = {"_class_name": "WanModel", "_diffusers_version": "0.30.0", "dim": c.dim, "eps": c.eps,
            "ffn_dim": c.ffn_dim, "freq_dim": c.freq_dim, "in_dim": c.in_dim, "model_type": "t2v",
            "num_heads": c.num_heads, "num_layers": c.num_layers, "out_dim": c.out_dim, "text_len": c.text_len}
    assert len(conf) == 12
    path = tmp_path / "config.json"
    path.write_text(json.dumps(conf))
    W.check_dit_config(path, c, str(path))
    path.write_text(json.dumps({**conf, "dim": 5120, "num_layers": 40, "num_heads": 40, "ffn_dim": 13824}))
    with pytest.raises(W.WeightsError, match="4 field"):
        W.check_dit_config(path, c, str(path))


def test_umt5_key_map_covers_the_release() -> None:
    ref = _keys("umt5_xxl_encoder_keys.json")
    tc = WAN_1_3B.text_encoder
    assert ref["config"]["vocab_size"] == tc.vocab_size and ref["config"]["dim"] == tc.d_model
    assert ref["config"]["dim_ffn"] == tc.d_ff and ref["config"]["num_heads"] == tc.num_heads
    assert ref["config"]["encoder_layers"] == tc.num_layers and ref["config"]["num_buckets"] == 32
    key_map = W.umt5_key_map(tc.num_layers)
    assert len(key_map) == ref["num_tensors"] == 242
    assert set(key_map) == set(ref["parameters"])
    assert W.umt5_expected_wan_shapes(tc) == _shapes(ref)
    model = W.meta_umt5(tc)
    hf = W.meta_shapes(model)
    assert set(hf) == set(key_map.values()) | {"encoder.embed_tokens.weight"}  # the tied copy of `shared`
    assert len(set(key_map.values())) == 242  # one-to-one
    assert sum(p.numel() for p in model.parameters()) == ref["num_parameters"] == 5_680_910_336


def test_vae_through_the_diffusers_converter() -> None:
    ref = _keys("wan2.1_vae_keys.json")
    vae = W.meta_vae(WAN_1_3B.vae)
    got = W.meta_shapes(vae)
    assert len(got) == ref["num_tensors"] == 194
    assert sum(p.numel() for p in vae.parameters()) == ref["num_parameters"] == 126_892_531
    new_to_old = W.vae_name_map(ref["parameters"])
    assert set(new_to_old) == set(got)
    assert all(tuple(ref["parameters"][old]) == got[new] for new, old in new_to_old.items())
    norm = ref["latent_normalization"]
    assert list(W.WAN_LATENTS_MEAN) == norm["mean"] and list(W.WAN_LATENTS_STD) == norm["std"]
    assert list(vae.config.latents_mean) == norm["mean"] and list(vae.config.latents_std) == norm["std"]
    c = ref["config"]
    assert (c["dim"], c["z_dim"], c["num_res_blocks"]) == (WAN_1_3B.vae.base_dim, WAN_1_3B.vae.z_dim,
                                                           WAN_1_3B.vae.num_res_blocks)


def test_memory_estimate_at_the_real_shapes() -> None:
    """The numbers docs/real_weights.md quotes (MemFlow defaults: 12-frame window, 3-frame bank)."""
    cfg = load_config(overrides=["preset=wan2.1-t2v-1.3b", "adapter.rank=256"])
    est = W.memory_estimate(WAN_1_3B, cfg, bytes_per_element=2)
    assert est["tokens_per_frame"] == 1560
    assert est["parameters"] == {"dit": 1_418_996_800, "text_encoder": 5_680_910_336, "vae": 126_892_531}
    assert est["dit_bytes"] == 2_837_993_600
    assert est["text_encoder_bytes"] == 11_361_820_672
    assert est["kv_cache_bytes"] == 12 * 1560 * 2 * 30 * 1536 * 2 == 3_450_470_400
    assert est["memory_bank_bytes"] == (3 + 1) * 1560 * 2 * 30 * 1536 * 2 == 1_150_156_800
    assert est["cross_attn_cache_bytes"] == 512 * 2 * 30 * 1536 * 2 == 94_371_840
    assert est["lora_parameters"] == 349_962_240
    assert len(W.lora_targets(30)) == 300
