"""The memory plugin on real tiny runs: NAM off, the segment written and honoured, bounded archive, mapping.json."""

from __future__ import annotations

import json
import re

import pytest
import torch

from hooks import hookimpl
from hooks.contract import Entity, Published
from hooks.manager import build_plugin_manager
from memflow_ext.config import load_config
from memflow_ext.pipelines.builder import build_pipeline
from memflow_ext.pipelines.iam import IAMPipeline
from memflow_ext.streaming.memory_bank import ExternalMemory
from plugins.mapping import update_mapping_json
from tests.helpers import tiny_model

PROMPTS = [
    "A red fox and an old owl play in the snow.",
    "A blue whale swims alone in the deep sea.",
    "The red fox and the old owl meet again at dusk.",
]
SWITCH = [9, 18]
CAST = {0: [(1, "red fox"), (2, "old owl")], 1: [(3, "blue whale")], 2: [(1, "red fox"), (2, "old owl")]}


@pytest.fixture(scope="module")
def parts():
    model = tiny_model()
    base = build_pipeline(load_config(overrides=["num_output_frames=18"]))
    return model, base.text_encoder


class Watch:
    """Runs after the memory plugin in every hook: records what the segment holds."""

    def __init__(self):
        self.segment_sizes = []
        self.nam = []

    @hookimpl(trylast=True)
    def iamflow_chunk_end(self, pipeline, run):
        self.segment_sizes.append(len(pipeline.state.memory.frame_ids))
        self.nam.append(run.memory.nam_enabled)


class Agent:
    """Publishes each prompt's entities with character spans, first (as the agent plugin does)."""

    @hookimpl(tryfirst=True)
    def iamflow_prompt_switch(self, run, prompt_index, prompt):
        ents = []
        for eid, name in CAST[prompt_index]:
            a = prompt.index(name)
            ents.append(Entity(eid, name, spans=((a, a + len(name)),)))
        run.entities[prompt_index] = Published(tuple(ents))

    @hookimpl
    def iamflow_pipeline_end(self, run):
        update_mapping_json(run, "global_registry", {"1": "red fox", "2": "old owl", "3": "blue whale"})


def pipeline(parts, plugins=("memory",), overrides=(), extra=()):
    model, text = parts
    cfg = load_config(overrides=["model_kwargs.local_attn_size=6", "num_output_frames=27", *overrides])
    pm = build_plugin_manager(list(plugins), cfg)
    for i, p in enumerate(extra):
        pm.register(p, name=f"extra{i}")
    return IAMPipeline(cfg, model, text, None, plugin_manager=pm)


def generate(pipe, seed=0, output_dir=None):
    return pipe.generate(PROMPTS, SWITCH, seed=seed, decode=False, progress=False, output_dir=output_dir)


def test_plugin_turns_nam_off_and_changes_latents(parts):
    base_pipe = pipeline(parts, plugins=())
    base = generate(base_pipe)
    assert base.run.memory.nam_enabled
    watch = Watch()
    pipe = pipeline(parts, extra=[watch])
    out = generate(pipe)
    assert isinstance(pipe.state.memory, ExternalMemory)
    assert out.run.memory.nam_enabled is False and not any(watch.nam)
    assert out.run.memory.owner == "memory"
    assert not torch.equal(out.latents, base.latents)
    assert out.run.memory.frame_ids  # frames were injected


def test_injected_frames_change_what_follows(parts):
    """Same run with max_frames=0 (segment claimed, nothing injected): equal until the first injection."""
    empty = generate(pipeline(parts, overrides=["memory.max_frames=0"]))
    pipe = pipeline(parts, overrides=["memory.max_frames=2"])
    out = generate(pipe)
    first = out.run.memory_selection["memory_retrieval"]["chunks"][0]["chunk"]  # chunk 3: evicts frames 3-5
    written_before = 3 * first  # the first injection affects the block after that chunk
    assert torch.equal(out.latents[:, :written_before], empty.latents[:, :written_before])
    assert not torch.equal(out.latents[:, written_before:], empty.latents[:, written_before:])


def test_max_frames_is_honoured(parts):
    watch = Watch()
    pipe = pipeline(parts, overrides=["memory.max_frames=2"], extra=[watch])
    out = generate(pipe)
    assert max(watch.segment_sizes) == 2 and all(s <= 2 for s in watch.segment_sizes)
    assert pipe.state.memory.max_frames == 2
    assert len(out.run.memory_selection["frame_active_memory"]) == 2


def test_memory_time_is_recorded_per_chunk_and_switch(parts):
    pipe = pipeline(parts)
    run = generate(pipe).run
    timings = run.timings["memory"]
    report = run.memory_selection["memory_retrieval"]
    evicted = [c["chunk"] for c in report["chunks"]]
    switch_chunks = [s["chunk"] for s in report["switches"] if "ms" in s]
    assert evicted == list(range(3, 10)) and switch_chunks == [4, 7]
    assert sorted(timings) == evicted and all(ms > 0 for ms in timings.values())
    for c in report["chunks"]:
        extra = sum(s["ms"] for s in report["switches"] if s.get("ms") is not None and s["chunk"] == c["chunk"])
        assert timings[c["chunk"]] == pytest.approx(c["ms"] + extra, abs=1e-2)


def test_archive_is_capped_from_60_to_240_frames(parts):
    sizes = {}
    for frames in (60, 240):
        pipe = pipeline(parts, overrides=[f"num_output_frames={frames}", "memory.archive_frames=8",
                                          "memory.max_frames=2"])
        res = pipe.generate(["a fox runs", "a fox sleeps"], [30], seed=0, decode=False, progress=False)
        report = res.run.memory_selection["memory_retrieval"]
        per_frame = report["archive_bytes"] // report["archive_slots"]
        kept = len(res.run.memory_selection["frame_archive"])
        sizes[frames] = (report["archive_slots"], report["archive_bytes"], kept, len(report["chunks"]), per_frame)
    slots60, bytes60, kept60, evicted60, per_frame = sizes[60]
    slots240, bytes240, kept240, evicted240, _ = sizes[240]
    assert evicted60 == 18 and evicted240 == 78
    assert (slots60, kept60) == (8, 8) and (slots240, kept240) == (8, 8)
    assert bytes60 == bytes240 == 8 * per_frame
    c = tiny_model().config
    assert per_frame == 2 * c.num_layers * 16 * c.dim * 4  # K+V of every layer, 16 tokens per frame, float32


def test_mapping_json_with_entities(parts, tmp_path):
    pipe = pipeline(parts, extra=[Agent()])
    res = generate(pipe, output_dir=tmp_path)
    mapping = json.loads((tmp_path / "mapping.json").read_text())
    assert set(mapping) == {"global_registry", "frame_archive", "frame_active_memory", "memory_retrieval"}
    assert res.run.files["mapping.json"] == tmp_path / "mapping.json"
    archive = mapping["frame_archive"]
    assert len(archive) == 7
    prompt_ids = {p: {e for e, _ in cast} for p, cast in CAST.items()}
    for f in archive:
        assert re.fullmatch(r"p(\d+)_c(\d+)_f(\d+)", f["frame_id"])
        assert f["frame_id"] == f"p{f['prompt']}_c{f['chunk']}_f{f['frame']}"
        assert f["prompt"] == sum(1 for s in SWITCH if s <= f["frame"]) and f["chunk"] == f["frame"] // 3 + 1
        assert f["ids"] and set(f["ids"]) <= prompt_ids[f["prompt"]]
        assert f["ids_from"] in ("scores", "prompt") and f["stored"] == "cpu"
        assert set(f["entity_scores"]) == {str(i) for i in prompt_ids[f["prompt"]]}
    assert set(mapping["frame_active_memory"]) <= {f["frame_id"] for f in archive}
    switches = mapping["memory_retrieval"]["switches"]
    assert [s["prompt"] for s in switches] == [0, 1, 2]
    assert switches[2]["target_ids"] == [1, 2] and switches[2]["entities_from"] == "agent"
    assert switches[2]["uncovered_ids"] == [] and len(switches[2]["selected"]) == 3
    assert mapping["memory_retrieval"]["settings"]["max_frames"] == 3
    assert res.run.memory_selection["frame_archive"] == archive


def test_without_agent_frames_have_no_ids(parts, tmp_path):
    pipe = pipeline(parts)
    generate(pipe, output_dir=tmp_path)
    mapping = json.loads((tmp_path / "mapping.json").read_text())
    assert all(f["ids"] == [] and f["ids_from"] == "none" for f in mapping["frame_archive"])
    assert mapping["memory_retrieval"]["switches"][2]["entities_from"].startswith("none")


def test_prompt_switch_runs_after_the_agent(parts):
    pm = build_plugin_manager(["memory"], None)
    impls = {i.plugin_name: i for i in pm.hook.iamflow_prompt_switch.get_hookimpls()}
    assert impls["memory"].trylast


def test_update_mapping_json(tmp_path):
    class Run:
        output_dir = None
        files = {}

    run = Run()
    assert update_mapping_json(run, "x", 1) is None
    run.output_dir = tmp_path
    (tmp_path / "mapping.json").write_text(json.dumps({"global_registry": {"1": "fox"}}))
    path = update_mapping_json(run, "frame_archive", [{"frame_id": "p0_c2_f3"}])
    assert json.loads(path.read_text()) == {"global_registry": {"1": "fox"},
                                            "frame_archive": [{"frame_id": "p0_c2_f3"}]}
    update_mapping_json(run, "global_registry", {"1": "fox", "2": "owl"})
    assert json.loads(path.read_text())["frame_archive"] == [{"frame_id": "p0_c2_f3"}]
    assert [p.name for p in tmp_path.iterdir()] == ["mapping.json"]  # no temp files left
    (tmp_path / "mapping.json").write_text("{broken")
    update_mapping_json(run, "a", 1)
    assert json.loads(path.read_text()) == {"a": 1}


def test_offload_device_keeps_archive_beside_the_model(parts):
    pipe = pipeline(parts, overrides=["memory.offload=device"])
    out_dev = generate(pipe)
    assert {f["stored"] for f in out_dev.run.memory_selection["frame_archive"]} == {"cpu"}  # the model's device here
    out_cpu = generate(pipeline(parts))
    assert torch.equal(out_dev.latents, out_cpu.latents)


def test_with_the_agent_plugin(parts, tmp_path):
    """The real agent (when present) publishes first; frames are filed under the IDs it assigned."""
    from hooks.manager import PluginError

    try:
        build_plugin_manager(["agent"], None)
    except PluginError as e:
        pytest.skip(f"agent plugin not available: {e}")
    pipe = pipeline(parts, plugins=("agent", "memory"))
    res = generate(pipe, output_dir=tmp_path)
    mapping = json.loads((tmp_path / "mapping.json").read_text())
    assert "global_registry" in mapping and mapping["frame_archive"]
    for f in mapping["frame_archive"]:
        published = res.run.entities[f["prompt"]]
        assert f["ids"] and set(f["ids"]) <= {e.id for e in published.entities}
        assert f["ids_from"] in ("scores", "prompt")
    last = mapping["memory_retrieval"]["switches"][-1]
    assert last["entities_from"] == "agent"
    assert last["target_ids"] == [e.id for e in res.run.entities[2].entities]


def test_memory_plugin_never_synchronises_the_device_without_the_profiler(parts, monkeypatch):
    """The plugin's work (scoring, archiving, retrieval, segment writes) runs with profiling off and a
    counting spy in place of every explicit device wait: none may be called."""
    calls = []
    monkeypatch.setattr(torch.cuda, "synchronize", lambda *a, **k: calls.append("synchronize"))
    monkeypatch.setattr(torch.cuda.Event, "synchronize", lambda *a, **k: calls.append("event"), raising=False)
    monkeypatch.setattr(torch.cuda.Stream, "synchronize", lambda *a, **k: calls.append("stream"), raising=False)
    class OnCuda:  # the bank is told its cache lives on a GPU, as on a real CUDA run
        @hookimpl
        def iamflow_block_start(self, run):
            run.extras["memory"].device = torch.device("cuda", 0)

    pipe = pipeline(parts, plugins=("memory",), overrides=["profile.enabled=false"], extra=[Agent(), OnCuda()])
    res = generate(pipe)
    report = res.run.memory_selection["memory_retrieval"]
    assert report["chunks"] and any("ms" in s for s in report["switches"])  # the plugin did its work
    assert sum(res.run.timings["memory"].values()) > 0  # timed on the run's clock, not by waiting
    assert calls == []


def test_fill_from_start_attends_to_as_many_memory_frames_as_nam(parts):
    base = pipeline(parts, plugins=())
    nam = generate(base).info["memory_frames_per_block"]
    default = generate(pipeline(parts)).info["memory_frames_per_block"]
    pipe = pipeline(parts, overrides=["memory.fill_from_start=true"])
    res = generate(pipe)
    filled = res.info["memory_frames_per_block"]
    assert len(nam) == len(filled) == 9
    assert filled == nam and filled[1] > 0  # from the second block on, as NAM's bank
    assert default[:3] == [0, 0, 0] and default != nam  # default: empty until the first eviction
    report = res.run.memory_selection["memory_retrieval"]
    # interactive mode: NAM records every record_interval (3) blocks; so does the plugin, at write time
    assert [c["chunk"] for c in report["chunks"]] == [1, 4, 7] and report["first_chunk"] == 1
    assert res.run.memory.owner == "memory" and res.run.memory.nam_enabled is False


def test_fill_from_start_matches_nam_in_single_prompt_mode_too(parts):
    def run(pipe):
        return pipe.generate(PROMPTS[:1], [], seed=0, interactive=False, decode=False,
                             progress=False).info["memory_frames_per_block"]

    nam = run(pipeline(parts, plugins=()))
    filled = run(pipeline(parts, overrides=["memory.fill_from_start=true"]))
    assert filled == nam and max(nam) > 1  # NAM opens a slot every record_interval blocks here as well


class EvictionSpy:
    """Asks the engine for copies of every evicted chunk (as a plugin keeping whole chunks would) and, after
    the memory plugin, checks what it archived against them; records what the memory plugin holds."""

    def __init__(self, wants: bool):
        self.wants = wants
        self.checked = 0
        self.keys_at_end: list[int] = []
        self.held_tokens: list[int] = []

    @hookimpl
    def iamflow_wants_evicted(self):
        return True if self.wants else None

    @hookimpl(trylast=True)
    def iamflow_chunk_evicting(self, run):
        self.held_tokens.append(run.extras["memory"]._picked.kv[0][0].shape[1])

    @hookimpl(trylast=True)
    def iamflow_chunk_end(self, run, chunk_index, evicted):
        if evicted is None:
            return
        self.keys_at_end.append(len(evicted.keys))
        bank = run.extras["memory"]
        rec = bank.chunks[-1]
        if not self.wants or not rec["archived"]:
            return
        frame = bank.archive.by_id()[rec["best"]]
        # the pick from the whole chunk's copy (the plugin's former input) is the frame it archived
        from_copy = bank._pick(chunk_index, evicted, copy=False)
        assert from_copy.frames[from_copy.best] == frame.frame
        assert [round(s, 6) for s in from_copy.scores[0].tolist()] == rec["frame_scores"]
        keys, values = bank.archive.kv(frame)
        pos = evicted.frames.index(frame.frame)
        piece = slice(pos * bank.tpf, (pos + 1) * bank.tpf)
        for layer in range(len(keys)):
            assert torch.equal(keys[layer], evicted.keys[layer][:, piece].to(keys[layer].device))
            assert torch.equal(values[layer], evicted.values[layer][:, piece].to(values[layer].device))
        self.checked += 1


def test_only_the_best_frame_of_an_evicted_chunk_is_copied(parts):
    """The plugin scores an evicted chunk on the cache's own keys before the write and copies one frame:
    the engine copies no chunk for it, and what it archives equals the best frame of a whole-chunk copy."""
    alone = EvictionSpy(wants=False)
    out = generate(pipeline(parts, extra=[alone]))
    tpf = out.run.geometry.tokens_per_frame
    assert alone.keys_at_end and set(alone.keys_at_end) == {0}  # no copy made at all
    assert alone.held_tokens and set(alone.held_tokens) == {tpf}  # one frame, not the chunk's three
    assert any(c["archived"] for c in out.run.memory_selection["memory_retrieval"]["chunks"])
    spy = EvictionSpy(wants=True)
    generate(pipeline(parts, extra=[spy]))
    assert spy.checked >= 3
