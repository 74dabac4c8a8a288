from plugins.agent.linker import link_story
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


def test_the_one_with_a_feature_from_a_whose_clause():
    # the feature is stated only in a "whose" clause of the second rower, after the first rower's "with" phrase
    story = ["Two rowers wait on a dock: a tall man with a red cap and a thin man whose left hand is wrapped "
             "in a bandage.",
             "A gull lands on a post. The one with the bandage unties the boat."]
    on, off = with_and_without("relative", story)
    assert on[1] == [2, 3]
    assert on != off


def test_the_other_is_read_against_the_previous_sentence_when_its_own_names_nobody():
    story = ["Two dancers bow on a stage: a tall woman in a red dress and a short woman in a blue dress.",
             "A judge in a grey suit lifts the short woman's hand. The other woman smiles and claps."]
    on, off = with_and_without("relative", story)
    other = next(lk for lk in link_story(story)[1].links if lk["text"] == "The other woman")
    assert other["ids"] == [1]
    assert on != off


def test_a_counterpart_noun_takes_the_other_member_of_the_owners_set():
    # the judge is as recent as the tall woman; "her opponent" is the one she came in with
    story = ["Two fencers bow on a strip: a tall woman in a white jacket and a short woman in a grey jacket.",
             "A judge in a black suit raises a flag.",
             "The short woman lunges and touches her opponent's shoulder."]
    on, off = with_and_without("relative", story)
    result = link_story(story)[2]
    opponent = next(lk for lk in result.links if lk["text"] == "her opponent")
    assert opponent["ids"] == [1]
    assert on != off


def test_a_keeper_noun_of_an_animal_is_the_person_with_it():
    story = ["A farmer in a straw hat leads a grey donkey along a lane.",
             "The donkey stops at a gate and its owner laughs."]
    on, off = with_and_without("relative", story)
    assert on == [[1, 2], [1, 2]]
    assert on != off


def test_a_keeper_noun_prefers_the_person_paired_with_the_animal():
    story = ["A ranger in a green coat and a big grey dog set off up a path, the two of them in step.",
             "A hiker in a red jacket waves from a rock.",
             "The dog sniffs a log. Its handler kneels beside it."]
    on, off = with_and_without("relative", story)
    assert on[2] == [1, 2]
    assert on != off



def test_an_agent_noun_is_the_one_who_did_its_verb():
    story = ["Two hikers climb a ridge: a tall man in a red coat and a short man in a blue coat.",
             "The short man leads the way up a gully.",
             "The leader stops and points at a hawk."]
    on, off = with_and_without("relative", story)
    assert on[2][0] == 2 and 1 not in on[2]
    assert on != off


def test_a_definite_role_nobody_bears_is_the_recent_entity_it_describes():
    story = ["A tiny nurse in a yellow coat walks beside a tall farmer on a pier.",
             "Music starts and the tiny skater twirls on the boards while the farmer claps."]
    on, off = with_and_without("relative", story)
    assert on == [[1, 2], [1, 2]]
    assert on != off



def test_a_keeper_noun_takes_the_person_named_before_it_in_its_prompt():
    story = ["Two friends drive a van along a coast road.",
             "They stop for a fisherman with a grey dog. The dog jumps in first, then its owner.",
             "The van rolls on while the owner of the dog hums."]
    on, off = with_and_without("relative", story)
    owner = next(lk for lk in link_story(story)[1].links if lk["text"] == "its owner")
    assert owner["ids"] == [3] and on[2] == [3, 4]
    assert on != off


def test_an_animals_counterpart_is_an_animal_not_the_person_nearby():
    story = ["A boy in a red cap feeds a grey goose by a pond.",
             "A white gander lands beside the goose while the boy watches.",
             "The goose honks at her mate."]
    on, off = with_and_without("relative", story)
    assert on[2] == [2, 3]
    assert on != off
