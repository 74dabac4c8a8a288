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
from dataclasses import dataclass, field
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


@dataclass(frozen=True)
class Sections:
    """What the installed plugins declare for the config: `schemas` (`section -> dataclass`), and the
    plugins skipped because they are broken (`skipped`: `plugin -> reason`) with the sections that
    are theirs (`orphaned`: `section -> plugin`; a plugin's own name counts as its section)."""

    schemas: dict[str, type]
    skipped: dict[str, str] = field(default_factory=dict)
    orphaned: dict[str, str] = field(default_factory=dict)


_collected: dict[tuple[tuple[str, str], ...], Sections] = {}


def collect_sections() -> Sections:
    """Config sections of every installed plugin; a broken plugin is skipped with one WARNING.

    Each plugin is registered in a manager of its own and `iamflow_add_config` is called historically,
    so a section of a plugin that is installed but not selected still validates. A plugin that fails
    in any way (it does not import, has a hook name the contract does not know, its
    `iamflow_add_config` raises, or it declares a section another plugin already declared) is
    skipped: its sections are not declared and a YAML section of it is ignored with a warning
    (`memflow_ext.config.load_config`); only selecting it is an error (`build_plugin_manager`).
    Collected once per set of installed plugins.
    """
    eps = discovered()
    key = tuple(sorted((name, ep.value) for name, ep in eps.items()))
    hit = _collected.get(key)
    if hit is not None:
        return hit
    schemas: dict[str, type] = {}
    owners: dict[str, str] = {}
    skipped: dict[str, str] = {}
    orphaned: dict[str, str] = {}
    for name in sorted(eps):
        own: dict[str, type] = {}
        try:
            _declare(name, eps[name], own, owners)
        except PluginError as e:
            skipped[name] = str(e)
            for section in {name, *own}:
                if section not in schemas:
                    orphaned[section] = name
            logger.warning(f"plugin '{name}' skipped: {e} (its config section, if any, is ignored; selecting it "
                           "is an error)")
            continue
        schemas.update(own)
        owners.update({section: name for section in own})
    result = Sections(schemas, skipped, {s: p for s, p in orphaned.items() if s not in schemas})
    _collected[key] = result
    return result


def _declare(name: str, ep: EntryPoint | None, into: dict[str, type], owners: dict[str, str]) -> None:
    """Load plugin `name`, check its hook names and collect the sections it declares into `into`."""
    obj = load_plugin(name, ep)

    def register(section: str, schema: type) -> None:
        other = owners.get(section) or (name if section in into else None)
        if other is not None:
            raise PluginError(f"plugins '{other}' and '{name}' both declare the config section '{section}'")
        into[section] = schema

    pm = new_manager()
    register_checked(pm, obj, name)
    try:
        pm.hook.iamflow_add_config.call_historic(kwargs={"register": register})
    except PluginError:
        raise
    except Exception as e:  # a third-party plugin may raise anything here
        raise PluginError(f"plugin '{name}': iamflow_add_config raised {type(e).__name__}: {e}") from e


def config_schemas(names: Iterable[str] | None = None) -> dict[str, type]:
    """Config sections declared by installed plugins, `section -> dataclass`: of every installed plugin
    that works (`collect_sections`), or of the plugins `names`, where any failure is an error."""
    if names is None:
        return dict(collect_sections().schemas)
    eps = discovered()
    schemas: dict[str, type] = {}
    owners: dict[str, str] = {}
    for name in names:
        own: dict[str, type] = {}
        _declare(name, eps.get(name), own, owners)
        schemas.update(own)
        owners.update({section: name for section in own})
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
    broken = collect_sections().skipped
    for name in names:
        if name in broken:
            raise PluginError(f"plugin '{name}' was selected but cannot run: {broken[name]}")
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
