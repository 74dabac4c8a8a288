"""TextEncoder: Wan's zero-padded output convention, seeded weights, and token-to-character spans."""

from __future__ import annotations

import pytest
import torch
from loguru import logger

from memflow_ext.models.text_encoder import TextEncoder
from memflow_ext.presets import get_preset

TINY = get_preset("tiny")
TEXT_LEN = TINY.transformer.text_len


@pytest.fixture(scope="module")
def encoder() -> TextEncoder:
    return TextEncoder.from_config(TINY.text_encoder, text_len=TEXT_LEN, seed=0)


def test_shape_and_hidden_size(encoder: TextEncoder) -> None:
    out = encoder.encode(["a red fox", "snow"])
    assert out.shape == (2, TEXT_LEN, TINY.text_encoder.d_model)
    assert encoder.hidden_size == TINY.text_encoder.d_model == TINY.transformer.text_dim


def test_padded_rows_are_zero(encoder: TextEncoder) -> None:
    prompts = ["a red fox", "snow"]
    out = encoder.encode(prompts)
    for i, p in enumerate(prompts):
        n = len(p.encode("utf-8")) + 1  # bytes plus </s>
        assert (out[i, :n].abs().sum(-1) > 0).all()
        assert torch.equal(out[i, n:], torch.zeros_like(out[i, n:]))


def test_same_seed_same_output_different_seed_differs(encoder: TextEncoder) -> None:
    prompts = ["a cat on a sofa"]
    again = TextEncoder.from_config(TINY.text_encoder, text_len=TEXT_LEN, seed=0)
    other = TextEncoder.from_config(TINY.text_encoder, text_len=TEXT_LEN, seed=1)
    ref = encoder.encode(prompts)
    assert torch.equal(ref, again.encode(prompts))
    assert not torch.allclose(ref, other.encode(prompts))


def test_construction_leaves_global_rng_alone() -> None:
    torch.manual_seed(123)
    before = torch.get_rng_state()
    TextEncoder.from_config(TINY.text_encoder, text_len=TEXT_LEN, seed=7)
    assert torch.equal(before, torch.get_rng_state())


def test_padding_does_not_change_real_rows(encoder: TextEncoder) -> None:
    # The same prompt alone and batched with a longer one gives the same rows (attention mask honoured).
    alone = encoder.encode(["short"])
    batched = encoder.encode(["short", "a much longer prompt than the first"])
    torch.testing.assert_close(alone[0], batched[0], rtol=1e-5, atol=1e-6)


@pytest.mark.parametrize("prompt", ["a red fox jumps", "héllo 世界 — ok"])
def test_token_char_spans_map_back(encoder: TextEncoder, prompt: str) -> None:
    spans = encoder.token_char_spans(prompt)
    n_bytes = len(prompt.encode("utf-8"))
    assert len(spans) == n_bytes + 1
    assert spans[-1] == (len(prompt), len(prompt))  # the closing </s>
    # Every character is covered by exactly its own UTF-8 bytes, in order.
    covered = [prompt[s:e] for s, e in spans[:-1]]
    expected = [ch for ch in prompt for _ in ch.encode("utf-8")]
    assert covered == expected
    # A character span of the prompt maps back to the tokens that spell it.
    word = prompt.split()[1]
    start = prompt.index(word)
    tokens = [i for i, (s, e) in enumerate(spans) if s >= start and e <= start + len(word) and e > s]
    assert len(tokens) == len(word.encode("utf-8"))
    assert "".join(dict.fromkeys(prompt[spans[i][0] : spans[i][1]] for i in tokens)) == word


def test_token_char_spans_literal_special_token(encoder: TextEncoder) -> None:
    prompt = "a</s>b"
    spans = encoder.token_char_spans(prompt)
    assert spans == [(0, 1), (1, 5), (5, 6), (6, 6)]


def test_truncation_warns_and_fits(encoder: TextEncoder) -> None:
    long_prompt = "x" * (TEXT_LEN * 2)
    messages: list[str] = []
    sink = logger.add(lambda m: messages.append(str(m)), level="WARNING")
    try:
        out = encoder.encode([long_prompt])
    finally:
        logger.remove(sink)
    assert out.shape == (1, TEXT_LEN, encoder.hidden_size)
    assert (out[0].abs().sum(-1) > 0).all()  # no padding left
    assert any("truncated" in m for m in messages)
    spans = encoder.token_char_spans(long_prompt)
    assert len(spans) == TEXT_LEN
    assert spans[-2] == (TEXT_LEN - 2, TEXT_LEN - 1)
    assert spans[-1] == (len(long_prompt), len(long_prompt))


def test_no_warning_for_short_prompt(encoder: TextEncoder) -> None:
    messages: list[str] = []
    sink = logger.add(lambda m: messages.append(str(m)), level="WARNING")
    try:
        encoder.encode(["short"])
    finally:
        logger.remove(sink)
    assert not messages


def test_missing_tokenizer_folder(tmp_path) -> None:
    cfg = get_preset("wan2.1-t2v-1.3b").text_encoder
    missing = tmp_path / "nope"
    with pytest.raises(FileNotFoundError, match="weights_dir") as info:
        TextEncoder.from_config(cfg, text_len=16, seed=0, tokenizer_path=str(missing))
    assert str(missing) in str(info.value)


def test_folder_tokenizer_loads_locally(tmp_path) -> None:
    from dataclasses import replace

    from transformers import ByT5Tokenizer

    ByT5Tokenizer().save_pretrained(tmp_path)
    cfg = replace(TINY.text_encoder, tokenizer="folder")
    enc = TextEncoder.from_config(cfg, text_len=16, seed=0, tokenizer_path=str(tmp_path))
    ref = TextEncoder.from_config(TINY.text_encoder, text_len=16, seed=0)
    assert torch.equal(enc.encode(["abc"]), ref.encode(["abc"]))


def test_truncation_warning_names_the_story_prompt(encoder: TextEncoder) -> None:
    messages: list[str] = []
    sink = logger.add(lambda m: messages.append(str(m)), level="WARNING")
    try:
        encoder.encode(["x" * (TEXT_LEN * 2)], first_index=2)
    finally:
        logger.remove(sink)
    assert any("prompt 2 has" in m for m in messages), messages
