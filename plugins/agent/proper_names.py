"""Proper names in the parse: which capitalised tokens name a character, and the words of the name.

The parse decides (a PROPN in a character's frame), not a name table: the given-name table only gives
a gender. Titles ("Mrs.", "Grandpa") and the words of names.json (places, quoted words, days) are what
the parse alone cannot tell apart.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from . import lexicon as L
from . import resources as R
from .nouns import noun_gender, noun_info

if TYPE_CHECKING:
    from spacy.tokens import Token

_NAMES = R.word_lists("names.json")
TITLES: dict[str, str | None] = _NAMES["titles"]
TITLE_NOUNS: dict[str, str] = _NAMES["title_nouns"]
_NOT_NAMES = frozenset(_NAMES["not_names"])
_PLACE_WORDS = frozenset(_NAMES["place_words"])
_LOCATIVE = frozenset(_NAMES["locative_prepositions"])
_ENCLOSING = frozenset(_NAMES["enclosing_prepositions"])
_WORD_NOUNS = frozenset(_NAMES["word_nouns"])
NAME_NOUNS = frozenset(_NAMES["name_nouns"])
_CAMERA_GEAR = frozenset(_NAMES["camera_words"])
AS_NAME_VERBS = frozenset(_NAMES["as_name_verbs"])
TITLE_SUFFIXES: dict[str, str | None] = _NAMES["title_suffixes"]
TITLE_ABBREVIATIONS: dict[str, str | None] = _NAMES["title_abbreviations"]
KUNYA_PREFIXES = frozenset(_NAMES["kunya_prefixes"])
#: marks that close a phrase said beside a word
SET_OFF_MARKS = frozenset({",", "-", "\u2014", "\u2013", ";", ")"})
_SPEECH_VERBS = frozenset(R.word_lists("sieves.json")["speech_verbs"])


def is_title(tok: Token) -> bool:
    """A title before a name ("Mrs.", "Abuela", "Gov." written short, capitalised, with its period), or an
    honorific joined after it by a hyphen ("Tanaka-san") or hung on it after a space ("Elif Hanım", see
    repairs_names.honorific_after_name)."""
    low = tok.text.lower().rstrip(".")
    if low in TITLE_ABBREVIATIONS and tok.text[:1].isupper() and tok.text.endswith("."):
        return True
    return low in TITLES or low in TITLE_SUFFIXES and tok.i >= 2 and tok.doc[tok.i - 1].text == "-" \
        or low in TITLE_SUFFIXES and tok.dep_ == "compound" and tok.head.i == tok.i - 1 \
        and tok.head.text[:1].isupper() or kin_title(tok) or role_title(tok)


def kin_title(tok: Token) -> bool:
    """A capitalised kin word right before a name of its own ("Grandmother Choi", "Cousin Amara", "Grandfather
    Osei") is a title, as "Uncle" and "Grandpa" are: what the speaker calls that person, not a given name,
    so the same person is found again as "Choi" or under another title ("Halmeoni Choi")."""
    nxt = tok.doc[tok.i + 1] if tok.i + 1 < len(tok.doc) else None
    return tok.text[:1].isupper() and tok.lower_ in L.KINSHIP and nxt is not None and nxt.text[:1].isupper() \
        and nxt.pos_ == "PROPN" and tok.head.i != tok.i and tok.head.i > tok.i and tok.head.pos_ == "PROPN"


def role_title(tok: Token) -> bool:
    """A capitalised word for a role or trade right before a name of its own ("Chief Bello", "Farmer Giles",
    "Sheriff Lobo", "Bishop Ndlovu") is a title, as "Captain" and "Doctor" are: the story finds the bearer again
    as "the chief" or by the name alone, and two chiefs are not one name. A word the given-name table knows
    ("Hunter", "Mason", "Porter") may be a given name, and stays one."""
    nxt = tok.doc[tok.i + 1] if tok.i + 1 < len(tok.doc) else None
    info = noun_info(tok.lower_)
    return tok.text[:1].isupper() and info is not None and info.type == "person" and info.category != "generic" \
        and R.name_gender(tok.lower_) is None and nxt is not None and nxt.text[:1].isupper() \
        and nxt.pos_ == "PROPN" and tok.head.i > tok.i and tok.head.pos_ == "PROPN"


def title_gender(title: str) -> str | None:
    return TITLES.get(title) or TITLE_SUFFIXES.get(title) or TITLE_ABBREVIATIONS.get(title) or (
        noun_gender(title) if title in L.KINSHIP else None)


def name_token(tok: Token) -> bool:
    """A capitalised proper-noun token in a character frame (the parse decides, not a name table)."""
    if tok.pos_ != "PROPN" or not (tok.text[:1].isupper() or hyphen_tail(tok)) or is_title(tok):
        return False
    low = tok.text.lower()
    if low in _NOT_NAMES or low in _PLACE_WORDS or tok.like_num or camera_gear(tok) or heading_word(tok):
        return False
    if tok.dep_ in ("appos", "compound", "attr") and tok.head.lemma_.lower() in _WORD_NOUNS \
            and not owned_name_aside(tok) or any(
            c.dep_ in ("compound", "nmod") and c.lemma_.lower() in _WORD_NOUNS for c in tok.children):
        return False  # "squawks the name Tiago": the word is quoted, nobody is there
    if tok.dep_ in ("compound", "amod"):
        return False  # part of a longer name (read from its head), a brand or a place ("Lagos market")
    head_noun = tok.head
    if head_noun.pos_ == "NOUN" and head_noun.i > tok.i and noun_info(head_noun.lemma_.lower()) is None and any(
            c.dep_ == "det" and c.i < tok.i for c in head_noun.children):
        return False  # inside another noun's phrase, whatever the parse calls it: "a small Lisbon kitchen"
    if place_position(tok) and not described_as_someone(tok) or modifies_a_thing(tok):
        return False
    head = tok.head
    if tok.dep_ == "pobj" and head.lower_ == "of" and head.head.pos_ == "NOUN" and noun_info(head.head.lemma_) is None:
        return False  # "the streets of Lisbon"
    # a place word right before the head makes a place ("Lake Tahoe"); further off it is a surname ("Park Ji-ho")
    return not any(c.text.lower() in _PLACE_WORDS for c in tok.children if c.dep_ == "compound" and c.i == tok.i - 1)


def owned_name_aside(tok: Token) -> bool:
    """The word is set beside a pronoun's name noun ("the crew shout her name, Mai, over the wind", "greets the
    tailor by his boyhood name, Tono"): what someone the story already knows is called. "The name Tiago" with no
    possessor is only a word said, and a noun's name ("calls the dog's name, Rex, but only the ducks answer") may
    be called for someone who is not there."""
    head = tok.head
    return tok.dep_ == "appos" and head.lemma_.lower() in NAME_NOUNS and any(
        c.dep_ == "poss" and c.pos_ == "PRON" and c.lower_ != "whose" for c in head.children)


def lone_title(tok: Token) -> bool:
    """A capitalised kin title or title of respect standing alone as a clause's subject or object ("Mama watches
    from the doorway", "they wave to Papa", "Baba laughs", "Doña scolds the cat"): no name follows it, so it is
    not part of a name, yet it is how the story addresses someone it named with that title before ("Mama Kofi",
    "Baba Femi Adeyemi"); it is read as the title word as a noun, which finds its bearer (a name keeps its titles
    among its nouns, see `MentionReader._name`) as "Auntie" or "the mother" would."""
    nxt = tok.doc[tok.i + 1] if tok.i + 1 < len(tok.doc) else None
    return tok.pos_ == "PROPN" and tok.text[:1].isupper() and tok.lower_ in TITLES \
        and tok.lower_ in TITLE_NOUNS and tok.dep_ in ("nsubj", "dobj", "pobj", "nsubjpass") \
        and not any(c.dep_ in ("compound", "appos", "flat") for c in tok.children) \
        and not (nxt is not None and nxt.text[:1].isupper())  # a name the parse split off


def described_as_someone(tok: Token) -> bool:
    """The word has a person's phrase set beside it ("in Hue, ba Lan, a tiny woman in a green dress, stirs a pot",
    parsed with the name as the object of "in"): no place is a woman, so the word names her, wherever the parse
    hung it."""
    return any(c.dep_ == "appos" and c.pos_ == "NOUN" and (info := noun_info(c.lemma_.lower())) is not None
               and info.type == "person" and set_off(c) for c in tok.children)


def set_off(phrase: Token) -> bool:
    """A comma or a dash closes the phrase before its clause's main verb, so it is said beside a word ("ba Lan,
    a tiny woman in a green dress, stirs a pot"). One that runs on into the main verb ("in Lima, a stout cook in
    a straw hat stirs a pot", which the parse hangs on the place before the comma) is the clause's subject, and
    the place stays a place. (The main verb, not the phrase's own end: the parse often cuts a long phrase short;
    where it found no main verb after the phrase, the end of the sentence.)"""
    doc, sent = phrase.doc, phrase.sent
    end = sent.root.i if sent.root.i > phrase.i else sent.end  # a parse that missed the verb: to the sentence end
    return any(doc[j].text in SET_OFF_MARKS for j in range(phrase.i + 1, end))


def camera_gear(tok: Token) -> bool:
    """A capitalised word of a shot list's gear or shorthand (names.json camera_words: "Steadicam glides behind
    the rider", "POV of the dog", "GoPro on the handlebars") or one that modifies a camera word ("Jib shot
    rising over the herd"): it says how the shot is taken, and is no character's name."""
    if tok.lower_ in _CAMERA_GEAR:
        return True
    return tok.head.i > tok.i and tok.dep_ in ("compound", "amod", "nmod", "nsubj") \
        and tok.head.lower_ in L.CAMERA_WORDS and R.name_gender(tok.lower_) is None


def heading_word(tok: Token) -> bool:
    """An ordinary English word written all in capitals ("EXT. ROOFTOP - NIGHT", "CUT TO: HARBOUR") is a scene
    heading's, not a name: capitals there mark the heading. (A name written so is mostly one no dictionary has;
    the given-name table is no help, as it also lists words like "Night".)"""
    # four letters or more: a short capital word is mostly an acronym that may name a character ("the AI", "CEO")
    return len(tok.text) >= 4 and tok.text.isupper() and tok.text.isalpha() and R.common_word(tok.text) \
        and noun_info(tok.lower_) is None


def place_position(tok: Token) -> bool:
    """The word is where something is, goes or comes from: the object of a preposition of place ("in Lagos",
    "the ferry to Tallinn", "on Gozo"), also where the parse gave that preposition no object or a later
    word of the clause ("the cook from Kraków trade cups", read with "cups" as the object). After a
    preposition that encloses ("in", "through") it is a place whatever the given-name table says (nobody is
    in a person); after one a person may follow ("to", "from", "at") only a word the table does not know as
    a given name."""
    prep = tok.head if tok.dep_ == "pobj" else None
    if prep is None and tok.i > 0 and tok.dep_ != "poss":  # "in Maria's kitchen" names Maria
        prev = tok.doc[tok.i - 1]
        objects = [c for c in prev.children if c.dep_ == "pobj"]
        if prev.pos_ == "ADP" and prev.lower_ in _LOCATIVE and all(tok in o.subtree for o in objects):
            prep = prev
    if prep is None:
        return False
    return prep.lower_ in _ENCLOSING or prep.lower_ in _LOCATIVE and R.name_gender(tok.lower_) is None


def modifies_a_thing(tok: Token) -> bool:
    """The word stands between a determiner and the common noun its phrase is about, a thing and no character
    ("a Danube cargo barge", "the Lisbon tram"): it says what kind of thing, nobody is named ("the
    Okafor twins" still names a family)."""
    doc = tok.doc
    if tok.i == 0 or doc[tok.i - 1].lower_ not in ("a", "an", "the"):
        return False
    j = tok.i + 1
    while j + 1 < len(doc) and doc[j + 1].pos_ in ("NOUN", "PROPN") and doc[j].pos_ in ("NOUN", "PROPN"):
        j += 1
    last = doc[j] if j < len(doc) else None
    return last is not None and j > tok.i and last.pos_ == "NOUN" and noun_info(last.lemma_.lower()) is None


def framed_as_someone(tok: Token) -> bool:
    """A capitalised ordinary English word that opens its sentence ("Snow is falling", "Night exterior",
    "Handheld shot of ...") is that word unless the sentence frames it as someone: a character appositive
    follows it ("Rain, a boy from the coast, ..."), it is joined by "and" to a name or a character noun, or
    it is the subject of a verb that needs a living subject or of a speech verb ("Hope sighs", "Hope says").
    Many ordinary words are also given names, so the given-name table only counts for the subject of a verb
    ("Ivy waits by the gate"; not "Night exterior", where the parse finds no verb for it)."""
    doc = tok.doc
    if tok.i + 2 < len(doc) and doc[tok.i + 1].text == "," and doc[tok.i + 2].lower_ in (
            "a", "an", "his", "her", "their", "its"):
        return True
    joined = [c for c in tok.children if c.dep_ == "conj"] + ([tok.head] if tok.dep_ == "conj" else [])
    if any(j.pos_ == "PROPN" or noun_info(j.lemma_.lower()) is not None for j in joined):
        return True
    verb = tok.head
    return tok.dep_ in ("nsubj", "nsubjpass") and verb.pos_ in ("VERB", "AUX") and (
        R.animate_verb(verb.lemma_.lower()) or verb.lemma_.lower() in _SPEECH_VERBS
        or R.name_gender(tok.lower_) is not None)


def kind_of_person(tok: Token) -> bool:
    """A capitalised singular word with an article is a common noun for a kind of person, not a personal name
    (names take no article): "a lanky Texan", "an Icelander"; after "the" only where an adjective or what it
    owns shows a person ("the tall Norwegian", "the Texan's glove"), since "the" also comes before places."""
    dets = [c.lower_ for c in tok.children if c.dep_ == "det"]
    if tok.tag_ != "NNP" or not dets or any(c.dep_ == "compound" and c.pos_ == "PROPN" for c in tok.children):
        return False
    if dets[0] in ("a", "an"):
        return True
    owned = tok.head.lemma_.lower() if tok.dep_ == "poss" else ""
    worn = {owned, owned + "s"} & (L.CLOTHING | L.BODY_PARTS | L.HAIR_WORDS)  # the lists keep "gloves"
    return dets[0] == "the" and (any(c.dep_ == "amod" for c in tok.children) or bool(worn) and bool(owned))


def name_tokens(tok: Token) -> list[Token]:
    parts = [c for c in tok.children if c.dep_ == "compound" and c.pos_ == "PROPN" and c.i < tok.i]
    return sorted([*parts, tok], key=lambda t: t.i)


def hyphen_tail(tok: Token) -> bool:
    """The token is the second half of a hyphenated capitalised name the tokenizer split ("Ji-ho":
    "Ji", "-", "ho")."""
    doc = tok.doc
    return tok.i >= 2 and doc[tok.i - 1].text == "-" and doc[tok.i - 2].text[:1].isupper() \
        and not doc[tok.i - 2].whitespace_ and not doc[tok.i - 1].whitespace_ and tok.text.isalpha()


def name_words(parts: list[Token]) -> list[str]:
    """The lower-case words of a name, a hyphenated part kept whole ("Park Ji-ho" -> park, ji-ho)."""
    words: list[str] = []
    for p in parts:
        if words and hyphen_tail(p) and p.doc[p.i - 2] in parts:
            words[-1] += "-" + p.lower_
        else:
            words.append(p.lower_)
    return words


def as_name_owner(tok: Token) -> Token | None:
    """For a name after "as" under a naming verb ("introduces himself to the cook as Tamsin", "a boy known as
    Ferro", "greets the stranger as Colonel Dusek"), the token it renames: the verb's object (one says what
    someone else is called: "introduces her son as Tomas"), else its subject (a reflexive object is the
    subject: "introduces himself as Tamsin"), or the noun a participle describes."""
    if tok.dep_ != "pobj" or tok.head.lower_ != "as":
        return None
    verb = next((a for a in tok.head.ancestors if a.pos_ in ("VERB", "AUX")), None)
    if verb is None or verb.lemma_.lower() not in AS_NAME_VERBS:
        return None
    if verb.dep_ == "acl" and verb.head.pos_ in ("NOUN", "PROPN"):
        return verb.head
    obj = next((c for c in verb.children if c.dep_ == "dobj"), None)
    if obj is not None and not obj.lower_.endswith(("self", "selves")):
        return obj  # "greets the customer as Chief Bello", "introduces her son as Tomas"
    return next((c for c in verb.children if c.dep_ in ("nsubj", "nsubjpass")), None)


def before_verb_noun(tok: Token) -> bool:
    """The word modifies the next one, a plural noun that is also a verb ("Rain, a boy ...", later "Rain sets
    off": a name the story knows, where the parse read a modifier and a plural), or a finite verb itself (later
    "Sunny picks a scarf", read as an adjective on "picks"): nothing modifies a verb that way, so the word is the
    verb's subject."""
    nxt = tok.doc[tok.i + 1] if tok.i + 1 < len(tok.doc) else None
    return nxt is not None and tok.head.i == nxt.i and (nxt.tag_ == "NNS" and R.verb_word(nxt.lemma_)
                                                         or nxt.pos_ == "VERB" and nxt.tag_ in ("VBZ", "VBD"))


def origin_words(prep: Token) -> set[str]:
    """The lower-case place name after "from" that says where someone comes from ("a chef from Chennai", "the
    girl from Busan"): like a nationality it does not change between prompts, so it is kept among the phrase's
    descriptors (the proper-adjective sieve finds the one entity it was said of). One capitalised word, not a
    sentence's first."""
    return {o.lower_ for o in prep.children if o.dep_ == "pobj" and o.pos_ == "PROPN" and o.text.isalpha()
            and o.text[:1].isupper() and not o.text.isupper() and not o.is_sent_start}
