"""A bare rank word described between commas before its verb heads a mention that carries the description."""

from __future__ import annotations

import pytest

from plugins.agent.mentions import read_mentions
from plugins.agent.reader import parse


def _relatives(text):
    return [m for m in read_mentions(text, parse(text)).mentions if m.kind == "relative"]


@pytest.mark.parametrize("text, rank, looks", [
    ("The smaller, pale and quiet, clutches a doll.", "The smaller", {"pale", "quiet"}),
    ("The younger, thin and freckled, sweeps the floor.", "The younger", {"thin", "freckled"}),
    ("The oldest, grey-bearded, limps in.", "The oldest", {"bearded"}),
])
def test_a_rank_word_takes_the_looks_set_off_after_it(text, rank, looks):
    found = _relatives(text)
    assert [m.text for m in found] == [rank]
    assert looks <= found[0].descriptors


def test_a_rank_word_takes_the_age_set_off_after_it():
    found = _relatives("The younger, barely nine, hides behind the woodpile.")
    assert [(m.text, m.stated_age) for m in found] == [("The younger", 9)]


def test_a_noun_between_the_commas_is_an_apposition_not_a_look():
    text = "The eldest, a bald man, pours the tea."
    nouns = [m for m in read_mentions(text, parse(text)).mentions if m.kind == "noun"]
    assert [m.text for m in nouns] == ["a bald man"]
    assert all(not m.descriptors for m in _relatives(text))


@pytest.mark.parametrize("text, rank, garment", [
    ("The younger, in a striped scarf, waves.", "The younger", "scarf"),
    ("The taller, in a red cap, nods at the guard.", "The taller", "cap"),
    ("The smallest, in her yellow raincoat, splashes through the puddle.", "The smallest", "raincoat"),
])
def test_a_rank_word_takes_the_garment_set_off_after_it(text, rank, garment):
    found = _relatives(text)
    assert [m.text for m in found] == [rank]
    assert garment in found[0].clothing
