"""Sieve: address_title: a kin or courtesy title used alone as a name ("Nonna", "Akka", "Grandma") that nobody
bears is how the story addresses a character it met by description."""

from __future__ import annotations

from typing import TYPE_CHECKING

from ..entities import called_old, contradicts
from ..mentions import TITLE_NOUNS

if TYPE_CHECKING:
    from ..entities import Cluster
    from ..linker import LinkContext
    from ..mentions import Mention

NAME = "address_title"


def run(ctx: LinkContext) -> None:
    """A kin title or title of respect standing alone where a name stands ("Grandma pours the tea",
    "Nonna laughs", "Akka counts the coins", "Thatha points at the hen"; names.json `title_nouns`, in any
    language) that the earlier sieves found no bearer for is how the story addresses someone it already met by
    description ("an old woman in a shawl", "a stooped man"): a newcomer is introduced with a description of
    their own, not by an address form. In a prompt after the first, such a title is the one person of the scene
    (this prompt before it, or the previous prompt) that no other mention of this prompt refers to and that the
    title does not contradict (its gender, the age its kin word implies). With two such people, or none, it does
    nothing (but see `_oldest_first`)."""
    if ctx.prompt_index == 0:
        return
    for m in ctx.open(("noun",)):
        if not _lone_title(m):
            continue
        fits = _oldest_first(m, [c for c in ctx.candidates(m) if _could_be(ctx, m, c)])
        if len(fits) == 1:
            ctx.link(m, fits[0], NAME)


def _lone_title(m: Mention) -> bool:
    """The mention is a title word alone, without article, owner or count, as a name stands ("Nonna laughs";
    also in lower case: "until paati hands him a plate", a singular noun without a determiner being no common
    noun's use)."""
    return m.lemma in TITLE_NOUNS and m.det == "none" and not m.plural and m.count is None


def _could_be(ctx: LinkContext, m: Mention, c: Cluster) -> bool:
    """A single person of the scene whom no other mention of the prompt refers to and the title fits."""
    return not c.group and c.type == "person" and ctx.in_scene(c, m) and contradicts(m, c) is None \
        and not any(x is not m and x.entity == c.cid for x in ctx.mentions)


def _oldest_first(m: Mention, fits: list[Cluster]) -> list[Cluster]:
    """A grandparent's title ("Nonna", "Obaachan", "Thatha") said where several people of its gender are in the
    scene is the one of them the story called old (an old woman, a grey-haired man): a grandmother is addressed as
    such by the young, and the young are the others. Any other title, or no old one, keeps them all."""
    if len(fits) < 2 or m.kin != "grandparent":
        return fits
    old = [c for c in fits if called_old(c)]
    return old if len(old) == 1 else fits
