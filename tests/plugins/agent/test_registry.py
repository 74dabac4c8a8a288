"""The registry and mapping.json content for a 3-prompt story; a reload continues the story; config checks."""

from __future__ import annotations

import json

import pytest

from plugins.agent import AgentConfig, AgentConfigError, EntityAgent, GlobalRegistry

STORY = [
    "A young man in a denim jacket waits at a rainy bus stop.",
    "The protagonist opens a red umbrella as another man in a green sweater runs up to the shelter.",
    "He shares the umbrella with the man in the green sweater.",
    "The man in the green sweater thanks him and they walk into the rain together.",
]


def test_mapping_json_for_a_three_prompt_story():
    agent = EntityAgent()
    results = [agent.process_prompt(p, k) for k, p in enumerate(STORY[:3])]
    assert [r.entity_ids for r in results] == [[1], [1, 2], [1, 2]]
    mapping = agent.mapping_json()
    json.dumps(mapping)  # plain JSON
    reg = mapping["global_registry"]
    assert reg["backend"] == "rules" and reg["fallbacks"] == []
    assert set(reg["time_ms"]) == {"0", "1", "2"}
    ents = {e["id"]: e for e in reg["entities"]}
    assert set(ents) == {1, 2}
    young = ents[1]
    assert young["name"] == "young man" and young["type"] == "person" and young["gender"] == "male"
    assert young["prompts"] == [0, 1, 2]
    assert young["surface_names"][:2] == ["A young man", "The protagonist"] and "He" in young["surface_names"]
    assert "young" in young["attributes"]  # the attributes' wording: test_agent.py, attributes as written
    assert ents[2]["prompts"] == [1, 2] and ents[2]["attributes"]
    assert "the man" in ents[2]["surface_names"]
    inst = young["instances"]["0"]
    assert inst["surface"] == "A young man" and STORY[0][slice(*inst["span"])] == "A young man"
    assert any(a["text"] == "young" and STORY[0][slice(*a["span"])] == "young" for a in inst["attributes"])
    assert [p["entity_ids"] for p in reg["prompts"]] == [[1], [1, 2], [1, 2]]
    assert reg["prompts"][1]["fallback"] is None and reg["prompts"][1]["backend"] == "rules"


def test_registry_survives_a_reload(tmp_path):
    straight = EntityAgent()
    expected = [straight.process_prompt(p, k).entity_ids for k, p in enumerate(STORY)]

    first = EntityAgent()
    for k, p in enumerate(STORY[:3]):
        first.process_prompt(p, k)
    path = first.registry.save(tmp_path / "sub" / "registry.json")
    assert path.is_file() and not list(path.parent.glob(".*tmp"))  # written atomically, no leftovers

    loaded = GlobalRegistry.load(path)
    assert loaded.to_json() == first.registry.to_json()
    second = EntityAgent()
    second.load_registry(loaded)
    assert second.process_prompt(STORY[3], 3).entity_ids == expected[3]
    assert second.registry[2].instances.keys() == {1, 2, 3}

    # a whole mapping.json reads back too
    (tmp_path / "mapping.json").write_text(json.dumps({**first.mapping_json(), "frame_archive": {}}))
    again = GlobalRegistry.load(tmp_path / "mapping.json")
    assert again.to_json()["entities"] == first.registry.to_json()["entities"]


def test_reset_starts_a_new_story():
    agent = EntityAgent()
    agent.process_prompt(STORY[0], 0)
    agent.reset()
    assert len(agent.registry) == 0
    assert agent.process_prompt("A cat sleeps on a windowsill.", 0).entity_ids == [1]


@pytest.mark.parametrize("kwargs, key", [
    ({"backend": "gpt"}, "agent.backend"),
    ({"timeout_s": 0}, "agent.timeout_s"),
    ({"timeout_s": "30"}, "agent.timeout_s"),
    ({"retries": -1}, "agent.retries"),
    ({"retries": True}, "agent.retries"),
    ({"max_new_tokens": 0}, "agent.max_new_tokens"),
    ({"enabled": "yes"}, "agent.enabled"),
    ({"backend": "transformers"}, "agent.model_path"),
    ({"backend": "openai"}, "agent.base_url"),
    ({"model": ""}, "agent.model"),
    ({"api_key_env": ""}, "agent.api_key_env"),
])
def test_config_errors_name_the_key(kwargs, key):
    with pytest.raises(AgentConfigError, match=key.replace(".", r"\.")):
        AgentConfig(**kwargs)


def test_config_from_sections():
    from omegaconf import OmegaConf

    assert AgentConfig.from_any(None) == AgentConfig()
    cfg = AgentConfig.from_any(OmegaConf.create({"enabled": True, "backend": "openai", "base_url": "http://x/v1",
                                                 "timeout_s": 5}))
    assert cfg.backend == "openai" and cfg.timeout_s == 5.0
    with pytest.raises(AgentConfigError, match="agent.temperature"):
        AgentConfig.from_any({"temperature": 0.7})

    class Section:  # the engine's own `agent:` section may carry only some keys
        enabled = True

    assert AgentConfig.from_any(Section()) == AgentConfig()


def test_the_rule_linker_is_the_sieves_and_another_value_names_the_valid_one():
    from memflow_ext.config import ConfigError, load_config

    assert AgentConfig().linker == "sieves"
    assert load_config(overrides=["agent.linker=sieves"]).agent.linker == "sieves"  # configs that name it load
    with pytest.raises(ConfigError, match=r"agent\.linker must be 'sieves'.*got 'rules'"):
        load_config(overrides=["agent.linker=rules"])
