import pytest

from plugins.agent import arrivals, structure
from tests.plugins.agent.sieves.helpers import ids

STORIES = [
    ["An old man waits on the platform for his daughter.",
     "The train stops and his daughter steps down: a tall woman with a rucksack."],
    ["A farmer kneels beside a sick cow and phones the vet.",
     "The gate creaks and the vet hurries in: a short man in green overalls."],
]


@pytest.mark.parametrize("story", STORIES)
def test_the_phrase_after_an_entrance_colon_describes_who_came_in(story, monkeypatch):
    on = ids(story)
    monkeypatch.setattr(structure, "link_arrivals", lambda text, doc, mentions: None)
    off = ids(story)
    assert len(set(on[-1])) < len(set(off[-1]))


def test_a_phrase_with_its_own_verb_after_the_colon_is_someone_else():
    story = ["A porter waits by the lift.", "The nurse steps out: a man in a grey coat waits by the door."]
    assert len(ids(story)[-1]) == 2


def test_a_verb_of_looking_before_the_colon_links_nobody():
    assert "look" not in arrivals._ENTRANCE_VERBS
