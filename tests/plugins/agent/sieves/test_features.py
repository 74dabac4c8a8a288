from tests.plugins.agent.sieves.helpers import with_and_without


def test_a_general_noun_with_a_garment_finds_the_one_who_wore_it():
    # the porter is the most recent man; the hat says it is the conductor
    story = ["A conductor in a tall green hat checks tickets on the platform.",
             "A porter with a grey moustache loads trunks into the van.",
             "The man in the green hat blows his whistle."]
    on, off = with_and_without("features", story)
    assert on[2] == [1]
    assert on != off


def test_a_hyphenated_hair_colour_finds_the_one_described_with_it_whatever_the_noun():
    story = ["A ferryman with long silver hair stands at the tiller.",
             "A deckhand in a yellow jacket coils the rope.",
             "The silver-haired sailor steers toward the island."]
    on, off = with_and_without("features", story)
    assert on[2] == [1]
    assert on != off


def test_a_colour_alone_decides_only_in_an_in_phrase_and_a_differing_colour_rules_out():
    story = ["A runner in orange stretches by the gate while a runner in blue ties her laces.",
             "The athlete in orange sprints off."]
    on, off = with_and_without("features", story)
    assert on[1] == [1]
    assert on != off
