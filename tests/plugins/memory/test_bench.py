"""The memory plugin's benchmarks run and say what they must (slow: real `small` runs, 1.3B-shaped tensors)."""

from __future__ import annotations

import json
import subprocess
import sys

import pytest

from tests.helpers import REPO


def run_script(args: list[str], timeout: int) -> subprocess.CompletedProcess:
    r = subprocess.run([sys.executable, *args], cwd=REPO, capture_output=True, text=True, timeout=timeout)
    assert r.returncode == 0, r.stderr[-3000:]
    return r


@pytest.mark.slow
def test_memory_scaling_peak_rss_does_not_grow_with_length(tmp_path):
    """24 vs 48 frames on `small`: the full 60 vs 240 takes too long for CI (same check; its numbers are in
    plugins/memory/README.md).

    Both lengths evict chunks (from chunk 5 with the default 12-frame window) and run the same
    4-prompt story; a 4-frame archive fills at both lengths and the longer one drops frames, so the
    archive's bytes in use are the same and the peak must stay within 5%.
    """
    out = tmp_path / "scaling.json"
    run_script(["benchmarks/memory_scaling.py", "--preset", "small", "--frames", "24", "48", "--archive-frames", "4",
                "--json", str(out)], timeout=1800)
    res = json.loads(out.read_text())
    assert res["frames"] == [24, 48]
    assert len(res["peak_rss_mb"]) == len(res["archive_mb"]) == 2
    assert res["evicted_chunks"] == [4, 12] and res["archived_frames"] == [4, 4] and res["archive_dropped"][1] > 0
    assert res["archive_mb"][0] == res["archive_mb"][1] == res["archive_reserved_mb"][1] > 0
    assert "memory" in res["plugins"]
    assert res["ratio"] == pytest.approx(res["peak_rss_mb"][1] / res["peak_rss_mb"][0], abs=1e-3)
    assert res["ratio"] <= 1.05


@pytest.mark.slow
def test_memory_scaling_smoke(tmp_path):
    out = tmp_path / "scaling.json"
    run_script(["benchmarks/memory_scaling.py", "--preset", "tiny", "--frames", "6", "12", "--json", str(out),
                "model_kwargs.local_attn_size=6"], timeout=600)
    res = json.loads(out.read_text())
    assert set(res) >= {"frames", "peak_rss_mb", "archive_mb", "ratio", "plugins", "missing_plugins"}
    assert res["frames"] == [6, 12] and res["evicted_chunks"] == [0, 2]
    assert res["archive_mb"][0] == 0 and res["archive_mb"][1] > 0
    # bytes in use: the 2 archived frames of the 12-frame archive's reserved pool
    assert res["archived_frames"] == [0, 2] and res["archive_mb"][1] == pytest.approx(
        res["archive_reserved_mb"][1] * 2 / 12, abs=1e-3)


def test_memory_scaling_stops_without_json_when_a_plugin_does_not_load(tmp_path):
    out = tmp_path / "scaling.json"
    r = subprocess.run([sys.executable, "benchmarks/memory_scaling.py", "--preset", "tiny", "--frames", "6",
                        "--plugins", "agent,memory,no_such_plugin", "--json", str(out)], cwd=REPO,
                       capture_output=True, text=True, timeout=300)
    assert r.returncode != 0 and "cannot be loaded" in r.stderr and not out.exists()


@pytest.mark.slow
def test_memory_bank_cost_quick(tmp_path):
    out = tmp_path / "cost.json"
    run_script(["benchmarks/memory_bank_cost.py", "--json", str(out), "--quick"], timeout=900)
    res = json.loads(out.read_text())
    assert res["ms_per_chunk"] > 0 and res["attention_layer_ms"] > 0
    assert res["shapes"]["layers"] == 30 and res["shapes"]["tokens_per_frame"] == 1560
    assert res["shapes"]["attention_queries"] == 4680 and res["shapes"]["attention_keys"] == 23400
    assert len(res["per_chunk_ms"]) == 6 and res["archive_slots"] == 4 and res["archive_dropped"] >= 1
    assert len(res["full_archive_chunk_ms"]) >= 1  # the eviction path of a full archive was timed
    assert res["attention_dtype"] == res["plugin_dtype"] == "bfloat16"  # like dtypes
    # one archived frame = K and V of 30 layers, 1560 tokens, 12 x 128, bfloat16
    assert res["archive_bytes_per_frame"] == 2 * 30 * 1560 * 12 * 128 * 2


def test_memory_bank_cost_small_shapes(tmp_path):
    out = tmp_path / "cost.json"
    run_script(["benchmarks/memory_bank_cost.py", "--json", str(out), "--layers", "4", "--tokens-per-frame", "16",
                "--heads", "2", "--head-dim", "16", "--text-len", "32", "--chunks", "8", "--repeats", "1",
                "--dtype", "float32"], timeout=300)
    res = json.loads(out.read_text())
    assert len(res["per_chunk_ms"]) == 8 and res["ms_per_chunk"] > 0
    assert res["archive_slots"] == 4 and res["archive_dropped"] == 4 and len(res["full_archive_chunk_ms"]) == 4
    assert res["attention_dtype"] == "float32" and res["device_to_host_copy"] is False
    assert res["archive_bytes_per_frame"] == 2 * 4 * 16 * 2 * 16 * 4
