"""The real-weight configs and the GPU check script (its CPU smoke mode keeps it from rotting)."""

from __future__ import annotations

import json
import subprocess
import sys

import pytest
import torch

from memflow_ext.config import load_config, validate_prompts, validate_switch_frames
from tests.helpers import DATA, REPO

UPSTREAM_SWITCH = [40, 80, 120, 160, 200]  # MemFlow's interactive_inference.yaml


def _effective_switch(listed: list[int], frames: int, per_block: int) -> list[int]:
    """Where upstream's loop really switches: the first block start >= each listed index."""
    out, i = [], 0
    for start in range(0, frames, per_block):
        if i < len(listed) and start >= listed[i]:
            out.append(start)
            i += 1
    return out


def test_wan_configs_load_with_memflow_defaults() -> None:
    single = load_config([REPO / "configs" / "wan_inference.yaml"])
    inter = load_config([REPO / "configs" / "wan_interactive_inference.yaml"])
    for cfg in (single, inter):
        assert cfg.preset == "wan2.1-t2v-1.3b" and cfg.dtype == "bfloat16" and cfg.device == "auto"
        assert cfg.weights_dir and cfg.generator_ckpt and cfg.lora_ckpt and cfg.use_ema is False
        assert (cfg.adapter.rank, cfg.adapter.alpha) == (256, 256)
        mk = cfg.model_kwargs
        assert (mk.local_attn_size, mk.sink_size, mk.bank_size, mk.record_interval) == (12, 3, 3, 3)
        assert cfg.num_frame_per_block == 3 and list(cfg.denoising_step_list) == [1000, 750, 500, 250]
    assert single.num_output_frames == 120
    assert inter.num_output_frames == 240 and inter.global_sink
    switch = list(inter.switch_frame_indices)
    assert switch == _effective_switch(UPSTREAM_SWITCH, 240, 3) == [42, 81, 120, 162, 201]
    assert len(inter.prompts) == len(switch) + 1


def test_memflow_example_stories_fit_the_interactive_config() -> None:
    path = DATA / "memflow_interactive_example.jsonl"
    if not path.is_file():
        pytest.skip(f"MemFlow example stories not found at {path} (set IAMFLOW_DATA)")
    cfg = load_config([REPO / "configs" / "wan_interactive_inference.yaml"])
    for i, line in enumerate(path.read_text().splitlines()):
        story = json.loads(line)
        switch = story.get("switch_frame_indices", list(cfg.switch_frame_indices))
        validate_prompts(story["prompts"], where=f"line {i}")
        validate_switch_frames(switch, len(story["prompts"]), cfg, where=f"line {i}")


def test_gpu_check_cpu_smoke_run(tmp_path) -> None:
    out = tmp_path / "gpu_check.json"
    proc = subprocess.run(
        [sys.executable, str(REPO / "benchmarks" / "gpu_check.py"), "--device", "cpu", "--preset", "tiny",
         "--blocks", "2", "--repeats", "1", "--warmup-blocks", "0", "--no-decode", "--json", str(out)],
        capture_output=True, text=True, timeout=600, cwd=tmp_path,
    )
    assert proc.returncode == 0, proc.stderr[-3000:]
    report = json.loads(out.read_text())
    for key in ("video_fps", "first_block_ms", "block_ms", "overhead_pct", "peak_vram_gb", "device"):
        assert key in report, key
    assert report["device"] == "cpu" and report["peak_vram_gb"] is None
    assert len(report["block_ms"]) == 2 and all(ms > 0 for ms in report["block_ms"])
    assert report["latent_frames"] == 6 and report["video_frames"] == 21 and report["decode"] is False
    assert report["video_fps"] > 0 and report["first_block_ms"] > 0
    assert report["baseline"]["total_ms"] > 0 and report["iam"]["total_ms"] > 0
    assert isinstance(report["overhead_pct"], float)
    assert "video_fps" in proc.stdout and "overhead" in proc.stdout


@pytest.mark.skipif(torch.cuda.is_available(), reason="this machine has CUDA")
def test_gpu_check_without_cuda_exits_2(tmp_path) -> None:
    proc = subprocess.run([sys.executable, str(REPO / "benchmarks" / "gpu_check.py"), "--json",
                           str(tmp_path / "x.json")], capture_output=True, text=True, timeout=300)
    assert proc.returncode == 2
    assert "CUDA is not available" in proc.stderr and "--device cpu --preset tiny" in proc.stderr
    assert not (tmp_path / "x.json").exists()


def test_gpu_check_stops_without_json_when_a_plugin_does_not_load(tmp_path) -> None:
    out = tmp_path / "gpu_check.json"
    proc = subprocess.run(
        [sys.executable, str(REPO / "benchmarks" / "gpu_check.py"), "--device", "cpu", "--preset", "tiny",
         "--blocks", "1", "--repeats", "1", "--warmup-blocks", "0", "--no-decode",
         "--plugins", "agent,memory,no_such_plugin", "--json", str(out)],
        capture_output=True, text=True, timeout=600, cwd=tmp_path,
    )
    assert proc.returncode == 2, proc.stderr[-3000:]
    assert "no_such_plugin" in proc.stderr and "cannot be loaded" in proc.stderr and not out.exists()


@pytest.mark.slow
def test_gpu_check_compile_reports_compile_time_apart(tmp_path) -> None:
    out = tmp_path / "gpu_check.json"
    proc = subprocess.run(
        [sys.executable, str(REPO / "benchmarks" / "gpu_check.py"), "--device", "cpu", "--preset", "tiny",
         "--blocks", "2", "--repeats", "1", "--no-decode", "--compile", "--json", str(out)],
        capture_output=True, text=True, timeout=900, cwd=tmp_path,
    )
    assert proc.returncode == 0, proc.stderr[-3000:]
    report = json.loads(out.read_text())
    for key in ("video_fps", "first_block_ms", "block_ms", "overhead_pct", "peak_vram_gb", "device"):
        assert key in report, key
    assert report["compile"] is True and report["compile_s"] > 0 and report["compile_in_timed_runs_s"] == 0
    assert report["flash_sdpa"] is None  # only checked on CUDA


def test_gpu_check_placement_quantize_and_the_ledger(tmp_path) -> None:
    out = tmp_path / "gpu_check.json"
    proc = subprocess.run(
        [sys.executable, str(REPO / "benchmarks" / "gpu_check.py"), "--device", "cpu", "--preset", "tiny",
         "--blocks", "2", "--repeats", "1", "--warmup-blocks", "0", "--no-decode", "--placement", "offload",
         "--quantize", "int8", "--plugins", "memory", "--json", str(out)],
        capture_output=True, text=True, timeout=600, cwd=tmp_path,
    )
    assert proc.returncode == 0, proc.stderr[-3000:]
    ledger = json.loads(out.read_text())["ledger"]
    assert ledger["accelerator_bytes"] > 0 and ledger["measured_reserved_bytes"] is None  # no CUDA here
    assert ledger["breakdown"]["text_encoder_weights"] == 0 and ledger["breakdown"]["vae_weights"] == 0
    assert ledger["breakdown"]["memory_bank"] == 0  # the memory plugin owns the segment
    assert "ledger accelerator_bytes" in proc.stdout and "max_memory_reserved" in proc.stdout


@pytest.mark.skipif(torch.cuda.is_available(), reason="this machine has CUDA")
def test_gpu_check_refuses_fp8_without_a_recent_gpu(tmp_path) -> None:
    proc = subprocess.run([sys.executable, str(REPO / "benchmarks" / "gpu_check.py"), "--device", "cpu", "--preset",
                           "tiny", "--quantize", "fp8", "--json", str(tmp_path / "x.json")],
                          capture_output=True, text=True, timeout=300)
    assert proc.returncode == 2 and "quantize=fp8 needs a CUDA device" in proc.stderr
    assert not (tmp_path / "x.json").exists()
