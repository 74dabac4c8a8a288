from plugins.agent.mentions import read_mentions
from plugins.agent.reader import parse
from tests.plugins.agent.sieves.helpers import with_and_without


def _appos(text: str) -> dict[str, str]:
    ms = read_mentions(text, parse(text)).mentions
    return {m.text: ms[m.appos_of].text for m in ms if m.appos_of is not None}


def test_a_name_before_an_as_clause_of_a_naming_verb_is_the_nickname_of_its_object():
    story = ["Oksana Hrytsenko, a stout woman in a green shawl, sells apples at a stall.",
             "Ksyusha, as the regulars call her, weighs a bag of pears."]
    on, off = with_and_without("apposition", story)
    assert on == [[1], [1]]
    assert on != off


def test_a_name_before_an_as_clause_of_a_passive_naming_verb_renames_its_subject():
    story = ["On a ridge, a guide leads Marzena Kowal, a tall woman in a red parka, up the slope.",
             "Zena, as Marzena insists on being called, plants her ice axe."]
    on, off = with_and_without("apposition", story)
    assert on == [[1, 2], [2]]
    assert on != off
    assert _appos("Tonino, as Antonio prefers to be known, lifts the crate.") == {"Tonino": "Antonio"}


def test_a_nickname_aside_with_nobody_known_before_it_is_a_new_character():
    story = ["Luli, as her neighbours call her, waters the roses."]
    on, _ = with_and_without("apposition", story)
    assert on == [[1]]


def test_a_name_in_brackets_or_quotation_marks_after_a_name_is_its_nickname():
    story = ["Ibrahim (Ibo to his teammates), a wiry striker in a red shirt, juggles a ball.", "Ibo scores a goal."]
    on, off = with_and_without("apposition", story)
    assert on == [[1], [1]]
    assert on != off
    assert _appos('A lanky boy named Bartholomew "Quig" Quigley mends a bicycle.')["Quig"] == "Bartholomew"


def test_a_name_a_copula_gives_as_someones_name_renames_that_someone():
    story = ["A woman in a grey coat sits at the wheel of a rattling bus.",
             "The driver — her name is Wanjiru Kamau, and she has driven this route for years — waves to a boy.",
             "Wanjiru honks at a goat."]
    on, off = with_and_without("apposition", story)
    assert on[1:] == [[1, 2], [1, 3]]
    assert on != off
    assert _appos("The cook, whose name is Teodor, stirs the pot.") == {"Teodor": "The cook"}


def test_a_name_before_a_dashed_or_bracketed_naming_aside_is_what_the_aside_calls_its_object():
    story = ["An old fisherman in a torn jumper sits on the quay.",
             "Papa Tunde — that is what the whole village calls the old fisherman — mends a net."]
    on, off = with_and_without("apposition", story)
    assert on == [[1], [1]]
    assert on != off
    assert _appos("Dona Lurdes (that is what the kids call her) sweeps the step.") == {"Dona Lurdes": "her"}


def test_a_name_set_beside_someones_name_noun_renames_the_possessor():
    assert _appos("A stout baker kneads dough; the apprentices shout her name, Lucia, across the yard.") == {
        "Lucia": "her"}
    assert _appos("An old aunt greets the tailor by his childhood name, Tono, and he blushes.") == {"Tono": "his"}
    story = ["A stout baker kneads dough; the apprentices shout her name, Lucia, across the yard.",
             "Lucia slides the loaves into the oven."]
    on, off = with_and_without("apposition", story)
    assert on == [[1], [1]]
    assert on != off


def test_the_name_as_a_word_said_with_no_possessor_names_nobody():
    story = ["A myna on the fence repeats the word Bruno all afternoon.", "The myna sleeps."]
    on, _ = with_and_without("head_match", story)
    assert on == [[1], [1]]


def test_a_name_called_for_a_noun_that_is_not_there_names_nobody():
    text = "The boy calls the cat's name, Minou, again and again, but only the pigeons answer."
    assert "Minou" not in [m.text for m in read_mentions(text, parse(text)).mentions]
