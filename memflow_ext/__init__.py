"""IAM Flow's engine: a faithful MemFlow reimplementation, layered as models / streaming / schedulers /
loaders / pipelines / app (dependencies point down; `pyproject.toml` holds the import contracts).

The public API::

    from memflow_ext import load_config, build_pipeline, MemFlowPipeline, IAMPipeline, hookimpl

    from hooks.manager import build_plugin_manager

    cfg = load_config(["configs/interactive_inference.yaml"], ["preset=tiny"])
    pipe = build_pipeline(cfg, IAMPipeline, plugin_manager=build_plugin_manager(["agent", "memory"], cfg))

Names are imported on first use, so `import memflow_ext.config` does not load the model code.
"""

from __future__ import annotations

import importlib
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from hooks import hookimpl
    from memflow_ext.config import ConfigError, IAMFlowConfig, load_config
    from memflow_ext.pipelines.builder import build_pipeline
    from memflow_ext.pipelines.iam import IAMPipeline
    from memflow_ext.pipelines.memflow import MemFlowPipeline

_EXPORTS = {
    "ConfigError": "memflow_ext.config",
    "IAMFlowConfig": "memflow_ext.config",
    "load_config": "memflow_ext.config",
    "build_pipeline": "memflow_ext.pipelines.builder",
    "MemFlowPipeline": "memflow_ext.pipelines.memflow",
    "IAMPipeline": "memflow_ext.pipelines.iam",
    "hookimpl": "hooks",
}

__all__ = [
    "ConfigError",
    "IAMFlowConfig",
    "IAMPipeline",
    "MemFlowPipeline",
    "build_pipeline",
    "hookimpl",
    "load_config",
]


def __getattr__(name: str) -> Any:
    module = _EXPORTS.get(name)
    if module is None:
        raise AttributeError(f"module 'memflow_ext' has no attribute '{name}'")
    value = getattr(importlib.import_module(module), name)
    globals()[name] = value
    return value


def __dir__() -> list[str]:
    return sorted([*globals(), *_EXPORTS])
