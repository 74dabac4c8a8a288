from tests.plugins.agent.sieves.helpers import with_and_without


def test_toys_and_pictures_are_not_characters():
    story = ["A boy in a red cap sits beside a plush toy bear and looks at a photo of a horse.",
             "The boy hugs the bear."]
    on, off = with_and_without("presence", story)
    assert on == [[1], [1]]  # the boy only; the toy bear and the pictured horse are props
    assert on != off


def test_someone_only_dreamt_of_is_absent():
    story = ["A fisherman mends a net on the quay, dreaming of his grandfather."]
    on, off = with_and_without("presence", story)
    assert on == [[1]]
    assert on != off


def test_chess_pieces_are_props_but_the_players_are_present():
    story = ["Two neighbours set up a chessboard on a bench.",
             "A stooped old man in a brown vest moves his bishop, and a young man in a denim jacket takes it "
             "with his queen.",
             "The old man laughs while the young man resets the pieces."]
    on, off = with_and_without("presence", story)
    assert on[1] == on[2] and len(on[1]) == 2
    assert on != off


def test_what_a_screen_shows_is_pictured():
    story = ["A boy in a red cap sits on the couch beside his dog. On the television, a bear catches a salmon.",
             "The dog barks at the wolves on the screen while the boy laughs."]
    on, off = with_and_without("presence", story)
    assert on == [[1, 2], [1, 2]]  # the boy and the terrier; the bear, the salmon and the wolves are shown
    assert on != off


def test_the_object_of_a_verb_on_the_phone_is_elsewhere():
    story = ["A nurse in green scrubs tells her brother on the phone that she is tired."]
    on, off = with_and_without("presence", story)
    assert on == [[1]]
    assert on != off


def test_someone_missing_stays_elsewhere_as_a_possessor_later():
    story = ["A ranger in a grey coat searches the woods for a missing climber.",
             "The ranger finds the climber's glove beside a stream."]
    on, off = with_and_without("presence", story)
    assert on == [[1], [1]]
    assert on != off


def test_what_follows_a_colon_after_a_depiction_is_what_it_shows():
    story = ["An old sailor shows the girl his favourite postcard: a fat walrus on an ice floe."]
    on, off = with_and_without("presence", story)
    assert on == [[1, 2]]
    assert on != off


def test_a_reflexive_pronoun_of_a_pictured_subject_is_pictured_too():
    story = ["A cook in a white apron chops onions.",
             "A boy watches the television. On the screen, a skier pulls herself up the slope."]
    on, off = with_and_without("presence", story)
    assert on == [[1], [2]]  # "herself" is the skier's, not the cook's
    assert on != off


def test_a_group_named_only_as_an_owner_is_not_there():
    story = ["A girl in a yellow coat feeds the family's old dog."]
    on, off = with_and_without("presence", story)
    assert on == [[1, 2]]  # the girl and the dog
    assert on != off


def test_an_animal_on_a_garment_is_a_pattern():
    story = ["A girl of about six in tiger pyjamas sits by the fire."]
    on, off = with_and_without("presence", story)
    assert on == [[1]]
    assert on != off


def test_a_hyphenated_compound_names_no_character():
    story = ["A young man with a man-bun carries a box up the stairs."]
    on, off = with_and_without("presence", story)
    assert on == [[1]]
    assert on != off


def test_an_indefinite_owner_is_not_there_unless_it_wears_the_thing():
    on, off = with_and_without("presence", ["A neighbour's cat wanders into the kitchen."])
    assert on == [[1]]  # the cat; the neighbour is only whose it is
    assert on != off
    on, _ = with_and_without("presence", ["A tailor measures a customer's trousers."])
    assert on == [[1, 2]]


def test_a_made_character_that_acts_on_something_is_a_creature_and_a_statue_is_not():
    story = ["A clay golem carries a heavy beam past a stone lion on a plinth.", "A blacksmith directs the golem."]
    on, off = with_and_without("presence", story)
    assert on == [[1], [1, 2]]  # the golem, then the blacksmith; the stone lion is a statue
    assert on != off


def test_what_is_being_photographed_is_there():
    story = ["A ginger cat naps on the rug.",
             "A young man in a towel takes a photo of the cat and hangs a photo of a horse on the wall."]
    on, off = with_and_without("presence", story)
    assert on == [[1], [1, 2]]  # the cat is photographed now; the horse is only in the old photo
    assert on != off


def test_an_in_law_or_to_be_noun_is_still_a_character():
    story = ["Her mother-in-law arrives with a cake while a bride-to-be in a yellow dress laughs at a "
             "cat-shaped clock."]
    on, off = with_and_without("presence", story)
    assert on == [[1, 2]]  # the mother-in-law and the bride-to-be; the cat is the clock's shape
    assert on != off


def test_a_character_noun_that_only_gives_a_thing_its_form_is_no_entity():
    story = ["A cook in a white apron sets a timer shaped like a hen on the counter.",
             "A boy in a red cap flies a kite in the shape of a fish."]
    on, off = with_and_without("presence", story)
    assert on == [[1], [2]]
    assert on != off


def test_a_definite_owner_of_a_garment_is_someone_a_kind_of_garment_is_not():
    # "a white chef's jacket" names a kind of jacket; "the newcomer's apron" is the girl's
    story = ["A cook in a white chef's jacket stirs a pot.",
             "A girl in a red scarf walks in late.",
             "The cook ties the newcomer's apron with a smile."]
    on, off = with_and_without("presence", story)
    assert on == [[1], [2], [1, 2]]
    assert on != off


def test_a_character_the_story_has_is_no_worn_thing_after_with():
    # "a silver stud" is worn (a WordNet-only word after "with"); "the patient" after "with" is the patient
    story = ["The patient, an old man in a grey gown, dozes on a trolley.",
             "A porter with a silver stud mops the floor.",
             "Wide shot of the room with the patient on the bed."]
    on, off = with_and_without("presence", story)
    assert on == [[1], [2], [1]]
    assert on != off
