"""Training: resumable bit for bit, lowers the loss, and the memory rule picks what it says."""

from __future__ import annotations

from pathlib import Path

import pytest
import torch

from memflow_ext.toy.train import STATE_FILE, TrainConfig, Trainer, main, memory_rule
from memflow_ext.toy.world import return_story

SMALL = ["--batch", "2", "--dataset-size", "6", "--codec-fit-stories", "3", "--warmup", "2", "--quiet"]


def _state(folder: Path) -> dict:
    return torch.load(folder / STATE_FILE, weights_only=False)


@pytest.mark.slow
def test_n_steps_equal_half_then_resume_then_half_bit_for_bit(tmp_path):
    assert main(["--out", str(tmp_path / "a"), "--steps", "4", "--save-every", "4", *SMALL]) == 0
    assert main(["--out", str(tmp_path / "b"), "--steps", "4", "--save-every", "2", "--until", "2", *SMALL]) == 0
    assert _state(tmp_path / "b")["step"] == 2
    assert main(["--out", str(tmp_path / "b"), "--steps", "4", "--save-every", "2", *SMALL]) == 0
    a, b = _state(tmp_path / "a"), _state(tmp_path / "b")
    assert a["step"] == b["step"] == 4
    assert a["history"] == b["history"]
    assert a["cursor"] == b["cursor"] and a["order"] == b["order"]
    for k, t in a["model"].items():
        assert torch.equal(t, b["model"][k]), k
    assert torch.equal(a["gen"], b["gen"])
    # a resumed run with other settings is refused, naming them
    with pytest.raises(ValueError, match="other training settings"):
        main(["--out", str(tmp_path / "b"), "--steps", "6", *SMALL[:-1], "--lr", "0.5", "--quiet"])


@pytest.mark.slow
def test_a_short_run_lowers_the_loss(tmp_path):
    cfg = TrainConfig(steps=30, batch=4, dataset_size=8, codec_fit_stories=4, warmup=3, lr=3e-3,
                      kinds=("single",), save_every=1000)
    tr = Trainer(cfg, tmp_path)
    tr.train(progress=False)
    h = tr.history
    assert len(h) == 30
    assert sum(h[-5:]) / 5 < 0.8 * sum(h[:5]) / 5


def test_memory_rule_picks_the_named_objects_latest_full_view_then_tops_up():
    st = return_story(11)
    oid = st.info["returning"]
    rule = memory_rule(st, 2)
    evicted = list(range(3, 9))  # blocks 1 and 2 left the window before the return block
    chosen = rule(5, 0, evicted)
    full = [f for f in evicted if st.visible(f, oid) >= 0.95]
    assert full and max(full) in chosen and len(chosen) == 2
    other = [f for f in chosen if f != max(full)]
    assert other == [8] or other == [max(f for f in evicted if f != max(full))]
    assert rule(5, 0, []) == []
    assert rule(5, 0, [3]) == [3]  # never more than what has left the window


@pytest.mark.parametrize("warp", [True, False])
def test_training_draws_its_noise_levels_where_the_pipeline_samples(tmp_path, warp):
    from memflow_ext.pipelines.memflow import MemFlowPipeline

    engine = [*TrainConfig().engine, f"warp_denoising_step={str(warp).lower()}"]
    tr = Trainer(TrainConfig(batch=1, dataset_size=3, codec_fit_stories=1, engine=engine), tmp_path)
    pipe = MemFlowPipeline(tr.engine, tr.model)
    assert torch.equal(tr.timesteps, pipe.timesteps)
    assert torch.equal(tr.timesteps, torch.tensor([1000.0, 750.0, 500.0, 250.0])) != warp
