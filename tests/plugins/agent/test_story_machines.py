"""The story's machine called by part of its noun, or by a general word for any machine."""

from plugins.agent.linker import link_story
from plugins.agent.mentions import read_mentions
from plugins.agent.reader import parse
from tests.plugins.agent.sieves.helpers import ids, with_and_without


def _nouns(text: str, machines: frozenset[str] = frozenset(), vehicles: frozenset[str] = frozenset()) -> dict:
    return {m.text: m.type for m in read_mentions(text, parse(text), frozenset(), machines, frozenset(), vehicles)
            .mentions if m.kind == "noun"}


def test_the_first_half_of_a_vehicle_compound_names_the_story_vehicle():
    # "tug" alone is a pull; after "a tugboat" it is the boat
    assert "the tug" not in _nouns("A gull lands beside the tug.")
    assert _nouns("A gull lands beside the tug.", vehicles=frozenset({"tugboat"}))["the tug"] == "vehicle"


def test_a_clipped_vehicle_noun_is_the_story_vehicle():
    story = ["A white limousine with sleepy headlight eyes yawns outside a chapel in the desert.",
             "A coyote trots past the limo and sniffs its tyres."]
    assert ids(story) == [[1], [1, 2]]


def test_a_general_machine_word_needs_a_machine_in_the_story():
    assert "The machine" not in _nouns("The machine hums in the corner.")
    assert _nouns("The machine hums in the corner.", machines=frozenset({"drone"}))["The machine"] == "robot"
    # an indefinite one is some other machine
    assert "a coffee machine" not in _nouns("She waits by a coffee machine.", machines=frozenset({"drone"}))


def test_the_machine_is_the_story_robot_or_vehicle():
    drone = ["A dented orange survey drone buzzes over a frozen lake at dusk.",
             "A gust tips the machine sideways and it skids across the ice.",
             "A fisherman in a fur hat picks up the little craft and brushes the frost off it."]
    on, off = with_and_without("wordnet", drone)
    assert on == [[1], [1], [1, 2]]
    assert on != off
    plough = ["A small blue snowplough with headlamp eyes rumbles out of its garage.",
              "A fox darts across the road, and the machine brakes with a squeal."]
    assert ids(plough) == [[1], [1, 2]]


def test_a_machine_word_that_is_none_of_the_story_machines_is_a_thing():
    story = ["A squat grey cleaning robot polishes the floor of an empty arcade.",
             "It bumps into a pinball table, and the machine behind it lights up and jingles."]
    result = link_story(story)
    assert result[1].entity_ids == [1]
