"""The training replay equals `MemFlowPipeline` on a teacher-forced 3-prompt story."""

from __future__ import annotations

import pytest
import torch

from memflow_ext.pipelines.loop import BlockLoop
from memflow_ext.pipelines.memflow import MemFlowPipeline
from memflow_ext.streaming.memory_bank import ExternalMemory
from memflow_ext.streaming.state import CallInfo
from memflow_ext.toy.replay import StreamingReplay
from tests.helpers import rand_embeds, rand_noise, tiny_model

OVERRIDES = ["model_kwargs.local_attn_size=9", "model_kwargs.sink_size=3", "model_kwargs.bank_size=2",
             "num_output_frames=21"]
SWITCHES = [3, 15]  # prompts over blocks [0], [1..4], [5, 6]: the return block's window holds blocks 3-4
BLOCK_PROMPT = [0, 1, 1, 1, 1, 2, 2]


def choose(block: int, sample: int, evicted) -> list[int]:
    """First and latest evicted frame (any fixed rule will do for the equality)."""
    frames = sorted(set(evicted))
    return sorted({frames[0], frames[-1]}) if frames else []


class TeacherForced(MemFlowPipeline):
    """The engine's loop with the clean latents as each block's output and the memory set by `choose`;
    records each block's first-step flow (the work is done by its loop, `TeacherForcedLoop`)."""

    def __init__(self, *args, clean: torch.Tensor, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        self.clean = clean
        self.flows: list[torch.Tensor] = []
        self.archive: dict[int, tuple[list[torch.Tensor], list[torch.Tensor]]] = {}
        self.evicted_order: list[int] = []
        self.memory_seen: list[list[int]] = []


class TeacherForcedLoop(BlockLoop):
    pipeline: TeacherForced

    def memory_segment(self, geometry, batch):
        pipe = self.pipeline
        c = pipe.model.config
        seg = ExternalMemory(geometry, c.num_layers, pipe.cfg.model_kwargs.bank_size)
        seg.set_reference(torch.zeros(batch, 0, c.num_heads, c.head_dim))
        self.segment = seg
        return seg

    def wants_evicted(self) -> bool:
        return True

    def _set_memory(self, block: int) -> None:
        pipe = self.pipeline
        frames = choose(block, 0, pipe.evicted_order)
        if not frames:
            self.segment.clear()
            return
        layers = range(len(pipe.model.blocks))
        keys = [torch.cat([pipe.archive[f][0][layer] for f in frames], dim=1) for layer in layers]
        values = [torch.cat([pipe.archive[f][1][layer] for f in frames], dim=1) for layer in layers]
        self.segment.write(keys, values, [str(f) for f in frames])

    def emit(self, hook: str, **kw) -> None:
        pipe = self.pipeline
        fpb = pipe.cfg.num_frame_per_block
        if hook == "prompt_switch":
            self._set_memory(kw["start_frame"] // fpb)
        elif hook == "block_start":
            self._set_memory(kw["block_index"])
            pipe.memory_seen.append(list(self.segment.frame_ids))
        elif hook == "chunk_end" and kw["evicted"] is not None:
            ev = kw["evicted"]
            tpf = self._state().kv.geometry.tokens_per_frame
            for j, f in enumerate(ev.frames):
                piece = slice(j * tpf, (j + 1) * tpf)
                pipe.archive[f] = ([k[:, piece].clone() for k in ev.keys], [v[:, piece].clone() for v in ev.values])
                pipe.evicted_order.append(f)

    def denoise(self, x, ctx, start_token, generator):
        pipe = self.pipeline
        state = self._state()
        batch, fpb = x.shape[:2]
        t = torch.ones((batch, fpb)) * pipe.timesteps[0]
        call = CallInfo(current_start=start_token, num_new=fpb * state.kv.geometry.tokens_per_frame,
                        update_cache=False, update_bank=not self.interactive, q_bank=True)
        pipe.flows.append(self.call_model(x, t, ctx, call))
        s = start_token // state.kv.geometry.tokens_per_frame
        return pipe.clean[:, s : s + fpb]


TeacherForced.loop_cls = TeacherForcedLoop


def test_replay_equals_teacher_forced_pipeline():
    from memflow_ext.config import load_config

    cfg = load_config(overrides=OVERRIDES)
    model = tiny_model()
    clean = rand_noise(21, seed=1)
    noise = rand_noise(21, seed=2)
    embeds = rand_embeds(3, seed=3)
    pipe = TeacherForced(cfg, model, device="cpu", clean=clean)
    pipe.sample(embeds, SWITCHES, noise, interactive=True, progress=False)
    expected = torch.cat(pipe.flows, dim=1)

    replay = StreamingReplay(cfg, model, latent_hw=(8, 8))
    t = torch.full((1, 7), float(pipe.timesteps[0]))
    with torch.no_grad():
        out = replay.run(clean, noise, t, embeds, BLOCK_PROMPT, choose)
    # the memory of the return block holds frames that left the window, none of them in its cache
    assert out.memory_frames[5][0] == [int(f) for f in pipe.memory_seen[5]] == [3, 8]
    assert out.cache_frames[5] == [0, 1, 2, 12, 13, 14]  # sink + the one block beside the new one
    torch.testing.assert_close(out.flow, expected, rtol=1e-5, atol=1e-5)
    # and it is a real dependency: other memory frames give other flows
    with torch.no_grad():
        other = replay.run(clean, noise, t, embeds, BLOCK_PROMPT, lambda b, s, ev: sorted(set(ev))[-2:])
    assert not torch.allclose(other.flow[:, 15:], expected[:, 15:], atol=1e-4)


def test_replay_gradients_reach_the_context_blocks():
    from memflow_ext.config import load_config

    cfg = load_config(overrides=OVERRIDES)
    model = tiny_model()
    clean = rand_noise(21, seed=1).requires_grad_(True)
    replay = StreamingReplay(cfg, model, latent_hw=(8, 8))
    out = replay.run(clean, rand_noise(21, seed=2), torch.full((1, 7), 500.0), rand_embeds(3), BLOCK_PROMPT, choose)
    out.flow[:, 15:18].sum().backward()
    grad = clean.grad.abs().sum(dim=(0, 2, 3, 4))
    assert grad[3] > 0  # a memory frame
    assert grad[9:15].min() > 0  # the local window
    assert grad[18:].sum() == 0  # causal: a later block never reaches an earlier one


def test_replay_refuses_sma():
    from memflow_ext.config import ConfigError, load_config

    with pytest.raises(ConfigError, match="SMA"):
        StreamingReplay(load_config(overrides=[*OVERRIDES, "model_kwargs.SMA=true"]), tiny_model(), (8, 8))


def test_own_context_continues_from_the_models_estimate():
    """A block marked `own_context` hands on its own x0 estimate: the replay then equals a teacher-forced
    replay whose clean story has that block replaced by the estimate; unmarked blocks are untouched."""
    from memflow_ext.config import load_config

    cfg = load_config(overrides=OVERRIDES)
    model = tiny_model()
    clean, noise, embeds = rand_noise(21, seed=1), rand_noise(21, seed=2), rand_embeds(3, seed=3)
    t = torch.full((1, 7), 500.0)
    sigma = torch.full((1, 7), 0.4)
    noisy = (1 - 0.4) * clean + 0.4 * noise
    own = torch.zeros(1, 7, dtype=torch.bool)
    own[0, 1] = True
    with torch.no_grad():
        base = StreamingReplay(cfg, model, latent_hw=(8, 8)).run(clean, noisy, t, embeds, BLOCK_PROMPT, choose)
        mixed = StreamingReplay(cfg, model, latent_hw=(8, 8)).run(
            clean, noisy, t, embeds, BLOCK_PROMPT, choose, own_context=own, noisy_sigma=sigma)
        forced = clean.clone()
        forced[:, 3:6] = noisy[:, 3:6] - 0.4 * base.flow[:, 3:6]
        expected = StreamingReplay(cfg, model, latent_hw=(8, 8)).run(forced, noisy, t, embeds, BLOCK_PROMPT, choose)
    torch.testing.assert_close(mixed.flow[:, :6], base.flow[:, :6])  # up to the block itself: as before
    torch.testing.assert_close(mixed.flow, expected.flow, rtol=1e-5, atol=1e-5)
    assert not torch.allclose(mixed.flow[:, 6:], base.flow[:, 6:], atol=1e-4)  # later blocks see the estimate
    with pytest.raises(ValueError, match="noisy_sigma"):
        StreamingReplay(cfg, model, latent_hw=(8, 8)).run(clean, noisy, t, embeds, BLOCK_PROMPT, choose,
                                                          own_context=own)
