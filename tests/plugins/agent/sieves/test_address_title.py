"""address_title: a kin or courtesy title used alone as a name is the one person of the scene it fits."""

from __future__ import annotations

import pytest

from .helpers import ids, with_and_without


def test_grandma_alone_is_the_old_woman_met_by_description():
    story = ["An old woman in a grey shawl scatters seed for the hens behind a cottage.",
             "A young man named Dario leans on the gate beside her with a basket.",
             "Grandma counts the eggs while Dario laughs."]
    on, off = with_and_without("address_title", story)
    assert on == [[1], [1, 2], [1, 2]]
    assert on != off


def test_papa_alone_is_the_bearded_man_not_the_girl():
    story = ["A grey-bearded man repairs a bicycle in a dusty yard.",
             "A girl called Ines hands him a wrench from the toolbox.",
             "Papa tightens the chain and Ines spins the pedal."]
    on, off = with_and_without("address_title", story)
    assert on == [[1], [1, 2], [1, 2]]
    assert on != off


def test_a_lower_case_title_without_article_is_used_as_a_name():
    story = ["A white-haired woman shells peas on a wooden porch.",
             "A schoolboy in a red cap sits on the step and watches until nonna hands him a bowl."]
    on, off = with_and_without("address_title", story)
    assert on == [[1], [1, 2]]
    assert on != off


def test_two_women_who_fit_leave_the_title_a_new_person():
    story = ["An old woman and a tall woman sell loaves at a roadside stall.",
             "Nana wraps a loaf in paper for a passing cyclist."]
    assert ids(story)[1] not in ([1], [2])
    assert 3 in ids(story)[1]


def test_a_title_beside_the_one_old_woman_already_mentioned_is_someone_else():
    story = ["An old woman in a grey shawl scatters seed for the hens.",
             "The old woman waves as Grandma arrives at the gate with a cake."]
    assert ids(story)[1] == [1, 2]


@pytest.mark.parametrize("title", ["Obaachan", "Teyze", "Maman", "Paati", "Halmoni", "Vovó"])
def test_a_grandmothers_or_ladys_title_of_another_language_is_the_old_woman(title):
    story = ["An old woman in a grey shawl scatters seed for the hens behind a cottage.",
             "A young man named Dario leans on the gate beside her with a basket.",
             f"{title} counts the eggs while Dario laughs."]
    on, off = with_and_without("address_title", story)
    assert on == [[1], [1, 2], [1, 2]]
    assert on != off


@pytest.mark.parametrize("title", ["Thatha", "Ojiichan", "Amca"])
def test_a_mans_title_of_another_language_is_the_bearded_man(title):
    story = ["A grey-bearded man repairs a bicycle in a dusty yard.",
             "A girl called Ines hands him a wrench from the toolbox.",
             f"{title} tightens the chain and Ines spins the pedal."]
    on, off = with_and_without("address_title", story)
    assert on == [[1], [1, 2], [1, 2]]
    assert on != off


def test_a_grandmothers_title_among_two_women_is_the_old_one():
    story = ["An old woman in a grey shawl scatters seed for the hens while a young woman in jeans mends the fence.",
             "Nonna counts the eggs in the basket."]
    on, off = with_and_without("address_title", story)
    assert on == [[1, 2], [1]]
    assert on != off


def test_an_aunts_title_among_two_women_picks_no_one():
    story = ["An old woman in a grey shawl scatters seed for the hens while a young woman in jeans mends the fence.",
             "Auntie counts the eggs in the basket."]
    assert ids(story)[1] == [3]
