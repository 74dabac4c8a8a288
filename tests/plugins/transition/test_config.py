"""The `transition:` section: defaults, validation naming the key, declaration through iamflow_add_config."""

from __future__ import annotations

import pytest
from omegaconf import OmegaConf

from hooks.manager import build_plugin_manager
from memflow_ext.config import ConfigError
from plugins.transition.config import TransitionConfig
from plugins.transition.plugin import TransitionPlugin


def test_defaults():
    c = TransitionConfig()
    assert (c.enabled, c.blocks, c.method, c.adaptive) == (True, 2, "linear", False)


@pytest.mark.parametrize("kwargs,needle", [
    ({"blocks": -1}, "transition.blocks must be an integer >= 0"),
    ({"blocks": 1.5}, "transition.blocks"),
    ({"blocks": True}, "transition.blocks"),
    ({"method": "cubic"}, "transition.method must be one of linear, slerp"),
    ({"enabled": "yes"}, "transition.enabled must be true or false"),
    ({"adaptive": 1}, "transition.adaptive must be true or false"),
])
def test_bad_values_name_the_key_and_the_valid_values(kwargs, needle):
    with pytest.raises(ConfigError, match=needle):
        TransitionConfig(**kwargs)


def test_from_section_reads_an_omegaconf_node_and_validates():
    node = OmegaConf.create({"blocks": 4, "method": "slerp"})
    assert TransitionConfig.from_section(node) == TransitionConfig(blocks=4, method="slerp")
    with pytest.raises(ConfigError, match="transition.method"):
        TransitionConfig.from_section({"method": "nope"})


def test_add_config_registers_the_section():
    pm = build_plugin_manager(["transition"], None)
    seen = {}
    pm.hook.iamflow_add_config.call_historic(kwargs={"register": lambda name, schema: seen.setdefault(name, schema)})
    assert seen == {"transition": TransitionConfig}


class _Cfg:
    transition = OmegaConf.create({"enabled": True, "blocks": 5, "method": "slerp", "adaptive": True})


def test_run_config_section_wins_over_the_plugins_own_settings():
    class Run:
        config = _Cfg()

    class Bare:
        config = object()  # a config without a transition section: the plugin's settings

    plugin = TransitionPlugin(TransitionConfig(blocks=1))
    assert plugin.settings_for(Run()) == TransitionConfig(blocks=5, method="slerp", adaptive=True)
    assert plugin.settings_for(Bare()) == TransitionConfig(blocks=1)
