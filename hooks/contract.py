"""The shapes plugins share, declared once: what the agent publishes and what `run.memory` offers.

Plugins read each other's results through these types, never through each other's classes: the
agent publishes a `PromptEntities` per prompt (`run.entities[prompt_index]`), the memory plugin,
the profiler, the transition plugin and the live page read it; the engine hands `run.memory`, a
`MemoryAccess`, to the plugin that owns the memory segment. They are `typing.Protocol`s: any object
with these members fits (the agent's `plugins.agent.schema` classes, a test's fake), and a type
checker verifies it. This module imports nothing of the engine at run time.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any, Protocol

if TYPE_CHECKING:
    import torch

Span = tuple[int, int]  # character offsets (start, end) into a prompt: prompt[start:end] is the phrase


class EntityAttribute(Protocol):
    """A visual attribute of an entity as written in the prompt (clothing, colour, held object, ...)."""

    @property
    def text(self) -> str: ...

    @property
    def span(self) -> Span | None: ...  # None: the backend named something not written in the prompt


class EntityRecord(Protocol):
    """One entity as it appears in one prompt."""

    @property
    def id(self) -> int: ...  # the global ID: the same entity keeps it across the story's prompts

    @property
    def label(self) -> str: ...  # its name as written in this prompt

    @property
    def kind(self) -> str: ...  # person, animal, creature, robot, vehicle or group

    @property
    def attributes(self) -> Sequence[EntityAttribute]: ...

    @property
    def spans(self) -> Sequence[Span]: ...  # its name, other references and attributes in this prompt

    def to_json(self) -> dict[str, Any]:
        """The record as plain JSON (shown on the live page)."""
        ...


class PromptEntities(Protocol):
    """What `run.entities[prompt_index]` holds: the entities present in that prompt's scene."""

    @property
    def entities(self) -> Sequence[EntityRecord]: ...


@dataclass(frozen=True)
class Attribute:
    """A plain `EntityAttribute`."""

    text: str
    span: Span | None = None


@dataclass(frozen=True)
class Entity:
    """A plain `EntityRecord`, for plugins (and tests) that publish entities without an agent of their own."""

    id: int
    label: str
    kind: str = "person"
    attributes: tuple[Attribute, ...] = ()
    spans: tuple[Span, ...] = ()

    def to_json(self) -> dict[str, Any]:
        return {"id": self.id, "label": self.label, "kind": self.kind,
                "attributes": [{"text": a.text, "span": a.span} for a in self.attributes],
                "spans": [list(s) for s in self.spans]}


@dataclass(frozen=True)
class Published:
    """A plain `PromptEntities`."""

    entities: tuple[Entity, ...] = field(default_factory=tuple)


class MemoryAccess(Protocol):
    """`run.memory`: the engine's memory segment as the plugin that owns it sees it.

    Claim the segment in `iamflow_pipeline_start` (MemFlow's NAM is then off for the video), then
    write whole frames of keys/values into it. The sizes and the cache's shape, dtype and device
    are here so that a plugin can allocate beside the cache without seeing it.
    """

    # sizes
    @property
    def num_layers(self) -> int: ...

    @property
    def num_heads(self) -> int: ...

    @property
    def head_dim(self) -> int: ...

    @property
    def tokens_per_frame(self) -> int: ...

    @property
    def cache_shape(self) -> tuple[int, int, int, int]: ...  # one layer's keys: [B, capacity, H, D]

    @property
    def cache_dtype(self) -> torch.dtype: ...

    @property
    def cache_device(self) -> torch.device: ...

    @property
    def rope_freqs(self) -> torch.Tensor | None: ...  # the model's RoPE table [positions, D/2] (complex)

    # ownership
    @property
    def owner(self) -> str | None: ...

    @property
    def max_frames(self) -> int: ...

    @property
    def nam_enabled(self) -> bool: ...

    def claim(self, owner: str, max_frames: int) -> None:
        """Take the segment for this video, `max_frames` frames at most (before init)."""
        ...

    # the segment
    def write(self, keys: list[torch.Tensor], values: list[torch.Tensor], frame_ids: list[str]) -> None:
        """Replace the segment with whole frames: per layer [B, n * tokens_per_frame, H, D] (RoPE'd keys)."""
        ...

    def clear(self) -> None: ...

    @property
    def frame_ids(self) -> list[str]: ...

    # reading the caches and the text
    def cached_frames(self, frames: Sequence[int]) -> tuple[list[torch.Tensor], list[torch.Tensor]]:
        """Per layer, views [B, len(frames) * tokens_per_frame, H, D] of consecutive cached latent frames."""
        ...

    def text_keys(self, prompt_index: int, layers: Sequence[int] | None = None) -> dict[int, torch.Tensor]:
        """Per layer, the cross-attention keys [B, text_len, H, D] of prompt `prompt_index`'s own embedding."""
        ...

    def active_text_keys(self, layers: Sequence[int] | None = None) -> dict[int, torch.Tensor]:
        """Per layer, the keys the cross-attention holds now (the conditioning actually in use)."""
        ...

    def token_char_spans(self, prompt: str) -> list[Span]:
        """Character span of each text token of `prompt` (raises RuntimeError without a text encoder)."""
        ...


class GeneratedVideo(Protocol):
    """`iamflow_pipeline_end`'s `result`: what was generated."""

    @property
    def latents(self) -> torch.Tensor: ...  # [B, F, C, h, w]

    @property
    def video(self) -> torch.Tensor | None: ...  # [B, T, 3, H, W] in [-1, 1]; None when not decoded

    @property
    def info(self) -> dict[str, Any]: ...  # seed, prompts, switch frames, memory frames per block, ...


class EvictedFrames(Protocol):
    """A chunk that left the local window (`iamflow_chunk_end`'s `evicted`)."""

    @property
    def frames(self) -> list[int]: ...  # global latent frame ids

    @property
    def keys(self) -> list[torch.Tensor]: ...  # per layer [B, tokens, H, D]; empty unless asked for

    @property
    def values(self) -> list[torch.Tensor]: ...


__all__ = ["Attribute", "Entity", "EntityAttribute", "EntityRecord", "EvictedFrames", "GeneratedVideo", "MemoryAccess",
           "PromptEntities", "Published", "Span"]
