from tests.plugins.agent.sieves.helpers import with_and_without


def test_their_grandparents_are_new_people_not_the_children():
    # the girls' grandparents are two more people, one group: "the elderly couple" finds them, not the girls
    story = ["Twin girls of about nine chase a kite across a windy meadow.",
             "Their grandparents follow slowly along the path, holding hands.",
             "The elderly couple sit down on a bench."]
    on, off = with_and_without("groups", story)
    assert on == [[1, 2], [1, 2, 3], [3]]
    assert on != off

