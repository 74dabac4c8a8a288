"""The `agent:` config section: which backend reads the prompts, and how it is reached."""

from __future__ import annotations

import dataclasses
from dataclasses import dataclass, field
from typing import Any

BACKENDS = ("rules", "transformers", "openai")
LINKERS = ("sieves",)  # the rule linker: spaCy reader -> mentions -> ordered sieves


class AgentConfigError(ValueError):
    """An `agent.*` value is invalid; the message names the key."""


@dataclass
class AgentConfig:
    enabled: bool = True
    backend: str = "rules"  # rules | transformers | openai
    model_path: str | None = None  # transformers: a local causal-LM folder
    base_url: str | None = None  # openai: e.g. http://127.0.0.1:8000/v1
    model: str | None = None  # openai: the served model's name
    api_key_env: str = "OPENAI_API_KEY"  # openai: environment variable holding the key (optional)
    timeout_s: float | None = None  # legacy: when set, the read timeout
    connect_timeout_s: float = 3.0  # openai: seconds to establish the connection
    read_timeout_s: float = 15.0  # openai: seconds to wait for the answer
    retries: int = 2  # openai: retries after HTTP 5xx or a refused connection (never after a timeout)
    retry_after_s: float | None = None  # openai: an endpoint that failed is tried again after this; null = never
    max_new_tokens: int = 512
    linker: str = "sieves"  # the rule linker (the `rules` backend and every LLM fallback); sieves is the only one
    # singular nouns that name story entities beyond the lexicon (e.g. the toy world's circle, square, triangle)
    extra_entity_nouns: list[str] = field(default_factory=list)

    @property
    def read_timeout(self) -> float:
        return float(self.timeout_s if self.timeout_s is not None else self.read_timeout_s)

    def __post_init__(self) -> None:
        self.validate()

    def validate(self) -> None:
        """Reject values that would only fail later, naming the key (`agent.<key>`)."""
        if not isinstance(self.enabled, bool):
            raise AgentConfigError(f"agent.enabled must be true or false, got {self.enabled!r}")
        nouns = self.extra_entity_nouns
        if not isinstance(nouns, (list, tuple)) or any(
                not isinstance(w, str) or not w.isalpha() for w in nouns):
            raise AgentConfigError(f"agent.extra_entity_nouns must be a list of single words, got {nouns!r}")
        if self.linker not in LINKERS:
            raise AgentConfigError(f"agent.linker must be {' or '.join(repr(x) for x in LINKERS)} (the spaCy sieve "
                                   f"linker; the hand-written 'rules' linker was removed), got {self.linker!r}")
        if self.backend not in BACKENDS:
            raise AgentConfigError(f"agent.backend must be one of {', '.join(BACKENDS)}, got {self.backend!r}")
        for key in ("model_path", "base_url", "model"):
            value = getattr(self, key)
            if value is not None and (not isinstance(value, str) or not value.strip()):
                raise AgentConfigError(f"agent.{key} must be a non-empty string or null, got {value!r}")
        if not isinstance(self.api_key_env, str) or not self.api_key_env:
            raise AgentConfigError(f"agent.api_key_env must name an environment variable, got {self.api_key_env!r}")
        for key in ("timeout_s", "connect_timeout_s", "read_timeout_s", "retry_after_s"):
            value = getattr(self, key)
            if value is None and key in ("timeout_s", "retry_after_s"):
                continue
            if isinstance(value, bool) or not isinstance(value, (int, float)) or value <= 0:
                raise AgentConfigError(f"agent.{key} must be a positive number of seconds, got {value!r}")
        if isinstance(self.retries, bool) or not isinstance(self.retries, int) or self.retries < 0:
            raise AgentConfigError(f"agent.retries must be an integer >= 0, got {self.retries!r}")
        if isinstance(self.max_new_tokens, bool) or not isinstance(self.max_new_tokens, int) \
                or self.max_new_tokens < 1:
            raise AgentConfigError(f"agent.max_new_tokens must be an integer >= 1, got {self.max_new_tokens!r}")
        if self.enabled and self.backend == "transformers" and not self.model_path:
            raise AgentConfigError("agent.model_path is required when agent.backend is 'transformers' "
                                   "(a local causal-LM folder)")
        if self.enabled and self.backend == "openai" and not self.base_url:
            raise AgentConfigError("agent.base_url is required when agent.backend is 'openai' "
                                   "(e.g. http://127.0.0.1:8000/v1)")

    @classmethod
    def from_any(cls, section: Any) -> AgentConfig:
        """Build from an AgentConfig, a mapping, an OmegaConf node or any object with these attributes.

        Keys the section does not have keep their defaults; unknown keys are an error naming them.
        """
        if section is None:
            return cls()
        if isinstance(section, cls):
            return section
        names = [f.name for f in dataclasses.fields(cls)]
        from omegaconf import DictConfig, OmegaConf

        data: dict[str, Any]
        if isinstance(section, dict):
            data = dict(section)
        elif isinstance(section, DictConfig):
            container = OmegaConf.to_container(section, resolve=True)
            data = {str(k): v for k, v in container.items()} if isinstance(container, dict) else {}
        elif dataclasses.is_dataclass(section) and not isinstance(section, type):
            data = dataclasses.asdict(section)
        else:
            data = {k: getattr(section, k) for k in names if hasattr(section, k)}
        unknown = sorted(set(data) - set(names))
        if unknown:
            raise AgentConfigError(f"unknown agent config key(s): {', '.join('agent.' + k for k in unknown)}; "
                                   f"valid keys: {', '.join(names)}")
        for key in ("timeout_s", "connect_timeout_s", "read_timeout_s", "retry_after_s"):
            if isinstance(data.get(key), int) and not isinstance(data.get(key), bool):
                data[key] = float(data[key])
        return cls(**data)
