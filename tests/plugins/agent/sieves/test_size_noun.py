from tests.plugins.agent.sieves.helpers import ids, with_and_without


def test_the_giant_is_the_one_vehicle_described_as_large():
    story = ["In the bay, a little yellow ferry with round eyes darts out to greet a towering oil tanker that sighs"
             " as it turns.",
             "The little ferry circles the giant and hoots twice.",
             "The tanker finally docks."]
    on, off = with_and_without("size_noun", story)
    assert on[1] == [1, 2]
    assert on != off


def test_the_giant_is_the_one_large_robot_not_a_newcomer():
    story = ["In the warehouse a little delivery robot rolls up to an enormous loader robot.",
             "The giant lifts a crate while the tiny machine beeps.",
             "The big machine sets the crate down."]
    on, off = with_and_without("size_noun", story)
    assert on[1] == [1, 2]
    assert on != off


def test_with_nobody_large_the_giant_is_someone_new():
    story = ["A small boy walks into the forest.",
             "The giant steps out from behind an oak.",
             "The boy runs."]
    assert ids(story)[1] == [2]


def test_two_large_machines_decide_nothing():
    story = ["A huge crane robot and a massive digger robot work on the building site.",
             "The giant stops.",
             "The digger rolls away."]
    assert ids(story, ("size_noun",)) == ids(story)
