"""What the agent reports for one prompt: entities with global IDs, their attributes and spans.

`PromptResult` is the `hooks.contract.PromptEntities` the agent publishes as `run.entities[i]`, and
`EntityInstance` its `hooks.contract.EntityRecord`: other plugins read them through those types.

Spans are character offsets `(start, end)` into the prompt text, so that `prompt[start:end]`
is exactly the phrase; a span is None when a backend named something that is not written in the
prompt (an LLM paraphrase). Everything here converts to and from plain JSON.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

Span = tuple[int, int]

ENTITY_TYPES = ("person", "animal", "creature", "robot", "vehicle", "group")


def _span_out(span: Span | None) -> list[int] | None:
    return None if span is None else [int(span[0]), int(span[1])]


def _span_in(value: Any) -> Span | None:
    if value is None:
        return None
    return (int(value[0]), int(value[1]))


@dataclass
class Attribute:
    """A visual attribute (clothing, colour, hair, age, size, mark, held object) as written."""

    text: str
    span: Span | None = None
    kind: str = "other"

    def to_json(self) -> dict[str, Any]:
        return {"text": self.text, "span": _span_out(self.span), "kind": self.kind}

    @classmethod
    def from_json(cls, d: dict[str, Any]) -> Attribute:
        return cls(text=d["text"], span=_span_in(d.get("span")), kind=d.get("kind", "other"))


@dataclass
class Reference:
    """One place in the prompt that refers to the entity (a noun phrase or a pronoun)."""

    text: str
    span: Span | None
    kind: str = "name"  # name | pronoun | group | alias

    def to_json(self) -> dict[str, Any]:
        return {"text": self.text, "span": _span_out(self.span), "kind": self.kind}

    @classmethod
    def from_json(cls, d: dict[str, Any]) -> Reference:
        return cls(text=d["text"], span=_span_in(d.get("span")), kind=d.get("kind", "name"))


@dataclass
class EntityInstance:
    """One entity as it appears in one prompt."""

    entity_id: int
    type: str
    surface: str  # the name as written in this prompt (first reference that singles it out)
    span: Span | None = None
    gender: str | None = None
    attributes: list[Attribute] = field(default_factory=list)
    references: list[Reference] = field(default_factory=list)
    is_new: bool = False  # first appearance in the story

    @property
    def id(self) -> int:
        """The global ID (the name other plugins read)."""
        return self.entity_id

    @property
    def name(self) -> str:
        return self.surface

    @property
    def label(self) -> str:
        """The name as written in this prompt (`hooks.contract.EntityRecord`)."""
        return self.surface

    @property
    def kind(self) -> str:
        """person, animal, creature, robot, vehicle or group (`hooks.contract.EntityRecord`)."""
        return self.type

    @property
    def spans(self) -> list[Span]:
        """Character spans of the entity's name, its other references and its attributes in the prompt."""
        out: list[Span] = []
        for s in [self.span] + [r.span for r in self.references if r.kind != "group"] + [a.span for a in
                                                                                            self.attributes]:
            if s is not None and s not in out:
                out.append(s)
        return out

    def to_json(self) -> dict[str, Any]:
        return {
            "id": self.entity_id, "type": self.type, "gender": self.gender, "surface": self.surface,
            "span": _span_out(self.span), "attributes": [a.to_json() for a in self.attributes],
            "references": [r.to_json() for r in self.references], "is_new": self.is_new,
        }

    @classmethod
    def from_json(cls, d: dict[str, Any]) -> EntityInstance:
        return cls(
            entity_id=int(d["id"]), type=d["type"], surface=d["surface"], span=_span_in(d.get("span")),
            gender=d.get("gender"), attributes=[Attribute.from_json(a) for a in d.get("attributes", [])],
            references=[Reference.from_json(r) for r in d.get("references", [])], is_new=bool(d.get("is_new")),
        )


@dataclass
class ScenePhrase:
    text: str
    span: Span | None = None

    def to_json(self) -> dict[str, Any]:
        return {"text": self.text, "span": _span_out(self.span)}

    @classmethod
    def from_json(cls, d: dict[str, Any]) -> ScenePhrase:
        return cls(text=d["text"], span=_span_in(d.get("span")))


@dataclass
class Fallback:
    """Why an LLM backend's answer was replaced by the rules for this prompt."""

    backend: str
    reason: str

    def to_json(self) -> dict[str, Any]:
        return {"backend": self.backend, "reason": self.reason}

    @classmethod
    def from_json(cls, d: dict[str, Any]) -> Fallback:
        return cls(backend=d["backend"], reason=d["reason"])


@dataclass
class PromptResult:
    """The agent's answer for one prompt; `entities` holds only entities present in the scene."""

    prompt_index: int
    prompt: str
    entities: list[EntityInstance] = field(default_factory=list)
    scene: list[ScenePhrase] = field(default_factory=list)
    backend: str = "rules"  # the backend whose answer was used
    fallback: Fallback | None = None
    time_ms: float = 0.0
    links: list[dict[str, Any]] = field(default_factory=list)  # rules: per mention, the sieve and the ids

    @property
    def entity_ids(self) -> list[int]:
        return [e.entity_id for e in self.entities]

    def entity(self, entity_id: int) -> EntityInstance | None:
        return next((e for e in self.entities if e.entity_id == entity_id), None)

    def to_json(self) -> dict[str, Any]:
        return {
            "prompt_index": self.prompt_index, "prompt": self.prompt, "backend": self.backend,
            "fallback": None if self.fallback is None else self.fallback.to_json(),
            "time_ms": round(self.time_ms, 3), "entity_ids": self.entity_ids,
            "entities": [e.to_json() for e in self.entities], "scene": [s.to_json() for s in self.scene],
            "links": list(self.links),
        }

    @classmethod
    def from_json(cls, d: dict[str, Any]) -> PromptResult:
        fb = d.get("fallback")
        return cls(
            prompt_index=int(d["prompt_index"]), prompt=d["prompt"],
            entities=[EntityInstance.from_json(e) for e in d.get("entities", [])],
            scene=[ScenePhrase.from_json(s) for s in d.get("scene", [])], backend=d.get("backend", "rules"),
            fallback=None if fb is None else Fallback.from_json(fb), time_ms=float(d.get("time_ms", 0.0)),
            links=list(d.get("links", [])),
        )
