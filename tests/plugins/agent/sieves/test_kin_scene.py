from tests.plugins.agent.sieves.helpers import with_and_without


def test_a_kin_term_of_another_generation_names_the_unrelated_person_of_that_age_in_the_scene():
    story = ["In a quiet bakery, an old woman in a flour-dusted apron and a woman in her thirties knead dough.",
             "The old woman hums while her daughter slides a tray into the oven.",
             "A boy of about eight rushes in from the street.",
             "The younger woman wipes her hands and her son grabs a warm roll."]
    on, off = with_and_without("relative", story)
    assert on[1] == [1, 2]
    assert on[3] == [2, 3]
    assert on != off


def test_a_grandchild_is_the_teenager_beside_the_old_man():
    story = ["A grey-haired man of seventy and a lanky teenager mend a fishing net on the pier.",
             "The old man ties a knot while his grandson holds the float."]
    on, off = with_and_without("relative", story)
    assert on[1] == [1, 2]
    assert on != off


def test_a_son_is_not_the_grown_man_of_her_own_generation():
    story = ["A man and a woman in her forties sit at a cafe table.",
             "Her son brings two cups of coffee."]
    on, _ = with_and_without("relative", story)
    assert on[1] == [2, 3]


def test_of_several_of_another_generation_the_one_nearest_the_kin_nouns_age():
    story = ["In a busy bakery, a stooped old baker with a white beard and his son, a burly man in a floury apron, "
             "knead dough.",
             "A girl of about seven skips in and hugs her grandfather."]
    on, off = with_and_without("relative", story)
    assert on[1] == [1, 3]
    assert on != off


def test_a_second_kin_term_of_the_same_owner_names_someone_else():
    # the aunt is taken by "his aunt"; "his grandma" is then the elderly sister beside her, not a newcomer
    show = ["At the village show, a tall woman in a red hat and her elderly sister on a walking frame wait beside "
            "their prize marrows.",
            "A small boy pushes through the crowd towards them.",
            "The boy hugs his aunt in the red hat while his grandma claps."]
    on, off = with_and_without("relative", show)
    assert on == [[1, 2], [1, 2, 3], [1, 2, 3]]
    assert on != off
