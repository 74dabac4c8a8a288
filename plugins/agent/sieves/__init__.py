"""The sieves, most precise first (Lee et al. 2013): each links what its one rule is sure of.

Each sieve is a function of the `LinkContext` (linker.py) with the rule in its docstring. The
linker runs them in this order; `SieveLinker(registry, disabled={"relative"})` switches one off.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import TYPE_CHECKING

from . import (
    address_title,
    age_noun,
    apposition,
    elder_kin,
    exact_name,
    features,
    generic_look,
    graded_noun,
    groups,
    head_match,
    kind_epithets,
    listed_members,
    newest,
    old_parent,
    owned_role,
    presence,
    pronouns,
    proper_adjective,
    ranked_kin,
    real_one,
    relative,
    salience,
    seniority,
    size_noun,
    wordnet,
)
from .family_pair import run as family_pair

if TYPE_CHECKING:
    from ..linker import LinkContext

Sieve = Callable[["LinkContext"], None]

SIEVES: tuple[tuple[str, Sieve], ...] = (
    ("presence", presence.run),
    ("exact_name", exact_name.run),
    ("listed_members", listed_members.run),
    ("apposition", apposition.run),
    ("graded_noun", graded_noun.run),
    ("features", features.run),
    ("proper_adjective", proper_adjective.run),
    ("family_pair", family_pair),
    ("age_noun", age_noun.run),
    ("generic_look", generic_look.run),
    ("elder_kin", elder_kin.run),
    ("head_match", head_match.run),
    ("wordnet", wordnet.run),
    ("size_noun", size_noun.run),
    ("kind_epithets", kind_epithets.run),
    ("real_one", real_one.run),
    ("relative", relative.run),
    ("ranked_kin", ranked_kin.run),
    ("old_parent", old_parent.run),
    ("address_title", address_title.run),
    ("groups", groups.run),
    ("seniority", seniority.run),
    ("salience", salience.run),
    ("newest", newest.run),
    ("owned_role", owned_role.run),
    ("pronouns", pronouns.run),
)
SIEVE_NAMES: tuple[str, ...] = tuple(name for name, _ in SIEVES)
