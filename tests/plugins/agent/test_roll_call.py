"""Members of a counted plural described one by one in its own sentence ("one tall ..., the other short ...")."""

from plugins.agent.mentions import read_mentions
from plugins.agent.reader import parse
from tests.plugins.agent.sieves.helpers import ids


def _relatives(text: str) -> dict:
    return {m.text: m.member_of is not None for m in read_mentions(text, parse(text)).mentions if m.kind == "relative"}


def test_one_and_the_other_after_a_counted_plural_are_described_members():
    found = _relatives("Two carpenters plane a door, one tall with a red beard, the other short and bald.")
    assert found == {"one tall with a red beard": True, "the other short and bald": True}
    found = _relatives("Two gardeners kneel by the roses: one young with a ponytail; the other grey in a straw hat.")
    assert found == {"one young with a ponytail": True, "the other grey in a straw hat": True}
    # no counted plural before it: "one" is no member
    assert _relatives("She waits by the gate, one hand on the latch.") == {}


def test_each_member_keeps_the_looks_it_was_handed():
    workshop = ["Two carpenters plane a door in a workshop, one tall with a red beard, the other short and bald.",
                "The bald carpenter measures a plank while the taller man sweeps the floor."]
    assert ids(workshop) == [[1, 2], [1, 2]]
