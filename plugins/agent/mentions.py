"""Mentions: the phrases of a parsed prompt that may refer to a story entity, with what they say.

A mention is one of: a proper name ("Zofia", "Mrs. Adeyemi"), a noun phrase whose head noun can
name a character ("a lanky teenager", "the two sisters"), a relative description without a noun
of its own ("the younger one", "the smaller of the two", "the other"), a covering plural ("both",
"the two of them") or a personal pronoun. Everything comes from the dependency parse: the head
noun's determiner, modifiers, possessor and prepositional phrases give the attributes the sieves
compare (kind, gender, number, age class and stated age, size, colours and clothing, role, name,
kin relation). `structure.link_structure` then links the mentions to each other (apposition, predicate
nominatives, naming verbs, listed members). The sieves (sieves/) decide which entity each mention refers to.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from typing import TYPE_CHECKING

from . import lexicon as L
from . import resources as R
from .acting_nouns import acting_unknown_noun
from .kin_pairs import joined_kin_nouns
from .modifiers import (
    COMPARATIVES,
    attribute_kind,
    camera_heading_end,
    feature_word,
    graded,
    hyphen_features,
    number_value,
    of_objects,
    old_by_hair,
    stated_comparative,
    stems,
    token_number,
)
from .nouns import (
    ARGUMENT_DEPS,
    NounInfo,
    animal_compound_head,
    animal_sense,
    character_noun_head,
    kin_relation,
    loan_noun,
    machine_character,
    noun_age,
    noun_gender,
    noun_info,
    story_animal_noun,
    subject_verbs,
)
from .proper_names import (
    KUNYA_PREFIXES,
    TITLE_NOUNS,
    TITLES,
    before_verb_noun,
    framed_as_someone,
    is_title,
    kind_of_person,
    lone_title,
    name_token,
    name_tokens,
    name_words,
    origin_words,
    title_gender,
)
from .roll_call import roll_call_mentions
from .screenplay import capital_cue, heading_spans
from .set_off_looks import set_off_looks
from .sexed_animals import sexed_animal_gender
from .story_machines import MACHINE_WORD_INFO, general_machine_word, known_vehicle_part
from .structure import link_structure
from .told_ages import told_bare_age, year_old_noun

__all__ = ["TITLES", "TITLE_NOUNS", "Mention", "MentionReader", "Prompt", "number_value", "read_mentions"]

if TYPE_CHECKING:
    from spacy.tokens import Doc, Token

_WEARING_VERBS = frozenset(R.word_lists("sieves.json")["wearing_verbs"])
_REST_WORDS = frozenset(R.word_lists("sieves.json")["rest_words"])  # "the others"
_SUBJECT_DEPS = frozenset({"nsubj", "nsubjpass"})
_CHARACTER_TYPES = frozenset({"person", "animal", "creature", "robot", "vehicle", "group"})
_CLOTHING_PREPS = frozenset({"in", "with", "wearing", "under"})
_AGE_RE = re.compile(r"((?:[a-z]+-)?\w+)[- ]years?[- ]old", re.IGNORECASE)
_ORDINALS = {"first": 1, "second": 2, "third": 3, "fourth": 4, "last": -1}
_PAIR_ORDINALS = {"former": 1, "latter": -1}  # only as a head ("the former nods"): "the former mayor" is no order
_COVER_WORDS = frozenset({"both", "all"})
_DET_KINDS = {"indef": "indef", "def": "def", "poss": "poss", "new": "new", "num": "def"}


@dataclass(eq=False)
class Mention:
    """One phrase of the prompt that may refer to an entity (see the module docstring)."""

    index: int
    kind: str  # name | noun | relative | cover | pronoun
    text: str
    start: int  # character span of the phrase (determiner to head)
    end: int
    head: int  # token index of the head
    sent: int
    lemma: str  # head noun lemma, pronoun, or "" for a relative description
    type: str = "person"  # person | animal | creature | robot | vehicle | group | any | prop | background
    category: str = "generic"
    det: str = "none"  # indef | def | poss | none | new (another, a second)
    plural: bool = False
    count: int | None = None
    names: set[str] = field(default_factory=set)  # "@zofia"
    gender: str | None = None
    gender_guessed: bool = False  # the gender is only the given-name table's guess for a name
    age: str | None = None  # child | adult | young | old
    stated_age: int | None = None
    size: str | None = None  # small | large
    colours: set[str] = field(default_factory=set)
    clothing: set[str] = field(default_factory=set)
    descriptors: set[str] = field(default_factory=set)  # modifier and attribute lemmas
    features: set[str] = field(default_factory=set)  # what sets the bearer apart to the eye: worn or held things,
    # their colours, hair and beard ("in the toque", "in orange", "grey-bearded"); never a character noun
    modifiers: set[str] = field(default_factory=set)  # the words before the head ("plush", "toy", "old")
    nouns: set[str] = field(default_factory=set)  # head noun plus character nouns it is compounded with
    attributes: list[tuple[str, int, int, str]] = field(default_factory=list)  # (text, start, end, kind)
    owner: int | None = None  # token index of the possessor ("his" in "his nephew")
    kin: str | None = None  # the kin relation the head noun names
    compare: tuple[str, int] | None = None  # ("age", +1): "the older one", "the elder sister"
    other: bool = False  # "the other (one)"
    one: bool = False  # "One wears a cap; the other ...": the bare numeral, one of a set singled out
    ordinal: int | None = None  # "the first", "the second one"
    subject: bool = False
    acts: set[str] = field(default_factory=set)  # lemmas of the verbs it is the subject of ("leads", "wins")
    alias: bool = False  # a name a naming verb gave an entity that already had one ("calls him Bjossi")
    appos_of: int | None = None  # mention index this one renames (apposition, predicate nominative, "calls him X")
    member_of: int | None = None  # mention index of the plural whose members this one lists
    skip: str | None = None  # why the mention neither creates nor confirms an entity (presence sieve)
    entity: int | None = None  # cluster id, set by the sieves
    linked_by: str | None = None  # name of the sieve that linked it

    @property
    def person_like(self) -> bool:
        return self.type in ("person", "any", "creature")

    @property
    def relative_cue(self) -> bool:
        """The phrase picks one of several by comparison, order, "other" or kinship (the relative sieve's)."""
        return self.compare is not None or self.other or self.one or self.ordinal is not None or (
            self.kin is not None and self.owner is not None) or self.owner is not None and self.category == "epithet"


@dataclass
class Prompt:
    """A parsed prompt and its mentions (what every sieve reads)."""

    text: str
    doc: Doc
    mentions: list[Mention]

    def by_head(self, token_index: int) -> Mention | None:
        return next((m for m in self.mentions if m.head == token_index), None)

    def token_mention(self, tok: Token) -> Mention | None:
        return self.by_head(tok.i)


_PHRASE_DEPS = frozenset({"det", "predet", "amod", "compound", "nummod", "poss", "nmod", "quantmod", "npadvmod"})


def _phrase_start(tok: Token) -> int:
    left = [c for c in tok.lefts if c.dep_ in _PHRASE_DEPS]
    return min([tok.idx] + [c.left_edge.idx for c in left])


class MentionReader:
    """Finds the mentions of one parsed prompt."""

    def __init__(self, text: str, doc: Doc, known_names: frozenset[str] = frozenset(),
                 known_machines: frozenset[str] = frozenset(), known_animals: frozenset[str] = frozenset(),
                 known_vehicles: frozenset[str] = frozenset()) -> None:
        self.text = text
        self.doc = doc
        self.known_names = known_names
        self.known_machines = known_machines
        self.known_animals = known_animals
        self.known_vehicles = known_vehicles
        self.mentions: list[Mention] = []
        self._sent_of = {t.i: k for k, s in enumerate(doc.sents) for t in s}

    def read(self) -> Prompt:
        heading_ends = {s.start: camera_heading_end(s) for s in self.doc.sents}
        layout = heading_spans(self.text)
        for tok in self.doc:
            if tok.idx < heading_ends[tok.sent.start] or any(a <= tok.idx < b for a, b in layout):
                continue  # "POV shot from a canoe", "INT. BAKERY — DAWN.", "CLOSE ON": camera language, no character
            m = self._mention(tok)
            if m is not None:
                self.mentions.append(m)
        self.mentions += roll_call_mentions(self)  # "two nurses, one tall ..., the other short ..." (roll_call.py)
        self.mentions.sort(key=lambda m: m.start)
        for k, m in enumerate(self.mentions):
            m.index = k
        link_structure(self.text, self.doc, self.mentions)
        return Prompt(self.text, self.doc, self.mentions)

    # --------------------------------------------------------------------------- one token
    def new_mention(self, kind: str, tok: Token, start: int, lemma: str) -> Mention:
        """A mention of this kind headed by `tok`, from `start` to the head (roll_call.py makes its members so)."""
        end = tok.idx + len(tok.text)
        subject = tok.dep_ in _SUBJECT_DEPS
        verbs = subject_verbs(tok) if subject else []
        return Mention(index=-1, kind=kind, text=self.text[start:end], start=start, end=end, head=tok.i,
                       sent=self._sent_of[tok.i], lemma=lemma, subject=subject,
                       acts={v.lemma_.lower() for v in verbs if v.pos_ == "VERB" or v.pos_ == "NOUN" and subject
                             and R.verb_word(v.lemma_)})  # "the one in red leads", "leads" tagged as a noun

    def _mention(self, tok: Token) -> Mention | None:
        low = tok.lower_
        if tok.pos_ == "PRON" and low in L.PRONOUNS and low not in ("it", "its", "itself") or low in ("it", "its"):
            if tok.pos_ == "PRON" and not (low == "it" and tok.dep_ in ("nsubj",) and self._expletive(tok)):
                return self._pronoun(tok)
            return None
        if animal_compound_head(tok):
            return self._noun(tok, NounInfo("animal", "species"))  # "a German shepherd", "a Great Dane"
        if tok.text[:1].isupper() and joined_kin_nouns(tok) and (kin := noun_info(tok.lower_)) is not None:
            return self._noun(tok, kin)  # "Mother and son hug", "Father and daughter": kin words, not names or titles
        if capital_cue(tok):
            return self._noun(tok, noun_info(tok.lower_) or NounInfo("person", "generic"))  # "THE GIRL'S POV"
        if tok.text[:1].isupper() and tok.lower_ in self.known_names and tok.pos_ in ("PROPN", "NOUN", "ADJ", "VERB") \
                and (tok.dep_ not in ("compound", "amod") or before_verb_noun(tok)):
            return self._name(tok)
        if lone_title(tok):
            return self._noun(tok, noun_info(tok.lower_) or NounInfo("person", "generic"))  # "Mama watches"
        if name_token(tok):
            info = noun_info(tok.lower_)
            if info is not None and R.name_gender(tok.lower_) is None and info.type in ("animal", "robot", "vehicle"):
                return self._noun(tok, info)  # "a Border Collie": a capitalised breed, not a name
            if kind_of_person(tok):
                return self._noun(tok, NounInfo("person", "generic"))  # "a lanky Texan": no name
            if not (tok.is_sent_start and R.common_word(tok.lower_) and not framed_as_someone(tok)):
                return self._name(tok)  # (a sentence's first word that is an ordinary word needs a frame: "Rain")
            return None
        if low in _COVER_WORDS and tok.dep_ in ("nsubj", "dobj", "pobj", "appos", "npadvmod"):
            return self._cover(tok)
        if low in _REST_WORDS and tok.tag_ == "NNS" and tok.dep_ in ARGUMENT_DEPS and any(
                c.lower_ == "the" for c in tok.children):
            return self._cover(tok)  # "the others": the rest of a set, once one of it is singled out (groups sieve)
        if self._bare_one(tok):
            return self._one(tok)
        if low == "two" or low in L.NUMBER_WORDS and tok.pos_ == "NUM":
            of = next((c for c in tok.children if c.lower_ == "of"), None)
            if of is not None and any(c.lower_ in ("them", "us") for c in of.children):
                return self._cover(tok)
            if tok.dep_ in ("nsubj", "dobj", "pobj") and (token_number(tok) or 0) >= 2 and any(
                    c.lower_ in ("all", "the") for c in tok.children):
                return self._cover(tok)  # "All three raise their glasses", "the two laugh"
            if self._count_before_verb_noun(tok):
                return self._cover(tok)
        info = character_noun_head(tok)
        if info is not None and info.type == "person" and (story_animal_noun(tok, self.known_animals) or (
                tok.lemma_.lower() in self.known_animals and tok.lemma_.lower() in L.ANIMAL_COMPOUND_HEADS)):
            info = NounInfo("animal", "species")  # "the dane" for the story's Great Dane, "the vixen" for its fox
        sex = sexed_animal_gender(tok, self.known_animals) if info is None else None
        if sex is not None:  # "the cob" of the story's swans (sexed_animals.py)
            m = self._noun(tok, NounInfo("animal", "species"))
            m.gender = sex
            return m
        whole = known_vehicle_part(tok, self.known_vehicles) if info is None or info.type == "vehicle" else None
        if whole is not None:
            m = self._noun(tok, info or NounInfo("vehicle", "vehicle"))
            m.nouns.add(whole)  # "the dozer" is the story's bulldozer, "the tug" its tugboat
            return m
        if info is None and machine_character(tok, self.known_machines):
            info = NounInfo("robot", "robot")
        if info is None and general_machine_word(tok, self.known_machines | self.known_vehicles):
            m = self._noun(tok, MACHINE_WORD_INFO)  # "the machine": one of the story's machines, whichever
            m.nouns.discard(m.lemma)  # a word for any machine, none of its own nouns ("a coffee machine" is no robot)
            return m
        info = info or acting_unknown_noun(tok)  # "the chaiwala grins": a noun known by what it does
        if info is None and year_old_noun(tok) and any(c.dep_ == "det" and c.lower_ in ("a", "an")
                                                        for c in tok.children):
            info = NounInfo("person", "generic")  # "a seven-year-old"
        if info is not None and not self._bare_object_of_preposition(tok, info):
            return self._noun(tok, info)
        if self._relative_head(tok):
            return self._relative(tok)
        return None

    @staticmethod
    def _bare_object_of_preposition(tok: Token, info: NounInfo) -> bool:
        """A lower-case singular noun right after a preposition with nothing to determine it names no one: a
        character after a preposition takes an article or a possessor, so a bare one is a use or an idiom
        ("put on speaker", "goes to school", "by phone"). Kin nouns used as names ("sits with grandma") are left
        alone."""
        return tok.dep_ == "pobj" and tok.tag_ == "NN" and tok.text.islower() and info.category != "kinship" \
            and tok.i > 0 and tok.doc[tok.i - 1].i == tok.head.i and not any(True for _ in tok.children) \
            and not (tok.i + 1 < len(tok.doc) and tok.doc[tok.i + 1].pos_ in ("NOUN", "PROPN"))  # "in tiger pyjamas"

    @staticmethod
    def _count_before_verb_noun(tok: Token) -> bool:
        """"all three peel off their coats" parsed with "peel" as a noun the numeral counts: a numeral after "all" /
        "both" whose head is no character noun but a verb is the covering "all three" (the verb is its clause's)."""
        head = tok.head
        return tok.dep_ == "nummod" and (token_number(tok) or 0) >= 2 and head.i == tok.i + 1 \
            and any(c.lower_ in _COVER_WORDS and c.i == tok.i - 1 for c in head.children) \
            and noun_info(head.lemma_.lower()) is None and R.verb_word(head.lower_)

    @staticmethod
    def _comma_apposition(tok: Token) -> bool:
        doc = tok.doc
        return tok.i + 2 < len(doc) and doc[tok.i + 1].text == "," and doc[tok.i + 2].lower_ in (
            "a", "an", "his", "her", "their", "its")

    @staticmethod
    def _expletive(tok: Token) -> bool:
        """"It is raining", "it seems": an 'it' no entity stands behind."""
        verb = tok.head
        return verb.lemma_ in ("be", "seem", "appear", "rain", "snow", "take") and not any(
            c.dep_ in ("attr", "acomp") and c.pos_ in ("NOUN", "PROPN") for c in verb.children) or verb.lemma_ in (
            "rain", "snow")

    def _pronoun(self, tok: Token) -> Mention:
        m = self.new_mention("pronoun", tok, tok.idx, tok.lower_)
        gender, _case = L.PRONOUNS[tok.lower_]
        m.plural = gender == "plural"
        m.gender = gender if gender in ("male", "female") else None
        m.type = "any"
        if gender == "neuter":
            m.type = "thing"
        return m

    def _cover(self, tok: Token) -> Mention:
        m = self.new_mention("cover", tok, tok.idx if tok.dep_ not in ("det", "predet") else tok.idx, tok.lower_)
        m.plural, m.type = True, "any"
        of = next((c for c in tok.children if c.lower_ == "of"), None)
        if of is not None:
            m.end = max(t.idx + len(t.text) for t in of.subtree)
            m.text = self.text[m.start:m.end]
        m.count = 2 if tok.lower_ == "both" else token_number(tok)
        return m

    def _name(self, tok: Token) -> Mention:
        parts = name_tokens(tok)
        titles = [c for c in tok.children if c.dep_ == "compound" and is_title(c)]
        start = min([p.idx for p in parts] + [t.idx for t in titles])
        m = self.new_mention("name", tok, start, tok.lemma_.lower())
        m.names = {"@" + w for w in name_words([p for p in parts if not is_title(p)] or parts)}  # "Dr. Zhang": zhang
        for t in titles:
            title = t.text.lower().rstrip(".")
            m.gender = title_gender(title) or m.gender
            if title in TITLE_NOUNS:
                m.nouns |= {TITLE_NOUNS[title], title}  # the title alone finds its bearer again ("Baba laughs")
            info = noun_info(title)
            if info is not None and info.type in ("person", "any") and info.category != "generic":
                m.nouns.add(title)  # "Uncle Tavita" is the uncle, "Captain Ruiz" the captain
            if title in KUNYA_PREFIXES and t.i < tok.i:
                # "Abu Samir" is Samir's father: the whole phrase is his name, the bare "Samir" someone else
                m.names = {"@" + " ".join([title, *(w for w in name_words(parts) if w != title)])}
        if m.gender is None:
            g = R.name_gender(parts[0].text.lower())
            m.gender = g if g in ("male", "female") else None
            m.gender_guessed = m.gender is not None
        m.type, m.category = "any", "name"  # a name may be a person's, a pet's or a robot's
        self._modifiers(tok, m)
        return m

    def _noun(self, tok: Token, info: NounInfo) -> Mention:
        lemma = tok.lemma_.lower()
        m = self.new_mention("noun", tok, _phrase_start(tok), lemma)
        m.type, m.category = info.type, info.category
        m.plural = tok.tag_ in ("NNS", "NNPS") and lemma != tok.lower_
        m.nouns.add(lemma)
        if info.type == "robot":  # "a robotic vacuum cleaner" is later "the vacuum"
            m.nouns.update(c.lemma_.lower() for c in tok.children if c.dep_ == "compound" and c.lemma_.lower()
                           in L.ROBOT_WITH_MODIFIER)
        english = loan_noun(lemma)  # "her abuela" is read as "her grandmother"
        m.nouns.add(english)
        m.gender, m.age, m.kin = noun_gender(english), noun_age(english), kin_relation(english)
        if lemma in L.MULTIPLE_BIRTH and tok.tag_ in ("NNS", "NNPS"):  # "the twins"; "the twin in red" is one
            m.plural, m.count = True, int(L.MULTIPLE_BIRTH[lemma])
        self._modifiers(tok, m)
        if year_old_noun(tok):  # "a seven-year-old" is a person of the stated age, not an old one
            m.lemma, m.nouns, m.age = "person", {"person"}, None
        if info.type == "prop" and m.modifiers & L.ANIMATE_MODIFIERS:
            m.type, m.category = "creature", "creature"  # "a living statue", "the now-animate statue"
        if info.type == "group" and m.count is None and (lemma in L.PAIR_NOUNS or lemma in L.NUMBER_WORDS):
            m.count = int(L.NUMBER_WORDS.get(lemma, 2))  # "a couple", "a trio", "a quartet"
        return m

    def _relative_head(self, tok: Token) -> bool:
        """"the younger one", "the other", "the smaller of the two", "the first", "the six-year-old"."""
        if tok.lower_ == "one" and any(c.dep_ == "det" and c.lower_ in ("a", "an") for c in tok.children) and any(
                c.dep_ == "amod" for c in tok.children):
            return True  # "Two bakers: a thin one ... and a stout one": a member described
        if self._graded_before_verb(tok) or tok.lower_ == "one" and tok.dep_ in ("appos", "npadvmod", "conj") and any(
                c.dep_ == "prep" and c.lower_ in _CLOTHING_PREPS for c in tok.children):  # ", one in a red coat"
            return True
        if not any(c.dep_ == "det" and c.lower_ in ("the", "this", "that") for c in tok.children):
            return False
        if tok.lower_ in ("one", "other") or (tok.lower_ in _ORDINALS or tok.lower_ in _PAIR_ORDINALS) \
                and tok.dep_ != "amod":
            return True
        if year_old_noun(tok):
            return True
        if tok.lower_ in L.COLOURS and tok.dep_ in ("nsubj", "nsubjpass", "dobj", "pobj") \
                and noun_info(tok.lower_) is None and tok.head.lemma_.lower() not in _WEARING_VERBS \
                and tok.head.lower_ not in _CLOTHING_PREPS and not any(c.lower_ == "of" for c in tok.children):
            return True  # "the big grey", "the little black": a colour that stands for the one it describes
            # (not what is worn: "wears the red", "in the blue"; nor light itself: "by the light of a lamp")
        return tok.tag_ in ("JJR", "JJS") and tok.dep_ in ("nsubj", "nsubjpass", "dobj", "pobj", "conj", "appos")

    @staticmethod
    def _graded_before_verb(tok: Token) -> bool:
        """"the younger laughs", "the tallest nods", "the latter hums": the parse reads the verb after a bare
        comparative, superlative or "former" / "latter" as a plural noun it modifies (no character noun, a verb's
        form, heading its clause), or hangs the adjective on the verb; the adjective with the article is the
        character."""
        head = tok.head
        verb = head.tag_ == "VBZ" or head.tag_ == "NNS" and noun_info(head.lemma_.lower()) is None \
            and R.verb_word(head.lemma_.lower())
        return (tok.tag_ in ("JJR", "JJS") or tok.lower_ in _PAIR_ORDINALS) and tok.dep_ == "amod" and verb \
            and head.i == tok.i + 1 and head.dep_ in ("ROOT", "conj", "advcl", "ccomp", "relcl") and tok.i > 0 \
            and tok.doc[tok.i - 1].lower_ == "the" and tok.doc[tok.i - 1].head.i == head.i

    @staticmethod
    def _bare_one(tok: Token) -> bool:
        """"One wears a cap; the other ...", "One of the girls spins": the numeral one standing alone as a subject
        or object singles out one of a set ("the one in red", with its determiner, is a relative head)."""
        if tok.lower_ != "one" or tok.pos_ != "NUM" or any(c.dep_ in ("det", "amod", "poss", "compound")
                                                             for c in tok.children):
            return False
        # the small model may make a partitive "One of the girls trips ..." the root of its sentence
        return tok.dep_ in _SUBJECT_DEPS | {"dobj"} or tok.dep_ == "ROOT" and any(
            c.lower_ == "of" for c in tok.children)

    def _one(self, tok: Token) -> Mention:
        m = self.new_mention("relative", tok, tok.idx, "")
        m.type, m.category, m.one = "any", "relative", True
        self._modifiers(tok, m)
        obj = next(iter(of_objects(tok)), None)
        m.end = obj.idx + len(obj.text) if obj is not None else tok.idx + len(tok.text)  # "One of the girls"
        m.text = self.text[m.start:m.end]
        return m

    def _relative(self, tok: Token) -> Mention:
        m = self.new_mention("relative", tok, _phrase_start(tok), "")
        m.type, m.category = "any", "relative"
        if tok.lower_ == "other":
            m.other = True
        elif tok.lower_ in _ORDINALS or tok.lower_ in _PAIR_ORDINALS:
            m.ordinal = _ORDINALS.get(tok.lower_, _PAIR_ORDINALS.get(tok.lower_))
        elif tok.tag_ in ("JJR", "JJS"):
            m.compare = graded(tok)
            m.descriptors |= set_off_looks(tok)  # "the eldest, bald and stooped, ..." (set_off_looks.py)
        if tok.lower_ in L.COLOURS:
            m.colours.add(tok.lower_)
            m.descriptors.add(tok.lower_)
        self._modifiers(tok, m)
        if self._graded_before_verb(tok):  # "the younger laughs": the article is the verb's in the parse
            m.det, m.start = "def", tok.doc[tok.i - 1].idx
            m.text = self.text[m.start:m.end]
        if m.compare is None and not m.other:  # "the little one" among two: the smaller
            m.compare = next((COMPARATIVES[d] for d in sorted(m.descriptors) if d in COMPARATIVES), None)
        return m

    # --------------------------------------------------------------------------- attributes
    def _modifiers(self, tok: Token, m: Mention) -> None:
        phrase = self.text[_phrase_start(tok):tok.idx + len(tok.text)]
        age = _AGE_RE.search(phrase)
        if age is not None:
            m.stated_age = number_value(age.group(1))
        m.stated_age = m.stated_age if m.stated_age is not None else told_bare_age(tok)  # "Ines, barely fifteen"
        for c in tok.children:
            low = c.lower_
            if c.dep_ == "det" or c.dep_ == "predet":
                kind = L.DETERMINERS.get(low)
                if low in L.NEWCOMER_WORDS:
                    m.det = "new"
                elif isinstance(kind, str) and m.det != "new":
                    m.det = _DET_KINDS.get(kind, m.det)
                if low == "both":
                    m.count = 2
            elif c.dep_ == "poss":
                m.det, m.owner = "poss", c.i
            elif c.dep_ == "nummod":
                n = token_number(c)
                if n is not None:
                    m.count = n
            elif c.dep_ in ("amod", "compound", "nmod", "npadvmod") or c.dep_ == "acl" and c.tag_ == "VBN":
                self.modifier_word(c, m)
                if c.dep_ in ("compound", "amod"):  # "a plump tabby cat": the parse may hang an adjective on another
                    for g in c.children:
                        if g.dep_ in ("amod", "compound") and g.i < c.i and g.pos_ == "ADJ":
                            self.modifier_word(g, m)
                if c.lower_ in ("piece", "member", "man", "person", "strong"):  # "a four-piece band"
                    n = next((token_number(g) for g in c.children if g.dep_ == "nummod"), None)
                    m.count = n if n is not None else m.count
            elif c.dep_ == "prep" and c.lower_ in _CLOTHING_PREPS or c.dep_ == "acl" and c.lemma_ in (
                    "wear", "dress", "hold", "carry"):
                self._attribute_phrase(c, m)
            elif c.dep_ == "prep" and c.lower_ == "of":
                self._of_phrase(c, m)
            elif c.dep_ == "prep" and c.lower_ == "from":
                m.descriptors |= origin_words(c)  # "a chef from Chennai" is later "the man from Chennai"
            elif c.dep_ == "relcl" and any(t.lower_ == "whose" for t in c.subtree if t.i < c.i):
                self._attribute_phrase(c, m, whole=True)  # "a man whose beard is grey": a description
        if tok.dep_ in _SUBJECT_DEPS and tok.head.lemma_.lower() in _WEARING_VERBS:
            for obj in tok.head.children:  # "her cousin wears a green scarf": what the subject wears describes it
                if obj.dep_ == "dobj":
                    self._attribute_phrase(obj, m, whole=True)
        if m.age in (None, "adult") and old_by_hair(tok):
            m.age = "old"  # "a grey-haired man" (a stated age or a young age class says more)

    def modifier_word(self, c: Token, m: Mention) -> None:
        """What one word before the head says of the bearer: count, order, newness, age, size, colour, gender."""
        low, lemma = c.lower_, c.lemma_.lower()
        if lemma in L.MULTIPLE_BIRTH and m.plural:
            m.count = int(L.MULTIPLE_BIRTH[lemma])  # "twin boys"
        if low in _ORDINALS and m.det == "def":  # "the second dog" picks by order ("a second dog" is new)
            m.ordinal = _ORDINALS[low]
        elif low in L.NEWCOMER_WORDS and not (low == "new" and m.det == "poss") or low == "new" and m.det == "indef":
            m.det = "new"  # "his new wife" dates the bond, it brings nobody in ("her second husband" does)
            return
        if low == "other":
            m.other = True
            return
        if c.tag_ in ("JJR", "JJS") or low in ("elder", "eldest") or low in L.RANK_WORDS:
            m.compare = graded(c) or m.compare
        m.descriptors.update(stems(lemma))
        if stated_comparative(low) is not None:
            m.descriptors.add(low)  # "a younger man": kept as said, for the comparisons that come later
        m.modifiers.update({low, lemma})
        if "-" in c.text or c.i > 1 and c.doc[c.i - 1].text == "-":
            m.features.update(hyphen_features(c))
        if low in L.COLOURS:
            m.colours.add(low)
        if low in L.SIZE_SMALL:
            m.size = "small"
        elif low in L.SIZE_LARGE:
            m.size = "large"
        if low in L.AGE_YOUNG:
            m.age = "child" if low in ("little", "baby", "infant") and m.age == "child" else "young"
        elif low in L.AGE_OLD and not any(x.lower_ in ("year", "years") for x in c.children):
            m.age = "old"  # the modifier says more than the noun ("an old man"; "a twelve-year-old" states an age)
        if low in ("male", "female"):
            m.gender = low
        info = noun_info(lemma) if c.pos_ == "NOUN" else None
        if info is not None and c.dep_ == "compound":
            if info.type == "robot" and m.type in ("person", "any", "animal"):
                m.type = "robot"  # "a robot assistant", "a robot dog"
            if info.type in (m.type, "any") or {info.type, m.type} <= {"animal", "creature"} or animal_sense(c, m.type):
                m.nouns.add(lemma)  # "the fox spirit" is the fox, "a mother bear" is the mother
                m.gender = m.gender or noun_gender(lemma)  # "the mother swan" is female
        if c.dep_ == "compound" or c.tag_ == "VBN" or "-" in c.text or c.pos_ == "ADJ":
            m.attributes.append((c.text, c.idx, c.idx + len(c.text), "colour" if low in L.COLOURS else "feature"))

    def _attribute_phrase(self, prep: Token, m: Mention, whole: bool = False) -> None:
        toks = [t for t in prep.subtree if t.i > prep.i or whole and t.lower_ != "whose"]
        # "with a bald head and a short cook ...": a character joined by "and" starts its own phrase
        cut = next((t.left_edge.i for t in toks if t.dep_ == "conj" and (info := character_noun_head(t)) is not None
                    and info.type in _CHARACTER_TYPES), None)
        if cut is not None:
            toks = [t for t in toks if t.i < cut]
            while toks and toks[-1].dep_ in ("cc", "punct"):
                toks.pop()
        words = [t.lemma_.lower() for t in toks if t.pos_ in ("NOUN", "ADJ", "PROPN", "VERB")]
        if not toks or not words:
            return
        m.descriptors.update(w for word in words for w in stems(word))
        m.colours.update(w for w in words if w in L.COLOURS)
        m.clothing.update(w for w in words if w in L.CLOTHING)
        m.features.update(t.lemma_.lower() for t in toks if feature_word(t, prep))
        start, end = (toks[0].idx if whole else prep.idx), toks[-1].idx + len(toks[-1].text)
        m.attributes.append((self.text[start:end], start, end, attribute_kind(words)))

    def _of_phrase(self, of: Token, m: Mention) -> None:
        """"a boy of about six" (a stated age), "the smaller of the two" (the set it picks from)."""
        for c in of.children:
            if m.type == "group" and c.tag_ in ("NNS", "NNPS") and noun_info(c.lemma_.lower()) is not None:
                m.nouns.add(c.lemma_.lower())  # "a gang of kids": "the kids" later is the gang
            n = token_number(c)
            if n is not None and m.kind != "relative" and not any(d.dep_ == "det" for d in c.children):
                m.stated_age = n
            elif c.lemma_.lower() in ("sibling", "brother", "sister", "twin", "boy", "girl") and m.kind == "relative":
                m.nouns.add(c.lemma_.lower())
        if m.kind == "relative":  # an "of" phrase before the head (a garbled parse) never ends the phrase early
            m.end = max([m.end] + [t.idx + len(t.text) for t in of.subtree])
            m.text = self.text[m.start:m.end]


def read_mentions(text: str, doc: Doc, known_names: frozenset[str] = frozenset(),
                  known_machines: frozenset[str] = frozenset(), known_animals: frozenset[str] = frozenset(),
                  known_vehicles: frozenset[str] = frozenset()) -> Prompt:
    """The mentions of a parsed prompt (see `MentionReader`); `known_names` are the story's names so far
    (lower case): a capitalised word that is one of them is that name wherever it stands ("Storm", once
    "Storm, her five-year-old son" has named him, even where the parse reads a common noun); `known_animals`
    the nouns of the story's animals ("the dane" once "a Great Dane" is one), `known_vehicles` those of
    its vehicle characters ("the dozer" once "a bulldozer" is one)."""
    return MentionReader(text, doc, known_names, known_machines, known_animals, known_vehicles).read()
