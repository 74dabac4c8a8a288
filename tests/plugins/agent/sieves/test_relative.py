from tests.plugins.agent.sieves.helpers import with_and_without


def test_comparatives_pick_the_sister_that_fits():
    story = ["Two sisters stand at a bus stop: a tall girl in a green coat and a small girl in a red scarf.",
             "The taller one waves at a taxi while the smaller one reads."]
    on, off = with_and_without("relative", story)
    assert on[1] == [1, 2]
    assert on != off
