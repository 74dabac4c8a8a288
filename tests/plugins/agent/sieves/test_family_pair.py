import pytest

from tests.plugins.agent.sieves.helpers import with_and_without

STORIES = [
    (["A white-haired baker kneads bread in her shop in Lyon, and a stout woman in a red scarf buys rolls.",
      "A tall man in a grey coat walks in; he is her son, back from the army.",
      "Mother and son share a loaf by the oven."], [1, 3]),
    (["An old fisherman mends a net on the quay at Brest, his daughter beside him.",
      "A young man on a bicycle stops to ask the way.",
      "Father and daughter walk home along the harbour wall at dusk."], [1, 2]),
    (["A grey-haired farmer feeds the hens while her grandson carries a bucket.",
      "A woman from the village leans on the gate and chats.",
      "Grandmother and grandson laugh and start again."], [1, 2]),
]


@pytest.mark.parametrize(("story", "last"), STORIES)
def test_a_joined_pair_of_bare_kin_nouns_names_the_related_characters(story, last):
    on, off = with_and_without("family_pair", story)
    assert on[-1] == last
    assert on != off
