"""Plugin discovery and the pluggy manager: built-ins by name, third parties by entry point.

Built-in names map to modules of the `plugins` package; anything else must be registered in the
entry-point group `iamflow.plugins` (value: a module, or `module:object`). A name that is neither
is an error listing every known name. A plugin that fails to import is reported by name.
"""

from __future__ import annotations

import importlib
from importlib.metadata import entry_points
from typing import Any

import pluggy
from loguru import logger

from . import specs

ENTRY_POINT_GROUP = "iamflow.plugins"
BUILTIN = {
    "agent": "plugins.agent.plugin:plugin",
    "memory": "plugins.memory.plugin:plugin",
    "profile": "plugins.profile.plugin:plugin",
    "transition": "plugins.transition.plugin:plugin",
}


class PluginError(RuntimeError):
    """A plugin could not be loaded, or raised inside a hook (the original error is chained)."""


def _load_target(target: str, name: str) -> Any:
    mod_name, _, attr = target.partition(":")
    try:
        obj = importlib.import_module(mod_name)
    except ImportError as e:
        raise PluginError(f"plugin '{name}' could not be imported from '{mod_name}': {e}") from e
    for part in filter(None, attr.split(".")):
        obj = getattr(obj, part)
    return obj


def discovered() -> dict[str, Any]:
    """Entry points of the `iamflow.plugins` group, by name (not loaded)."""
    return {ep.name: ep for ep in entry_points(group=ENTRY_POINT_GROUP)}


def known_plugins() -> list[str]:
    return sorted(set(BUILTIN) | set(discovered()))


def section_enabled(config: Any, name: str) -> bool:
    section = getattr(config, name, None)
    return bool(getattr(section, "enabled", True)) if section is not None else True


def build_plugin_manager(names: list[str], config: Any = None) -> pluggy.PluginManager:
    """A manager with the hook specs and the named plugins (skipping those disabled in the config)."""
    pm = pluggy.PluginManager(specs.PROJECT)
    pm.add_hookspecs(specs)
    eps = discovered()
    unknown = [n for n in names if n not in BUILTIN and n not in eps]
    if unknown:
        raise PluginError(f"unknown plugin(s) {', '.join(unknown)}; known plugins: {', '.join(known_plugins())}, none")
    if len(set(names)) != len(names):
        raise PluginError(f"plugin list {names} names a plugin twice")
    for name in names:
        if config is not None and not section_enabled(config, name):
            logger.info(f"plugin '{name}' is listed but disabled in the config ({name}.enabled: false)")
            continue
        if name in BUILTIN:
            obj = _load_target(BUILTIN[name], name)
        else:
            try:
                obj = eps[name].load()
            except Exception as e:  # a broken third-party plugin must not take the host down unreadably
                raise PluginError(f"plugin '{name}' (entry point {eps[name].value}) failed to load: {e!r}") from e
        factory = getattr(obj, "make_plugin", None)
        if callable(factory):
            obj = factory(config)
        pm.register(obj, name=name)
    return pm


def failing_plugin(pm: pluggy.PluginManager, hook_name: str, exc: BaseException) -> str:
    """Name of the plugin whose implementation raised `exc` inside `hook_name` (from the traceback)."""
    hook = getattr(pm.hook, hook_name, None)
    codes = {}
    if hook is not None:
        for impl in hook.get_hookimpls():
            fn = getattr(impl.function, "__func__", impl.function)
            codes[getattr(fn, "__code__", None)] = impl.plugin_name
    tb = exc.__traceback__
    name = None
    while tb is not None:
        code = tb.tb_frame.f_code
        if code in codes:
            name = codes[code]  # innermost matching frame wins (wrappers call through)
        tb = tb.tb_next
    return name or "<unknown>"
