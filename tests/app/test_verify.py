"""Nothing broken is presented as complete: folders are checked when written and again before a rerun skips
them; a video whose files cannot be written fails on one named line, leaves nothing, and the batch goes on."""

from __future__ import annotations

import errno
import json
import resource
import subprocess
import sys

import pytest

from memflow_ext.app.batch import DistInfo, VideosFailed, check_videos, exit_code, run_batch
from memflow_ext.app.prompt_files import Job
from memflow_ext.app.verify import folder_problem, is_complete
from memflow_ext.config import load_config
from memflow_ext.io_utils import read_mp4_frame_count
from memflow_ext.pipelines.builder import build_pipeline
from tests.helpers import REPO

FSIZE_LIMIT = 28000  # bytes: run.json, config.yaml and the tiny latents fit, the mp4 does not


def job(n: int) -> Job:
    return Job(key=f"{n:06d}_s0", line=n, prompts=[f"a red fox number {n}"], switch_frame_indices=[], sample=0,
               seed=n)


@pytest.fixture(scope="module")
def video_parts():
    cfg = load_config(overrides=["num_output_frames=6"])
    return cfg, build_pipeline(cfg)


def test_an_mp4_damaged_in_place_with_its_size_unchanged_is_generated_again(tmp_path, video_parts):
    cfg, pipe = video_parts
    out = tmp_path / "out"
    run_batch(pipe, cfg, [job(1)], out, False, DistInfo(), quiet=True)
    folder = out / job(1).key
    meta = json.loads((folder / "meta.json").read_text())
    assert is_complete(folder) and meta["video_frames"] == read_mp4_frame_count(folder / "video.mp4") == 21
    video = folder / "video.mp4"
    data = bytearray(video.read_bytes())
    at = data.find(b"moov")
    data[at - 4 : at + 60] = bytes(64)  # the mp4's index zeroed, the size unchanged
    video.write_bytes(data)
    assert video.stat().st_size == meta["files"]["video.mp4"]
    assert "not a readable video" in folder_problem(folder)
    videos = run_batch(pipe, cfg, [job(1)], out, False, DistInfo(), quiet=True)
    assert videos[job(1).key]["status"] == "done"  # not "skipped (complete)"
    assert is_complete(folder) and read_mp4_frame_count(video) == 21


@pytest.mark.parametrize("damage,problem", [
    (lambda f: (f / "latents.safetensors").write_bytes(b"x"), "latents.safetensors has 1 bytes, meta.json lists"),
    (lambda f: (f / "video.mp4").unlink(), "video.mp4 missing"),
    (lambda f: (f / "meta.json").write_text("{"), "meta.json unreadable"),
])
def test_folder_problems_are_named(tmp_path, video_parts, damage, problem):
    cfg, pipe = video_parts
    out = tmp_path / "out"
    run_batch(pipe, cfg, [job(2)], out, False, DistInfo(), quiet=True)
    damage(out / job(2).key)
    assert folder_problem(out / job(2).key).startswith(problem)


def disk_full(pipe, cfg, job, folder, interactive, quiet):
    """The generate step on a full disk: the first file is written, the next one cannot be."""
    (folder / "latents.safetensors").write_bytes(b"partial")
    raise OSError(errno.ENOSPC, "No space left on device", str(folder / "video.mp4"))


def test_a_failed_write_is_one_error_line_the_batch_goes_on_and_run_json_says_when_it_cannot_record(
        tmp_path):
    cfg = load_config(overrides=["num_output_frames=6", "save_video=false"])
    out = tmp_path / "out"
    out.mkdir()
    (out / "run.json").mkdir()  # run.json cannot be written either
    from loguru import logger

    # the logged lines are read from a sink of this test's own (another test may leave loguru's stderr sink
    # pointing at a closed capture stream)
    messages: list[str] = []
    sink = logger.add(messages.append, level="ERROR")
    try:
        videos = run_batch(None, cfg, [job(1), job(2)], out, False, DistInfo(), quiet=True, generate=disk_full)
    finally:
        logger.remove(sink)
    err = "".join(messages)
    assert [v["status"] for v in videos.values()] == ["failed", "failed"]  # the second was tried too
    lines = [ln for ln in err.splitlines() if "| ERROR" in ln]
    assert len([ln for ln in lines if "failed, nothing kept" in ln]) == 2 and "Traceback" not in err
    assert lines[0].endswith(f"[000001_s0] failed, nothing kept: cannot write {out / '000001_s0' / 'video.mp4'}: "
                             f"No space left on device (ENOSPC); run.json could not record it either: "
                             f"{out / 'run.json'}: Is a directory (EISDIR); a rerun generates it")
    assert "run.json could not be written:" in lines[-1]
    assert sorted(p.name for p in out.iterdir()) == ["run.json"]  # no hidden folder, no half folder
    with pytest.raises(VideosFailed):
        check_videos(videos)
    assert exit_code(lambda: check_videos(videos)) == 1


def cli(*args: str, fsize: int | None = None) -> subprocess.CompletedProcess:
    def limit() -> None:
        resource.setrlimit(resource.RLIMIT_FSIZE, (fsize, fsize))

    return subprocess.run([sys.executable, str(REPO / "agent_inference.py"), *args], cwd=REPO, capture_output=True,
                          text=True, timeout=600, preexec_fn=limit if fsize else None)


@pytest.mark.slow
def test_a_run_under_a_file_size_limit_fails_by_name_and_the_rerun_makes_videos_that_open(tmp_path):
    out = tmp_path / "out_fsize"
    args = ["--plugins", "none", "num_output_frames=6", f"output_folder={out}", "prompts=[a red fox,a grey wolf]"]
    r = cli(*args, fsize=FSIZE_LIMIT)
    assert r.returncode == 1, r.stderr
    assert "Traceback" not in r.stderr
    errors = [ln for ln in r.stderr.splitlines() if "| ERROR" in ln]
    assert len(errors) == 2, r.stderr  # one line per video: the batch went on to the second
    for key, line in zip(["000001_s0", "000002_s0"], errors, strict=True):
        assert line.endswith(f"[{key}] failed, nothing kept: cannot write {out / key / 'video.mp4'}: ffmpeg could "
                             "not write it: ffmpeg was killed by SIGXFSZ (the file size limit was reached); a rerun "
                             "generates it")
    assert sorted(p.name for p in out.iterdir()) == ["config.yaml", "run.json"]  # nothing complete, nothing hidden
    record = json.loads((out / "run.json").read_text())
    assert record["status"] == "failed" and [v["status"] for v in record["videos"].values()] == ["failed"] * 2
    assert "SIGXFSZ" in record["videos"]["000001_s0"]["error"]

    r = cli(*args)
    assert r.returncode == 0, r.stderr
    for key in ("000001_s0", "000002_s0"):
        assert is_complete(out / key) and read_mp4_frame_count(out / key / "video.mp4") == 21
