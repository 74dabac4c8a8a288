"""Each override of the repair stage changes what spaCy's small model says where the lexicon contradicts it."""

from plugins.agent import repairs, repairs_names
from plugins.agent.reader import nlp


def _tok(doc, text):
    return next(t for t in doc if t.text == text)


def test_every_override_is_listed_once():
    assert len(set(repairs.OVERRIDES)) == len(repairs.OVERRIDES)


def test_subject_before_verb_noun():
    doc = nlp()("The grandmother waves from the porch.")
    assert _tok(doc, "grandmother").dep_ != "nsubj"  # what the model says without the repair
    assert repairs.subject_before_verb_noun(doc) == 1
    assert _tok(doc, "grandmother").dep_ == "nsubj" and _tok(doc, "waves").pos_ == "VERB"


def test_character_noun_before_non_noun():
    doc = nlp()("Nearby, a stork standing motionless by the canal watches them.")
    before = _tok(doc, "stork").dep_
    assert repairs.character_noun_before_non_noun(doc) == 1
    assert before == "compound" and _tok(doc, "stork").dep_ == "nsubj"


def test_capitalised_word_is_proper():
    doc = nlp()("The goat bolts when Oyelaran whistles.")
    n = repairs.capitalised_word_is_proper(doc)
    assert _tok(doc, "Oyelaran").pos_ == "PROPN"
    assert n >= 0


def test_character_noun_not_verb():
    doc = nlp()("Later the guide sits down.")
    tok = _tok(doc, "guide")
    tok.pos_ = "VERB"  # the contradiction the override repairs
    assert repairs.character_noun_not_verb(doc) == 1
    assert tok.pos_ == "NOUN"


def test_character_noun_subject_not_adjective():
    doc = nlp()("Later the tall guide sits down.")
    tok = _tok(doc, "guide")
    tok.pos_, tok.dep_ = "ADJ", "nsubj"  # the contradiction the override repairs
    assert repairs.character_noun_subject_not_adjective(doc) == 1
    assert tok.pos_ == "NOUN"


def test_a_lowercase_proper_noun_before_a_verb_noun_is_the_subject():
    doc = nlp()("The old guide waves.")
    guide, waves = _tok(doc, "guide"), _tok(doc, "waves")
    guide.pos_, guide.dep_, guide.head = "PROPN", "amod", waves  # the model's reading of a place name
    waves.pos_, waves.tag_ = "NOUN", "NNS"
    assert repairs.subject_before_verb_noun(doc) == 1
    assert guide.dep_ == "nsubj" and guide.pos_ == "NOUN" and waves.pos_ == "VERB"


def test_reported_clause_not_relative():
    doc = nlp()("The baker nods and tells the cat that Ottilie never liked mice.")
    before = _tok(doc, "liked").dep_
    assert repairs.reported_clause_not_relative(doc) == 1
    assert before == "relcl" and _tok(doc, "liked").dep_ == "ccomp" and _tok(doc, "liked").head.text == "tells"


def test_a_year_old_before_a_verb_noun_is_the_subject():
    doc = nlp()("The six-year-old claps.")
    assert _tok(doc, "old").dep_ != "nsubj"
    assert repairs.subject_before_verb_noun(doc) == 1
    assert _tok(doc, "old").dep_ == "nsubj" and _tok(doc, "claps").pos_ == "VERB"


def test_a_vehicle_tagged_as_adjective_before_a_verb_noun_is_the_subject():
    doc = nlp()("A dented blue electric rolls down the ramp.")
    assert _tok(doc, "electric").dep_ != "nsubj"
    assert repairs.subject_before_verb_noun(doc) == 1
    assert _tok(doc, "electric").dep_ == "nsubj" and _tok(doc, "electric").pos_ == "NOUN"
    assert _tok(doc, "rolls").pos_ == "VERB"


def test_a_person_noun_before_a_plural_animal_noun_in_the_verb_slot_is_the_subject():
    doc = nlp()("The tired goalkeeper ducks behind the post.")
    assert _tok(doc, "goalkeeper").dep_ != "nsubj"
    assert repairs.subject_before_verb_noun(doc) == 1
    assert _tok(doc, "goalkeeper").dep_ == "nsubj" and _tok(doc, "ducks").pos_ == "VERB"
    doc = nlp()("The farmer feeds the ducks by the pond.")  # an object stays a noun
    assert repairs.subject_before_verb_noun(doc) == 0 and _tok(doc, "ducks").pos_ == "NOUN"


def test_capitalised_word_before_apposition_after_a_conjunction():
    doc = nlp()("A farmer stacks hay while Rain, his quiet six-year-old son in a brown vest, feeds the goats.")
    assert _tok(doc, "Rain").pos_ != "PROPN"
    assert repairs.capitalised_word_before_apposition(doc) == 1
    assert _tok(doc, "Rain").pos_ == "PROPN"


def test_hyphenated_name():
    doc = nlp()("Later, Seo-yeon opens her umbrella.")
    assert _tok(doc, "yeon").pos_ != "PROPN"
    assert repairs.hyphenated_name(doc) == 1
    assert _tok(doc, "yeon").pos_ == "PROPN" and _tok(doc, "Seo").dep_ == "compound"
    assert _tok(doc, "Seo").head.text == "yeon" and _tok(doc, "yeon").head.text == "opens"


def test_character_noun_not_comparative():
    doc = nlp()("The lamb stops and the terrier nudges it.")
    assert _tok(doc, "terrier").tag_ == "JJR"  # "terri" + "-er" to the small model
    assert repairs.character_noun_not_comparative(doc) == 1
    terrier = _tok(doc, "terrier")
    assert terrier.pos_ == "NOUN" and terrier.dep_ == "nsubj" and any(c.lower_ == "the" for c in terrier.children)


def test_name_after_naming_verb():
    doc = nlp()("A small brown spaniel called Pickle trots in from the garden.")
    assert _tok(doc, "Pickle").dep_ != "oprd"
    assert repairs.name_after_naming_verb(doc) == 1
    assert _tok(doc, "Pickle").dep_ == "oprd" and _tok(doc, "Pickle").pos_ == "PROPN"
    assert _tok(doc, "trots").pos_ == "VERB" and _tok(doc, "spaniel").dep_ == "nsubj"


def test_garment_phrase_after_character():
    doc = nlp()("A porter yells as he sprints, chasing the girl in the raincoat across the platform.")
    prep = next(t for t in doc if t.text == "in")
    assert prep.head.text != "girl"  # what the model says without the repair
    assert repairs.garment_phrase_after_character(doc) == 1
    assert prep.head.text == "girl"


def test_partitive_before_verb_noun():
    doc = nlp()("They stop at the gate. The smaller of the two waves at the guard.")
    waves = _tok(doc, "waves")
    assert waves.dep_ == "pobj"  # what the model says without the repair: "the two waves" as the set
    assert repairs.partitive_before_verb_noun(doc) == 1
    assert waves.pos_ == "VERB" and _tok(doc, "smaller").dep_ == "nsubj" and _tok(doc, "smaller").head.i == waves.i
    assert _tok(doc, "two").dep_ == "pobj"


def test_partitive_before_verb_noun_leaves_a_real_plural_alone():
    doc = nlp()("The smaller of the two dogs barks at the guard.")
    assert repairs.partitive_before_verb_noun(doc) == 0


def test_honorific_suffix():
    doc = nlp()("Later Ito-sensei frowns at the dough.")
    before = _tok(doc, "Ito").head.text
    assert repairs.honorific_suffix(doc) == 1
    assert before == "sensei" and _tok(doc, "sensei").head.text == "Ito" and _tok(doc, "Ito").pos_ == "PROPN"


def test_object_pronoun_before_given_name():
    doc = nlp()("The nurse strokes her hair, calling her Lulu as she has since birth.")
    her = [t for t in doc if t.lower_ == "her"][1]
    assert her.dep_ == "poss"  # what the model says without the repair: "her Lulu"
    assert repairs.object_pronoun_before_given_name(doc) == 1
    assert her.dep_ == "dobj" and her.head.text == "calling" and _tok(doc, "Lulu").dep_ == "oprd"


def test_character_noun_compound_of_verb():
    doc = nlp()("A fluffy grey owlet hops out from the reeds.")
    a, fluffy, grey, owlet, hops = (_tok(doc, w) for w in ("A", "fluffy", "grey", "owlet", "hops"))
    grey.head, grey.dep_, grey.pos_ = hops, "nsubj", "ADJ"  # the model's reading of such a clause
    owlet.head, owlet.dep_ = hops, "compound"
    a.head, fluffy.head = grey, grey
    assert repairs.character_noun_compound_of_verb(doc) == 1
    assert owlet.dep_ == "nsubj" and grey.head.i == owlet.i and a.head.i == owlet.i and a.dep_ == "det"


def test_object_of_bare_preposition():
    doc = nlp()("A ferryman with long silver hair unties the boat.")
    hair = _tok(doc, "hair")
    assert hair.dep_ == "nsubj"  # what the model says without the repair: a second subject of "unties"
    assert repairs.object_of_bare_preposition(doc) == 1
    assert hair.dep_ == "pobj" and hair.head.text == "with"


def test_an_ordinary_noun_the_parse_sets_an_appositive_beside_is_a_name():
    # "Treasure" is an ordinary word the given-name table does not know; the parse hangs "a young weaver" on it
    doc = nlp()("Treasure, a young weaver in a blue shawl, counts the coins and smiles.")
    assert _tok(doc, "Treasure").pos_ == "NOUN"
    assert repairs.capitalised_word_before_apposition(doc) == 1
    assert _tok(doc, "Treasure").pos_ == "PROPN"


def test_garment_phrase_after_character_takes_a_thing_carried_after_with():
    doc = nlp()("The girl waves a small flag at the lifeguard with the beard, who whistles back.")
    prep = _tok(doc, "with")
    assert prep.head.text == "waves"  # what the model says without the repair
    assert repairs.garment_phrase_after_character(doc) == 1
    assert prep.head.text == "lifeguard"


def test_verb_of_verbless_sentence():
    doc = nlp()("Near the shed, a rusty old tractor with a dented hood grumbles across the field.")
    before = next(doc.sents).root.pos_
    assert repairs.verb_of_verbless_sentence(doc) == 1
    assert before not in ("VERB", "AUX")  # what the model says without the repair: no verb at the root
    assert _tok(doc, "grumbles").pos_ == "VERB" and _tok(doc, "tractor").dep_ == "nsubj"
    assert _tok(doc, "tractor").head.i == _tok(doc, "grumbles").i


def test_verb_of_verbless_sentence_leaves_a_sentence_with_a_verb_alone():
    doc = nlp()("The farmer carries bags and boxes across the yard.")
    assert repairs.verb_of_verbless_sentence(doc) == 0 and _tok(doc, "boxes").pos_ == "NOUN"


def test_a_verb_read_as_a_plural_noun_is_found_by_its_verb_base_not_the_nouns_lemma():
    from plugins.agent.resources import verb_base
    assert [verb_base(w) for w in ("reverses", "hurries", "watches", "glass")] == ["reverse", "hurry", "watch", None]
    doc = nlp()("The small robot reverses, spins around and beeps.")
    assert _tok(doc, "reverses").lemma_ != "reverse"  # the model's lemma is a noun's singular
    assert repairs.subject_before_verb_noun(doc) == 1
    assert _tok(doc, "robot").dep_ == "nsubj" and _tok(doc, "reverses").lemma_ == "reverse"


def test_verb_of_verbless_sentence_keeps_a_root_that_has_a_subject_and_can_be_a_verb():
    doc = nlp()("By the old stove, Noor and Ilse stand, folding towels and sheets.")
    repairs.verb_of_verbless_sentence(doc)
    assert _tok(doc, "Noor").dep_ == "nsubj" and _tok(doc, "towels").pos_ != "VERB"


def test_verb_joined_after_an_object():
    doc = nlp()("The hiker rests on a rock and dreams of summer.")
    was = _tok(doc, "dreams").pos_
    assert repairs.verb_joined_after_an_object(doc) == 1
    assert was == "NOUN" and _tok(doc, "dreams").pos_ == "VERB" and _tok(doc, "dreams").lemma_ == "dream"
    assert _tok(doc, "of").head.i == _tok(doc, "dreams").i
    other = nlp()("He carries a crate of apples and boxes of pears.")  # a second object: no verb
    assert repairs.verb_joined_after_an_object(other) == 0


def test_subject_before_verb_noun_leaves_the_object_of_a_preposition_a_noun():
    doc = nlp()("Two boys nap under the plane trees near the well.")
    assert repairs.subject_before_verb_noun(doc) == 0
    assert _tok(doc, "trees").pos_ == "NOUN" and _tok(doc, "plane").dep_ == "compound"
    clause = nlp()("The boy waves as the ibex circles overhead.")  # "as" opens a clause: its verb is found
    assert _tok(clause, "circles").dep_ == "pobj"  # what the model says without the repair
    assert repairs.subject_before_verb_noun(clause) == 1 and _tok(clause, "circles").pos_ == "VERB"


def test_an_unknown_capitalised_subject_opening_its_sentence_before_a_comma_is_proper():
    doc = nlp()("Zorbek, still yawning, unlocks the bakery door.")
    doc[0].pos_, doc[0].tag_ = "NOUN", "NN"  # what the small model may say of a name it does not know
    assert repairs.capitalised_word_is_proper(doc) >= 1
    assert doc[0].pos_ == "PROPN"
    plural = nlp()("Commuters, tired and cold, shuffle past the kiosk.")
    plural[0].pos_, plural[0].tag_ = "NOUN", "NNS"
    repairs.capitalised_word_is_proper(plural)
    assert plural[0].pos_ == "NOUN"  # a plural of an ordinary noun stays one


def test_a_given_name_opening_its_sentence_as_the_subject_is_proper_without_a_comma():
    doc = nlp()("Ravi writes the prices on a slate.")
    doc[0].pos_, doc[0].tag_ = "NOUN", "NN"  # what the small model says of it
    assert repairs.capitalised_word_is_proper(doc) >= 1
    assert doc[0].pos_ == "PROPN"
    unknown = nlp()("Zorbek unlocks the bakery door.")
    unknown[0].pos_, unknown[0].tag_ = "NOUN", "NN"
    repairs.capitalised_word_is_proper(unknown)
    assert unknown[0].pos_ == "NOUN"  # no comma and no given name: the capital may only open the sentence


def test_character_adjective_before_verb():
    doc = nlp()("Rain drums on the ward window, and the patient coughs and rolls over.")
    patient = _tok(doc, "patient")
    patient.pos_, patient.tag_, patient.dep_ = "ADJ", "JJ", "amod"  # what the small model says
    patient.head = _tok(doc, "coughs")
    _tok(doc, "coughs").pos_ = "VERB"
    doc[patient.i - 1].head = _tok(doc, "coughs")  # its "the"
    assert repairs.character_adjective_before_verb(doc) == 1
    assert patient.pos_ == "NOUN" and patient.dep_ == "nsubj"


def test_fronted_word_before_subject():
    doc = nlp()("Unbothered, the tortoise chews a dandelion leaf.")
    assert _tok(doc, "Unbothered").pos_ == "PROPN"  # what the model says without the repair
    assert repairs.fronted_word_before_subject(doc) == 1
    assert _tok(doc, "Unbothered").pos_ == "ADV"
    named = nlp()("Tamsin, a boy from the dunes, waves.")
    assert repairs.fronted_word_before_subject(named) == 0  # a name with an appositive closed by a comma


def test_compound_character_noun_read_as_verb():
    doc = nlp()("Near the oven, the prep cook chops garlic for the soup.")
    assert _tok(doc, "cook").pos_ == "VERB"  # what the model says without the repair: "prep" as the subject
    assert repairs.compound_character_noun_read_as_verb(doc) == 1
    cook, chops = _tok(doc, "cook"), _tok(doc, "chops")
    assert cook.dep_ == "nsubj" and cook.head.i == chops.i and chops.pos_ == "VERB"
    assert _tok(doc, "prep").dep_ == "compound" and _tok(doc, "garlic").head.i == chops.i


def test_a_character_noun_subject_before_a_verb_that_is_a_character_noun_stays():
    doc = nlp()("At noon the guard cooks rice for the soldiers.")
    assert repairs.compound_character_noun_read_as_verb(doc) == 0


def test_an_ed_word_inside_the_appositive_keeps_the_word_before_it_a_name():
    doc = nlp()("Ilse, her freckled niece, kneels by the pond.")
    assert _tok(doc, "freckled").pos_ == "VERB" and _tok(doc, "Ilse").pos_ != "PROPN"  # the model's reading
    assert repairs_names.capitalised_word_before_apposition(doc) == 1
    assert _tok(doc, "Ilse").pos_ == "PROPN"


def test_possessive_read_as_subject_of_participle():
    doc = nlp()("Marit, her freckled eight-year-old nephew in a yellow cap, crouches by the creek.")
    her, freckled, nephew = _tok(doc, "her"), _tok(doc, "freckled"), _tok(doc, "nephew")
    assert her.dep_ == "nsubj" and freckled.dep_ == "ROOT"  # the model's reading: "her" did the freckling
    assert repairs.possessive_read_as_subject_of_participle(doc) == 1
    assert her.dep_ == "poss" and her.head.i == nephew.i and freckled.pos_ == "ADJ" and freckled.head.i == nephew.i


def test_modal_before_present_verb():
    doc = nlp()("Will yawns and pushes the cart toward the barn.")
    assert _tok(doc, "Will").pos_ == "AUX"  # the model's reading: the modal "will"
    assert repairs_names.modal_before_present_verb(doc) == 1
    assert _tok(doc, "Will").pos_ == "PROPN" and _tok(doc, "Will").dep_ == "nsubj"
    assert repairs_names.modal_before_present_verb(nlp()("The goat will eat the hay.")) == 0


def test_name_hung_after_its_noun():
    doc = nlp()("The potter's nephew Tariq carries the clay to the wheel.")
    nephew, tariq = _tok(doc, "nephew"), _tok(doc, "Tariq")
    tariq.head, tariq.dep_ = nephew, "amod"  # the model's reading of such a phrase: the name modifies the noun
    assert repairs_names.name_hung_after_its_noun(doc) == 1
    assert tariq.dep_ == "appos"


def test_absolute_opening():
    doc = nlp()("Match won, the two sailors stretch out on the deck.")
    assert _tok(doc, "Match").tag_ == "NNP"  # what the model says without the repair
    assert repairs_names.absolute_opening(doc) == 1
    assert _tok(doc, "Match").tag_ == "NN"


def test_an_honorific_after_a_name_and_a_space_is_the_names_title():
    doc = nlp()("In a tea garden, Selin Hanım, a tall woman in a red coat, greets Derya Hanım.")
    assert repairs_names.honorific_after_name(doc) == 2
    selin = _tok(doc, "Selin")
    hanim = doc[selin.i + 1]
    assert hanim.head.i == selin.i and hanim.dep_ == "compound"
    jackie = nlp()("Jackie Chan waves from the stage.")
    assert repairs_names.honorific_after_name(jackie) == 0  # a capitalised word the name table knows stays a name


def test_two_women_with_one_honorific_after_their_names_are_two_entities():
    from tests.plugins.agent.sieves.helpers import ids

    story = ["In a tea garden, Selin Hanım, a tall woman in a red coat, pours tea.",
             "Derya Hanım, a short woman in a grey shawl, reads a newspaper."]
    assert ids(story) == [[1], [2]]  # not one name "Hanım" shared by both


def test_a_phrase_read_into_the_pronoun_of_a_naming_clause_ends_before_it():
    doc = nlp()("Two cooks work the grill, a young woman named Rosa and a stout Welshman everybody calls Taff.")
    assert repairs_names.phrase_read_into_naming_clause(doc) == 1
    welshman, calls = _tok(doc, "Welshman"), _tok(doc, "calls")
    assert calls.head.i == welshman.i and calls.dep_ == "relcl"
    assert any(c.lower_ == "a" for c in welshman.children)


def test_a_name_opening_or_closing_a_quoted_line_is_addressed_not_a_modifier():
    doc = nlp()("“Tomasz, hurry!” the baker shouts across the yard.")
    doc[1].pos_, doc[1].tag_, doc[1].dep_ = "PROPN", "NNP", "amod"  # what the small model may say of it
    assert repairs_names.vocative_name(doc) == 1
    assert doc[1].dep_ == "npadvmod"
    story = ["Tomasz, a boy of ten in a red cap, chases a hen around the yard.",
             "“Tomasz, look!” the baker shouts, pointing to a cart that rolls down the lane."]
    from tests.plugins.agent.sieves.helpers import ids

    assert 1 in ids(story)[1]


def test_name_read_as_subject_after_naming_clause():
    doc = nlp()("A battered bus the kids call Rosco waits by the school.")
    fix = repairs_names.name_read_as_subject_after_naming_clause
    for earlier in repairs.OVERRIDES[:repairs.OVERRIDES.index(fix)]:
        earlier(doc)
    assert _tok(doc, "Rosco").dep_ == "nsubj"  # what the parse says before this repair
    assert fix(doc) == 1
    assert _tok(doc, "Rosco").dep_ == "oprd" and _tok(doc, "Rosco").head.text == "call"
    assert _tok(doc, "bus").dep_ == "nsubj" and _tok(doc, "bus").head.text == "waits"


def test_name_read_as_object_of_a_naming_clause_before_the_real_verb():
    # the parse hangs the sentence's verb on the naming verb after the name
    doc = nlp()("A big grey tractor the farm crew call Otto grumbles up the hill.")
    fix = repairs_names.name_read_as_subject_after_naming_clause
    for earlier in repairs.OVERRIDES[:repairs.OVERRIDES.index(fix)]:
        earlier(doc)
    assert _tok(doc, "grumbles").head.text == "call"  # what the parse says before this repair
    assert fix(doc) == 1
    assert _tok(doc, "Otto").dep_ == "oprd" and _tok(doc, "tractor").head.text == "grumbles"


def test_a_named_machine_keeps_its_name_after_a_naming_clause():
    from plugins.agent.linker import link_story
    prompts = ["A rusty snowcat the rangers call Gunnar crawls up the ridge.",
               "A hare dashes in front of the machine.",
               "Gunnar slows down.",
               "The snowcat parks by the hut."]
    assert [r.entity_ids for r in link_story(prompts, ())] == [[1], [1, 2], [1], [1]]


def test_word_after_as_naming_verb():
    doc = nlp()("The hiker at the counter introduces herself as Sunny.")
    assert _tok(doc, "Sunny").pos_ == "ADJ"  # what the model says without the repair
    assert repairs_names.word_after_as_naming_verb(doc) == 1
    assert _tok(doc, "Sunny").pos_ == "PROPN" and _tok(doc, "Sunny").head.text == "as"


def test_description_before_name():
    doc = nlp()("By the river, the master potter Baba Kwame Boateng shapes a bowl.")
    assert _tok(doc, "potter").head.text == "Boateng"  # the model hangs the description on the name
    assert repairs_names.description_before_name(doc) == 1
    assert _tok(doc, "Boateng").dep_ == "appos" and _tok(doc, "Boateng").head.text == "potter"
    assert _tok(doc, "potter").dep_ == "nsubj" and _tok(doc, "master").head.text == "potter"


def test_a_title_after_a_name_and_a_hyphen_is_an_honorific():
    for text, name, title in (("Kofi-sir haggles with the vendor.", "Kofi", "sir"),
                              ("Then Tunde-baba arrives with a basket.", "Tunde", "baba"),
                              ("The porter bows low to Meera-didi.", "Meera", "didi")):
        doc = nlp()(text)
        assert repairs.honorific_suffix(doc) == 1
        assert _tok(doc, title).head.text == name and _tok(doc, title).dep_ == "compound"
    assert repairs.honorific_suffix(nlp()("Anne-Marie waves from the porch.")) == 0


def test_a_name_with_a_hyphenated_title_is_found_again_without_it():
    from tests.plugins.agent.sieves.helpers import with_and_without
    story = ["At the bus stand, Kofi-sir argues with a driver.", "Kofi pays the fare."]
    on, off = with_and_without("exact_name", story)
    assert on == [[1, 2], [1]]
    assert on != off
