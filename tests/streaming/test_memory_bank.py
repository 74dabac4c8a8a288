"""MemFlow's NAM bank: which frames attention sees at each block, staged/committed/compressed
exactly as upstream (frame lists from the golden README's traces of the original code)."""

from __future__ import annotations

import pytest
import torch

from memflow_ext.config import ConfigError, ModelKwargs, load_config
from memflow_ext.pipelines.loop import BlockLoop
from memflow_ext.pipelines.memflow import MemFlowPipeline
from memflow_ext.streaming.memory_bank import NAMBank, NoMemory
from tests.helpers import rand_embeds, rand_noise, tiny_pipeline


class BankLoop(BlockLoop):
    pipeline: BankTrace

    def on_step(self, block_index, step_index, x0):
        if step_index == 0:
            mem = self.pipeline.state.memory
            assert isinstance(mem, NAMBank)
            self.pipeline.visible.append(list(mem.visible_frames()))
            self.pipeline.slots.append(list(mem.slot_frames))


class BankTrace(MemFlowPipeline):
    loop_cls = BankLoop

    def __init__(self, *a, **k):
        super().__init__(*a, **k)
        self.visible: list[list[int]] = []
        self.slots: list[list[int]] = []


def test_single_prompt_bank_trace_and_compression():
    pipe = tiny_pipeline(cls=BankTrace)
    pipe.sample(rand_embeds(1), [], rand_noise(33), progress=False)
    expected = [[], [0], [3], [6], [6, 9], [6, 12], [6, 15], [6, 15, 18], [6, 15, 21], [6, 15, 24]]
    assert pipe.visible[:10] == expected
    # block 10: bank full -> compressed: two of {6, 15, 24} kept (by text saliency), staged frame 27 appended
    last = pipe.visible[10]
    assert len(last) == 3 and last[2] == 27 and set(last[:2]) < {6, 15, 24}
    assert pipe.state.memory.compressions == 1


def test_interactive_bank_trace_matches_case_c():
    pipe = tiny_pipeline(cls=BankTrace)
    pipe.sample(rand_embeds(2), [9], rand_noise(21), interactive=True, progress=False)
    assert pipe.visible == [[], [0], [0], [0], [0, 9], [0, 9], [0, 9]]


def test_record_interval_changes_bank_schedule():
    pipe = tiny_pipeline(["model_kwargs.record_interval=1"], cls=BankTrace)
    pipe.sample(rand_embeds(1), [], rand_noise(12), progress=False)
    # every block is a record block: each sees the frames staged before it, the newest slot excluded
    assert pipe.visible == [[], [0], [0, 3], [0, 3, 6]]


@pytest.mark.parametrize("interactive", [False, True])
@pytest.mark.parametrize("bank_size", [0, 1, 2, ModelKwargs().bank_size])
def test_every_bank_size_the_config_accepts_runs(bank_size, interactive):
    """0 is MemFlow's memory-free setting: no segment at all; otherwise the bank fills up to `bank_size` frames."""
    pipe = tiny_pipeline([f"model_kwargs.bank_size={bank_size}", "model_kwargs.record_interval=1"])
    out = pipe.sample(rand_embeds(2 if interactive else 1), [9] if interactive else [], rand_noise(18),
                      interactive=interactive, progress=False)
    assert torch.isfinite(out).all()
    seen = pipe.state.memory_frames  # frames of memory attention saw, per block
    assert max(seen) == bank_size and seen[:bank_size + 1] == list(range(bank_size + 1))
    assert isinstance(pipe.state.memory, NoMemory if bank_size == 0 else NAMBank)


def test_memory_free_setting_differs_from_nam_only_once_memory_would_be_seen():
    def run(overrides):
        return tiny_pipeline(overrides).sample(rand_embeds(1), [], rand_noise(9), torch.Generator().manual_seed(0),
                                               progress=False)

    free, nam = run(["model_kwargs.bank_size=0"]), run([])
    assert torch.equal(free[:, :3], nam[:, :3])  # block 0: the bank is still empty
    assert not torch.equal(free[:, 3:], nam[:, 3:])


def test_a_negative_bank_size_is_refused_at_load():
    with pytest.raises(ConfigError, match=r"model_kwargs.bank_size=-1 must be >= 0 \(latent frames of memory; 0 is"):
        load_config(overrides=["model_kwargs.bank_size=-1"])
