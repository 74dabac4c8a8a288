import pytest

from plugins.agent.linker import link_story
from tests.plugins.agent.sieves.helpers import ids, with_and_without


def test_she_is_the_woman_of_the_previous_prompt():
    story = ["A woman in a mustard cardigan waits at a bus stop.", "She checks her watch."]
    on, off = with_and_without("pronouns", story)
    assert on == [[1], [1]]
    assert on != off


def test_a_possessive_under_a_verb_without_its_own_subject_is_the_shared_subjects():
    story = ["A tall fisherman in a yellow coat unloads crates on the quay.",
             "A short sailor leans on the rail beside him and scratches his beard.",
             "A young courier waits at the counter, tapping his foot."]
    on, off = with_and_without("pronouns", story)
    results = link_story(story)
    beard = [lk for lk in results[1].links if lk["text"] == "his"]
    foot = [lk for lk in results[2].links if lk["text"] == "his"]
    assert beard[0]["ids"] == [2] and foot[0]["ids"] == [3]  # the sailor's beard, the courier's foot
    assert on == [[1], [1, 2], [3]]
    assert on != off


def test_a_plural_object_leaves_out_its_own_verbs_subject():
    story = ["Two sisters skip rope in a courtyard: a tall girl in a red coat and a short girl in a green hat.",
             "An old porter sweeps the steps. The girl in the red coat waves, and the porter tells them a joke."]
    on, off = with_and_without("pronouns", story)
    assert on[1] == [1, 2, 3]  # "them" are the sisters, not the porter and one sister
    assert on != off


def test_a_plural_pronoun_takes_in_the_previous_prompts_group():
    # a group entity ("a ferry crew") is what "them" refers back to when the new group is its own verb's subject
    story = ["A ferry crew in orange jackets ties up at a jetty.",
             "A second crew in blue jackets waves at them."]
    on, off = with_and_without("pronouns", story)
    assert on == [[1], [1, 2]]
    assert on != off


def test_they_is_the_whole_counted_set_not_one_member_and_an_animal():
    story = ["Two brothers in wool hats fish from a rowing boat.",
             "A heron lands on the bow. The older brother shoos it away.",
             "They row back to the shore as the sun sets."]
    on, off = with_and_without("pronouns", story)
    assert on[2] == [1, 2]
    assert on != off


def test_she_is_the_woman_not_the_creature_of_unknown_sex_seen_since():
    story = ["In a stone cottage, an old woman in a wool shawl leaves a bowl of honey on the hearth and goes to bed.",
             "At midnight a tiny green goblin with lantern eyes climbs out of the chimney and sniffs the honey.",
             "The goblin dips a twig into the bowl and licks it, humming.",
             "In the morning she finds the bowl empty and laughs."]
    on, off = with_and_without("pronouns", story)
    assert on[3] == [1]
    assert on != off


def test_a_possessive_in_a_with_phrase_is_the_holders_whatever_its_kind():
    # "with a trout in her mouth" says how the otter holds it: the otter is "she" from then on
    story = ["A beekeeper in a veiled hat checks the hives by the stream.",
             "A sleek brown otter slides down the bank with a trout in her mouth.",
             "She vanishes under the water."]
    on, off = with_and_without("pronouns", story)
    results = link_story(story)
    assert [lk["ids"] for lk in results[1].links if lk["text"] == "her"] == [[2]]
    assert on == [[1], [2, 3], [2]]
    assert on != off


def test_a_with_phrase_on_a_verb_with_an_object_is_left_to_the_other_rules():
    # "greets the man with a lamb in his arms": the man's arms, not the greeter's
    story = ["A shepherd in a wool cap whistles on the hilltop.",
             "A black collie greets the man with a lamb in his arms."]
    results = link_story(story)
    assert [lk["ids"] for lk in results[1].links if lk["text"] == "his"] == [[1]]


@pytest.mark.parametrize("story", [
    ["An old man dozes on a bench in the park.",
     "Wide shot: a jogger in blue shorts with mud on his knees limps past the bench."],
    ["A girl in a yellow raincoat feeds the ducks.",
     "Tracking shot: a courier in a padded jacket with a scarf over her mouth rides along the path."],
])
def test_a_possessive_on_the_body_inside_a_phrase_is_its_bearers(story):
    # "his knees" is the jogger's, not the old man's of the last shot (who is not in this one)
    assert ids(story) == [[1], [2]]


@pytest.mark.parametrize("story", [
    ["A grey-haired woman in a parka waits on the station platform.",
     "The camera follows a porter in a red cap as she wheels a trolley past the benches."],
    ["An old man in a flat cap sells flowers at the gate.",
     "We see a courier on a bicycle as he weaves between the stalls."],
    ["A girl in a green scarf flies a kite on the hill.",
     "The camera tracks a jogger in a hooded top as she runs along the ridge."],
])
def test_a_pronoun_in_a_shot_names_whom_the_camera_watches(story):
    # not the person of that gender from the last shot, who is not in this one
    assert ids(story) == [[1], [2]]


@pytest.mark.parametrize("story", [
    ["A tall man in a raincoat hails a taxi.",
     "Over the shoulder of a cashier in a striped shirt at the till: a parcel is set in front of him."],
    ["A woman in a blue coat feeds pigeons in the square.",
     "Close on a medic in green scrubs: her hands shake as she opens the kit."],
])
def test_a_pronoun_after_a_shot_heading_names_whom_the_heading_watches(story):
    assert ids(story) == [[1], [2]]


def test_whom_a_subject_goes_or_looks_toward_is_someone_else():
    story = ["A tengu perches on a cedar branch.",
             "An old crow flaps through the mist toward him, cawing."]
    on, off = with_and_without("pronouns", story)
    assert on == [[1], [1, 2]]  # "him" is the tengu, never the crow that flaps toward him
    assert on != off


def test_a_named_vehicle_is_he_or_she():
    story = ["An old snowplough named Bertha clears the mountain road.",
             "A girl waves at her from a window."]
    on, off = with_and_without("pronouns", story)
    assert on == [[1], [1, 2]]  # a vehicle with a name is someone: "her" is Bertha (without the rule, nobody)
    assert on != off


def test_an_object_pronoun_of_the_other_gender_leaves_her_to_the_subject():
    # "passes him to her colleague": "him" is the one passed over, "her" still the subject's, so the colleague is the
    # lifeguard's set-mate (the tall one), later "the taller woman"
    beach = ["Two lifeguards sit on a tower, one tall with a red ponytail, the other small and tanned.",
             "The tanned lifeguard pulls a sobbing toddler from the shallows and passes him to her colleague.",
             "On the sand, the taller woman wraps the child in a towel."]
    assert ids(beach) == [[1, 2], [1, 2, 3], [1, 3]]


def test_they_takes_in_two_vehicle_characters_when_no_person_is_in_the_scene():
    story = ["A red fire truck with a big grin races a green bus that giggles down the hill.",
             "At the bottom they skid to a stop.",
             "The truck honks."]
    on, off = with_and_without("pronouns", story)
    assert on[1] == [1, 2]
    assert on != off


def test_they_for_two_boats_a_prompt_later():
    story = ["In the bay, a little yellow ferry with round eyes darts out to greet a towering oil tanker that sighs"
             " as it turns.",
             "They glide past an old lighthouse.",
             "The ferry hoots."]
    assert ids(story)[1] == [1, 2]


def test_beside_people_they_keeps_to_the_people():
    story = ["A farmer and his wife sit in a rusty tractor that coughs and grumbles.",
             "They wave to the neighbours.",
             "The tractor stalls."]
    assert ids(story)[1] == [1, 2]  # the tractor (3) is what they sit in
