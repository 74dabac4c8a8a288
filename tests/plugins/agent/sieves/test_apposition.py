from tests.plugins.agent.sieves.helpers import with_and_without


def test_an_apposition_renames_the_name_before_it():
    story = ["Idris, a ferry pilot in a yellow slicker, steers the boat.", "The pilot waves."]
    on, off = with_and_without("apposition", story)
    assert on == [[1], [1]]  # "a ferry pilot" is Idris, so "the pilot" later is Idris too
    assert on != off


def test_an_appositive_the_parse_hangs_on_the_verb_renames_the_subject_before_it():
    story = ["A brown dog naps on the porch.",
             "A second dog trots into the yard, a tall white poodle with a pink bow, and barks."]
    on, off = with_and_without("apposition", story)
    assert on == [[1], [2]]
    assert on != off


def test_an_appositive_after_a_later_subject_is_that_subject_not_an_object_before_it():
    story = ["Two cousins play cards on the deck while their grandfather strolls in, a wiry man with a tobacco pipe."]
    on, off = with_and_without("apposition", story)
    assert on == [[1, 2, 3]]  # the cousins and the grandfather; "a wiry man" is the grandfather
    assert on != off


def test_an_appositive_the_parse_hangs_on_an_earlier_plural_renames_the_subject_just_before_it():
    story = ["Two twins paint a fence. The twins glance over as the gate creaks open and their godmother strides in, "
             "a spry woman with a silver bob."]
    on, off = with_and_without("apposition", story)
    assert on == [[1, 2, 3]]
    assert on != off


def test_a_name_after_as_renames_who_introduces_himself():
    story = ["A young backpacker in a green poncho sits on a stool.",
             "He introduces himself to the cook as Tomas.", "Tomas eats noodles."]
    on, off = with_and_without("apposition", story)
    assert on == [[1], [1, 2], [1]]
    assert on != off


def test_an_appositive_after_a_phrase_the_parse_hung_elsewhere_renames_the_noun_before_it():
    story = ["Wide shot of a lighthouse keeper in a navy vest, a portly man with sideburns, dozing on a crate.",
             "The portly man snores."]
    on, off = with_and_without("apposition", story)
    assert on == [[1], [1]]
    assert on != off


def test_phrases_listed_after_a_counted_plural_are_members_not_renamings():
    story = ["Three cyclists wait at the start line: a squat man in an orange helmet, a lanky teenage boy in teal, "
             "and a gray-haired man in sunglasses.",
             "The teenager pedals off first. By the fence, Marta, a coach with a clipboard, shouts.",
             "The coach taps her clipboard."]
    on, off = with_and_without("apposition", story)
    assert on[:2] == [[1, 2, 3], [2, 4]]  # the teenager is the second cyclist, not the first renamed
    assert on != off  # (the coach's apposition is what the sieve changes here)


def test_an_appositive_that_states_a_gender_overrides_the_name_tables_guess():
    # the given-name table guesses "Ito" female: the appositive says otherwise and still renames the name
    story = ["Ito, a hefty man in a maroon smock, polishes his lenses.", "The man squints at the slide."]
    on, off = with_and_without("apposition", story)
    assert on == [[1], [1]]
    assert on != off


def test_a_name_given_by_who_hung_on_a_worn_thing_renames_the_wearer():
    story = ["Jonas, a tall boy in a black cap whom everyone calls Bix, waits by the gate.", "Bix waves."]
    on, off = with_and_without("apposition", story)
    assert on == [[1], [1]]
    assert on != off


def test_a_name_a_naming_verb_adds_never_contradicts_the_entitys_own_name():
    # "Pip" joins the bride through "her"; "the bride" is still Mira, whose name is another
    story = ["Mira, a bride in a green sari, sits on a swing.",
             "Her aunt sits beside the bride, calling her Pip as always.",
             "Pip laughs."]
    on, off = with_and_without("apposition", story)
    assert on == [[1], [1, 2], [1]]
    assert on != off


def test_a_name_after_a_phrase_and_its_own_prepositional_phrase_renames_it():
    story = ["Near the kiln, a potter from Bergen, Ingrid Dahl, trims a bowl on her wheel.",
             "Ingrid glazes the rim and the potter hums."]
    on, off = with_and_without("apposition", story)
    assert on == [[1], [1]]
    assert on != off


def test_a_name_after_a_colon_renames_the_subject_of_the_clause_before():
    story = ["A stranger appears: Dr. Lotte Brandauer, a dentist in a tweed coat.",
             "Dr. Brandauer sits down while the stranger's driver waits outside."]
    on, off = with_and_without("apposition", story)
    assert on[0] == [1]
    assert on != off


def test_what_a_mannequin_is_dressed_as_is_no_character_when_the_parse_hangs_it_on_a_modifier():
    # the parse makes "display" the head and hangs both "mannequin" and "dressed" on it
    story = ["A janitor in blue overalls mops the hall past a display mannequin dressed as a young pilot.",
             "He hums."]
    on, off = with_and_without("apposition", story)
    assert on == [[1], [1]]  # the sailor is the mannequin's costume, not a second person
    assert on != off
