"""The benchmark scripts run in a reduced form, so they cannot rot (numbers are not asserted)."""

from __future__ import annotations

import importlib.util
import json
import subprocess
import sys

import pytest

from tests.helpers import REPO


def run_script(name: str, *args: str, timeout: int = 900) -> subprocess.CompletedProcess:
    return subprocess.run([sys.executable, str(REPO / "benchmarks" / name), *args], cwd=REPO, capture_output=True,
                          text=True, timeout=timeout)


@pytest.mark.slow
def test_overhead_reduced(tmp_path):
    out = tmp_path / "overhead.json"
    r = run_script("overhead.py", "--preset", "tiny", "--frames", "9", "--repeats", "1", "--no-decode",
                   "--arms", "baseline,iam,observers", "--json", str(out))
    assert r.returncode == 0, r.stderr
    data = json.loads(out.read_text())
    assert len(data["baseline_s"]) == len(data["iam_s"]) == data["rounds"] == 1 and data["ratio_median"] > 0
    assert "profile" in data["plugins"] and data["iam_phases_ms"][0]["total_ms"] > 0
    obs = data["by_arm"]["observers"]
    # the observers arm leaves NAM in place, so it must do the baseline's work exactly
    assert obs["plugins"] == ["agent", "profile"] and obs["same_latents_as_baseline"] is True
    assert data["by_arm"]["iam"]["same_latents_as_baseline"] is False  # the memory plugin replaces NAM


@pytest.mark.slow
def test_overhead_adds_rounds_until_the_interval_is_narrow_enough(tmp_path):
    out = tmp_path / "overhead.json"
    # one round asked for, but an interval needs six: a generous width stops it at exactly six
    r = run_script("overhead.py", "--preset", "tiny", "--frames", "9", "--repeats", "1", "--no-decode",
                   "--arms", "baseline,iam", "--target-ci", "100", "--max-repeats", "9", "--json", str(out))
    assert r.returncode == 0, r.stderr
    data = json.loads(out.read_text())
    lo, hi = data["by_arm"]["iam"]["ratio_median_ci95"]
    assert data["rounds"] == 6 and len(data["baseline_s"]) == 6 and lo <= data["ratio_median"] <= hi


def test_overhead_rejects_arms_without_baseline(tmp_path):
    r = run_script("overhead.py", "--arms", "iam,observers", "--json", str(tmp_path / "x.json"))
    assert r.returncode != 0 and "give baseline" in r.stderr and not (tmp_path / "x.json").exists()


def _overhead_module():
    spec = importlib.util.spec_from_file_location("overhead", REPO / "benchmarks" / "overhead.py")
    mod = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(mod)
    return mod


@pytest.mark.slow
def test_overhead_step_interleaving_keeps_every_arms_latents(tmp_path):
    out = tmp_path / "overhead.json"
    # the script stops with an error if any arm's interleaved latents differ from its own solo run
    r = run_script("overhead.py", "--preset", "tiny", "--frames", "9", "--repeats", "2", "--no-decode",
                   "--arms", "baseline,iam", "--interleave", "step", "--json", str(out))
    assert r.returncode == 0, r.stderr
    data = json.loads(out.read_text())
    assert data["interleave"] == "step" and data["rounds"] == 2 and all(t > 0 for t in data["baseline_s"])
    assert set(data["iam_phases_ms"][0]) == {"agent_ms", "memory_ms"}  # phase clocks span other arms' turns


def test_median_interval_is_the_binomial_order_statistics():
    mod = _overhead_module()
    assert mod.median_ci([1.0] * 5) is None  # five values cannot give 95%
    assert mod.median_ci([3.0, 1.0, 6.0, 2.0, 5.0, 4.0]) == (1.0, 6.0)  # n=6: the extremes
    assert mod.median_ci([float(i) for i in range(10, 0, -1)]) == (2.0, 9.0)  # n=10: 2nd and 9th
    lo, hi = mod.median_ci([float(i) for i in range(1, 101)])
    assert (lo, hi) == (40.0, 61.0)  # n=100: the textbook ranks 40 and 61


@pytest.mark.slow
def test_engine_speed_reduced(tmp_path, golden_dir):
    out = tmp_path / "speed.json"
    # an unreachable utilisation floor: the run must report its numbers and fail
    r = run_script("engine_speed.py", "--golden", str(golden_dir), "--case", "single", "--frames", "3",
                   "--min-utilisation", "1000", "--rate-repeats", "1", "--json", str(out))
    assert r.returncode == 1 and "below --min-utilisation" in r.stderr, r.stderr
    data = json.loads(out.read_text())
    assert data["frames"] == 3 and data["wall_s"] > 0 and data["rel_l2"] <= 1e-4
    # one block: 4 denoising calls x (self + cross attention); the context pass of the last layer needs none
    assert data["attention_calls"] == 8 and data["tflop"]["linear"] > 0 and data["tflop"]["attention"] > 0
    assert data["achieved_gflops"] > 0 and data["machine_gflops"] > 0 and 0 < data["utilisation"]
    assert "upstream_case_a_s" not in data and "speedup_vs_upstream" not in data


def test_hotspots_reduced(tmp_path):
    out = tmp_path / "hot.json"
    r = run_script("hotspots.py", "--preset", "tiny", "--frames", "3", "--top", "5", "--json", str(out))
    assert r.returncode == 0, r.stderr
    data = json.loads(out.read_text())
    assert len(data["top"]) == 5 and 0 < sum(row["share"] for row in data["top"]) <= 1.0
    shares = [row["share"] for row in data["top"]]
    assert shares == sorted(shares, reverse=True)
    assert any("linear" in row["op"] or "mm" in row["op"] for row in data["top"])  # a DiT spends time in matmuls


def test_overhead_stops_without_json_when_a_plugin_does_not_load(tmp_path, monkeypatch, capsys):
    mod = _overhead_module()

    def refuse(names, config=None):
        raise mod.PluginError("plugin 'agent' could not be loaded: ImportError: no backend")

    monkeypatch.setattr(mod, "build_plugin_manager", refuse)
    out = tmp_path / "overhead.json"
    code = mod.main(["--preset", "tiny", "--frames", "9", "--repeats", "1", "--no-decode", "--json", str(out)])
    assert code != 0 and not out.exists()
    assert "could not be loaded" in capsys.readouterr().err


@pytest.mark.slow
def test_overhead_like_for_like_arm_attends_to_the_baselines_memory_frames(tmp_path):
    out = tmp_path / "overhead.json"
    r = run_script("overhead.py", "--preset", "tiny", "--frames", "18", "--repeats", "1", "--no-decode",
                   "--json", str(out))
    assert r.returncode == 0, r.stderr
    data = json.loads(out.read_text())
    arms = data["by_arm"]
    assert data["arms"] == ["baseline", "iam", "like_for_like"] and data["headline_arm"] == "like_for_like"
    frames = data["memory_frames_per_block"]
    assert len(frames["baseline"]) == 6 and frames["like_for_like"] == frames["baseline"]
    assert arms["like_for_like"]["equal_memory_frames"] is True and data["headline_equal_memory_frames"] is True
    assert arms["iam"]["equal_memory_frames"] is False  # default settings: empty until the first eviction
    assert data["ratio_median"] == arms["like_for_like"]["ratio_median"]
    assert data["user_facing_ratio_median"] == arms["iam"]["ratio_median"]
    assert "user-facing" in r.stdout and "like-for-like" in r.stdout


@pytest.mark.slow
def test_live_reduced(tmp_path):
    out = tmp_path / "live.json"
    r = run_script("live.py", "--preset", "tiny", "--frames", "12", "--repeats", "1", "--json", str(out))
    assert r.returncode == 0, r.stderr
    data = json.loads(out.read_text())
    assert set(data["arms"]) == {"none", "plugins"} and data["arms"]["plugins"]["plugins"] == "agent,memory,profile"
    for arm in data["arms"].values():
        (stream,) = arm["per_stream"]
        assert stream["blocks"] == 4 and stream["video_frames"] > 0 and stream["ttff_ms"] > 0
        assert stream["switches_applied"] == stream["switches_sent"] == 1  # a switch after block 2 of 4
        assert arm["switch_blocks"] and max(arm["switch_blocks"]) <= 2
    assert set(data["ratios_plugins_over_none"]) >= {"ttff_ms", "block_latency_ms_median", "fps"}


def test_heldout_stories_are_a_valid_labelled_file(tmp_path):
    """The held-out set is only measured (never asserted on its scores): it must stay readable."""
    out = tmp_path / "heldout.json"
    r = run_script("entity_ids.py", "--data", str(REPO / "benchmarks" / "data" / "heldout_stories.jsonl"),
                   "--backend", "rules", "--json", str(out))
    assert r.returncode == 0, r.stderr
    data = json.loads(out.read_text())
    assert data["stories"] == 40 and data["tp"] + data["fn"] == 441 and data["multi_prompt_entities"] == 108


@pytest.mark.parametrize(("name", "stories", "mentions", "entities", "per_style"), [
    ("heldout_styles", 36, 451, 112, 6),
    ("validation_styles", 30, 374, 96, 5),
    ("validation2_styles", 36, 582, 140, 6),
    ("validation3_styles", 30, 441, 104, 5),
    ("dev_extra2_styles", 36, 501, 124, 6),
    ("dev_extra3_styles", 36, 493, 120, 6),
    ("dev_extra4_styles", 36, 468, 121, 6),
    ("dev_extra5_styles", 36, 483, 123, 6),
])
def test_style_story_files_are_valid_labelled_files(tmp_path, name, stories, mentions, entities, per_style):
    """The held-out styles set, the validation samples and the newer dev files are only measured (never asserted
    on their scores): they must stay readable, with every style present."""
    out = tmp_path / f"{name}.json"
    r = run_script("entity_ids.py", "--data", str(REPO / "benchmarks" / "data" / f"{name}.jsonl"),
                   "--backend", "rules", "--json", str(out), "--by-style", "--quiet")
    assert r.returncode == 0, r.stderr
    data = json.loads(out.read_text())
    assert (data["stories"], data["tp"] + data["fn"], data["multi_prompt_entities"]) == (stories, mentions, entities)
    styles = ["relational", "world_names", "camera", "creatures", "groups", "absent"]
    assert list(data["by_style"]) == styles
    assert all(data["by_style"][s]["stories"] == per_style for s in styles)


def test_quantize_reduced(tmp_path):
    out = tmp_path / "quantize.json"
    r = run_script("quantize.py", "--skip-real", "--preset", "tiny", "--blocks", "2", "--json", str(out))
    assert r.returncode == 0, r.stderr[-2000:]
    small = json.loads(out.read_text())["small"]
    assert small["preset"] == "tiny" and len(small["none"]["block_ms"]) == len(small["int8"]["block_ms"]) == 2
    assert 0 < small["int8_rel_l2"] < 1


@pytest.mark.slow
def test_toy_eval_smoke(tmp_path):
    """benchmarks/toy_eval.py on a handful of stories: every section and arm is in the JSON."""
    out = tmp_path / "toy.json"
    r = run_script("toy_eval.py", "--single", "1", "--switch", "1", "--return", "2", "--reader", "1",
                   "--arms", "nam,iam,iam_gt_ids,oracle,shuffled", "--bootstrap", "20", "--quiet", "--json", str(out))
    assert r.returncode == 0, r.stderr[-3000:]
    rep = json.loads(out.read_text())
    assert rep["reader"]["frames"] > 0 and rep["single_prompt"]["stories"] == 1
    assert rep["switch_stories"]["new_object_within_two_blocks"]["n"] >= 2
    arms = rep["reappearance"]["arms"]
    assert set(arms) == {"nam", "iam", "iam_gt_ids", "oracle", "shuffled"}
    assert arms["oracle"]["retrieval_hit_truth"]["n"] == 2 and arms["iam"]["gap_ok"]["rate"] == 1.0
    assert arms["iam_gt_ids"]["retrieval_hit_truth"]["n"] == 2
    assert "iam - shuffled" in rep["reappearance"]["paired_differences"]
