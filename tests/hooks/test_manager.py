"""Plugin discovery by entry point, hook names checked at registration, plugin-owned config sections."""

from __future__ import annotations

import dataclasses
import textwrap

import pytest
import tomllib

from hooks import hookimpl
from hooks.manager import PluginError, build_plugin_manager, config_schemas, discovered, new_manager, register_checked
from memflow_ext.config import ConfigError, IAMFlowConfig, load_config
from tests.helpers import REPO, make_distribution

STEPPER_SRC = textwrap.dedent('''
    from dataclasses import dataclass

    from hooks import hookimpl


    @dataclass
    class StepperConfig:
        enabled: bool = True
        step: int = 1
        label: str = "steps"

        def __post_init__(self):
            if self.step < 1:
                raise ValueError(f"stepper.step must be >= 1, got {self.step}")


    @hookimpl
    def iamflow_add_config(register):
        register("stepper", StepperConfig)


    class _Stepper:
        def __init__(self, config):
            self.step = config.stepper.step if config is not None else 1
            self.seen = []

        @hookimpl
        def iamflow_block_start(self, run, block_index):
            self.seen.append((block_index, run.config.stepper.label))


    def make_plugin(config=None):
        return _Stepper(config)
''')


def test_builtins_are_entry_points_declared_in_pyproject():
    declared = tomllib.loads((REPO / "pyproject.toml").read_text())["project"]["entry-points"]["iamflow.plugins"]
    assert set(declared) == {"agent", "memory", "profile", "storyboard", "transition"} <= set(discovered())
    for name, value in declared.items():
        assert discovered()[name].value == value


def test_misspelled_hook_is_refused_with_the_plugin_name():
    class Typo:
        @hookimpl
        def iamflow_promt_switch(self, prompt_index):  # not a hook of the contract
            pass

    pm = new_manager()
    with pytest.raises(PluginError, match=r"plugin 'typo'.*iamflow_promt_switch"):
        register_checked(pm, Typo(), "typo")
    assert pm.get_plugin("typo") is None


def test_engine_config_has_no_plugin_sections():
    names = {f.name for f in dataclasses.fields(IAMFlowConfig)}
    assert not names & {"agent", "memory", "profile"}


def test_builtin_sections_are_declared_by_their_plugins():
    schemas = config_schemas()
    assert {"agent", "memory", "profile"} <= set(schemas)
    assert schemas["agent"].__module__ == "plugins.agent.config"
    assert schemas["memory"].__module__ == "plugins.memory.settings"
    assert schemas["profile"].__module__ == "plugins.profile.config"


def test_sections_validate_for_unselected_plugins_and_profile_can_be_disabled():
    cfg = load_config(overrides=["plugins=[agent]", "profile.enabled=false", "memory.max_frames=2"])
    assert cfg.profile.enabled is False and cfg.memory.max_frames == 2
    pm = build_plugin_manager(["agent", "profile"], cfg)
    assert pm.get_plugin("profile") is None and pm.get_plugin("agent") is not None


def test_section_checks_run_at_load_time_naming_section_and_key():
    with pytest.raises(ConfigError, match=r"agent\.backend must be one of rules, transformers, openai"):
        load_config(overrides=["agent.backend=gpt"])
    with pytest.raises(ConfigError, match=r"unknown config key 'agent\.bogus'; valid keys: .*backend"):
        load_config(overrides=["agent.bogus=1"])
    known = "known sections: agent, memory, profile, storyboard, transition"
    with pytest.raises(ConfigError, match=rf"unknown config section 'nosuch'.*{known}"):
        load_config(overrides=["nosuch.enabled=true"])


def test_unknown_section_in_yaml_names_the_file(tmp_path):
    f = tmp_path / "c.yaml"
    f.write_text("nosuch:\n  enabled: true\n")
    with pytest.raises(ConfigError, match=r"c\.yaml: unknown config section 'nosuch'"):
        load_config([f])


def test_third_party_plugin_ships_a_config_section(tmp_path, monkeypatch):
    make_distribution(tmp_path, "stepper", "iamflow_stepper_plugin", STEPPER_SRC)
    monkeypatch.syspath_prepend(str(tmp_path))
    with pytest.raises(ConfigError, match=r"unknown config section 'stepper'"):
        load_config(overrides=["stepper.step=2"], sections=config_schemas(["agent"]))  # not declared there
    cfg = load_config(overrides=["stepper.step=3", "stepper.label=hello"])
    assert cfg.stepper.step == 3 and cfg.stepper.label == "hello"
    with pytest.raises(ConfigError, match=r"stepper\.step must be >= 1"):
        load_config(overrides=["stepper.step=0"])
    with pytest.raises(ConfigError, match=r"unknown config key 'stepper\.bogus'; valid keys: enabled, label, step"):
        load_config(overrides=["stepper.bogus=1"])
    with pytest.raises(ConfigError, match=r"invalid value for 'stepper\.step'"):
        load_config(overrides=["stepper.step=many"])
    pm = build_plugin_manager(["stepper"], cfg)
    assert pm.get_plugin("stepper").step == 3


def test_two_plugins_declaring_one_section_skips_the_second(tmp_path, monkeypatch):
    make_distribution(tmp_path, "stepper", "iamflow_stepper_plugin", STEPPER_SRC)
    twin = tmp_path / "twin"
    twin.mkdir()
    make_distribution(twin, "stepper2", "iamflow_stepper_twin", STEPPER_SRC)
    monkeypatch.syspath_prepend(str(tmp_path))
    monkeypatch.syspath_prepend(str(twin))
    assert config_schemas()["stepper"].__module__ == "iamflow_stepper_plugin"
    with pytest.raises(PluginError, match=r"plugins 'stepper' and 'stepper2' both declare the config section"):
        config_schemas(["stepper", "stepper2"])
    with pytest.raises(PluginError, match=r"plugin 'stepper2' was selected but cannot run: plugins 'stepper' and "):
        build_plugin_manager(["stepper2"])


def test_a_broken_unselected_plugin_does_not_stop_config_loading(tmp_path, monkeypatch):
    make_distribution(tmp_path, "broken", "iamflow_broken_plugin", "raise ImportError('missing dependency')\n")
    monkeypatch.syspath_prepend(str(tmp_path))
    assert load_config(overrides=["seed=1"]).seed == 1
    with pytest.raises(PluginError, match=r"plugin 'broken' .*failed to load"):
        build_plugin_manager(["broken"])
