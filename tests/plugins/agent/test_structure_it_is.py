import pytest

from plugins.agent import structure
from tests.plugins.agent.sieves.helpers import ids

STORIES = [
    ["An old fisherman dozes by the window of a seaside cafe.",
     "A stout woman with a basket of plums comes in; it is Marisol herself, and the old man wakes with a grin."],
    ["A girl in a yellow coat reads on the porch.",
     "A tall man knocks at the door. It is her uncle Ravi, back from sea."],
    ["A baker stacks loaves behind the counter while his son sweeps.",
     "A woman in a red cap taps on the glass. It is Greta, and the baker waves her in."],
]


@pytest.mark.parametrize(("story", "last"), list(zip(STORIES, ([1, 2], [1, 2], [1, 3]), strict=True)))
def test_an_it_is_clause_names_the_character_just_introduced(story, last, monkeypatch):
    on = ids(story)
    assert on[-1] == last
    monkeypatch.setattr(structure._StructureLinker, "_who_it_is", lambda self, it, verb: None)
    assert ids(story) != on


def test_what_someone_thinks_it_is_names_nobody():
    story = ["A widow waters her roses.",
             "A bearded man in a cap waits by the fence, and she wonders if it is her husband."]
    assert ids(story)[-1] == [1, 2]
