"""Nicknames set beside a name: an aside, a bracket or quotation marks say that a second name is what the
same person is called, though the parse links the two names to nothing.

`structure.link_structure` calls `link_nicknames` after its own links; each rule sets `Mention.appos_of`, so
the apposition sieve joins the nickname to its bearer.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from . import resources as R

if TYPE_CHECKING:
    from spacy.tokens import Doc, Token

    from .mentions import Mention

_NAMING_LEMMAS = frozenset(R.word_lists("names.json")["nickname_verbs"])
_NAME_NOUNS = frozenset(R.word_lists("names.json")["name_nouns"])
_OPENING_MARKS = ("(", "\"", "\u201c", "'", "\u2018")
_ASIDE_CLOSERS = {"\u2014": "\u2014", "\u2013": "\u2013", "(": ")"}
_ASIDE_OPENERS = ("\u2014", "\u2013", "--", "-", "(", ",")


def link_nicknames(text: str, doc: Doc, mentions: list[Mention]) -> None:
    """Link the nicknames of one prompt's mentions (sorted and indexed) to the phrase they rename."""
    for m in mentions:
        if m.kind != "name" or m.appos_of is not None or m.member_of is not None:
            continue
        owner = _said_name_owner(doc, mentions, m)
        if owner is not None:
            m.appos_of, m.skip = owner.index, None
            continue
        host = _as_aside_host(text, doc, mentions, m)
        if host is None:
            host = _marked_nickname_host(text, mentions, m)
        if host is not None:
            m.appos_of = host.index
    for m in mentions:
        described = _described_after_bracket(text, mentions, m)
        if described is not None:
            described.appos_of = m.index


def _described_after_bracket(text: str, mentions: list[Mention], m: Mention) -> Mention | None:
    """"Ibrahim (Ibo to his teammates), a wiry striker in red, juggles": the bracket after a name is an aside, and
    the indefinite or possessive singular phrase after its closing bracket and a comma describes the name."""
    if m.kind != "name" or not text[m.end:].lstrip().startswith("("):
        return None
    close = text.find(")", m.end)
    if close < 0 or not text[close + 1:].lstrip().startswith(","):
        return None
    nxt = next((x for x in mentions[m.index + 1:] if x.start > close), None)
    if nxt is None or nxt.sent != m.sent or nxt.kind != "noun" or nxt.det not in ("indef", "poss") or nxt.plural \
            or nxt.appos_of is not None or nxt.member_of is not None or text[close + 1:nxt.start].strip() != ",":
        return None
    return nxt


def _said_name_owner(doc: Doc, mentions: list[Mention], m: Mention) -> Mention | None:
    """"The bus driver -- her name is Wanjiru Kamau -- waves", "the cook, whose name is Teodor, stirs", "the crew
    shout her name, Mai": a name that a copula or an apposition says is someone's name renames that someone (the
    possessor of "name", or the noun "whose" hangs on), though the name's own clause has no character as its
    subject (so it is no bare predicate either)."""
    tok = doc[m.head]
    subj = _name_noun_of(tok)
    if subj is None or subj.lemma_.lower() not in _NAME_NOUNS:
        return None
    poss = next((c for c in subj.children if c.dep_ == "poss"), None)
    if poss is None:
        return None
    by_head = {x.head: x for x in mentions}
    if poss.lower_ == "whose" and subj.head.dep_ == "relcl":
        return by_head.get(subj.head.head.i)
    owner = by_head.get(poss.i)
    if owner is not None and owner.kind == "pronoun":
        prev = next((x for x in reversed(mentions[:owner.index]) if x.kind != "pronoun"), None)
        if prev is not None and prev.sent == owner.sent and not prev.plural and prev.kind in ("noun", "name") \
                and prev.person_like and doc.text[prev.end:owner.start].strip() in _ASIDE_OPENERS:
            return prev  # "The bus driver -- her name is ...": the aside's pronoun is the phrase it follows
    return owner if owner is not None and owner.kind in ("pronoun", "noun", "name") else None


def _name_noun_of(tok: Token) -> Token | None:
    """The noun the name is said to be: the subject of the copula whose complement it is ("her name is Wanjiru"),
    or the noun it is set beside ("shout her name, Mai", "by his boyhood name, Tono"; see
    proper_names.owned_name_aside)."""
    if tok.dep_ == "appos":
        return tok.head
    if tok.dep_ != "attr" or tok.head.lemma_ != "be":
        return None
    return next((c for c in tok.head.children if c.dep_ == "nsubj"), None)


def _as_aside_host(text: str, doc: Doc, mentions: list[Mention], m: Mention) -> Mention | None:
    """"Luli, as her neighbours call her, waters the roses"; "Tonino, as Antonio prefers to be known, lifts the
    crate"; "Mihail, or Misha as everyone calls him, ..."; "Papa Tunde -- that is what the village calls the old
    fisherman -- mends a net": a name right before an aside ("as" clause, or a clause between dashes or in
    brackets) of a naming verb (names.json nickname_verbs) is what the aside says someone is called. Its bearer is
    the naming verb's object (a pronoun the apposition sieve resolves to someone known before the name), the
    subject of a passive naming ("as Antonio insists on being called"), or the name that "or" joins it to."""
    by_head = {x.head: x for x in mentions}
    tok = doc[m.head]
    found = _aside_naming_verb(text, doc, m)
    if found is None:
        return None
    clause, naming = found
    if tok.dep_ == "conj" and text[tok.head.idx:m.start].rstrip().endswith(("or", ", or")):
        joined = by_head.get(tok.head.i)
        if joined is not None and joined.kind == "name":
            return joined  # "Mihail, or Misha as everyone calls him"
    obj = next((by_head[c.i] for c in naming.children if c.dep_ in ("dobj", "oprd") and c.i in by_head), None)
    if obj is not None and obj is not m:
        return obj
    passive = any(c.dep_ == "auxpass" for c in naming.children)
    if passive:
        subj = _clause_subject(clause, naming, by_head)
        if subj is not None and subj is not m and subj.kind in ("name", "noun", "pronoun"):
            return subj
    return None


def _aside_naming_verb(text: str, doc: Doc, m: Mention) -> tuple[Token, Token] | None:
    """The clause of the aside right after the name and the naming verb in it, if the aside has one."""
    after = text[m.end:]
    stripped = after.lstrip(" ,")
    if stripped.lower().startswith("as "):
        mark = next((t for t in doc[m.head + 1:] if t.lower_ == "as" and t.idx >= m.end), None)
        if mark is None or mark.dep_ != "mark" or mark.head.pos_ not in ("VERB", "AUX"):
            return None
        clause = mark.head
        naming = next((t for t in clause.subtree if t.lemma_.lower() in _NAMING_LEMMAS and t.pos_ == "VERB"), None)
        return (clause, naming) if naming is not None else None
    opener = after.lstrip()[:1]
    if opener not in _ASIDE_CLOSERS:
        return None
    start = m.end + after.index(opener) + 1
    close = text.find(_ASIDE_CLOSERS[opener], start)
    end = close if close >= 0 else len(text)
    inside = [t for t in doc if start <= t.idx < end]
    naming = next((t for t in inside if t.lemma_.lower() in _NAMING_LEMMAS and t.pos_ == "VERB"), None)
    return (naming, naming) if naming is not None else None


def _clause_subject(clause: Token, naming: Token, by_head: dict[int, Mention]) -> Mention | None:
    """The subject of the passive naming verb, or of the verb it depends on ("Antonio prefers to be known")."""
    for verb in (naming, clause):
        subj = next((by_head.get(c.i) for c in verb.children if c.dep_ in ("nsubj", "nsubjpass")), None)
        if subj is not None:
            return subj
    return None


def _marked_nickname_host(text: str, mentions: list[Mention], m: Mention) -> Mention | None:
    """A name in brackets or quotation marks right after another name ("Ibrahim (Ibo to his teammates) kicks the
    ball", "Yekaterina "Katya" Volkova"): marks set a nickname off inside or after the full name, never a second
    person, who would be joined by "and" or a comma."""
    prev = next((x for x in reversed(mentions[:m.index]) if x.end <= m.start), None)
    if prev is None or prev.kind != "name" or prev.sent != m.sent:
        return None
    gap = text[prev.end:m.start].strip()
    return prev if gap in _OPENING_MARKS else None
