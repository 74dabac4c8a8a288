from tests.plugins.agent.sieves.helpers import with_and_without


def test_the_member_singled_out_as_the_smallest_is_the_little_one_later():
    story = ["Three acrobats in silver leotards warm up on a mat.",
             "The smallest of the three cartwheels while the tallest stretches.",
             "A clown juggles beside the mat.", "The little one climbs onto the clown's shoulders."]
    on, off = with_and_without("groups", story)
    assert on[3] == [1, 4]
    assert on != off


def test_all_three_labourers_are_the_three_people_of_the_scene_not_a_newcomer():
    # nobody was called a labourer: "all three labourers" refers back to the roofer and his two helpers, not to
    # the neighbour who just came in
    story = ["Tomas, a roofer in a dusty cap, repairs a chimney on a terraced house.",
             "His two helpers, Mia and Raj, pass slates up the ladder.",
             "A neighbour carries out a jug of lemonade, and all three labourers climb down."]
    on, off = with_and_without("groups", story)
    assert on[2] == [1, 2, 3, 4]
    assert on != off
