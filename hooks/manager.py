"""Plugin discovery and the pluggy manager: every plugin, built-in or not, arrives by entry point.

Plugins are registered in the entry-point group `iamflow.plugins` (value: a module, or
`module:object`); the built-ins `agent`, `memory`, `profile` are declared in this project's
`pyproject.toml` the same way. A name that is not installed is an error listing every known name;
a plugin that fails to import is reported by name; a hook implementation whose name is not a hook
of the contract (`hooks/specs.py`) is refused when the plugin is registered.

A loaded plugin object may offer `make_plugin(config)`: the manager then registers what it
returns (a per-run instance built from the validated config) instead of the object itself.
"""

from __future__ import annotations

from collections.abc import Iterable
from importlib.metadata import EntryPoint, entry_points
from typing import Any

import pluggy
from loguru import logger

from . import specs

ENTRY_POINT_GROUP = "iamflow.plugins"


class PluginError(RuntimeError):
    """A plugin could not be loaded, or raised inside a hook (the original error is chained)."""


def discovered() -> dict[str, EntryPoint]:
    """Entry points of the `iamflow.plugins` group, by name (not loaded)."""
    return {ep.name: ep for ep in entry_points(group=ENTRY_POINT_GROUP)}


def known_plugins() -> list[str]:
    return sorted(discovered())


def section_enabled(config: Any, name: str) -> bool:
    section = getattr(config, name, None)
    return bool(getattr(section, "enabled", True)) if section is not None else True


def new_manager() -> pluggy.PluginManager:
    """An empty manager that knows every hook of the contract."""
    pm = pluggy.PluginManager(specs.PROJECT)
    pm.add_hookspecs(specs)
    return pm


def load_plugin(name: str, ep: EntryPoint | None = None) -> Any:
    """The object an installed plugin's entry point names; errors name the plugin."""
    ep = ep or discovered().get(name)
    if ep is None:
        raise PluginError(f"unknown plugin '{name}'; known plugins: {', '.join(known_plugins())}, none")
    try:
        return ep.load()
    except Exception as e:  # a broken plugin must not take the host down with an unreadable traceback
        raise PluginError(f"plugin '{name}' (entry point {ep.value}) failed to load: {e!r}") from e


def register_checked(pm: pluggy.PluginManager, obj: Any, name: str) -> None:
    """Register `obj` as `name`, refusing hook implementations that match no hook of the contract."""
    pm.register(obj, name=name)
    try:
        pm.check_pending()
    except pluggy.PluginValidationError as e:
        pm.unregister(name=name)
        hooks = ", ".join(sorted(n for n in dir(specs) if n.startswith(f"{specs.PROJECT}_")))
        raise PluginError(f"plugin '{name}': {e}; the hooks are: {hooks}") from None


def config_schemas(names: Iterable[str] | None = None) -> dict[str, type]:
    """Config sections declared by installed plugins (all of them by default), `section -> dataclass`.

    Each plugin is registered in a manager of its own and `iamflow_add_config` is called historically,
    so a section of a plugin that is installed but not selected still validates. A plugin that
    fails to load is skipped with a warning here (its section is then unknown); selecting it
    reports the failure.
    """
    owners: dict[str, str] = {}
    schemas: dict[str, type] = {}
    current = [""]

    def register(section: str, schema: type) -> None:
        if section in owners:
            raise PluginError(f"plugins '{owners[section]}' and '{current[0]}' both declare the config section "
                              f"'{section}'")
        owners[section] = current[0]
        schemas[section] = schema

    eps = discovered()
    for name in sorted(eps) if names is None else names:
        try:
            obj = load_plugin(name, eps.get(name))
        except PluginError as e:
            if names is not None:
                raise
            logger.warning(f"{e}; its config section, if any, is not known")
            continue
        current[0] = name
        pm = new_manager()
        register_checked(pm, obj, name)
        pm.hook.iamflow_add_config.call_historic(kwargs={"register": register})
    return schemas


def build_plugin_manager(names: list[str], config: Any = None) -> pluggy.PluginManager:
    """A manager with the hook specs and the named plugins (skipping those disabled in the config)."""
    pm = new_manager()
    eps = discovered()
    unknown = [n for n in names if n not in eps]
    if unknown:
        raise PluginError(f"unknown plugin(s) {', '.join(unknown)}; known plugins: {', '.join(known_plugins())}, none")
    if len(set(names)) != len(names):
        raise PluginError(f"plugin list {names} names a plugin twice")
    for name in names:
        if config is not None and not section_enabled(config, name):
            logger.info(f"plugin '{name}' is listed but disabled in the config ({name}.enabled: false)")
            continue
        obj = load_plugin(name, eps[name])
        factory = getattr(obj, "make_plugin", None)
        if callable(factory):
            obj = factory(config)
        register_checked(pm, obj, name)
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
