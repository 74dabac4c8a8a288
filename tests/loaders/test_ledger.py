"""The memory ledger (`python -m memflow_ext.loaders memory`): keys, placement and quantization, plugin
declarations, and the meta-device tracker of transient bytes."""

from __future__ import annotations

import json

import pytest
import torch

from memflow_ext.config import load_config
from memflow_ext.loaders.__main__ import main as loaders_main
from memflow_ext.loaders.ledger import GIB, memory_ledger
from memflow_ext.loaders.transient import LiveBytes, peak_bytes
from memflow_ext.models.text_placement import module_bytes
from memflow_ext.pipelines.builder import build_pipeline

META = torch.device("meta")
TINY = ["preset=tiny", "num_output_frames=18"]


def ledger(*overrides: str, plugins: list[str] | None = None) -> dict:
    return memory_ledger(load_config(overrides=[*TINY, *overrides]), plugins=plugins)


def test_live_bytes_tracks_what_is_alive_at_once():
    def run():
        a = torch.empty(1000, device=META)  # 4000 B
        b = a * 2  # 8000 alive
        del a
        c = b + 1  # a freed first: still 8000
        v = c.view(10, 100)  # a view allocates nothing
        return v.sum()

    assert peak_bytes(run) == 8000 + 4  # + the 0-d sum
    with LiveBytes() as t:
        x = torch.empty(10, 10, device=META)
        y = x.t().contiguous()
        del x, y
        torch.empty(5, device=META)
    assert t.peak == 800
    cache = torch.empty(1000, device=META)  # made before the mode (a weight, a cache): not transient
    with LiveBytes() as t:
        view = cache[:500].view(5, 100)
        cache.add_(1)
        cache[:10] = 0
        new = view * 2  # 2000 B, the only allocation
        del new, view
    assert t.peak == 2000


def test_flash_shapes_do_not_materialise_the_score_matrix():
    q = torch.empty(1, 2, 256, 8, device=META)
    k = torch.empty(1, 2, 4096, 8, device=META)
    sdpa = torch.nn.functional.scaled_dot_product_attention
    flash = peak_bytes(lambda: sdpa(q, k, k))
    math = peak_bytes(lambda: sdpa(q, k, k), flash=False)
    assert flash == 2 * 256 * 8 * 4 + 2 * 256 * 4  # output + float32 log-sum-exp per query
    assert math >= 2 * 256 * 4096 * 4  # the math path holds [B, H, Lq, Lk] scores


def test_cli_writes_the_json_with_the_contract_keys(tmp_path, capsys):
    out = tmp_path / "ledger.json"
    assert loaders_main(["memory", "--json", str(out), "--plugins", "memory", *TINY, "text_encoder_placement=cpu",
                         "quantize=fp8"]) == 0  # fp8 is accepted: the ledger only computes
    data = json.loads(out.read_text())
    assert {"accelerator_bytes", "host_bytes", "accelerator", "host", "transient"} <= set(data)
    assert data["config"]["quantize"] == "fp8" and data["config"]["text_encoder_placement"] == "cpu"
    printed = capsys.readouterr().out
    assert "accelerator_bytes" in printed and "host_bytes" in printed
    assert loaders_main(["memory", *TINY, "--plugins", "no_such_plugin"]) == 2


def test_placement_moves_the_encoder_bytes_between_the_sides():
    dev, cpu, off = (ledger(f"text_encoder_placement={p}") for p in ("device", "cpu", "offload"))
    enc = dev["text_encoder"]["bytes"]
    assert dev["accelerator"]["text_encoder_weights"] == enc and dev["host"]["text_encoder_weights"] == 0
    for lg in (cpu, off):
        assert lg["accelerator"]["text_encoder_weights"] == 0 and lg["host"]["text_encoder_weights"] == enc
        assert lg["resident_accelerator_bytes"] == dev["resident_accelerator_bytes"] - enc
    # offload holds one block while it encodes; cpu only the embeddings and the mask
    assert off["transient"]["text_encode"] > dev["transient"]["text_encode"]
    assert off["transient"]["text_encode"] >= off["text_encoder"]["largest_block_bytes"]
    assert cpu["transient"]["text_encode"] < off["transient"]["text_encode"]


def test_ledger_weights_equal_the_built_models():
    """The meta-built counts equal the bytes of the components `build_pipeline` really builds."""
    for quantize in ("none", "int8"):
        pipe = build_pipeline(load_config(overrides=[*TINY, f"quantize={quantize}", "device=cpu"]))
        lg = ledger(f"quantize={quantize}")
        rope = pipe.model.freqs.numel() * pipe.model.freqs.element_size()
        assert lg["accelerator"]["dit_weights"] == module_bytes(pipe.model) + rope
        assert lg["accelerator"]["vae_weights"] == module_bytes(pipe.vae.vae)
        assert lg["text_encoder"]["bytes"] == module_bytes(pipe.text_encoder.model)


def test_plugins_declare_their_buffers_and_the_memory_plugin_replaces_the_bank():
    base = ledger(plugins=[])
    mem = ledger(plugins=["memory"])
    assert base["accelerator"]["plugins"] == {} and base["accelerator"]["memory_bank"] > 0
    assert mem["accelerator"]["memory_bank"] == 0  # the plugin owns the memory segment
    names = set(mem["accelerator"]["plugins"])
    assert any("archive" in n for n in names) and any("active segment" in n for n in names)
    archive = next(v for k, v in mem["host"]["plugins"].items() if "archive" in k)
    cfg = load_config(overrides=TINY)
    frame = 2 * 2 * 16 * 2 * 32 * 4  # K+V x layers x tokens/frame x heads x head_dim x float32
    assert cfg.memory.archive_frames * frame == archive  # memory.offload=cpu: the archive is host memory
    on_device = ledger("memory.offload=device", plugins=["memory"])
    assert sum(on_device["accelerator"]["plugins"].values()) > sum(mem["accelerator"]["plugins"].values())


def test_int8_shrinks_the_dit_weights_on_the_real_shapes():
    """DiT parameter bytes counted on the meta-built 1.3B: int8 <= 0.55 x bfloat16 (no transients)."""
    real = ["preset=wan2.1-t2v-1.3b", "dtype=bfloat16"]
    none = memory_ledger(load_config(overrides=real), plugins=[], transients=False)
    int8 = memory_ledger(load_config(overrides=[*real, "quantize=int8"]), plugins=[], transients=False)
    ratio = int8["accelerator"]["dit_weights"] / none["accelerator"]["dit_weights"]
    assert ratio <= 0.55
    assert none["accelerator"]["text_encoder_weights"] / GIB == pytest.approx(10.58, abs=0.01)


def test_a_patch_codec_preset_counts_its_codec_not_a_wan_vae():
    from memflow_ext.loaders.bundled import build_codec
    from memflow_ext.presets import get_preset

    lg = memory_ledger(load_config(overrides=["preset=toy", "num_output_frames=6"]), plugins=[])
    assert lg["accelerator"]["vae_weights"] == module_bytes(build_codec(get_preset("toy")))
    assert "vae_decode_block" not in lg["transient"] and lg["config"]["codec"] == "patch-pca"


def test_the_ledger_counts_the_buffers_a_real_tiny_run_allocates():
    """Resident entries equal the bytes of the tensors a real tiny run holds: the KV cache, the text cache,
    NAM's bank (slots + staged frame) and the VAE decoder's causal cache after two streamed blocks."""
    cfg = load_config(overrides=[*TINY, "device=cpu"])
    lg = memory_ledger(cfg, plugins=[])
    pipe = build_pipeline(cfg)
    pipe.generate(["a red fox runs", "a blue whale swims"], [9], progress=False, decode=False)
    state = pipe.state

    def nbytes(ts) -> int:
        return sum(t.numel() * t.element_size() for t in ts if isinstance(t, torch.Tensor))

    acc = lg["accelerator"]
    assert acc["kv_cache"] == nbytes([*state.kv.k, *state.kv.v])
    assert acc["cross_attn_cache"] == nbytes([*state.text.k, *state.text.v])
    bank = state.memory
    assert acc["memory_bank"] == nbytes([*bank.k, *bank.v, *bank.k_new, *bank.v_new])
    dec = pipe.vae.streaming_decoder()
    dec.start()
    z = torch.zeros(1, cfg.num_frame_per_block, pipe.vae.z_dim, *pipe.default_latent_hw())
    dec.push(z)
    dec.push(z)
    assert acc["vae_decode_cache"] == nbytes(dec._cache)
    on_host = memory_ledger(load_config(overrides=[*TINY, "device=cpu", "vae_cache=host"]), plugins=[])
    assert on_host["accelerator"]["vae_decode_cache"] == 0
    assert on_host["host"]["vae_decode_cache"] == nbytes(dec._cache)


def test_a_host_vae_cache_leaves_one_slot_at_a_time_on_the_device():
    """`vae_cache=host`: the decoder's cache leaves the resident bytes; the decode's working memory grows
    only by the slots convolutions bring in one at a time (a small part of the cache), so a stream's
    decode phase peaks lower."""
    dev, host = ledger(), ledger("vae_cache=host")
    cache = dev["accelerator"]["vae_decode_cache"]
    assert host["resident_accelerator_bytes"] == dev["resident_accelerator_bytes"] - cache
    grown = host["transient"]["vae_decode_block"] - dev["transient"]["vae_decode_block"]
    assert grown < cache / 4
    assert host["phases"]["stream"]["decode"] < dev["phases"]["stream"]["decode"]
    # as the tracker sees a host slot: writing it leaves the device, reading it is a copy moved in
    from memflow_ext.loaders.ledger import _MovedSlots

    slots, written = _MovedSlots(1), torch.empty(1000, device=META)
    with LiveBytes() as t:
        slots[0] = written
        assert t.live == 0 and slots[0] is not written
        moved_in = slots[0]
        assert t.live == 4000 and moved_in.shape == (1000,)


def test_a_batch_run_peaks_per_phase_and_a_stream_holds_everything_in_every_phase(tmp_path):
    """batch (`generate`): the decoder's cache only in the decode, the KV/text/NAM caches released before
    it; stream (`open_stream`): everything resident in every phase. `accelerator_bytes` is the mode's
    largest phase; both modes are reported."""
    lg = ledger()
    acc, t, res = lg["accelerator"], lg["transient"], lg["resident_accelerator_bytes"]
    batch, stream = lg["phases"]["batch"], lg["phases"]["stream"]
    block = max(t["dit_denoise_step"], t["dit_context_pass"]) + t["plugins_around_a_block"]
    assert batch["block"] == res - acc["vae_decode_cache"] + block
    assert batch["decode"] == res - acc["kv_cache"] - acc["cross_attn_cache"] - acc["memory_bank"] \
        + t["vae_decode_block"]
    assert stream["decode"] == res + t["vae_decode_block"]
    assert stream["prompt_switch"] == res + max(t["dit_recache"], t["text_encode"])
    assert lg["mode"] == "batch" and lg["accelerator_bytes"] == max(batch.values())
    assert lg["accelerator_bytes_by_mode"]["stream"] == max(stream.values()) > lg["accelerator_bytes"]
    out = tmp_path / "stream.json"
    assert loaders_main(["memory", "--json", str(out), "--mode", "stream", *TINY]) == 0
    data = json.loads(out.read_text())
    assert data["mode"] == "stream" and data["accelerator_bytes"] == data["accelerator_bytes_by_mode"]["stream"]
    with pytest.raises(ValueError, match="mode"):
        memory_ledger(load_config(overrides=TINY), mode="live")


def test_the_ledger_runs_the_dit_with_the_configs_ffn_chunks():
    from memflow_ext.loaders.ledger import _dit
    from memflow_ext.presets import get_preset

    cfg = load_config(overrides=[*TINY, "engine.ffn_chunk_frames=2"])
    model = _dit(cfg, get_preset("tiny"), torch.float32)
    assert {b.ffn_chunk_frames for b in model.attention_blocks} == {2}
