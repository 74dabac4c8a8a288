"""The step between denoising levels: MemFlow's fresh re-noise (default) or the deterministic ODE step."""

from __future__ import annotations

import pytest
import torch

from memflow_ext.config import ConfigError, load_config
from memflow_ext.pipelines.loop import BlockLoop
from memflow_ext.pipelines.memflow import MemFlowPipeline
from memflow_ext.schedulers.flow_match import FlowMatchSchedule
from tests.helpers import rand_embeds, rand_noise, tiny_model


class Recording(MemFlowPipeline):
    """Records every denoising pass's input and x0 (block, step order)."""

    steps: list[tuple[torch.Tensor, torch.Tensor]]


class RecordingLoop(BlockLoop):
    pipeline: Recording

    def call_model(self, x, t, ctx, call, need_output=True):
        out = super().call_model(x, t, ctx, call, need_output)
        if not call.update_cache:
            self.pipeline.steps.append((x.clone(), t.clone()))
        return out

    def on_step(self, block, step, x0):
        x, t = self.pipeline.steps[-1]
        self.pipeline.steps[-1] = (x, x0.clone())
        super().on_step(block, step, x0)


Recording.loop_cls = RecordingLoop


def _run(sampler: str) -> tuple[Recording, torch.Tensor]:
    pipe = Recording(load_config(overrides=["num_output_frames=6", f"sampler={sampler}"]), tiny_model())
    pipe.steps = []
    out = pipe.sample(rand_embeds(1), [], rand_noise(6), generator=torch.Generator().manual_seed(0), progress=False)
    return pipe, out


def _euler_mismatch(pipe: Recording) -> float:
    """Largest gap between each next step's input and the ODE step from the previous one."""
    sched, steps = pipe.schedule, pipe.timesteps
    n, worst = len(steps), 0.0
    for i, ((x, x0), (x_next, _)) in enumerate(zip(pipe.steps, pipe.steps[1:], strict=False)):
        if (i + 1) % n == 0:  # the next block starts from fresh noise
            continue
        s, s2 = (float(sched.sigma_at(steps[j].view(1))) for j in (i % n, i % n + 1))
        want = (s2 / s) * x + (1 - s2 / s) * x0  # Euler step of the flow from sigma s to s2
        worst = max(worst, float((x_next - want).abs().max()))
    return worst


def test_ode_sampler_takes_the_deterministic_step_and_draws_no_noise_between_steps():
    pipe, out = _run("ode")
    assert len(pipe.steps) == 2 * len(pipe.timesteps)
    assert _euler_mismatch(pipe) < 1e-4
    again, out2 = _run("ode")
    assert torch.equal(out, out2)
    renoise, _ = _run("renoise")
    assert _euler_mismatch(renoise) > 0.1  # MemFlow's sampler draws fresh noise: not the ODE step
    assert torch.equal(renoise.steps[0][0], pipe.steps[0][0])  # same start; the samplers part after it


def test_implied_noise_inverts_add_noise():
    sched = FlowMatchSchedule(shift=5.0)
    g = torch.Generator().manual_seed(1)
    x0, eps = torch.randn(4, 3, 2, 2, generator=g), torch.randn(4, 3, 2, 2, generator=g)
    t = sched.warp([1000, 750, 500, 250])
    assert torch.allclose(sched.implied_noise(sched.add_noise(x0, eps, t), x0, t), eps, atol=1e-5)


def test_unknown_sampler_is_refused_naming_the_valid_ones():
    with pytest.raises(ConfigError, match="sampler 'euler' is not one of renoise, ode"):
        load_config(overrides=["sampler=euler"])
