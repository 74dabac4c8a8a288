"""A kin term for someone already in the scene: "her son" when the boy beside her was never called her son.

Stories often introduce two characters by their looks ("a grey-haired farmer and a man of forty", "a nurse and a
lad of twelve") and only later say how they are related ("the farmer's son", "the nurse ... her nephew"). The kin
term then names a character who is there, not a newcomer.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from ..entities import Cluster, contradicts
from .compare import rough_age
from .head_match import owner_of
from .words import AGE_YEARS, KIN_GENERATIONS

if TYPE_CHECKING:
    from ..linker import LinkContext
    from ..mentions import Mention

#: the least age gap per generation the kin term spans: rough ages from nouns ("man" 40, "in her forties" 45) are
#: too coarse to order two adults, so a smaller gap would make the grown man beside a woman "her son"; a larger one
#: would miss a mother in her thirties with a teenage son
GENERATION_YEARS = 15


def kin_in_scene(ctx: LinkContext, m: Mention, owner: Cluster) -> Cluster | None:
    """A kin term of another generation with an owner ("her son", "his grandfather", "the old man's nephew") that
    names nobody the story related, and is not described where it stands, names the one person of this prompt
    or the previous one who fits it: not the owner nor related to the owner yet, nothing in the term
    contradicting it, and on the side of the owner's
    age the term says (a parent, grandparent, aunt or uncle older than the owner, a child, grandchild, niece or
    nephew younger, by about a generation a step; both ages must be known, from a stated age, a decade or an age
    noun).
    Why: the text reads as if the relative were known; one who is new is introduced with a description of their
    own ("her son, a boy in a red cap"), which the caller checks. The ages keep "her son" from the grown man
    beside a woman (same generation). When several fit, the one whose age is a generation nearer the age the kin
    noun suggests than every other's ("her grandfather" of a girl: the old man, not his grown son beside him).
    Only a person's kin term is read so (an animal's "mother" is the animal sieve's)."""
    steps = KIN_GENERATIONS.get(m.kin or "")
    own_age = rough_age(owner)
    if steps is None or own_age is None or owner.group or owner.type not in ("person", "any"):
        return None
    fits = []
    taken = kin_taken_here(ctx, m, owner)
    for c in ctx.candidates(m):
        if c is owner or c.group or c.type not in ("person", "any") or contradicts(m, c) is not None:
            continue
        if c.cid in owner.kin or owner.cid in c.kin or c.cid in taken \
                or not ctx.in_scene(c, m):
            continue
        age = rough_age(c)
        if age is not None and (age - own_age) * steps >= GENERATION_YEARS * abs(steps):
            fits.append(c)
    if len(fits) > 1 and m.lemma in AGE_YEARS:  # "her grandfather" of a girl beside an old man and his grown
        # son: the one nearest the age the kin noun suggests, when a generation nearer than every other
        near = sorted(fits, key=lambda c: abs((rough_age(c) or 0.0) - AGE_YEARS[m.lemma]))
        gap = abs((rough_age(near[1]) or 0.0) - AGE_YEARS[m.lemma]) - abs((rough_age(near[0]) or 0.0) - AGE_YEARS[
            m.lemma])
        fits = near[:1] if gap >= GENERATION_YEARS else fits
    return fits[0] if len(fits) == 1 else None


def kin_taken_here(ctx: LinkContext, m: Mention, owner: Cluster) -> set[int]:
    """The entities this prompt already linked to another kin term of the same owner ("the boy hugs his aunt while
    his grandma claps": the aunt is not also the grandma). A relation learnt within the prompt may still be filed
    under the phrase's own provisional entity, so the owner's recorded kin does not yet name the entity it joined;
    one person is one relative of the owner, so a second kin term of that owner in the prompt names someone else."""
    out: set[int] = set()
    for x in ctx.mentions:
        if x.index == m.index or x.kin is None or x.owner is None or x.start > m.start:
            continue
        c = ctx.cluster(x)
        if c is not None and owner_of(ctx, x) is owner:
            out.add(c.cid)
    return out
