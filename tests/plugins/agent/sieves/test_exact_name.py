from tests.plugins.agent.sieves.helpers import with_and_without


def test_a_name_finds_the_entity_that_carries_it():
    story = ["Marisol, a baker in a white apron, kneads dough.", "Marisol laughs."]
    on, off = with_and_without("exact_name", story)
    assert on == [[1], [1]]
    assert on != off


def test_a_hyphenated_given_name_is_one_name_word():
    story = ["Kim Seo-yeon, a girl in a yellow raincoat, feeds the ducks.", "Later, Seo-yeon opens her umbrella."]
    on, off = with_and_without("exact_name", story)
    assert on == [[1], [1]]
    assert on != off


def test_a_common_word_once_a_name_stays_a_name():
    story = ["A fisherman mends a net while Storm, his four-year-old son in a green hat, watches the waves.",
             "The fisherman lifts Storm onto the boat."]
    on, off = with_and_without("exact_name", story)
    assert on == [[1, 2], [1, 2]]
    assert on != off


def test_a_name_the_table_guesses_otherwise_keeps_the_gender_its_bearer_was_given():
    # the given-name table guesses "Ito" female; the story says he is a man
    story = ["Ito-sensei, a burly man in a grey apron, sharpens his knives.",
             "A young apprentice chops onions beside him.",
             "Ito-sensei tastes the broth and nods."]
    on, off = with_and_without("exact_name", story)
    assert on[2] == [1]
    assert on != off
