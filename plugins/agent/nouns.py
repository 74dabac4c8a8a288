"""What a noun says about a story entity: its kind, gender, age class, and how two nouns relate.

Semantic knowledge only (the parser gives the words and their roles): the hand-made lexicon of
``data/lexicon.json`` first, then the WordNet tables of `resources` for nouns the lists lack
("a landscaper", "an okapi"). Every noun is looked up by its lower-case singular lemma.
"""

from __future__ import annotations

from collections.abc import Collection
from dataclasses import dataclass
from functools import lru_cache
from typing import TYPE_CHECKING

from . import lexicon as L
from . import resources as R

if TYPE_CHECKING:
    from spacy.tokens import Token

_ALL_ANIMALS = (L.ANIMAL | L.ANIMAL_EXTRA | frozenset(L.ANIMAL_HYPERNYMS)
                | frozenset().union(*L.ANIMAL_HYPERNYMS.values())) - frozenset(L.ANIMAL_WITH_MODIFIER)


@dataclass(frozen=True)
class NounInfo:
    """What a noun says: the entity kind and which kind of noun it is."""

    type: str  # person | animal | creature | robot | vehicle | any | group | prop | background
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
    (L.CREATURE, "creature", "creature"),
    (L.ROBOT, "robot", "robot"),
    (_ALL_ANIMALS, "animal", "species"),
    (L.VEHICLE, "vehicle", "vehicle"),
    (L.GROUP_NOUNS, "group", "group"),
    (L.BACKGROUND_GROUP, "background", "background"),
    (L.ARTWORK, "prop", "artwork"),
)
_AGENT_ENDINGS = ("keeper", "maker", "smith", "wright", "monger", "ician", "person")
_SENSE_CLASSES = {"P": ("person", "occupation"), "A": ("animal", "species"), "R": ("robot", "robot")}


EXTRA_INFO = NounInfo("creature", "creature")  # what a noun of `agent.extra_entity_nouns` names


def set_extra_entity_nouns(words: Collection[str]) -> None:
    """Nouns the config declares story entities (`agent.extra_entity_nouns`, e.g. a synthetic world's
    "circle"); process-wide, like the lexicon, so the classification cache is cleared."""
    new = frozenset(w.lower() for w in words)
    if new != L.EXTRA_ENTITY_NOUNS[0]:
        L.EXTRA_ENTITY_NOUNS[0] = new
        noun_info.cache_clear()


def vehicle_sense(lemma: str) -> bool:
    """The noun's most frequent WordNet sense is a vehicle ("convertible", "hovercraft"): a character
    only when the parse makes it a noun that acts (see the presence sieve)."""
    senses = R.noun_senses(lemma)
    return bool(senses) and senses[0] == "V"


@lru_cache(maxsize=8192)
def noun_info(lemma: str) -> NounInfo | None:
    """Classify a singular noun, or None when it cannot name a story entity."""
    w = lemma.lower()
    if w in L.EXTRA_ENTITY_NOUNS[0]:
        return EXTRA_INFO
    for lexicon, kind, category in _NOUN_CLASSES:
        if w in lexicon:
            return NounInfo(kind, category)
    if R.people_group(w):
        return NounInfo("group", "group")  # a collective of people WordNet knows ("a crew", "the choir")
    title = title_as_noun(w)
    if title is not None:
        return title
    if len(w) >= 6 and (w.endswith(_AGENT_ENDINGS) or (w.endswith("woman") and w not in L.MAN_EXCEPTIONS)
                        or (w.endswith("man") and w not in L.MAN_EXCEPTIONS and not w.endswith("human")
                            and man_compound(w))
                        or (w.endswith("ist") and w not in L.IST_EXCEPTIONS)
                        or (w.endswith("eer") and w not in L.EER_EXCEPTIONS)):
        return NounInfo("person", "occupation")
    # open vocabulary: the noun's most frequent WordNet sense ("a goalie", "a marmot")
    senses = R.noun_senses(w)
    if senses and senses[0] in _SENSE_CLASSES and not R.also_adjective(w) and "W" not in senses:
        return NounInfo(*_SENSE_CLASSES[senses[0]])
    return None


_TITLE_NOUNS: dict[str, str] = R.word_lists("names.json")["title_nouns"]


def title_as_noun(w: str) -> NounInfo | None:
    """A title or honorific of another language (names.json `title_nouns`: "sensei", "nonna", "babcia") used as a
    noun ("the sensei helps her down", "his nonna waves") names a person as its English noun does ("teacher",
    "grandmother"), so the title a name carried ("Ota-sensei") is found again in the noun. A title that is also an
    ordinary English word ("pan", "dona") is left to that word's own sense."""
    if w not in _TITLE_NOUNS or R.common_word(w):
        return None
    info = noun_info(_TITLE_NOUNS[w])
    return info if info is not None and info.type in ("person", "any") else None


def loan_noun(w: str) -> str:
    """The English noun a title or kin word of another language stands for, when it is used as a noun ("her
    abuela" is her grandmother, "their babcia", "his jiddo"); any other word is itself. The mention reads its
    gender, age and kin relation from that English noun, so the relative sieve finds "her abuela" as it finds
    "her grandmother"."""
    return _TITLE_NOUNS[w] if title_as_noun(w) is not None else w


def man_compound(w: str) -> bool:
    """A word ending in "man" names a person by that ending only when it is built on an English word ("boatman",
    "kinsman" with its linking "s") or WordNet lists it as a person ("shaman"): a borrowed word that merely ends
    in those letters ("talisman", a song's name) is no one."""
    stem = w[:-3]
    return R.noun_senses(w)[:1] == "P" or R.common_word(stem) or stem.endswith("s") and R.common_word(stem[:-1])


def noun_info_renaming_a_name(lemma: str) -> NounInfo | None:
    """`noun_info` for a noun set beside a name ("Burek, a scruffy mongrel"): the phrase describes a character,
    so the noun's most frequent sense that can be one holds even when a thing sense comes first."""
    info = noun_info(lemma)
    if info is not None:
        return info
    senses = R.noun_senses(lemma.lower()).replace("W", "")
    first = next((c for c in senses if c in "PAR"), None)
    return NounInfo(*_SENSE_CLASSES[first]) if first is not None and not R.also_adjective(lemma) else None


def noun_info_as_noun(lemma: str) -> NounInfo | None:
    """`noun_info` for a word the parse uses as a noun with a determiner ("the patient", "the native"): an
    adjective reading is ruled out there, so the WordNet class of its first sense holds."""
    info = noun_info(lemma)
    if info is not None:
        return info
    senses = R.noun_senses(lemma.lower())
    # a person sense only: "the young", "the male" as animals would be a guess about the species
    return NounInfo(*_SENSE_CLASSES["P"]) if senses[:1] == "P" else None


_EXPLICIT = frozenset().union(*(lex for lex, _, _ in _NOUN_CLASSES))


def from_lexicon(lemma: str) -> bool:
    """The noun is in a hand-made list (not only in the WordNet table or recognised by its ending)."""
    return lemma in _EXPLICIT


def noun_gender(lemma: str) -> str | None:
    """Gender carried by the noun itself ("mother", "fisherman"), else None."""
    if lemma in L.MALE_NOUNS or (lemma.endswith("man") and lemma not in L.MAN_EXCEPTIONS and len(lemma) > 4
                                 and not lemma.endswith("woman")):
        return "male"
    if lemma in L.FEMALE_NOUNS or lemma.endswith("woman"):
        return "female"
    return None


def noun_age(lemma: str) -> str | None:
    """'child' or 'adult' when the noun says it (a boy is never "the man"), else None."""
    if lemma in L.CHILD_NOUNS:
        return "child"
    if lemma in L.ADULT_NOUNS:
        return "adult"
    if R.noun_relation(lemma, "adult") == 2 and not R.noun_relation(lemma, "juvenile") \
            and not R.noun_relation(lemma, "child"):
        return "adult"  # "teacher", "nurse": WordNet files the noun under adults (and never under children)
    return None


_SYN_INDEX: dict[str, set[str]] = {}
for _group in L.SYNONYM_GROUPS:
    for _w in _group:
        _SYN_INDEX.setdefault(_w, set()).update(_group)


def synonyms(a: str, b: str) -> bool:
    """The two nouns name the same thing (lexicon synonym groups, then a shared WordNet synset)."""
    return a == b or b in _SYN_INDEX.get(a, ()) or R.noun_relation(a, b) == 3


def _lexicon_hypernym(a: str, b: str) -> bool:
    for fam in (L.ANIMAL_HYPERNYMS, L.PERSON_HYPERNYMS):
        if b in fam.get(a, ()) or a in fam.get(b, ()):
            return True
    return False


_KIND_WORDS = {"robot": "robot", "machine": "robot", "vehicle": "vehicle", "animal": "animal",
               "creature": "creature", "beast": "animal"}


def hypernyms(a: str, b: str) -> bool:
    """One noun names the other more generally, either way ("the bird" for the seagull)."""
    if _lexicon_hypernym(a, b) or R.noun_relation(a, b) == 2:
        return True
    pairs = ((a, b), (b, a))
    for general, specific in pairs:
        if general == "child" and specific in L.CHILD_KIN or general == "parent" and specific in L.PARENT_KIN:
            return True
        if general == "boat" and specific in L.BOATS:
            return True
        kind = _KIND_WORDS.get(general)
        info = noun_info(specific)
        if kind is not None and info is not None and info.type == kind:
            return True
    return False


def kin_relation(noun: str) -> str | None:
    """The kin relation a noun names ("son" -> "child", "grandma" -> "grandparent"), else None."""
    return next((g for g, words in L.KIN_GROUPS.items() if noun in words), None)


def reciprocal(relation: str) -> str | None:
    """The relation seen from the other side ("child" -> "parent")."""
    value = L.KIN_RECIPROCAL.get(relation)
    return value if isinstance(value, str) else None


def machine_character(tok: Token, known_machines: frozenset[str]) -> bool:
    """A machine noun of lexicon.json's ROBOT_WITH_MODIFIER heading a phrase that holds one of its robot
    modifiers ("a tiny robotic vacuum cleaner"), any artifact noun (WordNet: its first sense a structure or
    device) with a modifier that makes a thing a robot ("a robotic kettle", ROBOT_MAKING_MODIFIERS), or
    one the story has already made a robot ("the vacuum", "the kettle")."""
    lemma = tok.lemma_.lower()
    if tok.pos_ != "NOUN" or tok.dep_ in ("compound", "amod") and tok.head.i > tok.i and tok.head.pos_ == "NOUN":
        return False
    if lemma in known_machines:
        return True
    words = {t.lower_ for t in tok.subtree if t.i < tok.i} | {t.lemma_.lower() for t in tok.subtree if t.i < tok.i}
    if lemma in L.ROBOT_WITH_MODIFIER:
        return bool(words & L.ROBOT_WITH_MODIFIER[lemma])
    own = {c.lower_ for c in tok.children if c.dep_ in ("amod", "compound") and c.i < tok.i}
    return R.thing_noun(lemma) and bool(own & L.ROBOT_MAKING_MODIFIERS)


def unknown_character_noun(tok: Token) -> NounInfo | None:
    """A common noun after "a" / "an" that no dictionary has (a loanword for a being: "a bearded domovoi", "a
    grey-dreadlocked mestre"), read as a character when its own phrase gives it hair or a beard, which only the
    living have. Without that sign the unknown word stays a thing ("hums an old kundiman"): foreign nouns for
    songs, dishes, garments and tools are as common as those for beings. (Weaker signs were tried and cost the
    validation stories a false character: being the subject of a verb only the living do, or wearing
    something.)"""
    low = tok.lemma_.lower()
    if tok.pos_ != "NOUN" or not tok.text.islower() or R.common_word(low) or R.common_word(tok.lower_) \
            or R.noun_senses(low) or not any(c.dep_ == "det" and c.lower_ in ("a", "an") for c in tok.children):
        return None
    hair = any(c.dep_ == "amod" and c.i < tok.i and c.lower_.endswith("ed") and (
        {c.lower_[:-2], c.lower_[:-1], c.lower_[:-2] + "s"} & L.HAIR_WORDS) for c in tok.children)
    return NounInfo("creature", "creature") if hair else None


def story_animal_noun(tok: Token, known_animals: Collection[str]) -> bool:
    """A person noun with an animal sense in WordNet that names one of the story's animals: the animal's own noun
    ("the monitor" after "a monitor lizard"), or one WordNet puts above or below an animal noun of the story
    through that sense ("the vixen" for the fox, "the nanny" for the goat), unless a hand-made list has it as a
    person. Once the story has that animal,
    the animal sense is the likely one; a word with no noun of the story behind it keeps its person sense. (Thing
    nouns are left out: "a kite" or "its perch" beside a bird or a fish is mostly the thing.)"""
    lemma = tok.lemma_.lower()
    if tok.pos_ != "NOUN" or "A" not in R.noun_senses(lemma) or not known_animals:
        return False
    if lemma in known_animals:
        return True
    if from_lexicon(lemma):
        return False  # "man", "girl": WordNet's slang senses relate them to "cat" and "bird"
    return any(c.dep_ in ("det", "poss") for c in tok.children) and any(
        R.noun_relation(lemma, k) >= 2 for k in known_animals if k != lemma)


def animal_sense(modifier: Token, head_type: str) -> bool:
    """A noun compounded before an animal's head noun that has an animal sense of its own in WordNet, even where
    its first sense is a person ("a monitor lizard", "an emperor penguin"): it names the species, and the story
    may later use it alone ("the monitor"), so it is one of the animal's nouns."""
    return head_type == "animal" and "A" in R.noun_senses(modifier.lemma_.lower())


#: dependencies of a phrase that is an argument of its clause (subject, object, complement, apposition, conjunct)
ARGUMENT_DEPS = frozenset({"nsubj", "nsubjpass", "dobj", "pobj", "attr", "appos", "conj", "ROOT"})


def subject_verbs(subject: Token) -> list[Token]:
    """The verb a subject token hangs on and the words conjoined to it ("looks up and smiles"): spaCy hangs a
    shared subject on the first verb only, and the later verbs say what the subject does too."""
    return [subject.head, *(c for c in subject.head.children if c.dep_ == "conj")]


def adjective_noun_head(tok: Token) -> bool:
    """A character noun tagged as an adjective but used as an argument with a determiner ("the legionary")."""
    return tok.pos_ == "ADJ" and tok.dep_ in ARGUMENT_DEPS and any(c.dep_ == "det" for c in tok.children) \
        and not R.also_adjective(tok.lower_) and noun_info(tok.lower_) is not None


def character_noun_head(tok: Token) -> NounInfo | None:
    """What character the token names when it heads its phrase (None: it names no one, or only modifies a later
    noun)."""
    if adjective_noun_head(tok):
        return noun_info(tok.lower_)  # "the legionary" tagged as an adjective
    if vehicle_word_tagged_as_adjective(tok):
        return NounInfo("vehicle", "vehicle")  # "the truck tows the convertible"
    if tok.pos_ not in ("NOUN", "PROPN") or tok.dep_ in ("compound", "amod") and tok.head.i > tok.i and (
            tok.head.pos_ in ("NOUN", "PROPN") or adjective_noun_head(tok.head)):
        return None  # a noun modifying a later noun names no one: "a pony brush", "the dog walker"
    if tok.pos_ == "PROPN" and tok.text[:1].isupper() or tok.dep_ == "compound" and tok.lower_ in _TITLE_NOUNS:
        return None  # (an honorific is part of the name it is joined to: "Ota-sensei")
    info = noun_info(tok.lemma_.lower())
    determined = any(c.dep_ == "det" for c in tok.children)
    if info is None and tok.pos_ == "NOUN" and determined:  # "the patient": no adjective after a determiner;
        # "Rex, a scruffy mongrel": beside a name, a character's noun
        renames = tok.dep_ == "appos" and tok.head.pos_ == "PROPN" and not tok.head.text.isupper()  # (a word in
        # capitals is a screenplay's cue, "POV — THE GIRL: a hand reaches in", whose noun the parse calls a name)
        info = (noun_info_renaming_a_name if renames else noun_info_as_noun)(tok.lemma_.lower())
    if info is None and determined:
        info = unknown_character_noun(tok)  # "a mestre in white trousers"
    if info is None:
        info = member_of_people_group(tok)  # "a team of two cleaners"
    if info is None and tok.pos_ == "NOUN" and vehicle_sense(tok.lemma_.lower()) and determined:
        return NounInfo("vehicle", "vehicle")
    return info


def vehicle_word_tagged_as_adjective(tok: Token) -> bool:
    """A word whose first WordNet sense is a vehicle ("convertible", "electric"), tagged as an adjective yet with a
    determiner of its own and standing where a noun phrase stands (subject, object, object of a preposition):
    an adjective with a determiner heads its phrase, so it is the vehicle noun (whether that vehicle is a
    character or scenery, the presence sieve decides). As a modifier ("a convertible sofa") it stays one."""
    return tok.pos_ == "ADJ" and tok.dep_ in ARGUMENT_DEPS and any(c.dep_ == "det" for c in tok.children) \
        and vehicle_sense(tok.lower_)


def member_of_people_group(tok: Token) -> NounInfo | None:
    """The noun a collective of people is made of ("a team of cleaners", "a gang of hands", "a crew of
    cutters") names people when WordNet has a person sense for it at all, even where a thing sense comes first
    ("cleaner" the product): a crew, team or gang is made of people, so the word names its members."""
    of = tok.head
    if tok.pos_ != "NOUN" or tok.dep_ != "pobj" or of.lower_ != "of" or not R.people_group(of.head.lemma_.lower()):
        return None
    return NounInfo(*_SENSE_CLASSES["P"]) if "P" in R.noun_senses(tok.lemma_.lower()) else None


def animal_compound_head(tok: Token) -> bool:
    """The word ends a two- or three-word name of an animal kind (lexicon.json ANIMAL_COMPOUNDS: "German
    shepherd", "Great Dane"), as the head of its phrase."""
    if tok.pos_ not in ("NOUN", "PROPN") or tok.dep_ in ("compound", "amod") and tok.head.i > tok.i:
        return False
    doc = tok.doc
    for n in (2, 3):
        if tok.i - n + 1 >= 0 and " ".join(t.lower_.rstrip(".") for t in doc[tok.i - n + 1:tok.i + 1]) \
                in L.ANIMAL_COMPOUNDS:
            return True
    return False
