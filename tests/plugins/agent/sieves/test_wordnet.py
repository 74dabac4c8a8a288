from tests.plugins.agent.sieves.helpers import with_and_without


def test_a_hypernym_finds_the_entity():
    story = ["A seagull lands on the harbour wall.", "The bird pecks at a crust."]
    on, off = with_and_without("wordnet", story)
    assert on == [[1], [1]]
    assert on != off
