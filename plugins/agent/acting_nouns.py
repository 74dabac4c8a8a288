"""Character nouns the lexicon does not know, read from what the phrase does.

A loanword for a trade or a being ("a pelotari", "the itamae"), a new machine word or a closed compound
("a farmhand-turned-cook", "the hexacopter") has no entry in the lexicon nor a person sense in WordNet, so
nothing makes it a mention. What it does can: only a character says, laughs, nods, waves, grins or decides.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from . import resources as R
from .nouns import NounInfo, noun_info, subject_verbs

if TYPE_CHECKING:
    from spacy.tokens import Token

CHARACTER_VERBS = frozenset(R.word_lists("character_verbs.json")["character_verbs"])
_SUBJECT_DEPS = frozenset({"nsubj"})
_ARGUMENT_DEPS = frozenset({"nsubj", "nsubjpass", "dobj", "pobj", "appos", "attr"})
_DETERMINERS = frozenset({"a", "an", "the", "this", "that", "another"})
ACTING_INFO = NounInfo("any", "epithet")  # kind unknown: the noun says nothing, the verb only that it lives


def _unknown_or_person_sense(lemma: str) -> bool:
    """No sense of the word says what it is (not an ordinary English word: a loanword, a coinage), or its
    first WordNet sense is a person that the noun table left out (a word that is an adjective too). An
    ordinary word whose first sense is no person ("the sign", "the letter", "the note" says) is never a
    character this way: that trades away "the tenor smiles" (a pitch first) for never reading a letter."""
    senses = R.noun_senses(lemma)
    if not senses:
        return not R.common_word(lemma) and not R.thing_noun(lemma)
    return senses[0] == "P"


def acting_unknown_noun(tok: Token) -> NounInfo | None:
    """A determined singular common noun the lexicon does not classify, subject of a verb of speech, feeling,
    gesture or decision (data/character_verbs.json: "the chaiwala grins", "a roadie looks up and smiles",
    "the drover grins") is a character of unknown kind. The verb's conjuncts count ("looks up and
    laughs"). A word with no person sense that is an ordinary English word is left alone, and so are verbs
    things do too (whistle, hum, groan: not on the list), so "the kettle whistles" stays a thing."""
    if tok.pos_ != "NOUN" or tok.tag_ != "NN" or not unknown_word(tok):
        return None
    if not any(c.dep_ in ("det", "poss") and (c.lower_ in _DETERMINERS or c.dep_ == "poss") for c in tok.children):
        return None
    if tok.dep_ in _ARGUMENT_DEPS and (described_as_someone(tok) or met_before(tok)):
        return ACTING_INFO
    if tok.dep_ not in _SUBJECT_DEPS:
        return None
    return ACTING_INFO if any(character_verb(v) for v in subject_verbs(tok)) else None  # "smiles" read as a noun too


def described_as_someone(tok: Token) -> bool:
    """The noun's own phrase describes it as someone: a relative clause opened by "who" or "whose" ("a pelotari
    who trains at dawn"), or a phrase of its own with "his" or "her" ("an itamae in his sixties", "a roadie with
    her headset"). Things are "which" and "its"; so an unknown noun so described is a character wherever it
    stands (subject, object, after a preposition), not only before a verb of `CHARACTER_VERBS`."""
    for c in tok.children:
        if c.dep_ == "relcl" and any(w.lower_ in ("who", "whom", "whose") and w.i > tok.i for w in c.subtree):
            return True
        if c.dep_ == "prep" and any(w.lower_ in ("his", "her") and w.dep_ == "poss" for w in c.subtree):
            return True
    return False


STORY_NOUNS = "story_nouns"  # the key of Doc.user_data under which the linker leaves the story's entity nouns


def met_before(tok: Token) -> bool:
    """An earlier prompt made this unknown noun a character (it acted or was described as someone there): the
    story's later "the pelotari" is that character wherever it stands ("hands the pelotari a towel", "between
    the tall pelotari and his coach"), as a known noun would be. The linker leaves the common nouns of the
    story's entities in the parse (`STORY_NOUNS`); an unknown word is among them only through this module."""
    return tok.lemma_.lower() in tok.doc.user_data.get(STORY_NOUNS, frozenset())


def unknown_word(tok: Token) -> bool:
    """A lower-case noun no table classifies that may still be a character (see `_unknown_or_person_sense`)."""
    lemma = tok.lemma_.lower()
    return tok.text.islower() and noun_info(lemma) is None and _unknown_or_person_sense(lemma)


def character_verb(verb: Token) -> bool:
    """The word is a verb of data/character_verbs.json in any form ("laughs" may be read as a plural noun)."""
    low = verb.lower_
    return verb.lemma_.lower() in CHARACTER_VERBS or low.endswith("s") and low[:-1] in CHARACTER_VERBS
