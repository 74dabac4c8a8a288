"""Memory plugin scoring: pooled == unpooled, cross-chunk comparability, time invariance, token weights."""

from __future__ import annotations

import pytest
import torch

from hooks.contract import Attribute, Entity, Published
from memflow_ext.config import ConfigError, load_config
from memflow_ext.models.rope import build_rope_table, causal_rope
from plugins.memory.entities import EntityView, find_spans, read_entities, token_weights
from plugins.memory.scoring import associate, frame_probes, scores, temporal_table, text_queries, unpooled_score
from plugins.memory.settings import MemorySettings

H, D, TPF = 2, 32, 16
GRID = (1, 4, 4)  # one frame of 4 x 4 tokens
TABLE = build_rope_table(D, 1024)
TABLE_T = temporal_table(TABLE)


def rope_frames(content: torch.Tensor, first_frame: int) -> torch.Tensor:
    """Cache-like keys: content [B, F*TPF, H, D] RoPE'd at absolute frames first_frame.. (as the engine does)."""
    f = content.shape[1] // TPF
    return causal_rope(content, (f, *GRID[1:]), TABLE, start_frame=first_frame)


@pytest.mark.parametrize("unrotate", [True, False])
def test_pooled_score_equals_unpooled(unrotate):
    g = torch.Generator().manual_seed(0)
    layers, text_len, frames = 3, 24, [7, 8, 9]
    text = [torch.randn(1, text_len, H, D, generator=g, dtype=torch.float64) for _ in range(layers)]
    keys = [rope_frames(torch.randn(1, 3 * TPF, H, D, generator=g, dtype=torch.float64), 7) for _ in range(layers)]
    w = torch.rand(2, text_len, generator=g, dtype=torch.float64)
    w[:, 20:] = 0  # padding
    table = TABLE_T if unrotate else None
    use = [0, 2]
    pooled = scores(text_queries(text, use, w), frame_probes(keys, use, TPF, frames, table))  # [2, 3]
    for q in range(2):
        for f in range(3):
            ref = torch.stack([unpooled_score(text[l], w[q], keys[l][:, f * TPF:(f + 1) * TPF], frames[f], table)
                               for l in use]).mean()
            assert pooled[q, f].item() == pytest.approx(ref.item(), rel=1e-5, abs=1e-6)


def _entity_text(g, text_len, directions, spans_by_entity, scale=4.0):
    """Text keys [1, T, H, D]: noise, plus an entity's direction on its tokens."""
    tk = torch.randn(1, text_len, H, D, generator=g)
    for e, (a, b) in spans_by_entity.items():
        tk[:, a:b] += scale * directions[e]
    return tk


def test_better_matching_frame_from_another_chunk_outranks():
    """A frame built to match the entities wins over one whose keys are merely larger, across chunks."""
    g = torch.Generator().manual_seed(1)
    u = torch.nn.functional.normalize(torch.randn(H, D, generator=g), dim=-1) * D**0.5
    text = [_entity_text(g, 32, {0: u}, {0: (4, 10)})]
    w, _ = token_weights([(i, i + 1) for i in range(30)], 32, [EntityView(1, "fox", ((4, 10),))], 4.0)
    queries = text_queries(text, [0], w[None])
    good = 1.0 * u + torch.randn(1, TPF, H, D, generator=g)  # chunk A: shows the entity
    loud = 10.0 * (0.3 * u + torch.randn(1, TPF, H, D, generator=g))  # chunk B: weak match, large keys
    pa = frame_probes([rope_frames(good, 12)], [0], TPF, [12], TABLE_T)
    pb = frame_probes([rope_frames(loud, 40)], [0], TPF, [40], TABLE_T)
    sa, sb = scores(queries, pa).item(), scores(queries, pb).item()
    assert sa > sb
    assert -1.0 <= sb < sa <= 1.0
    # the raw (unnormalised) dot product would have ranked the loud frame first
    t_bar = (w[None].float() @ text[0].view(32, -1)).view(H, D)
    raw = lambda k: (t_bar * k.mean(1)[0]).sum().item()  # noqa: E731
    assert raw(loud) > raw(good)


def test_score_does_not_depend_on_the_frames_time():
    g = torch.Generator().manual_seed(2)
    text = [torch.randn(1, 16, H, D, generator=g)]
    q = text_queries(text, [0], torch.ones(1, 16))
    content = torch.randn(1, TPF, H, D, generator=g) + text[0].mean(1, keepdim=True)
    early = frame_probes([rope_frames(content, 5)], [0], TPF, [5], TABLE_T)
    late = frame_probes([rope_frames(content, 300)], [0], TPF, [300], TABLE_T)
    assert scores(q, early).item() == pytest.approx(scores(q, late).item(), abs=1e-5)
    raw_early = frame_probes([rope_frames(content, 5)], [0], TPF, [5], None)
    raw_late = frame_probes([rope_frames(content, 300)], [0], TPF, [300], None)
    assert abs(scores(q, raw_early).item() - scores(q, raw_late).item()) > 1e-3


def test_token_weights_follow_tokenizer_offsets_and_ignore_padding():
    from memflow_ext.pipelines.builder import build_text_encoder
    from memflow_ext.presets import TINY

    enc = build_text_encoder(TINY, TINY.init_seed + 1, "cpu", torch.float32)
    prompt = "Crème brûlée café: a red fox meets an old owl."
    spans = enc.token_char_spans(prompt)
    assert len(spans) > len(prompt)  # multi-byte characters: token index != character index
    fox = EntityView(1, "red fox", tuple(find_spans(prompt, ["red fox"])))
    owl = EntityView(2, "old owl", tuple(find_spans(prompt, ["old owl"])))
    text_len = TINY.transformer.text_len
    pw, ew = token_weights(spans, text_len, [fox, owl], 5.0)
    assert pw.shape == (text_len,) and ew.shape == (2, text_len)
    assert (pw[len(spans):] == 0).all() and (ew[:, len(spans):] == 0).all()  # padding weighs 0
    ids = enc.tokenizer(prompt)["input_ids"]
    fox_tokens = [i for i in range(len(spans)) if ew[0, i] > 0]
    assert enc.tokenizer.decode([ids[i] for i in fox_tokens]) == "red fox"
    owl_tokens = [i for i in range(len(spans)) if ew[1, i] > 0]
    assert enc.tokenizer.decode([ids[i] for i in owl_tokens]) == "old owl"
    assert set(pw[fox_tokens + owl_tokens].tolist()) == {5.0}
    others = [i for i in range(len(spans)) if i not in fox_tokens + owl_tokens]
    assert set(pw[others].tolist()) == {1.0}


def test_read_entities_takes_spans_or_finds_label_and_attributes():
    prompt = "A red fox chases an old owl; the fox is fast."
    published = {0: Published((Entity(1, "fox", spans=((6, 9), (33, 36))),
                               Entity(2, "old owl", attributes=(Attribute("old"),)))),
                 1: Published((Entity(3, "x", spans=((0, 1),)), Entity(3, "x", spans=((2, 5),))))}
    views = read_entities(published, 0, prompt)
    assert [v.id for v in views] == [1, 2]
    assert views[0].spans == ((6, 9), (33, 36))
    assert views[1].spans == tuple(sorted(find_spans(prompt, ["old owl", "old"])))
    assert read_entities(published, 1, prompt) == [EntityView(3, "x", ((0, 1), (2, 5)))]
    assert read_entities(published, 2, prompt) is None  # nobody published entities for prompt 2


def test_associate_uses_scores_and_falls_back_to_prompt_ids():
    assert associate([1, 2, 3], [0.5, 0.1, 0.45], [True] * 3, 0.5, 0.02) == \
        ([1, 3], "scores", "score >= 0.3000 (best 0.5000, range 0.4000)")
    ids, source, _ = associate([1, 2], [0.30, 0.305], [True, True], 0.5, 0.02)
    assert (ids, source) == ([1, 2], "prompt")  # cannot separate
    ids, source, why = associate([1, 2], [0.9, 0.1], [True, False], 0.5, 0.02)
    assert (ids, source) == ([1, 2], "prompt") and "no text tokens" in why
    assert associate([7], [0.1], [True], 0.5, 0.02)[:2] == ([7], "prompt")
    assert associate([], [], [], 0.5, 0.02)[:2] == ([], "prompt")


def test_scoring_layers_are_depth_fractions():
    s = MemorySettings()
    assert s.scoring_layers(30) == [7, 15, 22]
    assert s.scoring_layers(2) == [0, 1]
    assert MemorySettings(score_layers=(0.0, 1.0)).scoring_layers(6) == [0, 5]


@pytest.mark.parametrize("override,key", [
    ("memory.offload=gpu", "memory.offload"),
    ("memory.score_layers=[3,7]", "memory.score_layers"),
    ("memory.max_frames=-1", "memory.max_frames"),
    ("memory.archive_frames=2", "memory.archive_frames"),
    ("memory.entity_weight=0", "memory.entity_weight"),
    ("memory.assoc_margin=2", "memory.assoc_margin"),
])
def test_invalid_settings_name_the_key(override, key):
    with pytest.raises(ConfigError, match=key.replace(".", r"\.")):
        load_config(overrides=[override])
