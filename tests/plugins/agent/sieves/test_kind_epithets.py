from tests.plugins.agent.sieves.helpers import with_and_without


def test_a_person_word_sharing_an_animals_description_is_that_animal():
    # "the spotted fellow" repeats the puppy's "spotted"; nobody else in the scene is spotted
    story = ["A boy in a yellow raincoat splashes through puddles in the park.",
             "A spotted puppy chases a ball across the grass, and the spotted fellow skids into a puddle."]
    on, off = with_and_without("kind_epithets", story)
    assert on == [[1], [2]]
    assert on != off


def test_a_person_who_shares_the_description_keeps_the_person_reading():
    story = ["A boy in a yellow raincoat splashes through puddles in the park.",
             "A yellow puppy chases a ball, and the little yellow fellow skids into a puddle."]
    on, _ = with_and_without("kind_epithets", story)
    assert 2 in on[1] and len(on[1]) == 2  # the boy shares "yellow": the fellow stays a person (new or the boy)


def test_a_phrase_counting_limbs_no_person_has_is_the_scenes_animal():
    story = ["A butcher in a white apron hangs sausages in the shop.",
             "A scruffy terrier sneaks in through the back door.",
             "The four-legged thief runs off with a sausage."]
    on, off = with_and_without("kind_epithets", story)
    assert on == [[1], [2], [2]]  # "four-legged": the terrier, though the thief shares no word with it
    assert on != off


def test_a_person_word_sharing_a_named_machines_description_names_it_prompts_later():
    # the tractor is named and "he"; two prompts later "the grey worker" repeats its "grey", and no person is grey
    story = ["A big grey tractor the farm crew call Otto grumbles up the hill.",
             "Otto stops by the barn; his engine ticks as it cools.",
             "A hen pecks at seeds while a cat watches from the fence.",
             "The cat bolts as the grey worker rolls back down the lane."]
    on, off = with_and_without("kind_epithets", story)
    assert on[3] == [1, 4]
    assert on != off


def test_a_fond_person_word_with_no_person_on_screen_is_the_scenes_one_male_beast():
    # "the old fellow" with only a billy goat (the dog is not in the prompt) on screen is the goat; a tortoise
    # that a dragonfly lands on likewise (the dragonfly is the clause's subject, not the fellow)
    stories = [(["A sheepdog lies in the heather, eyeing a shaggy billy goat.", "The goat paws the turf, snorting.",
                 "Then the old fellow backs down and wanders away."], [[1, 2], [2], [2]]),
               (["An ancient tortoise suns himself on a rock by a pond.",
                 "A dragonfly lands on the old fellow's shell."], [[1], [1, 2]])]
    for story, expected in stories:
        on, off = with_and_without("kind_epithets", story)
        assert on == expected
        assert on != off


def test_a_fond_person_word_stays_a_person_beside_a_person_or_two_beasts():
    farmer = ["A grey donkey trudges up a dusty lane behind a farmer.", "The old fellow tugs at the rope."]
    assert with_and_without("kind_epithets", farmer)[0][1] == [2]  # the farmer, not the donkey
    two = ["A badger and a fox meet at a stream.", "The little fellow drinks first."]
    assert with_and_without("kind_epithets", two)[0][1] == [3]  # which of two beasts is unsaid: someone new


def test_a_fond_person_word_keeps_its_own_sex():
    # any word of the lexicon's fond list names the scene's lone beast of its sex: "lad" the ram; "lass" beside a
    # ram and a ewe the ewe (a male-only filter would leave the ram, whom the word contradicts)
    lad = ["A ram grazes alone on a windy hillside.", "Then the little lad trots off down the slope."]
    on, off = with_and_without("kind_epithets", lad)
    assert on == [[1], [1]]
    assert on != off
    lass = ["A ram and a ewe graze alone on a windy hillside.", "Then the little lass trots off down the slope."]
    on, off = with_and_without("kind_epithets", lass)
    assert on == [[1, 2], [2]]
    assert on != off
