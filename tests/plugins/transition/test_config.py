"""The `transition:` section: defaults, validation naming the key, declaration through iamflow_add_config."""

from __future__ import annotations

import pytest
from omegaconf import OmegaConf

from hooks.manager import build_plugin_manager, config_schemas
from memflow_ext.config import ConfigError, load_config
from plugins.transition.config import TransitionConfig
from plugins.transition.plugin import make_plugin


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
    assert config_schemas(["transition"]) == {"transition": TransitionConfig}


def test_section_is_loaded_validated_and_read_by_the_plugin():
    cfg = load_config(overrides=["transition.blocks=5", "transition.method=slerp", "transition.adaptive=true"])
    assert make_plugin(cfg).settings == TransitionConfig(blocks=5, method="slerp", adaptive=True)
    with pytest.raises(ConfigError, match="transition.method must be one of linear, slerp"):
        load_config(overrides=["transition.method=cubic"])
    with pytest.raises(ConfigError, match="unknown config key 'transition.speed'"):
        load_config(overrides=["transition.speed=2"])
    pm = build_plugin_manager(["transition"], load_config(overrides=["transition.enabled=false"]))
    assert pm.get_plugin("transition") is None
