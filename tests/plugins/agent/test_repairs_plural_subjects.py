"""Repairs around a plural subject whose base-form verb the small model reads as a noun."""

from __future__ import annotations

import pytest

from plugins.agent.mentions import read_mentions
from plugins.agent.reader import nlp, parse
from plugins.agent.repairs_plural_subjects import base_verb_after_plural_subject, plural_subject_before_base_verb


def _tok(doc, text):
    return next(t for t in doc if t.text == text)


@pytest.mark.parametrize(("sentence", "second", "verb"), [
    ("The baker and the apprentices grin at the customer.", "apprentices", "grin"),
    ("The grandfather and the nephews cheer as the kite climbs.", "nephews", "cheer"),
    ("The pilot and the navigator grin at the camera.", "navigator", "grin"),
])
def test_second_of_two_joined_subjects_is_a_subject(sentence, second, verb):
    doc = nlp()(sentence)
    assert _tok(doc, verb).pos_ != "VERB"  # what the model says without the repair
    assert base_verb_after_plural_subject(doc) == 1
    assert _tok(doc, verb).pos_ == "VERB" and _tok(doc, second).dep_ == "conj"
    found = [m.text for m in read_mentions(sentence, parse(sentence)).mentions]
    assert "the " + second in found


@pytest.mark.parametrize(("sentence", "count", "verb"), [
    ("All four end up in the fountain, soaked.", "four", "end"),
    ("The skipper naps while the other two squeegee the deck.", "two", "squeegee"),
    # a number of two or more takes no singular noun, so the word after it is its verb even at the clause's end
    ("The grandfather hums while the other two drink.", "two", "drink"),
    ("The farmer whistles and the remaining two sit.", "two", "sit"),
    ("The goalkeeper dives; the other three cheer.", "three", "cheer"),
])
def test_a_count_before_a_base_verb_is_its_subject(sentence, count, verb):
    doc = nlp()(sentence)
    assert _tok(doc, verb).pos_ != "VERB"
    assert base_verb_after_plural_subject(doc) == 1
    assert _tok(doc, count).dep_ == "nsubj" and _tok(doc, count).head.text == verb
    covers = [m for m in read_mentions(sentence, parse(sentence)).mentions if m.kind == "cover"]
    assert [m.text for m in covers] == [count]


def test_a_noun_after_the_word_keeps_it_a_noun():
    doc = nlp()("The cook and the waiter carry the cheer banner outside.")
    assert base_verb_after_plural_subject(doc) == 0


def test_plural_subject_before_base_verb():
    # a plural subject takes the verb's base form, which the model reads as the noun the plural modifies
    doc = nlp()("All three ponies snort at the scarecrow.")
    before = _tok(doc, "ponies").dep_
    assert plural_subject_before_base_verb(doc) == 1
    assert before == "compound" and _tok(doc, "ponies").dep_ == "nsubj" and _tok(doc, "snort").pos_ == "VERB"
    assert _tok(doc, "All").head.text == "ponies"
    doc = nlp()("All four hens cluck at the fox.")
    assert plural_subject_before_base_verb(doc) == 1
    assert _tok(doc, "hens").dep_ == "nsubj" and _tok(doc, "cluck").pos_ == "VERB"


@pytest.mark.parametrize(("sentence", "second", "verb"), [
    ("At sunset the two rangers and their husky step onto the frozen lake.", "husky", "step"),
    ("The old farmer and his husky step out into the snow.", "husky", "step"),
])
def test_second_subject_with_a_possessive_is_a_subject(sentence, second, verb):
    doc = nlp()(sentence)
    assert _tok(doc, verb).pos_ != "VERB"
    assert base_verb_after_plural_subject(doc) == 1
    assert _tok(doc, verb).pos_ == "VERB" and _tok(doc, second).dep_ == "conj"
    assert _tok(doc, second).pos_ == "NOUN" and doc[_tok(doc, second).i - 1].dep_ == "poss"


@pytest.mark.parametrize(("sentence", "second", "verb"), [
    ("Jonas and the vicar walk to the church.", "the vicar", "walk"),
    ("At noon Jonas and the vicar walk to the church.", "the vicar", "walk"),
    ("Dad and the vicar walk to the church.", "the vicar", "walk"),
    ("Kofi and the old blacksmith laugh at the joke.", "the old blacksmith", "laugh"),
    ("Wystan and the curate talk about the roof.", "the curate", "talk"),
])
def test_a_name_or_an_adjective_before_the_second_subject(sentence, second, verb):
    """A name (or a bare noun) opening the sentence as the first subject, or adjectives before the second one's
    noun, still make the base-form word the verb of both."""
    doc = nlp()(sentence)
    assert _tok(doc, verb).pos_ != "VERB"  # what the model says without the repair
    assert base_verb_after_plural_subject(doc) == 1
    assert _tok(doc, verb).pos_ == "VERB"
    found = [m.text for m in read_mentions(sentence, parse(sentence)).mentions]
    assert second in found


def test_a_singular_noun_at_the_end_after_a_character_keeps_it_a_noun():
    doc = nlp()("The two of them stand by the old baker's cart.")
    assert base_verb_after_plural_subject(doc) == 0
