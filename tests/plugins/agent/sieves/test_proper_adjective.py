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


def test_the_place_someone_comes_from_finds_them_again():
    story = ["At a night market, a cook from Lyon flips crêpes beside a stout woman in a red apron.",
             "A tall man in a grey suit, the judge, tastes her soup.",
             "The judge scribbles a note on his clipboard.",
             "Later the man from Lyon hands the judge a crêpe."]
    on, off = with_and_without("proper_adjective", story)
    assert on[3] == [1, 3]
    assert on != off
