from tests.plugins.agent.sieves.helpers import with_and_without


def test_an_elder_kin_word_without_owner_names_the_one_old_person():
    # "passenger" is no kind of woman, so only the elderly passenger's age says who the grandmother is
    story = ["On a night ferry, an elderly passenger in a green shawl peels oranges.",
             "A teenage boy with a skateboard sits across the aisle.",
             "Once the deckhand leaves, the grandmother describes her village to the boy."]
    on, off = with_and_without("elder_kin", story)
    assert on == [[1], [2], [1, 2]]
    assert on != off
