"""Whether a plural pronoun's scene is a cast of machines ("the tug and the ferry ... they")."""

from __future__ import annotations

from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from ..linker import LinkContext
    from ..mentions import Mention


def vehicles_cast(ctx: LinkContext, m: Mention) -> bool:
    """A plural pronoun takes in the scene's vehicle characters when nobody of the scene (this prompt before it,
    else the previous prompt) is a person: in a story of a tugboat and a tanker, "they glide past the lighthouse"
    is the two boats, while beside people a vehicle is what they ride ("they climb into the van"), so a plural
    keeps to the people. A vehicle is an entity only when the text made it a character (scenery is skipped)."""
    here = {x.entity for x in ctx.mentions if x.start < m.start and x.skip is None and x.entity is not None}
    scene = [ctx.clusters[cid] for cid in (here or set(ctx.previous)) if cid in ctx.clusters]
    return any(c.type == "vehicle" for c in scene) and not any(c.type in ("person", "any", "group") for c in scene)
