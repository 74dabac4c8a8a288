"""The `rules` backend: read a prompt, find its mentions, link them by ordered sieves, file the result.

reader (spaCy parse + repairs) -> mentions -> sieves -> registry. Every mention that can introduce
an entity (a name, a noun phrase of a character) starts as its own cluster; the sieves
(`sieves.SIEVES`, most precise first) then merge a mention's cluster into an earlier entity (one
already in the registry, or one this prompt introduced before it), mark the mentions that do not
say the entity is present, and resolve pronouns and covering plurals. What is left unmerged
becomes a new entity. `disabled` switches sieves off by name (their tests check that each one
changes an outcome).
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass, field

from . import lexicon as L
from . import resources as R
from .acting_nouns import STORY_NOUNS
from .entities import Cluster, contradicts, handled_things
from .mentions import Mention, Prompt, read_mentions
from .nouns import noun_info
from .owned_sets import owned_kin_newcomers
from .reader import parse
from .registry import GlobalRegistry, RegistryEntry
from .schema import Attribute, EntityInstance, PromptResult, Reference, ScenePhrase

_CREATING_KINDS = ("name", "noun")
_NOT_ENTITIES = ("prop", "background", "thing")
_SCENE_PREPOSITIONS = frozenset(R.word_lists("context.json")["scene_prepositions"])


@dataclass
class LinkContext:
    """What the sieves share while one prompt is linked."""

    registry: GlobalRegistry
    prompt_index: int
    prompt: Prompt
    clusters: dict[int, Cluster] = field(default_factory=dict)
    covers: dict[int, list[int]] = field(default_factory=dict)  # mention index -> cluster ids it covers
    previous: list[int] = field(default_factory=list)  # entities present in the previous prompt
    gone: set[int] = field(default_factory=set)  # entities a mention of this prompt says are away ("with him gone")
    _next_cid: int = 1_000_000  # provisional ids of new entities (the registry numbers them at the end)

    @property
    def mentions(self) -> list[Mention]:
        return self.prompt.mentions

    def open(self, kinds: Iterable[str] = ("name", "noun", "relative")) -> list[Mention]:
        """Mentions of these kinds no sieve has linked to an earlier entity yet (text order)."""
        kinds = tuple(kinds)
        return [m for m in self.mentions if m.kind in kinds and m.linked_by is None and m.skip is None]

    def cluster(self, m: Mention) -> Cluster | None:
        return self.clusters.get(m.entity) if m.entity is not None else None

    def new_cluster(self, m: Mention) -> Cluster:
        c = Cluster(cid=self._next_cid, order=m.start)
        self._next_cid += 1
        c.type = m.type
        c.absorb(m)
        m.entity = c.cid
        self.clusters[c.cid] = c
        return c

    def is_new(self, c: Cluster) -> bool:
        return c.entry is None

    def candidates(self, m: Mention) -> list[Cluster]:
        """Entities `m` may refer back to: the story's, and this prompt's introduced before `m`
        (most recent first: this prompt's, then by the last prompt they were in)."""
        own = self.cluster(m)
        out = []
        for c in self.clusters.values():
            if c is own or c.entry is None and c.order >= m.start:
                continue
            out.append(c)
        return sorted(out, key=lambda c: (-self.last_seen(c, m), -c.last_prompt))

    def last_seen(self, c: Cluster, before: Mention) -> int:
        """Position of the entity's last mention in this prompt before `before` (-1 if none)."""
        return max((x.start for x in c.mentions if x.start < before.start), default=-1)

    def in_prompt(self, c: Cluster, before: Mention | None = None) -> bool:
        limit = before.start if before is not None else 10 ** 9
        return any(x.start < limit for x in c.mentions)

    def members_of(self, key: str | None) -> list[Cluster]:
        """The entities a counted plural made its members ("three sisters": one per sister), in the order made."""
        return [c for c in self.clusters.values() if c.group_key == key]

    def in_previous(self, c: Cluster) -> bool:
        return c.entry is not None and c.entry.entity_id in self.previous

    def in_scene(self, c: Cluster, m: Mention) -> bool:
        """The entity is in the scene of `m`: named in this prompt before it, or present in the previous prompt."""
        return self.in_prompt(c, m) or self.in_previous(c)

    def link(self, m: Mention, target: Cluster, sieve: str, new_name: bool = False) -> bool:
        """Merge the mention (and its cluster) into `target`; False when they contradict (`new_name`: a
        naming verb gives the entity another name, "calls him Bjossi", so names do not contradict)."""
        own = self.cluster(m)
        if own is target:
            return False
        movers = own.mentions if own is not None else [m]
        allowed = ("name", None) if new_name else (None,)
        if any(contradicts(x, target) not in (("name", None) if x.alias else allowed) for x in movers
               if x.kind in _CREATING_KINDS):
            return False
        m.alias = m.alias or new_name and m.kind == "name"  # "calls her Pip": another name, never a contradiction
        if own is not None:
            del self.clusters[own.cid]
        for x in movers:
            target.absorb(x)
            x.entity = target.cid
        m.linked_by = sieve
        return True

    def cover(self, m: Mention, clusters: list[Cluster], sieve: str) -> None:
        """The plural mention covers these entities (each is present)."""
        self.covers[m.index] = [c.cid for c in clusters]
        own = self.cluster(m)
        if own is not None and own.entry is None and own.mentions == [m]:
            del self.clusters[own.cid]
        m.entity = None
        m.linked_by = sieve


class SieveLinker:
    """Resolves the mentions of a prompt against the registry and files the result."""

    def __init__(self, registry: GlobalRegistry, disabled: Iterable[str] = ()) -> None:
        from .sieves import SIEVES

        self.registry = registry
        names = {name for name, _ in SIEVES}
        self.disabled = frozenset(disabled)
        unknown = self.disabled - names
        if unknown:
            raise ValueError(f"unknown sieve(s) {sorted(unknown)}; sieves: {', '.join(n for n, _ in SIEVES)}")
        self.sieves = [(name, fn) for name, fn in SIEVES if name not in self.disabled]

    def process(self, prompt: str, prompt_index: int) -> PromptResult:
        ctx = self.link(prompt, prompt_index)
        return self._result(ctx)

    def link(self, prompt: str, prompt_index: int) -> LinkContext:
        """Run every enabled sieve on the prompt; the context holds the clusters and the mentions' links."""
        known = frozenset(n[1:] for e in self.registry for n in e.nouns if n.startswith("@"))
        doc = parse(prompt)
        # the story's common nouns, so an unknown noun an earlier prompt made a character is one again (acting_nouns)
        doc.user_data[STORY_NOUNS] = frozenset(n for e in self.registry for n in e.nouns if not n.startswith("@"))
        parsed = read_mentions(prompt, doc, known, self._nouns_of("robot"), self._nouns_of("animal"),
                               self._nouns_of("vehicle"))
        ctx = LinkContext(self.registry, prompt_index, parsed)
        for e in self.registry:
            ctx.clusters[e.entity_id] = Cluster.of_entry(e)
        prev = self.registry.results.get(prompt_index - 1)
        ctx.previous = prev.entity_ids if prev is not None else []
        started = False
        for name, fn in self.sieves:
            if name != "presence" and not started:
                self._singletons(ctx)
                started = True
            fn(ctx)
        if not started:
            self._singletons(ctx)
        if "relative" not in self.disabled:
            from .sieves.relative import learn_plural_kin

            learn_plural_kin(ctx)  # after the groups sieve has said whom "his two grandsons" covers
        return ctx

    def _nouns_of(self, kind: str) -> frozenset[str]:
        """The common nouns (not names, which are "@"-marked) of the story's entities of one kind: how the reader
        knows "the mower" as the story's robot, "the dane" as its dog, "the dozer" as its bulldozer."""
        return frozenset(n for e in self.registry if e.type == kind for n in e.nouns if not n.startswith("@"))

    @staticmethod
    def _singletons(ctx: LinkContext) -> None:
        collective: list[tuple[Mention, Mention]] = []
        for m in ctx.mentions:
            of = _collective_of_members(ctx, m)
            if of is not None:
                collective.append((m, of))  # "a pair of young cousins": the cousins are the characters
                continue
            if _introduces_members(ctx, m):
                members = []
                for _ in range(m.count or 0):
                    c = ctx.new_cluster(m)
                    c.group, c.group_size = False, None
                    c.type = "person" if m.type in ("group", "any") else m.type
                    c.group_key, c.claimed = f"{ctx.prompt_index}:{m.start}:{m.lemma}", False
                    c.mentions.remove(m)
                    members.append(c)
                ctx.cover(m, members, "new")
                continue
            if _creates(m) and m.skip is None and m.type not in _NOT_ENTITIES and m.entity is None \
                    and not (m.det == "poss" and _owner_of_thing(ctx, m)):
                # "their grandmother's radio": an owner named only through a thing never starts an entity; one
                # named through a part of the body is there ("squeezes her uncle's arm")
                ctx.new_cluster(m)
        for m, of in collective:
            ctx.cover(m, [k for cid in ctx.covers.get(of.index, []) if (k := ctx.clusters.get(cid)) is not None], "new")

    # ------------------------------------------------------------------------- filing
    def _result(self, ctx: LinkContext) -> PromptResult:
        reg, k = self.registry, ctx.prompt_index
        present: dict[int, list[Mention]] = {}
        new_ids: dict[int, int] = {}
        covered = {cid: ctx.mentions[idx] for idx, cids in ctx.covers.items() for cid in cids}
        for c in sorted(ctx.clusters.values(), key=lambda c: (c.order, c.cid)):
            live = [m for m in c.mentions if m.skip is None]
            if c.entry is None:
                creating = [m for m in live if _creates(m)]
                if not creating and c.cid not in covered or c.type in _NOT_ENTITIES:
                    continue
                first = min(creating, key=lambda m: m.start) if creating else covered[c.cid]
                kind = c.type if c.type not in ("any", "thing") else "person"
                c.entry = reg.new_entry(name=_readable(first), type=kind, prompt_index=k)
                new_ids[c.cid] = c.entry.entity_id
            if live:
                present.setdefault(c.entry.entity_id, []).extend(live)
        for idx, cids in ctx.covers.items():
            m = ctx.mentions[idx]
            for cid in cids:
                covered_c = ctx.clusters.get(cid)
                if covered_c is not None and covered_c.entry is not None:
                    present.setdefault(covered_c.entry.entity_id, []).append(m)
        for c in ctx.clusters.values():
            if c.entry is not None:
                _store(c, ctx, new_ids)
        entities = []
        for eid in sorted(present):
            entry = reg[eid]
            ms = sorted(set(present[eid]), key=lambda m: m.start)
            single = [m for m in ms if ctx.covers.get(m.index) is None]
            first = next((m for m in single if m.kind != "pronoun"), single[0] if single else ms[0])
            attrs = [Attribute(t, (s, e), kind) for m in single for (t, s, e, kind) in m.attributes]
            refs = [Reference(m.text, (m.start, m.end),
                              "group" if m.index in ctx.covers else "pronoun" if m.kind == "pronoun" else "name")
                    for m in ms]
            entities.append(EntityInstance(entity_id=eid, type=entry.type, surface=first.text,
                                           span=(first.start, first.end), gender=entry.gender, attributes=attrs,
                                           references=refs, is_new=eid in new_ids.values()))
        links = []
        for m in ctx.mentions:
            if m.linked_by is None and m.entity is None and m.skip is None:
                continue
            ids = [e.entity_id for cid in ctx.covers.get(m.index, [])
                   if (e := ctx.clusters[cid].entry if cid in ctx.clusters else None) is not None]
            own = ctx.cluster(m)
            if own is not None and own.entry is not None:
                ids = [own.entry.entity_id]
            sieve = m.linked_by or ("presence" if m.skip else "new")
            links.append({"text": m.text, "span": [m.start, m.end], "sieve": sieve, "ids": ids,
                          "skip": m.skip})
        return PromptResult(prompt_index=k, prompt=ctx.prompt.text, entities=entities, scene=_scene(ctx),
                            backend="rules", links=links)


def _creates(m: Mention) -> bool:
    """The mention may introduce an entity: a name, a character noun phrase, or a description without a noun
    that the text lists as a member of a plural ("Two bakers: a thin one ... and a stout one")."""
    return m.kind in _CREATING_KINDS or m.kind == "relative" and m.member_of is not None


#: the largest count of a plural whose members are created at once ("three sisters"); a larger crowd stays one group
MAX_MEMBERS = 6


def _introduces_members(ctx: LinkContext, m: Mention) -> bool:
    """A counted plural that introduces its members ("Three sisters stand ...", "a four-piece band", "a young
    couple"): one entity per member, so that later descriptions ("the eldest", "the drummer", "his wife") single
    each one out; a covering plural ("the pair") takes them all. (A couple never split costs one extra entity in
    each prompt; one split later would otherwise miss its second member where it was introduced.)"""
    if m.kind != "noun" or m.skip is not None or m.count is None or not 2 <= m.count <= MAX_MEMBERS:
        return False
    if m.det not in ("none", "indef") and not owned_kin_newcomers(ctx, m) \
            or m.type in ("prop", "background", "vehicle", "thing"):
        return False
    if any(c.dep_ in ("det", "predet") and c.lower_ in L.COVER_DETERMINERS for c in ctx.prompt.doc[m.head].children):
        return False  # "all three dogs" takes in the dogs the story has, it brings no new ones
    if any(x.member_of == m.index for x in ctx.mentions):
        return False  # the text lists them itself
    if m.type == "group" and m.lemma in L.PAIR_NOUNS and any(
            c.dep_ == "prep" and c.lower_ == "of" for c in ctx.prompt.doc[m.head].children):
        return False  # "a pair of swans": the swans are the phrase's characters
    if m.type == "group" and m.lemma in L.NUMBER_WORDS and m.lemma not in L.PAIR_NOUNS and not _listed(ctx, m):
        return False  # "a string quartet" plays as one until the text lists its players ("a trio: a pianist, ...")
    return m.plural or m.type == "group"


def _collective_of_members(ctx: LinkContext, m: Mention) -> Mention | None:
    """A group word whose "of" phrase is a counted plural that introduces its members ("a pair of young cousins",
    "a group of three friends"): that plural, whose members are the characters (the group word adds nobody)."""
    if m.kind != "noun" or m.type != "group" or m.skip is not None:
        return None
    for prep in ctx.prompt.doc[m.head].children:
        if prep.dep_ == "prep" and prep.lower_ == "of":
            for obj in prep.children:
                x = ctx.prompt.by_head(obj.i)
                if x is not None and x is not m and _introduces_members(ctx, x):
                    return x
    return None


def _listed(ctx: LinkContext, m: Mention) -> bool:
    """Indefinite character phrases follow the plural after a colon in its sentence (the text lists its members)."""
    colon = ctx.prompt.text.find(":", m.end)
    return colon >= 0 and any(x.sent == m.sent and x.kind == "noun" and x.det == "indef" and x.start > colon
                              for x in ctx.mentions)


def _owner_of_thing(ctx: LinkContext, m: Mention) -> bool:
    """The phrase is a possessor ("her mother's") of something other than a part of the body that a preposition
    places someone at ("from her mother's hand", "on his father's shoulder"); a face studied or a portrait
    looked at may be a picture's."""
    tok = ctx.prompt.doc[m.head]
    part = tok.head
    return tok.dep_ == "poss" and not (part.lemma_.lower() in L.BODY_PARTS and part.dep_ == "pobj")


def _store(c: Cluster, ctx: LinkContext, new_ids: dict[int, int]) -> None:
    """Write the cluster's attributes back into its registry entry."""
    e: RegistryEntry | None = c.entry
    if e is None:
        return
    if c.type not in ("any", "thing") and (e.type == "person" and c.type != "person" and c.named or e.type == "group"):
        e.type = c.type  # "Pebble" was read as a person until "a sleepy grey rabbit named Pebble"
    e.gender = e.gender or c.gender
    e.age, e.stated_age, e.size = c.age, c.stated_age, c.size
    e.colours |= c.colours
    e.clothing |= c.clothing
    e.descriptors |= c.descriptors
    e.nouns |= c.nouns | c.names
    e.group, e.group_size = c.group, c.group_size
    e.group_key, e.claimed = c.group_key, c.claimed
    e.acts |= c.acts
    for m in c.mentions:
        e.handles |= handled_things(ctx.prompt.doc, m)
    for other, rel in c.kin.items():
        target = ctx.clusters.get(other)
        if target is not None and target.entry is not None:
            e.kin[target.entry.entity_id] = rel
        elif other in ctx.registry:
            e.kin[other] = rel


def _scene(ctx: LinkContext) -> list[ScenePhrase]:
    """Where the prompt happens: a locative phrase with a determiner whose object is no character, clothing or
    body part ("in a damp, moss-covered cellar"), from the preposition to the object noun."""
    doc, heads = ctx.prompt.doc, {m.head for m in ctx.mentions}
    out = []
    for prep in doc:
        if prep.dep_ != "prep" or prep.lower_ not in _SCENE_PREPOSITIONS:
            continue
        obj = next((c for c in prep.children if c.dep_ == "pobj" and c.pos_ in ("NOUN", "PROPN")), None)
        if obj is None or obj.i in heads or not any(c.dep_ in ("det", "poss") for c in obj.lefts):
            continue
        span = doc[prep.i:obj.i + 1]
        if noun_info(obj.lemma_.lower()) is not None or any(
                t.lemma_.lower() in L.CLOTHING or t.lemma_.lower() in L.BODY_PARTS for t in span):
            continue
        out.append(ScenePhrase(span.text, (span.start_char, span.end_char)))
    return out


def _readable(m: Mention) -> str:
    if m.kind == "name":
        return m.text
    words = m.text.split()
    if words and words[0].lower() in ("a", "an", "the", "his", "her", "their", "its"):
        words = words[1:]
    return " ".join(words).lower() or m.text.lower()


def link_story(prompts: list[str], disabled: Iterable[str] = ()) -> list[PromptResult]:
    """Every prompt of a story through a fresh registry (the sieve tests run this with one sieve off)."""
    registry = GlobalRegistry()
    out = []
    for k, prompt in enumerate(prompts):
        result = SieveLinker(registry, disabled).process(prompt, k)
        registry.record(result)
        out.append(result)
    return out
