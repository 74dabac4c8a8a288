"""The repair stage: the few places where the lexicon overrides spaCy's small English model.

Every override is one function in `OVERRIDES` (those around proper names live in repairs_names.py),
with the contradiction it repairs in its docstring; each is tested (tests/plugins/agent/test_repairs.py).
Only tags and dependency labels change, never the tokens or the tree's shape.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import TYPE_CHECKING

from . import lexicon as L
from . import resources as R
from .acting_nouns import character_verb, unknown_word
from .modifiers import feature_word, number_value
from .nouns import noun_info, noun_info_as_noun, vehicle_sense
from .proper_names import TITLE_SUFFIXES
from .repairs_causatives import subject_of_verb_after_causative
from .repairs_names import (
    NAMING_VERBS,
    absolute_opening,
    capitalised_word_before_apposition,
    capitalised_word_is_proper,
    description_before_name,
    fronted_word_before_subject,
    honorific_after_name,
    honorific_suffix,
    hyphenated_name,
    modal_before_present_verb,
    name_hung_after_its_noun,
    name_read_as_subject_after_naming_clause,
    object_pronoun_before_given_name,
    phrase_read_into_naming_clause,
    vocative_name,
    word_after_as_naming_verb,
)
from .repairs_plural_subjects import AFTER_VERB, base_verb_after_plural_subject, plural_subject_before_base_verb
from .repairs_rank_words import rank_word_before_set_off_description

_SPEECH_VERBS = frozenset(R.word_lists("sieves.json")["speech_verbs"])
_GARMENT_PREPS = frozenset({"in", "with", "wearing"})

if TYPE_CHECKING:
    from spacy.tokens import Doc, Token


def subject_before_verb_noun(doc: Doc) -> int:
    """A character noun, "one", or a capitalised word no dictionary has, parsed as a modifier of the
    next word when that word is a plural noun that is also a verb ("The teenager threads bait",
    "the younger one claps", "Tenzin waves", "the six-year-old claps", a vehicle word tagged as an
    adjective after a determiner, "the old electric stalls"; a person noun before a plural animal noun
    where a clause's verb stands, "the goalkeeper ducks behind the post"): the word is the subject and
    the next word its verb. The subject takes over the determiner and adjectives before it."""
    n = 0
    for tok in doc[:-1]:
        nxt = _next_word(tok)
        if nxt is None or tok.head.i != nxt.i or tok.dep_ not in ("compound", "nummod", "amod", "nmod"):
            continue
        if nxt.dep_ == "pobj" and nxt.head.lower_ not in L.CLAUSE_PREPOSITIONS:
            continue  # a preposition takes a noun, not a clause: "naps under the plane trees" ("as" may open one)
        if nxt.tag_ != "NNS" or not _verb_form(nxt) or noun_info(nxt.lemma_) is not None and not (
                _person_before_clause_verb(tok, nxt)):
            continue
        year_old = tok.lower_ == "old" and any(c.lower_ in ("year", "years") for c in tok.children)
        # a lowercase word tagged PROPN is a tagging slip of the small model ("the green square moves"
        # read as a place name), so it counts as the noun it is
        common_pos = tok.pos_ in ("NOUN", "ADJ") or tok.pos_ == "PROPN" and tok.text.islower()
        character = noun_info(tok.lower_) is not None or tok.lower_ in L.ROBOT_WITH_MODIFIER  # "a robot cleaner"
        subject = character and common_pos or tok.lower_ == "one" or (
            tok.text[:1].isupper() and not R.common_word(tok.text) and tok.text.isalpha()) or year_old or (
            _determined_vehicle(tok, nxt))
        if not subject:
            continue
        for c in list(nxt.children):
            if c.i < tok.i:
                c.head = tok
        old_head, old_dep = nxt.head, nxt.dep_
        tok.head, tok.dep_ = nxt, "nsubj"
        if tok.text[:1].isupper() and not R.common_word(tok.text):
            tok.pos_, tok.tag_ = "PROPN", "NNP"
        elif tok.lower_ != "one" and not year_old:
            tok.pos_ = "NOUN"
        _retag_as_verb(nxt)
        if old_dep in ("nsubj", "nsubjpass") and old_head.i != nxt.i:
            verbish = old_head
            nxt.head, nxt.dep_ = nxt, "ROOT"
            if verbish.dep_ == "ROOT":
                verbish.head, verbish.dep_ = nxt, "dobj"
                verbish.pos_, verbish.tag_ = "NOUN", "NN"
        n += 1
    return n


def character_noun_compound_of_verb(doc: Doc) -> int:
    """A character noun parsed as a compound of the verb right after it, whose own adjectives the model hung on
    the verb as its subject ("a fluffy grey owlet hops", read with "grey" as the subject): the noun is the
    subject and the words before it are its determiner and adjectives."""
    n = 0
    for tok in doc[1:-1]:
        verb = doc[tok.i + 1]
        if tok.dep_ != "compound" or tok.head.i != verb.i or verb.pos_ != "VERB" or tok.pos_ != "NOUN" \
                or noun_info(tok.lemma_.lower()) is None and not (unknown_word(tok) and character_verb(verb)):
            continue  # an unknown noun before a verb only characters do ("the chaiwala laughs") is one too
        before = [c for c in verb.children if c.i < tok.i and c.dep_ in ("nsubj", "amod", "det")
                  and c.pos_ in ("ADJ", "DET")]
        if not before or any(c.dep_ == "nsubj" and c.pos_ != "ADJ" for c in verb.children if c.i != tok.i):
            continue
        for c in before:
            c.head, c.dep_ = tok, "det" if c.pos_ == "DET" else "amod"
            for d in list(c.children):
                if d.dep_ in ("det", "amod"):
                    d.head = tok
        tok.dep_ = "nsubj"
        n += 1
    return n


def partitive_before_verb_noun(doc: Doc) -> int:
    """A comparative or superlative that picks one of a counted set ("the taller of the two", "the eldest of
    the three") before a present-tense verb that the model reads as the set's plural noun ("... of the two
    waves"), where the comparative heads the sentence or is a later verb's subject: the number is what "of"
    takes, the plural is the verb and the comparative its subject (a verb the model found later joins it)."""
    n = 0
    for tok in doc[2:]:
        num, of = doc[tok.i - 1], tok.head
        if tok.tag_ != "NNS" or tok.dep_ != "pobj" or of.lower_ != "of" or not _verb_form(tok) \
                or noun_info(tok.lemma_.lower()) is not None:
            continue
        if num.dep_ != "nummod" or num.head.i != tok.i or number_value(num.text) is None:
            continue
        graded, root = of.head, tok.sent.root
        if graded.i >= of.i or not graded.lower_.endswith(("er", "est")) or graded.dep_ not in ("ROOT", "nsubj") \
                or not any(c.dep_ == "det" for c in graded.children) \
                or graded.dep_ == "nsubj" and graded.head.i < tok.i:
            continue
        for c in list(tok.children):
            if c.i < num.i:
                c.head = num  # "the" of "the two"
        num.head, num.dep_ = of, "pobj"
        tok.head, tok.dep_ = tok, "ROOT"
        _retag_as_verb(tok)
        if root.i != graded.i and root.i != tok.i:
            verb = root.pos_ in ("VERB", "AUX")
            root.head, root.dep_ = tok, "conj" if verb else "dobj" if root.i > tok.i else "advcl"
        graded.head, graded.dep_ = tok, "nsubj"
        if graded.tag_ not in ("JJR", "JJS"):
            graded.pos_, graded.tag_ = "ADJ", "JJS" if graded.lower_.endswith("est") else "JJR"
        n += 1
    return n


def _verb_form(tok: Token) -> bool:
    """The word can be a present-tense verb: its lemma is a verb, or its -s form is one ("reverses")."""
    return R.verb_word(tok.lemma_) or R.verb_base(tok.text) is not None


def _verb_lemma(tok: Token) -> str:
    """The verb's base form for a word a repair makes a verb (the parser gave a plural noun's lemma)."""
    return tok.lemma_ if R.verb_word(tok.lemma_) else R.verb_base(tok.text) or tok.lemma_


def _retag_as_verb(tok: Token) -> None:
    """A word the parse read as a plural noun is a present-tense verb: its tags and its verb lemma."""
    tok.pos_, tok.tag_, tok.lemma_ = "VERB", "VBZ", _verb_lemma(tok)


def _next_word(tok: Token) -> Token | None:
    """The word after `tok`, past an honorific joined to it by a hyphen ("Tanaka-san waves": "waves")."""
    doc, i = tok.doc, tok.i + 1
    if i + 1 < len(doc) and doc[i].text == "-" and doc[i + 1].lower_ in TITLE_SUFFIXES:
        i += 2
    return doc[i] if i < len(doc) else None


def _person_before_clause_verb(tok: Token, verb_noun: Token) -> bool:
    """A person noun before a plural character noun that is also a verb ("the tired goalkeeper ducks
    behind the post"), where that plural stands where a clause's verb stands (the root, or joined to a verb) and
    a preposition, adverb or the end follows it: a person is no kind of animal, so the plural is the verb."""
    info = noun_info(tok.lower_)
    after = verb_noun.doc[verb_noun.i + 1] if verb_noun.i + 1 < len(verb_noun.doc) else None
    return info is not None and info.type == "person" and not tok.text[:1].isupper() and (
        verb_noun.dep_ == "ROOT" or verb_noun.dep_ == "conj" and verb_noun.head.pos_ == "VERB") and (
        after is None or after.pos_ in ("ADP", "ADV", "PUNCT", "CCONJ", "SCONJ"))


def _determined_vehicle(tok: Token, verb_noun: Token) -> bool:
    """A word whose first WordNet sense is a vehicle, last in a phrase with a determiner ("a dented blue
    electric rolls", tagged as an adjective): nothing is left for it to modify but the verb-noun."""
    # only a word tagged as an adjective: a noun tagged as one may name a toy here (a craft word), which the
    # presence sieve lets act only when the parse already made it the subject
    return tok.pos_ == "ADJ" and vehicle_sense(tok.lower_) and any(
        c.dep_ == "det" and c.i < tok.i for c in verb_noun.children)


def character_noun_before_non_noun(doc: Doc) -> int:
    """A character noun parsed as a compound of a word that has no noun sense ("a heron standing
    motionless": "motionless" as the head): the character noun heads the phrase."""
    n = 0
    for tok in doc:
        h = tok.head
        if tok.dep_ != "compound" or h.i <= tok.i or tok.pos_ != "NOUN" or noun_info(tok.lemma_.lower()) is None:
            continue
        head = h.lemma_.lower()
        if R.noun_senses(head) or noun_info(head) is not None or R.thing_noun(head) \
                or h.pos_ == "PROPN" and h.text[:1].isupper():
            continue  # (a capitalised head is a name: see repairs_names.description_before_name)
        for c in list(h.children):
            if c.i < tok.i:
                c.head = tok
        tok.head, tok.dep_ = h.head if h.head.i != h.i else tok, h.dep_
        h.head, h.dep_, h.pos_, h.tag_ = tok, "amod", "ADJ", "JJ"
        n += 1
    return n


def person_word_as_compound(doc: Doc) -> int:
    """A capitalised word that the given-name table knows or no dictionary has,
    parsed as a compound of a common word ("Clara re-enters": "Clara" as a modifier of "re"):
    the word is a name, the subject of what follows."""
    n = 0
    for tok in doc:
        if tok.dep_ != "compound" or not tok.text[:1].isupper() or tok.head.pos_ == "PROPN" or tok.head.i < tok.i:
            continue
        if R.name_gender(tok.lower_) is None and R.common_word(tok.text):
            continue
        if noun_info(tok.head.lemma_.lower()) is not None:
            continue  # "Tobi's grandmother" style compounds of a character noun stay as they are
        tok.pos_, tok.tag_, tok.dep_ = "PROPN", "NNP", "nsubj"
        n += 1
    return n


def character_noun_not_verb(doc: Doc) -> int:
    """A word after a determiner that the lexicon knows as a character noun ("the cook", "the
    guide"), tagged as a verb, is that noun."""
    n = 0
    for tok in doc:
        if tok.pos_ != "VERB" or tok.i == 0 or doc[tok.i - 1].pos_ != "DET":
            continue
        if noun_info(tok.lower_) is not None:
            tok.pos_, tok.tag_ = "NOUN", "NN"
            n += 1
    return n


def character_noun_subject_not_adjective(doc: Doc) -> int:
    """A clause's subject with a determiner that the lexicon knows as a character noun, tagged as an
    adjective ("the yellow square moves", where the model reads "square" as the adjective), is that noun:
    an adjective with a determiner of its own is a noun phrase's head."""
    n = 0
    for tok in doc:
        if tok.pos_ != "ADJ" or tok.dep_ not in ("nsubj", "nsubjpass"):
            continue
        if any(c.dep_ == "det" for c in tok.children) and noun_info(tok.lower_) is not None:
            tok.pos_, tok.tag_ = "NOUN", "NN"
            n += 1
    return n


def character_adjective_before_verb(doc: Doc) -> int:
    """A character noun the model tags as an adjective and hangs on the verb right after it, with a determiner
    before it ("the patient coughs", read as a patient way of coughing): an adjective does not modify a verb, so
    the word is the verb's subject and the determiner its own."""
    n = 0
    for tok in doc[1:-1]:
        verb, det = doc[tok.i + 1], doc[tok.i - 1]
        if tok.pos_ != "ADJ" or tok.dep_ != "amod" or tok.head.i != verb.i or verb.pos_ != "VERB" \
                or det.dep_ != "det" or det.head.i not in (tok.i, verb.i) or noun_info_as_noun(tok.lower_) is None \
                or any(c.dep_ in ("nsubj", "nsubjpass") for c in verb.children):
            continue
        det.head = tok
        tok.pos_, tok.tag_, tok.dep_ = "NOUN", "NN", "nsubj"
        n += 1
    return n


def reported_clause_not_relative(doc: Doc) -> int:
    """A clause opened by "that" as a complementiser (tagged `mark`), hung as a relative clause on the object
    of a speech verb ("tells the bird that Kavi loved robins"): it is what is told, the verb's `ccomp`
    (a real relative clause has "that" as its own subject or object)."""
    n = 0
    for tok in doc:
        if tok.dep_ != "relcl" or tok.head.dep_ not in ("dobj", "dative"):
            continue
        verb = tok.head.head
        if verb.lemma_.lower() not in _SPEECH_VERBS or not any(
                c.dep_ == "mark" and c.lower_ == "that" for c in tok.children):
            continue
        tok.head, tok.dep_ = verb, "ccomp"
        n += 1
    return n


def character_noun_not_comparative(doc: Doc) -> int:
    """A character noun ending in -er tagged as a comparative adjective ("the terrier skids": "terrier" as
    JJR with the lemma "terri"), not modifying a noun after it: the noun (the subject, where the parse
    hung it on the verb as a compound)."""
    n = 0
    for tok in doc:
        if tok.tag_ not in ("JJR", "JJS") or tok.dep_ == "amod" and tok.head.pos_ == "NOUN" \
                or noun_info(tok.lower_) is None:
            continue
        if tok.lemma_.lower() == tok.lower_ or noun_info(tok.lemma_.lower()) is not None:
            continue  # "elder": the comparative reading is the word itself
        tok.pos_, tok.tag_, tok.lemma_ = "NOUN", "NN", tok.lower_
        verb = tok.head
        if tok.dep_ in ("compound", "amod") and verb.pos_ in ("VERB", "AUX") and verb.i > tok.i:
            tok.dep_ = "nsubj"
            for c in list(verb.children):
                if c.i < tok.i and c.dep_ in ("det", "amod", "poss"):
                    c.head = tok  # "the terrier waits": the determiner hung on the verb is the noun's
        n += 1
    return n


def name_after_naming_verb(doc: Doc) -> int:
    """A capitalised word right after "called" / "named" / "nicknamed" that describes a noun ("a terrier called
    Biscuit trots in", parsed with "Biscuit" as a compound of "trots"): the word is the name (the verb's
    `oprd`), whatever ordinary word it also is; a plural noun after it that is also a verb is the sentence's
    verb, with the described noun as its subject."""
    n = 0
    for tok in doc[1:]:
        verb = doc[tok.i - 1]
        if not tok.text[:1].isupper() or not tok.text.isalpha() or verb.lemma_.lower() not in NAMING_VERBS \
                or verb.tag_ not in ("VBN", "VBD") or verb.dep_ != "acl" or tok.head.i == verb.i:
            continue
        nxt = tok.head
        described = verb.head
        tok.head, tok.dep_, tok.pos_, tok.tag_ = verb, "oprd", "PROPN", "NNP"
        if nxt.i == tok.i + 1 and nxt.tag_ == "NNS" and _verb_form(nxt) and described.dep_ == "ROOT":
            for c in list(nxt.children):
                if c.i > nxt.i:
                    c.head = nxt
            nxt.head, nxt.dep_ = nxt, "ROOT"
            _retag_as_verb(nxt)
            described.head, described.dep_ = nxt, "nsubj"
        n += 1
    return n


def object_of_bare_preposition(doc: Doc) -> int:
    """A preposition with no object on a verb's subject ("a barber with", then "slick silver hair sharpens ...",
    the phrase parsed as a second subject of the same verb): a verb has one subject, so the later phrase is the
    preposition's object ("a barber with silver hair")."""
    n = 0
    for prep in doc:
        subj = prep.head
        if prep.dep_ != "prep" or any(c.dep_ == "pobj" for c in prep.children) \
                or subj.dep_ not in ("nsubj", "nsubjpass"):
            continue
        verb = subj.head
        later = next((c for c in verb.children if c.dep_ == "nsubj" and c.i > prep.i and c.i != subj.i
                      and c.left_edge.i == prep.i + 1), None)
        if later is None or later.pos_ != "NOUN":
            continue
        later.head, later.dep_ = prep, "pobj"
        n += 1
    return n


def garment_phrase_after_character(doc: Doc) -> int:
    """A phrase "in / with / wearing" + a garment, a colour, hair or a thing carried (`modifiers.feature_word`)
    right after a character noun, hung by the parse on an earlier word or on a verb ("a view past the clerk in
    the visor", "following the girl in the parka" with "in" under "following"): it describes the noun before
    it, which is what such a phrase next to a noun does."""
    n = 0
    for prep in doc[1:]:
        noun = doc[prep.i - 1]
        if prep.dep_ != "prep" or prep.lower_ not in _GARMENT_PREPS or prep.head.i == noun.i or noun.pos_ != "NOUN":
            continue
        if noun_info(noun.lemma_.lower()) is None or any(t.i == noun.i for t in prep.subtree):
            continue
        obj = next((c for c in prep.children if c.dep_ == "pobj"), None)
        if obj is None or not feature_word(obj, prep):
            continue
        prep.head = noun
        n += 1
    return n


_PHRASE_DEPS = frozenset({"det", "predet", "amod", "compound", "nummod", "poss", "nmod", "npadvmod"})


def verb_of_verbless_sentence(doc: Doc) -> int:
    """A sentence whose parse has no verb at its root, where a word that can be a present-tense verb is tagged
    as a plural noun right after the subject's phrase and before a preposition, adverb, determiner or
    conjunction ("a rusty tractor grumbles across the field", read as one noun phrase; "a tractor with a
    dented hood grumbles past", read with the verb as the object of "with"): a sentence has a
    verb, so that word is the verb and the noun phrase before it its subject. Phrases of the subject that the
    parse hung after the verb go to the verb; a noun the verb had swallowed before it stays where it stood."""
    n = 0
    for sent in doc.sents:
        root = sent.root
        if root.pos_ in ("VERB", "AUX") or any(c.dep_ == "nsubj" for c in root.children) and R.verb_word(root.lemma_):
            continue  # (or the root has a subject and can be a verb: "two names stand, folding towels")
        verb = next((t for t in sent if t.tag_ == "NNS" and t.lower_.endswith("s") and _verb_form(t)
                     and noun_info(t.lemma_.lower()) is None and t.i + 1 < sent.end
                     and doc[t.i + 1].pos_ in AFTER_VERB), None)
        if verb is None:
            continue
        if verb.i == root.i:  # "a mower hums": the subject is the last noun the parse hung on the verb
            subj = next((c for c in reversed(list(verb.lefts)) if c.dep_ in ("compound", "nsubj", "nmod", "amod")
                         and (c.pos_ in ("NOUN", "PROPN") or noun_info(c.lower_) is not None
                              or c.lower_ in L.COLOURS)), None)  # "the little black trots off"
        else:
            subj = root if root.pos_ in ("NOUN", "PROPN") and root.i < verb.i else None
        if subj is None or any(t.pos_ in ("VERB", "AUX") and t.dep_ not in ("amod", "acl")
                               or t.text in (":", ";") for t in doc[subj.i + 1:verb.i]):
            continue
        if verb.i != root.i and not all(t.i in {x.i for x in subj.subtree} for t in doc[subj.i + 1:verb.i]):
            continue
        swallowed = [c for c in verb.lefts if c.i > subj.i]  # "a dented hood" of "with a dented hood grumbles"
        if verb.i == root.i:
            for c in verb.lefts:
                if c.i < subj.i and c.dep_ in _PHRASE_DEPS and not any(
                        t.is_punct or t.pos_ == "ADP" for t in doc[c.i:subj.i]):
                    c.head = subj  # "a robotic lawn": the subject's determiner and adjectives
        elif swallowed:
            obj = doc[verb.i - 1]
            if obj.pos_ in ("NOUN", "PROPN", "ADJ") and obj.head.i == verb.i:  # "in orange sprints off"
                for c in swallowed:
                    if c.i != obj.i:
                        c.head = obj
                obj.head, obj.dep_ = verb.head, verb.dep_
        for c in list(subj.rights):
            if c.i > verb.i:
                c.head = verb  # "into the barn" hung on the subject
        subj.head, subj.dep_ = verb, "nsubj"
        for c in subj.lefts:
            if c.dep_ == "nsubj" and c.pos_ == "ADJ":  # "a lone surfer paddles": "lone" was the subject of
                c.dep_ = "amod"  # "surfer" read as a verb
        if subj.pos_ not in ("NOUN", "PROPN"):
            subj.pos_, subj.tag_ = "NOUN", "NN"  # "a lone surfer paddles out": the noun tagged as a verb
        verb.head, verb.dep_ = verb, "ROOT"
        _retag_as_verb(verb)
        for c in verb.subtree:
            if c.dep_ == "conj" and c.tag_ == "NNS" and noun_info(c.lemma_.lower()) is None and (
                    c.head.i == verb.i and _verb_form(c) or R.animate_verb(c.lemma_.lower())
                    and c.head.dep_ == "pobj" and c.head.head.head.i == verb.i):
                # "hums and blinks"; "rattles into the barn and sighs" (a verb only a living thing does,
                # joined to the object of the verb's preposition)
                c.head = verb
                _retag_as_verb(c)
        n += 1
    return n


def verb_joined_after_an_object(doc: Doc) -> int:
    """A bare plural noun joined by "and" to the object of a verb's preposition, that can be a present-tense
    verb and goes on like one (a preposition, determiner, pronoun or adverb after it): "naps on a sofa and
    dreams of the sea", read as "a sofa and dreams". A second object would take its own determiner or
    number ("a chair and two stools"), so the word is a second verb of the same subject."""
    n = 0
    for t in doc[2:-1]:
        obj, prep = t.head, t.head.head
        verb = prep.head
        if t.tag_ != "NNS" or t.dep_ != "conj" or doc[t.i - 1].lower_ != "and" or not _verb_form(t) \
                or noun_info(t.lemma_.lower()) is not None or any(c.i < t.i for c in t.children):
            continue
        if obj.dep_ != "pobj" or prep.dep_ != "prep" or verb.pos_ != "VERB" or doc[t.i + 1].pos_ not in (
                "ADP", "DET", "PRON", "ADV"):
            continue
        doc[t.i - 1].head = verb
        for c in list(obj.children):
            if c.i > t.i:
                c.head = t  # "of his brother" is what the second verb takes
        t.head = verb
        _retag_as_verb(t)
        n += 1
    return n


def compound_character_noun_read_as_verb(doc: Doc) -> int:
    """A character noun that is also a verb, after a noun that modifies it ("a line cook", "the prep cook",
    "the head cook"), read as the clause's verb with the modifier as its subject ("the line cook spoons rice",
    the next word a plural noun) or as that modifier's head in a subject read as two: the modifier is a
    compound of the character noun, which is the subject, and a present-tense -s word right after it is the
    verb. A noun that is itself a character noun is a real subject ("the guard cooks"), so it stays."""
    n = 0
    for tok in doc[1:-1]:
        mod, nxt = doc[tok.i - 1], doc[tok.i + 1]
        if mod.head.i != tok.i or mod.dep_ not in ("nsubj", "compound") or mod.pos_ != "NOUN" \
                or noun_info(mod.lemma_.lower()) is not None or noun_info(tok.lower_) is None:
            continue
        if not any(c.dep_ == "det" and c.i < mod.i for c in (*mod.children, *tok.children)):
            continue  # a phrase of its own needs its determiner ("the prep cook"), not a bare "Staff cook"
        if tok.pos_ == "VERB" and nxt.tag_ == "NNS" and _verb_form(nxt) and noun_info(nxt.lemma_.lower()) is None:
            for c in list(tok.children):
                if c.i > tok.i and c.i != nxt.i:
                    c.head = nxt  # "rice" is what the verb takes
            for c in list(mod.children):
                if c.dep_ == "det":
                    c.head = tok
            if tok.dep_ == "ROOT":
                nxt.head, nxt.dep_ = nxt, "ROOT"
            else:
                nxt.head, nxt.dep_ = tok.head, tok.dep_
            _retag_as_verb(nxt)
            tok.head, tok.dep_, tok.pos_, tok.tag_ = nxt, "nsubj", "NOUN", "NN"
            tok.lemma_ = tok.lower_
        elif tok.pos_ == "NOUN" and mod.dep_ == "nsubj" and tok.dep_ in ("nsubj", "nsubjpass"):
            for c in list(mod.children):
                if c.dep_ in ("det", "amod"):
                    c.head = tok
        else:
            continue
        mod.dep_ = "compound"
        n += 1
    return n


def possessive_read_as_subject_of_participle(doc: Doc) -> int:
    """"her" read as the subject of an -ed word right after it whose object is a noun ("Ilse, her freckled
    nine-year-old niece in a raincoat, kneels": "her" doing the freckling, the niece its object): "her" is
    possessive there (as "his" would be), the -ed word an adjective, and the noun heads the phrase in the
    participle's place."""
    n = 0
    for tok in doc[:-2]:
        part = doc[tok.i + 1]
        if tok.lower_ != "her" or tok.dep_ != "nsubj" or tok.head.i != part.i or part.tag_ not in ("VBD", "VBN") \
                or not part.lower_.endswith("ed"):
            continue
        noun = next((c for c in part.children if c.dep_ == "dobj" and c.pos_ == "NOUN"), None)
        if noun is None or not all(noun in t.ancestors for t in doc[part.i + 1:noun.i]):
            continue  # only the noun's own modifiers stand between them
        if part.dep_ == "ROOT":
            noun.head, noun.dep_ = noun, "ROOT"
        else:
            noun.head, noun.dep_ = part.head, part.dep_
        for c in list(part.children):
            if c.i not in (tok.i, noun.i):
                c.head = noun
        tok.head, tok.dep_, tok.tag_ = noun, "poss", "PRP$"
        part.head, part.dep_, part.pos_, part.tag_ = noun, "amod", "ADJ", "JJ"
        n += 1
    return n


OVERRIDES: tuple[Callable[[Doc], int], ...] = (
    honorific_suffix,
    honorific_after_name,
    absolute_opening,
    hyphenated_name,
    name_after_naming_verb,
    word_after_as_naming_verb,
    modal_before_present_verb,
    object_pronoun_before_given_name,
    subject_before_verb_noun,
    partitive_before_verb_noun,
    plural_subject_before_base_verb,
    base_verb_after_plural_subject,
    character_noun_compound_of_verb,
    subject_of_verb_after_causative,
    compound_character_noun_read_as_verb,
    possessive_read_as_subject_of_participle,
    character_noun_not_comparative,
    character_noun_before_non_noun,
    description_before_name,
    person_word_as_compound,
    capitalised_word_before_apposition,
    capitalised_word_is_proper,
    fronted_word_before_subject,
    character_noun_not_verb,
    character_noun_subject_not_adjective,
    character_adjective_before_verb,
    reported_clause_not_relative,
    object_of_bare_preposition,
    garment_phrase_after_character,
    verb_of_verbless_sentence,
    verb_joined_after_an_object,
    name_hung_after_its_noun,
    phrase_read_into_naming_clause,
    name_read_as_subject_after_naming_clause,
    vocative_name,
    rank_word_before_set_off_description,
)


def repair(doc: Doc) -> Doc:
    """Apply every override in order (each returns how many tokens it changed)."""
    for fix in OVERRIDES:
        fix(doc)
    return doc


