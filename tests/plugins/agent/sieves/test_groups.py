from tests.plugins.agent.sieves.helpers import with_and_without


def test_the_pair_is_the_couple():
    story = ["An elderly couple in matching coats waltzes on the pier.", "The pair glide past a bench."]
    on, off = with_and_without("groups", story)
    assert on == [[1], [1]]
    assert on != off


def test_listed_members_are_the_entities_not_the_plural():
    story = ["Two friends sit on a bench: a man in a hat and a woman in a scarf."]
    on, off = with_and_without("groups", story)
    assert on == [[1, 2]]
    assert on != off
