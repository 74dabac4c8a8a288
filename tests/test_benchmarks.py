"""The benchmark scripts run in a reduced form, so they cannot rot (numbers are not asserted)."""

from __future__ import annotations

import json
import subprocess
import sys

import pytest
from conftest import REPO


def run_script(name: str, *args: str, timeout: int = 900) -> subprocess.CompletedProcess:
    return subprocess.run([sys.executable, str(REPO / "benchmarks" / name), *args], cwd=REPO, capture_output=True,
                          text=True, timeout=timeout)


@pytest.mark.slow
def test_overhead_reduced(tmp_path):
    out = tmp_path / "overhead.json"
    r = run_script("overhead.py", "--preset", "tiny", "--frames", "9", "--repeats", "1", "--no-decode",
                   "--json", str(out))
    assert r.returncode == 0, r.stderr
    data = json.loads(out.read_text())
    assert len(data["baseline_s"]) == len(data["iam_s"]) == 1 and data["ratio_median"] > 0
    assert "profile" in data["plugins"] and data["iam_phases_ms"][0]["total_ms"] > 0


@pytest.mark.slow
def test_engine_speed_reduced(tmp_path, golden_dir):
    out = tmp_path / "speed.json"
    r = run_script("engine_speed.py", "--golden", str(golden_dir), "--case", "single", "--frames", "3",
                   "--json", str(out))
    assert r.returncode == 0, r.stderr
    data = json.loads(out.read_text())
    assert data["frames"] == 3 and data["wall_s"] > 0 and data["rel_l2"] <= 1e-4
