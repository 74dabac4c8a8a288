from tests.plugins.agent.sieves.helpers import with_and_without


def test_the_same_head_noun_is_the_same_entity():
    story = ["A chef in a tall hat tastes a sauce.", "The chef shouts at the stove."]
    on, off = with_and_without("head_match", story)
    assert on == [[1], [1]]
    assert on != off


def test_a_contradicting_attribute_blocks_the_match():
    on, _ = with_and_without("head_match", ["A man in a red coat waits.", "The man in a blue coat sits."])
    assert on[1] != on[0]


def test_a_possessive_noun_is_never_its_own_owner():
    # both children are cousins; "his cousin" repeats the noun of both, but he is the boy, so it is the girl
    story = ["Two cousins race along a beach: a girl in a green coat and a boy in a red cap.",
             "The boy trips, and his cousin helps him up."]
    on, off = with_and_without("head_match", story)
    assert on == [[1, 2], [1, 2]]
    assert on != off
