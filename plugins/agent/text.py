"""Reading a prompt: tokens with character offsets, and the entity mentions in it.

The reader is deliberately shallow (no parser, no model): it finds nouns that name characters
using the lexicon, reads their modifiers leftwards up to the determiner, and their visual
attributes rightwards ("with a feathered cap", "in a yellow raincoat", "wearing a visor"). It also
marks the mentions that must not create or confirm an entity: predicates ("is no longer a
soldier"), hypotheticals ("the next customer", "an invisible rival"), depictions ("a portrait
of a woman"), props ("a toy robot"), game pieces moved by a player (where the prompt or an
earlier one names a game), vehicles someone drives,
people only written to, phoned, mourned or dreamt of, and explicit absence ("both long gone").

Open vocabulary: a noun outside the hand-made lists is classified by its most frequent WordNet
sense (``resources.noun_senses``: "a goalie" is a person, "an okapi" an animal); a word no
resource knows is a person when it has an agent noun's ending or acts like one in the subject's
place ("a vlogger walks in"). A noun whose person sense is not its usual one ("page", "second") or
that is also an adjective ("patient") is a person as a singular subject after a determiner whose
verb needs a living subject (``resources.animate_verb``: "The page bows", not "the page turns"),
or, for an adjective, before any verb ("The patient coughs"), and once a character has the noun.
"her" before an adverb of manner ("greets her warmly") is an object.

Names: a capitalised word is a person's name when a given-name table knows it or the sentence
frames it as one (a verb, an apposition, "'s", "named ...", set off by commas right after a
character noun: "The dog, Biscuit, ..."), never after a determiner, never a
place word ("Maple Street"), a weekday or a sentence's first word that is an ordinary word not
so framed; titles ("Professor", "Ms.") join the name and give gender where they imply one.

Compounds: after a singular character noun, a noun whose usual sense is a place or thing heads the
compound ("the tiger enclosure" is no tiger); a person noun that also names a thing or a vehicle
is a person only as a subject ("lifts the smoker" is the beekeeper's tool).

Plural subjects: after "X and (her) Y", a plural character noun that is not a verb ("her twin
daughters bake") still belongs to the noun phrase; a plural of siblings of one birth ("twin
sons", "the triplets") carries the count the word gives. "the other" with no noun after "one X"
of its sentence ("One twin cracks eggs while the other stirs") is a mention repeating that noun.
"""

from __future__ import annotations

import re
from collections.abc import Collection
from collections.abc import Set as AbstractSet
from dataclasses import dataclass, field
from functools import lru_cache
from typing import cast

from . import lexicon as L
from . import resources as R
from .nouns import noun_age, noun_gender, on_extra_nouns_change

_TOKEN_RE = re.compile(r"[^\W_]+(?:[-'\u2019][^\W_]+)*|[^\s\w]|_")
_CLAUSE_BREAK_AFTER_COMMA = frozenset({"and", "but", "while", "as", "then", "so", "yet", "until", "before", "after",
                                       "when", "where", "who", "which", "whose"})
_CLAUSE_BREAK = frozenset({"while", "whereas", "although", "though", "because", "unless"})
_SENT_END = frozenset({".", "!", "?"})
_SUBJECT_PRONOUNS = frozenset({"he", "she", "it", "they"})
_SUBORDINATORS = frozenset({"as", "when", "while", "because", "before", "after", "until", "since", "once", "whenever"})
_NAMES = R.word_lists("names.json")
_TITLES: dict[str, str | None] = _NAMES["titles"]
TITLE_WORDS = frozenset(_TITLES)
_TITLE_NOUNS: dict[str, str] = _NAMES["title_nouns"]
_ABBREVIATIONS = frozenset(_NAMES["abbreviations"])
_NOT_NAMES = frozenset(_NAMES["not_names"])
_PLACE_WORDS = frozenset(_NAMES["place_words"])
_LOCATIVE = frozenset(_NAMES["locative_prepositions"])
_NAME_VERBS = frozenset(_NAMES["name_verbs"])
_CONTEXT = R.word_lists("context.json")
_ANIMATE_VERBS = frozenset(_CONTEXT["animate_verbs"])
_AGENT_SUFFIXES = tuple(_CONTEXT["agent_suffixes"])
_GAME_WORDS = frozenset(_CONTEXT["game_words"])
_HANDLING_VERBS = frozenset(_CONTEXT["handling_verbs"])
_DRIVING_VERBS = frozenset(_CONTEXT["driving_verbs"])
_INTENSIFIERS = frozenset(_CONTEXT["intensifiers"])
_ABSENT_POSSESSIONS = frozenset(_CONTEXT["absent_possessions"])
_VEHICLE_PLACE_PREPS = frozenset(_CONTEXT["vehicle_place_prepositions"])
_PARTICLES = frozenset(_CONTEXT["adverbial_particles"])
_STANCE_VERBS = frozenset(_CONTEXT["stance_verbs"])


@dataclass
class Token:
    text: str
    lower: str
    start: int
    end: int
    index: int
    sent: int = 0
    clause: int = 0

    @property
    def is_word(self) -> bool:
        return self.text[0].isalnum()

    @property
    def is_cap(self) -> bool:
        return self.text[0].isupper()


def tokenize(text: str) -> list[Token]:
    """Words and punctuation with character offsets; a possessive "'s" is its own token."""
    out: list[Token] = []
    for m in _TOKEN_RE.finditer(text):
        s, e = m.start(), m.end()
        word = m.group()
        low = word.lower()
        if len(word) > 2 and low[-2:] in ("'s", "\u2019s"):
            out.append(Token(word[:-2], low[:-2], s, e - 2, len(out)))
            out.append(Token(word[-2:], "'s", e - 2, e, len(out)))
            continue
        out.append(Token(word, low, s, e, len(out)))
    sent = clause = 0
    for i, t in enumerate(out):
        t.sent, t.clause = sent, clause
        if t.text == "." and i > 0 and out[i - 1].lower in _ABBREVIATIONS and i + 1 < len(out) and out[i + 1].is_cap:
            continue  # "Dr. Reyes": the abbreviation's full stop ends no sentence
        if t.text in _SENT_END or t.text in (";", ":"):
            clause += 1
            if t.text in _SENT_END:
                sent += 1
        elif t.text == "," and i + 1 < len(out) and out[i + 1].lower in _CLAUSE_BREAK_AFTER_COMMA:
            clause += 1
        elif t.lower in _CLAUSE_BREAK or t.text in ("\u2014", "\u2013") or t.lower in ("who", "which", "whose") or (
                t.lower in _SUBORDINATORS and i + 1 < len(out) and (out[i + 1].lower in _SUBJECT_PRONOUNS
                                                                    or out[i + 1].lower in ("the", "a", "an", "his",
                                                                                            "her", "their"))):
            clause += 1
            t.clause = clause
    return out


# ------------------------------------------------------------------------------------ nouns
@lru_cache(maxsize=4096)
def singular(word: str) -> tuple[str, bool | None]:
    """(singular form, is_plural); is_plural is None when the form is both ("fish", "deer")."""
    w = word.lower()
    if w in L.IRREGULAR_PLURALS:
        return L.IRREGULAR_PLURALS[w], True
    if w in L.SAME_PLURAL:
        return w, None
    if w in L.S_SINGULARS or len(w) <= 3 or w.endswith(("ss", "us", "is")):
        return w, False
    if w.endswith("men") and len(w) > 5 and noun_info(w[:-3] + "man") is not None:
        return w[:-3] + "man", True  # "swordsmen"
    if not w.endswith("s"):
        return w, False
    candidates = []
    if w.endswith("ies"):
        candidates.append(w[:-3] + "y")
    if w.endswith("es"):
        candidates.append(w[:-2])
    candidates.append(w[:-1])
    for c in candidates:
        if noun_info(c) is not None:
            return c, True
    if w.endswith("ies"):
        return w[:-3] + "y", True
    if w.endswith(("ches", "shes", "xes", "zes", "sses")):
        return w[:-2], True
    return w[:-1], True


_ALL_ANIMALS = (L.ANIMAL | L.ANIMAL_EXTRA | frozenset(L.ANIMAL_HYPERNYMS)
                | frozenset().union(*L.ANIMAL_HYPERNYMS.values())) - frozenset(L.ANIMAL_WITH_MODIFIER)
_IST_EXCEPTIONS = L.IST_EXCEPTIONS
_MAN_EXCEPTIONS = L.MAN_EXCEPTIONS
_EER_EXCEPTIONS = L.EER_EXCEPTIONS


@dataclass(frozen=True)
class NounInfo:
    """What a noun says: the entity type and which kind of noun it is."""

    type: str  # person | animal | creature | robot | vehicle | any | group | prop | background | body
    category: str  # generic | kinship | epithet | occupation | species | creature | robot | vehicle | group | ...


# lexicon -> (kind, category), first match wins
_NOUN_CLASSES: tuple[tuple[Collection[str], str, str], ...] = (
    (L.GENERIC_PERSON, "person", "generic"),
    (L.KINSHIP, "any", "kinship"),
    (L.EPITHET_ANY, "any", "epithet"),
    (L.EPITHET_PERSON, "person", "epithet"),
    (L.EPITHET_BEAST, "animal", "epithet"),
    (L.OCCUPATION, "person", "occupation"),
    (L.PERSON_HYPERNYMS, "person", "occupation"),
    (frozenset({"performer"}), "person", "occupation"),
    (L.CREATURE, "creature", "creature"),
    (L.ROBOT, "robot", "robot"),
    (_ALL_ANIMALS, "animal", "species"),
    (L.VEHICLE, "vehicle", "vehicle"),
    (L.GROUP_NOUNS, "group", "group"),
    (L.BACKGROUND_GROUP, "background", "background"),
    (L.ARTWORK, "prop", "artwork"),
)


@lru_cache(maxsize=8192)
def noun_info(lemma: str) -> NounInfo | None:
    """Classify a singular noun, or None when it does not name a possible story entity."""
    w = lemma
    if w in L.EXTRA_ENTITY_NOUNS[0]:  # `agent.extra_entity_nouns` (see nouns.set_extra_entity_nouns)
        return NounInfo("creature", "creature")
    for lexicon, kind, category in _NOUN_CLASSES:
        if w in lexicon:
            return NounInfo(kind, category)
    if len(w) >= 6:
        if w.endswith(("keeper", "maker", "smith", "wright", "monger", "herd")) and w != "herd":
            return NounInfo("person", "occupation")
        if w.endswith("woman") and w not in _MAN_EXCEPTIONS:
            return NounInfo("person", "occupation")
        if w.endswith("man") and w not in _MAN_EXCEPTIONS and not w.endswith(("human", "german")):
            return NounInfo("person", "occupation")
        if w.endswith(("ician", "person")):
            return NounInfo("person", "occupation")
        if w.endswith("ist") and w not in _IST_EXCEPTIONS:
            return NounInfo("person", "occupation")
        if w.endswith("eer") and w not in _EER_EXCEPTIONS:
            return NounInfo("person", "occupation")
    # open vocabulary: the noun's most frequent WordNet sense ("a landscaper", "a goalie", "a marmot")
    # (people and animals only: a vehicle or an imaginary being from the resource is as often a thing)
    senses = R.noun_senses(w)
    if senses and senses[0] in _SENSE_CLASSES and not R.also_adjective(w) and "W" not in senses:
        return NounInfo(*_SENSE_CLASSES[senses[0]])
    return None


on_extra_nouns_change(noun_info.cache_clear)


_SENSE_CLASSES = {"P": ("person", "occupation"), "A": ("animal", "species"), "R": ("robot", "robot")}


def _two_words(lemma: str) -> bool:
    """"sandcastle", "lampshade": a closed compound of two ordinary words names what its last word names."""
    return any(R.common_word(lemma[:k]) and R.common_word(lemma[k:]) for k in range(3, len(lemma) - 2))


def _from_resource(lemma: str) -> bool:
    """The noun is a character noun only through the WordNet table, not a hand-made lexicon."""
    return lemma not in _EXPLICIT and lemma not in _ALL_ANIMALS and not (
        len(lemma) >= 6 and lemma.endswith(("keeper", "maker", "smith", "wright", "monger", "man", "woman", "ician",
                                            "person", "ist", "eer")))


_EXPLICIT = (L.GENERIC_PERSON | L.KINSHIP | L.EPITHET_ANY | L.EPITHET_PERSON | L.EPITHET_BEAST | L.OCCUPATION
             | L.CREATURE | L.ROBOT | L.VEHICLE | L.GROUP_NOUNS | L.BACKGROUND_GROUP | L.ARTWORK)


def _suffix_noun(word: str) -> bool:
    """A person noun recognised only by its ending ("minimalist"): often an adjective before a noun."""
    lemma = singular(word)[0]
    return lemma not in _EXPLICIT and lemma not in _ALL_ANIMALS and noun_info(lemma) is not None \
        and not _from_resource(lemma)


def _is_adjective_like(t: Token) -> bool:
    w = t.lower
    if not t.is_word or w in L.FUNCTION_WORDS:
        return False
    if w in L.COLOURS or w in L.SIZE_SMALL or w in L.SIZE_LARGE or w in L.AGE_YOUNG or w in L.AGE_OLD:
        return True
    if w in L.NON_VISUAL_ADJECTIVES or w in L.ANIMATE_MODIFIERS or w in L.PROP_MODIFIERS:
        return True
    if "-" in w:
        return True
    return w.endswith(("ed", "ful", "ous", "ic", "al", "ive", "less", "ish", "ant", "ent", "ary", "ble", "ing",
                       "ly", "y", "ese", "ian"))


def _graded(w: str) -> bool:
    """A comparative or superlative of an adjective the lists know ("older", "tallest", "bigger")."""
    for suffix in ("est", "er"):
        if w.endswith(suffix) and len(w) > len(suffix) + 2:
            stem = w[:-len(suffix)]
            stems = {stem, stem + "e", stem[:-1] + "y" if stem.endswith("i") else stem,
                     stem[:-1] if len(stem) > 2 and stem[-1] == stem[-2] else stem}
            return any(_is_adjective_like(Token(x, x, 0, 0, 0)) for x in stems)
    return False


def _is_verb_like(t: Token) -> bool:
    w = t.lower
    if w in L.COMMON_VERBS or w in L.IRREGULAR_PAST or w in L.COPULAS:
        return True
    if w.endswith("ly") and len(w) > 4:
        return True
    if w.endswith(("ing", "ed")) and len(w) > 4:
        return True
    if w.endswith("s") and not w.endswith(("ss", "us", "is")) and w not in L.S_SINGULARS:
        return True
    return False


_VERB_NOUNS = L.VERB_NOUNS


_CHARACTER_TYPES = frozenset({"person", "animal", "creature", "robot", "vehicle", "any"})
_ONE_DETERMINERS = frozenset({"the", "a", "an", "this", "that"})


def _plain_verb(w: str) -> bool:
    return R.verb_word(w) and not (w.endswith("s") and not w.endswith("ss"))


def _base_verb(t: Token, nxt: Token | None, after_plural: bool) -> bool:
    """Token t, right after a plural subject, is its verb: it can be a base-form verb, and what follows
    it starts an object or an adverbial. After a coordinated singular noun the next word may be that
    verb instead ("his sheep dog herd the flock": 'dog' is still part of the noun); after a plural noun
    it may not, as a plural noun does not modify another ("the mariners eat lunch")."""
    w = t.lower
    if not _plain_verb(w):
        return False
    if nxt is None or not nxt.is_word:
        return nxt is not None and nxt.text in _SENT_END and noun_info(w) is None
    a = nxt.lower
    if a in L.COPULAS or a in L.AUXILIARIES:
        return False  # "the cooper and his sheep dog are ...": the subject ends before the verb
    info = noun_info(w)
    if a in L.DETERMINERS or a in L.PRONOUNS:
        return True
    if a in L.FUNCTION_WORDS or (a.endswith("ly") and len(a) > 4):
        # "the travellers camp under an oak"; but "the cooper and his sheep dog on the square": a word that
        # names a character itself needs an object to be read as the verb
        return info is None or info.type not in _CHARACTER_TYPES
    return after_plural or not _plain_verb(a)


def _continues_compound(nxt: Token | None, nxt2: Token | None = None, cur: str = "", coordinated: bool = False) -> bool:
    """True when the word after a noun is another noun of the same compound ("dog groomer")."""
    if nxt is None or not nxt.is_word or nxt.is_cap:
        return False
    w = nxt.lower
    after = nxt2.lower if nxt2 is not None and nxt2.is_word else ""
    if w in L.FUNCTION_WORDS or w in L.COPULAS or w in L.IRREGULAR_PAST:
        return False
    lemma_n, plural_n = singular(w)
    if coordinated and plural_n and singular(cur)[1] is not True and not R.verb_word(lemma_n) \
            and noun_info(lemma_n) is not None \
            and cast(NounInfo, noun_info(lemma_n)).type in ("person", "any", "animal"):
        return True  # "a mother and her twin daughters bake": a plural character noun is no verb
    if coordinated and (w in L.COMMON_VERBS or w in _VERB_NOUNS or _is_verb_like(nxt)):
        return False  # after "X and the Y" comes the plural verb ("a bear and her cub fish")
    after_plural = bool(cur) and singular(cur)[1] is True
    if (coordinated or after_plural) and _base_verb(nxt, nxt2, after_plural):
        return False  # "a farmer and his collie herd sheep", "the two travellers camp under an oak"
    if w in L.COMMON_VERBS:
        if w in L.COMMON_NOUNS and after not in L.DETERMINERS and after not in L.PRONOUNS:
            return True  # "a bus stop", "a dog park": a singular noun is not followed by a bare verb
        # "a harbour patrol tug boat": a verb-looking word inside a compound ending in a noun
        return bool(after) and (after in L.COMMON_NOUNS or noun_info(singular(after)[0]) is not None)
    lemma_n, plural_n = singular(w)
    if plural_n and noun_info(lemma_n) is not None \
            and cast(NounInfo, noun_info(lemma_n)).type not in ("prop", "background") \
            and after not in L.DETERMINERS and after not in L.PRONOUNS:
        return True  # "a few worker bees", "the four choir members"
    if after in L.DETERMINERS or after in L.PRONOUNS or after in L.FUNCTION_WORDS and after not in ("of",):
        if w.endswith(("ing", "s")):
            return False  # "the artist drawing the portrait", "the man guards the gate"
    if R.thing_noun(w) and cur and not w.endswith(("s", "ed", "ing")) and singular(cur)[1] is not True \
            and (not R.verb_word(w) or after in ("", "and", "or", "of")):
        return True  # "the tiger enclosure": a place or thing after a singular noun heads the compound
    cur_lemma = singular(cur)[0] if cur else ""
    if cur_lemma and _from_resource(cur_lemma) and noun_info(cur_lemma) is not None and R.common_word(w) \
            and not _is_verb_like(nxt) and not w.endswith(("ing", "ed", "ly")) and not coordinated:
        return True  # "a white picket fence": a resource noun followed by another noun is a modifier
    if (cur in L.ADJECTIVAL_NOUNS or _suffix_noun(cur)) and noun_info(singular(w)[0]) is None and (
            not _is_verb_like(nxt) or (w.endswith("ing") and after and after not in L.FUNCTION_WORDS)):
        return True  # "a giant sequoia", "a baby elephant", "a professional tailoring shop"
    lemma, plural = singular(w)
    info = noun_info(lemma)
    if info is not None and info.type not in ("background",):
        if plural and w.endswith("s") and info.type not in ("prop",):
            # "the band members" is a compound; "the man guards the gate" is a verb
            return not (nxt2 is not None and nxt2.is_word and (nxt2.lower in L.DETERMINERS
                                                              or nxt2.lower in L.PRONOUNS))
        if w in L.COMMON_VERBS and not plural and info.category != "species":
            return False
        return True
    if _is_verb_like(nxt) and w not in L.COMMON_NOUNS:
        return False
    if w in L.COMMON_NOUNS or w in L.CLOTHING or w in L.ARTWORK or w in ("rescue", "assistant"):
        return not (w.endswith("s") and w not in L.CLOTHING and w not in L.S_SINGULARS)
    if w in L.BODY_PARTS and not w.endswith("s"):
        return w in ("tail", "head", "face", "shell")
    return False


# --------------------------------------------------------------------------------- mentions
@dataclass
class Attr:
    """A visual attribute as written: text, character span, kind (clothing, colour, size, ...)."""

    text: str
    start: int
    end: int
    kind: str


@dataclass
class Mention:
    """One reference to a possible entity in the prompt."""

    kind: str  # "np" | "pronoun"
    head: str  # singular lower-case head noun, or the pronoun
    head_token: int
    start: int  # span of the phrase (determiner included)
    end: int
    name_start: int  # span start of the name (no determiner)
    sent: int
    clause: int
    det: str = "bare"  # indef | def | poss | gen | new | each | num | neg | bare | other | ordinal
    det_word: str = ""
    ordinal: int = 0
    plural: bool = False
    number: int | None = None
    type: str = "person"
    category: str = "generic"
    gender: str | None = None
    age: str | None = None
    nouns: set[str] = field(default_factory=set)
    modifiers: list[str] = field(default_factory=list)
    attrs: list[Attr] = field(default_factory=list)
    descriptors: set[str] = field(default_factory=set)
    skip: str | None = None  # why this mention neither creates nor confirms an entity
    alias_of: int | None = None  # index of the mention this one renames (apposition, "dressed as")
    member_of: int | None = None
    possessor: bool = False
    pron_case: str = ""
    absent: bool = False
    after_and: bool = False
    size: str | None = None
    colours: set[str] = field(default_factory=set)
    end_token: int = 0  # last token of the mention and its attributes
    group_members: str | None = None  # for "a group of hikers": the member noun
    subject: bool = False
    sent_first: bool = False  # the first mention of its sentence (usually the subject)
    antecedent: int | None = None  # in a relative clause ("..., who ..."): the mention it describes
    absent_both: bool = False
    kin_owner: int | None = None  # whose relative a kinship phrase names (set while resolving)
    phrase_first: int | None = None  # first token of "the beekeeper's son" (the possessor's determiner)
    predicate: bool = False  # "He is the beekeeper's son": renames the clause's subject
    display: str | None = None  # a readable name when the text does not name it ("one in a blue suit")
    title: str | None = None  # "professor" in "Professor Hale"
    definite: bool = False  # a counted plural the text presupposes known: "the two sailors", "both sailors"
    other_of: int | None = None  # "the other" after "One twin ...": the head token of "One twin"
    one_anaphor: bool = False  # "the white one": the head noun is read from an earlier phrase
    one_alt: tuple[str, str, str] | None = None  # the earlier prompts' noun, when the head is this prompt's



_PROP_OF_HEADS = L.ARTWORK | L.PROP_OF_HEADS_EXTRA
_ATTR_STARTERS = L.ATTR_STARTERS
_ALIAS_VERBS = L.ALIAS_VERBS
_AS_PREDICATE = L.AS_PREDICATE
_CAUSATIVE_VERBS = L.CAUSATIVE_VERBS


class PromptReader:
    """Finds the entity mentions of one prompt (see the module docstring)."""

    def __init__(self, text: str, known_nouns: set[str] | frozenset[str] = frozenset(),
                 prop_nouns: set[str] | frozenset[str] = frozenset(),
                 known_names: AbstractSet[str] = frozenset(), game_story: bool = False,
                 one_noun: tuple[str, str, str] | None = None) -> None:
        self.text = text
        self.one_noun = one_noun  # (noun, type, category) a bare "the white one" stands for, from earlier prompts
        self._one_alt: tuple[str, str, str] | None = None
        self.game_story = game_story  # an earlier prompt of the story is about a game ("a game of chess")
        self.tokens = tokenize(text)
        self.known_names = known_names  # lower-case name words of the story's named characters
        self.known_nouns = known_nouns  # nouns of entities already in the story (typo and "the statue" matching)
        self.prop_nouns = prop_nouns
        self.mentions: list[Mention] = []
        self.new_props: set[str] = set()
        self.relative_antecedent: dict[int, int] = {}  # clause of "who ..." -> the mention it describes
        self._claimed: set[int] = set()  # tokens already inside a mention or an attribute

    # -- public ------------------------------------------------------------------------------
    def read(self) -> list[Mention]:
        """All mentions in text order, with their links (apposition, predicates, relative clauses)."""
        toks = self.tokens
        i = 0
        while i < len(toks):
            t = toks[i]
            if i in self._claimed or not t.is_word:
                i += 1
                continue
            if t.lower in L.PRONOUNS and not self._pronoun_is_determiner(i):
                self._add_pronoun(i)
                i += 1
                continue
            n = self._of_them(i)
            if n is None:
                n = self._the_other(i)
            if n is not None:
                i = n
                continue
            m = self._try_name(i) if t.is_cap else None
            if m is not None:
                self.mentions.append(m)
                i = m.end_token + 1
                continue
            m = self._try_np(i)
            if m is not None:
                self.mentions.append(m)
                i = max(i + 1, m.end_token + 1) if m.end_token > i else i + 1
                if m.det == "num" and m.plural:
                    i = self._listed_members(m, i)
                continue
            i += 1
        self.mentions.sort(key=lambda m: m.head_token)
        self._members_after_colon()
        self._link()
        return self.mentions

    def _members_after_colon(self) -> None:
        """"Two horses graze: a grey mare and a brown stallion": a counted plural followed, after a colon
        or a comma, by as many single phrases of its noun (or a kind of it, or "one") joined by 'and' lists
        its members; each member is an entity and the plural is not one."""
        ms = self.mentions
        for k, g in enumerate(ms):
            n = g.number or 0
            if g.kind != "np" or g.det != "num" or not g.plural or g.definite or n < 2 or g.skip is not None:
                continue
            members = ms[k + 1:k + 1 + n]
            if len(members) < n or any(
                    x.kind != "np" or x.plural or x.det != "indef" or x.sent != g.sent or x.skip is not None
                    or not (x.head == g.head or _hyper(x.head, g.head) or R.noun_relation(x.head, g.head) == 2)
                    for x in members):
                continue
            if not any(ch in self.text[g.end:members[0].start] for ch in ":,"):
                continue
            gaps = [self.text[a.end:b.start] for a, b in zip(members, members[1:], strict=False)]
            if any(not any(w in gap.replace(",", " , ").split() for w in ("and", ",")) for gap in gaps):
                continue
            g.skip = "members listed"
            for x in members[1:]:
                x.det = "new"

    def _of_them(self, i: int) -> int | None:
        """"the three of them", "both of them", "all of them": a plural pronoun with a number."""
        toks = self.tokens
        j = i + 1 if toks[i].lower in ("the", "all") else i
        if toks[i].lower == "all" and j + 1 < len(toks) and toks[j].lower in L.NUMBER_WORDS \
                and toks[j].lower not in ("one", "a") and toks[j + 1].is_word and R.verb_word(toks[j + 1].lower) \
                and self._entity_noun(j + 1) is None and self._clause_opening(i):
            # "All three curl up together": the number with no noun is a plural pronoun
            t = toks[i]
            m = Mention(kind="pronoun", head="they", head_token=i, start=t.start, end=toks[j].end,
                        name_start=t.start, sent=t.sent, clause=t.clause, pron_case="subj", end_token=j,
                        plural=True, type="any", number=L.NUMBER_WORDS.get(toks[j].lower), subject=True)
            self.mentions.append(m)
            self._claimed.update(range(i, j + 1))
            return j + 1
        if j + 2 >= len(toks) or toks[j + 1].lower != "of" or toks[j + 2].lower not in ("them", "us"):
            return None
        word = toks[j].lower
        if word not in L.NUMBER_WORDS and word != "all":
            return None
        t = toks[i]
        m = Mention(kind="pronoun", head="they", head_token=i, start=t.start, end=toks[j + 2].end, name_start=t.start,
                    sent=t.sent, clause=t.clause, pron_case="subj", end_token=j + 2, plural=True, type="any",
                    number=L.NUMBER_WORDS.get(word), subject=True)
        self.mentions.append(m)
        self._claimed.update(range(i, j + 3))
        return j + 3

    def _the_other(self, i: int) -> int | None:
        """"One twin cracks eggs while the other stirs": "the other" without a noun is the second member
        of what "one X" of its sentence took the first of; it repeats that noun."""
        toks = self.tokens
        if toks[i].lower != "the" or i + 1 >= len(toks) or toks[i + 1].lower != "other":
            return None
        info = self._entity_noun(i + 2) if i + 2 < len(toks) and toks[i + 2].is_word else None
        if info is not None and info.type in _CHARACTER_TYPES:
            return None  # "the other twin" is an ordinary noun phrase ("the other sketches" is a verb)
        one = next((x for x in reversed(self.mentions) if x.kind == "np" and x.sent == toks[i].sent
                    and x.det_word == "one" and not x.plural), None)
        if one is None:
            return None
        t = toks[i + 1]
        m = Mention(kind="np", head=one.head, head_token=i + 1, start=toks[i].start, end=t.end, name_start=t.start,
                    sent=t.sent, clause=t.clause, det="other", det_word="the", type=one.type, category=one.category,
                    age=one.age, nouns=set(one.nouns), end_token=i + 1,
                    gender=one.gender if noun_gender(one.head) else None, other_of=one.head_token)
        self.mentions.append(m)
        self._claimed.update((i, i + 1))
        return i + 2

    def _listed_members(self, group: Mention, i: int) -> int:
        """"Two astronauts, one in a blue suit and one in an orange suit": each member is an entity."""
        toks = self.tokens
        start = None
        for j in range(i, len(toks) - 2):
            if toks[j].sent != group.sent:
                break
            if toks[j].text == "," and toks[j + 1].lower == "one" and toks[j + 2].lower in _ATTR_STARTERS:
                start = j + 1
                break
        if start is None:
            return i
        members: list[Mention] = []
        k = start
        while k < len(toks) and len(members) < (group.number or 2):
            t = toks[k]
            other = t.lower == "the" and k + 1 < len(toks) and toks[k + 1].lower == "other"
            if t.lower in ("one", "another") or other:
                head_k = k + 1 if t.lower == "the" else k
                m = Mention(kind="np", head=group.head, head_token=head_k, start=t.start, end=toks[head_k].end,
                            name_start=toks[head_k].start, sent=t.sent, clause=t.clause, det="indef",
                            type=group.type, category=group.category, end_token=head_k, nouns=set(group.nouns),
                            gender=group.gender, age=group.age)
                self._read_right(m)
                if not m.attrs:
                    break
                for a in m.attrs:
                    m.descriptors.update(w.lower() for w in a.text.split())
                m.display = f"{group.head} {self.text[toks[head_k + 1].start:max(a.end for a in m.attrs)]}"
                members.append(m)
                k = m.end_token + 1
                continue
            if t.lower in ("and", ",") and len(members) < (group.number or 2):
                k += 1
                continue
            break
        if len(members) >= 2:
            for m in members:
                m.det = "new" if m is not members[0] else "indef"
                self.mentions.append(m)
                self._claimed.update(range(m.head_token, m.end_token + 1))
            group.skip = "members listed"
        return i

    # -- names -------------------------------------------------------------------------------
    def _name_word(self, i: int, titled: bool = False) -> bool:
        """Token i can be (part of) a person's name: capitalised, not a function word, place or weekday,
        and either a known given name or framed as one (a verb, an apposition or a possessive follows)."""
        t = self._tok(i)
        if t is None or not t.is_word or not t.is_cap or not t.text.replace("-", "").replace("'", "").isalpha():
            return False
        w = t.lower
        if len(w) < 2 or w in L.FUNCTION_WORDS or w in L.DETERMINERS or w in L.PRONOUNS or w in L.COPULAS \
                or w in _NOT_NAMES or w in _PLACE_WORDS \
                or (t.text.isupper() and len(w) > 1 and w not in self.known_names):
            return False
        if titled or w in self.known_names:
            return True
        prev, nxt = self._tok(i - 1), self._tok(i + 1)
        prev_w = prev.lower if prev is not None else ""
        if prev_w in _NAME_VERBS:
            return True  # "a girl named Juniper": whatever the word, it is her name
        if prev is not None and prev.is_word and not prev.is_cap and self._entity_noun(i - 1) is not None \
                and cast(NounInfo, self._entity_noun(i - 1)).type in ("person", "any") \
                and not cast(Token, self._tok(i - 1)).lower.endswith("s"):
            return True  # "his granddaughter Lily", "the baker Amara": a name right after a person noun
        if prev is not None and prev.is_word and (prev_w in L.DETERMINERS or prev_w in ("'s",)):
            return False  # "the Grand Hotel", "a Victorian house"
        if nxt is not None and nxt.is_cap and nxt.lower in _PLACE_WORDS:
            return False  # "Central Park", "Maple Street"
        sentence_start = prev is None or prev.text in _SENT_END or prev.text in (":", '"', "\u201c", "(")
        gender = R.name_gender(w)
        common = R.common_word(w) or noun_info(singular(w)[0]) is not None
        if prev_w in _LOCATIVE and gender not in ("male", "female"):
            return False  # "in Paris", "from Jordan"
        framed = self._name_frame(i)
        if self._apposition_follows(i):
            return True  # "Biscuit, a scruffy terrier, ...": whatever the word, the apposition names it
        if prev_w == "," and nxt is not None and nxt.text == "," and self._named_by_apposition(i):
            return True  # "The dog, Biscuit, races ahead": whatever the word, it names the dog
        if gender is not None and not common:
            return not sentence_start or framed or nxt is None or not nxt.is_word
        if gender is not None:  # a given name that is also a word ("Rose", "Hunter", "Will")
            verb_at = i + 2 if nxt is not None and nxt.lower.endswith("ly") else i + 1  # "Rose quietly hums"
            return framed and (not sentence_start or nxt is not None and (nxt.text in (",", "'s")
                                                                          or self._verb_then_phrase(verb_at)))
        if common:
            return False
        return framed and (not sentence_start or nxt is not None and nxt.text in (",", "'s", "and"))

    def _named_by_apposition(self, i: int) -> bool:
        """Token i is set off by commas right after a character noun ending its phrase ("The mare,
        Juniper, ...", "her uncle, Bram, ..."): a capitalised word there is that character's name."""
        head = self._tok(i - 2)
        if head is None or not head.is_word or head.is_cap or head.lower.endswith("s") and singular(head.lower)[1]:
            return False
        info = self._entity_noun(i - 2)
        return info is not None and info.type in _CHARACTER_TYPES and self._is_head(i - 2)

    def _apposition_follows(self, i: int) -> bool:
        """", a/an <modifiers> <character noun>" follows token i."""
        toks = self.tokens
        if i + 2 >= len(toks) or toks[i + 1].text != "," or toks[i + 2].lower not in ("a", "an"):
            return False
        for j in range(i + 3, min(len(toks), i + 9)):
            t = toks[j]
            if not t.is_word or t.lower in L.FUNCTION_WORDS:
                return False
            info = self._entity_noun(j)
            if info is not None and info.type in ("person", "animal", "creature", "robot", "any"):
                return True
        return False

    def _verb_then_phrase(self, i: int) -> bool:
        """Token i is a verb of the sentence: a known verb, or an -s word followed by a preposition,
        a determiner, an adverb or the end of the clause ("stands at", "smiles.", not "petals fall")."""
        t, nxt = self._tok(i), self._tok(i + 1)
        if t is None or not t.is_word:
            return False
        if t.lower in L.COPULAS or t.lower in L.COMMON_VERBS or t.lower in L.IRREGULAR_PAST:
            return True
        if not t.lower.endswith("s") or t.lower.endswith("ss"):
            return False
        return nxt is None or not nxt.is_word or nxt.lower in L.FUNCTION_WORDS or nxt.lower in L.DETERMINERS \
            or nxt.lower in L.PRONOUNS or nxt.lower.endswith("ly")

    def _name_frame(self, i: int) -> bool:
        """What follows token i is what follows a name: a verb, ", a <noun>", "'s", "and <Name>"."""
        nxt, nxt2 = self._tok(i + 1), self._tok(i + 2)
        if nxt is None:
            return False
        if nxt.lower == "'s" or nxt.text == ",":
            return True
        prev = self._tok(i - 1)
        if nxt.lower in ("in", "with", "wearing") and prev is not None and prev.text in (",", "and"):
            return True  # "Two chefs, Ana in a white jacket and ..."
        if nxt.lower in ("and", "or", "&") and nxt2 is not None and (nxt2.is_cap or nxt2.lower in (
                "his", "her", "their", "the", "a", "an")):
            return True  # "Nora and Ethan", "Kofi and his brother"
        if nxt.lower in L.COPULAS or nxt.lower in L.COMMON_VERBS or nxt.lower in L.IRREGULAR_PAST \
                or nxt.lower in ("has", "had", "can", "will", "would", "could", "should", "must", "does", "did"):
            return True
        if nxt.is_word and not nxt.is_cap and nxt.lower.endswith("s") and not nxt.lower.endswith("ss") \
                and noun_info(singular(nxt.lower)[0]) is None and nxt.lower not in L.FUNCTION_WORDS:
            return True  # "Noah pauses", "Clara points"
        if nxt.is_word and nxt.lower.endswith("ly") and nxt2 is not None and nxt2.lower.endswith(("s", "ed")):
            return True  # "Noah quietly arranges"
        prev = self._tok(i - 1)
        return prev is not None and (prev.lower in _NAME_VERBS or prev.lower in ("and", "with", "to", "for", "at")
                                     and i >= 2 and self.tokens[i - 2].is_cap)

    def _try_name(self, i: int) -> Mention | None:
        """A named character: "Noah", "Professor Hale", "Ms. Reyes", "Maria Lopez", "Lena's"."""
        toks = self.tokens
        t = toks[i]
        title = None
        j = i
        if t.lower in _TITLES:
            k = i + 1
            if k < len(toks) and toks[k].text == ".":
                k += 1
            if k < len(toks) and self._name_word(k, titled=True) and toks[k].lower not in _TITLES:
                title, j = t.lower, k
        if title is None and (t.lower in _TITLES or not self._name_word(i)):
            return None
        end = j
        while end + 1 < len(toks) and toks[end + 1].is_cap and self._name_word(end + 1, titled=True) \
                and end + 1 - j < 3 and toks[end + 1].lower not in self.known_names - {toks[end].lower}:
            end += 1
        words = [toks[k].lower for k in range(j, end + 1)]
        gender = _TITLES.get(title) if title else None
        if gender is None:
            g = R.name_gender(words[0])
            gender = g if g in ("male", "female") else None
        start, stop = toks[i].start, toks[end].end
        m = Mention(kind="np", head="@" + words[0], head_token=end, start=start, end=stop, name_start=start,
                    sent=t.sent, clause=t.clause, det="def", type="any", category="name", end_token=end,
                    gender=gender)
        m.nouns = {"@" + w for w in words}
        if title:
            m.title = title
            m.nouns.add(_TITLE_NOUNS.get(title, title))
        m.display = self.text[start:stop]
        nxt = self._tok(end + 1)
        if nxt is not None and nxt.lower == "'s":
            m.possessor = True
            m.end_token = end + 1
        else:
            self._read_right(m)
            if self._absence_follows(m):
                m.absent = True
        self._claimed.update(range(i, m.end_token + 1))
        return m

    # -- pronouns ----------------------------------------------------------------------------
    def _pronoun_is_determiner(self, i: int) -> bool:
        """'her' in 'her cub' is a possessive determiner; the noun phrase reads it."""
        t = self.tokens[i]
        if t.lower not in ("her", "his", "its", "their"):
            return False
        j = i + 1
        while j < len(self.tokens) and j - i <= 6:
            tj = self.tokens[j]
            if not tj.is_word:
                if tj.text == "," and j + 1 < len(self.tokens) and _is_adjective_like(self.tokens[j + 1]):
                    j += 1
                    continue
                return False
            info = self._entity_noun(j)
            if info is not None and self._is_head(j):
                return True
            if tj.lower in L.FUNCTION_WORDS or _is_verb_like(tj) and not _is_adjective_like(tj):
                return False
            j += 1
        return False

    def _add_pronoun(self, i: int) -> None:
        t = self.tokens[i]
        gender, case = L.PRONOUNS[t.lower]
        if t.lower == "her":
            case = "poss" if self._next_is_nounish(i) else "obj"
        if t.lower.endswith(("self", "selves")):
            case = "poss"  # a reflexive is bound to its clause's subject, like a possessive
        if t.lower == "it" and self._expletive_it(i):
            return
        m = Mention(kind="pronoun", head=t.lower, head_token=i, start=t.start, end=t.end, name_start=t.start,
                    sent=t.sent, clause=t.clause, pron_case=case, end_token=i)
        m.gender = gender if gender in ("male", "female") else None
        m.plural = gender == "plural"
        m.type = "any"
        m.subject = case == "subj"
        self.mentions.append(m)

    def _next_is_nounish(self, i: int) -> bool:
        """'her' is possessive before a noun phrase ("her movements", "her bow"), else an object."""
        n = self._tok(i + 1)
        if n is None or not n.is_word or n.lower in L.FUNCTION_WORDS or n.lower in L.PRONOUNS \
                or n.lower in L.DETERMINERS:
            return False
        w = n.lower
        lemma = singular(w)[0]
        if w in L.COMMON_NOUNS or lemma in L.COMMON_NOUNS or lemma in L.BODY_PARTS or lemma in L.CLOTHING \
                or lemma in L.HAIR_WORDS or noun_info(lemma) is not None:
            return True
        if w.endswith("ly") and len(w) > 4 and (
                R.common_word(w[:-2]) or w.endswith("ily") and R.common_word(w[:-3] + "y")):
            return False  # "greets her warmly": an adverb of manner after an object
        if w in L.IRREGULAR_PAST or (w.endswith(("ing", "ed")) and len(w) > 4) or w in L.COMMON_VERBS:
            # "lets her go" / "watches her dance" (object) vs "reaching for her scarf" (possessive)
            before = self._tok(i - 1)
            return not (before is not None and before.lower in _CAUSATIVE_VERBS)
        return True

    def _expletive_it(self, i: int) -> bool:
        """'It is autumn', "It's a perfect fit": no referent."""
        n = self._tok(i + 1)
        if n is None:
            return True
        if n.lower in ("is", "was", "'s", "seems", "looks", "feels", "becomes", "remains"):
            n2 = self._tok(i + 2)
            if n2 is not None and n2.lower.endswith("ing") and n2.lower not in ("nothing", "something", "everything"):
                return False
            return True
        return False

    # -- noun phrases ------------------------------------------------------------------------
    def _tok(self, i: int) -> Token | None:
        return self.tokens[i] if 0 <= i < len(self.tokens) else None

    def _entity_noun(self, i: int) -> NounInfo | None:
        """The noun's entity reading at token i, taking the word before it into account."""
        t = self.tokens[i]
        if not t.is_word or t.lower in L.FUNCTION_WORDS or t.lower in L.COPULAS:
            return None
        w = t.lower
        prev = self._tok(i - 1)
        prev_w = prev.lower if prev is not None and prev.is_word else ""
        lemma, _ = singular(w)
        if lemma in L.ANIMAL_WITH_MODIFIER and lemma not in ("seal",):
            needed = L.ANIMAL_WITH_MODIFIER[lemma]
            if prev_w in needed:
                return NounInfo("animal", "species")
        if lemma in L.ROBOT_WITH_MODIFIER:
            needed = L.ROBOT_WITH_MODIFIER[lemma]
            if prev_w in needed:
                return NounInfo("robot", "robot")
            if lemma in self.known_nouns and lemma not in ("arm", "assistant"):
                return NounInfo("robot", "robot")
            if lemma != "assistant":
                return None
        blockers = L.ANIMAL_BLOCKERS.get(lemma)
        if blockers and prev_w in blockers:
            return NounInfo("prop", "artwork")
        info = noun_info(lemma)
        if "-" in lemma and lemma.replace("-", "") in _EXPLICIT:
            info = noun_info(lemma.replace("-", ""))
        if info is None and "-" in lemma:
            info = noun_info(lemma.replace("-", ""))
        if info is None and "-" in lemma:
            last = lemma.rsplit("-", 1)[1]
            head_info = noun_info(last)
            if head_info is not None and head_info.type == "person" and last.endswith(_AGENT_SUFFIXES):
                info = head_info  # "a dog-walker", "a fire-eater": the compound names what its agent noun names
        if info is None and len(lemma) >= 6 and lemma.isalpha():
            fixed = self._typo(lemma)
            if fixed is not None:
                info = noun_info(fixed)
        if info is not None and lemma not in self.known_nouns and _from_resource(lemma) \
                and set(R.noun_senses(lemma)) & {"X", "V"} and not self._subject_position(i) \
                and not (self._tok(i + 1) is not None and cast(Token, self._tok(i + 1)).lower == "'s"):
            # "glances at the monitor", "lifts the smoker": a word that is also a thing (or a vehicle) names a
            # person only as a subject
            return None
        if info is None and self._acts_as_person(i, lemma, prev_w):
            info = NounInfo("person", "occupation")  # "The page bows", "The patient coughs"
        if info is None and not t.is_cap and len(lemma) >= 4 and lemma.isalpha() and prev_w in ("a", "an", "the") \
                and not R.common_word(lemma) and lemma not in L.COMMON_NOUNS and lemma not in L.CLOTHING \
                and not _two_words(lemma) and self._clause_opening(i - 1):
            nxt = self._tok(i + 1)
            if nxt is not None and (nxt.lower in _ANIMATE_VERBS or lemma.endswith(_AGENT_SUFFIXES)
                                    and self._verb_then_phrase(i + 1)):
                # a word no resource knows, with an agent noun's ending or acting like a person ("a vlogger walks")
                info = NounInfo("person", "occupation")
        return info

    def _acts_as_person(self, i: int, lemma: str, prev_w: str) -> bool:
        """A noun with a person sense that is not its usual reading ("page", "second", "host") or that is
        also an adjective ("patient") names a person when the sentence makes it one: a person of the
        story already has that noun, or it is a singular subject after a determiner whose verb follows
        it, a verb any subject may take for an adjective-or-person noun ("The patient waits"), a verb
        whose usual sense needs a living subject otherwise ("The page bows"; "the page turns" is the
        book's)."""
        if prev_w not in L.DETERMINERS and lemma not in self.known_nouns or self.tokens[i].is_cap:
            return False
        senses = R.noun_senses(lemma)
        if "P" not in senses or singular(self.tokens[i].lower)[1]:
            return False
        if lemma in self.known_nouns:
            return True
        if not self._subject_position(i):
            return False
        k = i + 1
        nxt = self._tok(k)
        if nxt is not None and nxt.lower.endswith("ly") and len(nxt.lower) > 4:
            k += 1  # "The page slowly bows"
            nxt = self._tok(k)
        if nxt is None or not nxt.is_word or not nxt.lower.endswith("s") or nxt.lower.endswith("ss"):
            return False
        w = nxt.lower
        bases = [b for b in (w[:-3] + "y" if w.endswith("ies") else "", w[:-2] if w.endswith("es") else "", w[:-1])
                 if b and R.verb_word(b)]
        animate = w in _ANIMATE_VERBS or bool(bases) and R.animate_verb(bases[0])
        if not bases or noun_info(singular(w)[0]) is not None and not animate:
            return False
        return senses[0] == "P" or animate

    def _is_head(self, j: int) -> bool:
        """Token j is a character noun ending its noun phrase (not the first half of a compound)."""
        if self._entity_noun(j) is None:
            return False
        nxt = self._tok(j + 1)
        if nxt is not None and nxt.text == "," and self._adjective_before_noun(j):
            return False
        if nxt is None or nxt.lower == "'s":
            return True
        return not _continues_compound(nxt, self._tok(j + 2), self.tokens[j].lower, self._coordinated(j))

    def _coordinated(self, j: int) -> bool:
        """Token j ends the second conjunct of "X and (the) Y" (a plural subject)."""
        k = j - 1
        while k >= 0 and j - k <= 4 and self.tokens[k].is_word and self.tokens[k].lower not in L.FUNCTION_WORDS \
                and self.tokens[k].lower not in L.DETERMINERS:
            k -= 1
        if k >= 0 and self.tokens[k].lower in L.DETERMINERS:
            k -= 1
        return k >= 0 and self.tokens[k].lower in ("and", "or")

    def _typo(self, lemma: str) -> str | None:
        """A misspelt noun of an entity already in the story ("photgrapher")."""
        if len(lemma) < 7 or lemma in L.COMMON_NOUNS:
            return None
        for known in self.known_nouns:
            if len(known) < 7 or known.startswith(lemma) or lemma.startswith(known) or known[0] != lemma[0]:
                continue
            limit = 2 if min(len(known), len(lemma)) >= 10 else 1
            if abs(len(known) - len(lemma)) <= limit and _edit_distance(lemma, known) <= limit:
                return known
        return None

    def _lemma(self, i: int) -> tuple[str, bool | None]:
        lemma, plural = singular(self.tokens[i].lower)
        if "-" in lemma and lemma.replace("-", "") in _EXPLICIT:
            lemma = lemma.replace("-", "")  # "saxophon-ist"
        if noun_info(lemma) is None and "-" in lemma and noun_info(lemma.replace("-", "")) is not None:
            lemma = lemma.replace("-", "")
        if noun_info(lemma) is None and len(lemma) >= 6 and lemma.isalpha():
            fixed = self._typo(lemma)
            if fixed is not None:
                lemma = fixed
        return lemma, plural

    def _one_anaphor(self, i: int) -> tuple[str, NounInfo] | None:
        """"the white one", "a rusty one with a dented head", "the one in the tweed jacket": 'one' after a
        determiner (and adjectives) stands for the noun of the prompt's latest character phrase, else for
        the noun the story used last (`one_noun`)."""
        toks = self.tokens
        nxt = self._tok(i + 1)
        if nxt is not None and nxt.is_word and (nxt.lower in ("of", "another", "after", "by")
                                                 or self._entity_noun(i + 1) is not None or "-" in toks[i].text):
            return None
        if nxt is not None and nxt.is_word and not (nxt.lower in L.FUNCTION_WORDS or nxt.lower in _ATTR_STARTERS
                                                    or nxt.lower == "'s" or _is_verb_like(nxt)):
            return None  # "one last time": 'one' opens a noun phrase of its own
        j = i - 1
        while j >= 0 and i - j <= 3 and toks[j].is_word and toks[j].lower not in L.DETERMINERS \
                and (_is_adjective_like(toks[j]) or _graded(toks[j].lower)) and toks[j].lower not in L.FUNCTION_WORDS:
            j -= 1
        if j < 0 or toks[j].lower not in _ONE_DETERMINERS:
            return None
        if j == i - 1 and toks[j].lower in ("a", "an"):
            return None  # "a one", as in "a one-off"
        ante = next((x for x in reversed(self.mentions) if x.kind == "np" and x.skip is None
                     and x.type in _CHARACTER_TYPES and x.type != "any" and x.category != "name"), None)
        if ante is not None:
            if ante.head != (self.one_noun or ("",))[0]:
                self._one_alt = self.one_noun
            return ante.head, NounInfo(ante.type, ante.category)
        if self.one_noun is not None:
            noun, typ, cat = self.one_noun
            return noun, NounInfo(typ, cat)
        return None

    def _try_np(self, i: int) -> Mention | None:
        toks = self.tokens
        self._one_alt = None
        one = self._one_anaphor(i) if toks[i].lower == "one" else None
        info: NounInfo | None
        if one is not None:
            lemma, info = one
            plural: bool | None = False
        else:
            info = self._entity_noun(i)
            if info is None or not self._is_head(i):
                return None
            lemma, plural = self._lemma(i)
        nxt = self._tok(i + 1)
        head = toks[i]
        m = Mention(kind="np", head=lemma, head_token=i, start=head.start, end=head.end, name_start=head.start,
                    sent=head.sent, clause=head.clause, type=info.type, category=info.category, end_token=i)
        self._read_left(m, i)
        if plural is None:
            plural = self._ambiguous_plural(m, i)
        m.plural = bool(plural)
        if nxt is not None and nxt.lower == "'s":
            m.possessor = True
            m.end_token = i + 1
        m.nouns = {lemma}
        m.one_anaphor, m.one_alt = one is not None, self._one_alt
        m.gender = noun_gender(lemma)
        m.age = noun_age(lemma)
        if lemma in L.ADULT_EPITHETS:
            m.age = "adult"
        self._apply_modifiers(m)
        birth = next((b for b in (m.head, *(singular(x)[0] for x in m.modifiers)) if b in L.MULTIPLE_BIRTH), None)
        if birth is not None and m.plural:
            m.number = m.number or L.MULTIPLE_BIRTH[birth]  # "her twin daughters" are two
            m.nouns.add(birth)
        if not m.possessor:
            self._read_of(m)
            self._read_right(m)
        self._classify_skip(m)
        for k in range(m.end_token + 1 if m.end_token >= i else i + 1):
            if k >= i:
                self._claimed.add(k)
        return m

    def _adjective_before_noun(self, i: int) -> bool:
        """Word i is followed by ', adj... noun' inside one noun phrase."""
        j = i + 2
        while j < len(self.tokens) and j - i <= 6:
            t = self.tokens[j]
            if not t.is_word:
                if t.text == ",":
                    j += 1
                    continue
                return False
            if t.lower in L.DETERMINERS or t.lower in L.PRONOUNS or t.is_cap:
                return False  # a capitalised word after the comma starts a name, not a modifier list
            if self._is_head(j):
                prev = self._tok(i - 1)
                return prev is not None and (prev.lower in L.DETERMINERS or _is_adjective_like(prev)
                                             or prev.text == ",")
            if t.lower in L.FUNCTION_WORDS or (_is_verb_like(t) and not _is_adjective_like(t)):
                return False
            j += 1
        return False

    def _ambiguous_plural(self, m: Mention, i: int) -> bool:
        """'fish'/'deer': plural unless the determiner or the verb says one."""
        if m.det in ("indef", "new", "each") or m.det_word in ("one", "single"):
            return False
        if m.det_word in ("these", "those", "some", "many", "several", "few") or m.det == "num":
            return True
        if m.head in self.known_nouns:
            return False
        n = self._tok(i + 1)
        if n is None or not n.is_word:
            return m.det == "bare"
        if n.lower in ("is", "was", "has", "'s"):
            return False
        if n.lower in ("are", "were", "have"):
            return True
        if n.lower.endswith("s") and not n.lower.endswith("ss"):
            return False
        return m.det == "bare" or n.lower not in L.FUNCTION_WORDS

    def _read_left(self, m: Mention, i: int) -> None:
        toks = self.tokens
        mods: list[int] = []
        j = i - 1
        det_idx = None
        while j >= 0 and i - j <= 10:
            t = toks[j]
            if not t.is_word:
                if t.text == "," and mods and j - 1 >= 0 and _is_adjective_like(toks[j - 1]) \
                        and _is_adjective_like(toks[mods[0]]):
                    j -= 1
                    continue
                if t.lower == "'s":
                    det_idx = j
                break
            w = t.lower
            if w == "'s":
                det_idx = j
                break
            if w in L.DETERMINERS:
                det_idx = j
                break
            if w in _INTENSIFIERS and mods:
                j -= 1  # "a very quiet student"
                continue
            if w == "and" and mods and j - 1 >= 0 and _is_adjective_like(toks[j - 1]) \
                    and toks[j - 1].lower not in L.FUNCTION_WORDS and self._entity_noun(j - 1) is None:
                j -= 1
                continue
            if w in L.FUNCTION_WORDS or w in L.COPULAS:
                break
            if w in L.PRONOUNS:
                break
            if self._is_head(j):
                break
            if j in self._claimed:
                break
            mods.insert(0, j)
            j -= 1
        if det_idx is None:
            # without a determiner keep only the adjective-like words next to the head
            safe: list[int] = []
            for k in reversed(mods):
                if _is_adjective_like(toks[k]) or self._entity_noun(k) is not None or toks[k].is_cap:
                    safe.insert(0, k)
                else:
                    break
            mods = safe
            m.det = "bare"
            prev = self._tok((mods[0] if mods else i) - 1)
            if prev is not None and prev.lower in ("and", "or", "&") and any(
                    x.kind == "np" and x.end_token == prev.index - 1 for x in self.mentions):
                m.after_and = True  # "the uncle and niece"
            if prev is not None and prev.lower == "of":
                m.det = "of"
        else:
            d = toks[det_idx]
            if d.lower == "'s":
                m.det, m.det_word = "gen", "'s"
            else:
                m.det, m.det_word = L.DETERMINERS[d.lower], d.lower
                if d.lower in L.NUMBER_WORDS:
                    m.number = L.NUMBER_WORDS[d.lower]
                    before = self._tok(det_idx - 1)
                    m.definite = d.lower == "both" or before is not None and before.is_word and \
                        L.DETERMINERS.get(before.lower) == "def"
                if d.lower in ("her", "his", "its", "their"):
                    m.det = "poss"
            if d.lower == "few" and self._tok(det_idx - 1) is not None \
                    and cast(Token, self._tok(det_idx - 1)).lower == "a":
                m.det_word = "a few"
            m.start = d.start if d.lower != "'s" else m.start
            if m.definite and d.lower != "both":
                m.start = toks[det_idx - 1].start  # "the two sailors"
            if d.lower == "'s":
                m.start = toks[mods[0]].start if mods else toks[i].start
                k = det_idx - 1  # where the possessor's phrase starts ("the beekeeper's son")
                while k > 0 and toks[k - 1].is_word and toks[k - 1].lower not in L.FUNCTION_WORDS \
                        and toks[k - 1].lower not in L.COPULAS and i - k < 8:
                    k -= 1
                    if toks[k].lower in L.DETERMINERS:
                        break
                m.phrase_first = k
        if mods:
            m.name_start = toks[mods[0]].start
            if det_idx is None:
                m.start = m.name_start
        m.modifiers = [toks[k].lower for k in mods]
        self._mod_tokens = mods

    def _apply_modifiers(self, m: Mention) -> None:
        toks = self.tokens
        mods = self._mod_tokens
        words = m.modifiers
        # ordinals and determiners written as adjectives
        if words:
            first = words[0]
            if m.det == "indef" and first == "new" and m.head in L.RELATIONAL:
                pass  # "a picnic with a new friend": how someone relates, not a newcomer
            elif m.det == "indef" and first in ("second", "third", "new", "fourth", "fifth"):
                m.det = "new"
            elif m.det == "def" and first == "other":
                m.det = "other"
            elif m.det == "def" and first in ("first", "second", "third", "fourth", "last"):
                m.det = "ordinal"
                m.ordinal = {"first": 1, "second": 2, "third": 3, "fourth": 4, "last": -1}[first]
            elif m.det == "def" and first in L.NUMBER_WORDS:
                m.det = "num"
                m.number = L.NUMBER_WORDS[first]
                m.definite = True
            elif m.det == "indef" and first in ("single", "lone", "solitary"):
                m.det_word = "a"
        if m.det == "num" and m.number is None:
            for w in words:
                if w in L.NUMBER_WORDS:
                    m.number = L.NUMBER_WORDS[w]
        for k, w in zip(mods, words, strict=True):
            t = toks[k]
            info = self._entity_noun(k)
            if w in ("male", "masculine"):
                m.gender = "male"
            elif w in ("female", "feminine"):
                m.gender = "female"
            if info is not None:
                lem, _ = singular(w)
                g = noun_gender(lem)
                if g and m.gender is None and info.category in ("kinship", "generic"):
                    m.gender = g
                if lem in L.CHILD_NOUNS and lem in ("baby",):
                    m.age = m.age or "child"
                if info.category in ("kinship", "generic") and info.type in ("person", "any") \
                        and m.type in ("animal", "person", "creature"):
                    if info.category == "kinship":
                        m.nouns.add(lem)
                elif info.type == "robot" and m.type == "person":
                    m.type = "robot"
                    m.nouns.add(lem)
                elif info.type == m.type and m.type == "animal" and _hyper(m.head, lem):
                    m.nouns.add(lem)
                elif m.category == "epithet" and info.type in ("animal", "creature"):
                    m.nouns.add(lem)
                elif info.type == "person" and m.type == "person" and info.category in ("occupation", "epithet"):
                    m.nouns.add(lem)  # "a novice monk" is also "the novice"
            if w in L.ROBOT_ADJECTIVES and m.type in ("animal", "person", "creature", "any"):
                m.type = "robot"
                m.nouns.add("robot")
            if w in L.CREATURE_ADJECTIVES and m.type in ("person", "any") and m.category in ("generic", "epithet"):
                m.type = "creature"
                m.nouns.add(L.CREATURE_ADJECTIVES[w])
            if w.endswith("ary") and w[:-3] in L.EPITHET_PERSON:
                m.nouns.add(w[:-3])  # "legendary player" -> "the legend"
            if w in L.AGE_OLD:
                m.age = m.age if m.age == "child" else "adult"
            if w in ("medium-sized", "medium", "mid-sized", "average-sized"):
                m.size = "medium"
            elif w in L.SIZE_SMALL:
                m.size = "small"
            elif w in L.SIZE_LARGE and w != "tall":
                m.size = "large"
            if w in L.COLOURS and w not in ("dark", "light", "pale", "bright"):
                m.colours.add(w)
            m.descriptors.add(w)
            kind = _attr_kind_of_word(w)
            if kind is not None:
                m.attrs.append(Attr(t.text, t.start, t.end, kind))

    def _read_of(self, m: Mention) -> None:
        """'figure of a woman', 'statue of a jaguar guardian', 'a group of children', 'portrait of ...'."""
        i = m.end_token + 1
        t = self._tok(i)
        if t is None or t.lower != "of":
            return
        inner = self._inner_np(i + 1)
        if inner is None:
            return
        j, info, lemma, plural = inner
        if m.head in L.GROUP_NOUNS or m.head in L.BACKGROUND_GROUP:
            if m.head in L.BACKGROUND_GROUP:
                m.skip = "background"
            m.group_members = lemma
            m.nouns.add(lemma)
            m.end_token = j
            m.end = self.tokens[j].end
            return
        if m.head == "figure" or (m.head == "statue" and (info.type in ("person", "creature", "any")
                                                        or info.category == "epithet")):
            if m.head == "statue":
                m.type = "creature"
            elif info.type in ("person", "creature", "animal"):
                m.type = info.type if m.type != "creature" else "creature"
            m.nouns.add(lemma)
            g = noun_gender(lemma)
            m.gender = m.gender or g
            m.category = "creature" if m.type == "creature" else m.category
            for k in range(i + 1, j):
                tk = self.tokens[k]
                if tk.is_word and tk.lower not in L.DETERMINERS:
                    m.descriptors.add(tk.lower)
                    ek = self._entity_noun(k)
                    if ek is not None:
                        m.nouns.add(singular(tk.lower)[0])
            m.end_token = j
            m.end = self.tokens[j].end
            self._claimed.update(range(i, j + 1))
            return
        if m.head in _PROP_OF_HEADS:
            self.new_props.add(lemma)
            self._claimed.update(range(i, j + 1))

    def _inner_np(self, i: int) -> tuple[int, NounInfo, str, bool | None] | None:
        j = i
        while j < len(self.tokens) and j - i <= 6:
            t = self.tokens[j]
            if not t.is_word and t.text != ",":
                return None
            if t.is_word:
                info = self._entity_noun(j)
                if info is not None and self._is_head(j):
                    lemma, plural = self._lemma(j)
                    return j, info, lemma, plural
                if t.lower in L.FUNCTION_WORDS or (t.lower not in L.DETERMINERS and _is_verb_like(t)
                                                   and not _is_adjective_like(t)):
                    return None
            j += 1
        return None

    def _read_right(self, m: Mention) -> None:
        """Attributes after the head: with/in/wearing/holding phrases, 'aged 40', 'in her 40s'."""
        toks = self.tokens
        i = m.end_token + 1
        n = len(toks)
        guard = 0
        while i < n and guard < 12:
            guard += 1
            t = toks[i]
            if t.text == "," and i + 1 < n and (toks[i + 1].lower in _ATTR_STARTERS or toks[i + 1].lower in (
                    "also", "about", "around", "aged", "who")):
                i += 1
                continue
            w = t.lower
            if w in ("also",):
                i += 1
                continue
            if w == "who":
                # "who is wearing a visor" / "who wears" / "who is dressed in"
                k = i + 1
                if k < n and toks[k].lower in ("is", "was", "are"):
                    k += 1
                if k < n and toks[k].lower in ("wearing", "wears", "dressed", "holding", "holds", "carrying",
                                               "carries", "has"):
                    i = k
                    continue
                break
            if w in ("about", "around", "aged") or (t.text[0].isdigit()):
                k = i + (0 if t.text[0].isdigit() else 1)
                if k < n and toks[k].text[0].isdigit():
                    end = k
                    if k + 2 < n and toks[k + 1].lower in ("years", "year") and toks[k + 2].lower == "old":
                        end = k + 2
                    if end > k or w == "aged":
                        m.attrs.append(Attr(self.text[toks[i].start:toks[end].end], toks[i].start, toks[end].end,
                                            "age"))
                        i = end + 1
                        continue
                break
            if w in _ALIAS_VERBS:
                k = i + 1
                if k < n and toks[k].lower == "up":
                    k += 1
                if k < n and toks[k].lower == "as":
                    m.end_token = max(m.end_token, i - 1)
                    break  # the alias noun phrase is read on its own and linked in _link
                if k < n and toks[k].lower == "in":
                    i = k
                    continue
                break
            if w in ("wearing", "holding", "carrying", "including", "sporting", "donning", "bearing", "clad",
                     "with", "in", "wears"):
                if w == "in":
                    # "in her 40s" / "in a yellow raincoat" (clothing) vs "in the square" (scene)
                    k = i + 1
                    if k + 1 < n and toks[k].lower in ("her", "his", "their") and toks[k + 1].text[0].isdigit():
                        m.attrs.append(Attr(self.text[toks[k].start:toks[k + 1].end], toks[k].start,
                                            toks[k + 1].end, "age"))
                        i = k + 2
                        continue
                    if not self._in_clothing(k):
                        break
                kind = "held" if w in ("holding", "carrying", "bearing") else None
                nxt = self._read_attr_list(i + 1, m, kind)
                if nxt == i + 1:
                    break
                m.end_token = max(m.end_token, nxt - 1)
                i = nxt
                continue
            break

    def _in_clothing(self, k: int) -> bool:
        j = k
        while j < len(self.tokens) and j - k <= 6:
            t = self.tokens[j]
            if not t.is_word:
                if t.text in (",", "-"):
                    j += 1
                    continue
                return False
            lemma, _ = singular(t.lower)
            if t.lower in L.CLOTHING or lemma in L.CLOTHING or "W" in R.noun_senses(lemma)[:2]:
                return True
            if t.lower in L.FUNCTION_WORDS and t.lower not in ("her", "his", "their", "its"):
                return False
            if t.lower in ("full", "matching") and j == k:
                j += 1
                continue
            j += 1
        return False

    def _read_attr_list(self, i: int, m: Mention, kind: str | None) -> int:
        """Noun phrases joined by 'and'/','; stops at an entity noun, a verb, or the clause's end."""
        toks = self.tokens
        n = len(toks)
        while i < n:
            start = i
            if toks[i].lower in L.DETERMINERS or toks[i].lower in ("her", "his", "their", "its"):
                i += 1
            if self._entity_ahead(i):
                return start  # "carrying the tiny, shivering lamb": a character, not an attribute
            words_start = i
            last_noun = None
            while i < n:
                t = toks[i]
                if not t.is_word:
                    if t.text == "," and last_noun is None and i + 1 < n and _is_adjective_like(toks[i + 1]):
                        i += 1
                        continue
                    if t.text == "-" and last_noun is not None:
                        i += 1
                        continue
                    break
                if self._is_head(i):
                    info = self._entity_noun(i)
                    if info is not None and info.type not in ("prop", "background") and t.lower not in L.BODY_PARTS:
                        return start if last_noun is None else i  # an entity: the attribute list ends here
                nxt_t = self._tok(i + 1)
                if nxt_t is not None and nxt_t.is_cap and i > words_start and self._name_word(i + 1):
                    break  # ", hands Noah a note": a verb before a name ends the attribute list
                if t.is_cap and self._name_word(i):
                    break
                w = t.lower
                if w in L.FUNCTION_WORDS and w not in ("of",):
                    break
                if w == "of" and last_noun is not None and i + 1 < n and toks[i + 1].is_word:
                    i += 1
                    continue
                if last_noun is not None and _is_verb_like(t) and not self._known_attr_noun(w):
                    break
                if last_noun is not None and w.endswith("s") and not self._known_attr_noun(w) \
                        and w not in L.S_SINGULARS and toks[i - 1].lower not in ("of", "several", "many", "two",
                                                                                "few", "three", "some"):
                    break
                last_noun = i
                i += 1
            if last_noun is None:
                return start
            a_start, a_end = toks[words_start].start, toks[last_noun].end
            phrase = self.text[a_start:a_end]
            words = [t.lower for t in toks[words_start:last_noun + 1] if t.is_word]
            m.attrs.append(Attr(phrase, a_start, a_end, kind or _attr_kind_of_phrase(words)))
            m.descriptors.update(w for w in words if w not in L.FUNCTION_WORDS)
            for k in range(start, last_noun + 1):
                self._claimed.add(k)
            if i < n and toks[i].lower in ("and", ",") and i + 1 < n:
                nxt = toks[i + 1]
                if nxt.lower in _ATTR_STARTERS or nxt.lower == "who":
                    return i
                if toks[i].text == "," and nxt.lower == "and":
                    i += 1
                # a following entity ends the list ("with a lantern and a porter")
                k = i + 1
                if k < n and toks[k].lower in L.DETERMINERS:
                    k += 1
                probe = k
                while probe < n and probe - k < 5 and toks[probe].is_word and toks[probe].lower not in \
                        L.FUNCTION_WORDS:
                    if self._is_head(probe):
                        info = self._entity_noun(probe)
                        if info is not None and info.type not in ("prop", "background"):
                            return i
                    probe += 1
                if toks[i].lower in ("and", ","):
                    if toks[i + 1].is_word and (toks[i + 1].lower in L.DETERMINERS or _is_adjective_like(toks[i + 1])
                                                or self._known_attr_noun(toks[i + 1].lower)):
                        i += 1
                        continue
                return i
            return i
        return i

    def _entity_ahead(self, i: int) -> bool:
        """A character noun ends the noun phrase starting at token i."""
        j = i
        while j < len(self.tokens) and j - i <= 6:
            t = self.tokens[j]
            if not t.is_word:
                if t.text == ",":
                    j += 1
                    continue
                return False
            if t.lower == "one" and self._one_anaphor(j) is not None:
                return True  # "and a small one on treads"
            if self._is_head(j):
                info = self._entity_noun(j)
                return info is not None and info.type not in ("prop", "background") and t.lower not in L.BODY_PARTS
            if t.lower in L.FUNCTION_WORDS or (j > i and _is_verb_like(t) and not _is_adjective_like(t)):
                return False
            j += 1
        return False

    @staticmethod
    def _known_attr_noun(w: str) -> bool:
        lemma, _ = singular(w)
        return (w in L.CLOTHING or lemma in L.CLOTHING or w in L.HAIR_WORDS or w in L.MARK_WORDS
                or w in L.BODY_PARTS or lemma in L.BODY_PARTS or w in L.COMMON_NOUNS)

    # -- what a mention may not do --------------------------------------------------------------
    def _classify_skip(self, m: Mention) -> None:
        toks = self.tokens
        words = set(m.modifiers)
        if m.det == "neg":
            m.skip = "negated"
            return
        if words & L.HYPOTHETICAL_WORDS:
            m.skip = "hypothetical"
            return
        if m.type == "background":
            m.skip = "background"
            return
        if m.head in L.ARTWORK:
            if m.head in ("statue", "figure", "figurine", "puppet", "doll") and (
                    words & L.ANIMATE_MODIFIERS or m.type == "creature"):
                m.type, m.category = "creature", "creature"
                m.nouns.add(m.head)
            elif m.head in self.known_nouns:
                m.type, m.category = "creature", "creature"
            else:
                m.skip = "prop"
                self.new_props.add(m.head)
                return
        if m.type == "body":
            m.skip = "body"
            return
        if m.type == "prop":
            m.skip = "prop"  # "her teddy bear"
            return
        if self._owned_thing(m):
            m.skip = "owned"  # "keeps her guard up": her stance, not her bodyguard (checked again in rules)
            return
        if m.possessor:
            after = self._tok(m.end_token + 1)
            if after is not None and singular(after.lower)[0] in _ABSENT_POSSESSIONS:
                m.skip = "absent"  # "her father's grave": he is remembered, not in the scene
                return
        if words & L.PROP_MODIFIERS and m.type in ("person", "animal", "robot", "creature", "vehicle") \
                and m.head not in self.known_nouns and not (m.category == "occupation" and m.head not in L.TOYABLE):
            m.skip = "prop"
            self.new_props.add(m.head)
            return
        if m.head in self.prop_nouns and m.head not in self.known_nouns:
            m.skip = "prop"
            return
        if "G" in R.noun_senses(m.head) and self._handled_game_piece(m):
            m.skip = "prop"  # "slides her knight forward": a game piece moved by a player, not a knight
            return
        if m.possessor and m.type == "animal":
            after = self._tok(m.end_token + 1)
            if after is not None and after.lower in L.REMAINS:
                m.skip = "remains"  # "the mammoth's jaw bone"
                return
        # before the determiner: predicates, similes, depictions, searching for someone
        first = self._first_token(m)
        p1, p2 = self._tok(first - 1), self._tok(first - 2)
        if p1 is not None and p1.lower == "of" and p2 is not None and singular(p2.lower)[0] in _PROP_OF_HEADS:
            m.skip = "depiction"
            self.new_props.add(m.head)
            return
        if self._only_told_of(m, first, p1, p2):
            m.skip = "topic"  # "tells her about his brother", "a letter from her brother": not in the scene
            return
        sent = toks[first].sent
        back = [t.lower for t in toks[max(0, first - 3):first] if t.is_word and t.sent == sent]
        for phrase in L.ABSENCE_VERB_PHRASES:
            if tuple(back[-len(phrase):]) == phrase:
                m.skip = "sought"
                return
        if p1 is not None and p1.lower == "of" and p2 is not None and p2.lower in L.COPULAS:
            m.skip = "depiction"  # "The painting is of a local hero"
            return
        if m.det in ("indef", "bare", "num", "def", "poss", "gen") and not m.possessor and self._after_copula(first):
            m.skip = "predicate"  # "He is the beekeeper's son": renames the subject (linked in _link)
            return
        if p1 is not None and p1.lower == "as" and (m.head in L.GROUP_NOUNS or m.type == "group"):
            m.skip = "predicate"  # "they march on as a unit"
            return
        if p1 is not None and p1.lower == "as" and p2 is not None and p2.lower in _AS_PREDICATE:
            m.skip = "predicate"  # "works as a guide"
            return
        if m.kind == "np" and self._absence_follows(m):
            m.absent = True
        if m.type == "vehicle" and (m.det == "poss" or p1 is not None and p1.lower in _DRIVING_VERBS):
            m.skip = "prop"  # "steers the boat", "walks to her car": a vehicle someone uses, not a character
            return
        if m.type == "vehicle" and m.head not in self.known_nouns:
            prep = p1.lower if p1 is not None else ""
            if prep in L.LOCATIVE_PREPS or prep in _VEHICLE_PLACE_PREPS:
                m.skip = "place"  # "dozing on a night bus": where someone is, not a character
                self.new_props.add(m.head)
                return
            if words & {"passing", "parked", "distant", "passing-by", "oncoming"} or prep in ("at", "past", "across"):
                m.skip = "background"  # "waves at a passing taxi"
                return
            if m.head in L.SCENERY_VEHICLES and not words & L.VEHICLE_CHARACTER_WORDS:
                m.skip = "place"  # "a long freight train stands idle": part of the station
                self.new_props.add(m.head)
                return
        nxt = self._tok(m.end_token + 1)
        if m.category == "epithet" and m.det == "indef" and nxt is not None and nxt.text == ":":
            m.skip = "predicate"  # "now has a helper: the old lamp ..." names a thing, not a character
            return
        if m.det == "bare" and not m.plural and not m.after_and and m.category not in ("kinship",) \
                and m.det != "of":
            # a singular count noun needs a determiner; without one this is a verb or a compound
            if not (toks[m.head_token].is_cap and m.category == "kinship"):
                m.skip = "bare"

    def _only_told_of(self, m: Mention, first: int, p1: Token | None, p2: Token | None) -> bool:
        """The phrase names someone the scene only talks of: after 'about' ("a book about a brave dragon and
        a lonely princess"), after 'from' following a message ("a letter from her brother"), or as the
        subject of a hypothetical past ("her father would have loved this"). A definite phrase of a
        character already in the story is left alone ("tells the boy about the old man" may show him)."""
        if m.det == "def" and m.head in self.known_nouns or m.type not in _CHARACTER_TYPES:
            return False
        if p1 is not None and p1.lower in ("and", "or"):
            prev = next((x for x in reversed(self.mentions) if x.end_token == first - 2), None)
            return prev is not None and prev.skip == "topic"
        if p1 is not None and p1.lower == "about":
            return True
        if p1 is not None and p1.lower == "from" and p2 is not None and singular(p2.lower)[0] in L.MESSAGE_NOUNS:
            return True
        n1, n2 = self._tok(m.end_token + 1), self._tok(m.end_token + 2)
        return n1 is not None and n2 is not None and n1.lower in L.MODAL_PERFECT and n2.lower == "have"

    def _owned_thing(self, m: Mention) -> bool:
        """"keeps her guard up", "lowers his guard": a person noun that also names a thing (a WordNet
        sense that is not a person), possessed by a pronoun and taken as a verb's object, is the owner's
        thing when a verb of raising, lowering or keeping takes it, or when an adverbial particle closes
        the phrase (a particle with no object of its own, so not "walks his guard down the hall").
        Kinship and relation nouns ("helps her son up") always name another person."""
        if m.det != "poss" or m.category == "kinship" or m.head in L.RELATIONAL or m.head in self.known_nouns:
            return False
        senses = R.noun_senses(m.head)
        if "P" not in senses or not set(senses) & {"X", "O"} or self._subject_position(m.head_token):
            return False
        verb = self._tok(self._first_token(m) - 1)
        if verb is not None and verb.lower in _STANCE_VERBS:
            return True
        nxt, after = self._tok(m.end_token + 1), self._tok(m.end_token + 2)
        if nxt is None or nxt.lower not in _PARTICLES:
            return False
        return after is None or not after.is_word or (after.lower not in L.DETERMINERS and after.lower not in L.PRONOUNS
                                                       and not after.is_cap)

    def _subject_position(self, i: int) -> bool:
        """The noun phrase ending at token i opens its clause (its determiner follows a clause break)."""
        j = i - 1
        while j >= 0 and i - j <= 5 and self.tokens[j].is_word and self.tokens[j].lower not in L.DETERMINERS \
                and self.tokens[j].lower not in L.FUNCTION_WORDS:
            j -= 1
        if j < 0:
            return True
        if self.tokens[j].lower in L.DETERMINERS:
            return self._clause_opening(j)
        return self._clause_opening(j + 1)

    def _clause_opening(self, i: int) -> bool:
        """Token i starts a sentence or a clause (the subject's place), not a prepositional phrase."""
        p = self._tok(i - 1)
        return p is None or p.text in _SENT_END or p.text in (",", ";", ":") or p.lower in (
            "and", "but", "while", "as", "when", "then", "until", "before", "after", "because", "so")

    def _handled_game_piece(self, m: Mention) -> bool:
        """A noun that also names a game piece is one when a handling verb takes it as its object in a
        prompt about a game (a game word here or in an earlier prompt of the story, or two piece nouns);
        a king who acts stays a character."""
        first = self._first_token(m)
        p1 = self._tok(first - 1)
        if p1 is not None and p1.lower in ("up", "down", "away", "off", "out", "back") and first >= 2:
            p1 = self._tok(first - 2)  # "picks up a knight"
        if p1 is None or p1.lower not in _HANDLING_VERBS:
            return False
        words = [t.lower for t in self.tokens if t.is_word]
        if self.game_story or any(w in _GAME_WORDS for w in words):
            return True
        pieces = {singular(w)[0] for w in words if "G" in R.noun_senses(singular(w)[0])}
        return len(pieces) >= 2

    def _first_token(self, m: Mention) -> int:
        if m.phrase_first is not None:
            return m.phrase_first
        for t in self.tokens:
            if t.start == m.start:
                return t.index
        return m.head_token

    def _after_copula(self, first: int) -> bool:
        j = first - 1
        steps = 0
        while j >= 0 and steps < 5:
            t = self.tokens[j]
            w = t.lower
            if w in L.COPULAS:
                before = self._tok(j - 1)
                return not (before is not None and before.lower in ("there", "here"))  # "there is a dog"
            if w in L.ADVERBS_IN_PREDICATE or w in ("a", "an", "but", "rather", "instead", ","):
                j -= 1
                steps += 1
                continue
            break
        # "..., but a guardian" after a predicate noun phrase
        j = first - 1
        if j >= 0 and self.tokens[j].lower == "but":
            for prev in reversed(self.mentions):
                if prev.sent == self.tokens[first].sent and prev.skip == "predicate":
                    return True
        return False

    def _absence_follows(self, m: Mention) -> bool:
        toks = self.tokens
        j = m.end_token + 1
        n = len(toks)
        seen: list[str] = []
        while j < n and len(seen) < 6:
            t = toks[j]
            if t.text in _SENT_END:
                break
            seen.append(t.lower)
            j += 1
        # adverbs do not change what is said ("both now gone", "all long gone", "is already absent")
        s = " ".join(w for w in seen if w not in (",", "now", "long", "already", "finally", "still", "since"))
        patterns = ("both gone", "all gone", "gone", "is gone", "are gone", "is absent",
                    "are absent", "is nowhere", "are nowhere", "is not in the", "are not in the",
                    "is no longer in", "are no longer in", "is no longer there", "are no longer there",
                    "is out of frame", "are out of frame", "is out of the frame", "are out of the frame",
                    "is not present", "are not present", "both absent", "absent", "who died",
                    "who passed away", "who has died", "who had died", "who is dead", "who lives far",
                    "who lives in", "who lives abroad", "who is away", "who is far", "on the phone",
                    "over the phone", "by phone", "on a video call", "by video call")
        hit = any((s + " ").startswith(p + " ") for p in patterns)
        if hit and s.split()[0] in ("both", "all"):
            m.absent_both = True
        return hit

    # -- links between mentions ---------------------------------------------------------------
    def _link(self) -> None:
        ms = self.mentions
        seen_sent: set[int] = set()
        for m in ms:
            if m.sent not in seen_sent and m.skip is None:
                seen_sent.add(m.sent)
                m.sent_first = True
        for t in self.tokens:
            if t.lower in ("who", "which", "whose") and t.index > 0:
                comma = t.index - 1 if self.tokens[t.index - 1].text == "," else t.index
                before = [k for k, m in enumerate(ms) if m.kind == "np" and m.end_token < comma]
                if before:
                    self.relative_antecedent[t.clause] = before[-1]
                    for m in ms:
                        if m.clause == t.clause and m.head_token > t.index:
                            m.antecedent = before[-1]
        for idx, m in enumerate(ms):
            if m.absent and m.absent_both:
                # "the honeybee and the butterfly, both now gone": every conjunct is absent
                first = self._first_token(m)
                k = idx - 1
                while k >= 0 and first > 0 and self.tokens[first - 1].lower in ("and", ","):
                    prev = ms[k]
                    if prev.kind != "np" or prev.sent != m.sent:
                        break
                    prev.absent = True
                    first = self._first_token(prev)
                    k -= 1
        for idx, m in enumerate(ms):
            if m.kind != "np":
                continue
            first = self._first_token(m)
            p1, p2 = self._tok(first - 1), self._tok(first - 2)
            # "a cashier dressed as a pirate"
            if p1 is not None and p1.lower == "as" and p2 is not None and (
                    p2.lower in _ALIAS_VERBS or p2.lower == "up"):
                host = self._previous_np(idx, same_sentence=True)
                if host is not None:
                    m.alias_of = host
                    m.skip = None
                continue
            # apposition: "A watchmaker, an elderly man with ..., is ..." / "the old man, her first client,"
            if p1 is not None and p1.text == "," and m.category != "name" and m.det in ("indef", "poss", "def") \
                    and not m.plural and m.skip in (None, "predicate"):
                host = self._previous_np(idx, same_sentence=True)
                if host is not None and ms[host].category == "name" and ms[host].end_token == first - 2 \
                        and not ms[host].possessor:
                    m.alias_of = host  # "Amara, a baker in a flour-dusted apron, ..."
                    m.skip = None
                    continue
                if m.det == "def":
                    pass
                elif host is not None and self._apposition_ok(ms[host], m):
                    m.alias_of = host
                    m.skip = None
                    continue
                if host is not None and ms[host].plural and ms[host].det in ("num", "indef", "bare"):
                    # "two hikers, a man and a woman": members named separately
                    ms[host].skip = "members listed"
            if m.category == "name" and p1 is not None:
                # "a burly man named Jonas", "The fisherman, Tobiah, ...", "her grandson Mateo"
                host = self._previous_np(idx, same_sentence=True)
                if host is not None and p1.text == "," and ms[host].plural and ms[host].end_token == first - 2 \
                        and ms[host].det in ("num", "indef", "bare"):
                    ms[host].skip = "members listed"  # "Two friends, Sol and Marisol, ...": the names are the members
                    k = idx
                    while ms[host].gender and k < len(ms) and ms[k].category == "name" and ms[k].sent == m.sent:
                        ms[k].gender = ms[k].gender or ms[host].gender  # "Two brothers, Arjun and Dev": both male
                        nxt = self._tok(ms[k].end_token + 1)
                        if nxt is None or nxt.lower not in (",", "and", "or") or k + 1 >= len(ms) \
                                or self._first_token(ms[k + 1]) > ms[k].end_token + 3:
                            break
                        k += 1
                    continue
                gap = 2 if p1.lower in _NAME_VERBS or p1.text == "," else 1
                if host is not None and ms[host].category != "name" and not ms[host].plural \
                        and ms[host].end_token == first - gap and ms[host].kind == "np" and not ms[host].possessor \
                        and ms[host].type in ("person", "animal", "creature", "robot", "any") \
                        and (gap == 2 or ms[host].det in ("poss", "def", "gen")):
                    m.alias_of = host
                continue
            if m.after_and and m.det == "bare":
                prev_np = self._previous_np(idx, same_sentence=True)
                if prev_np is not None:
                    m.det = ms[prev_np].det if ms[prev_np].det not in ("num", "each") else "def"
                    if m.skip == "bare":
                        m.skip = None
            if m.head in ("group", "couple", "pair", "duo", "trio") and m.skip is None and m.det in ("indef", "bare") \
                    and p1 is not None and p1.text == ",":
                m.skip = "predicate"  # "..., an odd duo" describes, never introduces
            if m.skip == "predicate" and not m.plural and m.type != "group":
                subject = next((k for k, x in enumerate(ms[:idx]) if x.clause == m.clause and not x.plural
                                and (x.kind == "pronoun" and x.pron_case == "subj"
                                     or x.kind == "np" and x.skip is None and not x.possessor)), None)
                if subject is not None:
                    m.alias_of, m.predicate, m.skip = subject, True, None

    def _previous_np(self, idx: int, same_sentence: bool) -> int | None:
        m = self.mentions[idx]
        for k in range(idx - 1, -1, -1):
            p = self.mentions[k]
            if same_sentence and p.sent != m.sent:
                return None
            if p.kind == "np" and p.skip not in ("prop", "depiction", "bare", "place"):
                return k
        return None

    def _apposition_ok(self, host: Mention, m: Mention) -> bool:
        if host.plural:
            return False
        nxt = self._tok(m.end_token + 1)
        if nxt is not None and nxt.lower in ("and", "or"):
            return False
        if nxt is not None and nxt.text == "," and self._tok(m.end_token + 2) is not None and \
                cast(Token, self._tok(m.end_token + 2)).lower in ("and", "or"):
            return False
        if host.gender and m.gender and host.gender != m.gender:
            return False
        if host.type not in (m.type, "any") and m.type != "any" and not (
                {host.type, m.type} <= {"person", "creature"}):
            return False
        if m.type == "group" or m.head in L.GROUP_NOUNS:
            return False
        return True


def _hyper(a: str, b: str) -> bool:
    """a and b are in a hypernym relation (either way) in the animal or occupation families."""
    for fam in (L.ANIMAL_HYPERNYMS, L.PERSON_HYPERNYMS):
        if b in fam.get(a, ()) or a in fam.get(b, ()):
            return True
    return False


def _attr_kind_of_word(w: str) -> str | None:
    if w in L.NON_VISUAL_ADJECTIVES or w in L.FUNCTION_WORDS or w in L.DETERMINERS:
        return None
    if w in L.COLOURS:
        return "colour"
    if w in L.SIZE_SMALL or w in L.SIZE_LARGE:
        return "size"
    if w in L.AGE_YOUNG or w in L.AGE_OLD:
        return "age"
    if w in ("male", "female"):
        return "gender"
    if w in L.HAIR_WORDS or w.endswith(("-haired", "-bearded")):
        return "hair"
    if w.endswith(("-looking", "-eyed")) and w.split("-")[0] in L.NON_VISUAL_ADJECTIVES:
        return None
    if "-" in w or w.endswith(("ed", "y")) or w in ("cartoon", "armored", "robotic", "mechanical"):
        if w.endswith("ing"):
            return None
        return "feature"
    return None


def _attr_kind_of_phrase(words: list[str]) -> str:
    for w in reversed(words):
        lemma, _ = singular(w)
        if w in L.CLOTHING or lemma in L.CLOTHING:
            return "clothing"
        if w in L.HAIR_WORDS or lemma in L.HAIR_WORDS:
            return "hair"
        if w in L.MARK_WORDS or lemma in L.MARK_WORDS:
            return "mark"
        if w in L.BODY_PARTS or lemma in L.BODY_PARTS:
            return "feature"
    return "held"


def clothing_items(attrs: list[Attr]) -> list[tuple[str, str, frozenset[str]]]:
    """(slot, garment noun, colour words) for each clothing attribute."""
    out = []
    for a in attrs:
        words = [w.lower() for w in re.findall(r"[A-Za-z][A-Za-z-]*", a.text)]
        garment = None
        for w in reversed(words):
            lemma, _ = singular(w)
            if w in L.CLOTHING or lemma in L.CLOTHING:
                garment = w if w in L.CLOTHING else lemma
                break
        if garment is None:
            continue
        slot = next((s for s, ws in L.CLOTHING_SLOTS.items() if garment in ws), "other")
        colours = frozenset(w for w in words if w in L.COLOURS and w not in ("dark", "light", "pale", "bright"))
        out.append((slot, garment, colours))
    return out


def _edit_distance(a: str, b: str) -> int:
    prev = list(range(len(b) + 1))
    for i, ca in enumerate(a, 1):
        cur = [i]
        for j, cb in enumerate(b, 1):
            cur.append(min(prev[j] + 1, cur[j - 1] + 1, prev[j - 1] + (ca != cb)))
        prev = cur
    return prev[-1]


def scene_phrases(text: str, tokens: list[Token], mentions: list[Mention]) -> list[tuple[str, int, int]]:
    """Where the story happens: locative phrases ("in an ancient, stone-walled chamber")."""
    claimed: set[int] = set()
    for m in mentions:
        for t in tokens:
            if m.start <= t.start and t.end <= max(m.end, tokens[m.end_token].end if m.end_token < len(tokens) else 0):
                claimed.add(t.index)
    preps = {"in", "at", "on", "inside", "through", "across", "along", "under", "beside", "near", "by", "within",
             "into", "onto", "over", "among", "around", "outside"}
    out: list[tuple[str, int, int]] = []
    i = 0
    n = len(tokens)
    while i < n:
        t = tokens[i]
        if t.lower in preps and i + 1 < n and tokens[i + 1].lower in ("a", "an", "the", "its", "their", "his", "her"):
            j = i + 2
            last = None
            while j < n and j - i < 9:
                tj = tokens[j]
                if not tj.is_word:
                    if tj.text == "," and last is not None and j + 1 < n and _is_adjective_like(tokens[j + 1]):
                        j += 1
                        continue
                    break
                if tj.lower in L.FUNCTION_WORDS and tj.lower != "of":
                    break
                if tj.index in claimed or (last is not None and _is_verb_like(tj) and not tj.lower.endswith("ed")):
                    break
                if tj.lower == "of" and (j + 1 >= n or not tokens[j + 1].is_word):
                    break
                last = j
                j += 1
            if last is not None and tokens[last].lower != "of":
                words = {singular(tk.lower)[0] for tk in tokens[i + 2:last + 1]}
                if not words & (L.CLOTHING | L.BODY_PARTS) and noun_info(singular(tokens[last].lower)[0]) is None:
                    s, e = tokens[i].start, tokens[last].end
                    out.append((text[s:e], s, e))
                i = last + 1
                continue
        i += 1
    return out


@lru_cache(maxsize=1024)
def game_words_in(text: str) -> bool:
    """The text names a game ("chess", "a board game"): its pieces are things, not characters."""
    return any(t.lower in _GAME_WORDS for t in tokenize(text) if t.is_word)
