"""Kin plurals of a group: "their grandparents" after "twin boys" are more people, not the twins."""

from __future__ import annotations

from typing import TYPE_CHECKING

from ..nouns import hypernyms, kin_relation

if TYPE_CHECKING:
    from ..linker import LinkContext
    from ..mentions import Mention


#: the relations of an older generation: "their parents" are never the children they belong to
ELDER_RELATIONS = frozenset({"parent", "grandparent", "elder"})


def new_kin_of_owners(ctx: LinkContext, m: Mention) -> bool:
    """"their" + a kin plural of an older generation ("their grandparents", "their parents", "their aunts") that no
    entity of the story bears yet brings in new people, one group that acts as one: the owners' elders are never
    the owners themselves, nor whoever else happens to be in the scene (a dog, a passer-by). The phrase keeps its
    own entity, so a later "the old couple" finds it. A kin plural the story has given somebody is left to the
    usual covering rules, and so are "his sons", "her cousins" (a younger or same generation is often the set the
    story already has, named by another noun)."""
    if m.kind != "noun" or not m.plural or m.det != "poss" or m.owner is None \
            or ctx.prompt.doc[m.owner].lower_ != "their" or kin_relation(m.lemma) not in ELDER_RELATIONS:
        return False
    if m.count is not None or ctx.cluster(m) is None:
        return False
    if any(m.lemma in c.nouns or any(hypernyms(m.lemma, n) for n in c.nouns) for c in ctx.candidates(m)):
        return False
    if any(x.member_of == m.index for x in ctx.mentions):
        return False  # "their parents, a tall man and a woman in red": the members are listed
    return True
