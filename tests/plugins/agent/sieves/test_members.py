from tests.plugins.agent.sieves.helpers import with_and_without


def test_the_member_singled_out_as_the_smallest_is_the_little_one_later():
    story = ["Three acrobats in silver leotards warm up on a mat.",
             "The smallest of the three cartwheels while the tallest stretches.",
             "A clown juggles beside the mat.", "The little one climbs onto the clown's shoulders."]
    on, off = with_and_without("groups", story)
    assert on[3] == [1, 4]
    assert on != off
