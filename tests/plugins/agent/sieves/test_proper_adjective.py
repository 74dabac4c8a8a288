from plugins.agent.reader import parse
from plugins.agent.sieves.proper_adjective import proper_adjectives
from tests.plugins.agent.sieves.helpers import with_and_without


def test_a_proper_adjective_finds_the_one_entity_described_with_it():
    story = ["At a ski lodge, a stout woman in a red apron serves soup to a young Norwegian hiker in a woollen jumper.",
             "The hiker thanks her and sits by the fire.",
             "Later the Norwegian woman asks the cook for more bread."]
    on, off = with_and_without("proper_adjective", story)
    assert on == [[1, 2], [1, 2], [1, 2]]
    assert on != off


def test_a_sentences_first_word_is_no_proper_adjective():
    doc = parse("Tall women wave at the Welsh farmer.")
    assert proper_adjectives(doc[1]) == set()
    assert proper_adjectives(doc[6]) == {"welsh"}
