"""Entity-centric attributes: what the sieves compare a mention with.

A `Cluster` is one entity while a prompt is linked: an entity already in the registry, or the
mentions of this prompt gathered so far. Attributes belong to the cluster (the union of what
its mentions said), so a later sieve compares a mention with everything known about the entity,
not with one earlier phrase (Lee et al. 2013, entity-centric coreference).
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import TYPE_CHECKING

from . import lexicon as L
from .mentions import Mention
from .modifiers import stated_comparative
from .nouns import hypernyms, noun_info, synonyms
from .registry import RegistryEntry

if TYPE_CHECKING:
    from spacy.tokens import Doc

#: age classes from youngest to oldest; two classes contradict when they are two steps apart or more
AGE_ORDER = {"child": 0, "young": 1, "adult": 2, "old": 3}


@dataclass(eq=False)
class Cluster:
    """One entity while a prompt is read (see the module docstring)."""

    cid: int
    entry: RegistryEntry | None = None  # the registry entity, once it has one
    mentions: list[Mention] = field(default_factory=list)
    type: str = "person"
    gender: str | None = None
    age: str | None = None
    stated_age: int | None = None
    size: str | None = None
    colours: set[str] = field(default_factory=set)
    clothing: set[str] = field(default_factory=set)
    descriptors: set[str] = field(default_factory=set)
    nouns: set[str] = field(default_factory=set)
    names: set[str] = field(default_factory=set)
    group: bool = False
    group_size: int | None = None
    kin: dict[int, str] = field(default_factory=dict)  # other cluster id -> what this entity is to it
    acts: set[str] = field(default_factory=set)  # verbs it was the subject of ("lead": "the leader" finds it)
    last_prompt: int = -1
    group_key: str | None = None  # members of one counted plural share it
    claimed: bool = True  # False for a member no description has singled out yet
    order: int = 0  # first appearance (prompt, then position) for ids

    @classmethod
    def of_entry(cls, e: RegistryEntry) -> Cluster:
        return cls(cid=e.entity_id, entry=e, type=e.type, gender=e.gender, age=e.age or kin_age(e.kin),
                   stated_age=e.stated_age,
                   size=e.size, colours=set(e.colours), clothing=set(e.clothing), descriptors=set(e.descriptors),
                   nouns={n for n in e.nouns if not n.startswith("@")}, names={n for n in e.nouns if n.startswith("@")},
                   group=e.group, group_size=e.group_size, kin=dict(e.kin), acts=set(e.acts), last_prompt=e.last_prompt,
                   group_key=e.group_key, claimed=e.claimed)

    def absorb(self, m: Mention) -> None:
        """Add what the mention says to the entity."""
        self.mentions.append(m)
        self.acts |= m.acts
        if m.kind in ("pronoun", "cover"):
            if m.gender and not self.gender and not m.plural:
                self.gender = m.gender
            return
        if self.type in ("any",) and m.type not in ("any", "thing") or self.named and self.type == "person" \
                and m.type in ("animal", "robot", "creature", "vehicle"):
            self.type = m.type
        self.gender = self.gender or m.gender
        if m.age and (self.age is None or self.age in ("young", "old") and m.age in ("child", "adult")
                      and not (self.age == "old" and m.age == "adult")):
            self.age = m.age  # a noun's class refines "young"; "old" stays (the coach called old is old)
        implied = implied_age(m.lemma) if m.kind != "name" else title_age(m)
        if implied is not None and self.age in (None, "adult"):
            self.age = implied
        if m.age is None and implied is not None:
            m.age = implied
        self.stated_age = self.stated_age if self.stated_age is not None else m.stated_age
        self.size = self.size or m.size
        self.colours |= m.colours
        self.clothing |= m.clothing
        self.descriptors |= m.descriptors
        self.nouns |= m.nouns
        self.names |= m.names
        if m.type == "group" or m.plural and m.kind == "noun":
            self.group = True
            self.group_size = self.group_size or m.count

    @property
    def unclaimed_member(self) -> bool:
        return self.group_key is not None and not self.claimed

    @property
    def named(self) -> bool:
        return bool(self.names)


def called_old(c: Cluster) -> bool:
    """The story said the entity is old: an age class of old (an adjective, or a noun such as "grandmother"), an
    old-age word among its descriptions, or grey or white hair ("a grey-haired man", whose noun made him an adult)."""
    return c.age == "old" or bool(c.descriptors & L.AGE_OLD) or bool(
        c.descriptors & L.OLD_HAIR_COLOURS and c.descriptors & L.HAIR_WORDS)


def implied_age(lemma: str) -> str | None:
    """The age class a noun implies through the rough ages of data/sieves.json ("grandmother": old)."""
    from .sieves.words import AGE_YEARS, CHILD_YEARS, OLD_YEARS, YOUNG_YEARS

    years = AGE_YEARS.get(lemma)
    if years is None:
        return None
    return "old" if years >= OLD_YEARS else "child" if years <= CHILD_YEARS else "young" if years <= YOUNG_YEARS \
        else None


def kin_age(kin: dict[int, str]) -> str | None:
    """Someone the story made a grandparent ("Lan's granddaughter Mai") is old, however they were described:
    "the old woman" finds them, "the girl" does not."""
    return "old" if "grandparent" in kin.values() else None


def title_age(m: Mention) -> str | None:
    """The age class a name's title implies ("Grandfather Osei", "Abuela Marta": old; data/sieves.json age_years of
    the noun the title makes its bearer): a name says nothing of age, its title does, so "the boy" is not
    Grandpa Osei."""
    ages = {a for n in m.nouns if (a := implied_age(n)) is not None}
    return next(iter(ages)) if len(ages) == 1 else None


def handled_things(doc: Doc, m: Mention) -> set[str]:
    """The nouns of the things a character plays, carries or works where it is introduced or acts: the objects of
    its verbs and the things it is "with" ("runs up with a drum", "plays the fiddle", "a boy with a whistle", "a girl
    holding a whistle"). They let a later agent noun made from the thing ("the drummer", "the fiddler") find who
    handled it, where recency alone would take whoever was named last."""
    if m.kind not in ("name", "noun") or not m.subject and m.kind != "noun":
        return set()
    tok = doc[m.head]
    heads = [tok, *(c for c in tok.children if c.dep_ == "acl")]  # "a girl holding a whistle"
    if m.subject:
        heads += [tok.head] + [c for c in tok.head.children if c.dep_ == "conj" and c.pos_ == "VERB"]
    out = set()
    for h in heads:
        # the verb's own words and those of a particle or preposition on it ("bursts in with a drum")
        near = [c for k in h.children for c in ([k, *k.children] if k.dep_ in ("prt", "prep") else [k])]
        for c in near:
            objs = [c] if c.dep_ == "dobj" and h is not tok else \
                [o for o in c.children if o.dep_ == "pobj"] if c.dep_ == "prep" and c.lower_ == "with" else []
            out |= {x.lemma_.lower() for o in objs if o.pos_ == "NOUN" for x in (o, *o.children)
                    if x.pos_ == "NOUN" and x.dep_ in ("compound", c.dep_, "dobj", "pobj")}  # "a snare drum"
    return out


def type_compatible(m: Mention, c: Cluster) -> bool:
    """A mention of kind `m.type` may name an entity of kind `c.type`."""
    a, b = m.type, c.type
    if a in ("any",) or b in ("any",) or a == b:
        return True
    if {a, b} <= {"person", "creature"} or {a, b} <= {"robot", "vehicle"}:
        return True
    if {a, b} <= {"animal", "creature"} or a == "animal" and b == "robot":
        return True  # "the bird" for a mechanical bird, "the beast" for a dragon
    return a == "person" and b == "animal" and young_epithet_fits(m, c)


def young_epithet_fits(m: Mention, c: Cluster) -> bool:
    """A general word for someone young ("the youngster", "the baby"; data/sieves.json young_epithets) may name
    the young of an animal: an entity known by a young animal's noun ("pup", "foal") or as a child / young."""
    from .sieves.words import YOUNG_EPITHETS

    return m.lemma in YOUNG_EPITHETS and (bool(c.nouns & L.JUVENILE_ANIMAL) or c.age in ("child", "young"))


def contradicts(m: Mention, c: Cluster) -> str | None:
    """Why the mention cannot be the entity (gender, age, size, name, colours, kind), or None."""
    if not type_compatible(m, c):
        return "kind"
    if m.gender and c.gender and m.gender != c.gender:
        return "gender"
    if m.names and c.names and not (m.names & c.names):
        return "name"
    if m.age and c.age and abs(AGE_ORDER[m.age] - AGE_ORDER[c.age]) >= 2:
        return "age"
    if m.stated_age is not None and c.stated_age is not None and m.stated_age != c.stated_age:
        return "stated age"
    if m.size and c.size and m.size != c.size or m.size and not c.size and compared_size(c) not in (None, m.size):
        return "size"
    shared_garments = m.clothing & c.clothing | (m.features - L.COLOURS) & (c.descriptors | c.clothing)
    if shared_garments and m.colours and c.colours and not (m.colours & c.colours):
        return "colours"  # "the man in blue trunks" is not the one in red trunks (whatever noun it uses)
    if body_colours_differ(m, c):
        return "colours"
    if builds_differ(m.descriptors | m.modifiers, c.descriptors):
        return "build"
    return None


def compared_size(c: Cluster) -> str | None:
    """The size a comparative said of the entity states ("the smaller one" of two swans is the small one, so
    "the big swan" is the other), when it has no size word of its own and was not called both."""
    sides = {d for w in c.descriptors if (d := stated_comparative(w)) is not None and d[0] == "size"}
    return None if len(sides) != 1 else "large" if next(iter(sides))[1] > 0 else "small"


def build_of(words: set[str]) -> int | None:
    """-1 for a slight build ("thin", "wiry"), 1 for a heavy one ("stout", "plump"), None when unsaid or both."""
    slight, heavy = bool(words & L.BUILD_SLIGHT), bool(words & L.BUILD_HEAVY)
    return -1 if slight and not heavy else 1 if heavy and not slight else None


def builds_differ(a: set[str], b: set[str]) -> bool:
    """One is described as slight ("thin", "skinny"), the other as heavy ("stout", "plump"): two bodies, whatever
    noun each phrase uses ("the thin tailor" is not the stout one)."""
    x, y = build_of(a), build_of(b)
    return x is not None and y is not None and x != y


def body_colours_differ(m: Mention, c: Cluster) -> bool:
    """An animal, creature, robot or vehicle described without clothing is the colour it is said to be,
    so "a yellow robot" is not "the grey robot". (People are left out: their colours are mostly clothes
    that change between shots.)"""
    kinds = ("animal", "creature", "robot", "vehicle")
    return m.type in kinds and c.type in kinds and not m.clothing and not c.clothing \
        and bool(m.colours) and bool(c.colours) and not (m.colours & c.colours)


def noun_match(m: Mention, c: Cluster) -> bool:
    """The mention repeats a noun of the entity, or a synonym of one."""
    return any(synonyms(a, b) for a in m.nouns for b in c.nouns)


def related_match(m: Mention, c: Cluster) -> bool:
    """The mention's head names one of the entity's nouns more generally or more specifically (WordNet). A noun
    for the young of an animal ("cygnet", "foal") never names an entity known only by adult nouns ("the swan")."""
    if not m.lemma or m.lemma in L.JUVENILE_ANIMAL and not c.nouns & L.JUVENILE_ANIMAL:
        return False
    return any(hypernyms(m.lemma, b) for b in c.nouns)


def generic_fit(m: Mention) -> bool:
    """The head says only who someone is in general ("the man", "the girl", "the newcomer")."""
    info = noun_info(m.lemma) if m.lemma else None
    return info is not None and info.category in ("generic", "epithet")


def overlap(m: Mention, c: Cluster) -> int:
    """How many descriptive words (modifiers, colours, clothing) the mention shares with the entity."""
    same_age = int(m.age is not None and m.age == c.age)
    same_size = int(m.size is not None and m.size == (c.size or compared_size(c)))
    return len(m.descriptors & c.descriptors) + len(m.colours & c.colours) + len(m.clothing & c.clothing) \
        + same_age + same_size


def support(m: Mention, c: Cluster) -> int:
    """Positive evidence that the mention names the entity, one point each (no weights: every piece counts
    alike): the same stated gender, a noun it repeats or names more generally / specifically, and each
    descriptive word, colour, garment, age class or size they share (`overlap`), except the adult age class
    (most characters are adults: sharing it tells nobody apart)."""
    same_gender = int(m.gender is not None and m.gender == c.gender)
    related = int(noun_match(m, c) or related_match(m, c))
    adult = int(m.age == "adult" and c.age == "adult")
    return same_gender + related + overlap(m, c) - adult
