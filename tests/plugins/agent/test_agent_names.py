"""The agent's rules (the sieve linker) on made-up stories with named characters, unlisted nouns, props
and absent people.

Every story here is invented for the test; each asserts the global IDs per prompt, so removing
the mechanism it exercises (names, appositions, the open-vocabulary resource, ...) breaks it.
Strict xfails (`sieves_fail`) mark behaviours the sieve linker does not have yet.
"""

from __future__ import annotations

import pytest

from plugins.agent import lexicon as L
from plugins.agent import resources as R
from tests.plugins.agent.test_agent import run_story, sieves_fail


def test_two_women_told_apart_only_by_name():
    agent, ids = run_story([
        "Mara, a woman in a mint scarf, and Tess, a woman in a maroon cardigan, wait at the tram stop.",
        "Tess checks the timetable while Mara hums a tune.",
        "Mara points at the approaching tram.",
        "Tess and Mara climb aboard and sit by the window.",
    ])
    assert ids == [[1, 2], [1, 2], [1], [1, 2]]
    assert agent.registry[1].gender == "female" and agent.registry[2].gender == "female"


@sieves_fail("the attributes of named characters keep their preposition: 'in a mint scarf', 'in a maroon cardigan' "
             "where the visual phrase is 'mint scarf', 'maroon cardigan'")
def test_named_characters_keep_their_visual_attributes():
    agent, _ = run_story([
        "Mara, a woman in a mint scarf, and Tess, a woman in a maroon cardigan, wait at the tram stop.",
        "Tess checks the timetable while Mara hums a tune.",
    ])
    assert "mint scarf" in agent.registry[1].attributes and "maroon cardigan" in agent.registry[2].attributes


def test_title_and_surname_then_the_title_noun():
    agent, ids = run_story([
        "Professor Okafor adjusts his glasses at the front of the lecture hall.",
        "The professor writes a long equation on the board.",
        "Okafor turns and smiles at the back row.",
        "Ms. Delacroix, a young teaching assistant, hands him a stack of papers.",
        "The assistant leaves as Okafor reads the first page.",
    ])
    assert ids == [[1], [1], [1], [1, 2], [1, 2]]
    assert agent.registry[1].gender == "male"
    assert agent.registry[2].gender == "female"


def test_apposition_then_description_and_pronoun():
    agent, ids = run_story([
        "Amara, a baker in a flour-dusted apron, kneads dough at dawn.",
        "The baker slides a tray of rolls into the oven.",
        "She wipes her hands on a towel and hums.",
        "A delivery driver knocks on the window and the baker waves.",
    ])
    assert ids == [[1], [1], [1], [1, 2]]
    assert "baker" in agent.registry[1].nouns


def test_description_then_a_name_given_later():
    _, ids = run_story([
        "A tall fisherman with a grey beard mends a net on the dock.",
        "The fisherman, Tobiah, looks up at the storm clouds.",
        "Tobiah hauls the net into his boat.",
    ])
    assert ids == [[1], [1], [1]]


def test_possessive_names_the_owner_and_the_owned_animal_is_its_own_entity():
    agent, ids = run_story([
        "Lena's horse stamps in the stable while Lena fills the trough.",
        "The horse drinks slowly.",
        "Lena strokes its mane and laughs.",
    ])
    assert ids == [[1, 2], [2], [1, 2]]
    assert agent.registry[2].type == "animal"
    _, ids = run_story(["Milan's arm is in a sling as he waits at the clinic.", "Milan reads a magazine."])
    assert ids == [[1], [1]]


def test_named_animal_introduced_by_apposition():
    agent, ids = run_story([
        "Biscuit, a scruffy terrier, chases a ball across the lawn.",
        "Biscuit drops the ball at the feet of a gardener.",
        "The terrier wags its tail.",
    ])
    assert ids == [[1], [1, 2], [1]]
    assert agent.registry[1].type == "animal"


@pytest.mark.parametrize("prompt", [
    "On Monday, a courier cycles past Central Park toward the Grand Hotel.",
    "In Paris, a courier locks a bicycle outside the Louvre Museum.",
    "After Christmas, a courier carries a Samsung box through Maple Street.",
])
def test_capitalised_words_that_are_not_names(prompt):
    _, ids = run_story([prompt])
    assert ids == [[1]]


def test_unlisted_occupations_and_animals_from_the_resource():
    for word in ("retiree", "goalie", "landscaper", "conjurer", "pangolin", "okapi"):
        assert word not in L.OCCUPATION and word not in L.ANIMAL
    agent, ids = run_story([
        "A retiree stands by the window while a goalie stretches on the grass outside.",
        "The goalie waves at the retiree.",
        "A landscaper trims the hedge as a pangolin shuffles along the path.",
        "The pangolin rolls up tight and the landscaper laughs.",
    ])
    assert ids == [[1, 2], [1, 2], [3, 4], [3, 4]]
    assert [agent.registry[k].type for k in (1, 2, 3, 4)] == ["person", "person", "person", "animal"]


@sieves_fail("'A vlogger walks into the bakery' (a noun no resource knows) is no entity: got [[], []]")
def test_unknown_agent_noun_is_a_person_by_its_ending_and_its_verb():
    assert R.noun_senses("vlogger") == ""
    _, ids = run_story([
        "A vlogger walks into the bakery and speaks to the camera.",
        "The vlogger tastes a croissant.",
    ])
    assert ids == [[1], [1]]


@sieves_fail('chess pieces moved by players are entities (got [[1, 2, 3, 4], [4]]) and kings and queens who play '
             'are not (got [[]] and [[], []])')
def test_game_pieces_are_props_and_acting_kings_and_queens_are_entities():
    _, ids = run_story([
        "A grandfather slides his ivory knight forward and takes the bishop of his granddaughter.",
        "The granddaughter frowns and moves her queen to the corner of the board.",
    ])
    assert ids == [[1, 2], [1, 2]] or ids == [[1, 2], [2]]
    _, ids = run_story(["A king and a queen play chess beside a fountain."])
    assert ids == [[1, 2]]  # the word "chess" alone makes nobody a piece
    _, ids = run_story([
        "A king and his queen play a game of cards on the palace terrace.",
        "The queen laughs as the king drops his cards.",
    ])
    assert ids == [[1, 2], [1, 2]]


@pytest.mark.parametrize("prompt", [
    pytest.param("A girl sits at her desk and writes a letter to her aunt.",
                 marks=sieves_fail("the aunt written to is present: got [[1, 2]]")),
    pytest.param("A girl sits on the porch and talks on the phone with her brother.",
                 marks=sieves_fail("the brother on the phone is present: got [[1, 2]]")),
    "A girl looks at a photograph of her late grandmother.",
    "A girl sits on the porch, thinking about her father who died last winter.",
    pytest.param("A girl sits on the porch and plans a surprise party for her uncle.",
                 marks=sieves_fail("the uncle a party is planned for is present: got [[1, 2]]")),
])
def test_people_who_are_only_mentioned_are_not_present(prompt):
    _, ids = run_story([prompt])
    assert ids == [[1]]


def test_plural_kinship_covers_members_already_told_apart():
    _, ids = run_story([
        "Ines, a girl in a lilac overall, and Pia, a girl in a teal overall, skip across a courtyard.",
        "The two sisters run home laughing.",
    ])
    assert ids == [[1, 2], [1, 2]]


def test_kinship_word_for_a_known_character_keeps_the_id():
    _, ids = run_story([
        "An old woman knits by the fire while a small boy in striped pyjamas builds a tower of blocks.",
        "The woman looks up and smiles at her grandson.",
        "The boy knocks the tower down.",
    ])
    assert ids == [[1, 2], [1, 2], [2]]


def test_resources_load_offline_and_report_their_time():
    assert R.load() > 0
    assert R.name_gender("Ethel") == "female" and R.name_gender("Rupert") == "male"
    assert R.noun_senses("landscaper").startswith("P") and R.noun_senses("okapi").startswith("A")


def test_a_synonym_or_a_broader_noun_from_the_resource_keeps_the_id():
    _, ids = run_story([
        "Sergeant Ortiz, a stocky woman in a navy uniform, questions a nervous teenager outside a pawnshop.",
        "The officer writes in a notebook while the teen fidgets.",
        "A retired astronomer polishes the lens of an old telescope.",
        "The stargazer points the telescope toward the moon.",
    ])
    assert ids == [[1, 2], [1, 2], [3], [3]]


def test_a_name_right_after_a_description_or_after_named():
    _, ids = run_story([
        "Grandma Rosa, a tiny woman with silver braids, rolls pasta dough on a wooden table.",
        "Her grandson Mateo, a lanky boy in a striped shirt, sneaks a piece of dough.",
        "Rosa swats his hand and laughs.",
        "The boy helps his grandmother cut the noodles.",
    ])
    assert ids == [[1], [1, 2], [1, 2], [1, 2]]
    _, ids = run_story([
        "Captain Reyes steers the fishing boat through heavy fog.",
        "Her first mate, a burly man named Jonas, hauls in the nets.",
        "Jonas grabs the rail and laughs.",
    ])
    assert ids == [[1], [1, 2], [2]]


def test_a_person_on_the_phone_is_not_in_the_scene():
    _, ids = run_story([
        "A beekeeper in a white veil lifts a frame from a hive.",
        "She talks to her husband on the phone about the honey.",
    ])
    assert ids == [[1], [1]]


@sieves_fail("'The kid bleats and follows its mother' makes a new entity: got [[1, 2], [1, 2, 3]], "
             "expected [[1, 2], [1, 2]]")
def test_a_young_animal_word_owned_by_an_animal_is_an_animal():
    agent, ids = run_story([
        "A nanny goat nudges her kid toward the barn.",
        "The kid bleats and follows its mother.",
    ])
    assert ids == [[1, 2], [1, 2]]
    assert agent.registry[2].type == "animal"


def test_a_young_animal_word_on_its_own_is_a_person():
    agent, _ = run_story(["A kid in a red cap kicks a ball across the schoolyard."])
    assert agent.registry[1].type == "person"


@pytest.mark.parametrize("prompt", [
    "A woman stands at her father's grave with a bouquet of lilies.",
    "A sailor dreams about his wife back home.",
    "A girl hugs her teddy bear and a toy soldier on the bed.",
    "A tourist admires a statue of a general in the town square.",
])
def test_remembered_people_toys_and_statues_are_not_characters(prompt):
    _, ids = run_story([prompt])
    assert ids == [[1]]


def test_names_after_named_and_after_a_plural():
    _, ids = run_story([
        "A girl named Juniper feeds ducks at a pond with her grandfather.",
        "Juniper tosses the last crumbs into the water.",
    ])
    assert ids == [[1, 2], [1]]
    _, ids = run_story([
        "Two friends, Sol and Marisol, set up a tent by a lake.",
        "Sol gathers firewood while Marisol unpacks the food.",
        "The friends sit by the fire and tell stories.",
    ])
    assert ids == [[1, 2], [1, 2], [1, 2]]


def test_a_name_with_an_accent_keeps_its_id():
    _, ids = run_story([
        "Inés, a weaver with silver bangles, sits at her loom.",
        "Her apprentice, Tomas, brings her a basket of wool.",
        "Inés shows the boy how to knot the threads.",
    ])
    assert ids == [[1], [1, 2], [1, 2]]


@pytest.mark.parametrize("prompt, n", [
    pytest.param("Rose quietly hums by the window.", 1,
                 marks=sieves_fail("'Rose' (a common word) acting as a subject is no name: no entity")),
    ("Rose petals cover the table.", 0),
    ("Will you come to the fair?", 0),
    ("Fog rolls over the harbour.", 0),
    ("A sandcastle stands on the beach.", 0),
])
def test_a_capitalised_first_word_is_a_name_only_in_a_name_frame(prompt, n):
    _, ids = run_story([prompt])
    assert len(ids[0]) == n


def test_names_in_lists_with_clothing():
    _, ids = run_story([
        "Two chefs, Ana in a white jacket and Luis in a black jacket, race to plate a dessert.",
        "Ana drizzles chocolate while Luis slices strawberries.",
        "The chef in the black jacket drops a plate.",
    ])
    assert ids == [[1, 2], [1, 2], [2]]


def test_names_after_kinship_words():
    _, ids = run_story([
        "Grandpa Joe and his granddaughter Lily feed the ducks at the pond.",
        "Lily throws the bread too far and a goose waddles over.",
        "Joe shoos the goose away while Lily giggles.",
    ])
    assert ids == [[1, 2], [2, 3], [1, 2, 3]]


def test_an_ordinary_word_set_off_after_an_animal_noun_is_its_name():
    # "Marmalade" and "Zephyr" are no given names; between commas after "The cat" they name the cat,
    # and the name then finds the animal alone, in a later prompt
    agent, ids = run_story([
        "An old sailor and his ginger cat doze on the dock.",
        "The cat, Marmalade, pounces on a rope.",
        "The sailor laughs and Marmalade climbs onto his lap.",
    ])
    assert ids == [[1, 2], [2], [1, 2]]
    assert "@marmalade" in agent.registry[2].nouns and agent.registry[2].type == "animal"
    _, ids = run_story([
        "A ranger walks the canyon rim with a trained falcon on her glove.",
        "The falcon, Zephyr, dives at the grass.",
        "Zephyr returns and the ranger whistles.",
    ])
    assert ids == [[1, 2], [2], [1, 2]]


def test_a_kinship_phrase_does_not_rename_a_named_character():
    # the named chef is not the new boy's uncle: "his uncle" is a new person, and the apposition's
    # role noun still finds the chef later
    _, ids = run_story([
        "Rafael, a chef with a thick moustache, chops onions in a busy kitchen.",
        "A boy named Tiago tastes a sauce while his uncle stirs a pot.",
        "Rafael hands Tiago a spoon.",
        "The uncle nods as the chef tastes the sauce.",
    ])
    assert ids == [[1], [2, 3], [1, 2], [1, 3]]


def test_a_character_known_only_by_description_may_be_the_relative():
    _, ids = run_story([
        "An old woman knits a scarf on a porch.",
        "A boy runs up the steps and hugs his grandmother.",
    ])
    assert ids == [[1], [1, 2]]


def test_an_object_pronoun_is_not_the_subject_introduced_with_a_name():
    # "A girl named Hana watches her": description and name are one subject, so 'her' is the potter
    _, ids = run_story([
        "Aiko, a potter in a blue apron, shapes clay at her wheel.",
        "A girl named Hana watches her from the doorway.",
    ])
    assert ids == [[1], [1, 2]]


def test_a_courtesy_title_of_another_language_before_a_given_name_is_no_new_given_name():
    # "Pan" (Polish for Mr.) is a title: "Pan Zbigniew" is Mr. Zbigniew Kowal, not another Zbigniew
    _, ids = run_story([
        "In a reading room, Mr. Zbigniew Kowal, a retired teacher in a tweed cap, leafs through an atlas.",
        "Pan Zbigniew closes the atlas and yawns.",
    ])
    assert ids == [[1], [1]]


def test_ordinary_word_a_stranger_introduces_himself_as_is_his_name():
    _, ids = run_story([
        "A tall cyclist in a yellow jersey leans on the counter of a village bakery, where a stout baker kneads dough.",
        "The cyclist introduces himself as Sunny and orders a coffee.",
        "Sunny waves goodbye to the baker.",
    ])
    assert ids == [[1, 2], [1, 2], [1, 2]]


def test_known_name_read_as_an_adjective_on_its_verb():
    _, ids = run_story([
        "A tall cyclist in a yellow jersey leans on the counter of a village bakery, where a stout baker kneads dough.",
        "The cyclist introduces himself as Sunny and orders a coffee.",
        "Sunny picks a green scarf from the rack while the baker wipes the counter.",
    ])
    assert ids == [[1, 2], [1, 2], [1, 2]]
