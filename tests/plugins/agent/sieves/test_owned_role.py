from tests.plugins.agent.sieves.helpers import ids, with_and_without


def test_a_possessive_role_word_is_the_one_other_person_of_the_scene():
    # the woman was never called "his coach"; she is the only other person there
    story = ["A wiry woman in a red tracksuit blows a whistle at the edge of the pool.",
             "A boy dives in while she counts the laps.",
             "The boy climbs out and his coach hands him a towel."]
    on, off = with_and_without("owned_role", story)
    assert on[2] == [1, 2]
    assert on != off


def test_a_possessor_of_a_thing_is_not_taken_for_someone_there():
    # "his manager's glasses": the manager owns a thing, nothing says he is there (nor that he is the cook)
    story = ["A young cook chops onions beside a waiter.",
             "The waiter polishes his manager's glasses."]
    assert ids(story)[1] == [2]


def test_a_machines_twin_is_not_the_person_of_the_scene():
    story = ["A small silver robot sweeps the lobby while a porter stacks chairs.",
             "The robot beeps as its twin rolls out of the lift."]
    assert ids(story) == ids(story, ("owned_role",))
