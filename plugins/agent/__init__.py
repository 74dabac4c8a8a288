"""The agent plugin: per-prompt entity extraction with global IDs that stay stable across prompts.

Public API::

    from plugins.agent import AgentConfig, EntityAgent
    agent = EntityAgent(AgentConfig(backend="rules"))
    result = agent.process_prompt("An old sailor in a yellow raincoat ...", 0)   # PromptResult
    result.entity_ids, agent.registry, agent.mapping_json()

The rules read a prompt in four stages: `reader` (spaCy's parse, then `repairs`) -> `mentions` (the
phrases that may name an entity; `nouns`, `lexicon` and `resources` say what words mean) -> `sieves`
(ordered linking rules, run by `linker`, comparing the attributes of `entities`) -> `registry` (the
global IDs). The LLM backends (`llm*.py`) link the entities themselves; the registry validates their
answer, and a prompt whose answer is unusable is read by the rules.
"""

from .agent import EntityAgent, make_backend
from .config import BACKENDS, AgentConfig, AgentConfigError
from .registry import GlobalRegistry, RegistryEntry
from .schema import Attribute, EntityInstance, Fallback, PromptResult, Reference, ScenePhrase

__all__ = [
    "BACKENDS",
    "AgentConfig",
    "AgentConfigError",
    "Attribute",
    "EntityAgent",
    "EntityInstance",
    "Fallback",
    "GlobalRegistry",
    "PromptResult",
    "Reference",
    "RegistryEntry",
    "ScenePhrase",
    "make_backend",
]
