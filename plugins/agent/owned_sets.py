"""Owned counted kin: "her two daughters" in a story that has no daughters yet introduces them."""

from __future__ import annotations

from typing import TYPE_CHECKING

from .nouns import hypernyms

if TYPE_CHECKING:
    from .linker import LinkContext
    from .mentions import Mention


def owned_kin_newcomers(ctx: LinkContext, m: Mention) -> bool:
    """A possessive counted plural of kin ("her two daughters", "his three sons", "their twin boys' ..." is not
    one) brings its members in, one entity each, as "two daughters" would, when nothing the story has met so far
    could be them: no entity bears the noun (or a narrower one), and the story has no counted set at least that
    large ("two girls ... her two daughters", "three acrobats ... her two brothers" refer back). English
    introduces a character's kin by the possessive ("a widow and her two daughters"), so without this the plural
    covers nobody and "the younger" later has no member to pick."""
    if m.det != "poss" or m.kin is None or m.count is None or not m.plural:
        return False
    if any(x.sent == m.sent and x.start > m.start and (x.kind == "name" or x.count) for x in ctx.mentions):
        return False  # "her three kids: two girls, Mia and Lena, ...": the sentence sets out the members itself
    for c in ctx.candidates(m):
        if m.lemma in c.nouns or any(hypernyms(m.lemma, n) for n in c.nouns):
            return False
        if c.group_key is not None and sum(1 for k in ctx.clusters.values() if k.group_key == c.group_key) >= m.count:
            return False
    return True
