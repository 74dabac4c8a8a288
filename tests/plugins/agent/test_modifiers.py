"""Word-level readings of a mention's modifiers (plugins/agent/modifiers.py)."""

from __future__ import annotations

import pytest

from plugins.agent.mentions import read_mentions
from plugins.agent.modifiers import old_by_hair
from plugins.agent.reader import parse


def _ages(text):
    return {m.text: m.age for m in read_mentions(text, parse(text)).mentions if m.kind == "noun"}


@pytest.mark.parametrize(("text", "noun"), [
    ("A grey-bearded ferryman unties the rope.", "ferryman"),
    ("A potter with a white braid shapes a bowl.", "potter"),
    ("The silver-haired man waves.", "man"),
])
def test_grey_or_white_hair_says_its_bearer_is_old(text, noun):
    doc = parse(text)
    assert old_by_hair(next(t for t in doc if t.lower_ == noun))
    assert _ages(text)[next(m.text for m in read_mentions(text, doc).mentions if m.lemma == noun)] == "old"


def test_hair_of_someone_else_in_the_phrase_or_a_grey_garment_says_nothing():
    ages = _ages("A boy sits next to a woman with grey hair.")
    assert ages["A boy"] == "child" and ages["a woman"] == "old"
    assert _ages("A man in a grey coat waves.")["A man"] == "adult"
    assert _ages("A young man with silver hair waves.")["A young man"] == "young"  # a stated age class wins


def test_a_shot_direction_opening_a_sentence_names_no_character():
    def found(text):
        return [m.text for m in read_mentions(text, parse(text)).mentions]
    assert found("POV shot across a canoe: the tall ranger waves.") == ["a canoe", "the tall ranger"]
    assert found("Handheld shot inside the tent: a girl runs.") == ["a girl"]
    assert found("Aerial drone shot of a lake. A lone swimmer paddles out.") == ["A lone swimmer"]
    assert "Ilse" in found("Ilse shot the ball at the goal.")  # a verb "shot" with an object: no direction


@pytest.mark.parametrize(("text", "expected"), [
    ("SHOT 1 — aerial view over Paddington station at noon, trains pulling in. A porter in a blue cap balances a "
     "trunk on his head.", [("noun", "A porter"), ("pronoun", "his")]),
    ("SHOT 3 — a younger porter in a torn vest strolls up.", [("noun", "a younger porter")]),
    ("Shot 12 - a potter in a linen apron trims a jug.", [("noun", "a potter")]),
])
def test_a_numbered_shot_heading_names_no_one(text, expected):
    assert [(m.kind, m.text) for m in read_mentions(text, parse(text)).mentions] == expected


def test_rank_words_and_graded_build_words_compare_two_characters():
    from plugins.agent.modifiers import graded_word
    from tests.plugins.agent.sieves.helpers import ids

    # "junior" and "senior" compare age with no ending; "heavier" and "lighter" compare build, the plain words nothing
    assert graded_word("junior") == ("age", -1) and graded_word("senior") == ("age", 1)
    assert graded_word("heavier") == ("build", 1) and graded_word("lightest") == ("build", -1)
    assert graded_word("light") is None
    potters = ["Two potters share a studio: an elderly man in a clay-streaked smock and a teenage boy in a cap.",
               "A customer in a red coat walks in and looks at the bowls.",
               "The senior potter counts the change while the junior one wraps a vase."]
    assert ids(potters) == [[1, 2], [3], [1, 2]]
    loggers = ["A stout lumberjack and a skinny lumberjack saw through a fallen oak.",
               "A squirrel watches them from a stump.",
               "The lighter man climbs onto the trunk, and the heavier one steadies the log."]
    assert ids(loggers) == [[1, 2], [1, 2, 3], [1, 2]]
