"""A vehicle word the small model tags as an adjective, with a determiner of its own, is the vehicle noun."""

from __future__ import annotations

import pytest

from plugins.agent import nouns
from plugins.agent.linker import link_story
from plugins.agent.mentions import read_mentions
from plugins.agent.reader import parse

SENTENCES = [
    ("The tow truck hooks the convertible and pulls it out of the ditch.", "the convertible"),
    ("A dusty blue convertible with a cracked mirror sputters into the village.", "A dusty blue convertible"),
    ("Then the mechanic waxes the convertible.", "the convertible"),
]


def _nouns(sentence: str) -> list[str]:
    return [m.text for m in read_mentions(sentence, parse(sentence)).mentions if m.kind == "noun"]


@pytest.mark.parametrize(("sentence", "phrase"), SENTENCES)
def test_the_vehicle_word_heads_a_mention(sentence: str, phrase: str, monkeypatch: pytest.MonkeyPatch) -> None:
    assert phrase in _nouns(sentence)
    monkeypatch.setattr(nouns, "vehicle_word_tagged_as_adjective", lambda tok: False)
    assert phrase not in _nouns(sentence)  # without the rule the parse's adjective reading hides it


def test_as_a_modifier_it_stays_one() -> None:
    assert _nouns("She naps on a convertible sofa by the window.") == []


def test_a_vehicle_character_named_so_is_tracked() -> None:
    prompts = ["A rusty tow truck with big headlight eyes rumbles down the lane.",
               "A battered convertible sputters up beside the truck.",
               "The convertible honks a cheerful thank-you."]
    results = link_story(prompts, ())
    own = [{i for link in r.links if "convertible" in link["text"] for i in link["ids"]} for r in results]
    assert own[1] and own[1] == own[2]
