"""Sieve: age_noun: "the teenager", "the toddler" is the one character of that age, not the latest grown-up."""

from __future__ import annotations

from typing import TYPE_CHECKING

from ..entities import contradicts, type_compatible
from ..nouns import noun_gender
from .compare import life_stage, rough_age
from .words import AGE_YEARS, YOUNG_YEARS

if TYPE_CHECKING:
    from ..linker import LinkContext

NAME = "age_noun"


def run(ctx: LinkContext) -> None:
    """A definite singular noun that says only a young age and no sex ("the teenager", "the toddler", "the kid",
    "the youngster"), which no entity bears yet, is the one person of the story whose age (the years the text
    gave, else the rough age of its nouns and adjectives: "a boy of fourteen", "a girl of three") falls in the
    same stage of life (child, young), else the one young person of the story: the story told its characters
    apart by age, so the word picks the one of that age rather than whoever came in last (the waitress, the
    porter). None fits, or two: nothing is linked."""
    for m in ctx.open(("noun",)):
        if m.det != "def" or m.plural or m.owner is not None or m.relative_cue or m.lemma not in AGE_YEARS:
            continue
        years = AGE_YEARS[m.lemma]
        if years > YOUNG_YEARS or noun_gender(m.lemma) is not None:
            continue
        cands = ctx.candidates(m)
        if any(m.lemma in c.nouns for c in cands):
            continue  # the story has a teenager: the head-match sieve's
        stage = life_stage(float(years))
        people = [c for c in cands if not c.group and c.type in ("person", "any") and type_compatible(m, c)
                  and contradicts(m, c) is None]
        same = [c for c in people if (age := rough_age(c)) is not None and life_stage(age) == stage]
        # a rough age from a noun is only a guess ("boy" is nine, "teenager" fifteen): of nobody in the very
        # stage, the one young person (child or young) of the story; two such is no answer
        young = [c for c in people if (age := rough_age(c)) is not None and life_stage(age) <= 1]
        fits = same if len(same) == 1 else young
        if len(fits) == 1:
            ctx.link(m, fits[0], NAME)
