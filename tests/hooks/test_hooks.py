"""The hook contract on a real tiny run: discovery, order, arguments, memory ownership, errors."""

from __future__ import annotations

import subprocess
import sys
import textwrap

import pytest
import torch

from hooks import hookimpl
from hooks.manager import PluginError, build_plugin_manager
from memflow_ext.config import load_config
from memflow_ext.pipelines.builder import build_pipeline
from memflow_ext.pipelines.iam import IAMPipeline
from memflow_ext.pipelines.memflow import MemFlowPipeline
from memflow_ext.streaming.memory_bank import ExternalMemory, NAMBank
from tests.helpers import make_distribution, tiny_model

PROMPTS = ["a red fox runs", "the fox sleeps under a tree"]

COUNTER_SRC = textwrap.dedent('''
    from hooks import hookimpl

    counts = {"pipeline_start": 0, "prompt_switch": 0, "block_start": 0, "block_end": 0,
              "chunk_end": 0, "evicted": 0, "pipeline_end": 0}

    @hookimpl
    def iamflow_pipeline_start():
        counts["pipeline_start"] += 1

    @hookimpl
    def iamflow_prompt_switch(prompt_index):
        counts["prompt_switch"] += 1

    @hookimpl
    def iamflow_block_start():
        counts["block_start"] += 1

    @hookimpl
    def iamflow_block_end():
        counts["block_end"] += 1

    @hookimpl
    def iamflow_chunk_end(evicted):
        counts["chunk_end"] += 1
        counts["evicted"] += evicted is not None

    @hookimpl
    def iamflow_pipeline_end(result):
        counts["pipeline_end"] += 1
''')


@pytest.fixture(scope="module")
def pipe_parts():
    model = tiny_model()
    base = build_pipeline(load_config(overrides=["num_output_frames=18"]))
    return model, base.text_encoder


def iam(parts, plugins=(), overrides=(), pm=None):
    model, text = parts
    cfg = load_config(overrides=["num_output_frames=18", *overrides])
    pm = pm or build_plugin_manager(list(plugins), cfg)
    return IAMPipeline(cfg, model, text, None, plugin_manager=pm)


def test_entry_point_plugin_is_discovered_and_counts_match(tmp_path, monkeypatch, pipe_parts):
    make_distribution(tmp_path, "counter", "iamflow_counter_plugin", COUNTER_SRC)
    monkeypatch.syspath_prepend(str(tmp_path))
    pipe = iam(pipe_parts, ["counter"], ["model_kwargs.local_attn_size=6"])
    res = pipe.generate(PROMPTS, [9], seed=0, decode=False, progress=False)
    import iamflow_counter_plugin as mod

    g = res.run.geometry
    blocks = res.run.num_blocks
    evictions = max(0, blocks - g.first_evicting_block())
    assert mod.counts == {"pipeline_start": 1, "prompt_switch": len(PROMPTS), "block_start": blocks,
                          "block_end": blocks, "chunk_end": blocks, "evicted": evictions, "pipeline_end": 1}


class Recorder:
    def __init__(self):
        self.events = []

    @hookimpl
    def iamflow_wants_evicted(self):
        return True

    @hookimpl
    def iamflow_prompt_switch(self, run, prompt_index, prompt, start_frame):
        assert run.prompt_index == prompt_index and run.prompt == prompt
        self.events.append(("switch", prompt_index, start_frame))

    @hookimpl
    def iamflow_block_start(self, block_index):
        self.events.append(("start", block_index))

    @hookimpl
    def iamflow_block_end(self, block_index, latents):
        self.events.append(("end", block_index, latents.clone()))

    @hookimpl
    def iamflow_chunk_end(self, chunk_index, evicted):
        self.events.append(("chunk", chunk_index, None if evicted is None else evicted.frames))


@pytest.mark.parametrize("window,first_evicted_chunk", [(12, 5), (6, 3)])
def test_hook_order_and_arguments(pipe_parts, window, first_evicted_chunk):
    rec = Recorder()
    cfg = load_config(overrides=["num_output_frames=18", f"model_kwargs.local_attn_size={window}"])
    pm = build_plugin_manager([], cfg)
    pm.register(rec, name="recorder")
    pipe = iam(pipe_parts, overrides=[f"model_kwargs.local_attn_size={window}"], pm=pm)
    res = pipe.generate(PROMPTS, [9], seed=0, decode=False, progress=False)
    ev = rec.events
    switches = [e for e in ev if e[0] == "switch"]
    assert switches == [("switch", 0, 0), ("switch", 1, 9)]
    for _, idx, frame in switches:  # each switch comes right before its prompt's first block
        i = ev.index(("switch", idx, frame))
        assert ev[i + 1] == ("start", frame // 3)
    g = res.run.geometry
    first = g.first_evicting_block() + 1  # chunk numbers count from 1
    assert first == first_evicted_chunk
    chunks = [e for e in ev if e[0] == "chunk"]
    assert [c for c in chunks if c[2] is None] == [("chunk", i, None) for i in range(1, first)]
    for _, idx, frames in chunks[first - 1 :]:
        oldest = g.sink_frames + 3 * (idx - first)
        assert frames == [oldest, oldest + 1, oldest + 2]
    ends = [e for e in ev if e[0] == "end"]
    for _, b, lat in ends:
        assert torch.equal(lat, res.latents[:, 3 * b : 3 * b + 3])


def test_no_plugins_is_bit_identical_to_baseline(pipe_parts):
    model, text = pipe_parts
    cfg = load_config(overrides=["num_output_frames=18"])
    base = MemFlowPipeline(cfg, model, text, None).generate(PROMPTS, [9], seed=3, decode=False, progress=False)
    plain = iam(pipe_parts).generate(PROMPTS, [9], seed=3, decode=False, progress=False)
    observed = iam(pipe_parts, pm=_with(Recorder())).generate(PROMPTS, [9], seed=3, decode=False, progress=False)
    assert torch.equal(base.latents, plain.latents)
    assert torch.equal(base.latents, observed.latents)


def _with(*plugins):
    pm = build_plugin_manager([], None)
    for i, p in enumerate(plugins):
        pm.register(p, name=f"p{i}")
    return pm


class MemoryWriter:
    """Claims the memory segment and fills it with the chunk that was just evicted."""

    def __init__(self):
        self.writes = 0

    @hookimpl
    def iamflow_pipeline_start(self, run):
        run.memory.claim("test", max_frames=3)

    @hookimpl
    def iamflow_wants_evicted(self):
        return True

    @hookimpl
    def iamflow_chunk_end(self, run, evicted):
        if evicted is not None:
            run.memory.write(evicted.keys, evicted.values, [f"f{f}" for f in evicted.frames])
            self.writes += 1


def test_memory_segment_owner_turns_nam_off_and_changes_output(pipe_parts):
    base_pipe = iam(pipe_parts)
    base = base_pipe.generate(PROMPTS, [9], seed=5, decode=False, progress=False)
    assert isinstance(base_pipe.state.memory, NAMBank) and base.run.memory.nam_enabled
    writer = MemoryWriter()
    pipe = iam(pipe_parts, pm=_with(writer))
    out = pipe.generate(PROMPTS, [9], seed=5, decode=False, progress=False)
    assert isinstance(pipe.state.memory, ExternalMemory) and not out.run.memory.nam_enabled
    assert writer.writes > 0 and out.run.memory.frame_ids
    assert not torch.equal(out.latents, base.latents)
    # the blocks before any write (nothing evicted yet, NAM off) already differ from NAM's: NAM's bank
    # shows frame 0 to block 1, the claimed (still empty) segment shows nothing
    assert not torch.equal(out.latents[:, 3:6], base.latents[:, 3:6])
    assert torch.equal(out.latents[:, :3], base.latents[:, :3])


class TextKeyReader:
    """Reads prompts' text keys through run.memory, counting the text embeddings each read costs."""

    def __init__(self, embed_spy):
        self.spy = embed_spy
        self.embeds_at_switch: list[int] = []
        self.embeds_at_block_end: list[int] = []
        self.keys: dict[int, dict[int, torch.Tensor]] = {}

    def _read(self, run, prompt, layers, into):
        before = self.spy.call_count
        self.keys[prompt] = run.memory.text_keys(prompt, layers)
        into.append(self.spy.call_count - before)

    @hookimpl
    def iamflow_prompt_switch(self, run, prompt_index):
        if prompt_index > 0:  # before the engine has this prompt's keys: computed (layer 1 only)
            self._read(run, prompt_index, [1], self.embeds_at_switch)

    @hookimpl
    def iamflow_block_end(self, run):
        self._read(run, run.prompt_index, [0, 1], self.embeds_at_block_end)


def test_text_keys_come_from_the_engine_cache_when_it_holds_the_prompt(pipe_parts, mocker):
    model, text_encoder = pipe_parts
    reader = TextKeyReader(mocker.spy(model, "embed_text"))
    pipe = iam(pipe_parts, pm=_with(reader))
    pipe.generate(PROMPTS, [9], seed=5, decode=False, progress=False)
    assert reader.embeds_at_switch == [1]  # prompt 1 at its switch: not in the engine's cache yet
    assert reader.embeds_at_block_end == [0] * 6  # afterwards every read is a copy of the engine's cache
    with torch.no_grad():
        for p, prompt in enumerate(PROMPTS):
            ctx = model.embed_text(text_encoder.encode([prompt]))
            for layer, got in reader.keys[p].items():
                # equal to the model's own keys, and still intact after the engine zeroed its cache at the switch
                assert torch.allclose(got, model.blocks[layer].cross_attn.text_kv(ctx)[0], atol=1e-6, rtol=0)
                assert got.abs().sum() > 0


class Boom:
    @hookimpl
    def iamflow_block_end(self, block_index):
        if block_index == 1:
            raise ValueError("kaboom")


def test_plugin_error_names_plugin_and_hook(pipe_parts):
    pm = build_plugin_manager([], None)
    pm.register(Boom(), name="boom")
    pipe = iam(pipe_parts, pm=pm)
    with pytest.raises(PluginError) as err:
        pipe.generate(PROMPTS, [9], seed=0, decode=False, progress=False)
    assert "plugin 'boom' failed in hook 'iamflow_block_end'" in str(err.value)
    assert isinstance(err.value.__cause__, ValueError)


def test_unknown_plugin_lists_known_ones():
    with pytest.raises(PluginError, match="known plugins: .*agent.*memory.*profile"):
        build_plugin_manager(["nope"], None)


def test_disabled_section_skips_plugin(tmp_path, monkeypatch):
    make_distribution(tmp_path, "counter", "iamflow_counter_plugin2", COUNTER_SRC)
    monkeypatch.syspath_prepend(str(tmp_path))
    cfg = load_config(overrides=["profile.enabled=false"])
    pm = build_plugin_manager(["counter"], cfg)
    assert pm.has_plugin("counter")


@pytest.mark.slow
def test_cli_plugin_failure_leaves_no_partial_output(tmp_path):
    from tests.helpers import REPO

    src = "from hooks import hookimpl\n\n@hookimpl\ndef iamflow_pipeline_end():\n    raise RuntimeError('late')\n"
    make_distribution(tmp_path, "late", "iamflow_late_plugin", src)
    out = tmp_path / "out"
    env = {**__import__("os").environ, "PYTHONPATH": f"{tmp_path}:{REPO}"}
    r = subprocess.run([sys.executable, str(REPO / "agent_inference.py"), "--plugins", "late",
                        f"output_folder={out}", "num_output_frames=3", "save_video=false", "--quiet"],
                       cwd=REPO, capture_output=True, text=True, env=env, timeout=300)
    assert r.returncode == 1
    assert "plugin 'late' failed in hook 'iamflow_pipeline_end'" in r.stderr
    assert "RuntimeError: late" in r.stderr  # the original traceback
    assert sorted(p.name for p in out.iterdir()) == ["config.yaml", "run.json"]  # no video folder
    import json

    videos = json.loads((out / "run.json").read_text())["videos"]
    assert [v["status"] for v in videos.values()] == ["failed"]
