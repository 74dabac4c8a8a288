"""The memory plugin's view of a prompt's entities, and the text-token weights built from them.

The agent publishes `run.entities[prompt_index]`, a `hooks.contract.PromptEntities`: its `entities`
each carry a global `id`, a `label` and `spans`, the character spans `(start, end)` of the entity's
name, references and attributes in the prompt. An entity without spans is looked up in the prompt
text by its label and attribute texts.

Without an entry for the prompt (no agent plugin), `read_entities` returns None: the prompt then
has no entity IDs, frames are archived without IDs and retrieval ranks frames by their score
against the whole prompt.
"""

from __future__ import annotations

import re
from collections.abc import Hashable, Iterable, Mapping
from dataclasses import dataclass

import torch

from hooks.contract import EntityRecord, PromptEntities, Span


@dataclass(frozen=True)
class EntityView:
    id: Hashable
    name: str
    spans: tuple[Span, ...]  # character spans of the entity's name and attributes in the prompt


def find_spans(prompt: str, phrases: Iterable[str]) -> list[Span]:
    """Every case-insensitive, word-bounded occurrence of each phrase in the prompt."""
    spans: list[Span] = []
    for phrase in phrases:
        phrase = phrase.strip()
        if not phrase:
            continue
        pattern = r"(?<!\w)" + re.escape(phrase) + r"(?!\w)"
        spans.extend((m.start(), m.end()) for m in re.finditer(pattern, prompt, flags=re.IGNORECASE))
    return spans


def _strings(ent: EntityRecord) -> list[str]:
    return [ent.label, *(a.text for a in ent.attributes)]


def read_entities(entities: Mapping[int, PromptEntities], prompt_index: int, prompt: str) -> list[EntityView] | None:
    """The prompt's entities (from `run.entities`) as the memory plugin sees them; None when nobody published any."""
    if prompt_index not in entities:
        return None
    views: dict[Hashable, EntityView] = {}
    for ent in entities[prompt_index].entities:
        eid = ent.id
        spans = [(int(a), int(b)) for a, b in ent.spans if b > a]
        if not spans:
            spans = find_spans(prompt, _strings(ent))
        spans = [(max(0, a), min(len(prompt), b)) for a, b in spans]
        name = ent.label or str(eid)
        merged = set(spans) | set(views[eid].spans) if eid in views else set(spans)  # an ID twice: one entity
        views[eid] = EntityView(eid, views[eid].name if eid in views else name, tuple(sorted(merged)))
    return list(views.values())


def token_weights(token_spans: list[Span] | None, text_len: int, entities: list[EntityView],
                  entity_weight: float) -> tuple[torch.Tensor, torch.Tensor]:
    """Text-token weights of the prompt query and of each entity's own query.

    `token_spans[i]` is the character span of text token i (the tokenizer's offsets, from
    `run.memory.token_char_spans`); tokens past its end are padding and weigh 0. The prompt query
    weighs every real token 1 and the tokens overlapping an entity's spans `entity_weight`; entity
    e's query weighs only its own tokens (1 each, so an entity with no token found weighs nothing).
    Without token spans (no text encoder) every position weighs 1 and entities get no tokens.
    Returns (prompt [text_len], entities [E, text_len]) in float64.
    """
    prompt_w = torch.zeros(text_len, dtype=torch.float64)
    ent_w = torch.zeros(len(entities), text_len, dtype=torch.float64)
    if token_spans is None:
        prompt_w.fill_(1.0)
        return prompt_w, ent_w
    n = min(len(token_spans), text_len)
    prompt_w[:n] = 1.0
    for e, ent in enumerate(entities):
        for i in range(n):
            a, b = token_spans[i]
            if b > a and any(a < end and b > start for start, end in ent.spans):
                ent_w[e, i] = 1.0
    if len(entities):
        prompt_w[:n] = torch.where(ent_w[:, :n].amax(0) > 0, float(entity_weight), 1.0)
    return prompt_w, ent_w
