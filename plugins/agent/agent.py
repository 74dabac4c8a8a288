"""`EntityAgent`: reads each prompt of a story and keeps its entities' global IDs.

One agent follows one story. At every prompt switch (the first prompt included) call
`process_prompt`; it asks the configured backend, falls back to the rules for that prompt when
an LLM answer is unusable (the reason is kept for mapping.json), files the result in the
registry and times itself.
"""

from __future__ import annotations

import time
from typing import Any

from loguru import logger

from . import reader
from .config import AgentConfig
from .linker import SieveLinker
from .nouns import set_extra_entity_nouns
from .registry import GlobalRegistry
from .schema import Fallback, PromptResult


class EntityAgent:
    def __init__(self, config: AgentConfig | dict[str, Any] | None = None, backend: Any = None) -> None:
        self.config = AgentConfig.from_any(config)
        set_extra_entity_nouns(self.config.extra_entity_nouns)
        reader.require()  # the rules (and every LLM fallback) need the parser: a missing model stops the run here
        self._registry = GlobalRegistry()
        self._backend = backend if backend is not None else make_backend(self.config)
        self.results: list[PromptResult] = []

    @property
    def registry(self) -> GlobalRegistry:
        return self._registry

    @property
    def backend_name(self) -> str:
        return self.config.backend

    def reset(self) -> None:
        """Start a new story (a loaded model stays loaded)."""
        self._registry = GlobalRegistry()
        self.results = []

    def load_registry(self, registry: GlobalRegistry) -> None:
        """Continue a story from a saved registry (see `GlobalRegistry.load`)."""
        self._registry = registry
        self.results = [registry.results[k] for k in sorted(registry.results)]

    def process_prompt(self, prompt: str, prompt_index: int) -> PromptResult:
        """Extract and match the entities of `prompt`; never raises because of a backend failure."""
        t0 = time.perf_counter()
        result: PromptResult | None = None
        fallback: Fallback | None = None
        if self._backend is not None:
            try:
                result = self._backend.process(prompt, prompt_index, self._registry)
            except Exception as e:  # an unusable LLM answer must never stop a generation
                reason = f"{type(e).__name__}: {e}"
                fallback = Fallback(backend=self.config.backend, reason=reason[:500])
                logger.warning(f"agent backend '{self.config.backend}' failed on prompt {prompt_index} "
                               f"({reason[:200]}); using the rules for this prompt")
        if result is None:
            try:
                result = self._rules().process(prompt, prompt_index)
            except Exception as e:  # the agent must never stop a generation: an empty answer instead
                logger.exception(f"agent rules failed on prompt {prompt_index}; no entities for this prompt")
                reason = f"rules failed: {type(e).__name__}: {e}"
                fallback = Fallback(backend="rules", reason=reason[:500]) if fallback is None else Fallback(
                    backend=fallback.backend, reason=f"{fallback.reason}; {reason}"[:500])
                result = PromptResult(prompt_index=prompt_index, prompt=prompt, backend="none")
            result.fallback = fallback
        result.time_ms = (time.perf_counter() - t0) * 1000.0
        self._registry.record(result)
        self.results.append(result)
        return result

    def _rules(self) -> SieveLinker:
        """The sieve linker on the story's registry (the `rules` backend, and the fallback of the LLMs)."""
        return SieveLinker(self._registry)

    def mapping_json(self) -> dict[str, Any]:
        """The agent's section of mapping.json: the registry, per-prompt results, fallbacks and timings."""
        section = self._registry.to_json()
        section["backend"] = self.config.backend
        section["fallbacks"] = [{"prompt_index": r.prompt_index, **r.fallback.to_json()}
                                for r in self.results if r.fallback is not None]
        section["time_ms"] = {str(r.prompt_index): round(r.time_ms, 3) for r in self.results}
        return {"global_registry": section}


def make_backend(config: AgentConfig) -> Any:
    """The LLM backend for `config.backend`, or None for the rules (they need no object)."""
    if config.backend == "rules" or not config.enabled:
        return None
    if config.backend == "transformers":
        from .llm_transformers import TransformersBackend

        return TransformersBackend(config)
    if config.backend == "openai":
        from .llm_openai import OpenAIBackend

        return OpenAIBackend(config)
    raise ValueError(f"agent.backend: unknown backend {config.backend!r}")  # validated earlier
