"""The profile plugin on real tiny runs: the numbers add up, files are written, off means off.

Also the `--compare-baseline` command line (both pipelines, both profiles, comparison.json).
"""

from __future__ import annotations

import json
import re
import subprocess
import sys
import time

import pytest
import torch
from loguru import logger

import plugins.profile.plugin as profile_mod
from hooks import hookimpl
from hooks.manager import build_plugin_manager
from hooks.run import RunState
from memflow_ext.app.compare import compare_profiles, render_comparison
from memflow_ext.config import load_config, to_yaml
from memflow_ext.io_utils import read_mp4_frame_count
from memflow_ext.pipelines.builder import build_pipeline
from memflow_ext.pipelines.iam import IAMPipeline
from plugins.profile.report import render_report
from tests.helpers import REPO

PROMPTS = ["a red fox runs through snow", "the fox sleeps under a tree"]
WINDOW6 = ["num_output_frames=12", "model_kwargs.local_attn_size=6"]


class TimedMemory:
    """A memory stand-in that does a little real work per evicted chunk and records its time."""

    @hookimpl
    def iamflow_chunk_end(self, run, chunk_index, evicted):
        if evicted is not None:
            t0 = time.perf_counter()
            torch.randn(64, 64) @ torch.randn(64, 64)
            run.record_time("memory", chunk_index, (time.perf_counter() - t0) * 1000)


class TimedAgent:
    @hookimpl(tryfirst=True)
    def iamflow_prompt_switch(self, run, prompt_index):
        t0 = time.perf_counter()
        sum(range(2000))
        run.record_time("agent", prompt_index, (time.perf_counter() - t0) * 1000)


@pytest.fixture(scope="module")
def parts():
    base = build_pipeline(load_config())
    return base.model, base.text_encoder, base.vae


@pytest.fixture
def log_lines():
    lines: list[str] = []
    sink = logger.add(lines.append, format="{message}", level="INFO")
    yield lines
    logger.remove(sink)


def make_pipe(parts, plugins, overrides=(), extra=()):
    model, text, vae = parts
    cfg = load_config(overrides=list(overrides))
    pm = build_plugin_manager(list(plugins), cfg)
    for name, obj in extra:
        pm.register(obj, name=name)
    return IAMPipeline(cfg, model, text, vae, plugin_manager=pm), pm


def _numbers(report: str, label: str) -> float:
    m = re.search(rf"{re.escape(label)}\s+(-?\d+\.\d\d) ", report)
    assert m, label
    return float(m.group(1))


def test_real_run_numbers_add_up_and_files_are_written(parts, tmp_path, log_lines):
    pipe, pm = make_pipe(parts, ["profile"], WINDOW6, [("agent", TimedAgent()), ("memory", TimedMemory())])
    res = pipe.generate(PROMPTS, [6], seed=1, progress=False, output_dir=tmp_path)
    prof = pm.get_plugin("profile")
    p, report = prof.last_profile, prof.last_report
    # total = init + diffusion + VAE, in profile.json (to the microsecond) and in the text (to 0.01 ms)
    assert p["total_ms"] == pytest.approx(p["init_ms"] + p["diffusion_ms"] + p["vae_decode_ms"], abs=2e-3)
    parts_sum = sum(_numbers(report, f"{k}:") for k in ("Initialization time", "Diffusion generation", "VAE decoding"))
    assert _numbers(report, "Total time:") == pytest.approx(parts_sum, abs=0.02)
    assert min(p["init_ms"], p["diffusion_ms"], p["vae_decode_ms"]) > 0
    # blocks, agent and memory never overlap, and all lie within diffusion
    blocks = [e["ms"] for e in p["blocks"]]
    assert len(blocks) == res.run.num_blocks == 4 and all(b > 0 for b in blocks)
    assert sum(blocks) <= p["diffusion_ms"]
    assert sum(blocks) + p["agent_ms"] + p["memory_ms"] <= p["diffusion_ms"] + 1e-3
    # chunk entries start at the first evicted chunk of the cache geometry, one per eviction
    g = res.run.geometry
    first = g.first_evicting_block() + 1
    assert first == 3 and p["memory"]["first_chunk"] == 3 and "[Memory Bank - Per Chunk (Chunk 3+)]" in report
    chunks = [e["chunk"] for e in p["memory"]["per_chunk"]]
    assert chunks == list(range(first, res.run.num_blocks + 1))
    assert len(re.findall(r"^  - Chunk \d+ +eviction:", report, re.M)) == res.run.num_blocks - g.first_evicting_block()
    assert len(re.findall(r"^  - Prompt \d+ +processing:", report, re.M)) == len(PROMPTS)
    # throughput: latent frames per second of total time; profile.json also has video frames per second
    assert p["latent_frames"] == 12 and p["video_frames"] == res.video.shape[1] == 1 + 4 * 11
    assert p["latent_fps"] == pytest.approx(12 / (p["total_ms"] / 1000), rel=1e-3)
    assert p["video_fps"] == pytest.approx(p["video_frames"] / (p["total_ms"] / 1000), rel=1e-3)
    assert "latent" in p["fps_meaning"]["latent_fps"] and "video" in p["fps_meaning"]["video_fps"]
    # metadata and files
    assert p["device"] == "cpu" and p["preset"] == "tiny" and p["plugins"] == ["profile", "agent", "memory"]
    import hashlib

    assert p["config_sha256"] == hashlib.sha256(to_yaml(pipe.cfg).encode()).hexdigest()
    on_disk = json.loads((tmp_path / "profile.json").read_text())
    assert on_disk == p and render_report(on_disk) == report
    assert (tmp_path / "profile.txt").read_text() == report
    assert res.run.files["profile.json"] == tmp_path / "profile.json"
    assert not (tmp_path / "trace.json").exists()
    assert ("\n" + report) in log_lines  # printed through loguru


def test_report_only_in_memory_without_output_dir(parts):
    pipe, pm = make_pipe(parts, ["profile"], ["num_output_frames=3"])
    pipe.generate(PROMPTS[:1], [], seed=0, decode=False, progress=False)
    p = pm.get_plugin("profile").last_profile
    assert p["vae_decode_ms"] == 0 and p["video_frames"] is None and p["video_fps"] is None


@pytest.mark.parametrize("how", ["disabled-in-config", "not-listed"])
def test_disabled_profiler_prints_writes_and_times_nothing(parts, tmp_path, mocker, log_lines, how):
    make = mocker.spy(profile_mod, "make_plugin")
    init = mocker.spy(profile_mod.ProfilePlugin, "__init__")
    now = mocker.spy(profile_mod.ProfilePlugin, "_now")
    render = mocker.spy(profile_mod, "render_report")
    plugins, overrides = (["profile"], ["profile.enabled=false"]) if how == "disabled-in-config" else ([], [])
    pipe, pm = make_pipe(parts, plugins, ["num_output_frames=6", *overrides])
    pipe.generate(PROMPTS, [3], seed=0, decode=False, progress=False, output_dir=tmp_path)
    assert not pm.has_plugin("profile")
    assert make.call_count == init.call_count == now.call_count == render.call_count == 0
    assert list(tmp_path.iterdir()) == []
    assert not any("Profiling Results" in line for line in log_lines)


class LateMemory:
    """Records memory time from inside the block timer (a `block_end` that runs before the profiler's)."""

    def __init__(self, clock):
        self.clock = clock

    @hookimpl(tryfirst=True)
    def iamflow_block_end(self, run, block_index):
        self.clock.advance(0.005)
        run.record_time("memory", block_index + 1, 5.0)


class StepClock:
    def __init__(self, step):
        self.now, self.step = 0.0, step

    def __call__(self):
        self.now += self.step
        return self.now

    def advance(self, s):
        self.now += s


def test_plugin_time_inside_a_block_is_not_counted_twice(parts):
    clock = StepClock(0.010)
    pipe, pm = make_pipe(parts, ["profile"], ["num_output_frames=9"])
    prof = pm.get_plugin("profile")
    prof.clock, prof.echo = clock, False
    pm.register(LateMemory(clock), name="memory")  # registered later: runs before the profiler's block_end
    pipe.generate(PROMPTS[:1], [], seed=0, decode=False, progress=False)
    p = prof.last_profile
    assert [e["ms"] for e in p["blocks"]] == [10.0, 10.0, 10.0]  # the clock step only, not the 5 ms
    assert p["memory_ms"] == 15.0
    assert sum(e["ms"] for e in p["blocks"]) + p["memory_ms"] <= p["diffusion_ms"]


def test_trace_json_has_complete_events_for_phases_blocks_prompts_and_chunks(parts, tmp_path):
    pipe, pm = make_pipe(parts, ["profile"], [*WINDOW6, "profile.trace=true"],
                         [("agent", TimedAgent()), ("memory", TimedMemory())])
    pipe.decode = lambda latents, progress=False: torch.zeros(1, 1 + 4 * (latents.shape[1] - 1), 3, 8, 8)  # stand-in
    pipe.generate(PROMPTS, [6], seed=0, progress=False, output_dir=tmp_path)
    trace = json.loads((tmp_path / "trace.json").read_text())
    events = [e for e in trace["traceEvents"] if e["ph"] == "X"]
    by_cat: dict[str, list] = {}
    for e in events:
        assert e["ts"] >= 0 and e["dur"] >= 0 and {"name", "pid", "tid"} <= set(e)
        by_cat.setdefault(e["cat"], []).append(e)
    assert [e["name"] for e in by_cat["phase"]] == ["init", "diffusion", "vae_decode"]
    assert len(by_cat["block"]) == 4 and len(by_cat["agent"]) == 2 and len(by_cat["memory"]) == 2
    p = pm.get_plugin("profile").last_profile
    diffusion = by_cat["phase"][1]
    assert diffusion["dur"] == pytest.approx(p["diffusion_ms"] * 1000, abs=1)
    for e in by_cat["block"] + by_cat["agent"] + by_cat["memory"]:  # all inside the diffusion phase
        assert diffusion["ts"] <= e["ts"] and e["ts"] + e["dur"] <= diffusion["ts"] + diffusion["dur"] + 1


def _drive(prof, run, clock_calls):
    """Run the profiler's hooks by hand for one video of one block."""
    prof.iamflow_pipeline_start(run=run)
    for phase in ("init", "diffusion"):
        gen = prof.iamflow_phase(phase=phase)
        next(gen)
        if phase == "diffusion":
            prof.iamflow_block_start(run=run)
            prof.iamflow_block_end(run=run, block_index=0)
        with pytest.raises(StopIteration):
            gen.send(None)


@pytest.mark.parametrize("device,syncs", [("cuda:0", 6), ("cpu", 0)])
def test_cuda_synchronises_at_every_boundary_cpu_never(mocker, device, syncs):
    order = []
    sync = mocker.patch("torch.cuda.synchronize", side_effect=lambda *a: order.append("sync"))

    def clock():
        order.append("clock")
        return float(len(order))

    prof = profile_mod.ProfilePlugin(None, clock=clock)
    run = RunState(config=None, prompts=["p"], switch_frame_indices=[], seed=0, device=device)
    _drive(prof, run, order)
    assert sync.call_count == syncs  # 2 per phase (start, end) and 2 for the block
    if syncs:
        assert order == ["sync", "clock"] * 6  # the clock is read after the device is idle
        sync.assert_called_with("cuda:0")


def test_comparison_numbers_and_table():
    base = {"init_ms": 10.0, "diffusion_ms": 100.0, "vae_decode_ms": 40.0, "total_ms": 150.0, "plugins": ["profile"],
            "latent_frames": 6, "video_frames": 21, "memory_frames_per_block": [0, 1]}
    iam = {"init_ms": 11.0, "diffusion_ms": 104.0, "vae_decode_ms": 40.0, "total_ms": 155.0, "agent_ms": 2.0,
           "memory_ms": 1.0, "plugins": ["agent", "memory", "profile"], "latent_frames": 6, "video_frames": 21,
           "memory_frames_per_block": [0, 0]}
    c = compare_profiles(base, iam)  # one round: a median, a range, no interval
    assert c["rounds"] == 1 and c["baseline_total_ms"] == 150.0 and c["iam_total_ms"] == 155.0
    assert c["overhead_pct"] == pytest.approx(100 * 5 / 150, abs=1e-3) and c["overhead_interval_pct"] is None
    d = c["phases"]["diffusion"]
    assert (d["baseline_ms"], d["iam_ms"], d["delta_ms"], d["overhead_pct"]) == (100.0, 104.0, 4.0, 4.0)
    assert c["plugins_share_pct"] == pytest.approx(100 * 3 / 104, abs=1e-3)
    assert c["memory_frames_per_block"] == {"baseline": [0, 1], "iam": [0, 0]} and c["equal_memory_frames"] is False
    table = render_comparison(c, "000000_s0")
    assert "  Diffusion                100.00       104.00       +4.00     +4.00%" in table
    assert "Total overhead: +3.33% (median of 1 round; range +3.33% .. +3.33%, no interval claimed" in table
    assert "expected" not in table and "within noise" not in table
    assert "Plugins' own time: 2.88% of diffusion" in table and "unequal attention work" in table


def _rounds(base_totals, iam_totals):
    def prof(total, agent=0.0):
        return {"init_ms": 1.0, "diffusion_ms": total - 2.0, "vae_decode_ms": 1.0, "total_ms": total,
                "agent_ms": agent, "memory_ms": 0.0, "memory_frames_per_block": [0, 1, 1]}
    return [prof(t) for t in base_totals], [prof(t, 1.0) for t in iam_totals]


def test_comparison_of_rounds_says_within_noise_when_the_interval_contains_zero():
    # six rounds, paired overheads -2, -1, +1, +2, +3, +4 %: the 95% interval (extremes at n=6) holds 0
    base, iam = _rounds([100.0] * 6, [98.0, 99.0, 101.0, 102.0, 103.0, 104.0])
    c = compare_profiles(base, iam)
    assert c["rounds"] == 6 and c["overhead_pct"] == pytest.approx(1.5)
    assert c["overhead_interval_pct"] == [-2.0, 4.0] and c["within_noise"] is True
    assert c["equal_memory_frames"] is True and c["phases"]["total"]["baseline_runs_ms"] == [100.0] * 6
    table = render_comparison(c)
    assert "95% interval -2.00% .. +4.00%): within noise" in table and "unequal" not in table
    # all overheads positive: the interval excludes 0, so no "within noise"
    base, iam = _rounds([100.0] * 6, [101.0, 102.0, 103.0, 104.0, 105.0, 106.0])
    c = compare_profiles(base, iam)
    assert c["overhead_interval_pct"] == [1.0, 6.0] and c["within_noise"] is False
    assert "within noise" not in render_comparison(c)


def test_median_interval_is_shared_with_the_overhead_benchmark():
    from memflow_ext import stats

    assert stats.median_ci([1.0] * 5) is None and stats.median_ci([3.0, 1.0, 6.0, 2.0, 5.0, 4.0]) == (1.0, 6.0)
    s = stats.summarize([-1.0, 2.0, 3.0])
    assert s["interval"] is None and s["range"] == [-1.0, 2.0 + 1.0] and s["within_noise"] is True
    assert "no interval claimed" in stats.describe_pct(s)
    overhead = (REPO / "benchmarks" / "overhead.py").read_text()
    assert "from memflow_ext.stats import" in overhead and "def median_ci" not in overhead


@pytest.mark.slow
def test_compare_baseline_cli_writes_both_videos_profiles_and_comparison(tmp_path):
    config = tmp_path / "two.yaml"
    config.write_text("preset: tiny\nprompts:\n  - a red fox runs through snow\n  - the fox sleeps under a tree\n"
                      "switch_frame_indices: [3]\n")
    out = tmp_path / "out"
    r = subprocess.run([sys.executable, str(REPO / "agent_interactive_inference.py"), "--config", str(config),
                        "--plugins", "profile", "--compare-baseline", "--repeats", "2", f"output_folder={out}",
                        "num_output_frames=6", "switch_frame_indices=[3]"], cwd=REPO, capture_output=True, text=True,
                       timeout=900)  # a warm-up and two rounds of each arm
    assert r.returncode == 0, r.stderr
    (folder,) = [p for p in out.iterdir() if p.is_dir()]
    base = folder / "baseline"
    for f in ("video.mp4", "profile.json", "profile.txt", "latents.safetensors"):
        assert (folder / f).is_file() and (base / f).is_file(), f
    assert read_mp4_frame_count(folder / "video.mp4") == read_mp4_frame_count(base / "video.mp4") == 1 + 4 * 5
    c = json.loads((folder / "comparison.json").read_text())
    bp, ip = (json.loads((d / "profile.json").read_text()) for d in (base, folder))
    total = c["phases"]["total"]
    assert c["rounds"] == 2 and len(total["baseline_runs_ms"]) == len(total["iam_runs_ms"]) == 2
    assert c["order"] == [["baseline", "iam"], ["iam", "baseline"]]  # alternating
    # the files are the last round's: its profiles are the last values of each arm
    assert total["baseline_runs_ms"][-1] == bp["total_ms"] and total["iam_runs_ms"][-1] == ip["total_ms"]
    assert c["baseline_total_ms"] == pytest.approx(sum(total["baseline_runs_ms"]) / 2, abs=1e-3)
    overheads = [100 * (i - b) / b for b, i in zip(total["baseline_runs_ms"], total["iam_runs_ms"], strict=True)]
    assert c["overhead_pct"] == pytest.approx(sum(overheads) / 2, abs=1e-3)
    assert c["overhead_interval_pct"] is None and len(c["overhead_range_pct"]) == 2  # 2 rounds: no interval
    assert c["plugins_share_pct"] == 0.0 and c["repeatable_latents"] is True
    assert c["memory_frames_per_block"]["baseline"] == c["memory_frames_per_block"]["iam"] == bp[
        "memory_frames_per_block"]
    assert set(c["phases"]) == {"init", "diffusion", "vae_decode", "total"}
    assert c["latent_frames"] == {"baseline": 6, "iam": 6} and c["video_frames"] == {"baseline": 21, "iam": 21}
    assert c["same_latents"] is True  # the profiler only observes
    assert bp["plugins"] == ["profile"]
    assert r.stderr.count("IAM Agent Pipeline Profiling Results") == 2
    assert "expected" not in r.stderr and "Total overhead:" in r.stderr and "median of 2 rounds" in r.stderr
    assert not [p for p in out.iterdir() if p.name.startswith(".")]  # no temporary folder left
