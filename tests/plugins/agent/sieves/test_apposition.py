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
    story = ["Two brothers play chess in the garden while their uncle walks in, a stout man with a wooden cane."]
    on, off = with_and_without("apposition", story)
    assert on == [[1, 2, 3]]  # the brothers and the uncle; "a stout man" is the uncle
    assert on != off


def test_an_appositive_the_parse_hangs_on_an_earlier_plural_renames_the_subject_just_before_it():
    story = ["Two sisters bake bread. The sisters look up as the door bangs open and their aunt walks in, "
             "a tall woman with a long braid."]
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
    story = ["Wide shot of a night porter in a grey jacket, a stout man with a beard, sleeping on a bench.",
             "The stout man snores."]
    on, off = with_and_without("apposition", story)
    assert on == [[1], [1]]
    assert on != off


def test_phrases_listed_after_a_counted_plural_are_members_not_renamings():
    story = ["Three swimmers line up on the blocks: a stocky man in a red cap, a lanky teenage boy in blue, "
             "and a bald man in goggles.",
             "The teenager dives first. On the deck, Marta, a trainer with a stopwatch, shouts.",
             "The trainer clicks her stopwatch."]
    on, off = with_and_without("apposition", story)
    assert on[:2] == [[1, 2, 3], [2, 4]]  # the teenager is the second swimmer, not the first renamed
    assert on != off  # (the trainer's apposition is what the sieve changes here)


def test_an_appositive_that_states_a_gender_overrides_the_name_tables_guess():
    # the given-name table guesses "Ito" female: the appositive says otherwise and still renames the name
    story = ["Ito, a burly man in a grey apron, sharpens his knives.", "The man tastes the broth."]
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
