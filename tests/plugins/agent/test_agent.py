"""The agent's rules (the sieve linker) on made-up stories: a story in, the global IDs per prompt out.

Each case names the behaviour it exercises. A behaviour the sieve linker does not have yet is marked
`sieves_fail` (a strict xfail with what it gets), so the test passes the moment the behaviour is fixed."""

from __future__ import annotations

import json

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from plugins.agent import AgentConfig, EntityAgent


def run_story(prompts: list[str]) -> tuple[EntityAgent, list[list[int]]]:
    agent = EntityAgent(AgentConfig(backend="rules"))
    ids = [agent.process_prompt(p, k).entity_ids for k, p in enumerate(prompts)]
    return agent, ids


def sieves_fail(reason: str) -> pytest.MarkDecorator:
    """A behaviour the sieve linker does not have yet; strict, so the mark must go once it is fixed."""
    return pytest.mark.xfail(strict=True, reason=f"sieve linker: {reason}")


def test_brief_example_protagonist_and_pronoun_keep_id_and_another_is_new():
    agent, ids = run_story([
        "A young man in a denim jacket walks into a quiet cafe.",
        "The protagonist orders a coffee while another man in a grey sweater sits down at the next table.",
        "He looks out of the window at the rain.",
    ])
    assert ids == [[1], [1, 2], [1]]
    assert agent.registry[1].gender == "male"
    assert agent.registry[2].gender == "male"


@sieves_fail("'He shares the umbrella with the stranger': 'the stranger' is not the newcomer of the previous "
             "prompt: got [[1], [1, 2], [1]], expected [[1], [1, 2], [1, 2]]")
def test_an_epithet_finds_the_newcomer_of_the_previous_prompt():
    _, ids = run_story([
        "A young man in a denim jacket waits at a rainy bus stop.",
        "The protagonist opens a red umbrella as another man in a grey sweater runs up to the shelter.",
        "He shares the umbrella with the stranger.",
    ])
    assert ids == [[1], [1, 2], [1, 2]]


@sieves_fail("'an old ferryman' after 'A woman in a green parka and' is not read: got [[1], [1], [], [1]]")
def test_pronoun_only_prompts_resolve_by_gender():
    _, ids = run_story([
        "A woman in a green parka and an old ferryman stand on a stone jetty.",
        "She laughs.",
        "He nods slowly and whistles a tune.",
        "Later, she strolls away along the towpath.",
    ])
    assert ids[0] == [1, 2]
    assert ids[1:] == [[1], [2], [1]]


def test_two_people_of_the_same_type_told_apart_by_clothing():
    _, ids = run_story([
        "A woman in a red coat and a woman in a blue dress wait at a bus stop in the snow.",
        "The woman in the blue dress checks her phone.",
        "The woman in the red coat waves at a passing taxi.",
        "A man in a black leather jacket and a man in a grey sweater argue on the corner.",
        "The man in the grey sweater walks away.",
    ])
    assert ids[0] == [1, 2]
    assert ids[1] == [2] and ids[2] == [1]
    assert ids[3] == [3, 4]
    assert ids[4] == [4]


def test_explicit_newcomer_words_and_the_other():
    _, ids = run_story([
        "A dog sleeps on the porch.",
        "Another dog trots up the steps.",
        "A second dog, a tiny puppy, follows them.",
        "The other dog barks at the puppy.",
    ])
    assert ids[0] == [1]
    assert ids[1] == [1, 2] or ids[1] == [2]  # the first dog is not named in prompt 1
    assert 3 in ids[2] and max(ids[2]) == 3
    assert 3 in ids[3]


def test_character_who_leaves_and_returns_keeps_the_id():
    _, ids = run_story([
        "A girl with a yellow umbrella walks her black dog in the rain.",
        "The dog dashes across the square and vanishes behind a fountain.",
        "Alone, the girl sits on a bench under the dripping trees.",
        "The black dog comes back and sits at her feet, wagging its tail.",
    ])
    assert ids == [[1, 2], [2], [1], [1, 2]]


def test_prompt_without_entities_then_the_story_goes_on():
    _, ids = run_story([
        "A street musician plays a violin on a bridge at dusk.",
        "The empty bridge glistens under the streetlights as fog rolls over the river.",
        "The musician returns with a cup of tea.",
    ])
    assert ids == [[1], [], [1]]


def test_mother_is_not_a_newcomer_and_kin_words_do_not_merge():
    agent, ids = run_story([
        "A mother deer and her small fawn graze at the edge of a clearing.",
        "The mother watches the fawn hop across the mossy bank.",
        "Her fawn nibbles a tiny flower, and the mother deer looks up calmly.",
    ])
    assert ids[0] == [1, 2]
    assert ids[1] == [1, 2]
    assert 1 in ids[2] and 2 in ids[2]
    assert agent.registry[1].gender == "female"


def test_woman_never_takes_a_mans_id():
    agent, ids = run_story([
        "A man in a mustard blazer waits at the ferry dock.",
        "A woman in a mustard blazer waits at the ferry dock.",
        "The person in the mustard blazer boards the ferry. She finds a seat by the railing.",
    ])
    assert ids[0] == [1]
    assert ids[1] == [2]
    assert agent.registry[1].gender == "male" and agent.registry[2].gender == "female"
    assert 2 in ids[2] and 1 not in ids[2] or ids[2] == [2]


def test_same_person_twice_inside_the_first_prompt():
    agent, ids = run_story([
        "A clockmaker, an older gentleman in a tweed vest, opens a pocket watch. The clockmaker frowns.",
    ])
    assert ids == [[1]]
    assert {"clockmaker", "gentleman"} <= agent.registry[1].nouns


def test_role_noun_renames_an_entity_and_apposition_merges():
    _, ids = run_story([
        "A lone accordionist plays in a sunny plaza at noon.",
        "The accordionist is joined in the plaza by a man with a battered hat who begins to juggle.",
        "The accordionist and the juggler bow as a few tourists clap.",
    ])
    assert ids == [[1], [1, 2], [1, 2]]


def test_kin_relations_are_remembered():
    _, ids = run_story([
        "A man is painting a fence beside a barn on a windy hill.",
        "The man is greeted by his son, a lanky boy who wants to help his father.",
        "The boy's older sister brings them lemonade.",
        "The siblings giggle while their father stirs the paint.",
    ])
    # "brings them lemonade": "them" are not the sister who brings it, so the father and his son
    assert ids == [[1], [1, 2], [1, 2, 3], [1, 2, 3]]


@pytest.mark.parametrize("prompt", [
    "A tourist photographs a portrait of a famous actress in the gallery.",
    "A child plays with a toy robot on the carpet.",
    "The crowd cheers as the fireworks light up the sky.",
    "He is playing cards against an invisible rival.",
])
def test_props_depictions_background_and_hypotheticals_are_not_new_entities(prompt):
    agent = EntityAgent()
    agent.process_prompt("A tourist and a child walk through a museum.", 0)
    res = agent.process_prompt(prompt, 1)
    assert max(res.entity_ids, default=0) <= 2
    assert len(agent.registry) == 2


def test_spans_and_attributes_point_into_the_prompt():
    agent = EntityAgent()
    prompt = ("A young sorcerer with a feathered cap and a velvet cloak is reading spells in a damp, "
              "moss-covered cellar. He lifts a crooked staff.")
    res = agent.process_prompt(prompt, 0)
    (sorcerer,) = res.entities
    assert sorcerer.entity_id == 1 and sorcerer.type == "person" and sorcerer.gender == "male"
    assert prompt[sorcerer.span[0]:sorcerer.span[1]] == sorcerer.surface == "A young sorcerer"
    assert "young" in {a.text for a in sorcerer.attributes}
    for a in sorcerer.attributes:
        assert prompt[a.span[0]:a.span[1]] == a.text
    assert any("moss-covered cellar" in s.text for s in res.scene)
    for s in res.scene:
        assert prompt[s.span[0]:s.span[1]] == s.text
    assert res.time_ms > 0 and res.fallback is None and res.backend == "rules"
    assert set(sorcerer.spans) >= {sorcerer.span} | {a.span for a in sorcerer.attributes}


@sieves_fail("attributes keep their preposition and may run into the verb: the sieve linker records "
             "'in a denim jacket waits' and 'with a feathered cap' where the visual phrase is 'denim jacket', "
             "'feathered cap'")
def test_attributes_are_the_visual_phrase_as_written():
    agent, _ = run_story([
        "A young man in a denim jacket walks into a quiet cafe.",
        "The protagonist orders a coffee while another man in a grey sweater sits down at the next table.",
    ])
    assert "denim jacket" in agent.registry[1].attributes
    assert "grey sweater" in agent.registry[2].attributes
    agent, _ = run_story([
        "A woman in a red coat and a woman in a blue dress wait at a bus stop in the snow.",
        "The woman in the red coat waves at a passing taxi.",
    ])
    assert "red coat" in agent.registry[1].attributes and "blue dress" in agent.registry[2].attributes
    prompt = "A young sorcerer with a feathered cap and a velvet cloak is reading spells in a damp cellar."
    (sorcerer,) = EntityAgent().process_prompt(prompt, 0).entities
    texts = {a.text: a for a in sorcerer.attributes}
    assert {"young", "feathered cap", "velvet cloak"} <= set(texts)
    assert texts["feathered cap"].kind == "clothing"
    assert prompt[slice(*texts["feathered cap"].span)] == "feathered cap"
    prompt = "A young man in a denim jacket waits at a rainy bus stop."
    (man,) = EntityAgent().process_prompt(prompt, 0).entities
    assert any(a.text == "denim jacket" and prompt[slice(*a.span)] == "denim jacket" for a in man.attributes)


@sieves_fail("'A small robotic lawnmower' (robot) and 'a rescue boat' (vehicle) are no entities; got only the "
             'tortoise and the ghost')
def test_types_of_entities():
    agent = EntityAgent()
    res = agent.process_prompt(
        "A small robotic lawnmower nudges a sleeping tortoise while a ghost watches from the porch "
        "and a rescue boat waits outside.", 0)
    types = {e.surface: e.type for e in res.entities}
    assert types == {"A small robotic lawnmower": "robot", "a sleeping tortoise": "animal", "a ghost": "creature",
                     "a rescue boat": "vehicle"}


@sieves_fail("'The knight in silver armor bows back' is not linked: the last prompt gives [1], expected [1, 2]")
def test_at_most_one_instance_per_id_in_a_prompt():
    agent = EntityAgent()
    for k, p in enumerate(["A knight in silver armor meets a knight in black armor.",
                           "The knight in black armor bows. The knight in silver armor bows back. He smiles."]):
        res = agent.process_prompt(p, k)
        assert len(res.entity_ids) == len(set(res.entity_ids))
    assert res.entity_ids == [1, 2]


def test_a_base_form_verb_after_a_coordinated_subject_ends_the_noun():
    # "his hound trail deer": 'trail' can be a verb, and a noun (not another verb) follows it
    _, ids = run_story([
        "An old hunter and his hound trail deer through the birch forest.",
        "The hound sniffs the ground.",
        "The hunter kneels beside the hound.",
    ])
    assert ids == [[1, 2], [2], [1, 2]]


@sieves_fail("'The two travellers camp': no entity at all: got [[], []]")
def test_a_plural_noun_is_never_the_first_half_of_a_compound():
    # "travellers camp" is subject and verb
    _, ids = run_story([
        "The two travellers camp beside a frozen lake.",
        "The travellers light a fire.",
    ])
    assert ids == [[1], [1]]


def test_a_noun_that_could_be_a_verb_before_the_verb_is_the_head():
    # "sheep dog guard the flock": 'dog' could be a verb too, but the word after it can be the verb
    agent, ids = run_story([
        "A shepherd and her sheep dog guard the flock on a windy moor.",
        "The dog barks at the clouds.",
    ])
    assert ids == [[1, 2], [2]]
    assert agent.registry[2].type == "animal"


@sieves_fail("'lowers her guard' / 'keep his guard up' make a new guard entity: got [[1, 2], [1, 2, 3], [1, 3]] "
             "(expected [[1, 2], [1, 2], [1]]) and [[1, 2], [2, 3, 4], [2, 3]] (expected [[1, 2]] * 3)")
def test_a_possessed_noun_with_a_thing_sense_is_the_owners_thing_after_a_stance_verb_or_particle():
    # "guard" is a person and a stance: raised, lowered or kept up by its owner it is the stance
    _, ids = run_story([
        "A young fencer named Ines spars with her instructor in a bright hall.",
        "Ines lowers her guard and the instructor taps her shoulder.",
        "She raises her guard up again and lunges.",
    ])
    assert ids == [[1, 2], [1, 2], [1]]
    _, ids = run_story([
        "A retired wrestler coaches a shy boy in a small gym.",
        "The coach tells him to keep his guard up.",
        "The veteran claps and the boy grins.",
    ])
    assert ids == [[1, 2], [1, 2], [1, 2]]


def test_a_possessed_noun_with_a_thing_sense_thanked_is_a_person():
    # thanked or followed, the same noun is a person
    _, ids = run_story([
        "A queen in a golden gown walks through the palace with her guard.",
        "The queen thanks her guard and steps outside.",
    ])
    assert ids == [[1, 2], [1, 2]]


def test_a_role_wordnet_files_under_adults_never_names_a_child():
    # "instructor" is an adult in WordNet: it finds the older character, not the little girl of the last prompt
    _, ids = run_story([
        "A silver-haired man teaches a little girl to ride a bicycle.",
        "The girl wobbles along the path.",
        "The calm instructor jogs beside his nervous student.",
    ])
    assert ids == [[1, 2], [2], [1, 2]]


def test_a_definite_role_finds_the_one_fitting_person_of_the_recent_scenes():
    # the previous prompt has only the young one; the old role noun finds the person of the prompt before
    _, ids = run_story([
        "An elderly potter and a young girl work in a sunny studio.",
        "The girl shapes a lump of wet clay.",
        "The old gardener shows the child how to smooth the rim.",
    ])
    assert ids == [[1, 2], [2], [1, 2]]
    # a role after a named person may still name the one only a possessive referred to
    _, ids = run_story([
        "A retired sprinter named Victor trains a teenage boy on a dirt track.",
        "The boy, Kwame, runs laps while Victor checks a stopwatch.",
        "His pupil and the old trainer walk home at sunset.",
    ])
    assert ids == [[1, 2], [1, 2], [1, 2]]
    # a named animal in the prompt is no rival person: the role still names the one person of the last scene
    _, ids = run_story([
        "A white goat called Clover grazes beside a shepherd in a green cloak.",
        "The shepherd plays a flute while Clover listens.",
        "Clover wanders off and the ranger calls it back.",
    ])
    assert ids == [[1, 2], [1, 2], [1, 2]]


def test_her_before_how_is_an_object():
    _, ids = run_story([
        "A small boy and his aunt fold paper cranes at a desk.",
        "The boy tears a wing and frowns.",
        "The young woman gently shows him how to smooth the crease.",
        "The kind lady then shows her nephew how to fold a frog.",
    ])
    assert ids[2] == [1, 2]


def test_her_before_how_is_an_object_and_the_old_lady_is_the_grandmother():
    _, ids = run_story([
        "A teenage girl and her grandmother bake bread in a cottage.",
        "The girl spills flour and laughs.",
        "The old lady patiently shows her how to knead the dough.",
    ])
    assert ids == [[1, 2], [1], [1, 2]]


@sieves_fail("'The page bows low before the queen' is no person: got [[1], [1], []]")
def test_a_noun_whose_usual_sense_is_a_thing_is_a_person_as_the_subject_of_a_living_verb():
    _, ids = run_story([
        "A stern queen sits on a tall throne in a cold hall.",
        "The page bows low before the queen and offers her a sealed letter.",
        "Later, the page runs down the stairs.",
    ])
    assert ids == [[1], [1, 2], [2]]


def test_a_noun_whose_usual_sense_is_a_thing_stays_a_thing_with_a_thing_verb():
    _, ids = run_story([
        "An old librarian reads a heavy atlas beside a lamp.",
        "The page turns slowly under the librarian's finger.",
    ])
    assert ids == [[1], [1]]


@sieves_fail("'Her second walks over' is no person: got [[1], [1]]")
def test_a_possessed_noun_whose_usual_sense_is_a_thing_is_a_person_as_a_subject():
    _, ids = run_story([
        "A young fencer in white waits alone in an empty gym.",
        "Her second walks over and hands her a mask.",
    ])
    assert ids == [[1], [1, 2]]


def test_an_adjective_that_is_also_a_person_noun_is_the_noun_before_a_verb():
    _, ids = run_story([
        "An elderly man with a bushy moustache rests in a creaky clinic cot.",
        "A medic in a blue tunic checks his pulse. The patient sneezes and sits up.",
    ])
    assert ids == [[1], [1, 2]]


@sieves_fail("'The host greets her warmly' makes the host the woman: got [[1], [1]], expected [[1], [1, 2]]")
def test_a_definite_noun_never_renames_the_person_its_own_sentence_names_apart():
    _, ids = run_story([
        "A tall woman in a silver gown climbs the marble steps of a villa.",
        "The host greets her warmly at the door.",
    ])
    assert ids == [[1], [1, 2]]


def test_a_person_compound_with_an_animal_modifier_is_matched_against_persons():
    _, ids = run_story([
        "A man in a brown jacket walks a spotted dog along the canal.",
        "The dog owner stops and ties his shoelace.",
    ])
    assert ids == [[1, 2], [1]]


def test_a_place_or_thing_noun_heads_a_compound_after_an_animal():
    _, ids = run_story([
        "A boy in a red cap visits the zoo with his aunt.",
        "They stop at the tiger enclosure and stare.",
    ])
    assert ids == [[1, 2], [1, 2]]


@sieves_fail("'lifts the smoker' makes a smoker entity: got [1, 2], expected [1]")
def test_a_person_noun_that_also_names_a_thing_is_a_thing_as_an_object():
    agent = EntityAgent(AgentConfig(backend="rules"))
    agent.process_prompt("A beekeeper in a white veil opens a hive.", 0)
    result = agent.process_prompt("She lifts the smoker and calms the bees.", 1)
    assert result.entity_ids == [1]
    assert [r.text for r in result.entities[0].references] == ["She"]


def test_game_pieces_after_a_game_named_in_an_earlier_prompt():
    _, ids = run_story([
        "Two old friends sit down to a game of chess under a plane tree.",
        "The taller friend picks up a bishop and grins.",
        "The shorter friend slides a knight forward.",
    ])
    assert all(len(x) <= 2 for x in ids)
    assert len({i for x in ids for i in x}) <= 3


def test_an_object_pronoun_is_not_the_subject_of_its_own_clause_however_far():
    _, ids = run_story([
        "A boy in a red scarf sledges down a snowy hill.",
        "A ranger in a fur hat with a radio trudges up the slope to help him.",
    ])
    assert ids == [[1], [1, 2]]


@sieves_fail("two puppies told apart by adjectives are one entity and 'the brown one' is not resolved: got [[1], "
             '[1], [1]], expected [[1, 2], [2], [1, 2]]')
def test_one_after_a_determiner_and_adjectives_stands_for_the_noun_used_before():
    _, ids = run_story([
        "A brown puppy and a spotted puppy wrestle on a porch.",
        "The spotted puppy rolls onto its back.",
        "The brown one bites the spotted one's ear.",
    ])
    assert ids == [[1, 2], [2], [1, 2]]


@sieves_fail("'the shivering one' is not the kid of the previous prompt: got [1, 3], expected [1, 2, 3]")
def test_one_that_finds_nobody_as_this_prompts_noun_takes_the_storys_last_noun():
    _, ids = run_story([
        "A lifeguard carries a soaked kid out of the surf.",
        "On the sand, the tired man hands the shivering one to a medic.",
    ])
    assert ids[1] == [1, 2, 3]


@sieves_fail('people told about, written to or only remembered are present: got [[1, 2, 3], [2, 4], [2, 5], [6, 7,'
             ' 8]], expected [[1, 2], [1], [], [3, 4]]')
def test_someone_only_talked_of_is_not_in_the_scene():
    _, ids = run_story([
        "A sailor mends a sail on the deck and tells a deckhand about his daughter.",
        "He opens a postcard from his wife and smiles.",
        "His old captain would have laughed at the knot.",
        "An old woman reads her grandson a fairy tale about a clever fox and a greedy wolf.",
    ])
    assert ids == [[1, 2], [1], [], [3, 4]]


_WORDS = ["a", "the", "another", "his", "her", "their", "man", "woman", "dog", "and", "with", "in", "red", "coat",
          "he", "she", "it", "they", "is", "not", "two", "children", ",", ".", "'s", "of", "gone", "both", "now",
          "mother", "toy", "robot", "who", "as", "statue", "living", "one", "by", "the other", "a second"]


@settings(max_examples=60, deadline=None)
@given(st.lists(st.lists(st.sampled_from(_WORDS) | st.text(max_size=6), max_size=25), min_size=1, max_size=4))
def test_any_text_gives_a_well_formed_answer(prompts):
    agent = EntityAgent()
    for k, words in enumerate(prompts):
        text = " ".join(words)
        res = agent.process_prompt(text, k)
        assert res.fallback is None
        assert len(res.entity_ids) == len(set(res.entity_ids))
        for e in res.entities:
            assert e.entity_id in agent.registry
            for a, b in e.spans:
                assert 0 <= a < b <= len(text)
    json.dumps(agent.mapping_json())


def test_a_definite_role_in_another_colour_is_not_the_entity_it_shares_a_garment_with():
    _, ids = run_story(["A wrestler in a green singlet stretches on a mat.",
                        "The challenger in a yellow singlet steps onto the mat."])
    assert ids == [[1], [2]]


def test_an_owner_named_through_a_body_part_a_preposition_places_someone_at_is_there():
    _, ids = run_story(["A little girl in a green scarf whispers into her uncle's ear at a kiosk."])
    assert ids == [[1, 2]]
    _, ids = run_story(["A little girl in a green scarf listens to her uncle's records at a kiosk."])
    assert ids == [[1]]
    _, ids = run_story(["A little girl in a green scarf studies her uncle's face in a faded portrait."])
    assert ids == [[1]]


@pytest.mark.parametrize("prompts, expected", [
    (["A neighbour, well past seventy, and a cousin, just nineteen, wait at the bus stop.",
      "The older one leans on a cane."], [[1, 2], [1]]),
    (["Two cousins sit on the pier: Oskar, barely twelve, and Lena, nearly thirty.",
      "The younger one drops his fishing line into the water."], [[1, 2], [1]]),
])
def test_an_age_told_as_a_bare_number_decides_the_older_and_the_younger(prompts, expected):
    # no noun says an age ("neighbour", "cousin"): only the bare numbers set off by commas tell who is older
    _, ids = run_story(prompts)
    assert ids == expected
