"""Sieve 2: apposition and predicate nominative."""

from __future__ import annotations

from typing import TYPE_CHECKING

from . import pronouns

if TYPE_CHECKING:
    from ..entities import Cluster
    from ..linker import LinkContext
    from ..mentions import Mention

NAME = "apposition"
#: skips of a mannequin, puppet, statue or toy: a phrase renaming one names no character either
_LIKENESSES = ("prop", "toy")


def run(ctx: LinkContext) -> None:
    """A phrase set beside another one renames it: "Zofia, a ferry pilot, ..." (apposition), "the
    pilot is Zofia" (predicate nominative), "calls him Tobi" / "a man named Jonas" (naming verbs).
    The later of the two joins the entity of the earlier (a pronoun host is resolved first). A phrase renaming a
    likeness ("a mannequin dressed as an old sailor", "a scarecrow dressed as a farmer") is part of the likeness,
    never a new character."""
    for m in ctx.mentions:
        if m.appos_of is None or m.skip is not None:
            continue
        host = ctx.mentions[m.appos_of]
        if host.skip in _LIKENESSES and m.kind == "noun":
            m.skip = "pictured"  # what a likeness is dressed as is part of it ("a dummy dressed as a cook")
            continue
        if _list_member(ctx, host, m):
            continue
        target = ctx.cluster(host)
        own = ctx.cluster(m)
        if target is None and host.kind == "pronoun" and host.start > m.start:
            target = _aside_bearer(ctx, m, host)
        elif target is None and host.kind == "pronoun":
            target = pronouns.resolve(ctx, host)
        if target is None and own is not None and host.kind == "relative":
            ctx.link(host, own, NAME)  # "The youngest, a skinny boy of nine": one description of one entity
            continue
        if target is None or own is None or target is own:
            continue
        if own.entry is not None and target.entry is None:
            ctx.link(host, own, NAME)
        elif own.entry is None:
            _drop_guessed_gender(own, target)
            ctx.link(m, target, NAME, new_name=m.kind == "name" and host.kind in ("pronoun", "noun", "name"))


def _aside_bearer(ctx: LinkContext, m: Mention, host: Mention) -> Cluster | None:
    """"Luli, as her neighbours call her, waters the roses": the pronoun of a nickname aside is the name's
    bearer, so it is resolved as if the name were not there, to someone present in this prompt or the previous
    one (a known person called by a pet name). A name that a description also introduces ("Luli, as they call
    her, a tiny woman in a shawl") stays its own entity unless that description links it."""
    if any(x.appos_of == m.index for x in ctx.mentions):
        return None
    own = ctx.cluster(m)
    bearer = pronouns.resolve(ctx, host, exclude={own} if own is not None else set())
    if bearer is None or bearer is own or not (ctx.in_prompt(bearer, m) or ctx.in_previous(bearer)):
        return None
    return bearer


def _drop_guessed_gender(a: Cluster, b: Cluster) -> None:
    """"Okonjo, a tall woman": a gender the given-name table guessed for a name gives way to the gender the
    phrase beside it states (a table gives a name's usual gender, and a surname has none)."""
    if a.gender is None or b.gender is None or a.gender == b.gender:
        return
    for c, other in ((a, b), (b, a)):
        said = [x for x in c.mentions if x.gender is not None]
        stated = any(x.gender is not None and not x.gender_guessed for x in other.mentions)
        if said and all(x.gender_guessed for x in said) and stated:  # two guesses: "Nora, Ethan and ..." is a list
            for x in said:
                x.gender = None
            c.gender = None
            return


def _list_member(ctx: LinkContext, host: Mention, m: Mention) -> bool:
    """Indefinite phrases listed after a counted plural's colon ("Three rowers ...: a stout rower in a green vest, a
    small girl in yellow, and ...") are its members one by one, not renamings of each other, as long as they
    are no more than its count ("two divers: a woman, a surgeon, and a man" keeps the apposition); names listed
    after a plural's colon ("her sons: Ivo in a red cap, Luka in a blue one") are its members too."""
    text = ctx.prompt.text
    if host.kind == "name" and m.kind == "name":
        return any(x.sent == m.sent and x.plural and x.kind == "noun" and x.end <= host.start
                   and ":" in text[x.end:host.start] for x in ctx.mentions)
    if "indef" not in (host.det, m.det) or host.det != m.det or host.kind != "noun" or m.kind != "noun":
        return False
    for x in ctx.mentions:
        if x.sent == m.sent and x.count and (x.plural or x.type == "group") and x.end <= host.start \
                and ":" in text[x.end:host.start]:
            listed = [y for y in ctx.mentions if y.sent == m.sent and y.start > x.end and y.kind == "noun"
                      and y.det == "indef" and not y.plural]
            return len(listed) <= x.count
    return False
