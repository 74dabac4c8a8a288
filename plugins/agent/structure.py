"""Structure between mentions: which phrase renames, describes or lists another, read from the parse.

`mentions.MentionReader` builds each mention from its own phrase (head noun, modifiers, attributes); this
module links the finished mentions of one prompt to each other: apposition ("Zofia, a ferry pilot"),
predicate nominatives ("the pilot is Zofia"), naming verbs ("a boy whom everyone calls Sasha"), dressing
verbs ("dressed as a pirate") and the members a plural lists ("two sisters, Mira and Noor"). It sets
`Mention.appos_of`, `member_of`, `skip` ("predicate") and the "listed" descriptor of a plural; the sieves
read those links.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from . import lexicon as L
from . import resources as R
from .arrivals import link_arrivals
from .modifiers import stems
from .nicknames import link_nicknames
from .nouns import ARGUMENT_DEPS
from .proper_names import as_name_owner

if TYPE_CHECKING:
    from spacy.tokens import Doc, Token

    from .mentions import Mention

__all__ = ["link_structure"]

_NAME_VERBS = frozenset({"call", "name", "nickname"})
_DRESSING_VERBS = frozenset(R.word_lists("sieves.json")["dressing_verbs"])
_RAISING_VERBS = frozenset(R.word_lists("sieves.json")["raising_verbs"])
_SUBJECT_DEPS = frozenset({"nsubj", "nsubjpass"})
_SECOND_SUBJECT_DEPS = frozenset({"nsubj", "nsubjpass", "npadvmod", "advcl"})  # a noun the parse hung on the verb
_COPULAS = frozenset({"be", "become"})


class _StructureLinker:
    """Links the mentions of one parsed prompt to each other (see the module docstring)."""

    def __init__(self, text: str, doc: Doc, mentions: list[Mention]) -> None:
        self.text = text
        self.doc = doc
        self.mentions = mentions

    def _after_a_described_noun(self, m: Mention) -> bool:
        """The phrase follows a comma right after a definite or possessive singular character noun of its sentence,
        which the phrase renames ("her cousin, a thin ten-year-old"), wherever the parse hung it."""
        prev = next((x for x in reversed(self.mentions[:m.index]) if x.kind != "pronoun"), None)
        return prev is not None and prev.kind == "noun" and prev.sent == m.sent and not prev.plural \
            and prev.det in ("def", "poss") and self.text[prev.end:m.start].strip() == ","

    def link(self) -> None:
        """Apposition, predicate nominatives, naming verbs and listed members, from the parse."""
        by_head = {m.head: m for m in self.mentions}
        for m in self.mentions:
            tok = self.doc[m.head]
            host = by_head.get(tok.head.i) if tok.head.i != tok.i else None
            listed = any(c.dep_ == "conj" for c in tok.children) or any(
                c.dep_ == "conj" for c in self.doc[host.head].children) if host is not None else False
            if m.kind == "name" and (noun := self._second_subject_host(tok, by_head)) is not None:
                m.appos_of = noun.index  # "a clerk in a vest, Ana Ruiz, walks": the parse gave the verb two subjects
                continue
            if tok.dep_ == "appos" and host is None and m.det == "indef":
                anc = next((a for a in tok.ancestors if a.i in by_head), None)
                if anc is not None and by_head[anc.i].kind in ("noun", "name") and by_head[anc.i].sent == m.sent:
                    m.appos_of = by_head[anc.i].index  # "a porter in a red coat, a tall woman ...": the parse
                    continue  # hung the apposition on the uniform
            if tok.dep_ == "appos" and host is not None and (host.plural or not listed or m.det in ("indef", "poss")):
                if host.plural and not m.plural:
                    m.member_of = host.index
                else:
                    m.appos_of = host.index
            elif tok.dep_ in ("attr", "oprd") and tok.head.lemma_ in ("be", "become") or (
                    tok.dep_ == "conj" and host is not None and host.skip == "predicate"):
                verb = tok.head if tok.dep_ != "conj" or host is None else self.doc[host.head].head
                subj = next((by_head.get(c.i) for c in verb.children if c.dep_ in _SUBJECT_DEPS), None) \
                    or _raised_subject(verb, by_head)
                negated = any(c.dep_ == "neg" for c in verb.children) or any(
                    c.lower_ in ("longer", "never") for c in verb.subtree if verb.i < c.i < tok.i)
                if subj is None or negated or subj.plural or tok.dep_ == "conj":
                    m.skip = "predicate"  # "is no longer a baker", "they are a duo"
                else:
                    m.appos_of = subj.index  # "the pilot is Zofia", "she is a pilot"
                    if subj.kind == "pronoun" and subj.lemma == "it" and (who := self._who_it_is(subj, verb)):
                        m.appos_of = who.index  # "a stout man limps in; it is Bruno himself"
            elif tok.dep_ == "pobj" and tok.head.lower_ == "as" and tok.head.head.lemma_ in _DRESSING_VERBS \
                    and (dressed := _dressed_one(tok.head.head.head, by_head)) is not None:
                m.appos_of = dressed.index  # "a young cook dressed as a pirate"
            elif tok.dep_ in ("oprd", "xcomp", "dobj") and m.kind == "name" and tok.head.lemma_ in _NAME_VERBS:
                obj = next((by_head.get(c.i) for c in tok.head.children if c.dep_ == "dobj" and c.i != tok.i), None)
                rel = next((c for c in tok.head.children if c.lower_ in ("whom", "who", "that")), None)
                if obj is not None:
                    m.appos_of = obj.index  # "calls him Tobi", "a man named Jonas"
                elif rel is not None and tok.head.dep_ == "relcl" and (host := self._relative_host(
                        tok.head.head, rel, by_head)) is not None:
                    m.appos_of = host.index  # "a boy whom everyone calls Sasha"
                elif rel is None and (host := self._contact_clause_host(tok, by_head)) is not None:
                    m.appos_of = host.index  # "a lanky boy everybody calls Tomi"
                elif tok.head.dep_ == "acl" and tok.head.head.i in by_head:
                    m.appos_of = by_head[tok.head.head.i].index
            elif tok.dep_ == "conj" and host is not None and host.member_of is not None:
                m.member_of = host.member_of
            elif m.kind == "name" and (owner := as_name_owner(tok)) is not None and owner.i in by_head:
                m.appos_of = by_head[owner.i].index  # "introduces himself as Tamsin", "a boy known as Ferro"
        for m in self.mentions:
            tok = self.doc[m.head]
            if m.kind != "noun" or m.det != "indef" or m.plural or not self.text[:m.start].rstrip().endswith(","):
                continue
            subj = next((x for x in reversed(self.mentions[:m.index]) if x.sent == m.sent and x.subject
                         and x.kind in ("noun", "name") and not x.plural), None)
            hung = m.member_of if m.member_of is not None else m.appos_of
            crossed = subj is not None and tok.head.i < subj.head  # an object of a verb before that subject
            if hung is None and self._after_a_described_noun(m):
                continue  # "near her cousin, a thin ten-year-old": the noun before the comma (below)
            if hung is None and (tok.dep_ not in ARGUMENT_DEPS - {"ROOT"} or tok.dep_ == "appos" or crossed):
                if subj is not None:  # "A second dog bounds in, a sleek greyhound with ...": hung on the verb
                    m.appos_of = subj.index
            elif hung is not None and subj is not None and subj.index > hung:
                # "the twins wave as their aunt arrives, a short woman ...": the parse hung the phrase
                # on an earlier plural; the subject just before it is the one it describes
                m.appos_of, m.member_of = subj.index, None
        for m in self.mentions:
            nxt = next((x for x in self.mentions[m.index + 1:] if x.kind != "pronoun"), None)
            if m.kind == "noun" and not m.plural and nxt is not None and nxt.sent == m.sent and nxt.kind == "noun" \
                    and nxt.det == "indef" and not nxt.plural and nxt.appos_of is None and nxt.member_of is None \
                    and (self.text[m.end:nxt.start].strip() == "," and m.det in ("def", "poss", "new")
                         or m.det in ("def", "poss", "new", "indef") and self._own_tail_comma(m, nxt)) \
                    and self.doc[nxt.head].dep_ != "conj" and not any(
                        c.dep_ == "conj" for c in self.doc[m.head].children) \
                    and not self._fronted_setting_before_subject(m, nxt):
                nxt.appos_of = m.index  # "the ferryman, a wiry man with ...", whatever the parse
            if m.kind == "name" and nxt is not None and nxt.sent == m.sent and nxt.kind == "noun" \
                    and self.text[m.end:nxt.start].strip() == "," and nxt.det in ("indef", "poss") \
                    and not nxt.plural and nxt.appos_of is None and nxt.member_of is None:
                nxt.appos_of = m.index  # "Oluwatobiloba, her grandson ..., arrives" (whatever the parse)
        self._possessed_features()
        self._worn_character_noun()
        self._names_after_counted_plural()
        self._name_after_described_noun()
        self._name_right_after_noun()
        self._name_set_off_after_noun()
        self._members_read_as_appositions()
        self._ones_described_after_a_plural()
        link_arrivals(self.text, self.doc, self.mentions)
        for m in self.mentions:
            if m.member_of is not None:
                group = self.mentions[m.member_of]
                group.descriptors.add("listed")
        for m in self.mentions:
            if m.det == "indef" and m.skip is None and m.appos_of is None and any(
                    a.dep_ in ("attr", "oprd") and a.head.lemma_ in _COPULAS for a in self.doc[m.head].ancestors):
                m.skip = "predicate"  # "is no longer a clerk but a sailor steering the boat"


    def _who_it_is(self, it: Mention, verb: Token) -> Mention | None:
        """The character an "it is X" clause identifies ("a stout man limps in; it is Bruno himself", "someone
        knocks. It is the postman"): the last singular character phrase before "it" in its sentence (or in the
        sentence before, when "It" opens one), which the clause names; "it" refers to no thing there. Not when the
        clause is what someone thinks or says ("she thinks it is her father": a guess, often a wrong one)."""
        if verb.dep_ in ("ccomp", "xcomp", "advcl", "relcl"):
            return None
        sents = (it.sent, it.sent - 1) if self.doc[it.head].is_sent_start else (it.sent,)
        return next((x for x in reversed(self.mentions[:it.index]) if x.sent in sents and x.kind in ("noun", "name")
                     and not x.plural and x.skip is None and x.type in ("person", "any", "animal")), None)

    def _possessed_features(self) -> None:
        """A character phrase that owns hair or a mark ("close-up of the fisherman's frosted beard", "the
        courier's scar") is described by it, as "the fisherman with a beard" would be: shot lists show such a
        feature on its owner first and later pick the owner out by it ("the bearded one"). (Garments are left
        out: a worn thing owned in passing, "the newcomer's apron", is often one that everybody wears.)"""
        for m in self.mentions:
            tok = self.doc[m.head]
            owned = tok.head
            lemma = owned.lemma_.lower()
            if m.kind not in ("noun", "name") or m.plural or tok.dep_ != "poss" or owned.i == tok.i \
                    or lemma not in L.HAIR_WORDS | L.MARK_WORDS:
                continue
            m.descriptors |= stems(lemma)
            m.features.add(lemma)

    def _worn_character_noun(self) -> None:
        """A singular character noun after "in" that hangs on another character's phrase ("the boy in the blue
        rash guard", "a runner in a grey body guard") is something worn that a character noun also names:
        nobody stands inside another person, so the phrase is an attribute, not a second character."""
        by_head = {m.head: m for m in self.mentions}
        for m in self.mentions:
            tok = self.doc[m.head]
            prep = tok.head
            host = by_head.get(prep.head.i) if tok.dep_ == "pobj" and prep.lower_ == "in" else None
            if m.kind == "noun" and not m.plural and m.type in ("person", "any") and m.skip is None \
                    and host is not None and host is not m and host.kind == "noun" and host.type in ("person", "any") \
                    and not host.plural and prep.head.i < prep.i:
                m.skip = "attribute"

    def _second_subject_host(self, tok: Token, by_head: dict[int, Mention]) -> Mention | None:
        """The character noun a name set off by commas renames, where the parse made both subjects of one verb."""
        start = tok.left_edge.i
        if tok.dep_ not in _SUBJECT_DEPS or start == 0 or self.doc[start - 1].text != "," \
                or tok.i + 1 >= len(self.doc) or self.doc[tok.i + 1].text != ",":
            return None
        for c in tok.head.children:
            noun = by_head.get(c.i)
            if c.i < start and c.dep_ in _SECOND_SUBJECT_DEPS and noun is not None and noun.kind == "noun" \
                    and noun.det == "indef" and not noun.plural:
                return noun
        return None

    @staticmethod
    def _contact_clause_host(name: Token, by_head: dict[int, Mention]) -> Mention | None:
        """A naming clause with no relative word but a subject of its own, hung on a character noun, gives that
        phrase the name ("a lanky boy everybody calls Tomi", "the girl the village calls Pip"): the clause has
        no object, so the noun it hangs on is whom it names. An "and" between the noun and the clause says the
        parse hung on it a clause of a later listed phrase ("a pilot called Mirela and a stocky Dane the crew
        nicknames Bo", where the Dane was read into the clause's subject)."""
        verb = name.head
        if verb.dep_ != "relcl" or verb.head.i not in by_head or by_head[verb.head.i].kind != "noun":
            return None
        if any(t.pos_ == "CCONJ" for t in name.doc[verb.head.i + 1:verb.left_edge.i + 1]):
            return None
        return by_head[verb.head.i] if any(c.dep_ in _SUBJECT_DEPS for c in verb.children) else None

    def _relative_host(self, noun: Token, rel: Token, by_head: dict[int, Mention]) -> Mention | None:
        """The mention a naming relative clause renames: the noun it hangs on, or, for "who(m)" hung on a thing
        ("a boy in a cap whom everyone calls Sasha"), the nearest character phrase above that thing."""
        if noun.i in by_head:
            return by_head[noun.i]
        if rel.lower_ not in ("who", "whom"):
            return None
        return next((by_head[a.i] for a in noun.ancestors if a.i in by_head and by_head[a.i].kind in ("noun", "name")
                     and a.sent == noun.sent), None)

    def _names_after_counted_plural(self) -> None:
        """"Two sisters, Mira and Noor, sit ...": as many names as the count, right after the plural's comma and
        joined only by commas and "and", are its members, whatever the parse."""
        for m in self.mentions:
            if m.kind != "noun" or not m.plural or not m.count or not self.text[m.end:].lstrip().startswith(","):
                continue
            names = self.mentions[m.index + 1:m.index + 1 + m.count]
            gaps = [self.text[a.end:b.start].strip() for a, b in zip([m, *names], names, strict=False)]
            if len(names) == m.count and all(x.kind == "name" and x.sent == m.sent for x in names) \
                    and all(g in (",", "and", ", and") for g in gaps) and gaps[-1] != ",":
                for x in names:
                    x.member_of, x.appos_of = m.index, None

    def _ones_described_after_a_plural(self) -> None:
        """"Two sisters sit on a bench, one in a red coat and one in a yellow scarf": a bare "one" described by
        what it wears or has is a member of the counted plural character before it in its sentence."""
        for m in self.mentions:
            if m.kind != "relative" or self.doc[m.head].lower_ not in ("one", "other", "another") or m.det != "none" \
                    or m.member_of is not None:  # "..., the other short and freckled" (roll_call.py)
                continue
            group = next((x for x in reversed(self.mentions[:m.index]) if x.sent == m.sent and x.kind == "noun"
                          and x.plural and x.count), None)
            if group is not None:
                m.member_of, m.appos_of = group.index, None

    def _members_read_as_appositions(self) -> None:
        """"Three bakers ...: a grey-haired master baker, a broad man in an apron, and a skinny girl": an
        indefinite phrase the parse set beside a listed member is the next member, as long as the list after the
        colon holds no more such phrases than the plural counts (one more would be a renaming)."""
        for m in self.mentions:
            host = self.mentions[m.appos_of] if m.appos_of is not None else None
            if host is None or host.member_of is None or m.kind != "noun" or m.det != "indef" or m.plural \
                    or host.kind != "noun" or host.det != "indef":
                continue
            group = self.mentions[host.member_of]
            if not group.count or ":" not in self.text[group.end:host.start]:
                continue
            listed = [x for x in self.mentions if x.sent == m.sent and x.start > group.end and x.kind == "noun"
                      and x.det == "indef" and not x.plural]
            if len(listed) <= group.count:
                m.member_of, m.appos_of = host.member_of, None

    def _name_after_described_noun(self) -> None:
        """A name right after a singular indefinite character phrase of its sentence renames it when only that
        phrase's own prepositional phrase and a comma stand between them ("a potter from Bergen, Ingrid Dahl,
        trims a bowl"), or the phrase's clause and a colon ("A stranger appears: Dr. Lotte Brandauer, ..."), whatever
        the parse made of the name."""
        for m in self.mentions:
            prev = next((x for x in reversed(self.mentions[:m.index]) if x.kind != "pronoun"), None)
            if m.kind != "name" or m.appos_of is not None or m.member_of is not None or prev is None \
                    or prev.sent != m.sent or prev.kind != "noun" or prev.det != "indef" or prev.plural:
                continue
            gap = self.text[prev.end:m.start].strip()
            between = [t for t in self.doc if prev.end <= t.idx < m.start and not t.is_punct]
            if gap.endswith(",") and between and between[0].pos_ == "ADP" and not any(
                    t.pos_ in ("VERB", "AUX") for t in between):
                m.appos_of = prev.index  # "a potter from Bergen, Ingrid Dahl"
            elif gap.endswith(":") and self.doc[prev.head].dep_ in _SUBJECT_DEPS and len(between) <= 2 and all(
                    t.pos_ in ("VERB", "ADV") for t in between):
                m.appos_of = prev.index  # "A stranger appears: Dr. Lotte Brandauer"

    def _name_set_off_after_noun(self) -> None:
        """A name set off by commas right after a singular definite or possessive character phrase ("the head
        cook, Aron Lindqvist, a stout man in an apron, tastes the soup", "her brother, Tomas, waves") renames that
        phrase, whatever the parse made of the name (often the subject of the verb; the parse may also drop the
        phrase's article, so a bare noun counts too). Not in a list ("the cook,
        Aron, and the maid"), where the comma after the name is followed by "and" or "or"."""
        for m in self.mentions:
            prev = next((x for x in reversed(self.mentions[:m.index]) if x.end <= m.start), None)
            if m.kind != "name" or m.appos_of is not None or m.member_of is not None or prev is None \
                    or prev.kind != "noun" or prev.plural or prev.det not in ("poss", "def", "none") \
                    or not prev.person_like or prev.sent != m.sent or self.text[prev.end:m.start].strip() != ",":
                continue
            after = self.text[m.end:].lstrip()
            if after.startswith(",") and not after[1:].lstrip().lower().startswith(("and ", "or ")) \
                    and not any(c.dep_ == "conj" for c in self.doc[prev.head].children):
                m.appos_of = prev.index

    def _name_right_after_noun(self) -> None:
        """A name written right after a singular possessive or definite character phrase, with nothing between
        them ("teaches her cousin Bongani a game", "his friend Tariq waves", "the boy's uncle Ravi arrives"), is
        that character's name (a close apposition), whatever the parse made of the name (often a second object
        or the subject of a verb of its own). A name that owns something ("shows the teacher Ada's drawing") or
        opens a clause of its own ("the man Ada met") is someone else."""
        for m in self.mentions:
            prev = next((x for x in reversed(self.mentions[:m.index]) if x.end <= m.start), None)
            if m.kind != "name" or m.appos_of is not None or m.member_of is not None or prev is None \
                    or prev.kind != "noun" or prev.plural or prev.det not in ("poss", "def") \
                    or prev.type in ("group", "thing", "prop", "background", "vehicle") or prev.sent != m.sent:
                continue
            tok = self.doc[m.head]
            if self.text[prev.end:m.start].strip() or self.text[m.end:m.end + 2] in ("'s", "\u2019s") \
                    or tok.dep_ in _SUBJECT_DEPS and tok.head.dep_ == "relcl":
                continue
            m.appos_of = prev.index

    def _fronted_setting_before_subject(self, m: Mention, nxt: Mention) -> bool:
        """`m` is the object of a preposition that opens its sentence and hangs on the clause's verb, and `nxt`
        (after the comma) is that verb's subject: "On a busy hospital ward in Oslo, a porter in green pushes a
        cart". The opening phrase sets the scene; the subject after it is who acts, never a renaming of the
        place (a place noun may have a person sense too: "ward", "square")."""
        prep = self.doc[m.head].head
        if self.doc[m.head].dep_ != "pobj" or prep.pos_ != "ADP" or prep.i != prep.sent.start:
            return False
        subj = self.doc[nxt.head]
        return subj.dep_ in _SUBJECT_DEPS and subj.head.i == prep.head.i

    def _own_tail_comma(self, m: Mention, nxt: Mention) -> bool:
        """Between the two phrases stands only `m`'s own attribute phrase and a comma, and no "and" follows
        `nxt` ("a clerk in a green vest, a plump man with a moustache, yawns": not a list)."""
        if not self.text[m.end:nxt.start].rstrip().endswith(","):
            return False
        own = {t.i for t in self.doc[m.head].subtree}
        between = [t for t in self.doc if m.end <= t.idx < nxt.start and not t.is_punct]
        if between and between[0].pos_ == "ADP":  # a prepositional phrase the parse hung elsewhere
            own |= {t.i for t in between[0].subtree}
        after = [t for t in self.doc[nxt.head].sent if t.i > nxt.head]
        listed = next((t for t in after if t.text in (",", ";", ".") or t.pos_ == "CCONJ"), None)
        return bool(between) and all(t.i in own for t in between) and (listed is None or listed.pos_ != "CCONJ")


def _dressed_one(tok: Token, by_head: dict[int, Mention]) -> Mention | None:
    """The phrase a "dressed as" participle hangs on: the mention headed by `tok`, or the one the parse set beside a
    modifier it read as the head ("a display mannequin dressed as a diver": "mannequin" hung on "display")."""
    if tok.i in by_head:
        return by_head[tok.i]
    return next((by_head[c.i] for c in tok.children if c.dep_ in ("appos", "compound") and c.i in by_head), None)


def link_structure(text: str, doc: Doc, mentions: list[Mention]) -> None:
    """Set the apposition, predicate, naming and member links between `mentions` (sorted and indexed)."""
    _StructureLinker(text, doc, mentions).link()
    link_nicknames(text, doc, mentions)


def _raised_subject(verb: Token, by_head: dict[int, Mention]) -> Mention | None:
    """The subject of the verb an infinitive "be" depends on, when that verb only says how the fact came out
    (sieves.json `raising_verbs`: "the stranger turns out to be Marek", "the quiet boy proves to be Tomasz",
    "the visitor seems to be her aunt"): the predicate renames that subject as "is" would; "wants to be a
    pilot" is a wish and renames nobody."""
    if verb.dep_ != "xcomp" or verb.head.lemma_.lower() not in _RAISING_VERBS:
        return None
    return next((by_head.get(c.i) for c in verb.head.children if c.dep_ in _SUBJECT_DEPS), None)
