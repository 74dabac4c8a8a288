"""Real-format checkpoints at tiny sizes: every loading path of `memflow_ext.loaders`.

The files written here have the released formats and key names (Wan folder with DiT safetensors +
config.json, Wan-named UMT5 .pth, original-name VAE .pth, tokenizer folder, MemFlow base.pt and a
peft-made lora.pt) at the `tiny` preset's sizes. Each loads, and its outputs equal a reference
built another way: the source model itself for the DiT, the peft-wrapped model for the LoRA,
a directly constructed UMT5 (and an independent Wan-T5 forward) for the text encoder, diffusers'
own converter + model for the VAE.
"""

from __future__ import annotations

import copy
import json
import math
import re
from dataclasses import replace
from pathlib import Path

import pytest
import torch
from safetensors.torch import save_file

from memflow_ext import loaders as W
from memflow_ext.config import load_config
from memflow_ext.loaders.__main__ import main as loaders_main
from memflow_ext.models.text_encoder import TextEncoder
from memflow_ext.models.vae import WanVAE
from memflow_ext.pipelines.builder import build_model
from memflow_ext.presets import TINY, Preset
from tests.helpers import WAN_KEYS, need

TINY_REAL: Preset = replace(
    TINY, name="tiny-real", random_weights=False,
    text_encoder=replace(TINY.text_encoder, tokenizer="folder"),
)
LORA_RANK, LORA_ALPHA = 4, 8
PROMPTS = ["the man walks", "a woman walks the dog", "x"]


def rel_l2(a: torch.Tensor, b: torch.Tensor) -> float:
    return float((a.double() - b.double()).norm() / b.double().norm())


# ------------------------------------------------------------------------------------------------
# Synthetic real-format files
# ------------------------------------------------------------------------------------------------
def wan_config_json(arch) -> dict:
    """The 12 fields of Wan's released config.json, at `arch`'s sizes."""
    return {
        "_class_name": "WanModel", "_diffusers_version": "0.30.0", "dim": arch.dim, "eps": arch.eps,
        "ffn_dim": arch.ffn_dim, "freq_dim": arch.freq_dim, "in_dim": arch.in_dim, "model_type": arch.model_type,
        "num_heads": arch.num_heads, "num_layers": arch.num_layers, "out_dim": arch.out_dim, "text_len": arch.text_len,
    }


def write_tokenizer(folder: Path) -> None:
    """A small sentencepiece-style (Unigram + Metaspace) T5 tokenizer, saved like google/umt5-xxl."""
    from tokenizers import Tokenizer, decoders, models, pre_tokenizers, processors
    from transformers import T5TokenizerFast

    words = "the man woman walks a dog street night red".split()
    vocab = [("<pad>", 0.0), ("</s>", 0.0), ("<unk>", 0.0)]
    vocab += [("\u2581" + w, -1.0 - i) for i, w in enumerate(words)]
    vocab += [(c, -20.0) for c in "abcdefghijklmnopqrstuvwxyz\u2581.,"]
    tok = Tokenizer(models.Unigram(vocab, unk_id=2))
    tok.pre_tokenizer = pre_tokenizers.Metaspace(replacement="\u2581", prepend_scheme="always")
    tok.decoder = decoders.Metaspace(replacement="\u2581", prepend_scheme="always")
    tok.post_processor = processors.TemplateProcessing(single="$A </s>", pair="$A </s> $B </s>",
                                                       special_tokens=[("</s>", 1)])
    T5TokenizerFast(tokenizer_object=tok, eos_token="</s>", unk_token="<unk>", pad_token="<pad>",
                    extra_ids=0).save_pretrained(str(folder))


def hf_to_wan_t5(hf: dict[str, torch.Tensor], num_layers: int) -> dict[str, torch.Tensor]:
    """Wan's T5 names for a transformers UMT5 encoder state dict (written out by hand)."""
    out = {"token_embedding.weight": hf["shared.weight"]}
    for i in range(num_layers):
        b = f"encoder.block.{i}.layer."
        out[f"blocks.{i}.norm1.weight"] = hf[b + "0.layer_norm.weight"]
        out[f"blocks.{i}.attn.q.weight"] = hf[b + "0.SelfAttention.q.weight"]
        out[f"blocks.{i}.attn.k.weight"] = hf[b + "0.SelfAttention.k.weight"]
        out[f"blocks.{i}.attn.v.weight"] = hf[b + "0.SelfAttention.v.weight"]
        out[f"blocks.{i}.attn.o.weight"] = hf[b + "0.SelfAttention.o.weight"]
        out[f"blocks.{i}.norm2.weight"] = hf[b + "1.layer_norm.weight"]
        out[f"blocks.{i}.ffn.gate.0.weight"] = hf[b + "1.DenseReluDense.wi_0.weight"]
        out[f"blocks.{i}.ffn.fc1.weight"] = hf[b + "1.DenseReluDense.wi_1.weight"]
        out[f"blocks.{i}.ffn.fc2.weight"] = hf[b + "1.DenseReluDense.wo.weight"]
        out[f"blocks.{i}.pos_embedding.embedding.weight"] = hf[b + "0.SelfAttention.relative_attention_bias.weight"]
    out["norm.weight"] = hf["encoder.final_layer_norm.weight"]
    return out


def vae_original_names() -> list[str]:
    keys = need(WAN_KEYS / "wan2.1_vae_keys.json", "Wan VAE key list")
    return list(json.loads(keys.read_text())["parameters"])


def diffusers_to_original_vae(names: list[str]) -> dict[str, str]:
    """diffusers name -> original name, learned by running diffusers' converter on index tensors."""
    from diffusers.loaders.single_file_utils import convert_wan_vae_to_diffusers

    converted = convert_wan_vae_to_diffusers({n: torch.tensor(i) for i, n in enumerate(names)})
    assert len(converted) == len(names)  # one-to-one
    return {d: names[int(t)] for d, t in converted.items()}


def tiny_vae(seed: int):
    from diffusers import AutoencoderKLWan

    vc = TINY_REAL.vae
    with torch.random.fork_rng(devices=[]):
        torch.manual_seed(seed)
        vae = AutoencoderKLWan(base_dim=vc.base_dim, z_dim=vc.z_dim, dim_mult=list(vc.dim_mult),
                               num_res_blocks=vc.num_res_blocks, temperal_downsample=list(vc.temperal_downsample))
        for p in vae.parameters():  # gammas default to 1 and biases to 0: make every tensor matter
            p.data.add_(torch.randn_like(p) * 0.05)
    return vae.eval()


def tiny_umt5(seed: int, tokenizer):
    from transformers import UMT5EncoderModel

    with torch.random.fork_rng(devices=[]):
        torch.manual_seed(seed)
        model = UMT5EncoderModel(W.umt5_config(TINY_REAL.text_encoder, tokenizer.pad_token_id,
                                               tokenizer.eos_token_id))
    with torch.no_grad():  # bf16 values, as in the released file, held exactly in float32
        for p in model.parameters():
            p.copy_(p.to(torch.bfloat16).float())
    return model.eval()


def peft_lora(base: torch.nn.Module, rank: int, alpha: int, seed: int, std: float = 0.05):
    """`base` wrapped by peft with MemFlow's targets (the 10 Linear layers of every block), B non-zero."""
    from peft import LoraConfig, get_peft_model, get_peft_model_state_dict

    targets = [n for n, m in base.named_modules() if isinstance(m, torch.nn.Linear) and n.startswith("blocks.")]
    assert len(targets) == 10 * len(base.blocks)
    model = get_peft_model(copy.deepcopy(base), LoraConfig(r=rank, lora_alpha=alpha, target_modules=targets,
                                                           lora_dropout=0.0))
    g = torch.Generator().manual_seed(seed)
    with torch.no_grad():
        for n, p in model.named_parameters():
            if "lora_" in n:
                p.copy_(torch.randn(p.shape, generator=g) * std)
    return model, {"generator_lora": get_peft_model_state_dict(model)}


class Synthetic:
    """A Wan folder + MemFlow checkpoints at tiny sizes, and the models they were made from."""

    def __init__(self, root: Path) -> None:
        self.root = root
        wan = root / "Wan2.1-T2V-1.3B"
        (wan / "google").mkdir(parents=True)
        self.wan = wan
        arch = TINY_REAL.transformer
        # DiT, Wan folder
        self.dit = build_model(arch, seed=11)
        save_file({k: v.contiguous() for k, v in self.dit.state_dict().items()}, str(wan / W.DIT_FILE))
        (wan / W.DIT_CONFIG_FILE).write_text(json.dumps(wan_config_json(arch), indent=2))
        # tokenizer + UMT5 with Wan's names (bf16, as released)
        write_tokenizer(wan / W.TOKENIZER_DIR)
        from transformers import AutoTokenizer

        self.tokenizer = AutoTokenizer.from_pretrained(str(wan / W.TOKENIZER_DIR), local_files_only=True)
        self.umt5 = tiny_umt5(12, self.tokenizer)
        hf = self.umt5.state_dict()
        wan_t5 = hf_to_wan_t5(hf, TINY_REAL.text_encoder.num_layers)
        torch.save({k: v.to(torch.bfloat16).contiguous() for k, v in wan_t5.items()}, wan / W.T5_FILE)
        # VAE with the original names
        self.vae = tiny_vae(13)
        to_orig = diffusers_to_original_vae(vae_original_names())
        sd = self.vae.state_dict()
        assert set(sd) == set(to_orig)
        torch.save({to_orig[k]: v.contiguous() for k, v in sd.items()}, wan / W.VAE_FILE)
        # MemFlow base.pt: a different DiT (it replaces the Wan weights entirely)
        self.base = build_model(arch, seed=21)
        self.base_pt = root / "base.pt"
        torch.save({"generator": {f"model.{k}": v for k, v in self.base.state_dict().items()}, "step": 1000},
                   self.base_pt)
        self.ema = build_model(arch, seed=22)
        self.ema_pt = root / "base_ema.pt"
        torch.save({"generator": {f"model.{k}": v for k, v in self.base.state_dict().items()},
                    "generator_ema": {fsdp_name(f"model.{k}"): v for k, v in self.ema.state_dict().items()}},
                   self.ema_pt)
        # lora.pt made with peft on top of base.pt's weights
        self.peft, lora = peft_lora(self.base, LORA_RANK, LORA_ALPHA, seed=23)
        self.lora_pt = root / "lora.pt"
        torch.save(lora, self.lora_pt)

    def cfg(self, *overrides: str):
        return load_config(overrides=[f"weights_dir={self.wan}", "device=cpu", *overrides])


def fsdp_name(name: str) -> str:
    """How FSDP-wrapped EMA keys look: a wrapper part before the model and inside every block."""
    return "_fsdp_wrapped_module." + re.sub(r"^(model\.blocks\.\d+\.)", r"\1_fsdp_wrapped_module.", name)


@pytest.fixture(scope="module")
def syn(tmp_path_factory) -> Synthetic:
    return Synthetic(tmp_path_factory.mktemp("real_format"))


def dit_inputs(arch, frames: int = 2, hw: tuple[int, int] = (4, 4), seed: int = 0):
    g = torch.Generator().manual_seed(seed)
    x = torch.randn(1, arch.in_dim, frames, *hw, generator=g)
    t = torch.full((1, frames), 750.0)
    ctx = torch.randn(1, arch.text_len, arch.text_dim, generator=g)
    return x, t, ctx


def dit_out(model, inputs) -> torch.Tensor:
    with torch.no_grad():
        return model.forward_masked(*inputs, mask=None)


# ------------------------------------------------------------------------------------------------
# Loading paths
# ------------------------------------------------------------------------------------------------
def test_wan_folder_loads_and_matches(syn: Synthetic) -> None:
    model, text, vae = W.load_real_components(syn.cfg(), TINY_REAL, "cpu", torch.float32)
    # DiT: same tensors, same outputs, no parameter left on meta, RoPE table rebuilt
    own = model.state_dict()
    assert set(own) == set(syn.dit.state_dict())
    assert all(torch.equal(own[k], v) for k, v in syn.dit.state_dict().items())
    assert all(p.device.type == "cpu" and not p.requires_grad for p in model.parameters())
    assert model.freqs.device.type == "cpu" and torch.equal(model.freqs, syn.dit.freqs)
    inputs = dit_inputs(TINY_REAL.transformer)
    assert torch.equal(dit_out(model, inputs), dit_out(syn.dit, inputs))
    # text encoder: the directly built UMT5 with the same tokenizer
    assert isinstance(text, TextEncoder)
    assert text.model.encoder.embed_tokens.weight is text.model.shared.weight
    ref = TextEncoder(syn.umt5, syn.tokenizer, TINY_REAL.transformer.text_len)
    out, want = text.encode(PROMPTS), ref.encode(PROMPTS)
    assert out.shape == (3, TINY_REAL.transformer.text_len, TINY_REAL.text_encoder.d_model)
    assert (out - want).abs().max().item() <= 1e-6
    assert out[2, 5:].abs().max() == 0  # padded rows are zero
    # VAE: the tiny diffusers model the file was made from
    assert isinstance(vae, WanVAE)
    assert tuple(vae.vae.config.latents_mean) == W.WAN_LATENTS_MEAN
    assert tuple(vae.vae.config.latents_std) == W.WAN_LATENTS_STD
    ref_vae = WanVAE(syn.vae, TINY_REAL.vae.temporal_factor, TINY_REAL.vae.spatial_factor)
    lat = torch.randn(1, 3, 16, 4, 4, generator=torch.Generator().manual_seed(5))
    got, exp = vae.decode(lat), ref_vae.decode(lat)
    assert got.shape == (1, 9, 3, 32, 32)
    assert (got - exp).abs().max().item() <= 1e-6


def test_bf16_load_casts_everything(syn: Synthetic) -> None:
    model, text, vae = W.load_real_components(syn.cfg(), TINY_REAL, "cpu", torch.bfloat16)
    assert {p.dtype for p in model.parameters()} == {torch.bfloat16}
    assert {p.dtype for p in text.model.parameters()} == {torch.bfloat16}
    assert {p.dtype for p in vae.vae.parameters()} == {torch.bfloat16}
    assert torch.equal(model.blocks[0].self_attn.q.weight, syn.dit.blocks[0].self_attn.q.weight.to(torch.bfloat16))


def test_text_encoder_matches_an_independent_wan_t5_forward(syn: Synthetic) -> None:
    """Wan's own T5 math (unscaled attention, per-block bucketed position bias, fc1(x) * gelu(gate(x)))
    on the Wan-named file gives what the loaded transformers model gives: the key map is semantic."""
    tc = TINY_REAL.text_encoder
    sd = {k: v.float() for k, v in torch.load(syn.wan / W.T5_FILE, weights_only=True).items()}
    _, text, _ = W.load_real_components(syn.cfg(), TINY_REAL, "cpu", torch.float32)
    batch = syn.tokenizer(PROMPTS, padding="max_length", max_length=16, return_tensors="pt")
    ids, mask = batch["input_ids"], batch["attention_mask"]

    def rms(x, w):
        return x * torch.rsqrt(x.pow(2).mean(-1, keepdim=True) + 1e-6) * w

    def buckets(rel, num_buckets=tc.relative_attention_num_buckets, max_dist=128):
        nb = num_buckets // 2
        out = (rel > 0).long() * nb
        rel = rel.abs()
        exact = nb // 2
        large = exact + (torch.log(rel.float() / exact) / math.log(max_dist / exact) * (nb - exact)).long()
        large = torch.clamp(large, max=nb - 1)
        return out + torch.where(rel < exact, rel, large)

    n, h, d = ids.shape[1], tc.num_heads, tc.d_kv
    rel = torch.arange(n).unsqueeze(0) - torch.arange(n).unsqueeze(1)  # key pos - query pos
    x = sd["token_embedding.weight"][ids]
    for i in range(tc.num_layers):
        p = f"blocks.{i}."
        y = rms(x, sd[p + "norm1.weight"])
        q, k, v = (torch.nn.functional.linear(y, sd[p + f"attn.{c}.weight"]).view(len(ids), n, h, d) for c in "qkv")
        bias = sd[p + "pos_embedding.embedding.weight"][buckets(rel)].permute(2, 0, 1).unsqueeze(0)
        bias = bias.masked_fill(mask.view(len(ids), 1, 1, n) == 0, torch.finfo(x.dtype).min)
        attn = (torch.einsum("binc,bjnc->bnij", q, k) + bias).softmax(-1)
        y = torch.einsum("bnij,bjnc->binc", attn, v).reshape(len(ids), n, h * d)
        x = x + torch.nn.functional.linear(y, sd[p + "attn.o.weight"])
        y = rms(x, sd[p + "norm2.weight"])
        gate = torch.nn.functional.gelu(torch.nn.functional.linear(y, sd[p + "ffn.gate.0.weight"]), approximate="tanh")
        y = torch.nn.functional.linear(y, sd[p + "ffn.fc1.weight"]) * gate
        x = x + torch.nn.functional.linear(y, sd[p + "ffn.fc2.weight"])
    wan_out = rms(x, sd["norm.weight"]) * mask.unsqueeze(-1)
    with torch.no_grad():
        got = text.model(input_ids=ids, attention_mask=mask).last_hidden_state * mask.unsqueeze(-1)
    assert rel_l2(got, wan_out) <= 1e-6


def test_generator_ckpt_replaces_the_wan_dit(syn: Synthetic) -> None:
    model, _, _ = W.load_real_components(syn.cfg(f"generator_ckpt={syn.base_pt}"), TINY_REAL, "cpu", torch.float32)
    inputs = dit_inputs(TINY_REAL.transformer)
    assert torch.equal(dit_out(model, inputs), dit_out(syn.base, inputs))
    assert not torch.equal(dit_out(model, inputs), dit_out(syn.dit, inputs))


def test_generator_ema_with_fsdp_names(syn: Synthetic) -> None:
    raw = torch.load(syn.ema_pt, weights_only=True)
    assert any("_fsdp_wrapped_module." in k for k in raw["generator_ema"])
    model, _, _ = W.load_real_components(syn.cfg(f"generator_ckpt={syn.ema_pt}", "use_ema=true"), TINY_REAL, "cpu",
                                         torch.float32)
    inputs = dit_inputs(TINY_REAL.transformer)
    assert torch.equal(dit_out(model, inputs), dit_out(syn.ema, inputs))
    plain, _, _ = W.load_real_components(syn.cfg(f"generator_ckpt={syn.ema_pt}"), TINY_REAL, "cpu", torch.float32)
    assert torch.equal(dit_out(plain, inputs), dit_out(syn.base, inputs))


def test_generator_state_picks_dicts_and_prefixes() -> None:
    t = {"a.weight": torch.zeros(1)}
    assert set(W.generator_state_dict({"generator": {"model.a.weight": t["a.weight"]}}, False, "f")) == {"a.weight"}
    assert set(W.generator_state_dict({"model": {"model.a.weight": t["a.weight"]}}, False, "f")) == {"a.weight"}
    assert set(W.generator_state_dict({"model.a.weight": t["a.weight"]}, False, "f")) == {"a.weight"}
    ema = {"generator_ema": {"_fsdp_wrapped_module.model._orig_mod.a.weight": t["a.weight"]}}
    assert set(W.generator_state_dict(ema, True, "f")) == {"a.weight"}
    with pytest.raises(W.WeightsError, match="use_ema=true"):
        W.generator_state_dict(ema, False, "f")
    with pytest.raises(W.WeightsError, match="no 'generator_ema'"):
        W.generator_state_dict({"generator": t}, True, "f")


def test_lora_merged_equals_peft_model(syn: Synthetic) -> None:
    cfg = syn.cfg(f"generator_ckpt={syn.base_pt}", f"lora_ckpt={syn.lora_pt}", f"adapter.rank={LORA_RANK}",
                  f"adapter.alpha={LORA_ALPHA}")
    model, _, _ = W.load_real_components(cfg, TINY_REAL, "cpu", torch.float32)
    inputs = dit_inputs(TINY_REAL.transformer)
    want = dit_out(syn.peft.base_model.model, inputs)  # LoRA active, unmerged
    got = dit_out(model, inputs)
    assert rel_l2(got, want) <= 1e-6
    assert rel_l2(dit_out(syn.base, inputs), want) > 1e-3  # the LoRA does change the output
    # the merge itself is W + alpha / rank * B @ A
    layer = syn.peft.base_model.model.blocks[1].ffn[2]
    a, b = layer.lora_A["default"].weight, layer.lora_B["default"].weight
    expected = syn.base.blocks[1].ffn[2].weight + (LORA_ALPHA / LORA_RANK) * b @ a
    torch.testing.assert_close(model.blocks[1].ffn[2].weight, expected, rtol=0, atol=1e-6)


def test_lora_on_the_wan_dit(syn: Synthetic) -> None:
    cfg = syn.cfg(f"lora_ckpt={syn.lora_pt}", f"adapter.rank={LORA_RANK}", f"adapter.alpha={LORA_ALPHA}")
    model, _, _ = W.load_real_components(cfg, TINY_REAL, "cpu", torch.float32)
    layer = syn.peft.base_model.model.blocks[0].cross_attn.k
    a, b = layer.lora_A["default"].weight, layer.lora_B["default"].weight
    expected = syn.dit.blocks[0].cross_attn.k.weight + (LORA_ALPHA / LORA_RANK) * b @ a
    torch.testing.assert_close(model.blocks[0].cross_attn.k.weight, expected, rtol=0, atol=1e-6)
    assert torch.equal(model.blocks[0].cross_attn.k.bias, syn.dit.blocks[0].cross_attn.k.bias)


def test_lora_is_merged_before_quantizing(syn: Synthetic, monkeypatch) -> None:
    """build_pipeline with quantize=int8: the int8 weights are those of the merged W + alpha/rank * B @ A."""
    from memflow_ext.models.quantize import quantize_linears
    from memflow_ext.pipelines import builder

    monkeypatch.setattr(builder, "get_preset", lambda name: TINY_REAL)
    cfg = syn.cfg(f"generator_ckpt={syn.base_pt}", f"lora_ckpt={syn.lora_pt}", f"adapter.rank={LORA_RANK}",
                  f"adapter.alpha={LORA_ALPHA}", "quantize=int8")
    got = builder.build_pipeline(cfg).model.blocks[1].ffn[2].weight
    layer = syn.peft.base_model.model.blocks[1].ffn[2]
    base = syn.base.blocks[1].ffn[2].weight.detach()
    merged = base + (LORA_ALPHA / LORA_RANK) * layer.lora_B["default"].weight @ layer.lora_A["default"].weight

    def int8_of(w: torch.Tensor) -> torch.Tensor:
        lin = torch.nn.Linear(w.shape[1], w.shape[0])
        lin.weight.data.copy_(w)
        quantize_linears(torch.nn.Sequential(lin), "int8")
        return lin.weight.qdata

    assert torch.equal(got.qdata, int8_of(merged))
    assert not torch.equal(got.qdata, int8_of(base))


def test_lora_bare_dict_and_adapter_names(syn: Synthetic, tmp_path: Path) -> None:
    lora = torch.load(syn.lora_pt, weights_only=True)["generator_lora"]
    bare = tmp_path / "bare_lora.pt"
    torch.save({k.replace(".weight", ".default.weight"): v for k, v in lora.items()}, bare)
    got = W.read_lora(bare, LORA_RANK)
    ref = W.read_lora(syn.lora_pt, LORA_RANK)
    assert set(got.pairs) == set(ref.pairs) == set(W.lora_targets(TINY_REAL.transformer.num_layers))
    assert all(torch.equal(got.pairs[t][0], ref.pairs[t][0]) for t in ref.pairs)


def test_load_generator_state_merges_lora(syn: Synthetic) -> None:
    """The reference runner's path: Wan names, file dtype kept, LoRA merged with alpha / rank."""
    cfg = syn.cfg(f"adapter.rank={LORA_RANK}", f"adapter.alpha={LORA_ALPHA}")
    state = W.load_generator_state(syn.base_pt, None, False, cfg)
    assert set(state) == set(syn.base.state_dict())
    assert all(torch.equal(state[k], v) for k, v in syn.base.state_dict().items())
    merged = W.load_generator_state(syn.base_pt, syn.lora_pt, False, cfg)
    peft_merged = copy.deepcopy(syn.peft).merge_and_unload().state_dict()
    assert set(merged) == set(peft_merged)
    for k, v in peft_merged.items():
        torch.testing.assert_close(merged[k], v, rtol=0, atol=1e-6)
    changed = [k for k in merged if not torch.equal(merged[k], state[k])]
    assert sorted(changed) == sorted(f"{t}.weight" for t in W.lora_targets(TINY_REAL.transformer.num_layers))
    ema = W.load_generator_state(syn.ema_pt, None, True, cfg)
    assert all(torch.equal(ema[k], v) for k, v in syn.ema.state_dict().items())


def test_builder_uses_the_loader_and_stops_on_a_foreign_architecture(syn: Synthetic) -> None:
    """preset=wan2.1-t2v-1.3b on a folder of another size stops at config.json, before any model exists."""
    from memflow_ext.pipelines.builder import build_pipeline

    cfg = syn.cfg("preset=wan2.1-t2v-1.3b")
    with pytest.raises(W.WeightsError) as info:
        build_pipeline(cfg)
    msg = str(info.value)
    assert W.DIT_CONFIG_FILE in msg and "weights_dir" in msg and "dim=64 (preset: 1536)" in msg


# ------------------------------------------------------------------------------------------------
# Missing and bad files
# ------------------------------------------------------------------------------------------------
def _copy_wan(syn: Synthetic, dst: Path) -> Path:
    import shutil

    shutil.copytree(syn.wan, dst)
    return dst


@pytest.mark.parametrize("name", [W.DIT_FILE, W.DIT_CONFIG_FILE, W.T5_FILE, W.VAE_FILE, W.TOKENIZER_DIR])
def test_missing_file_names_file_and_key(syn: Synthetic, tmp_path: Path, name: str) -> None:
    import shutil

    wan = _copy_wan(syn, tmp_path / "wan")
    target = wan / name
    shutil.rmtree(target) if target.is_dir() else target.unlink()
    cfg = load_config(overrides=[f"weights_dir={wan}"])
    with pytest.raises(FileNotFoundError) as info:
        W.load_real_components(cfg, TINY_REAL, "cpu", torch.float32)
    assert str(target) in str(info.value) and "weights_dir" in str(info.value)


def test_missing_checkpoints_name_their_keys(syn: Synthetic, tmp_path: Path) -> None:
    with pytest.raises(FileNotFoundError, match="'weights_dir' is not set|set the config key 'weights_dir'"):
        W.load_real_components(load_config(), TINY_REAL, "cpu", torch.float32)
    with pytest.raises(FileNotFoundError, match="weights_dir"):
        W.load_real_components(load_config(overrides=[f"weights_dir={tmp_path / 'nope'}"]), TINY_REAL, "cpu",
                               torch.float32)
    gone = tmp_path / "base.pt"
    with pytest.raises(FileNotFoundError) as info:
        W.load_real_components(syn.cfg(f"generator_ckpt={gone}"), TINY_REAL, "cpu", torch.float32)
    assert str(gone) in str(info.value) and "'generator_ckpt'" in str(info.value)
    with pytest.raises(FileNotFoundError) as info:
        W.load_real_components(syn.cfg(f"generator_ckpt={syn.base_pt}", f"lora_ckpt={gone}"), TINY_REAL, "cpu",
                               torch.float32)
    assert str(gone) in str(info.value) and "'lora_ckpt'" in str(info.value)
    with pytest.raises(FileNotFoundError, match="'generator_ckpt'"):
        W.load_generator_state(str(gone), None, False, load_config())


def _truncate(src: Path, dst: Path, keep: float = 0.6) -> Path:
    data = src.read_bytes()
    dst.write_bytes(data[: int(len(data) * keep)])
    return dst


@pytest.mark.parametrize("name", [W.DIT_FILE, W.T5_FILE, W.VAE_FILE])
def test_truncated_file_in_wan_folder(syn: Synthetic, tmp_path: Path, name: str) -> None:
    wan = _copy_wan(syn, tmp_path / "wan")
    _truncate(syn.wan / name, wan / name)
    with pytest.raises(W.WeightsError) as info:
        W.load_real_components(load_config(overrides=[f"weights_dir={wan}"]), TINY_REAL, "cpu", torch.float32)
    msg = str(info.value)
    assert str(wan / name) in msg and "(weights_dir)" in msg and "truncated" in msg


def test_truncated_generator_and_lora(syn: Synthetic, tmp_path: Path) -> None:
    bad = _truncate(syn.base_pt, tmp_path / "base.pt")
    with pytest.raises(W.WeightsError, match=r"base\.pt \(generator_ckpt\).*truncated"):
        W.load_real_components(syn.cfg(f"generator_ckpt={bad}"), TINY_REAL, "cpu", torch.float32)
    bad = _truncate(syn.lora_pt, tmp_path / "lora.pt")
    with pytest.raises(W.WeightsError, match=r"lora\.pt \(lora_ckpt\).*truncated"):
        W.load_real_components(syn.cfg(f"generator_ckpt={syn.base_pt}", f"lora_ckpt={bad}"), TINY_REAL, "cpu",
                               torch.float32)


def test_other_architecture_is_reported_by_key(syn: Synthetic, tmp_path: Path) -> None:
    # a DiT with one more block and a wider FFN, under a config.json that claims the preset's sizes
    other = build_model(replace(TINY_REAL.transformer, num_layers=3, ffn_dim=96), seed=3)
    wan = _copy_wan(syn, tmp_path / "wan")
    save_file({k: v.contiguous() for k, v in other.state_dict().items()}, str(wan / W.DIT_FILE))
    with pytest.raises(W.WeightsError) as info:
        W.load_real_components(load_config(overrides=[f"weights_dir={wan}"]), TINY_REAL, "cpu", torch.float32)
    msg = str(info.value)
    assert str(wan / W.DIT_FILE) in msg
    assert "unexpected (first: blocks.2." in msg
    assert "mis-shaped (first: blocks.0.ffn.0.weight: file (96, 64) vs model (128, 64)" in msg
    # a base.pt holding a text encoder instead of a DiT
    foreign = tmp_path / "foreign.pt"
    torch.save({"generator": {f"model.{k}": v for k, v in syn.umt5.state_dict().items()}}, foreign)
    with pytest.raises(W.WeightsError) as info:
        W.load_real_components(syn.cfg(f"generator_ckpt={foreign}"), TINY_REAL, "cpu", torch.float32)
    msg = str(info.value)
    assert f"{foreign} (generator_ckpt)" in msg and "missing (first: patch_embedding.weight" in msg
    assert "unexpected (first: shared.weight" in msg
    with pytest.raises(W.WeightsError, match="not a Wan DiT state dict.*patch_embedding.weight"):
        W.load_generator_state(foreign, None, False, load_config())
    # a VAE file of another size
    from diffusers import AutoencoderKLWan

    small = AutoencoderKLWan(base_dim=2 * TINY_REAL.vae.base_dim)  # another size than the preset
    to_orig = diffusers_to_original_vae(vae_original_names())
    torch.save({to_orig[k]: v for k, v in small.state_dict().items()}, wan / W.VAE_FILE)
    save_file({k: v.contiguous() for k, v in syn.dit.state_dict().items()}, str(wan / W.DIT_FILE))
    with pytest.raises(W.WeightsError) as info:
        W.load_real_components(load_config(overrides=[f"weights_dir={wan}"]), TINY_REAL, "cpu", torch.float32)
    assert f"{wan / W.VAE_FILE} (weights_dir)" in str(info.value)
    b = TINY_REAL.vae.base_dim
    assert f"mis-shaped (first: encoder.conv1.weight: file ({2 * b}, 3, 3, 3, 3) vs model ({b}, 3, 3, 3, 3)" in str(
        info.value)


def test_lora_with_wrong_rank(syn: Synthetic) -> None:
    cfg = syn.cfg(f"generator_ckpt={syn.base_pt}", f"lora_ckpt={syn.lora_pt}", "adapter.rank=8", "adapter.alpha=8")
    with pytest.raises(W.WeightsError) as info:
        W.load_real_components(cfg, TINY_REAL, "cpu", torch.float32)
    msg = str(info.value)
    assert f"{syn.lora_pt} (lora_ckpt)" in msg and "adapter.rank=8" in msg
    assert "first: base_model.model.blocks.0.self_attn.q.lora_A.weight has rank 4" in msg


def test_lora_of_another_model(syn: Synthetic, tmp_path: Path) -> None:
    other = build_model(replace(TINY_REAL.transformer, num_layers=1), seed=4)
    _, lora = peft_lora(other, LORA_RANK, LORA_ALPHA, seed=1)
    path = tmp_path / "lora_1layer.pt"
    torch.save(lora, path)
    cfg = syn.cfg(f"generator_ckpt={syn.base_pt}", f"lora_ckpt={path}", f"adapter.rank={LORA_RANK}")
    with pytest.raises(W.WeightsError, match=r"10 of the 20 adapted layers have no LoRA weights \(first: blocks\.1"):
        W.load_real_components(cfg, TINY_REAL, "cpu", torch.float32)
    torch.save({"generator_lora": {"base_model.model.blocks.0.self_attn.q.lora_A.weight": torch.zeros(4, 64),
                                   "optimizer_step": torch.zeros(())}}, path)
    with pytest.raises(W.WeightsError, match="not LoRA lora_A / lora_B .*optimizer_step"):
        W.load_real_components(cfg, TINY_REAL, "cpu", torch.float32)


def test_broken_tokenizer_folder(syn: Synthetic, tmp_path: Path) -> None:
    import shutil

    wan = _copy_wan(syn, tmp_path / "wan")
    shutil.rmtree(wan / W.TOKENIZER_DIR)
    (wan / W.TOKENIZER_DIR).mkdir()
    (wan / W.TOKENIZER_DIR / "README.md").write_text("nothing here")
    with pytest.raises(W.WeightsError) as info:
        W.load_real_components(load_config(overrides=[f"weights_dir={wan}"]), TINY_REAL, "cpu", torch.float32)
    assert str(wan / W.TOKENIZER_DIR) in str(info.value) and "README.md" in str(info.value)


def test_every_file_is_checked_before_any_model_is_built(syn: Synthetic, tmp_path: Path, monkeypatch) -> None:
    wan = _copy_wan(syn, tmp_path / "wan")
    _truncate(syn.wan / W.VAE_FILE, wan / W.VAE_FILE)

    def boom(*args, **kwargs):
        raise AssertionError("a model was materialised before every file was checked")

    monkeypatch.setattr(W, "load_dit", boom)
    monkeypatch.setattr(W, "load_text_encoder", boom)
    with pytest.raises(W.WeightsError, match="Wan2.1_VAE.pth"):
        W.load_real_components(load_config(overrides=[f"weights_dir={wan}"]), TINY_REAL, "cpu", torch.float32)
    files = W.check_real_weights(syn.cfg(f"generator_ckpt={syn.base_pt}", f"lora_ckpt={syn.lora_pt}",
                                         f"adapter.rank={LORA_RANK}"), TINY_REAL)
    assert files.lora_ckpt == syn.lora_pt and files.dit == []


def test_pickled_objects_need_an_explicit_opt_in(syn: Synthetic, tmp_path: Path, monkeypatch) -> None:
    path = tmp_path / "objects.pt"
    torch.save({"generator": {f"model.{k}": v for k, v in syn.base.state_dict().items()},
                "config": Path("x")}, path)
    cfg = syn.cfg(f"generator_ckpt={path}")
    with pytest.raises(W.WeightsError, match=W.ALLOW_PICKLE_ENV):
        W.load_real_components(cfg, TINY_REAL, "cpu", torch.float32)
    monkeypatch.setenv(W.ALLOW_PICKLE_ENV, "1")
    model, _, _ = W.load_real_components(cfg, TINY_REAL, "cpu", torch.float32)
    inputs = dit_inputs(TINY_REAL.transformer)
    assert torch.equal(dit_out(model, inputs), dit_out(syn.base, inputs))


def test_weights_check_command(syn: Synthetic, capsys) -> None:
    rc = loaders_main(["check", f"weights_dir={syn.wan}", "preset=wan2.1-t2v-1.3b"])
    assert rc == 1
    assert "dim=64 (preset: 1536)" in capsys.readouterr().err
