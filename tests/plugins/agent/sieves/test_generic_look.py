from tests.plugins.agent.sieves.helpers import ids, with_and_without


def test_an_age_word_on_a_general_noun_finds_the_one_described_that_age_not_the_one_sharing_the_noun():
    # the only "woman" so far is the traveller; "old" says it is the elderly keeper
    story = ["An elderly lighthouse keeper in a wool cap climbs the spiral stairs.",
             "She watches a woman with a red suitcase step off the supply boat.",
             "The old woman lights the lamp while the visitor unpacks."]
    on, off = with_and_without("generic_look", story)
    assert on[2] == [1, 2]
    assert on != off


def test_a_build_word_finds_the_one_of_that_build():
    story = ["A stout baker kneads dough beside a young apprentice.",
             "A man in a flour-dusted apron carries the trays to the oven.",
             "The plump man slides the loaves onto the rack."]
    on, off = with_and_without("generic_look", story)
    assert on[2] == [1]
    assert on != off


def test_two_entities_with_the_look_decide_nothing():
    story = ["An old fisherman mends a net beside an elderly ferryman.",
             "A man in a red coat walks along the quay.",
             "The old man waves."]
    assert ids(story, ("generic_look",)) == ids(story)


def test_a_general_word_with_old_names_the_one_described_as_old():
    # "the old man" shares its head with the passenger, but only the ferryman was described as old
    story = ["An elderly ferryman in a navy sweater coils rope on the dock.",
             "A man in a yellow raincoat buys a ticket and boards the boat.",
             "The old man casts off and steers into the fog."]
    on, off = with_and_without("generic_look", story)
    assert on == [[1], [2], [1]]
    assert on != off


def test_grey_hair_says_old():
    story = ["A grey-haired gardener in overalls prunes the roses by the wall.",
             "A woman with a dog and a man in a suit wait at the gate.",
             "The old man waves to them and goes back to the roses."]
    on, off = with_and_without("generic_look", story)
    assert on[2] == [1, 2, 3, 4]  # the gardener; "them" the three at the gate
    assert on != off


def test_a_trait_on_a_general_noun_finds_the_one_given_that_trait_not_the_one_sharing_the_noun():
    # the only "man" so far is the mechanic; "bald" was said of the customer
    story = ["INT. GARAGE - NIGHT. An old man in overalls fixes a bike while a bald customer waits.",
             "CLOSE ON the customer's hands.",
             "The bald man pays and leaves."]
    on, off = with_and_without("generic_look", story)
    assert on[2] == [2]
    assert on != off


def test_a_trait_names_its_bearer_among_people_called_otherwise():
    story = ["A masked dancer spins past an old man selling lanterns.",
             "WIDE: the crowd parts for a drummer.",
             "The masked woman bows to the old man."]
    on, off = with_and_without("generic_look", story)
    assert on[2] == [1, 2]
    assert on != off


def test_a_trait_two_entities_share_decides_nothing():
    story = ["A bearded fisherman mends a net beside a bearded ferryman.",
             "A man in a red coat walks along the quay.",
             "The bearded man waves."]
    assert ids(story, ("generic_look",)) == ids(story)
