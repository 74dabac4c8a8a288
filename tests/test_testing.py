"""memflow_ext.testing: the conformance check catches what it promises to catch."""

from __future__ import annotations

import pytest

from hooks import hookimpl
from hooks.manager import PluginError
from memflow_ext.testing import check_plugin


class Observer:
    def __init__(self):
        self.blocks = 0

    @hookimpl
    def iamflow_block_end(self, latents):
        self.blocks += 1


class Tamperer:
    """Scales the first layer's cached keys behind the engine's back (no claim, no conditioning hook)."""

    @hookimpl
    def iamflow_block_start(self, pipeline, block_index):
        if block_index > 0:
            pipeline.state.kv.k[0].mul_(0.5)


class Misspelled:
    @hookimpl
    def iamflow_blok_end(self, latents):
        pass


@pytest.mark.slow
def test_observer_conforms_and_tamperer_is_reported():
    obs = Observer()
    report = check_plugin(obs, "observer")
    assert report.ok and report.latents_equal and obs.blocks > 0
    assert report.hooks == ["iamflow_block_end"]
    bad = check_plugin(Tamperer(), "tamperer")  # the check must notice a silent change
    assert not bad.ok and not bad.latents_equal
    assert "neither claimed the memory segment" in bad.problems[0]


@pytest.mark.slow
def test_memory_plugin_claims_the_segment_and_conforms():
    from plugins.memory.plugin import make_plugin

    report = check_plugin(make_plugin(None), "memory", num_output_frames=18, switch_frame_indices=(9,),
                          config_overrides=["model_kwargs.local_attn_size=9"])
    assert report.claims_memory and report.ok


def test_unknown_hook_name_is_refused():
    with pytest.raises(PluginError, match=r"plugin 'misspelled'.*iamflow_blok_end"):
        check_plugin(Misspelled(), "misspelled")
