"""Repairs of the parse around proper names: where the small English model misreads a name, a title or an
honorific (see repairs.py, whose `OVERRIDES` list runs these in order with the others; each is tested in
tests/plugins/agent/test_repairs.py). Only tags and dependency labels change, never the tokens or the tree's shape.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from . import resources as R
from .nouns import noun_info
from .proper_names import AS_NAME_VERBS, TITLE_SUFFIXES, TITLES

if TYPE_CHECKING:
    from spacy.tokens import Doc, Token

NAMING_VERBS = frozenset({"call", "name", "nickname"})
_CLAUSE_PRONOUNS = frozenset(R.word_lists("names.json")["contact_clause_pronouns"])
_OPEN_QUOTES = ("\u201c", "\"", "\u2018")
_CLOSE_QUOTES = ("\u201d", "\"", "\u2019")


def honorific_suffix(doc: Doc) -> int:
    """A capitalised word joined by a hyphen to an honorific (`hyphen_honorific`: "Tanaka-san", "Kofi-sir",
    parsed as a compound of the honorific or as two nouns): the word is the name, the honorific its title."""
    n = 0
    for tok in doc[:-2]:
        hyphen, tail = doc[tok.i + 1], doc[tok.i + 2]
        if not tok.text[:1].isupper() or not tok.text.isalpha() or hyphen.text != "-" or tok.whitespace_ \
                or hyphen.whitespace_ or not hyphen_honorific(tail):
            continue
        _hang_honorific_on_name(tok, tail)
        n += 1
    return n


def hyphen_honorific(tail: Token) -> bool:
    """The word after a name's hyphen is an honorific: one of names.json `title_suffixes`, or any title of
    `titles` ("Kofi-sir", "Meera-didi", "Tunde-baba": a title said after the name, as many languages and
    English of India or Nigeria do). A capitalised title the given-name table knows as a name stays part of a
    double name."""
    low = tail.lower_
    return low in TITLE_SUFFIXES or low in TITLES and not (tail.text[:1].isupper() and R.name_gender(low) is not None)


def _hang_honorific_on_name(tok: Token, tail: Token) -> None:
    """The name takes the honorific's place in the tree; the honorific becomes the name's compound (a title)."""
    if tail.head.i != tok.i:
        head, dep = (tok.head, tok.dep_) if tok.head.i != tail.i else (tail.head, tail.dep_)
        for c in list(tail.children):
            if c.i != tok.i:
                c.head = tok
        tok.head, tok.dep_ = (tok if head.i == tail.i or dep == "ROOT" else head), dep
    tok.pos_, tok.tag_ = "PROPN", "NNP"
    tail.head, tail.dep_, tail.pos_, tail.tag_ = tok, "compound", "PROPN", "NNP"


def honorific_after_name(doc: Doc) -> int:
    """A capitalised name followed, after a space, by an honorific of names.json `title_suffixes` ("Marika néni,
    a plump woman", "Elif Hanım", "Osman Bey"; parsed with the honorific as the head noun, the name its subject
    or compound): the word is the name, the honorific its title, so two women called "Hanım" are not one name
    and the appositive hangs on the name. A capitalised honorific the given-name table knows as a name ("Jackie
    Chan", "Wang Ji") stays a name word; written in lower case it is always the honorific."""
    n = 0
    for tok in doc[:-1]:
        tail = doc[tok.i + 1]
        if not tok.text[:1].isupper() or not tok.text.isalpha() or not tok.whitespace_ \
                or tail.lower_ not in TITLE_SUFFIXES or not tail.text.isalpha() or tok.is_punct:
            continue
        if tok.pos_ not in ("PROPN", "NOUN") or R.common_word(tok.text) and tok.pos_ != "PROPN":
            continue
        if tail.text[:1].isupper() and R.name_gender(tail.lower_) is not None:
            continue
        _hang_honorific_on_name(tok, tail)
        n += 1
    return n


def hyphenated_name(doc: Doc) -> int:
    """A capitalised word joined by a hyphen to a word no dictionary has ("Seo-yeon", split by the tokenizer
    into "Seo", "-", "yeon" and parsed as a subject and a noun): one name, its last part the proper-noun
    head and the first part its compound."""
    n = 0
    for tok in doc[:-2]:
        hyphen, tail = doc[tok.i + 1], doc[tok.i + 2]
        if not tok.text[:1].isupper() or not tok.text.isalpha() or hyphen.text != "-" or tok.whitespace_ \
                or hyphen.whitespace_ or not tail.text.isalpha():
            continue
        if tail.pos_ == "PROPN" and tok.head.i == tail.i or hyphen_honorific(tail):
            continue  # the parse has it already ("Ji-ho"), or an honorific ("Tanaka-san", see honorific_suffix)
        if R.common_word(tail.text) or R.common_word(tok.text) and tok.pos_ != "PROPN":
            continue  # "T-shirt", "Self-portrait"
        if tail.head.i == tok.i:
            tail.head, tail.dep_ = (tok.head if tok.head.i != tok.i else tail), tok.dep_
        tok.head, tok.dep_, tok.pos_, tok.tag_ = tail, "compound", "PROPN", "NNP"
        tail.pos_, tail.tag_ = "PROPN", "NNP"
        n += 1
    return n


def word_after_as_naming_verb(doc: Doc) -> int:
    """A capitalised word right after "as" under a verb that gives a name that way (names.json `as_name_verbs`:
    "the hiker introduces herself as Sunny", "signs the register as Dusty", "known to all as Lucky"), tagged an
    adjective, noun or verb (the model reads an ordinary word there as "as sunny"): one introduces oneself as a
    name, never as a mood, so the word is a proper noun, the object of "as" (whose owner `as_name_owner` finds);
    it is then a name the story knows, wherever it comes again ("Sunny orders a coffee")."""
    n = 0
    for tok in doc[1:]:
        prep = doc[tok.i - 1]
        if prep.lower_ != "as" or not tok.text[:1].isupper() or not tok.text.isalpha() \
                or tok.pos_ not in ("ADJ", "NOUN", "VERB") or tok.tag_ == "NNS":
            continue
        verb = next((a for a in prep.ancestors if a.pos_ in ("VERB", "AUX")), None)
        if verb is None or verb.lemma_.lower() not in AS_NAME_VERBS:
            continue
        tok.head, tok.dep_, tok.pos_, tok.tag_ = prep, "pobj", "PROPN", "NNP"
        n += 1
    return n


def object_pronoun_before_given_name(doc: Doc) -> int:
    """"her" / "his" before a capitalised name that is the object of a naming verb ("calling her Pip", parsed as
    the possessive of "Pip"): a name takes no possessive there, so the pronoun is the verb's object and the name
    what it is called."""
    n = 0
    for name in doc:
        verb = name.head
        if name.dep_ not in ("dobj", "oprd") or name.pos_ != "PROPN" or verb.lemma_.lower() not in NAMING_VERBS:
            continue
        pron = next((c for c in name.children if c.dep_ == "poss" and c.pos_ == "PRON" and c.i == name.i - 1), None)
        if pron is None or any(c.dep_ == "dobj" and c.i != name.i for c in verb.children):
            continue
        pron.head, pron.dep_, pron.tag_ = verb, "dobj", "PRP"
        name.dep_ = "oprd"
        n += 1
    return n


def capitalised_word_before_apposition(doc: Doc) -> int:
    """A capitalised word followed by a comma and an appositive character phrase ("Faith, a tall
    waiter in a green apron, ..."; "Sunny, her teenage cousin, ..."; "... while Brook, her son, ..."): the
    word is a name, whatever ordinary word it also is (an ordinary word only when the table knows it as a name or
    the parse itself hangs the appositive on it)."""
    n = 0
    for tok in doc[:-3]:
        if not tok.text[:1].isupper() or not tok.text.isalpha() or doc[tok.i + 1].text != "," or tok.pos_ == "PROPN":
            continue
        if tok.i > 0 and not (tok.is_sent_start or doc[tok.i - 1].text in (",", ":", ";")
                              or doc[tok.i - 1].pos_ in ("SCONJ", "CCONJ")):
            continue  # a clause's first word ("..., while Storm, her son, ..."), not "the Storm, a ..."
        det = doc[tok.i + 2]
        if det.lower_ not in ("a", "an", "his", "her", "their", "its"):
            continue
        phrase = []  # the appositive up to its first comma ("her blond five-year-old son, ...")
        for t in doc[tok.i + 3:]:
            if t.text in (",", ";", ":", ".") or t.pos_ == "VERB" and not _participle_in_phrase(t):
                break
            phrase.append(t)
        head = next((t for t in phrase if t.pos_ == "NOUN" and noun_info(t.lemma_.lower())), None)
        if head is not None and noun_info(tok.lower_) is None and (
                R.name_gender(tok.lower_) is not None or not R.common_word(tok.text)
                or tok.pos_ == "NOUN" and head.dep_ == "appos" and head.head.i == tok.i):
            # (an ordinary noun the parse itself sets a character appositive beside is a name too: "Blessing, a
            # young customer, ...", "Comfort, her aunt, ...")
            tok.pos_, tok.tag_ = "PROPN", "NNP"
            if tok.dep_ in ("amod", "compound", "nmod"):
                tok.dep_ = "npadvmod"
            n += 1
    return n


def _participle_in_phrase(t: Token) -> bool:
    """An -ed word between a determiner and the noun it describes ("her freckled niece", "a hooded stranger"),
    which the model may tag as a verb: it is an adjective of the phrase, which goes on."""
    nxt = t.doc[t.i + 1] if t.i + 1 < len(t.doc) else None
    return t.tag_ in ("VBN", "VBD") and t.lower_.endswith("ed") and nxt is not None \
        and nxt.pos_ in ("ADJ", "NOUN", "NUM", "PROPN")


def capitalised_word_is_proper(doc: Doc) -> int:
    """A capitalised word inside a sentence that is no ordinary English word, tagged as a common
    noun, adjective or verb ("... when Oyelaran arrives"), is a proper noun; so is a singular one that opens
    its sentence as the subject of a later verb, set off by a comma ("Zorbek, still yawning, unlocks the
    door": capitals there say nothing, but no dictionary has the word, nor a plural like "Commuters"), or one the
    given-name table knows as a man's or a woman's name ("Ravi writes the prices": no comma needed)."""
    n = 0
    for tok in doc:
        if not tok.text[:1].isupper() or tok.pos_ not in ("NOUN", "ADJ", "VERB"):
            continue
        if tok.is_sent_start and not (tok.dep_ == "nsubj" and tok.head.pos_ == "VERB" and tok.tag_ != "NNS"
                                      and (tok.i + 1 < len(doc) and doc[tok.i + 1].text == ","
                                           or R.name_gender(tok.lower_) in ("male", "female"))
                                      and not R.common_word(tok.lemma_)):
            continue
        if not R.common_word(tok.text) and tok.text.isalpha():
            tok.pos_, tok.tag_ = "PROPN", "NNP"
            n += 1
    return n


def fronted_word_before_subject(doc: Doc) -> int:
    """A sentence's first word, capitalised and tagged a proper noun, set off by a comma before the sentence's
    subject ("Unruffled, the heron ...", "Upstream, a grey otter slides ..."): a fronted adverb or adjective,
    not a name. It is read so when the given-name table does not know it and no second comma closes the phrase
    after it before the first finite verb: a name with an appositive closes it ("Rain, a boy from the coast,
    waves"), a fronted word does not (the phrase after it is the subject of that verb)."""
    n = 0
    for sent in doc.sents:
        tok = sent[0]
        if tok.pos_ != "PROPN" or not tok.text[:1].isupper() or not tok.text.isalpha() or tok.text.isupper() \
                or tok.i + 2 >= len(doc) or doc[tok.i + 1].text != "," or R.name_gender(tok.lower_) is not None:
            continue
        if doc[tok.i + 2].lower_ not in ("a", "an", "the", "his", "her", "their", "its", "two", "three"):
            continue
        after = doc[tok.i + 2:sent.end]
        verb = next((t for t in after if t.tag_ in ("VBZ", "VBP", "VBD") and t.pos_ in ("VERB", "AUX")), None)
        if verb is None or any(t.text in (",", ";", ":", "(", "—") for t in doc[tok.i + 2:verb.i]):
            continue
        tok.pos_, tok.tag_ = "ADV", "RB"
        if tok.dep_ in ("nsubj", "nsubjpass", "ROOT"):
            tok.dep_ = "advmod"
        n += 1
    return n


def absolute_opening(doc: Doc) -> int:
    """A sentence that opens with a capitalised ordinary English word, a past participle and a comma ("Meal
    eaten, the pair ...", "Job done, she ...") opens with an absolute phrase: the word is a common noun whose
    state the participle gives, not a name, even when the model tags it a proper noun. A word the given-name
    table knows is left alone ("Hope, tired, ..." has the comma before the participle anyway)."""
    n = 0
    for sent in doc.sents:
        tok = sent[0]
        if tok.pos_ != "PROPN" or not tok.text[:1].isupper() or not tok.text.isalpha() or tok.i + 2 >= len(doc) \
                or not R.common_word(tok.lower_) or R.name_gender(tok.lower_) is not None:
            continue
        part, comma = doc[tok.i + 1], doc[tok.i + 2]
        if part.tag_ in ("VBN", "VBD") and comma.text == ",":
            tok.pos_, tok.tag_ = "NOUN", "NN"
            n += 1
    return n


def modal_before_present_verb(doc: Doc) -> int:
    """A capitalised modal right before a present-tense -s verb ("Will yawns and ...", "Then May hums a tune"):
    a modal never takes that form after it, so the word is a name and the verb's subject."""
    n = 0
    for tok in doc[:-1]:
        verb = doc[tok.i + 1]
        if tok.tag_ != "MD" or not tok.text[:1].isupper() or not tok.text.isalpha() or verb.tag_ != "VBZ":
            continue
        if tok.i > 0 and not (tok.is_sent_start or doc[tok.i - 1].pos_ in ("PUNCT", "CCONJ", "SCONJ", "ADV")):
            continue  # a clause's first word, not a modal inside one
        tok.pos_, tok.tag_, tok.dep_, tok.head = "PROPN", "NNP", "nsubj", verb
        n += 1
    return n


def name_hung_after_its_noun(doc: Doc) -> int:
    """A capitalised name right after a character noun, parsed as that noun's modifier although it follows it
    ("Lan's granddaughter Mai, a schoolgirl, ...", "the boy's uncle Ravi arrives"): a modifier comes before
    the noun it modifies, so the name is set beside the noun (an apposition: the noun's own name)."""
    n = 0
    for tok in doc[1:]:
        head = tok.head
        if tok.pos_ != "PROPN" or tok.dep_ not in ("amod", "compound", "nmod") or head.i != tok.i - 1 \
                or not tok.text[:1].isupper() or head.pos_ != "NOUN" or noun_info(head.lemma_.lower()) is None:
            continue
        tok.dep_ = "appos"
        n += 1
    return n


def phrase_read_into_naming_clause(doc: Doc) -> int:
    """"... and a lanky Texan everyone calls Dusty": the parse takes the article and adjectives for the pronoun
    that opens a contact clause ("a lanky Texan everyone"), but "everyone" takes no article: the phrase ends at
    the word before it, which is its head, and the clause hangs on that phrase (the nickname is its bearer's)."""
    n = 0
    for pron in doc[1:]:
        if pron.lower_ not in _CLAUSE_PRONOUNS or pron.dep_ not in ("nsubj", "nsubjpass"):
            continue
        det = next((c for c in pron.children if c.dep_ == "det" and c.lower_ in ("a", "an")), None)
        noun, verb = doc[pron.i - 1], pron.head
        if det is None or noun.pos_ not in ("PROPN", "NOUN", "ADJ") or verb.dep_ != "relcl" \
                or verb.head.pos_ not in ("NOUN", "PROPN") or verb.lemma_.lower() not in NAMING_VERBS:
            continue
        for c in list(pron.children):
            if c.i < noun.i:
                c.head = noun
        cc = det.i > 0 and doc[det.i - 1].pos_ == "CCONJ"
        noun.head, noun.dep_ = verb.head, ("conj" if cc else "appos")
        if noun.text[:1].isupper():
            noun.pos_, noun.tag_ = "PROPN", "NNP"
        else:
            noun.pos_, noun.tag_ = "NOUN", "NN"
        verb.head, verb.dep_ = noun, "relcl"
        n += 1
    return n


def vocative_name(doc: Doc) -> int:
    """A capitalised proper noun that opens a quoted line before a comma ("“Hamoudi, look!” the grandfather says")
    or closes one after a comma ("“Come here, Bilal!”") is someone addressed, who is there to hear it, not a
    modifier of the word after it: the parse's "amod" / "compound" becomes a vocative's "npadvmod"."""
    n = 0
    for tok in doc[1:-1]:
        if tok.pos_ != "PROPN" or not tok.text[:1].isupper() or tok.dep_ not in ("amod", "compound") \
                or R.common_word(tok.text):
            continue
        before, after = doc[tok.i - 1], doc[tok.i + 1]
        opening = before.tag_ == "``" or before.text in _OPEN_QUOTES
        if opening and after.text == "," or before.text == "," and after.text in ("!", "?", ".") \
                and tok.i + 2 < len(doc) and (doc[tok.i + 2].tag_ == "''" or doc[tok.i + 2].text in _CLOSE_QUOTES):
            tok.dep_ = "npadvmod"
            n += 1
    return n


def name_read_as_subject_after_naming_clause(doc: Doc) -> int:
    """"A rusty snowcat the rangers call Gunnar crawls up the ridge": after a naming contact clause (a naming
    verb with its own subject, hung on the phrase it names) the parse reads the name as the subject of the
    sentence's real verb and hangs that verb on the naming verb. A naming verb with a subject of its own and
    no object takes the name as its complement, and the verb after the name is the sentence's, whose subject
    is the named phrase: the name becomes the naming verb's "oprd" and the phrase the verb's subject. So too when
    the parse makes the name the naming verb's object or complement and hangs the real verb after it on the naming
    verb as well ("An old tractor the farm crew call Otto grumbles up the hill")."""
    n = 0
    for verb in doc:
        noun = verb.head
        if verb.dep_ != "relcl" or verb.lemma_.lower() not in NAMING_VERBS or noun.pos_ != "NOUN" \
                or noun.dep_ != "ROOT" or not any(c.dep_ in ("nsubj", "nsubjpass") for c in verb.children):
            continue
        name = next((t for t in doc[verb.i + 1:] if t.dep_ != "compound"), None)
        if name is None or name.pos_ != "PROPN" or name.dep_ not in ("nsubj", "dobj", "oprd") \
                or not name.text[:1].isupper() or name.i + 1 >= len(doc):
            continue
        main = name.head if name.dep_ == "nsubj" else doc[name.i + 1]  # or both the naming verb's
        if main.pos_ not in ("VERB", "NOUN") or main.head.i != verb.i \
                or main.dep_ not in ("ccomp", "dobj", "xcomp", "oprd") or main.i != name.i + 1:
            continue
        main.head, main.dep_ = main, "ROOT"
        if main.pos_ == "NOUN":  # "waits" read as a plural noun
            main.pos_, main.tag_ = "VERB", "VBZ"
        noun.head, noun.dep_ = main, "nsubj"
        name.head, name.dep_ = verb, "oprd"
        n += 1
    return n


def description_before_name(doc: Doc) -> int:
    """A character noun with its own determiner, parsed as a compound of the name right after it ("the master
    drummer Baba Tunde Okafor taps", "his old teacher Señora Vidal waves", "the young shepherd Aziz sings"):
    the noun heads a description of its own and the name (with any title) is set beside it, a close
    apposition, so the description and the name are one person read twice, not one name hiding the noun.
    (This re-hangs the determiner and the noun; the tokens stay.)"""
    n = 0
    for tok in doc:
        name = tok.head
        if tok.dep_ != "compound" or tok.pos_ != "NOUN" or name.pos_ != "PROPN" or name.i <= tok.i \
                or not name.text[:1].isupper():
            continue
        info = noun_info(tok.lemma_.lower())
        if info is None or info.type not in ("person", "any") \
                or not all(t.pos_ == "PROPN" and t.text[:1].isupper() for t in doc[tok.i + 1:name.i]):
            continue
        lefts = [c for c in name.children if c.i < tok.i]
        if not any(c.dep_ in ("det", "poss") for c in [*lefts, *tok.children]):
            continue
        for c in lefts:
            c.head = tok
        tok.head, tok.dep_ = (name.head if name.head.i != name.i else tok), name.dep_
        name.head, name.dep_ = tok, "appos"
        n += 1
    return n
