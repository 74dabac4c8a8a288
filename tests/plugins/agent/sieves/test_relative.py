from tests.plugins.agent.sieves.helpers import with_and_without


def test_comparatives_pick_the_sister_that_fits():
    story = ["Two sisters stand at a bus stop: a tall girl in a green coat and a small girl in a red scarf.",
             "The taller one waves at a taxi while the smaller one reads."]
    on, off = with_and_without("relative", story)
    assert on[1] == [1, 2]
    assert on != off


def test_kin_stated_in_an_apposition_finds_the_reverse_relation_later():
    story = ["Marta, a potter in a grey apron, shapes a bowl at her wheel.",
             "Tomas, her grandson, carries in a sack of clay.",
             "Tomas hands the sack to his grandmother and she smiles."]
    on, off = with_and_without("relative", story)
    assert on[2] == [1, 2]
    assert on != off


def test_siblings_share_a_grandparent():
    story = ["Marta, a potter in a grey apron, shapes a bowl at her wheel.",
             "Lena, her granddaughter, sweeps the floor. Pavel, Lena's little brother, runs in with a kite.",
             "Pavel tugs at the sleeve of his grandmother while his sister laughs."]
    on, off = with_and_without("relative", story)
    assert on[2] == [1, 2, 3]
    assert on != off


def test_stated_ages_past_ten_order_two_children():
    story = ["A tall boy of about fifteen in a green coat waits at a bus stop with his cousin, "
             "a twelve-year-old in a red scarf.",
             "The younger boy waves at a taxi."]
    on, off = with_and_without("relative", story)
    assert on[1] == [2]
    assert on != off


def test_an_ordinal_with_a_noun_picks_by_order_of_introduction():
    story = ["A jogger in a pink headband buys a lemonade.", "A second jogger, a stocky man, buys two cups.",
             "The first jogger comes back."]
    on, off = with_and_without("relative", story)
    assert on == [[1], [2], [1]]
    assert on != off


def test_a_kin_noun_without_an_owner_finds_the_one_entity_with_that_relation():
    story = ["A baker in a white apron kneads dough. Tobi, her grandson, carries the flour.",
             "The grandmother smiles."]
    on, off = with_and_without("relative", story)
    assert on == [[1, 2], [1]]
    assert on != off


def test_an_indefinite_comparative_introduces_the_other_member():
    # "a shorter man" in the list compares her with the one just named; it does not pick that one
    story = ["Two boxers bow: a tall man in red gloves and a shorter man in blue gloves. Both raise their fists.",
             "The shorter man jabs."]
    on, off = with_and_without("relative", story)
    assert on[0] == [1, 2] and on[1] == [2]
    assert on != off
