from tests.plugins.agent.sieves.helpers import with_and_without


def test_a_name_finds_the_entity_that_carries_it():
    story = ["Marisol, a baker in a white apron, kneads dough.", "Marisol laughs."]
    on, off = with_and_without("exact_name", story)
    assert on == [[1], [1]]
    assert on != off
