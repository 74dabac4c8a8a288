"""Batches: resume after an interruption, run.json, --skip-invalid, and 2-process data parallel."""

from __future__ import annotations

import json
import os
import socket
import subprocess
import sys

import pytest
import torch
from safetensors.torch import load_file

from hooks import hookimpl
from hooks.manager import build_plugin_manager
from memflow_ext.app.batch import DistInfo, is_complete, run_batch
from memflow_ext.app.prompt_files import make_jobs, parse_prompt_text
from memflow_ext.config import load_config
from memflow_ext.pipelines.builder import build_pipeline
from memflow_ext.pipelines.iam import IAMPipeline

STORIES = [["a cat walks", "the cat sits"], ["a dog runs", "the dog barks"], ["a bird flies", "it lands"],
           ["a fish swims", "it hides"]]


def stories_file(tmp_path):
    p = tmp_path / "stories.jsonl"
    p.write_text("".join(json.dumps({"prompts": s, "switch_frame_indices": [3]}) + "\n" for s in STORIES))
    return p


class InterruptAt:
    """Raises KeyboardInterrupt in the middle of one video (after its first block)."""

    def __init__(self, key):
        self.key, self.armed = key, True

    @hookimpl
    def iamflow_block_end(self, run, block_index):
        if self.armed and run.key == self.key and block_index == 0:
            self.armed = False
            raise KeyboardInterrupt


@pytest.fixture(scope="module")
def parts():
    cfg = load_config(overrides=["num_output_frames=6", "switch_frame_indices=[3]", "save_video=false"])
    base = build_pipeline(cfg)
    return cfg, base


def make_pipe(parts, plugin=None):
    cfg, base = parts
    pm = build_plugin_manager([], cfg)
    if plugin is not None:
        pm.register(plugin, name="interrupt")
    return IAMPipeline(cfg, base.model, base.text_encoder, base.vae, plugin_manager=pm)


def jobs_for(tmp_path, cfg):
    res = parse_prompt_text(stories_file(tmp_path).read_bytes(), ".jsonl", cfg, interactive=True)
    return make_jobs(res.stories, cfg)


def mtimes(folder):
    return {p.name: p.stat().st_mtime_ns for p in folder.iterdir()}


def test_interrupt_then_resume_equals_uninterrupted_run(tmp_path, parts):
    cfg, _ = parts
    jobs = jobs_for(tmp_path, cfg)
    k = 2
    out = tmp_path / "resumed"
    with pytest.raises(KeyboardInterrupt):
        run_batch(make_pipe(parts, InterruptAt(jobs[k].key)), cfg, jobs, out, True, DistInfo(), quiet=True)
    record = json.loads((out / "run.json").read_text())["videos"]
    assert [record[j.key]["status"] for j in jobs] == ["done", "done", "interrupted", "pending"]
    # nothing that looks complete but is not: only the finished videos exist, no temp folders remain
    assert sorted(p.name for p in out.iterdir()) == sorted([j.key for j in jobs[:k]] + ["run.json"])
    before = {j.key: mtimes(out / j.key) for j in jobs[:k]}

    videos = run_batch(make_pipe(parts), cfg, jobs, out, True, DistInfo(), quiet=True)
    assert [videos[j.key]["status"] for j in jobs] == ["skipped (complete)"] * k + ["done"] * (len(jobs) - k)
    assert {j.key: mtimes(out / j.key) for j in jobs[:k]} == before  # not regenerated

    fresh = tmp_path / "fresh"
    run_batch(make_pipe(parts), cfg, jobs, fresh, True, DistInfo(), quiet=True)
    for j in jobs:
        a = load_file(str(out / j.key / "latents.safetensors"))["latents"]
        b = load_file(str(fresh / j.key / "latents.safetensors"))["latents"]
        assert torch.equal(a, b), j.key
        assert is_complete(out / j.key)
    manifest = json.loads((out / "run.json").read_text())
    assert manifest["versions"]["torch"] == torch.__version__ and manifest["end"] >= manifest["start"]


def test_damaged_video_is_redone(tmp_path, parts):
    cfg, _ = parts
    jobs = jobs_for(tmp_path, cfg)[:1]
    out = tmp_path / "out"
    run_batch(make_pipe(parts), cfg, jobs, out, True, DistInfo(), quiet=True)
    lat = out / jobs[0].key / "latents.safetensors"
    lat.write_bytes(lat.read_bytes()[:-10])  # truncated: present but not complete
    assert not is_complete(out / jobs[0].key)
    videos = run_batch(make_pipe(parts), cfg, jobs, out, True, DistInfo(), quiet=True)
    assert videos[jobs[0].key]["status"] == "done" and is_complete(out / jobs[0].key)


@pytest.mark.slow
def test_skip_invalid_records_skipped_lines(tmp_path):
    from tests.helpers import REPO

    data = tmp_path / "mixed.jsonl"
    data.write_text('{"prompts": ["a cat"]}\n{"prompts": []}\n')
    out = tmp_path / "out"
    r = subprocess.run([sys.executable, str(REPO / "agent_interactive_inference.py"), "--plugins", "none",
                        "--data-path", str(data), "--skip-invalid", f"output_folder={out}", "num_output_frames=3",
                        "switch_frame_indices=[]", "save_video=false", "--quiet"],
                       cwd=REPO, capture_output=True, text=True, timeout=300)
    assert r.returncode == 0, r.stderr
    manifest = json.loads((out / "run.json").read_text())
    assert manifest["skipped_invalid"] == [{"line": 2, "error": "story has no prompts"}]
    assert list(manifest["videos"]) == ["000001_s0"] and is_complete(out / "000001_s0")


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


@pytest.mark.slow
def test_two_process_gloo_run_equals_single_process(tmp_path):
    from tests.helpers import REPO

    data = stories_file(tmp_path)
    common = ["--plugins", "none", "--data-path", str(data), "num_output_frames=6", "switch_frame_indices=[3]",
              "save_video=false", "device=cpu", "--quiet"]
    env = {**os.environ, "OMP_NUM_THREADS": "1"}
    one = subprocess.run([sys.executable, str(REPO / "agent_interactive_inference.py"), *common,
                          f"output_folder={tmp_path / 'one'}"], cwd=REPO, capture_output=True, text=True,
                         timeout=600, env=env)
    assert one.returncode == 0, one.stderr
    two = subprocess.run([sys.executable, "-m", "torch.distributed.run", "--nproc_per_node=2",
                          f"--master_port={free_port()}", str(REPO / "agent_interactive_inference.py"), *common,
                          f"output_folder={tmp_path / 'two'}"], cwd=REPO, capture_output=True, text=True,
                         timeout=600, env=env)
    assert two.returncode == 0, two.stderr
    keys = sorted(p.name for p in (tmp_path / "one").iterdir() if p.is_dir())
    assert keys == sorted(p.name for p in (tmp_path / "two").iterdir() if p.is_dir() and p.name != "logs")
    assert len(keys) == len(STORIES)
    for key in keys:
        a = load_file(str(tmp_path / "one" / key / "latents.safetensors"))["latents"]
        b = load_file(str(tmp_path / "two" / key / "latents.safetensors"))["latents"]
        assert torch.equal(a, b), key
    manifest = json.loads((tmp_path / "two" / "run.json").read_text())
    assert manifest["world_size"] == 2 and sorted(manifest["videos"]) == keys
    assert {v["rank"] for v in manifest["videos"].values()} == {0, 1}
    assert (tmp_path / "two" / "logs" / "rank1.log").exists()


# ------------------------------------------------------------------ resume by fingerprint
def test_changed_seed_prompt_or_plugins_is_refused_not_skipped(tmp_path, parts):
    import dataclasses

    from memflow_ext.app.fingerprint import FingerprintMismatch

    cfg, _ = parts
    jobs = jobs_for(tmp_path, cfg)[:1]
    out = tmp_path / "out"
    run_batch(make_pipe(parts), cfg, jobs, out, True, DistInfo(), quiet=True)
    before = mtimes(out / jobs[0].key)
    other_seed = dataclasses.replace(cfg, seed=cfg.seed + 1)
    other_prompts = [dataclasses.replace(jobs[0], prompts=["a horse", "the horse jumps"])]
    cases = [
        (other_seed, jobs_for(tmp_path, other_seed)[:1], {}, "seed"),
        (cfg, other_prompts, {}, "prompts"),
        (cfg, jobs, {"plugins": ["profile"]}, "plugins"),
        (dataclasses.replace(cfg, num_output_frames=9), jobs, {}, "num_output_frames"),
        (dataclasses.replace(cfg, save_video=True), jobs, {}, "save_video"),
    ]
    for c, js, kw, key in cases:
        with pytest.raises(FingerprintMismatch) as info:
            run_batch(make_pipe(parts), c, js, out, True, DistInfo(), quiet=True, **kw)
        msg = str(info.value)
        assert str(out / jobs[0].key) in msg and key in msg and "--overwrite" in msg, msg
    assert mtimes(out / jobs[0].key) == before  # neither regenerated nor touched
    videos = run_batch(make_pipe(parts), cfg, jobs, out, True, DistInfo(), quiet=True)  # same inputs: skipped
    assert videos[jobs[0].key]["status"] == "skipped (complete)"


class FailAt:
    @hookimpl
    def iamflow_block_end(self, block_index):
        if block_index == 1:
            raise RuntimeError("disk on fire")


def test_overwrite_replaces_the_folder_only_when_the_new_one_is_complete(tmp_path, parts):
    import dataclasses

    from hooks.manager import PluginError

    cfg, _ = parts
    out = tmp_path / "out"
    jobs = jobs_for(tmp_path, cfg)[:1]
    key = jobs[0].key
    run_batch(make_pipe(parts), cfg, jobs, out, True, DistInfo(), quiet=True)
    old_meta = (out / key / "meta.json").read_text()
    old = load_file(str(out / key / "latents.safetensors"))["latents"]
    new_cfg = dataclasses.replace(cfg, seed=7)
    new_jobs = jobs_for(tmp_path, new_cfg)[:1]
    with pytest.raises(PluginError):  # the new video fails half-way: the old folder stays as it was
        run_batch(make_pipe(parts, FailAt()), new_cfg, new_jobs, out, True, DistInfo(), quiet=True, overwrite=True)
    assert (out / key / "meta.json").read_text() == old_meta
    assert not list(out.glob(".*partial"))
    videos = run_batch(make_pipe(parts), new_cfg, new_jobs, out, True, DistInfo(), quiet=True, overwrite=True)
    assert videos[key]["status"] == "done" and is_complete(out / key)
    meta = json.loads((out / key / "meta.json").read_text())
    assert meta["fingerprint"]["seed"] == 7 and meta["seed"] == new_jobs[0].seed
    assert not torch.equal(load_file(str(out / key / "latents.safetensors"))["latents"], old)
    assert sorted(p.name for p in out.iterdir()) == [key, "run.json"]  # no leftovers of the old folder


def test_run_json_keeps_one_entry_per_invocation(tmp_path, parts):
    cfg, _ = parts
    jobs = jobs_for(tmp_path, cfg)[:1]
    out = tmp_path / "out"
    run_batch(make_pipe(parts), cfg, jobs, out, True, DistInfo(), quiet=True, plugins=[])
    run_batch(make_pipe(parts), cfg, jobs, out, True, DistInfo(), quiet=True, plugins=[])
    run_batch(make_pipe(parts), cfg, [], out, True, DistInfo(), quiet=True, plugins=[])  # made no video
    record = json.loads((out / "run.json").read_text())
    assert [r["status"] for r in record["runs"]] == ["done"] * 3
    assert [r["videos"].get(jobs[0].key, {}).get("status") for r in record["runs"]] == \
        ["done", "skipped (complete)", None]
    assert all(r["plugins"] == [] for r in record["runs"])


# ------------------------------------------------------------------ killed and terminated runs
_HANGING_RUN = """
import sys, time
from pathlib import Path
from memflow_ext.app.batch import DistInfo, exit_code, handle_sigterm, run_batch
from memflow_ext.app.prompt_files import Job
from memflow_ext.config import load_config

def generate(pipe, cfg, job, folder, interactive, quiet):
    (folder / "latents.safetensors").write_bytes(b"half")
    Path(sys.argv[2]).write_text("ready")
    while True:
        time.sleep(0.05)

handle_sigterm()
cfg = load_config(overrides=["num_output_frames=6", "save_video=false"])
job = Job(key="000001_s0", line=1, prompts=["a cat"], switch_frame_indices=[], sample=0, seed=1)
sys.exit(exit_code(lambda: run_batch(None, cfg, [job], Path(sys.argv[1]), False, DistInfo(), quiet=True,
                                     generate=generate)))
"""


def _start_hanging_run(tmp_path, out):
    import time

    from tests.helpers import REPO

    script = tmp_path / "hang.py"
    script.write_text(_HANGING_RUN)
    ready = tmp_path / "ready"
    env = {**os.environ, "PYTHONPATH": str(REPO)}
    proc = subprocess.Popen([sys.executable, str(script), str(out), str(ready)], cwd=REPO, env=env,
                            stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
    for _ in range(1200):  # wait until the video is half-written (a start-up wait, not a timing assertion)
        if ready.exists() or proc.poll() is not None:
            break
        time.sleep(0.05)
    assert ready.exists(), proc.communicate()
    return proc


def test_killed_run_partial_is_removed_by_the_rerun(tmp_path, parts):
    import signal

    cfg, _ = parts
    out = tmp_path / "out"
    proc = _start_hanging_run(tmp_path, out)
    proc.send_signal(signal.SIGKILL)
    proc.communicate()
    partials = list(out.glob(".000001_s0.*.partial"))
    assert len(partials) == 1 and (partials[0] / ".owner.json").is_file()
    assert json.loads((out / "run.json").read_text())["status"] == "running"

    jobs = jobs_for(tmp_path, cfg)[:1]
    run_batch(make_pipe(parts), cfg, jobs, out, True, DistInfo(), quiet=True)
    assert not list(out.glob(".*.partial"))  # the killed run's folder is gone
    runs = json.loads((out / "run.json").read_text())["runs"]
    assert runs[0]["status"] == "interrupted" and runs[0]["videos"]["000001_s0"]["status"] == "interrupted"
    assert runs[1]["status"] == "done"


def test_sigterm_is_handled_like_ctrl_c(tmp_path):
    import signal

    out = tmp_path / "out"
    proc = _start_hanging_run(tmp_path, out)
    proc.send_signal(signal.SIGTERM)
    _, err = proc.communicate()
    assert proc.returncode == 143, err
    assert "terminated (SIGTERM)" in err
    assert not list(out.glob(".*.partial"))  # the unfinished video was discarded
    record = json.loads((out / "run.json").read_text())
    assert record["status"] == "interrupted" and record["videos"]["000001_s0"]["status"] == "interrupted"
