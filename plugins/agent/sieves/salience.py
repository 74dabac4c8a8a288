"""Sieve: a definite description no other sieve resolved refers to the most salient compatible entity."""

from __future__ import annotations

from dataclasses import replace
from typing import TYPE_CHECKING

from .. import lexicon as L
from ..entities import Cluster, contradicts, support
from .compare import told_apart
from .head_match import _same_clause_other

if TYPE_CHECKING:
    from ..linker import LinkContext
    from ..mentions import Mention

NAME = "salience"
#: kinds of entity a definite description may take back by salience alone (a vehicle or a thing named "the
#: boat" is mostly scenery, so it is left to the sieves that match its noun)
_KINDS = frozenset({"person", "animal", "creature", "robot", "any"})


def run(ctx: LinkContext) -> None:
    """A definite singular character noun ("the teacher", "the youngster", "the old man") that no earlier
    sieve linked presents its referent as already known: it is the compatible entity of the story (no
    contradiction of kind, gender, age class, stated age, size, name or colours; not a group; not another
    argument of its own verb) with the most positive evidence (`entities.support`: the same gender, age class,
    a related noun, shared descriptive words), then the most recently seen. An entity this prompt names
    elsewhere by a name or another noun phrase is no candidate: two different descriptions in one prompt that
    no other sieve relates are two people ("a winchman waves to the pilot", "the cook hands the nurse a cup").
    It introduces someone new when the prompt itself describes it (an appositive or another phrase already
    merged into it: "the harbour master, a thin man in oilskins"), when it is a kin term (the relative sieve's),
    or when nobody is compatible."""
    for m in ctx.open(("noun",)):
        if m.det != "def" or m.plural or m.type not in _KINDS or m.kin is not None or m.relative_cue:
            continue
        if described_here(ctx, m) and not named_only(ctx, m):
            continue  # someone the prompt introduces
        best = most_salient(ctx, m)
        if best is None and (best := fond_epithet_animal(ctx, m)) is not None:
            m.type = best.type  # here the person word names that animal
        if best is not None:
            ctx.link(m, best, NAME)


def most_salient(ctx: LinkContext, m: Mention) -> Cluster | None:
    """The compatible entity `m` most plausibly names (see `run`), or None."""
    cands = ctx.candidates(m)  # most recent first
    own = ctx.cluster(m)
    movers = own.mentions if own is not None else [m]  # a name merged into it moves along ("Rosa" is a woman)
    ok = [c for c in cands if not c.group and c.type in _KINDS | {m.type}
          and all(contradicts(x, c) is None for x in movers)
          and not _named_here(c, m) and not _same_clause_other(ctx, m, c) and not told_apart(m, c)]
    if not ok:
        return None
    return max(ok, key=lambda c: (support(m, c), -ok.index(c)))


def fond_epithet_animal(ctx: LinkContext, m: Mention) -> Cluster | None:
    """A person word also said fondly of an animal ("the old fellow", "the little chap": `FOND_PERSON_EPITHETS`)
    that no person of the story fits takes back the animal or creature that nothing but its kind contradicts
    (gender, age, size, colours) and that fits best (`entities.support`: "fellow" finds the male one): the word
    is the narrator's affection, not a new person. Trade: a man who walks in as "the old fellow" while an
    animal of his gender is the story's best fit is merged into it; with a compatible person, or two animals
    that fit equally, it is left alone."""
    if ctx.prompt.doc[m.head].lemma_.lower() not in L.FOND_PERSON_EPITHETS:
        return None
    fits = [c for c in ctx.candidates(m) if not c.group and c.type in ("animal", "creature")
            and contradicts(replace(m, type=c.type), c) is None and not _named_here(c, m)
            and not _same_clause_other(ctx, m, c) and not told_apart(m, c)]
    scores = [support(m, c) for c in fits]  # the same gender or age class counts for one
    best = max(scores, default=None)
    return fits[scores.index(best)] if best is not None and scores.count(best) == 1 else None


def described_here(ctx: LinkContext, m: Mention) -> bool:
    """The prompt describes the mention where it stands (an appositive or another phrase already merged into it:
    "her father, a man in a suit"): someone it introduces."""
    own = ctx.cluster(m)
    return own is not None and _named_here(own, m)


def named_only(ctx: LinkContext, m: Mention) -> bool:
    """The prompt gives the definite description only a new name where it stands, no other description ("the
    chief, whom the whole street calls Papa Joe"; "the skipper -- Rosa, by her cap -- waves"): a name the story
    puts on someone it already knows, so the description still takes back the most salient compatible entity.
    An indefinite or definite noun phrase beside it ("the harbour master, a thin man in oilskins") still marks
    a newcomer. Trade: a newcomer brought on as "the <role>, <new name>" with someone compatible already in
    the story is merged into that one; on the readable dev files this renamed an old entity and merged no
    newcomer."""
    own = ctx.cluster(m)
    return own is not None and all(x.kind == "name" for x in own.mentions if x is not m)


def _named_here(c: Cluster, m: Mention) -> bool:
    """This prompt names the entity by a name or another noun phrase, before or after `m` (a cluster holds only
    this prompt's mentions)."""
    return any(x is not m and x.kind in ("name", "noun") for x in c.mentions)
