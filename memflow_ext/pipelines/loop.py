"""BlockLoop: the work of one video, block by block, as public steps that a caller sequences.

A loop is made per video by `MemFlowPipeline.new_loop` (the batch `generate` and `sample`, and
`open_stream`, each make one) and driven by a `VideoStream`: `begin` (start of the video), `phase`
around init / diffusion / decode, `init_state` (allocate the caches), `encode_prompt`, `start`
(before the first block), `switch` (a prompt switch: hook, KV re-cache), `block` (denoise one block,
write it into the KV cache, evictions, and the hooks around them) and `end`. Scripted and live
switches run these same steps.

What belongs to one call lives here: the interactive mode, the folder where plugins write their
files (`output_dir`), the run key, and (in `IAMPipeline`'s loop) the `RunState`. The caches
(`pipeline.state`) and the weights stay with the pipeline: one video at a time per pipeline.

Subclasses observe or extend the loop through its seams `emit`, `phase`, `wants_evicted`,
`memory_segment`, `conditioning`, `on_step` and `call_model`; the baseline's seams do nothing.
"""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path
from typing import TYPE_CHECKING, Any, TypeVar

import torch

from memflow_ext.streaming.kv_cache import CacheGeometry, EvictedChunk
from memflow_ext.streaming.memory_bank import MemorySegment
from memflow_ext.streaming.state import CallInfo, StreamState

if TYPE_CHECKING:
    from hooks.run import RunState
    from memflow_ext.pipelines.memflow import MemFlowPipeline
    from memflow_ext.pipelines.stream import GenerationResult

T = TypeVar("T")


class BlockLoop:
    """One video's pass through a pipeline (see the module docstring)."""

    def __init__(self, pipeline: MemFlowPipeline, *, interactive: bool, output_dir: Path | None = None,
                 run_key: str = "video") -> None:
        self.pipeline = pipeline
        self.interactive = interactive  # MemFlow's interactive mode (NAM records every record_interval blocks)
        self.output_dir = output_dir  # where plugins write their files for this video (None: nowhere)
        self.run_key = run_key
        self.state: StreamState | None = None  # the pipeline's caches, once `init_state` allocated them
        self.run: RunState | None = None  # the plugins' record of this video (IAMPipeline's loop only)
        self.begun = False  # `begin` ran: `end` fires the end-of-video hook

    # -- seams (no-ops in the baseline) --------------------------------------------------------------
    def emit(self, hook: str, **kwargs: Any) -> None:
        """Called at every hook point of the loop (`hooks/specs.py` names them without `iamflow_`)."""

    def phase(self, name: str, execute: Callable[[], T]) -> T:
        """Runs the init / diffusion / vae_decode phase; subclasses may surround it."""
        return execute()

    def wants_evicted(self) -> bool:
        """Whether evicted chunks' keys/values must be kept for the hooks (only when someone listens)."""
        return False

    def memory_segment(self, geometry: CacheGeometry, batch: int) -> MemorySegment | None:
        """The memory segment of this video, or None for the pipeline's own (MemFlow's NAM)."""
        return None

    def conditioning(self, state: StreamState, call: CallInfo, ctx: torch.Tensor) -> torch.Tensor:
        """The text conditioning of one model pass; the baseline uses the prompt's embedding `ctx` as is.

        A subclass that returns something else must keep `state.text` in step with it (the model reads
        the text cache, not the conditioning, once the cache is filled).
        """
        return ctx

    def on_step(self, block_index: int, step_index: int, x0: torch.Tensor) -> None:
        """Called with each denoising step's x0 prediction (used by parity checks)."""

    # -- the video, step by step ---------------------------------------------------------------------
    def begin(self, prompts: list[str], switch_frame_indices: list[int], seed: int, frames: int,
              latent_hw: tuple[int, int]) -> None:
        """Start of a video (before init): what is known of it so far. Fires the start-of-video hook."""
        self.begun = True

    def init_state(self, batch: int, latent_hw: tuple[int, int]) -> StreamState:
        """Allocate the pipeline's KV cache, text cache and this video's memory segment (the init phase)."""
        pipe = self.pipeline
        self.state = pipe.init_state(batch, latent_hw, memory=self.memory_segment(pipe.geometry(latent_hw), batch))
        return self.state

    def encode_prompt(self, prompt: str, index: int = 0) -> torch.Tensor:
        """Prompt `index` of the story as [1, text_len, text_dim] (the index names it in warnings)."""
        return self.pipeline.encode_prompt(prompt, index)

    def start(self, embeds: list[torch.Tensor]) -> None:
        """Before the first block, inside the diffusion phase; `embeds` (by prompt index) grows in place as a
        stream switches to new prompts."""

    def switch(self, prompt_index: int, prompt: str, start_frame: int, output: torch.Tensor,
               ctx: torch.Tensor) -> None:
        """Make the block at latent frame `start_frame` the first of prompt `prompt_index` (embedding `ctx`).

        Fires the prompt-switch hook, then (past the first block) LongLive's KV re-cache of the frames
        before it, taken from `output` [B, F, C, h, w].
        """
        state = self._state()
        self.emit("prompt_switch", prompt_index=prompt_index, prompt=prompt, start_frame=start_frame)
        state.text.prompt_index = prompt_index  # the re-cache below clears and refills the text cache
        if start_frame > 0:
            self.recache(output, start_frame, ctx)

    def block(self, block_index: int, noise: torch.Tensor, ctx: torch.Tensor,
              generator: torch.Generator | None) -> torch.Tensor:
        """Block `block_index` from its `noise` [B, frames_per_block, C, h, w] under `ctx`: denoising, the
        context pass that writes it into the KV cache, the eviction it causes, and their hooks.
        Returns the block's x0 (its output latents)."""
        state = self._state()
        self.emit("block_start", block_index=block_index)
        g = state.kv.geometry
        start = block_index * g.frames_per_block
        x0 = self.denoise(noise, ctx, start * g.tokens_per_frame, generator)
        # upstream: no sink means no memory segment in attention
        state.memory_frames.append(state.memory.visible_frame_count(g.tokens_per_frame) if g.sink_tokens else 0)
        state.kv.capture_evicted = self.wants_evicted()
        upcoming = state.kv.evicting(state.kv.plan(start * g.tokens_per_frame, g.block_tokens))
        if upcoming is not None:  # views of the chunk the context pass is about to overwrite
            self.emit("chunk_evicting", chunk_index=block_index + 1, evicted=upcoming)
        self.context_pass(x0, ctx, start)
        evicted: EvictedChunk | None = state.kv.take_evicted()
        self.emit("block_end", block_index=block_index, latents=x0)
        self.emit("chunk_end", chunk_index=block_index + 1, evicted=evicted)
        return x0

    def end(self, result: GenerationResult) -> None:
        """End of the video (after decoding): fires the end-of-video hook when `begin` ran."""
        if self.begun:
            self.emit("pipeline_end", result=result)

    # -- the model passes ----------------------------------------------------------------------------
    def call_model(self, x: torch.Tensor, t: torch.Tensor, ctx: torch.Tensor, call: CallInfo,
                   need_output: bool = True) -> torch.Tensor | None:
        """One DiT pass on `x` [B, F, C, h, w] at timesteps `t` [B, F]; the cache effects are in `call`."""
        state = self._state()
        pipe = self.pipeline
        ctx = self.conditioning(state, call, ctx)
        out = pipe.model(x.permute(0, 2, 1, 3, 4), t, ctx, state, call,
                         prime_text_before_commit=pipe.cfg.engine.compress_with_fresh_text, need_output=need_output)
        return None if out is None else out.permute(0, 2, 1, 3, 4)

    def denoise(self, x: torch.Tensor, ctx: torch.Tensor, start_token: int,
                generator: torch.Generator | None) -> torch.Tensor:
        """The warped denoising steps of one block (cache read-only), re-noising between steps with
        `generator` (`sampler: renoise`) or with the noise the sample implies (`sampler: ode`); returns
        the last x0."""
        state = self._state()
        pipe = self.pipeline
        batch, fpb = x.shape[:2]
        steps = pipe.timesteps.to(x.device)
        x0 = x
        for i, t in enumerate(steps):
            timestep = torch.ones((batch, fpb), device=x.device, dtype=torch.float32) * t
            call = CallInfo(current_start=start_token, num_new=fpb * state.kv.geometry.tokens_per_frame,
                            update_cache=False, update_bank=not self.interactive, q_bank=i == 0)
            flow = self.call_model(x, timestep, ctx, call)
            assert flow is not None  # need_output
            x0 = pipe.schedule.flow_to_x0(flow.flatten(0, 1), x.flatten(0, 1), timestep.flatten(0, 1))
            x0 = x0.unflatten(0, (batch, fpb))
            self.on_step(start_token // state.kv.geometry.block_tokens, i, x0)
            if i + 1 < len(steps):
                flat = x0.flatten(0, 1)
                if pipe.cfg.sampler == "ode":  # the noise x_t implies: x_t = (1 - sigma) x0 + sigma eps
                    eps = pipe.schedule.implied_noise(x.flatten(0, 1), flat, timestep.flatten(0, 1))
                else:
                    eps = torch.randn(flat.shape, generator=generator, device=flat.device, dtype=flat.dtype)
                nt = torch.ones(batch * fpb, device=x.device, dtype=torch.float32) * steps[i + 1]
                x = pipe.schedule.add_noise(flat, eps, nt).unflatten(0, (batch, fpb))
        return x0

    def context_pass(self, x0: torch.Tensor, ctx: torch.Tensor, start_frame: int) -> None:
        """Run the model on the block's x0 at `context_noise`, writing it into the KV cache (and staging a
        memory-bank frame: every block in single-prompt mode, every `record_interval` blocks in
        interactive mode)."""
        state = self._state()
        cfg = self.pipeline.cfg
        batch, fpb = x0.shape[:2]
        g = state.kv.geometry
        record = g.frames_per_block * cfg.model_kwargs.record_interval
        t = torch.ones((batch, fpb), device=x0.device, dtype=torch.float32) * cfg.context_noise
        call = CallInfo(current_start=start_frame * g.tokens_per_frame, num_new=fpb * g.tokens_per_frame,
                        update_cache=True, update_bank=(not self.interactive) or start_frame % record == 0)
        self.call_model(x0, t, ctx, call, need_output=False)  # only the cache write matters

    def recache(self, output: torch.Tensor, start_frame: int, ctx: torch.Tensor) -> None:
        """Prompt switch: clear the text cache and re-encode the recent frames of `output` under `ctx`."""
        state = self._state()
        cfg = self.pipeline.cfg
        g = state.kv.geometry
        if not cfg.global_sink:
            state.kv.zero_tensors()
        state.text.clear()
        n = start_frame if g.local_attn_frames == -1 else min(g.local_attn_frames, start_frame)
        if n > 0:
            first = start_frame - n
            frames = output[:, first:start_frame]
            t = torch.ones(frames.shape[:2], device=frames.device, dtype=torch.float32) * cfg.context_noise
            call = CallInfo(current_start=first * g.tokens_per_frame, num_new=n * g.tokens_per_frame,
                            update_cache=True, update_bank=False, q_bank=True, is_recache=True)
            self.call_model(frames, t, ctx, call, need_output=False)
        state.text.clear()

    def _state(self) -> StreamState:
        if self.state is None:
            raise RuntimeError("the loop has no caches yet: init_state() first")
        return self.state
