import pytest

from plugins.agent import resources
from plugins.agent.nouns import noun_info
from tests.plugins.agent.sieves.helpers import ids


@pytest.mark.parametrize("word", ["carer", "childminder"])
def test_british_words_for_someone_who_looks_after_others_name_a_person(word):
    resources.load()
    info = noun_info(word)
    assert info is not None and info.type == "person"


def test_a_carer_is_a_character_of_the_story():
    story = ["A retired sailor naps in his armchair.",
             "A young carer with green hair wakes him for his tea.",
             "The carer laughs as he tells her a story."]
    assert ids(story) == [[1], [1, 2], [1, 2]]
