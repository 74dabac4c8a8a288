"""The `rules` backend: entity extraction and cross-prompt identity matching without a model.

Matching rules, in the order they are applied to each mention of a prompt (text order, so the
first prompt is matched against itself too):

0. A proper name is the strongest evidence: the entity of that name (a title or first name alone
   also finds it), else the description it renames ("a man named Jonas", "her grandson Mateo"),
   else a new named character; a name never joins an entity that has another name. An apposition
   after a name ("Amara, a baker in an apron, ...") teaches the entity its nouns, type and gender,
   so "the baker" later finds her.
1. "another X", "a second X", "a new X" (whole words) always start a new entity.
2. Renaming links are followed first: apposition ("A clockmender, an aged man, ..."), "dressed
   as a mime", "a figure of a woman", a predicate ("He is the beekeeper's son") and known kin
   ("his father" for the boy introduced as "his son").
3. Otherwise a noun phrase is compared with every known entity:
   - the same noun (or a synonym, also from WordNet) is the strongest evidence; a hypernym ("the
     bird" for the seagull, "the officer" for a sergeant, from WordNet where the lists end) is next;
     a modifier noun counts as well, but an animal's never makes a person phrase that animal ("the
     dog owner" is matched against persons only);
   - a kinship word may rename the one fitting character of the scene ("her grandson" for the boy),
     unless that character is named (a named character comes with its relations: "his uncle" is new),
     and a definite role noun the only person of the last scene that fits it ("the diver" for the
     biologist; "the old coach" when the other person of that scene is a teenage girl), else of the
     scene before; once someone is named in the prompt, only a person it has so far referred to
     by a pronoun alone ("His student and the old coach"); a definite noun without noun evidence
     never takes someone its own sentence names apart, by a definite phrase of their noun ("The page
     bows before the king") or by an object pronoun only they can be ("The host greets her");
   - a role noun never seen for the entity ("the singer" for "a woman", "the protagonist") is
     weak evidence, allowed only where nothing contradicts it: an occupation never renames a
     different occupation, kin nouns exclude each other (a mother is not the daughter), "his son"
     is never 'him' and names a new relative unless the relation is already known;
   - gender, age class and type must agree: a woman never takes a man's ID, a boy is never
     "the man" (a role WordNet files under adults and never under children, "the teacher", is an
     adult);
   - contradicting attributes (a red coat vs a blue coat, young vs elderly, small vs large)
     rule a candidate out; shared attributes decide between two entities of the same kind;
   - inside one clause, two different noun phrases are two entities unless they repeat the
     same noun ("the dragon ... the dragon"); an indefinite phrase repeating the noun of an entity
     already named in this prompt is a second one ("The baker ... a young apprentice baker");
   - an indefinite phrase ("a dragon") needs the same noun (or a hypernym for an entity already in
     this prompt) to be an entity seen before; a definite one ("the singer") may take any
     compatible entity.
   The best-scoring compatible entity wins (noun evidence, shared attributes, presence in this
   prompt, recency); with none, a new entity is created.
4. Pronouns never create entities. "he"/"she" resolve by position (a possessive to its clause's
   subject, a subject pronoun to the previous clause's subject, an object pronoun never to the
   subject of its own verb, however far, while no comma or subordinator opens another clause
   between), then by gender and recency, else to the story's latest entity of that gender; "they"
   (or "the three of them", or "All three" before a verb) opening a prompt covers the previous
   prompt's entities; "them" inside a sentence covers the scene's persons but its clause's subject
   (this prompt's when two or more, else the previous prompt's); "it" opening a prompt is the last
   non-human entity.
5. Plurals cover known entities ("the two hikers", "their worried parents", "the whole troupe");
   a definite plural with a count ("the two sailors", "both dogs") whose count is the number of
   persons (or animals) of the scene covers them even when its noun was never used for them
   ("the two friends" may count a person and an animal), or the scene's persons of its gender when
   they are that many ("the two women" beside a musician), else with those of unknown gender and
   no other age ("the two men" for a man and a stranger beside a woman); "the girls" covers the scene's people
   known to be female;
   a foreground group acting as one ("a newlywed pair", "a group of hikers") is one entity, and
   "the pair", "the couple" or "the duo" is the story's latest group of two;
   members listed separately ("two hikers, a man and a woman"; "one in a blue suit and one in an
   orange suit") are one entity each, and so are siblings of one birth ("her twin daughters" are
   two entities, "triplet girls" three), as the word gives their number. "One X ... the other"
   names two members ("a pair of swans" has two as well): "the other" is a known one of them,
   neither the one just named nor someone new in between ("One friend waves at a waiter while
   the other ..."); a counted pair told apart this way ("two hikers", then "One hiker slips")
   becomes its first member, and "the other" its second. A counted plural followed, after a colon
   or comma, by as many single phrases of its noun or a kind of it ("Two horses graze: a grey mare
   and a brown stallion") lists its members. 'one' after a determiner and adjectives ("the white
   one", "a rusty one with a dented head", "the one in the cap") repeats the noun of the prompt's
   latest character phrase (never that phrase's entity inside its clause), else, or when that finds
   nobody, the noun the story used last; a definite one ("the older one") picks the first member out
   of a known group.
6. Predicates ("is not a sailor any more"), hypotheticals ("the next patient", "an unseen
   opponent"), depictions ("a portrait of a woman"), someone only talked of ("tells her about his
   brother", "a storybook about a dragon and a princess", "a letter from her brother", "her father
   would have loved this"; a definite phrase of a known noun is left alone), props ("a toy robot"), background groups
   ("the crowd"), vehicles that are places ("on a night bus") and explicit absence ("both now
   gone") neither create nor confirm presence. Nor does a person noun that also names a thing
   (WordNet gives it a non-person sense), possessed by a pronoun of a character present in the
   prompt and taken as an object by a verb of raising, lowering or keeping, or closed by an
   adverbial particle: "keeps her guard up", "lowers his guard" (kinship and relation nouns, "helps
   her son up", always name a person).
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import TypeGuard, cast

from . import lexicon as L
from . import resources as R
from .nouns import noun_gender
from .registry import GlobalRegistry, RegistryEntry
from .schema import Attribute, EntityInstance, PromptResult, Reference, ScenePhrase
from .text import (
    Attr,
    Mention,
    NounInfo,
    PromptReader,
    _hyper,
    clothing_items,
    game_words_in,
    noun_info,
    scene_phrases,
    singular,
)

_SYNONYMS = [set(g) for g in L.SYNONYM_GROUPS]
_SYN_INDEX: dict[str, set[str]] = {}
for _group in _SYNONYMS:
    for _w in _group:
        _SYN_INDEX.setdefault(_w, set()).update(_group)

#: catch-all hypernyms for types without a family in the lexicon
_TYPE_HYPERNYMS = {
    "robot": "robot", "machine": "robot", "vehicle": "vehicle", "boat": "vehicle", "child": "person",
}
_CHILDREN = L.CHILD_KIN
_PARENTS = L.PARENT_KIN
_BOATS = L.BOATS
_MAIN_CHARACTER = L.MAIN_CHARACTER
_STOP_DESCRIPTORS = L.FUNCTION_WORDS | frozenset(L.DETERMINERS) | {"full", "very", "one", "single", "lone"}


_KIN_GROUPS = L.KIN_GROUPS
_RECIPROCAL = L.KIN_RECIPROCAL


def _kin_group(noun: str) -> str | None:
    return next((g for g, words in _KIN_GROUPS.items() if noun in words), None)


def _synonyms(a: str, b: str) -> bool:
    return a == b or b in _SYN_INDEX.get(a, ()) or R.noun_relation(a, b) == 3


def _related(a: str, b: str) -> bool:
    """a names b more generally, or b names a more generally (the hypernym test, both ways)."""
    if _hyper(a, b) or R.noun_relation(a, b) == 2:
        return True
    if a == "child" and b in _CHILDREN or b == "child" and a in _CHILDREN:
        return True
    if a == "parent" and b in _PARENTS or b == "parent" and a in _PARENTS:
        return True
    if a == "boat" and b in _BOATS or b == "boat" and a in _BOATS:
        return True
    for x, y in ((a, b), (b, a)):
        if x in ("robot", "machine"):
            info = noun_info(y)
            if info is not None and info.type == "robot":
                return True
        if x == "vehicle":
            info = noun_info(y)
            if info is not None and info.type == "vehicle":
                return True
    return False


@dataclass
class _Work:
    """Per-prompt bookkeeping while resolving mentions."""

    prompt_index: int
    refs: dict[int, list[tuple[Mention, str]]] = field(default_factory=dict)  # eid -> (mention, how)
    absent: set[int] = field(default_factory=set)
    clause_np: dict[int, dict[int, list[int]]] = field(default_factory=dict)  # clause -> eid -> mention idx
    last_pos: dict[int, int] = field(default_factory=dict)
    new_ids: set[int] = field(default_factory=set)
    subject_sent: dict[int, int] = field(default_factory=dict)  # eid -> last sentence it opened
    sent_np: dict[int, set[int]] = field(default_factory=dict)  # sentence -> entities named in it
    resolved: dict[int, list[int]] = field(default_factory=dict)  # mention idx -> eids


def _type_ok(m_type: str, m_cat: str, e: RegistryEntry) -> bool:
    et = e.type
    if m_type in ("any",) or et in ("any",) or m_type == et:
        return True
    if {m_type, et} <= {"person", "creature"}:
        return True
    if m_type == "animal" and m_cat == "epithet" and et in ("creature", "robot", "animal"):
        return True
    if m_type == "person" and m_cat == "epithet" and et in ("creature", "robot"):
        return True
    if {m_type, et} <= {"robot", "vehicle"}:
        return True
    if et == "robot" and m_type == "animal":
        return True  # "the bird" for a mechanical bird
    return False


def _entity_category_nouns(e: RegistryEntry, category: str) -> set[str]:
    out = set()
    for n in e.nouns:
        info = noun_info(n)
        if info is not None and info.category == category:
            out.add(n)
    return out


class RulesResolver:
    """Resolves the mentions of a prompt against the registry and files the result."""

    def __init__(self, registry: GlobalRegistry) -> None:
        self.reg = registry

    # -- entry point ---------------------------------------------------------------------------
    def process(self, prompt: str, prompt_index: int) -> PromptResult:
        """Read `prompt`, give every mention a global ID (creating entries as needed) and report the
        entities present. The caller files the result (`GlobalRegistry.record`)."""
        known: set[str] = set()
        for e in self.reg:
            known |= e.nouns
        names = {n[1:] for n in known if n.startswith("@")}
        game = any(game_words_in(r.prompt) for k, r in self.reg.results.items() if k < prompt_index)
        reader = PromptReader(prompt, known_nouns=known, prop_nouns=self.reg.props, known_names=names,
                              game_story=game, one_noun=self._one_noun(prompt_index))
        mentions = reader.read()
        self.reg.props |= reader.new_props
        self._mentions = mentions
        self._relative = reader.relative_antecedent
        self._prompt = prompt
        w = _Work(prompt_index)
        self._work = w
        for idx, m in enumerate(mentions):
            self._resolve(idx, m, w)
        result = self._build_result(prompt, prompt_index, mentions, reader, w)
        return result

    def _one_noun(self, prompt_index: int) -> tuple[str, str, str] | None:
        """What a bare "the white one" stands for when its prompt has no character phrase before it: the
        noun of the last prompt's group, else of the entity it named last."""
        prev = [e for e in self.reg if prompt_index - 1 in e.instances]
        if not prev:
            return None
        groups = [e for e in prev if e.group]
        e = max(groups or prev, key=lambda x: (x.instances[prompt_index - 1].span or (0, 0))[0])
        words = [singular(x.lower())[0] for x in e.name.split()]
        nouns = [n for n in e.nouns if not n.startswith("@") and noun_info(n) is not None]
        noun = next((w for w in reversed(words) if w in nouns), nouns[0] if nouns else None)
        if noun is None:
            return None
        info = noun_info(noun)
        assert info is not None  # `nouns` keeps only nouns with an entry, and noun is one of them
        return noun, e.type if e.type != "group" else info.type, info.category

    # -- resolution ----------------------------------------------------------------------------
    def _resolve(self, idx: int, m: Mention, w: _Work) -> None:
        e: RegistryEntry | None  # the entry the mention resolves to, once one is found
        if m.kind == "pronoun":
            self._resolve_pronoun(idx, m, w)
            return
        if m.skip == "owned":
            owner = self._possessor(idx, m, w)  # "keep her guard up": a thing only when its owner is here
            if owner is not None and owner.entity_id in w.refs and owner.entity_id not in w.absent:
                return
            m.skip = None
        if m.skip is not None:
            return
        if m.category == "name":
            self._resolve_name(idx, m, w)
            return
        if m.det in ("poss", "gen"):
            owner = self._possessor(idx, m, w)  # "her partner" is never 'her'
            m.kin_owner = owner.entity_id if owner is not None else None
            if owner is None and m.det_word == "their" and not w.refs and m.sent == 0:
                # "Their teacher arrives" opening a prompt: 'their' is the last prompt's characters
                for e in self.reg:
                    if w.prompt_index - 1 in e.instances and not e.group:
                        probe = Mention(kind="pronoun", head="their", head_token=m.head_token, start=m.start,
                                        end=m.start + len(m.det_word), name_start=m.start, sent=m.sent,
                                        clause=m.clause, pron_case="poss")
                        self._ref(w, e.entity_id, idx, probe, "group", record=False)
            if owner is not None and owner.type == "animal" and m.type in ("person", "any") and (
                    m.category == "kinship" or "A" in R.noun_senses(m.head)):
                m.type = "animal"  # "a goat nudges her kid", "its mother": an animal's young or parent
            if owner is not None and m.det == "poss" and owner.entity_id not in w.refs and not owner.group:
                # "Her cub catches a fish": 'her' is a reference to the mother, as "the pony's mane" is
                probe = Mention(kind="pronoun", head=m.det_word, head_token=m.head_token, start=m.start,
                                end=m.start + len(m.det_word), name_start=m.start, sent=m.sent, clause=m.clause,
                                pron_case="poss")
                self._ref(w, owner.entity_id, idx, probe, "pronoun", record=False)
        if m.alias_of is not None:
            host_ids = w.resolved.get(m.alias_of, [])
            if len(host_ids) == 1:
                e = self.reg[host_ids[0]]
                if not (m.gender and e.gender and m.gender != e.gender) and e.entity_id != m.kin_owner:
                    self._absorb(e, m, w)
                    self._learn_kin(e, m)
                    self._ref(w, e.entity_id, idx, m, "alias")
                    return
            if m.predicate:
                return  # a predicate only ever renames its subject
        if m.plural or m.type == "group" or m.det in ("num", "each") and (m.number or 0) != 1:
            self._resolve_plural(idx, m, w)
            return
        if m.det == "new":
            e = self._create(m, w)
            self._ref(w, e.entity_id, idx, m, "name")
            return
        e = self._split_pair(m, w)
        if e is None:
            e = self._kin_relative(idx, m, w)
        if e is not None and (m.gender and e.gender and m.gender != e.gender):
            e = None
        if e is None:
            e = self._kin_of_described(idx, m, w)
        if e is None:
            e = self._match(idx, m, w)
        if e is None and m.one_alt is not None:
            e = self._match_one_alt(idx, m, w)
        if e is None:
            e = self._only_person_for_a_role(idx, m, w)
        if e is None:
            if m.head in self.reg.props:
                return
            e = self._create(m, w)
        else:
            # a hypernym or an epithet ("the boat", "the animal") does not become a name of the entity
            general = self._noun_level(m, e) == 2 or (m.category == "epithet" and m.head not in e.nouns)
            self._absorb(e, m, w, keep_head=not general)
        self._learn_kin(e, m)
        self._ref(w, e.entity_id, idx, m, "name")

    def _resolve_name(self, idx: int, m: Mention, w: _Work) -> None:
        """A name is the strongest evidence: the entity of that name, or (after "a woman named") the one
        it names, else a new named character. A name never joins an entity that has another name."""
        keys = {n for n in m.nouns if n.startswith("@")}
        best: RegistryEntry | None = None
        best_score = -1.0
        for e in self.reg:
            if e.group:
                continue
            shared = keys & e.nouns
            if not shared:
                continue
            own = {n for n in e.nouns if n.startswith("@")}
            score = len(shared) * 10.0 - len(own - keys) * 0.5 + (3.0 if e.entity_id in w.refs else 0.0) \
                + 0.01 * e.last_prompt
            if m.gender and e.gender and m.gender != e.gender:
                score -= 5.0
            if score > best_score:
                best, best_score = e, score
        if best is None and m.alias_of is not None:
            host_ids = w.resolved.get(m.alias_of, [])
            if len(host_ids) == 1 and not any(n.startswith("@") for n in self.reg[host_ids[0]].nouns):
                best = self.reg[host_ids[0]]  # "a tall woman named Mara": the description gets the name
        if best is None:
            best = self._create(m, w)
        else:
            self._absorb(best, m, w)
        self._ref(w, best.entity_id, idx, m, "name")

    def _learn_kin(self, e: RegistryEntry, m: Mention) -> None:
        """Remember "E2 is E1's son" so that "his father" later finds E1."""
        owner = m.kin_owner
        if owner is not None and owner != e.entity_id and _kin_group(m.head) is not None:
            e.kin.setdefault(owner, m.head)

    def _match(self, idx: int, m: Mention, w: _Work) -> RegistryEntry | None:
        scored: list[tuple[float, int, RegistryEntry, int]] = []
        clause_ids = w.clause_np.get(m.clause, {})
        for e in self.reg:
            if e.group or e.entity_id == m.kin_owner:
                continue
            lvl = self._noun_level(m, e)
            if lvl == 0:
                continue
            if m.gender and e.gender and m.gender != e.gender:
                continue
            if m.age and e.age and m.age != e.age:
                continue
            if lvl < 3 and not _type_ok(m.type, m.category, e):
                continue
            others = [k for k in clause_ids.get(e.entity_id, []) if k != idx]
            if others and (lvl < 3 or m.one_anaphor):
                continue  # another phrase of this clause already is this entity ("the ginger kitten ... the black one")
            if m.antecedent is not None and lvl < 3 and e.entity_id in w.resolved.get(m.antecedent, []):
                continue  # "his grandson, who watches the master": the master is not the grandson
            if others and m.det in ("indef",) and any(self._mentions[k].det in ("indef", "new") for k in others):
                continue  # "a man ... a man": two men
            if self._conflict(m, e) or lvl < 3 and self._named_later(idx, m, e):
                continue
            if m.det in ("indef", "bare") and lvl < 2:
                if not (m.category == "epithet" and e.entity_id in w.refs):
                    continue
            if m.det in ("indef", "bare") and lvl == 2 and e.entity_id not in w.refs:
                continue  # "a rescue boat" is not the sailboat; "a stray toddler" may be the girl just named
            if m.det == "indef" and lvl == 3 and any(how == "name" for _, how in w.refs.get(e.entity_id, [])):
                continue  # "The baker ... is joined by a young apprentice baker": a second monk
            if m.det in ("poss", "gen") and m.category == "kinship" and lvl < 3:
                continue  # "his son" introduces a relative unless the relation is already known (_kin_relative)
            score = lvl * 10.0 + 4.0 * len(self._shared(m, e))
            if _readable(self._prompt[m.name_start:m.end]) in {_readable(_strip_det(x)) for x in e.surface_names}:
                score += 2.0  # called exactly this before ("the baker" vs "the young apprentice baker")
            if e.entity_id in w.refs:
                score += 3.0 + 0.01 * w.last_pos.get(e.entity_id, 0)
            gap = w.prompt_index - e.last_prompt
            score += 2.0 if gap <= 1 else (1.0 if gap == 2 else 0.0)
            if m.head in _MAIN_CHARACTER and e.type in ("person", "creature"):
                score += 5.0 if e.entity_id == min(x.entity_id for x in self.reg if x.type in ("person", "creature")) \
                    else 0.0
            scored.append((score, -e.entity_id, e, lvl))
        if not scored:
            return None
        scored.sort(key=lambda s: (s[0], s[1]), reverse=True)
        if m.other_of is not None:
            # "One friend ... the other": a known member, not the one just named nor someone new here
            one = next((k for k, x in enumerate(self._mentions) if x.head_token == m.other_of), None)
            taken = set(w.resolved.get(one, []) if one is not None else []) | w.new_ids
            scored = [s for s in scored if s[2].entity_id not in taken]
            return scored[0][2] if scored else None
        if m.det == "other":
            recent = [s for s in scored if s[2].entity_id in w.refs]
            if recent:
                latest = max(recent, key=lambda s: w.last_pos.get(s[2].entity_id, -1))[2].entity_id
                scored = [s for s in scored if s[2].entity_id != latest]
            if not scored:
                return None
        if m.det == "ordinal" and m.ordinal:
            strong = sorted((s for s in scored if s[3] >= 2), key=lambda s: s[2].entity_id)
            if strong:
                k = m.ordinal - 1 if m.ordinal > 0 else len(strong) - 1
                if 0 <= k < len(strong):
                    return strong[k][2]
                return None
        return scored[0][2]

    def _noun_level(self, m: Mention, e: RegistryEntry) -> int:
        h = m.head
        nouns = e.nouns
        if any(_synonyms(h, n) for n in nouns):
            return 3
        if any(n in nouns for n in m.nouns - {h} if noun_info(n) is None
               or cast(NounInfo, noun_info(n)).category != "kinship"
               and not (cast(NounInfo, noun_info(n)).type == "animal" and m.type == "person")):
            return 3  # a modifier noun of the entity; an animal's ("the dog owner") never makes a person it
        if any(_related(h, n) for n in nouns):
            return 2
        cat = m.category
        if cat == "epithet":
            return 1
        if cat == "generic":
            return 1 if e.type in ("person", "creature", "any") else 0
        if cat == "kinship":
            kin = _entity_category_nouns(e, "kinship")
            if m.head in _PARENTS and kin & _CHILDREN or m.head in _CHILDREN and kin & _PARENTS:
                return 0
            return 1 if not kin else 0
        if cat == "occupation":
            return 1 if e.type in ("person", "creature") and not _entity_category_nouns(e, "occupation") else 0
        if cat in ("species", "creature", "robot", "vehicle"):
            own = {n for n in nouns if (noun_info(n) is not None
                                        and cast(NounInfo, noun_info(n)).category
                                        in ("species", "creature", "robot", "vehicle"))}
            return 1 if not own and e.type == m.type else 0
        return 0

    def _shared(self, m: Mention, e: RegistryEntry) -> set[str]:
        return (m.descriptors & e.descriptors) - _STOP_DESCRIPTORS - {m.head}

    def _conflict(self, m: Mention, e: RegistryEntry) -> bool:
        mw = m.descriptors
        ew = e.descriptors
        if m.head in L.ADULT_EPITHETS and (ew & {"young", "little", "teenage", "baby"} or e.age == "child"):
            return True
        if (mw & L.AGE_YOUNG - {"little"} and ew & (L.AGE_OLD - {"ancient"})) or (
                mw & (L.AGE_OLD - {"ancient"}) and ew & (L.AGE_YOUNG - {"little"})):
            return True
        if m.size and e.size and m.size != e.size:
            return True
        if m.colours and e.colours and not (m.colours & e.colours):
            return True
        mine = clothing_items(m.attrs)
        if mine:
            theirs = clothing_items([_attr_from_text(a) for a in e.attributes])
            for slot, garment, colours in mine:
                same_slot = [x for x in theirs if x[0] == slot]
                if not same_slot:
                    continue
                if not any(g == garment and (not c or not colours or c & colours) for _, g, c in same_slot):
                    return True
        return False

    # -- pronouns ------------------------------------------------------------------------------
    def _resolve_pronoun(self, idx: int, m: Mention, w: _Work) -> None:
        word = m.head
        if word in ("he", "him", "his", "himself", "she", "her", "hers", "herself"):
            best = self._gendered_pronoun(idx, m, w, assign=True)
            if best is not None:
                self._ref(w, best.entity_id, idx, m, "pronoun", subject_pronoun=m.subject)
            return
        if word in ("it", "its", "itself") and w.refs and m.pron_case in ("subj", "poss"):
            # "Lena strokes its mane": the latest animal, robot or vehicle of this prompt (else of the last one)
            here = [self.reg[eid] for eid in w.refs if eid not in w.absent]
            things = [e for e in here if e.type not in ("person",) and not e.group]
            best = max(things, key=lambda e: w.last_pos.get(e.entity_id, -1)) if things else None
            nxt = self._prompt[m.end:].split(None, 1)
            if best is None and word == "its" and nxt and singular(nxt[0].strip(".,;").lower())[0] in L.BODY_PARTS:
                # "strokes its mane": a body part's owner is the animal of the last prompt, if only one
                prev = [e for e in self.reg if w.prompt_index - 1 in e.instances and e.type not in ("person",)
                        and not e.group and e.entity_id not in w.refs]
                best = prev[0] if len(prev) == 1 else None
            if best is not None:
                self._ref(w, best.entity_id, idx, m, "pronoun")
            return  # otherwise 'it' is as likely a thing
        if word == "them" and m.pron_case == "obj" and not self._opens_prompt(m):
            # "A stranger asks them the way": the scene's persons but the clause's subject, this prompt's
            # when it has two or more, else the previous prompt's
            banned = self._clause_subject(idx, m, w)
            people = [e for e in self._scene(w, ("person", "creature")) if e.entity_id != banned]
            here = [e for e in people if e.entity_id in w.refs]
            group = here if len(here) >= 2 else [e for e in people if w.prompt_index - 1 in e.instances
                                                  and e.entity_id not in w.refs]
            if len(group) >= 2:
                for e in group:
                    self._ref(w, e.entity_id, idx, m, "group")
            return
        if not w.refs and self._opens_prompt(m):
            prev = [e for e in self.reg if w.prompt_index - 1 in e.instances]
            if word in ("it", "its", "itself"):
                beasts = [e for e in prev if e.type not in ("person",) and not e.group]
                if beasts:
                    best = max(beasts, key=lambda e: (e.last_prompt, -e.entity_id))
                    self._ref(w, best.entity_id, idx, m, "pronoun")
            elif word in ("they", "them", "their"):
                prev.sort(key=lambda e: (e.instances[w.prompt_index - 1].span or (0, 0))[0])
                if m.number and len(prev) < m.number:  # "the three of them": complete with the latest others
                    others = sorted((e for e in self.reg if e not in prev and not e.group),
                                    key=lambda e: (-e.last_prompt, e.entity_id))
                    prev += others[:m.number - len(prev)]
                for e in prev[:m.number] if m.number else prev:
                    self._ref(w, e.entity_id, idx, m, "group")

    def _gendered_pronoun(self, idx: int, m: Mention, w: _Work, assign: bool) -> RegistryEntry | None:
        """Who 'he'/'she' (or 'his'/'her' before a noun) refers to; may learn the entity's gender."""
        gender = m.gender
        banned = self._clause_subject(idx, m, w) if m.pron_case == "obj" else None  # "The squire hands him"
        present = [self.reg[eid] for eid in w.refs if eid not in w.absent and eid != banned]
        cands = [e for e in present if (e.gender in (None, gender)) and not e.group]
        if cands and not any(e.type in ("person", "creature") or e.gender == gender for e in cands):
            # only animals of unknown sex here: 'her' is more likely the woman of the story
            if any(e.gender == gender and e.type in ("person", "creature") for e in self.reg) or (
                    m.pron_case == "obj" and any(e.gender is None and e.type in ("person", "creature")
                                                 and not e.group for e in self.reg)):
                cands = []  # "a raccoon sniffs at him": him is the man of the story, not the raccoon
        if cands:
            best, structural = self._pronoun_by_position(idx, m, w, cands)
            if best is None:
                best = max(cands, key=lambda e: (e.gender == gender, e.type in ("person", "creature"),
                                                 w.last_pos.get(e.entity_id, -1)))
            if assign and best.gender is None and best.type in ("person", "creature"):
                if structural or len([e for e in cands if e.type in ("person", "creature")]) == 1:
                    best.gender = gender
            return best
        story = [e for e in self.reg if e.gender == gender and not e.group and e.entity_id != banned]
        if not story:
            story = [e for e in self.reg if e.gender is None and e.type in ("person", "creature") and not e.group
                     and e.entity_id != banned]
        if not story:
            return None
        best = max(story, key=lambda e: (e.last_prompt, -e.entity_id))
        if assign and best.gender is None:
            best.gender = gender
        return best

    def _clause_subject(self, idx: int, m: Mention, w: _Work) -> int | None:
        """The subject an object pronoun right after its verb cannot be: "The squire hands him ..."."""
        if m.head in ("himself", "herself", "itself", "themselves"):
            return None
        first = next((k for k, x in enumerate(self._mentions[:idx]) if x.clause == m.clause and not x.possessor), None)
        if first is None:
            return None
        ids = w.resolved.get(first, [])
        last = first
        for k in range(first + 1, idx):
            x = self._mentions[k]
            if x.clause == m.clause and not x.possessor:
                if w.resolved.get(k, []) != ids:
                    return None
                last = k  # "A girl named Hana watches her": the name is the same subject
        if m.head_token - self._mentions[last].end_token > 3 and not self._one_predicate(self._mentions[last], m):
            return None
        return ids[0] if len(ids) == 1 else None

    def _one_predicate(self, subj: Mention, m: Mention) -> bool:
        """Nothing between the subject and the object pronoun opens another clause: "The guard with a
        torch walks over to check on her" (no comma, no subordinator, no second subject)."""
        words = [x.strip(".;:!?") for x in self._prompt[subj.end:m.start].lower().split()]
        return "," not in self._prompt[subj.end:m.start] and not any(
            x in L.SUBORDINATOR_WORDS for x in words)

    def _possessor(self, idx: int, m: Mention, w: _Work) -> RegistryEntry | None:
        """Whose relative a kinship phrase names: 'his' in "his son", 'the girl' in "the girl's mother"."""
        if m.det == "gen":
            for k in range(idx - 1, -1, -1):
                x = self._mentions[k]
                if x.possessor and x.kind == "np":
                    ids = w.resolved.get(k, [])
                    return self.reg[ids[0]] if len(ids) == 1 else None
                if x.kind == "np":
                    return None
            return None
        if m.det_word == "its":
            here = [self.reg[eid] for eid in w.refs if eid not in w.absent and not self.reg[eid].group
                    and self.reg[eid].type != "person"]
            return max(here, key=lambda e: w.last_pos.get(e.entity_id, -1)) if here else None
        if m.det_word not in ("his", "her", "their"):
            return None
        gender = {"his": "male", "her": "female"}.get(m.det_word)
        probe = Mention(kind="pronoun", head=m.det_word, head_token=m.head_token, start=m.start, end=m.start,
                        name_start=m.start, sent=m.sent, clause=m.clause, pron_case="poss", gender=gender,
                        antecedent=m.antecedent)
        if gender is None:
            present = [self.reg[eid] for eid in w.refs if eid not in w.absent and not self.reg[eid].group]
            best, _ = self._pronoun_by_position(idx, probe, w, present) if present else (None, False)
            return best
        return self._gendered_pronoun(idx, probe, w, assign=False)

    def _kin_relative(self, idx: int, m: Mention, w: _Work) -> RegistryEntry | None:
        """The entity already known to stand in this relation ("his father" for the boy's father)."""
        if m.category != "kinship" or m.det not in ("poss", "gen"):
            return None
        if m.kin_owner is None:
            return None
        owner = self.reg[m.kin_owner]
        group = _kin_group(m.head)
        if group is None:
            return None
        for e in self.reg:
            if e.entity_id == owner.entity_id or e.group:
                continue
            rel = e.kin.get(owner.entity_id)
            if rel is not None and _kin_group(rel) == group:
                return e  # e was introduced as the owner's <relation> before
            back = owner.kin.get(e.entity_id)
            if back is not None and _kin_group(back) == _RECIPROCAL.get(group):
                return e  # the owner is e's son, so "his father" is e
        return None

    def _match_one_alt(self, idx: int, m: Mention, w: _Work) -> RegistryEntry | None:
        """"hands the little one to a paramedic" after "the exhausted woman": when 'one' read as this prompt's
        noun finds nobody, it stands for the noun the story used last ("the child")."""
        assert m.one_alt is not None  # the only caller checks it
        noun, typ, cat = m.one_alt
        saved = (m.head, set(m.nouns), m.type, m.category, m.gender, m.age)
        m.head, m.nouns, m.type, m.category = noun, {noun}, typ, cat
        m.gender, m.age = noun_gender(noun), None
        e = self._match(idx, m, w)
        if e is None:
            m.head, m.nouns, m.type, m.category, m.gender, m.age = saved
        return e

    def _split_pair(self, m: Mention, w: _Work) -> RegistryEntry | None:
        """"One hiker slips" after "two hikers": the text now tells the pair's members apart, so the
        pair's entity becomes its first member (the second is new when "the other" names it)."""
        picked = m.one_anaphor and m.det == "def"  # "The older one" of "two sisters", "the one in the cap"
        if m.det_word != "one" and not picked or m.plural:
            return None
        for e in self.reg:
            if not e.group or e.last_prompt < w.prompt_index - 1 and e.entity_id not in w.refs:
                continue
            if e.group_size != 2 and not (picked and (e.group_size or 0) >= 2):
                continue
            if not any(_synonyms(m.head, n) or _related(m.head, n) for n in e.nouns):
                continue
            if m.gender and e.gender and m.gender != e.gender or self._conflict(m, e):
                continue
            e.group, e.group_size = False, None
            if e.type == "group":
                e.type = m.type if m.type != "any" else "person"
            return e
        return None

    def _only_person_for_a_role(self, idx: int, m: Mention, w: _Work) -> RegistryEntry | None:
        """"The diver" after "a marine biologist": a definite role noun presupposes someone known. When
        nobody is named in this prompt yet and exactly one person of the previous prompt fits (gender,
        age, attributes), it is them; when none of that prompt fits, the one of the prompt before. Once
        someone is named here, the role may only name a person this prompt has so far referred to by a
        pronoun alone ("His student and the old coach": 'his' is the coach)."""
        if m.det != "def" or m.type != "person" or m.category != "occupation" or m.plural:
            return None
        people = {eid for eid in w.refs if self.reg[eid].type in ("person", "creature")}  # a named pet is no rival
        named = {eid for eid in people if any(how in ("name", "alias") for _, how in w.refs[eid])}
        only_pronoun = people - named
        if named:
            if not only_pronoun:
                return None  # someone is already in this scene: the role may well be a second person
        by_prompt: dict[int, list[RegistryEntry]] = {}
        for e in self.reg:
            if e.group or e.type not in ("person", "creature") or e.last_prompt < w.prompt_index - 2:
                continue
            if e.entity_id in named or named and e.entity_id not in only_pronoun:
                continue
            if m.gender and e.gender and m.gender != e.gender or m.age and e.age and m.age != e.age:
                continue
            if self._conflict(m, e) or self._named_later(idx, m, e):
                continue
            by_prompt.setdefault(e.last_prompt, []).append(e)
        for k in (w.prompt_index - 1, w.prompt_index - 2):
            if by_prompt.get(k):
                return by_prompt[k][0] if len(by_prompt[k]) == 1 else None
        return None

    def _named_later(self, idx: int, m: Mention, e: RegistryEntry) -> bool:
        """The rest of the sentence names e apart from mention m: a definite phrase of its nouns ("The page bows
        before the king") or, in m's clause, an object pronoun that only e can be ("The host greets her"
        where she is the scene's one woman)."""
        for x in self._mentions[idx + 1:]:
            if x.sent != m.sent:
                break
            if x.kind == "np" and x.skip is None and not x.plural and x.det in ("def", "poss", "gen") \
                    and any(_synonyms(x.head, n) for n in e.nouns):
                return True
            if x.kind == "pronoun" and x.pron_case == "obj" and x.clause == m.clause and x.gender \
                    and x.gender == e.gender:
                same = [o for o in self._scene(self._work, ("person", "creature")) if o.gender == x.gender]
                if [o.entity_id for o in same] == [e.entity_id]:
                    return True  # the only one the pronoun can be
        return False

    def _kin_of_described(self, idx: int, m: Mention, w: _Work) -> RegistryEntry | None:
        """"her grandson" for the one boy already in the scene: a kinship word may rename a character
        described before when exactly one present person fits it (gender, age, no other relation)."""
        if m.category != "kinship" or m.det not in ("poss", "gen") or m.plural or m.kin_owner is None:
            return None
        if m.kin_owner not in w.refs:
            return None
        fits = []
        for e in self.reg:
            if e.group or e.entity_id == m.kin_owner or e.type not in ("person", "creature"):
                continue
            if e.entity_id not in w.refs and e.last_prompt < w.prompt_index - 1:
                continue
            if m.gender and e.gender and m.gender != e.gender or m.age and e.age and m.age != e.age:
                continue
            if _entity_category_nouns(e, "kinship") or e.kin or any(o.kin.get(e.entity_id) for o in self.reg):
                continue
            if any(n.startswith("@") for n in e.nouns):
                continue  # a named character comes with its relations ("Dev's aunt, Rosa"); "his aunt" is new
            if self._conflict(m, e):
                continue
            fits.append(e)
        return fits[0] if len(fits) == 1 else None

    def _pronoun_by_position(self, idx: int, m: Mention, w: _Work,
                             cands: list[RegistryEntry]) -> tuple[RegistryEntry | None, bool]:
        """The clause's subject for a possessive ("The master finishes his character"), the previous
        clause's subject for a subject pronoun; an object pronoun never is its own clause's subject."""
        ok = {e.entity_id: e for e in cands}

        def first_of(clause: int, skip_possessors: bool = False) -> int | None:
            for k, x in enumerate(self._mentions[:idx]):
                if x.clause == clause and (x.skip is None or x.kind == "pronoun") and not (
                        skip_possessors and x.possessor):
                    if x.antecedent is not None and k > x.antecedent and self._mentions[x.antecedent].clause != clause \
                            and x.kind == "pronoun" and x.pron_case != "subj":
                        ids = w.resolved.get(x.antecedent, [])
                        return ids[0] if len(ids) == 1 else None
                    ids = w.resolved.get(k, [])
                    return ids[0] if len(ids) == 1 else None
            if clause in self._relative:  # a relative clause with no mention of its own is about its antecedent
                ids = w.resolved.get(self._relative[clause], [])
                return ids[0] if len(ids) == 1 else None
            return None

        own = first_of(m.clause, skip_possessors=m.pron_case == "poss")
        if m.antecedent is not None and not any(
                x.clause == m.clause for x in self._mentions[m.antecedent + 1:idx] if x.kind == "np"):
            ids = w.resolved.get(m.antecedent, [])
            own = ids[0] if len(ids) == 1 else own  # a relative clause's subject is what it describes
        people = [e for e in cands if e.type in ("person", "creature")]

        def plausible(eid: int | None) -> TypeGuard[int]:  # true only for an id in `ok`
            if eid not in ok:
                return False
            e = ok[eid]
            # "The kitten paws at his sleeve": an animal of unknown sex is not 'he' while a person is there
            return not (e.type == "animal" and e.gender is None and people)

        if m.pron_case == "poss" and plausible(own):
            return ok[own], True
        earlier = [k for k, x in enumerate(self._mentions[:idx]) if x.clause == m.clause and k in w.resolved]
        if m.pron_case == "subj" and earlier:
            # "tells the clerk that he is late": the most recent compatible mention
            for k in reversed(earlier):
                ids = w.resolved[k]
                if len(ids) == 1 and plausible(ids[0]):
                    return ok[ids[0]], False
            return None, False
        if m.pron_case == "subj" or own is None:
            for clause in (m.clause - 1, m.clause - 2):
                prev = first_of(clause)
                if plausible(prev) and (m.pron_case != "obj" or prev != own):
                    return ok[prev], True
                if prev is not None:
                    break
        if m.pron_case == "obj" and own in ok and len(ok) > 1:
            rest = [e for e in cands if e.entity_id != own]
            return max(rest, key=lambda e: (e.gender == m.gender, w.last_pos.get(e.entity_id, -1))), False
        return None, False

    def _opens_prompt(self, m: Mention) -> bool:
        return (m.head_token == 0 or m.number is not None and m.sent == 0) and m.pron_case == "subj"

    # -- plurals and groups ----------------------------------------------------------------------
    def _resolve_plural(self, idx: int, m: Mention, w: _Work) -> None:
        head = m.head
        # a group entity seen before ("the couple", "the children" for "a group of hikers")
        for e in self.reg:
            if e.group and (head in e.nouns or (m.group_members and m.group_members in e.nouns)
                            or m.definite and m.number == e.group_size
                            and any(_related(head, n) for n in e.nouns)):
                # "both dogs" for the two puppies: the same count and a broader noun
                self._ref(w, e.entity_id, idx, m, "name")
                return
        if m.det in ("def", "poss") and head in L.PAIR_NOUNS:
            # "the pair" or "the duo" for "a young couple": the pair nouns name one group of two
            pairs = [e for e in self.reg if e.group and (e.nouns & L.PAIR_NOUNS or e.group_size == 2)
                     and not self._conflict(m, e)]
            if pairs:
                e = max(pairs, key=lambda x: (x.entity_id in w.refs, x.last_prompt, x.entity_id))
                self._ref(w, e.entity_id, idx, m, "name")
                return
        if self._one_birth(m) and len(self._cover_candidates(m, w)) < (m.number or 2):
            for _ in range(m.number or 2):  # "her twin daughters": two individuals the story tells apart
                e = self._create(m, w)
                self._ref(w, e.entity_id, idx, m, "name")
            return
        if m.det in ("indef", "bare", "of", "new") and m.type != "group":
            return  # "People are queueing", "a line of people": the background
        if m.det == "num" and not self._covers_enough(m, w):
            scene = self._scene_cover(m, w)
            if scene:
                for e in scene:
                    self._ref(w, e.entity_id, idx, m, "group")
                return
        if m.det in ("num",) and not self._covers_enough(m, w) or (
                m.type == "group" and m.det in ("indef", "new")):
            if m.type == "group" and m.head in L.GROUP_NOUNS and m.det in ("indef", "new", "bare"):
                if m.det == "bare":
                    return
                e = self._create(m, w, group=True)
                if m.head in L.PAIR_NOUNS:
                    e.group_size = 2  # "a pair of otters": two members the text may tell apart
                self._ref(w, e.entity_id, idx, m, "name")
                return
            if m.det == "num" and m.number and m.number >= 2 and self._foreground_plural(m):
                e = self._create(m, w, group=True)
                e.group_size = m.number
                self._ref(w, e.entity_id, idx, m, "name")
            return
        cands = self._cover_candidates(m, w)
        if len(cands) < 2:
            cands = self._scene_by_gender(m, w) or cands
        if not cands:
            if m.category == "kinship" and m.det in ("def", "poss") and m.plural:
                e = self._create(m, w, group=True)  # "her parents", never introduced one by one
                self._ref(w, e.entity_id, idx, m, "name")
            return
        n = m.number
        if m.head in L.PAIR_NOUNS or m.head in L.MULTIPLE_BIRTH:
            n = n or L.MULTIPLE_BIRTH.get(m.head, 2)
        if n is not None:
            if len(cands) < n and not (m.det in ("def", "poss") and len(cands) == n - 1 >= 1):
                return  # "the two hikers" needs two children (one may be unnamed so far)
            cands = cands[:n]
        elif len(cands) < 2 and m.type != "group" and m.category not in ("kinship",):
            return
        for e in cands:
            self._ref(w, e.entity_id, idx, m, "group")

    @staticmethod
    def _one_birth(m: Mention) -> bool:
        """"twin daughters", "the twins": siblings of one birth, as many as the word says."""
        return m.plural and any(n in L.MULTIPLE_BIRTH for n in m.nouns)

    def _covers_enough(self, m: Mention, w: _Work) -> bool:
        cands = self._cover_candidates(m, w)
        return len(cands) >= (m.number or 2)

    def _scene(self, w: _Work, kinds: tuple[str, ...]) -> list[RegistryEntry]:
        """The individuals of these types in the scene: this prompt's so far, with the previous prompt's."""
        def fits(e: RegistryEntry) -> bool:
            return not e.group and e.type in kinds

        here = [e for e in self.reg if fits(e) and e.entity_id in w.refs and e.entity_id not in w.absent]
        return here + [e for e in self.reg if fits(e) and w.prompt_index - 1 in e.instances and e not in here]

    def _scene_cover(self, m: Mention, w: _Work) -> list[RegistryEntry]:
        """"The two sailors" after a captain and a deckhand: a definite plural with a count presupposes
        known individuals; when the count equals the number of persons (or animals) of the scene (this
        prompt so far, else the previous one) and nothing in the phrase contradicts any of them
        (gender, age, attributes), it covers them whatever its noun. A relation noun ("the two
        friends") may count a person and an animal together."""
        n = m.number
        if not m.definite or not n or n < 2 or m.type not in ("person", "creature", "animal", "any"):
            return []
        kinds = ("animal",) if m.type == "animal" else ("person", "creature")
        here = [e for e in self._scene(w, kinds) if e.entity_id in w.refs]
        scene = here if len(here) >= n else self._scene(w, kinds)
        if len(scene) != n and m.head in L.RELATIONAL:
            scene = self._scene(w, ("person", "creature", "animal", "robot"))
        if len(scene) != n and m.gender:
            # "the two women": the scene's persons known to be women, when they are that many (else with
            # those whose gender is unknown: "the two men" for a man and a stranger beside a woman)
            pool = [e for e in (here if len(here) >= n else self._scene(w, kinds))
                    if not (m.age and e.age and m.age != e.age)]  # a boy is none of "the two men"
            gendered = [e for e in pool if e.gender == m.gender]
            if len(gendered) != n:
                gendered = [e for e in pool if e.gender in (m.gender, None)]
            scene = gendered if len(gendered) == n else scene
        if len(scene) != n:
            return []
        for e in scene:
            if m.gender and e.gender and m.gender != e.gender or m.age and e.age and m.age != e.age:
                return []
            if self._conflict(m, e):
                return []
        return scene

    def _scene_by_gender(self, m: Mention, w: _Work) -> list[RegistryEntry]:
        """"The girls" after two sisters introduced by name: a definite plural of a gendered person noun
        without a count covers the scene's people known to be of that gender (two or more)."""
        if m.det != "def" or m.number is not None or m.category != "generic" or not m.gender:
            return []
        out = [e for e in self._scene(w, ("person", "creature")) if e.gender == m.gender
               and not (m.age and e.age and m.age != e.age) and not self._conflict(m, e)]
        return out if len(out) >= 2 else []

    def _foreground_plural(self, m: Mention) -> bool:
        return m.det == "num" and m.head not in L.BACKGROUND_GROUP and m.type not in ("background",)

    def _cover_candidates(self, m: Mention, w: _Work) -> list[RegistryEntry]:
        head = m.head
        out: list[tuple[float, RegistryEntry]] = []
        for e in self.reg:
            if e.group:
                continue
            ok = False
            if any(_synonyms(head, n) or _related(head, n) for n in e.nouns):
                ok = True
            elif head in ("member", "performer", "friend", "partner", "companion", "figure", "character",
                          "individual", "person", "people", "player") and e.type in ("person", "creature"):
                ok = True
            elif head in ("couple", "pair", "duo", "trio", "band", "team", "group", "family", "crew") and \
                    e.type in ("person", "creature", "animal"):
                ok = head in ("band", "team", "group", "family", "crew") or e.type in ("person", "creature")
            elif head in ("animal", "creature", "pet", "beast") and e.type in ("animal", "creature"):
                ok = True
            elif _kin_group(head) == "sibling" and m.number and e.type == "person" and not e.kin \
                    and (noun_gender(head) in (None, e.gender)) and e.age != "adult" \
                    and (e.entity_id in w.refs or e.last_prompt >= w.prompt_index - 1):
                ok = True  # "the two sisters" for the two girls told apart by name
            elif _kin_group(head) == "sibling" and (
                    _kin_group(next(iter(e.kin.values()), "")) == "sibling"
                    or any(_kin_group(o.kin.get(e.entity_id, "")) == "sibling" for o in self.reg)):
                ok = True  # "the siblings": the sister and the boy she is the sister of
            if not ok:
                continue
            if self._conflict(m, e):
                continue
            recency = (1000 + w.last_pos.get(e.entity_id, 0)) if e.entity_id in w.refs else e.last_prompt
            out.append((recency, e))
        out.sort(key=lambda x: x[0], reverse=True)
        return [e for _, e in out]

    # -- bookkeeping -----------------------------------------------------------------------------
    def _ref(self, w: _Work, eid: int, idx: int, m: Mention, how: str, subject_pronoun: bool = False,
             record: bool = True) -> None:
        w.refs.setdefault(eid, []).append((m, how))
        if record:
            w.resolved.setdefault(idx, []).append(eid)
        w.last_pos[eid] = m.head_token
        if m.sent_first:
            w.subject_sent[eid] = m.sent
        if m.absent:
            w.absent.add(eid)
        elif eid in w.absent and how != "pronoun":
            w.absent.discard(eid)
        if (m.kind == "np" and how in ("name", "alias") and not m.possessor) or subject_pronoun:
            w.clause_np.setdefault(m.clause, {}).setdefault(eid, []).append(idx)
        if m.kind == "np" and how in ("name", "alias") and not m.possessor:
            w.sent_np.setdefault(m.sent, set()).add(eid)

    def _create(self, m: Mention, w: _Work, group: bool = False) -> RegistryEntry:
        name = m.display or _readable(self._prompt[m.name_start:m.end])
        etype = m.type if m.type not in ("any",) else "person"
        if group:
            etype = "group"
        e = self.reg.new_entry(name=name, type=etype, prompt_index=w.prompt_index)
        e.group = group
        if group and m.group_members:
            e.nouns.add(m.group_members)
        w.new_ids.add(e.entity_id)
        self._absorb(e, m, w)
        return e

    def _absorb(self, e: RegistryEntry, m: Mention, w: _Work, keep_head: bool = True) -> None:
        """What a mention tells about its entity: nouns, gender, age, descriptive words."""
        e.nouns |= {n for n in m.nouns if n and (keep_head or n != m.head)}
        if m.gender and not e.gender:
            e.gender = m.gender
        if m.age and not e.age:
            e.age = m.age
        if m.size and not e.size:
            e.size = m.size
        if m.colours and not e.colours:
            e.colours = set(m.colours)
        e.descriptors |= {d for d in m.descriptors if d not in _STOP_DESCRIPTORS}
        if e.type in ("person", "any") and m.type in ("creature", "robot"):
            e.type = m.type
        elif m.type in ("animal", "vehicle") and e.type == "person" and e.nouns - {m.head} and all(
                n.startswith("@") or n == m.head or n in m.nouns for n in e.nouns):
            e.type = m.type  # "Biscuit, a scruffy terrier": the name belongs to an animal
        for a in m.attrs:
            e.add_attribute(a.text)

    # -- the result ------------------------------------------------------------------------------
    def _build_result(self, prompt: str, prompt_index: int, mentions: list[Mention], reader: PromptReader,
                      w: _Work) -> PromptResult:
        entities: list[EntityInstance] = []
        for eid, refs in w.refs.items():
            if eid in w.absent:
                continue
            e = self.reg[eid]
            references = [Reference(prompt[m.start:m.end], (m.start, m.end), how) for m, how in refs]
            named = [m for m, how in refs if how in ("name", "alias") and m.kind == "np"]
            first = named[0] if named else refs[0][0]
            attrs: list[Attribute] = []
            seen = set()
            for m, how in refs:
                if how == "group":
                    continue
                for a in m.attrs:
                    key = (a.start, a.end)
                    if key not in seen:
                        seen.add(key)
                        attrs.append(Attribute(a.text, (a.start, a.end), a.kind))
            entities.append(EntityInstance(
                entity_id=eid, type=e.type, surface=prompt[first.start:first.end], span=(first.start, first.end),
                gender=e.gender, attributes=attrs, references=references, is_new=eid in w.new_ids,
            ))
        entities.sort(key=lambda x: x.entity_id)
        scene = [ScenePhrase(t, (s, e)) for t, s, e in scene_phrases(prompt, reader.tokens, mentions)]
        return PromptResult(prompt_index=prompt_index, prompt=prompt, entities=entities, scene=scene, backend="rules")


def _attr_from_text(text: str) -> Attr:
    from .text import Attr

    return Attr(text, 0, len(text), "")


def _strip_det(text: str) -> str:
    words = text.split()
    if words and words[0].lower() in L.DETERMINERS:
        words = words[1:]
    return " ".join(words)


def _readable(name: str) -> str:
    words = [w.strip(",;:") for w in name.split()]
    return " ".join(w for w in words if w).lower() or name.lower()


def describe_name(name: str) -> Mention | None:
    """Read an entity name given by an LLM ("young wizard") the way a prompt mention is read."""
    reader = PromptReader(f"The {name} is here.")
    for m in reader.read():
        if m.kind == "np":
            return m
    words = [w for w in name.lower().replace(",", " ").split() if w.isalpha()]
    if not words:
        return None
    lemma, _ = singular(words[-1])
    return Mention(kind="np", head=lemma, head_token=0, start=0, end=len(name), name_start=0, sent=0, clause=0,
                   det="def", nouns={lemma}, descriptors=set(words), type="person", category="generic")
