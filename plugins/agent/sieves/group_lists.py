"""A group's own name and the members a text lists for it ("the Flying Petrovs", "two brothers: Tariq and Sipho").

The groups sieve (groups.py) asks these first: a named group's word joins its members, and names or
descriptions listed after a plural are that plural's members, not renamings of it.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from ..entities import Cluster

if TYPE_CHECKING:
    from ..linker import LinkContext
    from ..mentions import Mention

#: the links these rules make are the groups sieve's (they run inside it)
SIEVE = "groups"
#: marks a word of a group's own name ("the Flying Petrovs") among its members' nouns (names proper start with "@")
GROUP_NAME = "#"


def name_words(m: Mention) -> set[str]:
    """The name's words without a plural -s ("Petrovs", "Petrov" alike)."""
    return {w[1:].removesuffix("s") for w in m.names}


def group_name(ctx: LinkContext, m: Mention) -> bool:
    """A name set beside a counted plural that introduced its members ("the Marchetti Brothers, three jugglers") is
    the group's name, not one more character: it covers the members, and each member keeps the name's words, so
    that the name later ("the three Marchettis", "the Marchetti Brothers") covers them again."""
    own = ctx.cluster(m)
    if own is None or own.entry is not None or any(x.kind == "name" and x is not m for x in own.mentions):
        return False
    words = name_words(m)
    doc = ctx.prompt.doc
    # set beside it by the parse, or only a comma apart (the parser may read "the Flying Ostroms, three siblings,"
    # as two subjects)
    beside = [x for x in ctx.mentions if x.appos_of == m.index or doc[x.head].dep_ == "appos"
              and doc[x.head].head.i == m.head or x.start > m.end and ctx.prompt.text[m.end:x.start].strip() == ","
              ] + ([ctx.mentions[m.appos_of]] if m.appos_of is not None else [])
    for x in beside:
        members = [c for cid in ctx.covers.get(x.index, []) if (c := ctx.clusters.get(cid)) is not None]
        if x.kind == "noun" and x.plural and len(members) >= 2 and all(c.group_key for c in members):
            for c in members:
                c.nouns |= {GROUP_NAME + w for w in words}
            ctx.cover(m, members, SIEVE)
            return True
    tagged = {GROUP_NAME + w for w in words}
    members = [c for c in ctx.candidates(m) if tagged <= c.nouns]
    # the whole group name, or a plural of its words ("the Marchettis"); "Mr Marchetti" is one of them, not all
    whole = all(tagged == {n for n in c.nouns if n.startswith(GROUP_NAME)} for c in members)
    plural = m.count is not None or any(w.endswith("s") for w in m.names)
    if len(members) >= 2 and (whole or plural) and (m.count is None or m.count == len(members)):
        ctx.cover(m, members, SIEVE)
        return True
    return False


def listed_names(ctx: LinkContext, m: Mention) -> list[Mention]:
    """The names the text gives a plural's members right after it: listed after its colon ("his brothers wait: Dario
    in a green cap, Luca in a grey one") or set beside it ("the sisters, Ines and Marta, ...")."""
    doc = ctx.prompt.doc
    out: list[Mention] = []
    for x in ctx.mentions:
        if x.kind != "name" or x.skip is not None or x.sent != m.sent or x.start < m.end:
            continue
        tok = doc[x.head]
        beside = tok.head.i == m.head and (tok.dep_ == "appos" or tok.dep_ == "conj" and doc[tok.i - 1].text == ",") \
            or tok.dep_ == "conj" and any(y.head == tok.head.i for y in out)
        beside = beside or next_in_list(ctx, x, out)
        colon = ctx.prompt.text.find(":", m.end, x.start)
        after_colon = colon >= 0 and not any(y.plural and y.kind == "noun" and m.end <= y.start < colon
                                             for y in ctx.mentions)
        if x.member_of == m.index or x.appos_of is not None and ctx.mentions[x.appos_of] in out or beside \
                or after_colon and not out:
            out.append(x)
    return out


def next_in_list(ctx: LinkContext, x: Mention, out: list[Mention]) -> bool:
    """A name joined by "and" after a listed name with only that name's description between them ("Mia in a blue
    dress and Lena in a pink one") is the next of the list, wherever the parser hangs it (often on the first
    name's garment): no verb and no other character comes between them."""
    if not out or x.kind != "name" or ctx.prompt.doc[x.head].dep_ != "conj":
        return False
    doc, last = ctx.prompt.doc, out[-1]
    between = doc[last.head + 1:x.head]
    if not between or between[-1].lower_ != "and" or any(t.pos_ in ("VERB", "AUX") for t in between):
        return False
    return not any(y.kind in ("noun", "name") and y.skip is None and last.end <= y.start < x.start
                   and y.type in ("person", "any", "animal", "creature") for y in ctx.mentions)


def new_named_members(ctx: LinkContext, m: Mention) -> list[Mention]:
    """The names set beside or listed after a plural ("her twin girls, Mia and Lena, ...", "two boys, Rafe in a
    cap and Ned in a scarf") that are new to the story are the plural's members, when there are as many as it
    counts: the plural introduces them (it refers back to nobody, and is not one more character), and each name
    learns the plural's noun so that "the two girls" later finds them."""
    if m.kind != "noun" or not m.plural or m.det == "new":
        return []
    names = listed_names(ctx, m)
    if len(names) < 2 or m.count is not None and m.count != len(names):
        return []
    if any((c := ctx.cluster(x)) is None or c.entry is not None for x in names):
        return []
    return names


def group_of_listed(ctx: LinkContext, m: Mention) -> bool:
    """A new group whose members its sentence lists after a colon ("a family of four ...: a father, a mother and
    two small girls") is those members, not one more entity: the text names them separately (each is an entity),
    and the group word covers them all."""
    if m.kind != "noun" or m.type != "group" or m.det != "indef" or m.plural or ctx.covers.get(m.index):
        return False
    colon = ctx.prompt.text.find(":", m.end)
    if colon < 0 or any(x.sent == m.sent and x.kind in ("noun", "name") and m.end <= x.start < colon
                        for x in ctx.mentions):
        return False
    listed: list[Cluster] = []
    for x in ctx.mentions:
        if x.sent != m.sent or x.start < colon or x.skip is not None or x.kind not in ("noun", "name"):
            continue
        found = [ctx.clusters[cid] for cid in ctx.covers.get(x.index, []) if cid in ctx.clusters] or (
            [c] if (c := ctx.cluster(x)) is not None else [])
        listed += [c for c in found if c not in listed and c.type in ("person", "any", "animal", "creature")]
    if len(listed) < 2 or m.count is not None and m.count != len(listed):
        return False
    for c in listed:
        c.nouns.add(GROUP_NAME + m.lemma)  # "the whole family" later finds them
    ctx.cover(m, listed, SIEVE)
    return True


def apposed_names_join(ctx: LinkContext, m: Mention, member: Cluster) -> None:
    """A name set beside a description that singled a member out ("Paolo, the tallest, ...") is that member: the
    apposition sieve joins a name only to a description that has an entity of its own, and "the tallest" gets
    one only here, so the new name would otherwise become one more character."""
    beside = [x for x in ctx.mentions if x.appos_of == m.index]
    if m.appos_of is not None:
        beside.append(ctx.mentions[m.appos_of])
    for x in beside:
        own = ctx.cluster(x)
        if x.kind == "name" and x.skip is None and own is not None and own.entry is None and own is not member:
            ctx.link(x, member, SIEVE)


def listed_after(ctx: LinkContext, m: Mention) -> bool:
    """`m` follows a colon after a counted plural of its sentence ("Three hikers ...: a bearded man, ...")."""
    text = ctx.prompt.text
    return any(x.sent == m.sent and x.count and x.start < m.start and ":" in text[x.end:m.start]
               for x in ctx.mentions if x.plural or x.type == "group")


#: kinds of beings other than people a listed member takes from its plural ("two drones: a yellow one ...")
BEING_KINDS = ("animal", "creature", "robot", "vehicle")


def member_takes_plural_kind(m: Mention, x: Mention, c: Cluster) -> None:
    """A member the text lists by a description without a noun of its own ("two drones: a yellow one and a grey
    one", "three goats, a white one ...") is a being of the plural's kind, not a person: "one" stands for the
    plural's noun, so a later "the yellow drone" or "the white goat" finds it. A member with a noun of its own
    ("two dogs: a puppy and ...") keeps what its noun says."""
    if x.kind == "relative" and x.type in ("any", "person") and c.type in ("any", "person") and m.type in BEING_KINDS:
        x.type = c.type = m.type
