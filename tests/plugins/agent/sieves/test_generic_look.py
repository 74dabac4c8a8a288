from tests.plugins.agent.sieves.helpers import ids, with_and_without


def test_an_age_word_on_a_general_noun_finds_the_one_described_that_age_not_the_one_sharing_the_noun():
    # the only "woman" so far is the traveller; "old" says it is the elderly keeper
    story = ["An elderly lighthouse keeper in a wool cap climbs the spiral stairs.",
             "She watches a woman with a red suitcase step off the supply boat.",
             "The old woman lights the lamp while the visitor unpacks."]
    on, off = with_and_without("generic_look", story)
    assert on[2] == [1, 2]
    assert on != off


def test_a_build_word_finds_the_one_of_that_build():
    story = ["A stout baker kneads dough beside a young apprentice.",
             "A man in a flour-dusted apron carries the trays to the oven.",
             "The plump man slides the loaves onto the rack."]
    on, off = with_and_without("generic_look", story)
    assert on[2] == [1]
    assert on != off


def test_two_entities_with_the_look_decide_nothing():
    story = ["An old fisherman mends a net beside an elderly ferryman.",
             "A man in a red coat walks along the quay.",
             "The old man waves."]
    assert ids(story, ("generic_look",)) == ids(story)
