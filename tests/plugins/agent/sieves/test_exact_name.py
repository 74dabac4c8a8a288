from tests.plugins.agent.sieves.helpers import with_and_without


def test_a_name_finds_the_entity_that_carries_it():
    story = ["Marisol, a baker in a white apron, kneads dough.", "Marisol laughs."]
    on, off = with_and_without("exact_name", story)
    assert on == [[1], [1]]
    assert on != off


def test_a_hyphenated_given_name_is_one_name_word():
    story = ["Kim Seo-yeon, a girl in a lilac parka, feeds the pigeons.", "Later, Seo-yeon opens her sketchbook."]
    on, off = with_and_without("exact_name", story)
    assert on == [[1], [1]]
    assert on != off


def test_a_common_word_once_a_name_stays_a_name():
    story = ["A fisherman mends a net while Storm, his four-year-old son in a green hat, watches the waves.",
             "The fisherman lifts Storm onto the boat."]
    on, off = with_and_without("exact_name", story)
    assert on == [[1, 2], [1, 2]]
    assert on != off


def test_a_name_the_table_guesses_otherwise_keeps_the_gender_its_bearer_was_given():
    # the given-name table guesses "Ito" female; the story says he is a man
    story = ["Ito-sensei, a hefty man in a maroon smock, polishes his lenses.",
             "A young assistant labels jars beside him.",
             "Ito-sensei squints at the slide and nods."]
    on, off = with_and_without("exact_name", story)
    assert on[2] == [1]
    assert on != off


def test_a_known_name_the_parse_reads_as_a_modifier_of_a_verb_noun_is_the_name():
    # "Sunny sets": the parse makes "Sunny" an adjective of the plural noun "sets"
    story = ["Sunny, a stocky boy in a red cap, flies a kite.",
             "Rocky, a tall boy in a blue cap, flies a kite.",
             "As rain begins, Sunny sets down the kite and runs inside."]
    on, off = with_and_without("exact_name", story)
    assert on == [[1], [2], [1]]
    assert on != off


def test_a_title_before_a_name_is_not_one_of_its_name_words():
    # "Dr. Lin" is Lin Hua: the title is no name word that the earlier name lacks
    story = ["A junior doctor, Lin Hua, reads a chart by the window.", "Dr. Lin hurries to a bed."]
    on, off = with_and_without("exact_name", story)
    assert on == [[1], [1]]
    assert on != off


def test_a_short_name_for_a_known_name_word_is_that_entity():
    story = ["At a market stall, Teodora Villanueva, a stout woman in an apron, fries dumplings.",
             "Teody flips a dumpling and laughs."]
    on, off = with_and_without("exact_name", story)
    assert on == [[1], [1]]
    assert on != off


def test_a_name_sharing_only_three_first_letters_is_someone_else():
    # "Bart" shortens Bartholomew (four letters shared); "Ali" shares three with Alina and is a new character
    story = ["Bartholomew Okoye tunes a guitar on a porch while Alina sketches him.", "Bart hums a tune.",
             "Ali waves from the gate."]
    on, off = with_and_without("exact_name", story)
    assert on == [[1, 2], [1], [3]]
    assert on != off


def test_a_nickname_that_ends_a_longer_given_name_is_its_bearer():
    story = ["In a print shop, Adebayo Ogun, a wiry printer in a green apron, inks a plate.",
             "Bayo pulls the first sheet off the press."]
    on, off = with_and_without("exact_name", story)
    assert on == [[1], [1]]
    assert on != off


def test_a_capitalised_word_after_the_that_the_story_used_as_a_common_noun_is_that_noun():
    story = ["On the ferry deck, Ingrid Saether, a lanky Norwegian in a parka, feeds the gulls.",
             "The Norwegian laughs and waves her scarf."]
    on, off = with_and_without("exact_name", story)
    assert on == [[1], [1]]
    assert on != off


def test_a_capitalised_word_after_the_that_described_one_entity_is_that_entity():
    story = ["At the market, Amaru Quispe, a Peruvian backpacker with a red nose, buys a mango.",
             "A vendor peels the fruit and hands the Peruvian's change back with a grin."]
    on, off = with_and_without("exact_name", story)
    assert on[1] == [1, 2]
    assert on != off


def test_a_bare_diminutive_built_on_a_syllable_inside_a_known_name_is_its_bearer():
    # "Nacho" shares neither the first letters nor the end of "Ignacio", but "nac" stands inside it
    story = ["In a plum orchard, Ignacio Ferreyra, a thin boy in a straw hat, climbs a ladder.",
             "His aunt holds the ladder steady and hands Nacho a basket."]
    on, off = with_and_without("exact_name", story)
    assert on == [[1], [1, 2]]
    assert on != off


def test_a_name_introduced_with_a_description_is_someone_new_whatever_its_letters():
    # "Rianne" starts with letters inside "Adriana", but a description introduces her: a new character
    story = ["On a windy pier, Adriana Kovac, a stocky woman in a yellow coat, coils a rope.",
             "Rianne, a tall girl in a red scarf, sits on a bench."]
    on, _ = with_and_without("exact_name", story)
    assert on == [[1], [2]]


def test_a_surname_with_a_hyphenated_honorific_of_rank_is_its_bearer():
    story = ["In a school gym, Mori Haruto, a tall student in a grey blazer, sets up a net.",
             "Mori-senpai throws a ball to a first-year boy."]
    on, off = with_and_without("exact_name", story)
    assert on == [[1], [1, 2]]
    assert on != off


def test_a_bare_pet_name_opening_like_the_one_recent_named_person_is_that_person():
    # "Wojtek" keeps only the first two letters of "Wojciech"
    story = ["In a workshop, Wojciech Nowak, a burly carpenter, planes a board while his wife Irena sweeps.",
             "Irena hands Wojtek a cup of tea."]
    on, off = with_and_without("exact_name", story)
    assert on[1] == [1, 2]
    assert on != off


def test_a_bare_name_opening_like_two_recent_named_people_is_left_alone():
    story = ["Wojciech Nowak, a burly carpenter, and Wolfgang Ritter, a thin painter, sit on a bench.",
             "Wojtek waves."]
    on, _ = with_and_without("exact_name", story)
    assert on[1] == [3]


def test_an_unknown_bare_name_speaking_a_line_is_the_one_named_person_not_yet_in_the_prompt():
    # "Nenna" shares no letters with "Ragnheidur"; Sigurdur is already named in the line
    story = ["Ragnheidur Olafsdottir, a farmer in a wool sweater, sorts ewes while Sigurdur, her neighbour, "
             "mends the gate.",
             "\u201cSigurdur, that gate is crooked!\u201d Nenna calls over the wall."]
    on, off = with_and_without("exact_name", story)
    assert on[1] == [1, 2]
    assert on != off


def test_an_unknown_bare_name_speaking_a_line_is_left_alone_when_two_named_people_are_unaccounted():
    story = ["Ragnheidur Olafsdottir, a farmer in a wool sweater, sorts ewes while Sigurdur, her neighbour, "
             "mends the gate.",
             "\u201cThat gate is crooked!\u201d Nenna calls over the wall."]
    on, _ = with_and_without("exact_name", story)
    assert on[1] == [3]


def test_a_full_name_finds_the_given_name_said_after_a_plain_noun_that_is_also_a_title_noun():
    # "woman" and "man" are also what "Mrs" and "Mr" say, but no title was said with the name
    for story in (["A young woman named Mika hauls crates up the ramp.",
                   "At noon Hasegawa Mika eats rice by the kiln."],
                  ["An old man called Ivo sweeps the yard.", "Ivo Petrovic feeds the hens."],
                  ["Dunya, a woman in a red headscarf, bakes flatbread.", "Later Dunya Haddad sells the loaves."]):
        on, off = with_and_without("exact_name", story)
        assert on == [[1], [1]]
        assert on != off


def test_a_title_said_with_a_name_still_makes_a_longer_name_another_person():
    for story in (["Grandpa Wen, a frail man in a grey cardigan, waters the orchids.",
                   "Wen Lili, a girl with pigtails, skips across the courtyard."],
                  ["Mrs Okafor, a woman in a green wrapper, sells peppers.",
                   "Okafor Ada, a girl of ten, carries the basket."]):
        on, _ = with_and_without("apposition", story)
        assert on == [[1], [2]]


def test_a_bare_new_name_is_the_one_unnamed_person_of_the_previous_prompt():
    for story in (["An old woman in a red shawl digs a pot of bread out of the sand.",
                   "Doña Pilar knocks on the crust and nods."],
                  ["A stocky fisherman mends a net on the jetty.", "Mr Okoro lights his pipe."]):
        on, off = with_and_without("exact_name", story)
        assert on == [[1], [1]]
        assert on != off


def test_a_new_name_is_a_newcomer_when_the_gender_differs_two_could_be_named_or_it_is_introduced():
    for story in (["An old woman in a red shawl sells figs.", "Mr Okoro buys a bag."],
                  ["A fisherman and a baker argue on the jetty.", "Mr Okoro walks off."],
                  ["An old woman in a red shawl sells figs.", "Pilar, a young girl in a yellow dress, buys a bag."]):
        on, _ = with_and_without("apposition", story)
        assert on[1] != on[0] and len(on[1]) == 1 and on[1][0] not in on[0]


def test_a_new_name_of_several_words_is_the_one_unnamed_person_of_the_previous_prompt():
    for story in (["An old woman in a red shawl digs a pot of bread out of the sand.",
                   "Frau Helga Brandt knocks on the crust and nods."],
                  ["A lanky porter in a grey cap loads the cart.", "Tomas Vidal wipes his brow."]):
        on, off = with_and_without("exact_name", story)
        assert on == [[1], [1]]
        assert on != off
