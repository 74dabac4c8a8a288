"""The agent's hook wiring: it runs first at each prompt switch, publishes on the run, writes mapping.json."""

from __future__ import annotations

import json

import pytest

from hooks import hookimpl
from hooks.manager import build_plugin_manager
from hooks.run import RunState
from plugins.agent.plugin import AgentPlugin

PROMPTS = [
    "A young sculptor with a wide straw hat carves marble in a sunny courtyard.",
    "A small grey parrot lands on the sculptor's shoulder.",
    "He chuckles as the parrot nibbles his ear.",
]


class _Reader:
    """Plays the memory plugin: reads what the agent published, after it (trylast)."""

    def __init__(self):
        self.seen = {}

    @hookimpl(trylast=True)
    def iamflow_prompt_switch(self, run, prompt_index):
        self.seen[prompt_index] = run.entities[prompt_index].entity_ids


def _run(tmp_path, pm) -> RunState:
    run = RunState(config=None, prompts=list(PROMPTS), switch_frame_indices=[3, 6], seed=0, output_dir=tmp_path)
    pm.hook.iamflow_pipeline_start(pipeline=None, run=run)
    for k, p in enumerate(PROMPTS):
        run.prompt_index, run.prompt = k, p
        pm.hook.iamflow_prompt_switch(pipeline=None, run=run, prompt_index=k, prompt=p, start_frame=3 * k)
    pm.hook.iamflow_pipeline_end(pipeline=None, run=run, result=None)
    return run


def test_builtin_agent_plugin_publishes_entities_first_and_writes_mapping(tmp_path):
    pm = build_plugin_manager(["agent"])
    reader = _Reader()
    pm.register(reader, name="reader")  # registered after the agent: order comes from tryfirst/trylast only
    (tmp_path / "mapping.json").write_text(json.dumps({"frame_archive": {"kept": True}}))
    run = _run(tmp_path, pm)
    assert reader.seen == {0: [1], 1: [1, 2], 2: [1, 2]}
    assert all(run.timings["agent"][k] > 0 for k in range(3))
    mapping = json.loads((tmp_path / "mapping.json").read_text())
    assert mapping["frame_archive"] == {"kept": True}  # another plugin's section survives
    reg = mapping["global_registry"]
    assert [e["id"] for e in reg["entities"]] == [1, 2]
    assert run.files["mapping.json"] == tmp_path / "mapping.json"


def test_published_entities_have_ids_names_and_spans_for_the_memory_plugin(tmp_path):
    pm = build_plugin_manager(["agent"])
    run = _run(tmp_path, pm)
    ents = run.entities[1].entities
    assert [e.id for e in ents] == [1, 2]
    for e in ents:
        assert e.spans and all(PROMPTS[1][a:b] for a, b in e.spans)
    parrot = ents[1]
    assert any(PROMPTS[1][a:b] == "A small grey parrot" for a, b in parrot.spans)
    try:
        from plugins.memory.entities import read_entities
    except ImportError:
        pytest.skip("memory plugin not importable")
    views = read_entities(run.entities, 1, PROMPTS[1])
    assert [v.id for v in views] == [1, 2] and all(v.spans for v in views)


def test_plugin_reads_its_config_section_and_a_new_video_starts_a_new_story(tmp_path):
    from omegaconf import OmegaConf

    from plugins.agent.plugin import make_plugin

    plug = make_plugin(OmegaConf.create({"agent": {"enabled": True, "backend": "rules"}}))
    assert isinstance(plug, AgentPlugin) and plug.config.backend == "rules"
    pm = build_plugin_manager([])
    pm.register(plug, name="agent")
    _run(tmp_path, pm)
    run2 = _run(tmp_path / "second", pm)
    assert run2.entities[0].entity_ids == [1]
    assert len(plug.agent.registry) == 2


def test_transformers_backend_declares_its_llm_to_the_memory_ledger(tmp_path):
    import torch
    from safetensors.torch import save_file

    from memflow_ext.config import load_config
    from memflow_ext.loaders.ledger import memory_ledger

    save_file({"a": torch.zeros(3, 5), "b": torch.zeros(7)}, str(tmp_path / "model.safetensors"))
    base = ["preset=tiny", "num_output_frames=6"]
    cfg = load_config(overrides=[*base, "agent.backend=transformers", f"agent.model_path={tmp_path}"])
    entries = memory_ledger(cfg, plugins=["agent"], transients=False)["accelerator"]["plugins"]
    assert list(entries.values()) == [2 * (15 + 7)]  # bfloat16 on the GPU
    rules = memory_ledger(load_config(overrides=base), plugins=["agent"], transients=False)
    assert rules["accelerator"]["plugins"] == {}
