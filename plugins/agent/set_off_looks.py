"""Looks told between commas right after a bare rank word ("the eldest, bald and stooped, pours the tea").

A bare comparative or superlative that stands for a member of a set ("the taller", "the eldest") takes no
adjective before it, so a story describes that member in words set off by commas after it. The parse hangs those
adjectives on the rank word as conjuncts; they describe the member, and a later "the bald one" needs them.
"""

from __future__ import annotations

from spacy.tokens import Token


def set_off_looks(tok: Token) -> set[str]:
    """The adjectives (and adjectival participles) set off by a comma right after the bare rank word `tok` and
    joined to it as conjuncts ("the eldest, bald and stooped": bald, stooped), lower-cased lemmas and forms. Only
    for a comparative or superlative with nothing after the comma but those words: "the eldest, a bald man" is an
    apposition the structure module reads, and "the taller and the shorter" joins two members, not a look."""
    if tok.tag_ not in ("JJR", "JJS") or tok.i + 1 >= len(tok.doc) or tok.doc[tok.i + 1].text != ",":
        return set()
    words: set[str] = set()
    todo = [c for c in tok.children if c.dep_ == "conj"]
    while todo:
        c = todo.pop()
        if c.tag_ in ("JJ", "VBN", "VBD") and not any(g.dep_ == "det" for g in c.children):
            words |= {c.lower_, c.lemma_.lower()}
            todo += [g for g in c.children if g.dep_ == "conj"]
    return words
