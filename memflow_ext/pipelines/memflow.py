"""MemFlowPipeline: MemFlow's streaming causal inference (single prompt and interactive).

The loop, per block of `num_frame_per_block` latent frames:
1. denoise with the warped steps (cache read-only), re-noising between steps with the sampler's
   generator (the only random draws inside generation);
2. keep the last x0 as the block's output;
3. context pass: run the model on x0 at timestep `context_noise` with `update_cache`, writing the
   block into the KV cache (and staging a memory-bank frame).
In interactive mode, at every switch frame the text cache is cleared and the last window of
generated frames is re-encoded under the new prompt (LongLive's KV re-cache).

Single-prompt mode stages a bank frame at every context pass; interactive mode only every
`record_interval` blocks, as upstream's two pipelines do.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import torch
from tqdm import tqdm

from memflow_ext.config import ConfigError, IAMFlowConfig, validate_prompts, validate_switch_frames
from memflow_ext.models.rope import RopeCache
from memflow_ext.models.transformer_wan import CausalWanModel
from memflow_ext.pipelines.stream import GenerationResult, VideoStream
from memflow_ext.schedulers.flow_match import FlowMatchSchedule
from memflow_ext.streaming.kv_cache import CacheGeometry, CrossAttnCache, KVCache
from memflow_ext.streaming.memory_bank import MemorySegment, NAMBank, NoMemory
from memflow_ext.streaming.state import CallInfo, StreamState

HOST = torch.device("cpu")  # where decoded frames go (the memory ledger counts them there)


class MemFlowPipeline:
    """The MemFlow baseline. Subclasses observe the loop through the `_emit` / `_phase` seams."""

    def __init__(self, cfg: IAMFlowConfig, model: CausalWanModel, text_encoder: Any = None, vae: Any = None,
                 device: torch.device | str = "cpu") -> None:
        self.cfg = cfg
        self.model = model
        self.text_encoder = text_encoder
        self.vae = vae
        self.device = torch.device(device)
        self.schedule = FlowMatchSchedule(shift=cfg.model_kwargs.timestep_shift)
        steps = torch.tensor(list(cfg.denoising_step_list), dtype=torch.long)
        self.timesteps = self.schedule.warp(steps) if cfg.warp_denoising_step else steps.to(torch.float32)
        self.state: StreamState | None = None
        self._stream: VideoStream | None = None  # the live stream of this pipeline, if any
        if cfg.engine.compile:
            model.compile_streaming()

    # -- seams for subclasses (no-ops in the baseline) ---------------------------------------------
    def _emit(self, hook: str, **kwargs: Any) -> None:
        """Called at every hook point of the loop; the baseline does nothing."""

    def _run_phase(self, name: str, execute: Callable[[], Any]) -> Any:
        """Runs the init / diffusion / vae_decode phase; subclasses may surround it."""
        return execute()

    def _memory_segment(self, geometry: CacheGeometry, batch: int) -> MemorySegment:
        """The memory policy for this video: MemFlow's NAM unless a subclass hands it to a plugin; none at all
        with MemFlow's memory-free setting (`bank_size=0`)."""
        c = self.model.config
        p = next(self.model.parameters())
        if self.cfg.model_kwargs.bank_size == 0:
            return NoMemory(batch, c.num_heads, c.head_dim, p.device, p.dtype)
        return NAMBank(geometry, self.cfg.model_kwargs.record_interval, c.num_layers, batch, c.num_heads,
                       c.head_dim, p.device, p.dtype)

    def _start_diffusion(self, embeds: list[torch.Tensor]) -> None:
        """Before the first block of a video, inside the diffusion phase; `embeds` (by prompt index) grows
        in place as a stream switches to new prompts."""

    def _wants_evicted(self) -> bool:
        """Whether evicted chunks' keys/values must be kept for the hooks (only when someone listens)."""
        return False

    def _conditioning(self, state: StreamState, call: CallInfo, ctx: torch.Tensor) -> torch.Tensor:
        """The text conditioning of one model pass; the baseline uses the prompt's embedding `ctx` as is.

        A subclass that returns something else must keep `state.text` in step with it (the model reads
        the text cache, not the conditioning, once the cache is filled).
        """
        return ctx

    # -- geometry --------------------------------------------------------------------------------
    def geometry(self, latent_hw: tuple[int, int]) -> CacheGeometry:
        _, ph, pw = self.model.config.patch_size
        h, w = latent_hw
        if h % ph or w % pw:
            raise ConfigError(f"latent size {h}x{w} is not divisible by the patch size {ph}x{pw}")
        mk = self.cfg.model_kwargs
        return CacheGeometry(
            tokens_per_frame=(h // ph) * (w // pw), frames_per_block=self.cfg.num_frame_per_block,
            sink_frames=mk.sink_size, local_attn_frames=mk.local_attn_size, bank_frames=mk.bank_size,
        )

    def default_latent_hw(self) -> tuple[int, int]:
        from memflow_ext.presets import get_preset

        return get_preset(self.cfg.preset).latent_hw(self.cfg.height, self.cfg.width)

    def init_state(self, batch: int, latent_hw: tuple[int, int]) -> StreamState:
        """Allocate KV cache, text cache and memory segment (the "initialization" phase)."""
        c = self.model.config
        p = next(self.model.parameters())
        g = self.geometry(latent_hw)
        kv = KVCache(g, c.num_layers, batch, c.num_heads, c.head_dim, p.device, p.dtype)
        text = CrossAttnCache(c.num_layers, batch, c.text_len, c.num_heads, c.head_dim, p.device, p.dtype)
        mk = self.cfg.model_kwargs
        state = StreamState(kv=kv, text=text, memory=self._memory_segment(g, batch),
                            rope=RopeCache(self.model.freqs), sma=mk.SMA, sma_top_k=mk.sma_top_k)
        self.state = state
        return state

    # -- public API ----------------------------------------------------------------------------
    def check_inputs(self, prompts: list[str], switch_frame_indices: list[int], interactive: bool,
                     num_frames: int) -> None:
        """Every input error is raised here, before any work."""
        validate_prompts(prompts)
        validate_switch_frames(switch_frame_indices, len(prompts), self.cfg, where="switch_frame_indices")
        if not interactive and len(prompts) > 1:
            raise ConfigError("single-prompt mode takes one prompt; use the interactive pipeline for several")
        if num_frames % self.cfg.num_frame_per_block:
            raise ConfigError(f"num_output_frames={num_frames} is not a multiple of num_frame_per_block="
                              f"{self.cfg.num_frame_per_block}")

    @torch.no_grad()
    def generate(self, prompts: list[str], switch_frame_indices: list[int] | None = None, seed: int | None = None,
                 interactive: bool | None = None, decode: bool = True, num_frames: int | None = None,
                 latent_hw: tuple[int, int] | None = None, progress: bool = True) -> GenerationResult:
        """Text to video. `interactive` defaults to True when there is more than one prompt.

        Drives a `VideoStream` (see `open_stream`) with the scripted switch frames: a scripted switch and a
        live one run the same code. The "diffusion" and "vae_decode" phases each surround the whole loop.
        """
        cfg = self.cfg
        switch = list(switch_frame_indices or [])
        interactive = len(prompts) > 1 if interactive is None else interactive
        seed = cfg.seed if seed is None else seed
        frames = num_frames or cfg.num_output_frames
        self.check_inputs(prompts, switch, interactive, frames)
        latent_hw = latent_hw or self.default_latent_hw()
        if self.text_encoder is None:
            raise RuntimeError("MemFlowPipeline.generate needs a text encoder")
        self.interactive = interactive
        self._begin_video(prompts, switch, seed, frames, latent_hw)
        embeds, gen, noise, state = self._run_phase("init", lambda: self._init_video(prompts, seed, frames, latent_hw))
        stream = VideoStream(self, state, noise, gen, interactive, list(prompts), embeds, begun=True)
        scripted = dict(zip(switch, zip(prompts[1:], embeds[1:], strict=True), strict=True))
        latents = self._run_phase("diffusion", lambda: stream.run(scripted, progress))
        video = None
        if decode and self.vae is not None:
            self._decode_progress = progress
            video = self._run_phase("vae_decode", lambda: self.decode(latents))
        return stream._finish(video, info={"seed": seed, "prompts": list(prompts), "switch_frame_indices": switch,
                                           "memory_frames_per_block": list(state.memory_frames)})

    def _encode_prompt(self, prompt: str, index: int = 0) -> torch.Tensor:
        """Prompt `index` of the story as [1, text_len, text_dim] (the index names it in warnings)."""
        return self.text_encoder.encode([prompt], first_index=index).to(self.device)

    def _init_video(self, prompts: list[str], seed: int, frames: int, latent_hw: tuple[int, int]):
        """The init phase of a video from text: prompt embeddings, the sampler's generator, the noise of
        all `frames` latent frames (drawn from it), and the stream state."""
        embeds = [self._encode_prompt(p, i) for i, p in enumerate(prompts)]
        gen = torch.Generator(device=self.device).manual_seed(seed)
        dtype = next(self.model.parameters()).dtype
        noise = torch.randn((1, frames, self.model.config.in_dim, *latent_hw), generator=gen,
                            device=self.device, dtype=dtype)
        state = self.init_state(1, latent_hw)
        return embeds, gen, noise, state

    @torch.no_grad()
    def open_stream(self, prompt: str | None = None, *, seed: int | None = None, max_frames: int | None = None,
                    embedding: torch.Tensor | None = None, noise: torch.Tensor | None = None,
                    generator: torch.Generator | None = None, interactive: bool = True, decode: bool = True,
                    latent_hw: tuple[int, int] | None = None) -> VideoStream:
        """Open a video that the caller generates block by block (`VideoStream`), switching prompts live.

        From text: `prompt`, `seed` (default `cfg.seed`) and `max_frames` latent frames (default
        `cfg.num_output_frames`); the noise of all `max_frames` frames is drawn at open, so the stream
        equals `generate` with `num_frames=max_frames` and the same switches. Or from an `embedding`
        [B, text_len, text_dim] and `noise` [B, max_frames, C, h, w] (no text encoder needed), re-noising
        with `generator` (None: torch's global generator), as `sample` does; `prompt` is then only a label.

        `interactive` (default True) is MemFlow's interactive mode, the one that switches prompts (NAM
        records every `record_interval` blocks); False is the single-prompt pipeline and cannot switch.
        With `decode` (and a VAE) each block comes with its decoded frames. `iamflow_pipeline_start`
        and the "init" phase run here; opening another stream or run on this pipeline supersedes it.
        """
        cfg = self.cfg
        seed = cfg.seed if seed is None else seed
        if noise is None:
            if embedding is not None:
                raise ConfigError("open_stream with an embedding needs its noise too")
            if prompt is None:
                raise ConfigError("open_stream needs a prompt (or an embedding and noise)")
            if self.text_encoder is None:
                raise RuntimeError("open_stream(prompt) needs a text encoder; pass an embedding and noise instead")
            frames = cfg.num_output_frames if max_frames is None else max_frames
            validate_prompts([prompt])
            latent_hw = latent_hw or self.default_latent_hw()
        else:
            if embedding is None:
                raise ConfigError("open_stream with noise needs the first prompt's embedding too")
            frames = noise.shape[1]
            if max_frames is not None and max_frames != frames:
                raise ConfigError(f"max_frames={max_frames} but the noise has {frames} frames")
            latent_hw = tuple(noise.shape[-2:])
        fpb = cfg.num_frame_per_block
        if frames <= 0 or frames % fpb:
            raise ConfigError(f"max_frames={frames} is not a positive multiple of num_frame_per_block={fpb}")
        label = prompt if prompt is not None else "<prompt 0>"
        self.interactive = interactive
        self._begin_video([label], [], seed, frames, latent_hw)

        def init():
            if noise is None:
                embeds, gen, drawn, state = self._init_video([label], seed, frames, latent_hw)
                return embeds, gen, drawn, state
            return [embedding], generator, noise, self.init_state(noise.shape[0], latent_hw)

        embeds, gen, drawn, state = self._run_phase("init", init)
        decoder = None
        if decode and self.vae is not None:
            decoder = self.vae.streaming_decoder()
            decoder.start()
        return VideoStream(self, state, drawn, gen, interactive, [label], embeds, decoder=decoder, phased=True,
                           begun=True, info={"seed": seed, "max_frames": frames})

    def _begin_video(self, prompts: list[str], switch: list[int], seed: int, frames: int,
                     latent_hw: tuple[int, int]) -> None:
        """Start-of-video seam (the plugin-aware subclass builds its run object and fires pipeline_start)."""

    def decode(self, latents: torch.Tensor, progress: bool | None = None) -> torch.Tensor:
        """Decode block by block through the codec's streaming decoder (the VAE's causal cache: bounded
        memory); each block's frames go to the host as they are made, so the video is [B, T, 3, H, W] on
        the CPU. `progress` defaults to the `progress` of the `generate` call in progress."""
        dec = self.vae.streaming_decoder()
        dec.start()
        parts = []
        fpb = self.cfg.num_frame_per_block
        if progress is None:
            progress = getattr(self, "_decode_progress", False)
        for s in tqdm(range(0, latents.shape[1], fpb), desc="VAE decode (blocks)", disable=not progress, leave=False):
            parts.append(dec.push(latents[:, s : s + fpb]).to(HOST))  # frames never accumulate on the device
        tail = dec.finish()
        if tail is not None and tail.shape[1]:
            parts.append(tail.to(HOST))
        return torch.cat(parts, dim=1)

    @torch.no_grad()
    def sample(self, embeds: list[torch.Tensor], switch_frame_indices: list[int], noise: torch.Tensor,
               generator: torch.Generator | None = None, interactive: bool = False,
               prompts: list[str] | None = None, progress: bool = True) -> torch.Tensor:
        """The streaming loop on given prompt embeddings and noise [B, F, C, h, w] (no text encoder, no VAE).

        `embeds[i]` conditions prompt i, which starts at `([0] + switch_frame_indices)[i]`. Drives a
        `VideoStream` with those switches (no `pipeline_start` / `pipeline_end`).
        """
        fpb = self.cfg.num_frame_per_block
        frames = noise.shape[1]
        if frames % fpb:
            raise ConfigError(f"{frames} latent frames is not a multiple of num_frame_per_block={fpb}")
        starts = [0, *switch_frame_indices]
        if len(embeds) != len(starts):
            raise ConfigError(f"{len(embeds)} prompt(s) for {len(starts)} segment(s) "
                              f"(switch_frame_indices={switch_frame_indices})")
        prompts = list(prompts or [f"<prompt {i}>" for i in range(len(embeds))])
        batch = noise.shape[0]
        state = self._run_phase("init", lambda: self.init_state(batch, tuple(noise.shape[-2:])))
        stream = VideoStream(self, state, noise, generator, interactive, prompts, list(embeds))
        scripted = dict(zip(switch_frame_indices, zip(prompts[1:len(embeds)], embeds[1:], strict=True), strict=True))
        latents = self._run_phase("diffusion", lambda: stream.run(scripted, progress))
        stream._finish(None)
        return latents

    def _on_step(self, block_index: int, step_index: int, x0: torch.Tensor) -> None:
        """Called with each denoising step's x0 prediction (used by parity checks)."""

    def _call_model(self, x: torch.Tensor, t: torch.Tensor, ctx: torch.Tensor, state: StreamState,
                    call: CallInfo, need_output: bool = True) -> torch.Tensor | None:
        ctx = self._conditioning(state, call, ctx)
        out = self.model(x.permute(0, 2, 1, 3, 4), t, ctx, state, call,
                         prime_text_before_commit=self.cfg.engine.compress_with_fresh_text, need_output=need_output)
        return None if out is None else out.permute(0, 2, 1, 3, 4)

    def _denoise_block(self, state: StreamState, x: torch.Tensor, ctx: torch.Tensor, start_token: int,
                       generator: torch.Generator | None, interactive: bool) -> torch.Tensor:
        batch, fpb = x.shape[:2]
        steps = self.timesteps.to(x.device)
        x0 = x
        for i, t in enumerate(steps):
            timestep = torch.ones((batch, fpb), device=x.device, dtype=torch.float32) * t
            call = CallInfo(current_start=start_token, num_new=fpb * state.kv.geometry.tokens_per_frame,
                            update_cache=False, update_bank=not interactive, q_bank=i == 0)
            flow = self._call_model(x, timestep, ctx, state, call)
            x0 = self.schedule.flow_to_x0(flow.flatten(0, 1), x.flatten(0, 1), timestep.flatten(0, 1))
            x0 = x0.unflatten(0, (batch, fpb))
            self._on_step(start_token // state.kv.geometry.block_tokens, i, x0)
            if i + 1 < len(steps):
                flat = x0.flatten(0, 1)
                eps = torch.randn(flat.shape, generator=generator, device=flat.device, dtype=flat.dtype)
                nt = torch.ones(batch * fpb, device=x.device, dtype=torch.float32) * steps[i + 1]
                x = self.schedule.add_noise(flat, eps, nt).unflatten(0, (batch, fpb))
        return x0

    def _context_pass(self, state: StreamState, x0: torch.Tensor, ctx: torch.Tensor, start_frame: int,
                      interactive: bool) -> None:
        batch, fpb = x0.shape[:2]
        g = state.kv.geometry
        record = g.frames_per_block * self.cfg.model_kwargs.record_interval
        t = torch.ones((batch, fpb), device=x0.device, dtype=torch.float32) * self.cfg.context_noise
        call = CallInfo(current_start=start_frame * g.tokens_per_frame, num_new=fpb * g.tokens_per_frame,
                        update_cache=True, update_bank=(not interactive) or start_frame % record == 0)
        self._call_model(x0, t, ctx, state, call, need_output=False)  # only the cache write matters

    def _recache(self, state: StreamState, output: torch.Tensor, start_frame: int, ctx: torch.Tensor) -> None:
        """Prompt switch: clear the text cache and re-encode the recent frames under the new prompt."""
        g = state.kv.geometry
        if not self.cfg.global_sink:
            state.kv.zero_tensors()
        state.text.clear()
        n = start_frame if g.local_attn_frames == -1 else min(g.local_attn_frames, start_frame)
        if n > 0:
            first = start_frame - n
            frames = output[:, first:start_frame]
            t = torch.ones(frames.shape[:2], device=frames.device, dtype=torch.float32) * self.cfg.context_noise
            call = CallInfo(current_start=first * g.tokens_per_frame, num_new=n * g.tokens_per_frame,
                            update_cache=True, update_bank=False, q_bank=True, is_recache=True)
            self._call_model(frames, t, ctx, state, call, need_output=False)
        state.text.clear()
