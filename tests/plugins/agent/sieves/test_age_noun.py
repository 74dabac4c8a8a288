"""age_noun: "the teenager" / "the toddler" is the one character of that age."""

from __future__ import annotations

from .helpers import ids, with_and_without


def test_the_teenager_is_the_boy_of_fourteen_not_the_woman_who_stopped_by():
    story = ["A fisherman and his grandson, a boy of fourteen, mend nets on the quay.",
             "A woman with a basket stops to chat.",
             "The teenager ties the last knot."]
    on, off = with_and_without("age_noun", story)
    assert on == [[1, 2], [3], [2]]
    assert on != off


def test_the_toddler_is_the_girl_of_three_not_the_porter():
    story = ["A nurse carries a girl of three into the clinic while a doctor reads a file.",
             "A porter wheels in a trolley.",
             "The toddler waves at the porter."]
    on, off = with_and_without("age_noun", story)
    assert on[2] == [2, 4]
    assert on != off


def test_two_of_that_age_leave_the_word_to_the_other_sieves():
    story = ["Two boys of fifteen and a girl of fourteen wait at a bus stop.",
             "A driver opens the door.",
             "The teenager in front climbs in first."]
    assert ids(story) == ids(story, ("age_noun",))


def test_the_teenager_is_the_one_young_person_when_only_a_noun_gives_ages():
    story = ["A locksmith cuts keys in a kiosk while a boy in a green apron sweeps the floor.",
             "A waitress in a red vest orders a spare key.",
             "The teenager hands her the key."]
    on, off = with_and_without("age_noun", story)
    assert on[2] == [2, 3]
    assert on != off
