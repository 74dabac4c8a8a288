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


@pytest.mark.parametrize("script,extra", [("agent_inference.py", []),
                                          ("agent_interactive_inference.py", ["switch_frame_indices=[3,6]"])])
def test_memory_free_baseline_generates_in_both_clis(tmp_path, script, extra):
    out = tmp_path / "out"
    r = run_cli(script, "--plugins", "none", "model_kwargs.bank_size=0", f"output_folder={out}",
                "num_output_frames=9", *extra, "--quiet")
    assert r.returncode == 0, r.stderr
    folder = out / "000001_s0"
    assert read_mp4_frame_count(folder / "video.mp4") == 1 + 4 * 8
    assert json.loads((folder / "meta.json").read_text())["num_output_frames"] == 9
    assert "bank_size: 0" in (out / "config.yaml").read_text()


def test_config_file_that_is_a_list_and_a_nul_prompt_exit_2_naming_the_file(tmp_path):
    conf = tmp_path / "list.yaml"
    conf.write_text("- num_output_frames: 6\n")
    r = run_cli("agent_inference.py", "--config", str(conf), f"output_folder={tmp_path / 'out'}")
    assert r.returncode == 2 and "Traceback" not in r.stderr
    assert f"{conf}: the top level is a list; a config file must be a mapping of keys" in r.stderr
    data = tmp_path / "p.txt"
    data.write_bytes(b"a fox\x00\n")
    r = run_cli("agent_inference.py", "--data-path", str(data), f"output_folder={tmp_path / 'out'}")
    assert r.returncode == 2 and "Traceback" not in r.stderr
    assert f"{data}:1: the prompt contains the control character U+0000 at character 6" in r.stderr
    assert not (tmp_path / "out").exists()


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


# ------------------------------------------------------------------ in-process: every input error before the model
@pytest.fixture
def cli(capsys, mocker):
    """Run a CLI in this process; `build_pipeline` is a spy (it really builds when `build_ok`)."""
    from loguru import logger

    import memflow_ext.pipelines.builder as builder

    spy = mocker.spy(builder, "build_pipeline")

    def run(*argv: str, interactive: bool = True) -> tuple[int, str]:
        from memflow_ext.app.cli import main

        script = "interactive_inference.yaml" if interactive else "inference.yaml"
        rc = main(list(argv), interactive=interactive, prog="t", description="t", default_config=script)
        return rc, capsys.readouterr().err

    yield run, spy
    logger.remove()
    logger.add(sys.stderr)


def _bad_inputs(tmp_path):
    bad_yaml = tmp_path / "bad.yaml"
    bad_yaml.write_text("preset: tiny\nseed: [1\n")
    a_file = tmp_path / "a_file"
    a_file.write_text("x")
    cases = {
        "agent_backend": (["--plugins", "agent,memory,profile", "agent.backend=gpt"], "agent.backend"),
        "openai_without_url": (["--plugins", "agent", "agent.backend=openai"], "agent.base_url"),
        "yaml_syntax": (["--config", str(bad_yaml)], f"{bad_yaml}:3:"),
        "device_name": (["device=tpu9"], "device='tpu9'"),
        "weights_with_tiny": (["generator_ckpt=/data/base.pt"], "generator_ckpt"),
        "start_past_end": (["--start", "5"], "--start=5"),
        "missing_weights": (["preset=wan2.1-t2v-1.3b", f"weights_dir={tmp_path / 'none'}"], "weights_dir"),
        "output_is_a_file": ([f"output_folder={a_file}"], "is a file"),
        "output_under_a_file": ([f"output_folder={a_file / 'sub'}"], f"{a_file} is a file"),
    }
    import torch

    if not torch.cuda.is_available():
        cases["cuda_without_cuda"] = (["device=cuda"], "device='cuda'")
    return cases


@pytest.mark.parametrize("case", ["agent_backend", "openai_without_url", "yaml_syntax", "device_name",
                                  "weights_with_tiny", "start_past_end", "missing_weights", "output_is_a_file",
                                  "output_under_a_file", "cuda_without_cuda"])
def test_bad_input_is_exit_2_with_the_key_and_no_traceback(tmp_path, cli, case):
    run, build = cli
    cases = _bad_inputs(tmp_path)
    if case not in cases:
        pytest.skip("CUDA is available here")
    args, needle = cases[case]
    out = tmp_path / "out"
    if not any(a.startswith("output_folder=") for a in args):
        args = [*args, f"output_folder={out}"]
    rc, err = run(*args)
    assert rc == 2, err
    assert needle in err and "Traceback" not in err, err
    assert len([line for line in err.splitlines() if "ERROR" in line]) == 1
    assert build.call_count == 0  # stopped before the model was built
    assert not out.exists()


def test_records_name_the_plugins_and_reruns_with_other_plugins_are_refused(tmp_path, cli):
    import yaml

    run, build = cli
    out = tmp_path / "out"
    common = [f"output_folder={out}", "num_output_frames=3", "save_video=false", "--quiet"]
    rc, err = run("--plugins", "agent,memory,profile", *common, interactive=False)
    assert rc == 0, err
    assert yaml.safe_load((out / "config.yaml").read_text())["plugins"] == ["agent", "memory", "profile"]
    record = json.loads((out / "run.json").read_text())
    assert record["plugins"] == ["agent", "memory", "profile"] and len(record["runs"]) == 1
    rc, err = run("--plugins", "agent,memory,profile", "--start", "3", *common, interactive=False)  # no video
    assert rc == 2 and "--start=3" in err
    assert len(json.loads((out / "run.json").read_text())["runs"]) == 1  # not overwritten
    rc, err = run("--plugins", "none", *common, interactive=False)  # the baseline into the IAM folder
    assert rc == 2 and str(out / "000001_s0") in err and "plugins" in err and "--overwrite" in err
    assert build.call_count == 1
    rc, err = run("--plugins", "agent,memory,profile", *common, interactive=False)  # same inputs: skipped
    assert rc == 0 and build.call_count == 1  # nothing to generate: no model built
    assert json.loads((out / "run.json").read_text())["videos"]["000001_s0"]["status"] == "skipped (complete)"


def _prepare(*argv: str, interactive: bool = True):
    from memflow_ext.app.cli import build_parser, prepare

    config = "interactive_inference.yaml" if interactive else "inference.yaml"
    args = build_parser("t", "t", config).parse_intermixed_args(list(argv))
    return prepare(args, interactive)


def test_default_output_folders_differ_by_plugin_set():
    iam = _prepare("--plugins", "agent,memory,profile")["out_root"]
    base = _prepare("--plugins", "none")["out_root"]
    assert iam != base
    assert iam.name == "agent-memory-profile" and base.name == "none" and iam.parent == base.parent


def test_jsonl_stories_bring_their_own_switch_frames(tmp_path):
    data = tmp_path / "stories.jsonl"
    data.write_text(json.dumps({"prompts": ["a cat", "the cat sits", "it sleeps"],
                                "switch_frame_indices": [6, 12]}) + "\n")
    p = _prepare("--plugins", "none", "--data-path", str(data), "num_output_frames=18", f"output_folder={tmp_path}")
    assert [j.switch_frame_indices for j in p["jobs"]] == [[6, 12]]
