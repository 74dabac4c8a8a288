from tests.plugins.agent.sieves.helpers import ids, with_and_without


def test_the_new_role_is_the_newest_compatible_entity_of_the_story():
    # the girl came last: "the new girl" is her, not a newcomer (the baker is a man, the girl is new)
    story = ["A tall man in a grey suit runs a small bakery by the harbour.",
             "One morning a shy girl with a red ribbon starts work behind the counter.",
             "The baker shows her the ovens.",
             "The new girl burns her first tray of rolls."]
    on, off = with_and_without("newest", story)
    assert on[3] == [2]
    assert on != off


def test_the_new_role_skips_an_older_entity_and_takes_the_one_introduced_last():
    # nothing about an apprentice contradicts the old woman, but the lad, introduced last, is the new one
    story = ["An old woman in a shawl sells tickets at a small cinema.",
             "A lanky lad in a bow tie turns up to sweep the foyer.",
             "She hands him a torch and a broom.",
             "Later the new apprentice sweeps up popcorn while the old woman counts coins."]
    on, off = with_and_without("newest", story)
    assert on[3] == [1, 2]
    assert on != off


def test_a_new_role_with_the_indefinite_article_or_a_contradicting_gender_is_a_newcomer():
    story = ["A tall man in a grey suit runs a small bakery by the harbour.",
             "One morning a shy boy with a red cap starts work behind the counter.",
             "The new waitress carries a tray of rolls past him."]
    assert ids(story)[2] == [2, 3]
    story = ["A tall man in a grey suit runs a small bakery by the harbour.",
             "One morning a shy girl with a red ribbon starts work behind the counter.",
             "A new girl knocks at the back door."]
    assert ids(story)[2] == [3]
