"""The typed plugin contract: `RunState`'s fields, the typed section accessor, the shared shapes in
`hooks.contract` and the engine's `MemoryAccess`, which is given caches and sizes, not the pipeline."""

from __future__ import annotations

import dataclasses
import inspect

import pytest
import torch

from hooks.contract import Attribute, Entity, Published
from hooks.run import RunState, SectionError, config_section
from memflow_ext.config import load_config
from memflow_ext.streaming.kv_cache import CacheGeometry, CrossAttnCache, KVCache
from memflow_ext.streaming.memory_access import MemoryAccess
from plugins.agent.schema import Attribute as AgentAttribute
from plugins.agent.schema import EntityInstance, PromptResult
from plugins.memory.entities import read_entities
from plugins.memory.settings import MemorySettings


def test_run_state_has_one_untyped_field():
    untyped = [f.name for f in dataclasses.fields(RunState) if "Any" in str(f.type)]
    assert untyped == ["extras"]


def test_section_accessor_is_typed_and_checked():
    cfg = load_config(overrides=["memory.max_frames=2"])
    run = RunState(config=cfg, prompts=["a fox"], switch_frame_indices=[], seed=0)
    settings = run.section("memory", MemorySettings)
    assert isinstance(settings, MemorySettings) and settings.max_frames == 2
    assert config_section(None, "memory", MemorySettings) == MemorySettings()  # no config: the defaults
    with pytest.raises(SectionError, match="config section 'memory' is a MemorySettings, not the declared Entity"):
        run.section("memory", Entity)


def test_the_agent_record_is_read_through_the_contract():
    """The memory plugin reads the agent's own classes only as `hooks.contract` records."""
    prompt = "a red fox in a blue scarf runs"
    fox = EntityInstance(entity_id=7, type="animal", surface="red fox", span=(2, 9),
                         attributes=[AgentAttribute("blue scarf", (15, 25))])
    assert (fox.id, fox.label, fox.kind, [a.text for a in fox.attributes]) == (7, "red fox", "animal", ["blue scarf"])
    views = read_entities({0: PromptResult(0, prompt, entities=[fox])}, 0, prompt)
    assert views is not None and [(v.id, v.name, v.spans) for v in views] == [(7, "red fox", ((2, 9), (15, 25)))]
    plain = Published((Entity(7, "red fox", "animal", (Attribute("blue scarf"),)),))
    assert [(v.id, v.spans) for v in read_entities({0: plain}, 0, prompt) or []] == [(7, ((2, 9), (15, 25)))]


def test_memory_access_holds_caches_and_sizes_not_the_pipeline():
    params = inspect.signature(MemoryAccess).parameters
    assert "pipeline" not in params
    g = CacheGeometry(tokens_per_frame=4, frames_per_block=3, sink_frames=3, local_attn_frames=6, bank_frames=3)
    computed = []

    def text_keys(ctx, layers):
        computed.append(list(layers))
        return {layer: ctx[..., :2].unsqueeze(-1).expand(*ctx.shape[:2], 2, 2) * (layer + 1) for layer in layers}

    access = MemoryAccess(g, num_layers=2, num_heads=2, head_dim=2, device=torch.device("cpu"), dtype=torch.float32,
                          text_keys=text_keys)
    with pytest.raises(RuntimeError, match="after the init phase"):
        _ = access.cache_shape
    kv = KVCache(g, 2, 1, 2, 2, torch.device("cpu"), torch.float32)
    access.attach(kv, CrossAttnCache(2, 1, 5, 2, 2, torch.device("cpu"), torch.float32))
    assert access.cache_shape == (1, g.capacity, 2, 2)
    embeds = [torch.randn(1, 5, 3)]
    access.set_prompt_embeddings(embeds)
    keys = access.text_keys(0, [1])  # the text cache holds nothing: computed, for the asked layer only
    assert computed == [[1]] and torch.equal(keys[1], text_keys(embeds[0], [1])[1])
    with pytest.raises(RuntimeError, match="no text encoder"):
        access.token_char_spans("a fox")
