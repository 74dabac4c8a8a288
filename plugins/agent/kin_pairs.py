"""Kin nouns without an article, joined in pairs the way a teller names a family ("Mother and son hug")."""

from __future__ import annotations

from typing import TYPE_CHECKING

from .nouns import kin_relation

if TYPE_CHECKING:
    from spacy.tokens import Token


def _bare_kin(tok: Token) -> bool:
    return tok.pos_ in ("NOUN", "PROPN") and tok.tag_ in ("NN", "NNP") and kin_relation(tok.lower_) is not None \
        and not any(d.dep_ in ("det", "poss", "nummod") for d in tok.children)


def joined_kin_nouns(tok: Token) -> bool:
    """A singular kin noun with no article or owner joined by "and" to another such kin noun ("Mother and son
    knead dough", "Father and daughter walk home", "grandma and grandson"): a pair named by what its two
    characters are to each other. A capital letter at the start of the sentence does not make the first one a
    name or a title here: its partner shows that both are kin words."""
    if not _bare_kin(tok):
        return False
    partners = [c for c in tok.children if c.dep_ == "conj"]
    if tok.dep_ == "conj":
        partners.append(tok.head)
    return any(_bare_kin(p) for p in partners)
