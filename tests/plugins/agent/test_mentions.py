"""What the mention reader takes from the parse."""

from plugins.agent.mentions import read_mentions
from plugins.agent.reader import parse


def _mentions(text):
    return [(m.kind, m.text) for m in read_mentions(text, parse(text)).mentions]


def test_a_name_quoted_as_a_word_is_no_character():
    found = _mentions("The old sailor whispers the name Marisol and smiles.")
    assert ("name", "Marisol") not in found
    assert ("noun", "The old sailor") in found
