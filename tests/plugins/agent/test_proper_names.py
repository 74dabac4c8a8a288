"""Which capitalised words name a character (plugins/agent/proper_names.py)."""

from __future__ import annotations

from plugins.agent.mentions import read_mentions
from plugins.agent.proper_names import as_name_owner, lone_title, modifies_a_thing, place_position
from plugins.agent.reader import parse


def _names(text):
    return [m.text for m in read_mentions(text, parse(text)).mentions if m.kind == "name"]


def _tok(doc, text):
    return next(t for t in doc if t.text == text)


def test_the_object_of_a_preposition_of_place_is_a_place_even_when_it_is_also_a_given_name():
    doc = parse("At a noodle stall in Florence, a cook named Bertil stirs a pot.")
    assert place_position(_tok(doc, "Florence"))  # "Florence" is also a given name: "in" decides
    assert _names("At a noodle stall in Florence, a cook named Bertil stirs a pot.") == ["Bertil"]
    assert _names("The skipper steers the boat to Kiruna.") == []


def test_a_person_after_a_preposition_that_takes_people_stays_a_name():
    assert "Mira" in _names("Jonas walks to Mira and hugs her.")
    assert "Maria" in _names("A boy waits in Maria's kitchen.")


def test_a_capitalised_word_between_a_determiner_and_a_thing_is_no_name():
    doc = parse("A cat naps on the Vltava river barge.")
    assert modifies_a_thing(_tok(doc, "Vltava")) and _names("A cat naps on the Vltava river barge.") == []
    assert not modifies_a_thing(_tok(parse("The Okafor twins wave."), "Okafor"))  # a character noun follows


def test_an_ordinary_word_opening_a_sentence_is_a_name_only_where_the_sentence_frames_it_as_someone():
    assert _names("Snow is settling on the roofs, and the baker smiles.") == []
    assert _names("Dawn exterior, a quiet harbour under a low moon.") == []  # also a given name: no verb
    assert _names("Frost, a lanky boy in a red cap, kicks a ball.") == ["Frost"]  # a character appositive
    assert _names("Ember laughs at the joke.") == ["Ember"]  # a verb that needs a living subject
    assert _names("Ivy stands at the counter.") == ["Ivy"]  # a given name as the subject of a verb


def test_a_capitalised_word_with_an_article_is_a_kind_of_person_not_a_name():
    def nouns(text):
        return [(m.kind, m.text) for m in read_mentions(text, parse(text)).mentions]
    assert nouns("An Icelander in a red hat waves.") == [("noun", "An Icelander")]
    assert ("noun", "the Dane") in nouns("The kite string tangles around the Dane's boots.")
    assert ("noun", "The tall Norwegian") in nouns("The tall Norwegian laughs.")
    assert nouns("Ilse waves.") == [("name", "Ilse")]  # no article: a name


def test_a_title_written_short_keeps_its_period_and_joins_the_name_it_opens():
    text = "A clerk in a grey vest, Atty. Ramon Dizon, walks past the stall with a ledger."
    mentions = read_mentions(text, parse(text)).mentions
    name = next(m for m in mentions if m.kind == "name")
    assert name.text == "Atty. Ramon Dizon" and name.names == {"@ramon", "@dizon"}
    assert mentions[name.appos_of].text == "A clerk"  # one sentence: the period ended nothing
    assert _names("Fr. Tomas Brandt lights a candle.") == ["Fr. Tomas Brandt"]
    assert any(m.text == "The rep" for m in read_mentions("The rep nods.", parse("The rep nods.")).mentions)


def test_a_capitalised_kin_word_before_a_name_is_a_title():
    from plugins.agent.linker import link_story

    text = "At dusk Grandmother Sari turns the skewers on the grill."
    (m,) = [x for x in read_mentions(text, parse(text)).mentions if x.kind == "name"]
    assert m.names == {"@sari"} and "grandmother" in m.nouns and m.gender == "female"
    story = ["Nenek Sari, a stooped woman in a batik sarong, fans the coals of a grill.",
             "At dusk Grandmother Sari turns the skewers while a boy with a kite watches."]
    first, second = (r.entity_ids for r in link_story(story))
    assert first[0] in second  # one grandmother under two titles


def test_camera_gear_and_a_word_modifying_a_camera_word_are_no_names():
    text = "Steadicam drifts behind the potter. Jib shot rising over the kiln as Oluchi lifts a bowl."
    assert _names(text) == ["Oluchi"]
    assert _names("POV of the goose: Tavita scatters grain across the yard.") == ["Tavita"]


def test_an_ordinary_word_in_capitals_is_a_scene_headings_not_a_name():
    assert _names("EXT. BOATYARD - DAWN. Kalani sands the hull of a canoe.") == ["Kalani"]


def test_a_name_the_parse_hangs_on_a_preposition_of_place_is_a_name_when_a_person_is_set_beside_it():
    text = "In a noodle shop in Huế, ông Bảo, a wiry man in a white shirt, ladles broth."
    ms = read_mentions(text, parse(text)).mentions
    name = next(m for m in ms if m.kind == "name")
    assert name.names == {"@bảo"}  # "ông" is a title (a man), not a name word
    assert name.gender == "male" and "man" in name.nouns
    assert _names("A ferry crosses to Vis, an island of fishermen.") == []


def test_a_lone_kin_title_is_the_one_the_story_named_with_it():
    from plugins.agent.linker import link_story
    story = ["In a courtyard, a boy named Kofi kicks a ball.",
             "Mama Kofi comes out with a tray and scolds her son.",
             "Later, Mama watches from the doorway."]
    assert [r.entity_ids for r in link_story(story)][2] == [2]


def test_a_kin_title_before_a_split_name_is_no_lone_title():
    doc = parse("Later, Mama Kofi watches from the doorway.")
    assert not lone_title(_tok(doc, "Mama"))


def test_a_lone_title_of_respect_is_the_one_the_story_named_with_it():
    from plugins.agent.linker import link_story
    story = ["In a workshop, the old carver Baba Femi Adeyemi sands a stool while a girl watches.",
             "Baba laughs and hands the girl a chisel."]
    assert [r.entity_ids for r in link_story(story)] == [[1, 2], [1, 2]]
    assert lone_title(_tok(parse(story[1]), "Baba"))


def test_a_place_before_a_comma_and_the_clause_subject_stays_a_place():
    # the parse hangs the subject phrase on the place as its appositive; the phrase runs on into its verb
    assert _names("At a fruit stall in Chiclayo, a stout vendor in a straw hat weighs mangoes.") == []
    assert _names("In a noisy market in Kumasi, a tall weaver sells bright cloth.") == []
    assert _names("From a balcony in Valparaiso, a girl with a kite waves at the ships.") == []


def test_a_name_with_a_person_phrase_set_off_by_commas_stays_a_name():
    assert "ba Lan" in _names("In Hue, ba Lan, a tiny woman in a green dress, stirs a pot.")
    assert "Marisol" in _names("In Oaxaca, Marisol, a potter in a blue apron, shapes a jug.")


def test_a_word_above_or_below_which_things_are_is_a_place_unless_it_is_a_given_name():
    assert _names("High above Cusco, an old herder whistles to his llamas.") == []
    assert _names("Far below Tromso, a young skier in a red suit waits for the lift.") == []
    assert _names("The village lies along Rimac, where a boy in a cap fishes.") == []
    assert "Mateo" in _names("A kite hangs above Mateo as he runs along the beach.")


def test_a_name_after_as_renames_the_naming_verbs_object_else_its_subject():
    doc = parse("The porter greets the stranger as Colonel Dusek, then takes his bag.")
    assert as_name_owner(_tok(doc, "Dusek")).text == "stranger"
    doc = parse("A proud mother in a blue dress introduces her son as Tomas.")
    assert as_name_owner(_tok(doc, "Tomas")).text == "son"
    doc = parse("The old doorman hails the driver as Uncle Femi and opens the gate.")
    assert as_name_owner(_tok(doc, "Femi")).text == "driver"
    doc = parse("A lanky man introduces himself to the cook as Tamsin.")
    assert as_name_owner(_tok(doc, "Tamsin")).text == "man"


def test_a_capitalised_role_word_before_a_name_is_a_title():
    from plugins.agent.mentions import read_mentions as read
    text = "Chief Bello, a heavy man in a white agbada, sits under a mango tree."
    bello = next(m for m in read(text, parse(text)).mentions if m.kind == "name")
    assert bello.names == {"@bello"} and "chief" in bello.nouns
    text = "Hunter Reyes feeds the pigs."  # a role word the given-name table knows stays a given name
    assert next(m for m in read(text, parse(text)).mentions if m.kind == "name").names == {"@hunter", "@reyes"}


def test_two_bearers_of_one_role_title_are_two_people():
    from tests.plugins.agent.sieves.helpers import ids
    story = ["Chief Bello, a heavy man in a white agbada, sits under a mango tree.",
             "Chief Adeyemi, a thin man in a blue cap, joins him."]
    assert ids(story) == [[1], [1, 2]]
