"""The two command-line entry points, run as a user runs them (subprocess, tiny preset)."""

from __future__ import annotations

import json
import subprocess
import sys

import pytest

from memflow_ext.io_utils import read_mp4_frame_count
from tests.helpers import REPO


def run_cli(script: str, *args: str, timeout: int = 300) -> subprocess.CompletedProcess:
    return subprocess.run([sys.executable, str(REPO / script), *args], cwd=REPO, capture_output=True, text=True,
                          timeout=timeout)


@pytest.mark.slow
def test_single_prompt_cli_writes_playable_mp4(tmp_path):
    out = tmp_path / "out"
    r = run_cli("agent_inference.py", "--plugins", "none", f"output_folder={out}", "num_output_frames=6", "--quiet")
    assert r.returncode == 0, r.stderr
    folder = out / "000001_s0"
    assert read_mp4_frame_count(folder / "video.mp4") == 1 + 4 * 5
    meta = json.loads((folder / "meta.json").read_text())
    assert meta["num_output_frames"] == 6
    assert not list(out.rglob("*.tmp*"))


@pytest.mark.slow
def test_interactive_cli_reads_jsonl(tmp_path):
    data = tmp_path / "stories.jsonl"
    data.write_text(json.dumps({"prompts": ["a cat", "the cat sleeps"], "switch_frame_indices": [3]}) + "\n")
    out = tmp_path / "out"
    r = run_cli("agent_interactive_inference.py", "--plugins", "none", "--data-path", str(data),
                f"output_folder={out}", "num_output_frames=6", "switch_frame_indices=[3]", "save_video=false",
                "--quiet")
    assert r.returncode == 0, r.stderr
    meta = json.loads((out / "000001_s0" / "meta.json").read_text())
    assert meta["prompts"] == ["a cat", "the cat sleeps"] and meta["switch_frame_indices"] == [3]


@pytest.mark.parametrize(
    "args,needle",
    [
        (["--plugins", "bogus"], "known plugins: agent, memory, profile"),
        (["num_output_frames=10"], "num_output_frames=10"),
        (["preset=nope"], "unknown preset 'nope'"),
        (["bogus_key=1"], "bogus_key"),
        (["preset=wan2.1-t2v-1.3b", "weights_dir=/nonexistent/wan"], "config key 'weights_dir'"),
    ],
)
def test_bad_cli_input_stops_before_work(tmp_path, args, needle):
    out = tmp_path / "out"
    r = run_cli("agent_inference.py", *args, f"output_folder={out}")
    assert r.returncode == 2
    assert needle in r.stderr
    assert not out.exists()


def test_bad_jsonl_lines_are_all_listed(tmp_path):
    data = tmp_path / "bad.jsonl"
    data.write_text('{"prompts": ["ok"]}\n{not json\n{"prompts": ["a", ""], "switch_frame_indices": [3]}\n')
    out = tmp_path / "out"
    r = run_cli("agent_interactive_inference.py", "--plugins", "none", "--data-path", str(data),
                f"output_folder={out}")
    assert r.returncode == 2
    assert f"{data}:2: malformed JSON" in r.stderr
    assert not out.exists()


@pytest.mark.parametrize("script", ["agent_inference.py", "agent_interactive_inference.py"])
def test_both_clis_take_repeats_for_compare_baseline(tmp_path, script):
    r = run_cli(script, "--help")
    assert r.returncode == 0 and "--repeats" in r.stdout and "--compare-baseline" in r.stdout
    out = tmp_path / "out"
    r = run_cli(script, "--plugins", "profile", "--compare-baseline", "--repeats", "0", f"output_folder={out}")
    assert r.returncode == 2 and "--repeats must be >= 1" in r.stderr and not out.exists()
