"""The golden 1-layer model wrapped as MemFlow checkpoints, run through the reference runner.

`python -m memflow_ext.reference --generator-ckpt base.pt` must give exactly what `--weights
weights.safetensors` gives (which matches upstream's golden case A), and a peft-made `lora.pt`
must give the latents of the weights with the LoRA merged by hand. The default tests run one block
(3 latent frames, ~15 s per run); the full 21-frame case A check is `slow`.
"""

from __future__ import annotations

import re
from pathlib import Path

import pytest
import torch
from safetensors.torch import load_file, save_file

from memflow_ext import loaders as W
from memflow_ext.config import load_config
from memflow_ext.pipelines.builder import build_model, load_wan_state_dict
from memflow_ext.reference import arch_from_state_dict, main
from tests.helpers import GOLDEN, need
from tests.loaders.test_weights import fsdp_name, peft_lora

RANK, ALPHA = 8, 16


def rel_l2(a: torch.Tensor, b: torch.Tensor) -> float:
    return float((a.double() - b.double()).norm() / b.double().norm())


@pytest.fixture(scope="module")
def files(tmp_path_factory) -> dict[str, Path]:
    golden = need(GOLDEN, "golden reference data")
    weights = load_file(str(golden / "weights.safetensors"))
    root = tmp_path_factory.mktemp("golden_ckpt")
    out = {"golden": golden, "weights": golden / "weights.safetensors", "inputs": golden / "inputs.safetensors"}
    out["base"] = root / "base.pt"
    torch.save({"generator": {f"model.{k}": v for k, v in weights.items()}, "step": 0}, out["base"])
    out["base_ema"] = root / "base_ema.pt"
    torch.save({"generator": {f"model.{k}": torch.zeros_like(v) for k, v in weights.items()},
                "generator_ema": {fsdp_name(f"model.{k}"): v for k, v in weights.items()}}, out["base_ema"])
    # a LoRA made with peft on the golden model, and the same LoRA merged by hand
    model = build_model(arch_from_state_dict(weights, 512), seed=None)
    load_wan_state_dict(model, weights, "golden")
    peft_model, lora = peft_lora(model, RANK, ALPHA, seed=7, std=0.02)
    out["lora"] = root / "lora.pt"
    torch.save(lora, out["lora"])
    merged = dict(weights)
    for name, module in peft_model.base_model.model.named_modules():
        if hasattr(module, "lora_A"):
            a, b = module.lora_A["default"].weight, module.lora_B["default"].weight
            merged[f"{name}.weight"] = weights[f"{name}.weight"].float() + (ALPHA / RANK) * (b @ a)
    out["merged"] = root / "merged.safetensors"
    save_file({k: v.contiguous() for k, v in merged.items()}, str(out["merged"]))
    return out


def _run(files: dict[str, Path], tmp: Path, frames: int, *source: str) -> torch.Tensor:
    out = tmp / f"out_{len(list(tmp.iterdir()))}.safetensors"
    rc = main([*source, "--inputs", str(files["inputs"]), "--case", "single", "--frames", str(frames),
               "--out", str(out), "--quiet", f"adapter.rank={RANK}", f"adapter.alpha={ALPHA}"])
    assert rc == 0
    return load_file(str(out))["output_latents"]


@pytest.fixture(scope="module")
def weights_run(files, tmp_path_factory) -> torch.Tensor:
    return _run(files, tmp_path_factory.mktemp("runs"), 3, "--weights", str(files["weights"]))


def test_base_pt_equals_weights_file(files, weights_run, tmp_path) -> None:
    got = _run(files, tmp_path, 3, "--generator-ckpt", str(files["base"]))
    assert torch.equal(got, weights_run)
    case_a = load_file(str(files["golden"] / "case_A.safetensors"))["output_latents"][:, :3]
    assert rel_l2(got, case_a) <= 1e-4


def test_ema_state_with_fsdp_names_is_the_weights(files) -> None:
    cfg = load_config()
    state = W.load_generator_state(files["base_ema"], None, True, cfg)
    weights = load_file(str(files["weights"]))
    assert set(state) == set(weights)
    assert all(torch.equal(state[k], v) for k, v in weights.items())


def test_lora_pt_equals_hand_merged_weights(files, weights_run, tmp_path) -> None:
    with_lora = _run(files, tmp_path, 3, "--generator-ckpt", str(files["base"]), "--lora-ckpt", str(files["lora"]))
    merged = _run(files, tmp_path, 3, "--weights", str(files["merged"]))
    assert rel_l2(with_lora, merged) <= 1e-6
    assert rel_l2(with_lora, weights_run) > 1e-3  # the LoRA is applied, not dropped


def test_lora_rank_mismatch_stops_the_reference_runner(files, tmp_path, capsys) -> None:
    args = ["--generator-ckpt", str(files["base"]), "--lora-ckpt", str(files["lora"]), "--inputs",
            str(files["inputs"]), "--case", "single", "--frames", "3", "--out", str(tmp_path / "x.safetensors"),
            "--quiet", "adapter.rank=4"]
    assert main(args) == 2  # one line, no traceback
    err = capsys.readouterr().err
    assert re.search(r"adapter\.rank=4.*lora_A\.weight has rank 8", err) and "Traceback" not in err
    assert not (tmp_path / "x.safetensors").exists()
    with pytest.raises(W.WeightsError, match=r"adapter\.rank=4.*lora_A\.weight has rank 8"):
        main([*args, "--debug"])  # --debug lets the error through


@pytest.mark.slow
def test_base_pt_reproduces_golden_case_a(files, tmp_path) -> None:
    got = _run(files, tmp_path, 21, "--generator-ckpt", str(files["base"]))
    ref = load_file(str(files["golden"] / "case_A.safetensors"))["output_latents"]
    err = rel_l2(got, ref)
    print(f"case A through base.pt: rel L2 {err:.3e}")
    assert err <= 1e-4
