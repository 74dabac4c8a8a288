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

import math
from collections.abc import Callable
from pathlib import Path
from typing import Any

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
    def iamflow_memory_footprint(self, config: Any) -> list[dict[str, Any]] | None:
        """With `agent.backend: transformers`, the local LLM: it is loaded on the GPU in bfloat16 when CUDA
        is available (`llm_transformers.py`), so its parameters (read from the safetensors headers, no
        data) count 2 bytes each on the accelerator. The rules and openai backends hold nothing there."""
        section = getattr(config, OWNER, None) if config is not None else None
        cfg = AgentConfig.from_any(section) if section is not None else self.config
        if not cfg.enabled or cfg.backend != "transformers" or not cfg.model_path:
            return None
        params = _safetensors_numel(Path(cfg.model_path))
        return [{"name": f"LLM {cfg.model_path} (bfloat16)", "device_bytes": 2 * params, "host_bytes": 0}]

    @hookimpl
    def iamflow_pipeline_end(self, run: RunState) -> None:
        if self._run is not run:
            return
        update_mapping_sections(run, self.agent.mapping_json())


def _safetensors_numel(folder: Path) -> int:
    """Parameters stored in a model folder's `*.safetensors` files (headers only); 0 when there are none."""
    from safetensors import safe_open

    total = 0
    for path in sorted(folder.glob("*.safetensors")):
        with safe_open(str(path), framework="pt") as f:
            for key in f.keys():
                total += math.prod(f.get_slice(key).get_shape())
    return total


@hookimpl
def iamflow_add_config(register: Callable[[str, type], None]) -> None:
    """The `agent:` section: `AgentConfig` (backend, endpoint, model, limits)."""
    register(OWNER, AgentConfig)


def make_plugin(config: object | None = None) -> AgentPlugin:
    """The instance the plugin manager registers, built from the run's validated `agent:` section."""
    section = getattr(config, OWNER, None) if config is not None else None
    return AgentPlugin(AgentConfig.from_any(section))  # an AgentConfig, or a mapping / OmegaConf node of one
