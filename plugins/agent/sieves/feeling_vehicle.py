"""A vehicle given a mood or temper in its own phrase ("a grumpy tug") is a character of the story."""

from __future__ import annotations

from typing import TYPE_CHECKING

from .words import FEELING_WORDS

if TYPE_CHECKING:
    from ..mentions import Mention


def given_a_feeling(m: Mention) -> bool:
    """The vehicle's own phrase gives it a mood or temper only the living have (data/sieves.json feeling_words:
    "a grumpy grey tug", "a shy little tram", "a cheerful red bus"): the teller made it someone, so it is a
    character even where its verb is one of scenery ("puffs up from the docks"). Age, size and wear words ("an
    old tram", "a tired bus") are not feelings: they describe scenery as well. Words of scenery ("a passing
    ferry") still rule first."""
    return bool(m.modifiers & FEELING_WORDS)
