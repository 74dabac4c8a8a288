"""UMT5 text encoder with Wan's output convention (padded rows are zero).

Wan's T5 wrapper returns only the first ``seq_len`` rows of each prompt's hidden states and the DiT
pads the rest with zeros; `TextEncoder.encode` reproduces that by zeroing the rows of padded
positions, so the cross-attention context is identical whether or not padding is kept.
"""

from __future__ import annotations

import os

import torch
from loguru import logger
from transformers import AutoTokenizer, ByT5Tokenizer, PreTrainedTokenizerBase, UMT5Config, UMT5EncoderModel

from memflow_ext.models.text_placement import TextPlacement
from memflow_ext.presets import TextEncoderConfig

__all__ = ["TextEncoder", "build_tokenizer"]


def build_tokenizer(cfg: TextEncoderConfig, tokenizer_path: str | None = None) -> PreTrainedTokenizerBase:
    """Create the tokenizer named by ``cfg.tokenizer`` from local data only (never downloads)."""
    if cfg.tokenizer == "byt5":
        # Byte-level; its vocabulary is built in, so it needs no files.
        return ByT5Tokenizer()
    if cfg.tokenizer == "folder":
        if tokenizer_path is None or not os.path.isdir(tokenizer_path):
            raise FileNotFoundError(
                f"tokenizer folder not found: {tokenizer_path!r}; point the config key 'weights_dir' at the "
                "folder that holds the model weights and the tokenizer files"
            )
        return AutoTokenizer.from_pretrained(tokenizer_path, local_files_only=True)
    raise ValueError(f"unknown tokenizer kind {cfg.tokenizer!r}; expected 'byt5' or 'folder'")


class TextEncoder(torch.nn.Module):
    """A UMT5 encoder plus its tokenizer, producing [B, text_len, d_model] prompt embeddings."""

    def __init__(
        self,
        model: UMT5EncoderModel,
        tokenizer: PreTrainedTokenizerBase,
        text_len: int,
    ) -> None:
        super().__init__()
        if text_len < 1:
            raise ValueError(f"text_len must be positive, got {text_len}")
        self.model = model
        self.tokenizer = tokenizer
        self.text_len = int(text_len)
        # `device` placement on the weights' device until `place` says otherwise
        self.placement = TextPlacement("device", next(model.parameters()).device)

    def place(self, placement: str, device: torch.device | str) -> TextEncoder:
        """Keep and run the encoder per `placement` (device | cpu | offload, see `text_placement.py`), with
        the embeddings delivered on `device`. Moves the weights to where that placement keeps them."""
        placed = TextPlacement(placement, torch.device(device))
        self.model.to(placed.weights_device)
        self.placement = placed
        return self

    @classmethod
    def from_config(
        cls,
        cfg: TextEncoderConfig,
        text_len: int,
        seed: int,
        device: torch.device | str | None = None,
        dtype: torch.dtype = torch.float32,
        tokenizer_path: str | None = None,
    ) -> TextEncoder:
        """Build the encoder with seeded random weights, leaving the global RNG untouched.

        Weights are initialised on the CPU in float32 and then moved, so a seed gives the same weights on
        every device; real weights, when wanted, are loaded over these with ``load_state_dict``.
        """
        tokenizer = build_tokenizer(cfg, tokenizer_path)
        if len(tokenizer) > cfg.vocab_size:
            raise ValueError(
                f"tokenizer has {len(tokenizer)} tokens but the encoder's vocab_size is {cfg.vocab_size}"
            )
        model_cfg = UMT5Config(
            vocab_size=cfg.vocab_size,
            d_model=cfg.d_model,
            d_kv=cfg.d_kv,
            d_ff=cfg.d_ff,
            num_layers=cfg.num_layers,
            num_heads=cfg.num_heads,
            relative_attention_num_buckets=cfg.relative_attention_num_buckets,
            feed_forward_proj=cfg.feed_forward_proj,
            dropout_rate=0.0,
            is_encoder_decoder=False,
            use_cache=False,
            pad_token_id=tokenizer.pad_token_id if tokenizer.pad_token_id is not None else 0,
            eos_token_id=tokenizer.eos_token_id if tokenizer.eos_token_id is not None else 1,
        )
        with torch.random.fork_rng(devices=[]):
            torch.manual_seed(seed)
            model = UMT5EncoderModel(model_cfg)
        model = model.to(device=device, dtype=dtype).eval()
        model.requires_grad_(False)
        logger.debug(
            "text encoder: {} layers, d_model={}, tokenizer={}, text_len={}, seed={}",
            cfg.num_layers, cfg.d_model, cfg.tokenizer, text_len, seed,
        )
        return cls(model, tokenizer, text_len)

    @property
    def hidden_size(self) -> int:
        """Width of each embedding row (the DiT's ``text_dim``)."""
        return int(self.model.config.d_model)

    @property
    def device(self) -> torch.device:
        return next(self.model.parameters()).device

    @property
    def dtype(self) -> torch.dtype:
        return next(self.model.parameters()).dtype

    def _warn_truncated(self, prompts: list[str], first_index: int = 0) -> None:
        lengths = self.tokenizer(prompts, add_special_tokens=True, truncation=False)["input_ids"]
        for i, ids in enumerate(lengths):
            if len(ids) > self.text_len:
                logger.warning(
                    "prompt {} has {} tokens and is truncated to text_len={}: {!r}",
                    first_index + i, len(ids), self.text_len, prompts[i][:80],
                )

    @torch.no_grad()
    def encode(self, prompts: list[str], first_index: int = 0) -> torch.Tensor:
        """Embed prompts as [B, text_len, d_model]; rows of padded positions are exactly zero.

        The embeddings are on the weights' device (`device` placement) or on the placement's device.

        `first_index` is the story index of `prompts[0]`, used only to name prompts in warnings."""
        if isinstance(prompts, str):
            raise TypeError("encode expects a list of prompts, not a single string")
        if not prompts:
            raise ValueError("encode needs at least one prompt")
        self._warn_truncated(prompts, first_index)
        batch = self.tokenizer(
            prompts,
            padding="max_length",
            max_length=self.text_len,
            truncation=True,
            add_special_tokens=True,
            return_attention_mask=True,
            return_tensors="pt",
        )
        # `device` placement follows the weights wherever they were moved; the others keep them on the host
        where = self.device if self.placement.placement == "device" else self.placement.input_device
        hidden, mask = self.placement.run(self.model, batch["input_ids"].to(where), batch["attention_mask"].to(where))
        return hidden * mask.unsqueeze(-1).to(hidden.dtype)

    def token_char_spans(self, prompt: str) -> list[tuple[int, int]]:
        """Character span ``(start, end)`` in ``prompt`` of each token that `encode` feeds the encoder.

        The token list is the unpadded (but truncated) tokenisation used by `encode`, so index ``i``
        is embedding row ``i``. Special tokens that the tokenizer adds and that do not come from the
        prompt text (such as the closing ``</s>``) get the empty span ``(len(prompt), len(prompt))``.
        Byte-level tokenizers map every byte of a multi-byte character to that character's span.
        """
        if self.tokenizer.is_fast:
            return self._spans_from_offsets(prompt)
        if isinstance(self.tokenizer, ByT5Tokenizer):
            return self._spans_from_bytes(prompt)
        raise NotImplementedError(
            f"token_char_spans needs a fast tokenizer or ByT5, got {type(self.tokenizer).__name__}"
        )

    def _spans_from_offsets(self, prompt: str) -> list[tuple[int, int]]:
        enc = self.tokenizer(
            prompt,
            add_special_tokens=True,
            truncation=True,
            max_length=self.text_len,
            return_offsets_mapping=True,
            return_special_tokens_mask=True,
        )
        n = len(prompt)
        spans = []
        for (start, end), special in zip(enc["offset_mapping"], enc["special_tokens_mask"], strict=True):
            spans.append((n, n) if special and start == end else (int(start), int(end)))
        return spans

    def _spans_from_bytes(self, prompt: str) -> list[tuple[int, int]]:
        tok = self.tokenizer
        ids = tok(prompt, add_special_tokens=True, truncation=True, max_length=self.text_len)["input_ids"]
        # One entry per UTF-8 byte of the prompt: the span of the character that byte belongs to.
        data = prompt.encode("utf-8")
        byte_span: list[tuple[int, int]] = []
        for ci, ch in enumerate(prompt):
            byte_span.extend([(ci, ci + 1)] * len(ch.encode("utf-8")))
        special_ids = set(tok.all_special_ids) | set(tok.added_tokens_decoder)
        offset = int(getattr(tok, "offset", 3))
        n = len(prompt)
        spans: list[tuple[int, int]] = []
        pos = 0  # next unread byte of the prompt
        for tid in ids:
            if tid not in special_ids and offset <= tid < offset + 256:
                if pos >= len(data) or data[pos] != tid - offset:
                    raise RuntimeError(f"byte tokenisation of {prompt!r} does not follow its UTF-8 bytes")
                spans.append(byte_span[pos])
                pos += 1
                continue
            literal = tok.convert_ids_to_tokens(tid).encode("utf-8")
            if literal and data.startswith(literal, pos):
                # A special token written literally in the prompt covers the characters it came from.
                spans.append((byte_span[pos][0], byte_span[pos + len(literal) - 1][1]))
                pos += len(literal)
            else:
                spans.append((n, n))
        return spans
