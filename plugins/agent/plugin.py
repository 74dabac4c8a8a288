"""The `agent` plugin: hook implementations around `EntityAgent` (see agent.py for what it does).

Hooks, in the order they fire:

* `iamflow_pipeline_start`: a fresh story (the registry restarts; a loaded model stays loaded).
* `iamflow_prompt_switch` (tryfirst, so the memory plugin finds the result): reads the prompt,
  publishes the `PromptResult` as `run.entities[prompt_index]` (its `.entities` carry `id`,
  `name` and character `spans`) and records the time in `run.timings["agent"][prompt_index]`.
* `iamflow_pipeline_end`: the `global_registry` section of `mapping.json` beside the video.

The module is the `agent` entry point; `iamflow_add_config` declares the `agent:` config section.
"""

from __future__ import annotations

from collections.abc import Callable

from hooks import hookimpl
from hooks.run import RunState
from plugins.mapping import update_mapping_sections

from .agent import EntityAgent
from .config import AgentConfig

OWNER = "agent"


class AgentPlugin:
    def __init__(self, config: AgentConfig | None = None) -> None:
        self.config = config or AgentConfig()
        self.agent = EntityAgent(self.config)
        self._run: RunState | None = None

    def _ensure(self, run: RunState) -> EntityAgent:
        if self._run is not run:  # a video started without pipeline_start (direct hook calls)
            self.agent.reset()
            self._run = run
        return self.agent

    @hookimpl
    def iamflow_pipeline_start(self, run: RunState) -> None:
        self.agent.reset()
        self._run = run
        run.extras[OWNER] = self.agent

    @hookimpl(tryfirst=True)
    def iamflow_prompt_switch(self, run: RunState, prompt_index: int, prompt: str) -> None:
        agent = self._ensure(run)
        result = agent.process_prompt(prompt, prompt_index)
        run.entities[prompt_index] = result
        run.record_time("agent", prompt_index, result.time_ms)

    @hookimpl
    def iamflow_pipeline_end(self, run: RunState) -> None:
        if self._run is not run:
            return
        update_mapping_sections(run, self.agent.mapping_json())


@hookimpl
def iamflow_add_config(register: Callable[[str, type], None]) -> None:
    """The `agent:` section: `AgentConfig` (backend, endpoint, model, limits)."""
    register(OWNER, AgentConfig)


def make_plugin(config: object | None = None) -> AgentPlugin:
    """The instance the plugin manager registers, built from the run's validated `agent:` section."""
    section = getattr(config, OWNER, None) if config is not None else None
    return AgentPlugin(AgentConfig.from_any(section))  # an AgentConfig, or a mapping / OmegaConf node of one
