"""`agent.extra_entity_nouns`: nouns a config declares story entities (the toy world's shapes)."""

from __future__ import annotations

import pytest

from memflow_ext.config import ConfigError, load_config
from plugins.agent.agent import EntityAgent
from plugins.agent.config import AgentConfig

STORY = ["a blue square moves right", "the blue square moves up and a red circle leaves to the left",
         "the red circle comes back"]


def _ids(agent: EntityAgent) -> list[list[tuple[int, str]]]:
    return [[(e.entity_id, e.surface) for e in agent.process_prompt(p, i).entities] for i, p in enumerate(STORY)]


def test_extra_nouns_make_shapes_entities_with_consistent_ids():
    ids = _ids(EntityAgent(AgentConfig(extra_entity_nouns=["circle", "square", "triangle"])))
    assert ids == [[(1, "a blue square")], [(1, "the blue square"), (2, "a red circle")], [(2, "the red circle")]]


def test_without_them_the_shapes_are_not_entities():
    assert _ids(EntityAgent(AgentConfig())) == [[], [], []]


def test_the_config_key_is_validated():
    cfg = load_config(overrides=["agent.extra_entity_nouns=[circle,square]"])
    assert list(cfg.agent.extra_entity_nouns) == ["circle", "square"]
    with pytest.raises(ConfigError, match="agent.extra_entity_nouns"):
        load_config(overrides=["agent.extra_entity_nouns=['two words']"])


def test_collectives_of_people_come_from_wordnet_and_activities_do_not():
    from plugins.agent.nouns import NounInfo, noun_info

    assert noun_info("crew") == noun_info("choir") == NounInfo("group", "group")
    assert noun_info("duet") is None  # also a performance: "they sing a duet"
