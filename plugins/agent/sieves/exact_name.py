"""Sieve 1: exact name (and a shortened name for one of a known name's words)."""

from __future__ import annotations

import copy
import unicodedata
from typing import TYPE_CHECKING

from .. import resources as R
from ..entities import Cluster, contradicts
from ..mentions import TITLE_NOUNS

if TYPE_CHECKING:
    from ..linker import LinkContext
    from ..mentions import Mention

NAME = "exact_name"
TITLE_WORDS = frozenset(TITLE_NOUNS)
#: how many first letters a short name must share with the full name word it shortens ("Cora" of "Corazón",
#: "Venky" of "Venkataraman"); three would also join different people ("Ali" and "Alina")
NICKNAME_PREFIX = 4
#: how many first letters of a short name (itself of four letters or more) must stand inside a longer name word
#: ("Kuba" in "Jakub", "Katya" in "Yekaterina"); two would join many names that merely share a syllable, and a
#: name shorter than four letters ("Ian" in "Brian") is too often a different name
INNER_LETTERS = 3
#: how many first letters a bare pet name shares with the one recent named person it belongs to ("Zbyszek" for
#: Zbigniew, "Jadzia" for Jadwiga); two alone would join any two names, so only a name nothing introduces, with
#: one such person in reach and no gender against it, is read so
PET_OPENING = 2


def run(ctx: LinkContext) -> None:
    """A proper name refers to the entity that already carries that name (any of its name words:
    "Adeyemi" finds "Mrs. Adeyemi"), in the story or earlier in this prompt; the most recent wins. A one-word name
    no entity carries that shortens a name word of exactly one compatible person-like entity (the same first
    four letters, accents aside, and shorter: "Cora" after "Corazón Dimaculangan"; or, at four letters or more,
    the end of a longer name word: "Bayo" after "Adebayo Ogun") is that entity."""
    for m in ctx.open(("name",)):
        linked = False
        for c in ctx.candidates(m):
            if m.names & c.names and not _other_given_name(m.names, c):
                if m.gender_guessed and c.gender is not None:
                    m.gender = None  # the table's guess for the name gives way to what the story said of its bearer
                if ctx.link(m, c, NAME):
                    linked = True
                    break
        if not linked and not any(m.names & c.names for c in ctx.clusters.values() if c is not ctx.cluster(m)):
            bearer = _common_noun_bearer(ctx, m)
            if bearer is not None:
                ctx.link(m, bearer, NAME)
                continue
            full = _shortened(ctx, m) or _inner_diminutive(ctx, m) or _pet_name_opening(ctx, m) \
                or _dialogue_name_by_elimination(ctx, m) or _unnamed_one_named(ctx, m)
            if full is not None:
                if m.gender_guessed and full.gender is not None:
                    m.gender = None
                ctx.link(m, full, NAME, new_name=True)


def _common_noun_bearer(ctx: LinkContext, m: Mention) -> Cluster | None:
    """"The Argentine moves her knight" after "a wiry Argentine", "the Peruvian's bowl" after "a Peruvian
    backpacker": a capitalised word after "the" that the story already used for exactly one entity, as its noun
    or a word describing it (a people's name, a demonym), is that word again, not a new name; the mention becomes
    that noun phrase and its entity is that one."""
    after_the = ctx.prompt.text[:m.start].rstrip().lower().endswith(" the") or m.det == "def"  # "the Peruvian's bowl"
    if not after_the or len(m.names) != 1:
        return None
    word = next(iter(m.names))[1:]
    fits = [c for c in ctx.candidates(m) if word in c.nouns | c.descriptors and not c.group]
    if len(fits) != 1:
        return None
    noun = copy.copy(m)
    noun.kind, noun.names, noun.nouns, noun.lemma = "noun", set(), {word}, word
    if noun.gender_guessed:
        noun.gender = None
    if contradicts(noun, fits[0]) is not None:
        return None
    m.kind, m.names, m.nouns, m.lemma, m.gender = noun.kind, noun.names, noun.nouns, noun.lemma, noun.gender
    own = ctx.cluster(m)
    if own is not None:
        own.names.discard("@" + word)
        own.nouns.add(word)
    return fits[0]


def _shortened(ctx: LinkContext, m: Mention) -> Cluster | None:
    """The one person-like entity with a name word `m`'s single name word shortens (see `run`)."""
    if len(m.names) != 1:
        return None
    short = _plain(next(iter(m.names)))
    if len(short) < NICKNAME_PREFIX + 1:  # "@" + at least the shared letters
        return None
    fits = [c for c in ctx.candidates(m) if c.type in ("person", "any", "creature") and not c.group
            and any(len(w := _plain(n)) > len(short) and (w[:NICKNAME_PREFIX + 1] == short[:NICKNAME_PREFIX + 1]
                                                           or " " not in w and w.endswith(short[1:]))
                    for n in c.names)
            and contradicts(m, c) in (None, "name")
            and not (m.gender and not m.gender_guessed and c.gender and m.gender != c.gender)]
    return fits[0] if len(fits) == 1 else None


def _inner_diminutive(ctx: LinkContext, m: Mention) -> Cluster | None:
    """A diminutive is often built on a syllable from inside the full name ("Kuba" for Jakub, "Katya" for
    Yekaterina, "Nacho" for Ignacio, "Vanya" for Ivan), so it shares neither the first letters nor the end. A bare
    one-word name no entity carries, of four letters or more, that nothing in its prompt introduces (no phrase
    renames it, it renames none), whose first three letters (accents aside) stand inside a name word of exactly one
    compatible person-like entity present in this prompt before it or in the previous prompt, is that entity: a
    new character is introduced with a description, a known one is called by a pet name without one."""
    if not _bare_name(ctx, m):
        return None
    short = _plain(next(iter(m.names)))[1:]
    if len(short) < INNER_LETTERS + 1 or " " in short:
        return None
    syllable = short[:INNER_LETTERS]
    fits = [c for c in ctx.candidates(m) if c.type in ("person", "any", "creature") and not c.group
            and ctx.in_scene(c, m)
            and any(len(w := _plain(n)[1:]) > len(short) and syllable in w[1:] for n in c.names)
            and contradicts(m, c) in (None, "name")
            and not (m.gender and not m.gender_guessed and c.gender and m.gender != c.gender)]
    return fits[0] if len(fits) == 1 else None


def _pet_name_opening(ctx: LinkContext, m: Mention) -> Cluster | None:
    """Pet forms of many languages keep only the first two letters of the full name and change the rest
    ("Zbyszek" for Zbigniew, "Jadzia" for Jadwiga, "Pepa" for Petra). A bare one-word name of four letters or more
    that nothing in its prompt introduces (see `_inner_diminutive`), in a prompt after the first, is the one
    person-like named entity present in this prompt before it or in the previous prompt, and not already named in
    this prompt, whose name word opens with the same two letters and whose gender (even a guessed one) agrees."""
    if ctx.prompt_index == 0 or not _bare_name(ctx, m):
        return None
    short = _plain(next(iter(m.names)))[1:]
    if len(short) < INNER_LETTERS + 1 or " " in short:
        return None
    fits = [c for c in ctx.candidates(m) if c.type in ("person", "any", "creature") and not c.group
            and c.entry is not None and ctx.in_scene(c, m)
            and not any(x.kind == "name" for x in c.mentions if x.start < m.start and x in ctx.mentions)
            and any(len(w := _plain(n)[1:]) > PET_OPENING and " " not in w and w[:PET_OPENING] == short[:PET_OPENING]
                    for n in c.names)
            and contradicts(m, c) in (None, "name")
            and not (m.gender and c.gender and m.gender != c.gender)]
    return fits[0] if len(fits) == 1 else None


def _dialogue_name_by_elimination(ctx: LinkContext, m: Mention) -> Cluster | None:
    """A pet name often shares no letters with the full name ("Mitya" for Dmitri, "Pepe" for Jose), yet the one
    who speaks a line ('"The bread!" Sasha shouts') is someone the story already knows and who is on screen: a
    newcomer is introduced with a description, not by a speech tag alone. A bare one-word name no entity carries
    and the given-name table does not know (a known given name may well be a newcomer's own; pet forms are
    mostly missing from it), that nothing in its prompt introduces, set right after a closing quotation mark in a
    prompt after the first, is the one named person-like entity of the previous prompt that no other mention of
    this prompt names or is linked to, whose gender agrees. A name addressed inside the quotation is left alone:
    the one called to may be away, or a newcomer."""
    if ctx.prompt_index == 0 or not _bare_name(ctx, m) or not _speaks_a_line(ctx.prompt.text, m) \
            or R.name_gender(next(iter(m.names))[1:]) is not None:
        return None
    fits = [c for c in ctx.candidates(m) if c.entry is not None and c.names and not c.group
            and c.type in ("person", "any") and not _accounted(ctx, c, m) and ctx.in_previous(c)
            and contradicts(m, c) in (None, "name") and not (m.gender and c.gender and m.gender != c.gender)]
    return fits[0] if len(fits) == 1 else None


def _unnamed_one_named(ctx: LinkContext, m: Mention) -> Cluster | None:
    """A character met by a description is often named only later, with nothing to say it is the same one
    ("an old woman digs bread out of the sand", next prompt "Doña Pilar knocks on the crust"), while a newcomer
    is introduced with a description of their own. A name (of one word or more: "Frau Helga Brandt") no entity
    carries, that nothing in its prompt introduces, of one person (no article, count or plural), in a prompt
    after the first, is the one person of the previous prompt that has no name yet, that no other mention of
    this prompt is linked to or names, and whose gender agrees with the name's (its title's, or the given-name
    table's guess)."""
    introduced = m.appos_of is not None or m.member_of is not None or any(x.appos_of == m.index for x in ctx.mentions)
    if ctx.prompt_index == 0 or introduced or m.plural or m.count is not None or m.det != "none":
        return None  # "the three Marchettis" names a family
    fits = [c for c in ctx.candidates(m) if c.entry is not None and not c.names and not c.group
            and c.type == "person" and ctx.in_previous(c) and not _accounted(ctx, c, m)
            and contradicts(m, c) in (None, "name") and not (m.gender and c.gender and m.gender != c.gender)]
    return fits[0] if len(fits) == 1 else None


def _bare_name(ctx: LinkContext, m: Mention) -> bool:
    """A one-word name that no phrase of its prompt renames and that renames none."""
    return len(m.names) == 1 and m.appos_of is None and m.member_of is None \
        and not any(x.appos_of == m.index for x in ctx.mentions)


def _speaks_a_line(text: str, m: Mention) -> bool:
    """The name comes right after the closing mark of a quoted line (curly, or a straight one that closes)."""
    before = text[:m.start].rstrip()
    return before.endswith("\u201d") or before.endswith('"') and before.count('"') % 2 == 0


def _accounted(ctx: LinkContext, c: Cluster, m: Mention) -> bool:
    """Some other mention of this prompt is linked to the entity, carries one of its names, or is a definite
    noun phrase with one of its nouns (a later sieve will link it there)."""
    return any(x is not m and (x.entity == c.cid or x.kind == "name" and x.names & c.names
                               or x.kind == "noun" and x.det == "def" and x.lemma in c.nouns) for x in ctx.mentions)


def _plain(word: str) -> str:
    """The word without accents ("corazón" -> "corazon")."""
    return "".join(ch for ch in unicodedata.normalize("NFKD", word) if not unicodedata.combining(ch))


def _other_given_name(mention: set[str], c: Cluster) -> bool:
    """"Wen Lili" after "Grandpa Wen": a title made "Wen" a family name, and the new name adds a given name.
    Only a title said with one of the entity's names counts: "a young woman named Mika" is no title, so
    "Hasegawa Mika" (a family name put before a given name the story knows) is still Mika, whatever the
    noun she was introduced by ("woman" is also what the title "Mrs" says): a titled name keeps the title word
    itself among the entity's nouns (see `MentionReader._name`), a plain noun does not."""
    return bool(mention - c.names) and bool(c.nouns & TITLE_WORDS)
