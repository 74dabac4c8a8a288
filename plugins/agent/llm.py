"""What the LLM backends share: the instruction, the JSON schema and the strict parser.

One call per prompt does extraction and matching together: the model sees the registry summary
(who has which ID so far) and the new prompt, and answers with JSON only. The parser accepts
that JSON only when it fits the schema and the matching rules (known IDs, at most one entity
per ID, no gender contradiction with the registry); anything else raises `LLMOutputError`, and
the agent then uses the rules for that prompt. Nothing is written into the registry before the
whole answer has been validated.
"""

from __future__ import annotations

import json
import re
from dataclasses import dataclass
from typing import Any

from .mentions import TITLES, Mention, read_mentions
from .reader import parse
from .registry import GlobalRegistry, RegistryEntry
from .resources import common_word, name_gender
from .schema import Attribute, EntityInstance, PromptResult, Reference, ScenePhrase

SYSTEM_PROMPT = """You track the characters of a multi-prompt video story.
For the NEW PROMPT, list every entity present in the scene and give each a global ID.
Entities: people, animals, creatures (ghosts, living statues, a personified scarecrow), robots, and vehicles
acting as characters. NOT entities: places, buildings, weather, light, props and artworks (a toy robot, a
portrait), body parts, background groups (crowd, passers-by, colleagues). A foreground group acting as one
("a newlywed pair") is one entity. An entity the prompt says is absent ("both long gone", "an invisible
rival") is not present.
IDs: reuse the ID of a KNOWN ENTITY when the prompt refers to the same individual, whatever the wording
("the protagonist", "he", "the singer" for "a woman who sings"). "another X", "a second X", "a new X"
are always new. A woman never takes a man's ID. Two entities in one prompt never share an ID.
Use "new" as the id of an entity not seen before.
Named characters: a character with a proper name ("Noah", "Professor Hale", "Ms. Reyes") keeps one ID
wherever its name, a description of it ("the tall man", "the baker"), a title or kinship word for it,
or a pronoun refers to it; give the name in "proper_name" (as written, title included) and what the
prompt says it is in "description" ("lanky man in a green jacket"). Two characters with different names
are two entities even when their descriptions match. Capitalised places, brands and days are not names.
A person only mentioned (written to, phoned, remembered, dead, planned for) or a figure that never acts
(a toy, a puppet, a chess piece, a picture of someone) is not an entity.
Attributes are visual only: clothing, colours, hair, age, size, marks, held objects (not actions or moods).
Answer with JSON only, no prose:
{"entities": [{"id": 1 or "new", "name": "short name", "proper_name": "Noah or null",
"description": "what the text says it is, or null", "type": "person|animal|creature|robot|vehicle|group",
"gender": "male|female|null", "mention": "the phrase as written in the prompt",
"attributes": ["as written"]}], "scene": ["where it happens, as written"]}"""

TYPES = {"person", "animal", "creature", "robot", "vehicle", "group"}
_TYPE_SYNONYMS = {"human": "person", "man": "person", "woman": "person", "child": "person", "people": "person",
                  "character": "person", "machine": "robot", "ai": "robot", "android": "robot", "car": "vehicle",
                  "boat": "vehicle", "monster": "creature", "ghost": "creature", "bird": "animal", "pet": "animal",
                  "insect": "animal", "fish": "animal"}


class LLMOutputError(ValueError):
    """The model's answer is not valid JSON or does not fit the schema / the matching rules."""


@dataclass
class _Item:
    entity_id: int | None  # None: a new entity
    name: str
    type: str
    gender: str | None
    mention: str | None
    attributes: list[str]
    proper_name: str | None = None
    description: str | None = None


def build_messages(prompt: str, prompt_index: int, registry: GlobalRegistry) -> list[dict[str, str]]:
    """The chat for one prompt: instruction, the registry summary, the new prompt."""
    known = registry.summary()
    user = (f"KNOWN ENTITIES (from prompts 0..{prompt_index - 1}):\n"
            f"{json.dumps(known, ensure_ascii=False) if known else 'none yet'}\n\n"
            f"NEW PROMPT (index {prompt_index}):\n{prompt}\n\nJSON:")
    return [{"role": "system", "content": SYSTEM_PROMPT}, {"role": "user", "content": user}]


def extract_json(text: str) -> Any:
    """The first JSON object in `text` (thinking blocks and code fences removed)."""
    if not isinstance(text, str):
        raise LLMOutputError(f"expected text, got {type(text).__name__}")
    cleaned = re.sub(r"<think>.*?(</think>|$)", "", text, flags=re.S)
    cleaned = re.sub(r"```(?:json)?", "", cleaned)
    start = cleaned.find("{")
    if start < 0:
        raise LLMOutputError(f"no JSON object in the answer: {text[:120]!r}")
    try:
        obj, _ = json.JSONDecoder().raw_decode(cleaned[start:])
    except json.JSONDecodeError as e:
        raise LLMOutputError(f"invalid JSON: {e.msg} at char {e.pos}: {cleaned[start:start + 120]!r}") from None
    return obj


def validate(obj: Any, registry: GlobalRegistry) -> tuple[list[_Item], list[str]]:
    """Check the answer against the schema and the matching rules; returns items and scene phrases."""
    if not isinstance(obj, dict):
        raise LLMOutputError(f"the answer must be a JSON object, got {type(obj).__name__}")
    ents = obj.get("entities")
    if not isinstance(ents, list):
        raise LLMOutputError("'entities' must be a list")
    items: list[_Item] = []
    seen: set[int] = set()
    next_new = registry.next_id()
    for k, d in enumerate(ents):
        where = f"entities[{k}]"
        if not isinstance(d, dict):
            raise LLMOutputError(f"{where} must be an object")
        raw_id = d.get("id", "new")
        if isinstance(raw_id, str) and raw_id.strip().isdigit():
            raw_id = int(raw_id.strip())
        if raw_id is None or (isinstance(raw_id, str) and raw_id.strip().lower() in ("new", "")):
            eid = None
        elif isinstance(raw_id, int) and not isinstance(raw_id, bool) and raw_id >= 1:
            if raw_id in registry:
                eid = raw_id
            elif raw_id >= next_new:
                eid = None  # the model numbered a new entity itself
            else:
                raise LLMOutputError(f"{where}.id {raw_id} is not a known entity")
        else:
            raise LLMOutputError(f"{where}.id must be a known integer ID or \"new\", got {raw_id!r}")
        if eid is not None:
            if eid in seen:
                raise LLMOutputError(f"{where}: ID {eid} is given to two entities of one prompt")
            seen.add(eid)
        name = d.get("name")
        if not isinstance(name, str) or not name.strip():
            if eid is not None:
                name = registry[eid].name
            else:
                raise LLMOutputError(f"{where}.name must be a non-empty string")
        etype = str(d.get("type") or (registry[eid].type if eid is not None else "")).strip().lower()
        etype = _TYPE_SYNONYMS.get(etype, etype)
        if etype not in TYPES:
            raise LLMOutputError(f"{where}.type must be one of {sorted(TYPES)}, got {d.get('type')!r}")
        gender = d.get("gender")
        if isinstance(gender, str):
            gender = gender.strip().lower()
            gender = {"m": "male", "f": "female", "man": "male", "woman": "female"}.get(gender, gender)
            if gender not in ("male", "female"):
                gender = None
        elif gender is not None:
            raise LLMOutputError(f"{where}.gender must be a string or null")
        if eid is not None:
            known = registry[eid].gender
            if gender and known and gender != known:
                raise LLMOutputError(f"{where}: a {gender} entity cannot take ID {eid} ({known})")
        mention = d.get("mention")
        if mention is not None and not isinstance(mention, str):
            raise LLMOutputError(f"{where}.mention must be a string")
        attrs = d.get("attributes", [])
        if attrs is None:
            attrs = []
        if not isinstance(attrs, list) or not all(isinstance(a, str) for a in attrs):
            raise LLMOutputError(f"{where}.attributes must be a list of strings")
        proper, description = d.get("proper_name"), d.get("description")
        for key, value in (("proper_name", proper), ("description", description)):
            if value is not None and not isinstance(value, str):
                raise LLMOutputError(f"{where}.{key} must be a string or null")
        if proper is None and looks_like_name(name):
            proper = name  # a model that wrote the name as the entity's name but left proper_name out
        keys = name_keys(proper)
        if keys:
            named = _entity_named(registry, keys)
            if eid is None and named is not None:
                eid = named.entity_id  # the name was seen before: the same character, whatever "id" says
                if eid in seen:
                    raise LLMOutputError(f"{where}: the name {proper!r} is given to two entities of one prompt")
                seen.add(eid)
            elif eid is not None:
                own = {n for n in registry[eid].nouns if n.startswith("@")}
                if own and not own & keys:
                    raise LLMOutputError(f"{where}: {proper!r} cannot take ID {eid}, the ID of another name")
        items.append(_Item(eid, name.strip(), etype, gender, mention, [a.strip() for a in attrs if a.strip()],
                           proper.strip() if isinstance(proper, str) and proper.strip() else None,
                           description.strip() if isinstance(description, str) and description.strip() else None))
    scene = obj.get("scene", [])
    if scene is None:
        scene = []
    if not isinstance(scene, list) or not all(isinstance(s, str) for s in scene):
        raise LLMOutputError("'scene' must be a list of strings")
    return items, scene


def looks_like_name(text: str | None) -> bool:
    """"Noah", "Dr. Reyes": capitalised words, the first a title, a given name or no ordinary word."""
    if not isinstance(text, str):
        return False
    words = re.findall(r"[A-Za-z][A-Za-z'.-]*", text.strip())
    if not words or not all(w[0].isupper() for w in words):
        return False
    first = words[0].lower().rstrip(".")
    return first in TITLES or name_gender(first) is not None or not common_word(first)


def name_keys(proper_name: str | None) -> set[str]:
    """The registry keys of a proper name ("Professor Hale" -> {"@hale"}): its capitalised words, titles left out."""
    if not proper_name:
        return set()
    words = re.findall(r"[A-Za-z][A-Za-z'-]*", proper_name)
    return {"@" + w.lower() for w in words if w[0].isupper() and w.lower().rstrip(".") not in TITLES}


def _entity_named(registry: GlobalRegistry, keys: set[str]) -> RegistryEntry | None:
    best = None
    for e in registry:
        shared = len(keys & e.nouns)
        if shared and (best is None or shared > best[0]):
            best = (shared, e)
    return best[1] if best else None


def _find(prompt: str, phrase: str | None) -> tuple[int, int] | None:
    if not phrase:
        return None
    k = prompt.find(phrase)
    if k < 0:
        k = prompt.lower().find(phrase.lower())
    return None if k < 0 else (k, k + len(phrase))


def apply(items: list[_Item], scene: list[str], prompt: str, prompt_index: int, registry: GlobalRegistry,
          backend: str) -> PromptResult:
    """File validated items in the registry (new IDs for new entities) and build the result."""
    entities: list[EntityInstance] = []
    for it in items:
        if it.entity_id is None:
            entry = registry.new_entry(name=it.name.lower(), type=it.type, prompt_index=prompt_index)
            is_new = True
        else:
            entry = registry[it.entity_id]
            is_new = False
        _learn(entry, it)
        surface = it.mention or it.name
        span = _find(prompt, surface)
        if span is not None:
            surface = prompt[span[0]:span[1]]
        attrs = []
        for a in it.attributes:
            a_span = _find(prompt, a)
            attrs.append(Attribute(prompt[a_span[0]:a_span[1]] if a_span else a, a_span, "visual"))
            entry.add_attribute(a)
        entities.append(EntityInstance(
            entity_id=entry.entity_id, type=entry.type, surface=surface, span=span, gender=entry.gender,
            attributes=attrs, references=[Reference(surface, span, "name")], is_new=is_new,
        ))
    entities.sort(key=lambda e: e.entity_id)
    scene_out = [ScenePhrase(s, _find(prompt, s)) for s in scene]
    return PromptResult(prompt_index=prompt_index, prompt=prompt, entities=entities, scene=scene_out,
                        backend=backend)


_ARTICLES = ("a ", "an ", "the ")


def describe(text: str) -> Mention | None:
    """Read an entity name or description given by an LLM ("young wizard", "the lanky man in a green
    jacket") the way the sieve linker reads a mention in a prompt, so the rules can recognise the
    entity later; None when the text names no character noun."""
    phrase = text.strip()
    if not phrase:
        return None
    sentence = f"{phrase[0].upper()}{phrase[1:]} is here." if phrase.lower().startswith(_ARTICLES) \
        else f"The {phrase} is here."
    return next((m for m in read_mentions(sentence, parse(sentence)).mentions if m.kind == "noun"), None)


def _learn(entry: RegistryEntry, it: _Item) -> None:
    """Teach the registry what the rules need to recognise this entity in a later prompt."""
    entry.nouns |= name_keys(it.proper_name)
    if it.proper_name:
        entry.add_surface(it.proper_name)
    for text in (it.name, it.mention, it.description):
        if not text or name_keys(text) and text in (it.proper_name, it.name):
            continue
        m = describe(text)
        if m is not None:
            entry.nouns |= m.nouns
            entry.descriptors |= {d for d in m.descriptors if d.isalpha()}
            if m.age and not entry.age:
                entry.age = m.age
    if it.gender and not entry.gender:
        entry.gender = it.gender
    if it.type == "group":
        entry.group = True


def parse_response(text: str, prompt: str, prompt_index: int, registry: GlobalRegistry,
                   backend: str) -> PromptResult:
    """Validate a model answer and, only if it is valid, apply it to the registry."""
    items, scene = validate(extract_json(text), registry)
    return apply(items, scene, prompt, prompt_index, registry, backend)
