from tests.plugins.agent.sieves.helpers import with_and_without


def test_a_general_word_with_old_names_the_one_described_as_old():
    # "the old man" shares its head with the passenger, but only the ferryman was described as old
    story = ["An elderly ferryman in a navy sweater coils rope on the dock.",
             "A man in a yellow raincoat buys a ticket and boards the boat.",
             "The old man casts off and steers into the fog."]
    on, off = with_and_without("stated_age", story)
    assert on == [[1], [2], [1]]
    assert on != off


def test_grey_hair_says_old():
    story = ["A grey-haired gardener in overalls prunes the roses by the wall.",
             "A woman with a dog and a man in a suit wait at the gate.",
             "The old man waves to them and goes back to the roses."]
    on, off = with_and_without("stated_age", story)
    assert on[2] == [1, 2, 3, 4]  # the gardener; "them" the three at the gate
    assert on != off


def test_an_elder_kin_word_without_owner_names_the_one_old_person():
    # "passenger" is no kind of woman, so only the elderly passenger's age says who the grandmother is
    story = ["On a night ferry, an elderly passenger in a green shawl peels oranges.",
             "A teenage boy with a skateboard sits across the aisle.",
             "Once the deckhand leaves, the grandmother describes her village to the boy."]
    on, off = with_and_without("stated_age", story)
    assert on == [[1], [2], [1, 2]]
    assert on != off
