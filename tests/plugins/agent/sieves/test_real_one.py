from tests.plugins.agent.sieves.helpers import with_and_without


def test_the_real_one_is_the_being_the_likeness_copies():
    story = ["A barn owl sleeps on a beam in the old mill.",
             "A farmer's daughter sets a carved wooden owl on the windowsill, hoping to fool the real one."]
    on, off = with_and_without("real_one", story)
    assert on == [[1], [1, 2]]
    assert on != off


def test_the_live_one_beside_a_toy_of_its_kind():
    story = ["A grey mouse nibbles a crust under the kitchen table.",
             "A boy drops a toy mouse on the rug, and the live one bolts for the skirting board."]
    on, off = with_and_without("real_one", story)
    assert on == [[1], [1, 2]]
    assert on != off


def test_the_real_one_beside_a_toy_vehicle_is_the_story_vehicle():
    story = ["A little blue tugboat with a painted smile winks at the gulls and puffs out of the harbour.",
             "A gift shop on the quay sells a toy tugboat on a stand. The real one toots and sails past."]
    on, off = with_and_without("real_one", story)
    assert on == [[1], [1]]
    assert on != off
