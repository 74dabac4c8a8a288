"""Sieve: a possessive role word for the one other character of the scene ("their teacher", "his owner")."""

from __future__ import annotations

from typing import TYPE_CHECKING

from ..entities import contradicts
from .compare import told_apart
from .head_match import owner_of
from .salience import described_here

if TYPE_CHECKING:
    from ..entities import Cluster
    from ..linker import LinkContext

NAME = "owned_role"
_PEOPLE = ("person", "any")


def run(ctx: LinkContext) -> None:
    """A singular possessive phrase whose head says what someone is to its owner ("their teacher", "its driver",
    "his owner", "her colleague"; not a kin word, which the relative sieve reads) that no earlier sieve linked,
    whose owner is resolved and that is not described where it stands, names the one person of the scene (this
    prompt before it, or the previous prompt) who is not the owner and whom nothing contradicts: the possessive
    presents its referent as known, and the scene's only other person is whom the reader takes it for. With
    none or several, it starts an entity; so it does when the owner is no person, or when the phrase only owns
    a thing ("his manager's glasses"). With nobody compatible in the scene, see `story_other_person`."""
    for m in ctx.open(("noun",)):
        if m.det != "poss" or m.plural or m.type not in _PEOPLE or m.count is not None or m.kin is not None \
                or described_here(ctx, m):
            continue  # a kin word is the relative sieve's: it knows when "her son" is a newcomer
        if ctx.prompt.doc[m.head].dep_ == "poss":
            continue  # "his wife's handwriting": named through a thing, she need not be there
        owner = owner_of(ctx, m)
        if owner is None or owner.type not in _PEOPLE:
            continue  # a machine's "twin" or an animal's "mother" is not a person of the scene
        owners = {owner.cid} | set(ctx.covers.get(next((x.index for x in owner.mentions), -1), []))
        people = [c for c in ctx.candidates(m)
                  if c.cid not in owners and not c.group and c.type in _PEOPLE
                  and contradicts(m, c) is None and not told_apart(m, c)]
        scene = [c for c in people if ctx.in_scene(c, m)]
        if len(scene) == 1:
            ctx.link(m, scene[0], NAME)
        elif (other := story_other_person(people, scene)) is not None:
            ctx.link(m, other, NAME)


def story_other_person(people: list[Cluster], scene: list[Cluster]) -> Cluster | None:
    """With nobody compatible in the scene, the one compatible person of the whole story who is not the owner
    ("her rescuer" for the guide who dug her out two prompts back, "his coach" for the trainer of the opening):
    the possessive still presents its referent as known, and the story knows only one it can be. Trade: a
    newcomer brought on by a possessive role word ("his lawyer arrives") in a story with exactly one other
    compatible person is merged into that one; with two or more, or anyone compatible in the scene, it is left
    to the scene rule."""
    return people[0] if not scene and len(people) == 1 else None
