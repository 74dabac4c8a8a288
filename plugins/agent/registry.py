"""The story's global registry: one entry per global ID, kept across prompts and across a reload.

Besides what a reader wants (a readable name, every surface name, the union of attributes and the
per-prompt instances) an entry keeps the few facts the matcher needs to recognise the entity
later (its nouns, descriptive words, gender, age class), so a registry read back from
mapping.json continues a story exactly where it stopped.
"""

from __future__ import annotations

import os
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from memflow_ext.io_utils import atomic_write_json

from .schema import EntityInstance, PromptResult

FORMAT_VERSION = 1


@dataclass
class RegistryEntry:
    entity_id: int
    name: str
    type: str
    gender: str | None = None
    surface_names: list[str] = field(default_factory=list)
    attributes: list[str] = field(default_factory=list)
    instances: dict[int, EntityInstance] = field(default_factory=dict)
    # what the matcher recognises the entity by
    nouns: set[str] = field(default_factory=set)
    descriptors: set[str] = field(default_factory=set)
    age: str | None = None
    stated_age: int | None = None
    clothing: set[str] = field(default_factory=set)
    size: str | None = None
    colours: set[str] = field(default_factory=set)
    group: bool = False
    group_size: int | None = None
    first_prompt: int = 0
    last_prompt: int = 0
    kin: dict[int, str] = field(default_factory=dict)  # other entity id -> what this entity is to it ("son")
    group_key: str | None = None  # members of one counted plural ("three sisters") share it
    claimed: bool = True  # a member a later description has singled out
    acts: set[str] = field(default_factory=set)  # verbs it was the subject of ("the leader" is who led)
    handles: set[str] = field(default_factory=set)  # things it played, carried or worked ("the drummer": a drum)

    def add_surface(self, text: str) -> None:
        if text and text.lower() not in {s.lower() for s in self.surface_names}:
            self.surface_names.append(text)

    def add_attribute(self, text: str) -> None:
        if text and text.lower() not in {a.lower() for a in self.attributes}:
            self.attributes.append(text)

    def to_json(self) -> dict[str, Any]:
        return {
            "id": self.entity_id, "name": self.name, "type": self.type, "gender": self.gender,
            "surface_names": list(self.surface_names), "attributes": list(self.attributes),
            "prompts": sorted(self.instances),
            "instances": {str(k): v.to_json() for k, v in sorted(self.instances.items())},
            "match": {
                "nouns": sorted(self.nouns), "descriptors": sorted(self.descriptors), "age": self.age,
                "stated_age": self.stated_age, "clothing": sorted(self.clothing), "size": self.size,
                "colours": sorted(self.colours), "group": self.group,
                "group_size": self.group_size, "first_prompt": self.first_prompt, "last_prompt": self.last_prompt,
                "kin": {str(k): v for k, v in sorted(self.kin.items())},
                "group_key": self.group_key, "claimed": self.claimed, "acts": sorted(self.acts),
                "handles": sorted(self.handles),
            },
        }

    @classmethod
    def from_json(cls, d: dict[str, Any]) -> RegistryEntry:
        m = d.get("match", {})
        return cls(
            entity_id=int(d["id"]), name=d["name"], type=d["type"], gender=d.get("gender"),
            surface_names=list(d.get("surface_names", [])), attributes=list(d.get("attributes", [])),
            instances={int(k): EntityInstance.from_json(v) for k, v in d.get("instances", {}).items()},
            nouns=set(m.get("nouns", [])), descriptors=set(m.get("descriptors", [])), age=m.get("age"),
            stated_age=m.get("stated_age"), clothing=set(m.get("clothing", [])), size=m.get("size"),
            colours=set(m.get("colours", [])), group=bool(m.get("group", False)),
            group_size=m.get("group_size"), first_prompt=int(m.get("first_prompt", 0)),
            last_prompt=int(m.get("last_prompt", 0)), kin={int(k): v for k, v in m.get("kin", {}).items()},
            group_key=m.get("group_key"), claimed=bool(m.get("claimed", True)), acts=set(m.get("acts", [])),
            handles=set(m.get("handles", [])),
        )


class GlobalRegistry:
    """Every entity of one story by global ID (1, 2, ... in order of first appearance)."""

    def __init__(self) -> None:
        self.entries: dict[int, RegistryEntry] = {}
        self.props: set[str] = set()  # nouns the story uses for depicted or toy characters ("toy robot")
        self.elsewhere: set[str] = set()  # nouns of characters the story only talked of ("a missing hiker")
        self.results: dict[int, PromptResult] = {}

    def __len__(self) -> int:
        return len(self.entries)

    def __contains__(self, entity_id: object) -> bool:
        return entity_id in self.entries

    def __getitem__(self, entity_id: int) -> RegistryEntry:
        return self.entries[entity_id]

    def __iter__(self) -> Iterator[RegistryEntry]:
        return iter(self.entries.values())

    def next_id(self) -> int:
        return max(self.entries, default=0) + 1

    def new_entry(self, name: str, type: str, prompt_index: int) -> RegistryEntry:
        entry = RegistryEntry(entity_id=self.next_id(), name=name, type=type, first_prompt=prompt_index,
                              last_prompt=prompt_index)
        self.entries[entry.entity_id] = entry
        return entry

    def record(self, result: PromptResult) -> None:
        """File a prompt's result: instances, surface names and attributes of every present entity."""
        self.results[result.prompt_index] = result
        for inst in result.entities:
            entry = self.entries.get(inst.entity_id)
            if entry is None:
                continue
            entry.instances[result.prompt_index] = inst
            entry.last_prompt = max(entry.last_prompt, result.prompt_index)
            entry.add_surface(inst.surface)
            for a in inst.attributes:
                entry.add_attribute(a.text)
            if inst.gender and not entry.gender:
                entry.gender = inst.gender

    def summary(self) -> list[dict[str, Any]]:
        """A compact view for an LLM: what each ID is called and looks like."""
        return [
            {"id": e.entity_id, "name": e.name, "type": e.type, "gender": e.gender,
             "proper_name": " ".join(n[1:].capitalize() for n in sorted(e.nouns) if n.startswith("@")) or None,
             "also_called": e.surface_names[:6], "attributes": e.attributes[:10], "last_prompt": e.last_prompt}
            for e in self.entries.values()
        ]

    def to_json(self) -> dict[str, Any]:
        return {
            "version": FORMAT_VERSION,
            "entities": [e.to_json() for e in self.entries.values()],
            "props": sorted(self.props),
            "elsewhere": sorted(self.elsewhere),
            "prompts": [self.results[k].to_json() for k in sorted(self.results)],
        }

    @classmethod
    def from_json(cls, d: dict[str, Any]) -> GlobalRegistry:
        if "global_registry" in d:  # a whole mapping.json
            d = d["global_registry"]
        reg = cls()
        for e in d.get("entities", []):
            entry = RegistryEntry.from_json(e)
            reg.entries[entry.entity_id] = entry
        reg.props = set(d.get("props", []))
        reg.elsewhere = set(d.get("elsewhere", []))
        for p in d.get("prompts", []):
            r = PromptResult.from_json(p)
            reg.results[r.prompt_index] = r
        return reg

    def save(self, path: str | os.PathLike[str]) -> Path:
        """Write atomically (a reader never sees half a registry)."""
        path = Path(path)
        atomic_write_json(path, self.to_json())
        return path

    @classmethod
    def load(cls, path: str | os.PathLike[str]) -> GlobalRegistry:
        import json

        with open(path, encoding="utf-8") as f:
            return cls.from_json(json.load(f))
