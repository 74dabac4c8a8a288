"""The text encoder: Wan's UMT5-XXL `.pth` loaded into transformers' `UMT5EncoderModel`."""

from __future__ import annotations

from pathlib import Path

import torch

from memflow_ext.loaders.tensors import (
    TensorSource,
    WeightsError,
    check_tensors,
    first_line,
    meta_shapes,
    tensor_dict,
    torch_load,
)
from memflow_ext.presets import TextEncoderConfig


def umt5_key_map(num_layers: int) -> dict[str, str]:
    """Wan T5 encoder name -> transformers `UMT5EncoderModel` name (``shared.weight`` is tied to
    ``encoder.embed_tokens.weight`` and filled from the same tensor)."""
    m = {"token_embedding.weight": "shared.weight"}
    for i in range(num_layers):
        w, h = f"blocks.{i}.", f"encoder.block.{i}."
        m[w + "norm1.weight"] = h + "layer.0.layer_norm.weight"
        for p in "qkvo":
            m[w + f"attn.{p}.weight"] = h + f"layer.0.SelfAttention.{p}.weight"
        m[w + "pos_embedding.embedding.weight"] = h + "layer.0.SelfAttention.relative_attention_bias.weight"
        m[w + "norm2.weight"] = h + "layer.1.layer_norm.weight"
        m[w + "ffn.gate.0.weight"] = h + "layer.1.DenseReluDense.wi_0.weight"  # GELU branch
        m[w + "ffn.fc1.weight"] = h + "layer.1.DenseReluDense.wi_1.weight"  # linear branch
        m[w + "ffn.fc2.weight"] = h + "layer.1.DenseReluDense.wo.weight"
    m["norm.weight"] = "encoder.final_layer_norm.weight"
    return m


_TIED_EMBED = "encoder.embed_tokens.weight"


def umt5_config(tc: TextEncoderConfig, pad_token_id: int = 0, eos_token_id: int = 1):
    from transformers import UMT5Config

    return UMT5Config(
        vocab_size=tc.vocab_size, d_model=tc.d_model, d_kv=tc.d_kv, d_ff=tc.d_ff, num_layers=tc.num_layers,
        num_heads=tc.num_heads, relative_attention_num_buckets=tc.relative_attention_num_buckets,
        feed_forward_proj=tc.feed_forward_proj, dropout_rate=0.0, is_encoder_decoder=False, use_cache=False,
        pad_token_id=pad_token_id, eos_token_id=eos_token_id,
    )


def meta_umt5(tc: TextEncoderConfig, pad_token_id: int = 0, eos_token_id: int = 1):
    from transformers import UMT5EncoderModel

    with torch.device("meta"):
        return UMT5EncoderModel(umt5_config(tc, pad_token_id, eos_token_id))


def umt5_expected_wan_shapes(tc: TextEncoderConfig) -> dict[str, tuple[int, ...]]:
    """The Wan-named tensors (and shapes) a UMT5 encoder of this config needs."""
    hf = meta_shapes(meta_umt5(tc))
    return {w: hf[h] for w, h in umt5_key_map(tc.num_layers).items()}


def load_tokenizer(folder: Path, tc: TextEncoderConfig):
    from transformers import AutoTokenizer

    label = f"{folder} (weights_dir)"
    try:
        tok = AutoTokenizer.from_pretrained(str(folder), local_files_only=True)
    except Exception as e:
        names = sorted(p.name for p in folder.iterdir()) if folder.is_dir() else []
        raise WeightsError(f"{label}: not a usable tokenizer folder ({first_line(e)[:300]}); it holds: "
                           f"{', '.join(names[:10]) or 'nothing'}") from None
    if len(tok) > tc.vocab_size:
        raise WeightsError(f"{label}: the tokenizer has {len(tok)} tokens, more than the encoder's vocabulary "
                           f"of {tc.vocab_size}")
    return tok


def open_t5(path: Path, tc: TextEncoderConfig, label: str) -> TensorSource:
    src = TensorSource.from_dict(label, tensor_dict(torch_load(path, label), label, "a T5 encoder state dict"))
    check_tensors(umt5_expected_wan_shapes(tc), src.shapes, label, f"a UMT5 encoder ({tc.num_layers} layers, "
                                                                    f"d_model {tc.d_model})")
    return src


def load_text_encoder(src: TensorSource, tokenizer, tc: TextEncoderConfig, text_len: int,
                      device: torch.device | str, dtype: torch.dtype | None = None):
    """Materialise the `TextEncoder` from a checked Wan-named source (dtype None: the file's dtype)."""
    from memflow_ext.models.text_encoder import TextEncoder

    pad = tokenizer.pad_token_id if tokenizer.pad_token_id is not None else 0
    eos = tokenizer.eos_token_id if tokenizer.eos_token_id is not None else 1
    model = meta_umt5(tc, pad, eos)
    key_map = umt5_key_map(tc.num_layers)
    hf_shapes = meta_shapes(model)
    check_tensors({w: hf_shapes[h] for w, h in key_map.items()}, src.shapes, src.label,
                  f"a UMT5 encoder ({tc.num_layers} layers, d_model {tc.d_model})")
    with torch.no_grad():
        state = {}
        for w, h in key_map.items():
            t = src[w]
            state[h] = t.to(device=device, dtype=dtype or t.dtype)
        state[_TIED_EMBED] = state["shared.weight"]
        model.load_state_dict(state, strict=True, assign=True)
    model.encoder.embed_tokens.weight = model.shared.weight  # keep the tie explicit after assignment
    model.requires_grad_(False)
    return TextEncoder(model.eval(), tokenizer, text_len)

