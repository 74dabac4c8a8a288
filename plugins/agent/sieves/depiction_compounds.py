"""Depiction words that do not depict: a picture word modifying a later noun names a kind of that noun."""

from __future__ import annotations

from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from spacy.tokens import Token


def kind_of_place_or_thing(depiction: Token) -> bool:
    """A depiction word that modifies a later noun ("a photo booth", "a portrait studio", "the film crew", "a
    picture window") names a kind of that noun, not a picture: what a colon after it lists is in the scene, not
    shown in a picture (the presence sieve's `_elaborates_depiction`)."""
    return depiction.dep_ == "compound" and depiction.head.i > depiction.i and depiction.head.pos_ == "NOUN"
