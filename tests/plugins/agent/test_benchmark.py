"""benchmarks/entity_ids.py: the metric of the data README, the report, and the dev-set targets."""

from __future__ import annotations

import importlib.util
import json
import subprocess
import sys
from pathlib import Path

import pytest

from tests.helpers import DATA, REPO

DEV = DATA / "entity_ids_dev.jsonl"


def _bench():
    spec = importlib.util.spec_from_file_location("entity_ids_bench", REPO / "benchmarks" / "entity_ids.py")
    mod = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(mod)
    return mod


bench = _bench()


def test_score_story_hungarian_mapping_and_consistency():
    gold = [{1}, {1, 2}, {1, 2}, {2}]
    same = bench.score_story(gold, [{7}, {7, 9}, {7, 9}, {9}])
    assert (same["tp"], same["fp"], same["fn"], same["consistent"], same["multi"]) == (6, 0, 0, 2, 2)
    # one predicted id for everybody: the map gives it to one gold entity only
    one = bench.score_story(gold, [{1}, {1}, {1}, {1}])
    assert one["tp"] == 3 and one["fp"] == 1 and one["fn"] == 3 and one["consistent"] == 1
    # a new id in every prompt: nothing is consistent
    fresh = bench.score_story(gold, [{1}, {2, 3}, {4, 5}, {6}])
    assert fresh["consistent"] == 0
    # an extra predicted entity is a false positive; a missed appearance breaks consistency
    extra = bench.score_story(gold, [{1}, {1, 2, 3}, {1}, {2}])
    assert extra["fp"] == 1 and extra["fn"] == 1 and extra["consistent"] == 1
    assert extra["inconsistent_gold_ids"] == [2]
    assert bench.score_story([set(), set()], [set(), set()])["multi"] == 0


def _write(path: Path, stories: list[dict]) -> Path:
    path.write_text("".join(json.dumps(s) + "\n" for s in stories))
    return path


def test_any_number_of_prompts_and_prediction_lines(tmp_path):
    stories = [
        {"source_line": 40, "prompts": ["A cat sleeps.", "The cat wakes up."],
         "entities": [{"id": 1, "name": "cat", "attrs": [], "appearances": {"0": "A cat", "1": "The cat"}}]},
        {"source_line": 7, "prompts": [f"A dog barks {k} times." if k % 2 else "The empty yard is quiet."
                                       for k in range(7)],
         "entities": [{"id": 1, "name": "dog", "attrs": [],
                       "appearances": {str(k): "A dog" for k in range(7) if k % 2}}]},
    ]
    data = _write(tmp_path / "mini.jsonl", stories)
    pred = tmp_path / "pred.jsonl"
    report = bench.evaluate(data, "rules", predictions_path=pred)
    assert report["stories"] == 2 and report["prompts"] == 9
    assert report["presence_f1"] == 1.0 and report["identity_consistency"] == 1.0
    lines = [json.loads(x) for x in pred.read_text().splitlines()]
    assert [x["source_line"] for x in lines] == [40, 7]
    assert lines[0]["predicted"] == [[1], [1]]
    assert lines[1]["predicted"] == [[], [1], [], [1], [], [1], []]


def test_command_line_writes_the_report(tmp_path):
    data = _write(tmp_path / "one.jsonl", [{"prompts": ["A fox runs.", "The fox hides."],
                                             "entities": [{"id": 1, "name": "fox", "attrs": [],
                                                           "appearances": {"0": "A fox", "1": "The fox"}}]}])
    out, pred = tmp_path / "r" / "report.json", tmp_path / "pred.jsonl"
    r = subprocess.run([sys.executable, str(REPO / "benchmarks" / "entity_ids.py"), "--data", str(data),
                        "--backend", "rules", "--json", str(out), "--predictions", str(pred)],
                       capture_output=True, text=True, timeout=120)
    assert r.returncode == 0, r.stderr
    report = json.loads(out.read_text())
    for key in ("stories", "presence_precision", "presence_recall", "presence_f1", "identity_consistency"):
        assert key in report
    assert "identity consistency 1.0000" in r.stdout
    assert json.loads(pred.read_text())["predicted"] == [[1], [1]]


def _dev() -> Path:
    if not DEV.is_file():
        pytest.skip(f"labelled dev set not found at {DEV} (set IAMFLOW_DATA to the folder holding "
                    "entity_ids_dev.jsonl)")
    return DEV


def test_metric_reproduces_the_readme_baselines():
    stories = bench.load_stories(_dev())
    tp = fp = fn = cons = multi = 0
    for s in stories:
        gold = bench.gold_sets(s)
        r = bench.score_story(gold, [{1} for _ in gold])  # everything one id
        tp, fp, fn, cons, multi = tp + r["tp"], fp + r["fp"], fn + r["fn"], cons + r["consistent"], multi + r["multi"]
        assert bench.score_story(gold, [{100 * k + g for g in gs} for k, gs in enumerate(gold)])["consistent"] == 0
    assert round(tp / (tp + fp), 2) == 0.99
    assert round(tp / (tp + fn), 2) == 0.52
    assert round(cons / multi, 2) == 0.48


def test_rules_backend_meets_the_dev_set_targets():
    report = bench.evaluate(_dev(), "rules")
    assert report["stories"] == 30 and report["prompts"] == 180
    assert report["presence_f1"] >= 0.95, report["presence_f1"]
    assert report["identity_consistency"] >= 0.95, report["identity_consistency"]
    assert report["fallbacks"] == 0
    assert report["agent_ms_per_prompt_mean"] < 50
