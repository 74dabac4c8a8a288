"""The subject of a bare verb after a causative or perception verb, read as a modifier of that verb."""

from __future__ import annotations

import pytest

from plugins.agent.mentions import read_mentions
from plugins.agent.reader import nlp, parse
from plugins.agent.repairs_causatives import subject_of_verb_after_causative


def _tok(doc, text):
    return next(t for t in doc if t.text == text)


@pytest.mark.parametrize(("sentence", "subject", "verb"), [
    ("At noon the brown pony lets the little rascal climb onto his back.", "rascal", "climb"),
    ("The patient nanny goat lets the young rascal butt her flank.", "rascal", "butt"),
    ("The big hound lets the small fellow drink first.", "fellow", "drink"),
    # a character noun that is an adjective too, after the object's determiner, is the noun: the bare verb's subject
    ("The nurse helps the frail patient stand.", "patient", "stand"),
    ("The vet lets the shy invalid rest.", "invalid", "rest"),
    ("Omar sees the tired native wave.", "native", "wave"),
])
def test_the_character_before_the_bare_verb_is_its_subject(sentence, subject, verb):
    doc = nlp()(sentence)
    assert _tok(doc, verb).pos_ != "VERB"  # what the model says without the repair
    assert subject_of_verb_after_causative(doc) == 1
    assert _tok(doc, verb).pos_ == "VERB" and _tok(doc, subject).dep_ == "nsubj"
    found = [m.text for m in read_mentions(sentence, parse(sentence)).mentions]
    assert any(t.endswith(subject) for t in found)


def test_a_character_hung_on_a_bare_verb_read_right_is_its_subject():
    sentence = "Later the tired mare lets the spotted rascal nip her ear."
    doc = nlp()(sentence)
    assert _tok(doc, "rascal").dep_ != "nsubj"  # what the model says without the repair
    assert subject_of_verb_after_causative(doc) == 1
    assert _tok(doc, "rascal").dep_ == "nsubj" and _tok(doc, "rascal").head.text == "nip"


def test_a_thing_noun_object_is_left_alone():
    doc = nlp()("The old keeper lets the garden hose drip onto the path.")
    before = [(t.dep_, t.head.i) for t in doc]
    subject_of_verb_after_causative(doc)
    assert [(t.dep_, t.head.i) for t in doc] == before or _tok(doc, "garden").dep_ != "nsubj"
