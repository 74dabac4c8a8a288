"""The agent plugin: per-prompt entity extraction with global IDs that stay stable across prompts.

Public API::

    from plugins.agent import AgentConfig, EntityAgent
    agent = EntityAgent(AgentConfig(backend="rules"))
    result = agent.process_prompt("A young man in a denim jacket ...", 0)   # PromptResult
    result.entity_ids, agent.registry, agent.mapping_json()
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
