"""The sieve linker end to end: ids per prompt, a registry saved and read back, and the per-mention links."""

from plugins.agent import AgentConfig, EntityAgent
from plugins.agent.registry import GlobalRegistry

STORY = [
    "Noor, a potter in a blue smock, shapes a bowl at her wheel.",
    "A boy in a yellow cap watches her from the doorway.",
    "The potter hands the boy a lump of clay and he laughs.",
    "Noor and the boy set the bowls out to dry.",
]


def _agent() -> EntityAgent:
    return EntityAgent(AgentConfig())


def test_ids_per_prompt():
    agent = _agent()
    assert [agent.process_prompt(p, k).entity_ids for k, p in enumerate(STORY)] == [[1], [1, 2], [1, 2], [1, 2]]
    assert agent.registry[1].type == "person" and agent.registry[1].gender == "female"


def test_a_saved_registry_continues_the_story(tmp_path):
    straight = _agent()
    expected = [straight.process_prompt(p, k).entity_ids for k, p in enumerate(STORY)]
    first = _agent()
    for k, p in enumerate(STORY[:2]):
        first.process_prompt(p, k)
    loaded = GlobalRegistry.load(first.registry.save(tmp_path / "registry.json"))
    second = _agent()
    second.load_registry(loaded)
    assert [second.process_prompt(p, k).entity_ids for k, p in enumerate(STORY) if k >= 2] == expected[2:]


def test_links_name_the_sieve_of_every_mention():
    result = _agent().process_prompt(STORY[0], 0)
    by_text = {link["text"]: link for link in result.links}
    assert by_text["Noor"]["sieve"] == "new" and by_text["Noor"]["ids"] == [1]
    assert by_text["a potter"]["sieve"] == "apposition" and by_text["a potter"]["ids"] == [1]
    assert result.to_json()["links"] == result.links


def test_scene_phrases_are_places_not_clothing_or_characters():
    prompt = "A potter in a blue smock shapes a bowl in a sunny workshop beside the river, next to her son."
    result = _agent().process_prompt(prompt, 0)
    assert [s.text for s in result.scene] == ["in a sunny workshop", "beside the river"]
    assert all(prompt[slice(*s.span)] == s.text for s in result.scene)
