"""Prompt files: parsing, line-numbered validation, selection, seeds (with property-based tests)."""

from __future__ import annotations

import json

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from memflow_ext.app.cli import main
from memflow_ext.app.prompt_files import make_jobs, parse_prompt_text, sample_seed, select
from memflow_ext.config import ConfigError, control_char, load_config, validate_switch_frames

CFG = load_config(overrides=["num_output_frames=18", "switch_frame_indices=[9]"])

prompt_text = st.text(st.characters(blacklist_categories=("Cs", "Cc", "Zl", "Zp")), min_size=1, max_size=40).filter(
    lambda s: s.strip() != "")


@given(st.lists(st.lists(prompt_text, min_size=1, max_size=4), min_size=1, max_size=6))
@settings(max_examples=60, deadline=None)
def test_jsonl_round_trip(stories):
    lines = []
    for prompts in stories:
        switch = [3 * (i + 1) for i in range(len(prompts) - 1)]
        lines.append(json.dumps({"prompts": prompts, "switch_frame_indices": switch}, ensure_ascii=False))
    res = parse_prompt_text("\n".join(lines).encode(), ".jsonl", CFG, interactive=True)
    assert not res.errors
    assert [s.prompts for s in res.stories] == stories
    assert [s.line for s in res.stories] == list(range(1, len(stories) + 1))


@given(st.binary(max_size=300))
@settings(max_examples=150, deadline=None)
def test_any_bytes_parse_or_report_lines(data):
    res = parse_prompt_text(data, ".jsonl", CFG, interactive=True)
    n_lines = data.count(b"\n") + 1
    for line, msg in res.errors:
        assert 1 <= line <= n_lines and msg
    for s in res.stories:
        assert s.prompts and all(isinstance(p, str) and p.strip() and not control_char(p) for p in s.prompts)


@given(st.integers(1, 5), st.lists(st.integers(-3, 25), max_size=5))
@settings(max_examples=200, deadline=None)
def test_switch_validation_property(n_prompts, switch):
    fpb, frames = CFG.num_frame_per_block, CFG.num_output_frames
    valid = (len(switch) == n_prompts - 1 and switch == sorted(set(switch))
             and all(0 < s < frames and s % fpb == 0 for s in switch))
    try:
        validate_switch_frames(switch, n_prompts, CFG, where="x")
        ok = True
    except ConfigError:
        ok = False
    assert ok == valid


BAD_LINES = {
    "malformed": (b'{"prompts": ["a"\n', "malformed JSON"),
    "no prompts": (b'{"prompts": []}\n', "no prompts"),
    "empty prompt": (b'{"prompts": ["a", "  "], "switch_frame_indices": [9]}\n', "empty or whitespace"),
    "non-string": (b'{"prompts": ["a", 3], "switch_frame_indices": [9]}\n', "not a string"),
    "switch mismatch": (b'{"prompts": ["a", "b"], "switch_frame_indices": [9, 12]}\n', "need exactly 1"),
    "switch range": (b'{"prompts": ["a", "b"], "switch_frame_indices": [30]}\n', "switch frame 30"),
    "non-utf8": (b'{"prompts": ["caf\xe9"]}\n', "not valid UTF-8"),
    "control character": (b'{"prompts": ["a", "b\\u0000c"], "switch_frame_indices": [9]}\n',
                          "prompt 1 contains the control character U+0000 at character 2"),
}


@pytest.mark.parametrize("case", sorted(BAD_LINES))
def test_bad_line_stops_everything_with_its_line_number(tmp_path, capfd, case):
    bad, needle = BAD_LINES[case]
    data = tmp_path / "stories.jsonl"
    data.write_bytes(b'{"prompts": ["ok one", "ok two"], "switch_frame_indices": [9]}\n' + bad)
    out = tmp_path / "out"
    rc = main(["--plugins", "none", "--data-path", str(data), f"output_folder={out}", "num_output_frames=18",
               "switch_frame_indices=[9]"], interactive=True, prog="t", description="t",
              default_config="interactive_inference.yaml")
    err = capfd.readouterr().err
    assert rc == 2
    assert f"{data}:2: " in err and needle in err
    assert not out.exists()


def test_every_bad_line_is_listed():
    data = b'{"prompts": []}\n\n{"prompts": ["a", 1]}\n{bad\n'
    res = parse_prompt_text(data, ".jsonl", CFG, interactive=True)
    assert [line for line, _ in res.errors] == [1, 3, 4]


def test_selection_and_seeds():
    data = b"\n".join(f"prompt {i}".encode() for i in range(6))
    res = select(parse_prompt_text(data, ".txt", CFG, interactive=False), 2, 3)
    assert [s.line for s in res.stories] == [3, 4, 5]
    cfg = load_config(overrides=["num_samples=2", "seed=5"])
    jobs = make_jobs(res.stories, cfg)
    assert [j.key for j in jobs] == ["000003_s0", "000003_s1", "000004_s0", "000004_s1", "000005_s0", "000005_s1"]
    assert len({j.seed for j in jobs}) == 6
    assert jobs[0].seed == sample_seed(5, 3, 0) == sample_seed(5, 3, 0)
    assert sample_seed(6, 3, 0) != jobs[0].seed


def test_a_nul_in_a_txt_prompt_stops_the_run_naming_file_and_line_and_skip_invalid_skips_it(tmp_path, capfd):
    data = tmp_path / "prompts.txt"
    data.write_bytes(b"a red fox in snow\na grey\x00 wolf\r\n\tan owl\tat night\n")
    out = tmp_path / "out"
    argv = ["--plugins", "none", "--data-path", str(data), f"output_folder={out}", "num_output_frames=3"]
    run = lambda *extra: main([*argv, *extra], interactive=False, prog="t", description="t",  # noqa: E731
                              default_config="inference.yaml")
    assert run() == 2
    err = capfd.readouterr().err
    assert f"{data}:2: the prompt contains the control character U+0000 at character 7" in err
    assert not out.exists()
    assert run("--skip-invalid", "--quiet") == 0
    assert sorted(p.name for p in out.iterdir() if p.is_dir()) == ["000001_s0", "000003_s0"]  # tab is text
    run_json = json.loads((out / "run.json").read_text())
    assert [s["line"] for s in run_json["skipped_invalid"]] == [2]
