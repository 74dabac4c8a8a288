"""old_parent: a grown owner's "father" / "mother" is the one old person of the scene."""

from __future__ import annotations

from .helpers import ids, with_and_without


def test_a_nurses_father_is_the_old_man_beside_her():
    story = ["A nurse in blue scrubs checks a chart while an old man in a cardigan dozes in the armchair.",
             "The nurse kisses her father on the forehead."]
    on, off = with_and_without("old_parent", story)
    assert on == [[1, 2], [1, 2]]
    assert on != off


def test_a_fishermans_mother_is_the_elderly_woman_on_deck():
    story = ["A young fisherman coils rope on the deck; an elderly woman knits beside the wheelhouse.",
             "He brings his mother a mug of tea."]
    on, off = with_and_without("old_parent", story)
    assert on == [[1, 2], [1, 2]]
    assert on != off


def test_a_grandmother_of_a_grown_owner_is_the_old_woman_of_the_scene():
    story = ["A waiter in a white apron sets a table; a white-haired woman sits by the window.",
             "The waiter pours his grandmother a glass of water."]
    on, off = with_and_without("old_parent", story)
    assert on == [[1, 2], [1, 2]]
    assert on != off


def test_an_old_person_of_the_other_sex_is_not_the_father():
    story = ["A nurse in blue scrubs checks a chart while an elderly woman dozes in the armchair.",
             "The nurse phones her father and then wakes the patient."]
    assert ids(story) == ids(story, ("old_parent",))
