"""`quantize`: int8 weight-only Linear layers in the transformer blocks only, fp8 refused off a recent
CUDA GPU before any model is built, the output error of int8 within a measured bound, and bytes
counted from the tensors that hold the data."""

from __future__ import annotations

import pytest
import torch

from memflow_ext.config import ConfigError, load_config
from memflow_ext.models.quantize import (
    QuantizeError,
    check_quantize,
    quantize_dit,
    quantized_linear_names,
    tensor_bytes,
)
from memflow_ext.models.text_placement import module_bytes
from memflow_ext.pipelines import builder
from memflow_ext.pipelines.builder import build_model, build_pipeline
from memflow_ext.presets import TINY

PROMPTS = ["a red fox runs through deep snow", "an old owl sits on a pine branch"]
# rel. L2 of the int8 latents against the unquantized ones on tiny (18 frames, one switch, float32):
# measured 2.8e-5 (torch 2.13 CPU, torchao 0.18); the bound leaves a margin of ~3.5x
INT8_TINY_REL_L2 = 1e-4


def tiny(*overrides: str):
    return build_pipeline(load_config(overrides=["preset=tiny", "device=cpu", *overrides]))


def test_int8_quantizes_the_block_linears_and_nothing_else():
    pipe = tiny("quantize=int8")
    model = pipe.model
    block_linears = sorted(f"blocks.{i}.{n}" for i, b in enumerate(model.blocks)
                           for n, m in b.named_modules() if isinstance(m, torch.nn.Linear))
    assert len(block_linears) == 10 * TINY.transformer.num_layers  # q k v o twice, two FFN layers
    assert sorted(quantized_linear_names(model)) == block_linears
    for name in block_linears:
        w = model.get_submodule(name).weight
        assert w.qdata.dtype == torch.int8 and w.qdata.shape == w.shape
        assert w.scale.shape == (w.shape[0], 1)  # one scale per output channel
    # embeddings, norms, modulation tables and the head stay in the model's dtype
    for name in ("text_embedding.0", "time_embedding.0", "time_projection.1", "head.head"):
        assert type(model.get_submodule(name).weight.data) is torch.Tensor
    assert all(type(b.modulation.data) is torch.Tensor for b in model.blocks)
    assert type(pipe.text_encoder.model.encoder.block[0].layer[0].SelfAttention.q.weight.data) is torch.Tensor


def test_none_is_the_default_and_quantizes_nothing():
    assert load_config().quantize == "none"
    assert quantized_linear_names(tiny().model) == []
    with pytest.raises(ConfigError, match="quantize='int4' is not one of none, int8, fp8"):
        load_config(overrides=["quantize=int4"])


def test_fp8_is_refused_on_cpu_before_any_model_is_built(monkeypatch):
    built = []
    monkeypatch.setattr(builder, "build_model", lambda *a, **k: built.append(1))
    with pytest.raises(ConfigError, match=r"quantize=fp8 needs a CUDA device of compute capability >= 8\.9"):
        build_pipeline(load_config(overrides=["preset=tiny", "device=cpu", "quantize=fp8"]))
    assert built == []
    with pytest.raises(QuantizeError, match="the device is 'cpu'"):
        check_quantize("fp8", torch.device("cpu"))
    check_quantize("int8", torch.device("cpu"))


def test_fp8_exits_2_from_the_cli_before_loading(tmp_path, monkeypatch, capsys):
    from memflow_ext.app.cli import main

    built = []
    monkeypatch.setattr(builder, "build_model", lambda *a, **k: built.append(1))
    code = main(["--plugins", "none", "preset=tiny", "device=cpu", "quantize=fp8", f"output_folder={tmp_path}/o",
                 "num_output_frames=3"], interactive=False, prog="t", description="t", default_config="inference.yaml")
    assert code == 2 and built == []
    assert "quantize=fp8 needs a CUDA device" in capsys.readouterr().err


def test_int8_latent_error_is_small_and_bytes_shrink():
    ref = tiny("num_output_frames=18")
    q = tiny("num_output_frames=18", "quantize=int8")
    a = ref.generate(PROMPTS, [9], seed=0, decode=False, progress=False).latents.double()
    b = q.generate(PROMPTS, [9], seed=0, decode=False, progress=False).latents.double()
    err = float((a - b).norm() / a.norm())
    assert 0 < err <= INT8_TINY_REL_L2
    # bytes from the inner tensors: int8 data + a float32 scale and an int8 zero point per row
    for name in ("blocks.0.ffn.0", "blocks.1.self_attn.q"):
        w = q.model.get_submodule(name).weight
        out, inp = w.shape
        assert tensor_bytes(w) == out * inp + out * 4 + out
        assert tensor_bytes(ref.model.get_submodule(name).weight) == out * inp * 4
    assert module_bytes(q.model) < module_bytes(ref.model)


def test_quantize_dit_on_meta_counts_like_a_real_model():
    real = build_model(TINY.transformer, seed=1).to(torch.bfloat16)
    meta = build_model(TINY.transformer, seed=None, device="meta").to(torch.bfloat16)
    assert quantize_dit(real, "int8") == quantize_dit(meta, "int8")
    assert module_bytes(real) == module_bytes(meta)


@pytest.mark.slow
def test_int8_runs_with_engine_compile():
    torch._dynamo.reset()
    eager = tiny("num_output_frames=3", "quantize=int8")
    ref = eager.generate(PROMPTS[:1], [], seed=0, decode=False, progress=False).latents.double()
    torch._dynamo.reset()
    pipe = tiny("num_output_frames=3", "quantize=int8", "engine.compile=true")
    assert all(b.compiled is not None for b in pipe.model.blocks) and quantized_linear_names(pipe.model)
    out = pipe.generate(PROMPTS[:1], [], seed=0, decode=False, progress=False).latents.double()
    assert float((out - ref).norm() / ref.norm()) <= 1e-3
