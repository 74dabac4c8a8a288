"""A word for the male or female of an animal kind whose usual sense is a thing names the story's animal."""

from plugins.agent.mentions import read_mentions
from plugins.agent.reader import parse
from tests.plugins.agent.sieves.helpers import ids


def _nouns(text: str, animals: frozenset[str] = frozenset()) -> dict:
    return {m.text: (m.type, m.gender) for m in read_mentions(text, parse(text), frozenset(), frozenset(), animals)
            .mentions if m.kind == "noun"}


def test_a_sexed_animal_word_needs_the_animal_in_the_story():
    # without a swan the pen is a writing tool; with one it is the female swan
    assert "the pen" not in _nouns("She sets the pen down on the ledger.")
    assert _nouns("On the lake the pen dips her neck.", frozenset({"swan"}))["the pen"] == ("animal", "female")
    assert _nouns("The cob spreads his wings.", frozenset({"swan"}))["The cob"] == ("animal", "male")
    # a deer in the story makes "the hind" its doe; a swan makes no dam of "the dam"
    assert _nouns("The hind lifts her head.", frozenset({"deer"}))["The hind"] == ("animal", "female")
    assert "the dam" not in _nouns("Water pours over the dam.", frozenset({"swan"}))


def test_the_male_and_female_of_a_pair_keep_their_ids():
    pond = ["Two black swans drift across a reservoir near a boathouse.",
            "The male swan arches his neck while the female preens her wing.",
            "A jogger in a blue cap stops on the path to watch them.",
            "The cob charges at the jogger, while the pen swims away under the jetty."]
    assert ids(pond) == [[1, 2], [1, 2], [1, 2, 3], [1, 2, 3]]
    glade = ["A stag and a doe graze at the edge of a misty forest.",
             "A hiker with a yellow rucksack freezes on the trail.",
             "The hind bolts into the ferns, and the stag follows her."]
    assert ids(glade) == [[1, 2], [3], [1, 2]]
