"""Sieve: a definite description by a proper adjective (a nationality, a people, a city: "the Australian woman")."""

from __future__ import annotations

from typing import TYPE_CHECKING

from ..entities import Cluster, contradicts
from ..proper_names import origin_words

if TYPE_CHECKING:
    from spacy.tokens import Token

    from ..linker import LinkContext
    from ..mentions import Mention

NAME = "proper_adjective"


def run(ctx: LinkContext) -> None:
    """A definite singular noun phrase with a proper adjective (a capitalised modifier that is not its sentence's
    first word: "the Australian woman", "the Welsh farmer", "the Kenyan runner") refers to the one entity of the
    story described with that adjective, whatever noun either phrase uses ("a tall Australian tourist"), when
    nothing contradicts (gender, kind, age). Where people come from does not change between prompts, as clothes
    may, and stories set abroad mark their one foreigner so; a general head noun ("woman") would otherwise go to
    whichever entity last used that noun."""
    for m in ctx.open(("noun",)):
        if m.det != "def" or m.plural or m.type == "group" or m.relative_cue:
            continue
        words = proper_adjectives(ctx.prompt.doc[m.head])
        if not words:
            continue
        fits = _described_with(ctx, m, words)
        if len(fits) == 1:
            ctx.link(m, fits[0], NAME)


def proper_adjectives(head: Token) -> set[str]:
    """The lower-case capitalised modifiers before the head noun, leaving out a sentence's first word, and the
    place after "from" ("the man from Chennai": `proper_names.origin_words`)."""
    origin = set().union(*(origin_words(c) for c in head.children if c.dep_ == "prep" and c.lower_ == "from"))
    return origin | {c.lower_ for c in head.children if c.i < head.i and c.dep_ in ("amod", "compound")
                     and c.text.isalpha() and c.text[:1].isupper() and not c.text.isupper() and not c.is_sent_start
                     and c.pos_ in ("ADJ", "PROPN")}


def _described_with(ctx: LinkContext, m: Mention, words: set[str]) -> list[Cluster]:
    return [c for c in ctx.candidates(m) if not c.group and not c.unclaimed_member and words & c.descriptors
            and contradicts(m, c) is None]
