from plugins.agent.linker import link_story
from tests.plugins.agent.sieves.helpers import with_and_without


def test_a_definite_role_nobody_bears_is_the_compatible_entity_last_seen_prompts_ago():
    # the boy is more recent but a child; "the teacher" takes the master, last seen three prompts back
    story = ["An old fencing master with a cane watches a tall boy lunge across the floor.",
             "The boy stumbles and laughs.", "The boy lunges again.",
             "The teacher raps the floor twice with the cane."]
    on, off = with_and_without("salience", story)
    assert on == [[1, 2], [2], [2], [1]]
    assert on != off


def test_a_definite_role_skips_an_entity_whose_age_class_contradicts_it():
    # the painter (young, female) was seen last; "the old sailor" is the bearded fisherman
    story = ["A bearded fisherman mends a net while a young woman paints the hull of a boat.",
             "She waves at a gull.", "The fisherman hums.",
             "The painter dips her brush while the old sailor coils a rope."]
    on, off = with_and_without("salience", story)
    assert on[3] == [1, 2]
    assert on != off


def test_a_definite_role_skips_an_entity_whose_gender_contradicts_it():
    story = ["A bearded farmer leads a goat across a muddy yard while his daughter carries a pail.",
             "The goat bleats at the girl.", "She laughs.", "The herdsman ties the goat to a post."]
    on, off = with_and_without("salience", story)
    assert on[3] == [1, 2]
    assert on != off


def test_a_definite_role_described_by_an_appositive_or_named_elsewhere_in_its_prompt_is_someone_else():
    # "The buyer, a tall woman ..." introduces the buyer (the potter is a compatible woman, but the prompt
    # describes the buyer itself); "the seller" is then not the buyer the same prompt names, but the potter
    story = ["A potter shapes a bowl at her wheel.",
             "The buyer, a wiry woman carrying a basket, picks up the bowl.",
             "The seller smiles at the buyer."]
    on, off = with_and_without("salience", story)
    assert on == [[1], [2], [1, 2]]
    links = {lk["text"]: lk["sieve"] for lk in link_story(story)[2].links}
    assert links["The seller"] == "salience"
    assert on != off


def _last_links(story: list[str], named_only_on: bool = True) -> dict[str, tuple[str, list[int]]]:
    from plugins.agent.sieves import salience

    keep = salience.named_only
    if not named_only_on:
        salience.named_only = lambda ctx, m: False
    try:
        return {lk["text"]: (lk["sieve"], lk["ids"]) for lk in link_story(story)[-1].links}
    finally:
        salience.named_only = keep


def test_a_definite_role_given_only_a_new_name_where_it_stands_is_still_an_old_entity():
    # a relative clause or an appositive puts a name on the description, and nothing else describes it: the
    # name is one the story gives to someone it knows (the man of the first prompt; the woman, whose name
    # rules out the more recent boy), not a newcomer
    stories = [
        (["A lanky man in a straw hat unloads crates of melons from a cart.",
          "A stall girl runs to help with the crates.",
          "While the girl stacks them, the seller, whom the market calls Uncle Remy, counts the melons."],
         "the seller", 1),
        (["A short woman in a felt cloak climbs out of a carriage at a mountain inn.", "A stable boy takes the mules.",
          "Inside, the guest, known on this road as Aunt Marit, orders soup."], "the guest", 1),
        (["A short woman in a felt cloak climbs out of a carriage at a mountain inn.", "A stable boy takes the mules.",
          "Inside, the traveller, Marit Olsen, orders soup."], "the traveller", 1),
    ]
    for story, phrase, old in stories:
        on = _last_links(story)
        assert on[phrase] == ("salience", [old]), story[-1]
        assert _last_links(story, named_only_on=False)[phrase][0] == "new", story[-1]


def test_a_definite_role_with_a_described_newcomer_beside_it_stays_new():
    # "a thin man called Olaf" describes the traveller where it stands: someone the prompt introduces
    story = ["A short woman in a felt cloak climbs out of a carriage at a mountain inn.",
             "A stable boy takes the mules.",
             "Inside, the traveller, a thin man called Olaf, orders soup."]
    links = _last_links(story)
    assert links["the traveller"][0] == "new"
    assert links["Olaf"][1] == links["the traveller"][1]


def _last_ids(story: list[str], fond_on: bool = True) -> list[int]:
    from plugins.agent.sieves import salience

    keep = salience.fond_epithet_animal
    if not fond_on:
        salience.fond_epithet_animal = lambda ctx, m: None
    try:
        return link_story(story)[-1].entity_ids
    finally:
        salience.fond_epithet_animal = keep


def test_a_fond_person_word_no_person_fits_takes_back_the_animal_of_its_gender():
    # "fellow", "guy", "lad" said of the tomcat, goat or stallion: the woman or girl of the scene is no fit
    stories = [
        ["A shaggy billy goat grazes behind a farmhouse.", "A girl with a tin bucket climbs over the fence.",
         "The old fellow trots over to sniff the bucket."],
        ["A fat ginger tomcat dozes on a windowsill above a bakery.", "A woman in an apron opens the window.",
         "The big guy yawns and stretches."],
        ["A black stallion stands in a muddy paddock.", "A young woman brings him an apple.",
         "The big lad whinnies."],
    ]
    for story in stories:
        assert _last_ids(story) == [1], story[-1]
        assert _last_ids(story, fond_on=False) != [1], story[-1]


def test_a_fond_person_word_takes_a_person_who_fits():
    story = ["A shaggy billy goat grazes behind a farmhouse.", "An old farmer in a cap climbs over the fence.",
             "The old fellow scratches his chin."]
    assert _last_ids(story) == [2]
