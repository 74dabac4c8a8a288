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
