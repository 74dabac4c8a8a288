"""The sieves, most precise first (Lee et al. 2013): each links what its one rule is sure of.

Each sieve is a function of the `LinkContext` (linker.py) with the rule in its docstring. The
linker runs them in this order; `SieveLinker(registry, disabled={"relative"})` switches one off.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import TYPE_CHECKING

from . import (
    apposition,
    elder_kin,
    exact_name,
    features,
    generic_look,
    groups,
    head_match,
    kind_epithets,
    newest,
    owned_role,
    presence,
    pronouns,
    proper_adjective,
    real_one,
    relative,
    salience,
    wordnet,
)
from .family_pair import run as family_pair

if TYPE_CHECKING:
    from ..linker import LinkContext

Sieve = Callable[["LinkContext"], None]

SIEVES: tuple[tuple[str, Sieve], ...] = (
    ("presence", presence.run),
    ("exact_name", exact_name.run),
    ("apposition", apposition.run),
    ("features", features.run),
    ("proper_adjective", proper_adjective.run),
    ("family_pair", family_pair),
    ("generic_look", generic_look.run),
    ("elder_kin", elder_kin.run),
    ("head_match", head_match.run),
    ("wordnet", wordnet.run),
    ("kind_epithets", kind_epithets.run),
    ("real_one", real_one.run),
    ("relative", relative.run),
    ("groups", groups.run),
    ("salience", salience.run),
    ("newest", newest.run),
    ("owned_role", owned_role.run),
    ("pronouns", pronouns.run),
)
SIEVE_NAMES: tuple[str, ...] = tuple(name for name, _ in SIEVES)
