"""How the mentions of one prompt are linked to each other: apposition, predicates, naming verbs, members."""

from __future__ import annotations

from plugins.agent.mentions import read_mentions
from plugins.agent.reader import parse


def _links(text):
    mentions = read_mentions(text, parse(text)).mentions
    def named(i):
        return None if i is None else mentions[i].text
    return {m.text: (named(m.appos_of), named(m.member_of), m.skip) for m in mentions if m.kind != "pronoun"}


def test_an_appositive_renames_the_name_it_follows():
    links = _links("Ilse, a tall beekeeper in a straw hat, lifts the lid.")
    assert links["a tall beekeeper"] == ("Ilse", None, None)


def test_a_predicate_nominative_renames_the_subject_and_a_negated_one_names_no_one():
    assert _links("The captain is Ravi.")["Ravi"] == ("The captain", None, None)
    assert _links("The cook is no longer a sailor.")["a sailor"] == (None, None, "predicate")


def test_a_naming_verb_gives_its_object_the_name():
    assert _links("The old woman calls him Tobi.")["Tobi"] == ("him", None, None)
    assert _links("A boy named Jonas waves.")["Jonas"] == ("A boy", None, None)


def test_names_after_a_counted_plural_are_its_members():
    links = _links("Two brothers, Kwame and Ode, fish from the pier.")
    assert links["Kwame"][1] == "Two brothers" and links["Ode"][1] == "Two brothers"


def test_a_name_set_off_by_commas_renames_the_noun_before_it_when_the_parse_made_both_subjects():
    text = "A porter in a white coat, Dr. Ilka Berndt, strolls past the carts with a bell."
    assert _links(text)["Dr. Ilka Berndt"] == ("A porter", None, None)
    assert _links("A boy, Tomas, and a girl run.")["Tomas"][0] is None  # listed, not renamed


def test_a_member_the_parse_sets_beside_another_listed_member_is_the_next_member():
    text = ("Three bakers in white caps knead dough at a long table: a grey-haired master baker, a broad-shouldered "
            "man in a blue apron, and a skinny girl who keeps sneezing at the flour.")
    ms = read_mentions(text, parse(text)).mentions
    members = [m.text for m in ms if m.member_of is not None]
    assert members == ["a grey-haired master baker", "a broad-shouldered man", "a skinny girl"]


def test_a_name_right_after_a_possessive_character_phrase_is_its_name():
    assert _links("Chidera teaches her cousin Bongani a clapping game.")["Bongani"] == ("her cousin", None, None)
    links = _links("Near the kiln the potter shows the teacher Ada's new jug.")
    assert links["Ada"] == (None, None, None)  # a name that owns something is someone else


def test_a_character_that_owns_hair_or_a_mark_is_described_by_it():
    from plugins.agent.linker import link_story

    story = ["A lighthouse keeper in a wool coat trims the lamp while a young apprentice sweeps the stairs.",
             "Close-up of the keeper's grey beard, wet with spray. A second keeper, a slim man, climbs up "
             "with a kettle.",
             "Medium shot: the bearded one pours the tea."]
    assert [r.entity_ids for r in link_story(story)][2] == [1]  # the keeper whose beard the close-up showed


def test_a_character_noun_after_in_on_another_characters_phrase_is_worn():
    links = _links("Tavita, the boy in the blue rash guard, paddles out past the reef.")
    assert links["the blue rash guard"] == (None, None, "attribute")


def test_an_age_noun_after_a_comma_renames_the_noun_before_it_not_the_subject():
    # the parse makes "a thin ten-year-old" the complement of "stands"; it renames her cousin
    links = _links("A small girl in a hat stands near her cousin, a thin ten-year-old with big earrings.")
    assert links["a thin ten-year-old"] == ("her cousin", None, None)


def test_a_bare_one_described_by_what_it_wears_is_a_member_of_the_plural_before_it():
    text = "Two sisters sit on a bench, one in a red coat and one in a yellow scarf."
    mentions = read_mentions(text, parse(text)).mentions
    ones = [m for m in mentions if m.kind == "relative"]
    assert len(ones) == 2 and all(mentions[m.member_of].text == "Two sisters" for m in ones if m.member_of is not None)
    assert all(m.member_of is not None for m in ones) and {"red", "yellow"} == ones[0].colours | ones[1].colours


def test_a_fronted_place_phrase_is_not_renamed_by_the_subject_after_its_comma():
    links = _links("On a crowded hospital ward in Oslo at dawn, a porter in green pushes a trolley.")
    assert links["a porter"] == (None, None, None)


def test_a_naming_clause_without_a_relative_word_names_the_noun_it_hangs_on():
    links = _links("By the jetty, her nephew Anselm, a wiry lad the whole harbour calls Selo, mends a net.")
    assert links["Selo"] == ("a wiry lad", None, None)


def test_a_predicate_after_a_raising_verb_renames_that_verbs_subject():
    assert _links("The hooded stranger turns out to be Marek.")["Marek"] == ("The hooded stranger", None, None)
    assert _links("The quiet boy proves to be Tomasz.")["Tomasz"] == ("The quiet boy", None, None)
    assert _links("The girl wants to be a pilot.")["a pilot"] == (None, None, "predicate")


def test_a_name_set_off_by_commas_after_a_character_phrase_renames_it():
    from tests.plugins.agent.sieves.helpers import with_and_without
    for story in (["The head cook, Aron Lindqvist, a stout man in an apron, tastes the soup.", "Aron salts the pot."],
                  ["Smoke drifts through a bakery as the master baker, Lindqvist Aron, a wiry man in a white cap, "
                   "tests the dough.", "Aron nods."]):
        on, off = with_and_without("apposition", story)
        assert on == [[1], [1]]
        assert on != off


def test_a_name_between_commas_in_a_list_is_someone_else():
    from tests.plugins.agent.sieves.helpers import ids
    assert ids(["The cook, Aron, and the maid carry the trays.", "Aron sits down."]) == [[1, 2, 3], [2]]
