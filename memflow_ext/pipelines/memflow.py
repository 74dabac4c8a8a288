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

The pipeline holds what outlives a video (weights, schedule, the caches of the video in progress);
the per-block steps and what belongs to one call are a `BlockLoop` (`memflow_ext.pipelines.loop`),
made per video by `new_loop` and driven by a `VideoStream`.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

import torch
from tqdm import tqdm

from memflow_ext.config import ConfigError, IAMFlowConfig, validate_prompts, validate_switch_frames
from memflow_ext.models.rope import RopeCache
from memflow_ext.models.transformer_wan import CausalWanModel
from memflow_ext.pipelines.loop import BlockLoop
from memflow_ext.pipelines.noise import BlockNoise
from memflow_ext.pipelines.stream import GenerationResult, VideoStream
from memflow_ext.schedulers.flow_match import FlowMatchSchedule
from memflow_ext.streaming.kv_cache import CacheGeometry, CrossAttnCache, KVCache
from memflow_ext.streaming.memory_bank import MemorySegment, NAMBank, NoMemory
from memflow_ext.streaming.state import StreamState

HOST = torch.device("cpu")  # where decoded frames go (the memory ledger counts them there)


class MemFlowPipeline:
    """The MemFlow baseline. Each video runs through a `loop_cls` loop (subclasses replace it)."""

    loop_cls: type[BlockLoop] = BlockLoop

    def __init__(self, cfg: IAMFlowConfig, model: CausalWanModel, text_encoder: Any = None, vae: Any = None,
                 device: torch.device | str = "cpu") -> None:
        self.cfg = cfg
        self.model = model
        self.text_encoder = text_encoder
        self.vae = vae
        self.device = torch.device(device)
        self.schedule = FlowMatchSchedule(shift=cfg.model_kwargs.timestep_shift)
        self.timesteps = self.schedule.sampler_timesteps(cfg.denoising_step_list, cfg.warp_denoising_step)
        # the caches of the latest video; a stream whose caches these are not is superseded
        self.state: StreamState | None = None
        model.set_ffn_chunk_frames(cfg.engine.ffn_chunk_frames)
        if cfg.engine.compile:
            model.compile_streaming()

    def new_loop(self, *, interactive: bool, output_dir: Path | None = None, run_key: str = "video") -> BlockLoop:
        """The loop of one video: `interactive` mode, `output_dir` for the plugins' files, `run_key` its name."""
        return self.loop_cls(self, interactive=interactive, output_dir=output_dir, run_key=run_key)

    def default_memory_segment(self, geometry: CacheGeometry, batch: int) -> MemorySegment:
        """The memory of a video whose loop brings none of its own: MemFlow's NAM; none at all with
        MemFlow's memory-free setting (`bank_size=0`)."""
        c = self.model.config
        p = next(self.model.parameters())
        if self.cfg.model_kwargs.bank_size == 0:
            return NoMemory(batch, c.num_heads, c.head_dim, p.device, p.dtype)
        return NAMBank(geometry, self.cfg.model_kwargs.record_interval, c.num_layers, batch, c.num_heads,
                       c.head_dim, p.device, p.dtype)

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

    def init_state(self, batch: int, latent_hw: tuple[int, int], memory: MemorySegment | None = None) -> StreamState:
        """Allocate KV cache, text cache and memory segment (`memory`, default NAM): the "initialization" phase.

        The new caches replace the previous video's: a stream still open on those is superseded.
        """
        c = self.model.config
        p = next(self.model.parameters())
        g = self.geometry(latent_hw)
        kv = KVCache(g, c.num_layers, batch, c.num_heads, c.head_dim, p.device, p.dtype)
        text = CrossAttnCache(c.num_layers, batch, c.text_len, c.num_heads, c.head_dim, p.device, p.dtype)
        mk = self.cfg.model_kwargs
        state = StreamState(kv=kv, text=text, memory=memory or self.default_memory_segment(g, batch),
                            rope=RopeCache(self.model.freqs), sma=mk.SMA, sma_top_k=mk.sma_top_k)
        self.state = state
        return state

    def encode_prompt(self, prompt: str, index: int = 0) -> torch.Tensor:
        """Prompt `index` of the story as [1, text_len, text_dim] (the index names it in warnings)."""
        if self.text_encoder is None:
            raise RuntimeError("encoding a prompt needs a text encoder; pass the prompt's embedding instead")
        return self.text_encoder.encode([prompt], first_index=index).to(self.device)

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
                 latent_hw: tuple[int, int] | None = None, progress: bool = True, *,
                 output_dir: Path | None = None, run_key: str = "video") -> GenerationResult:
        """Text to video. `interactive` defaults to True when there is more than one prompt.

        Drives a `VideoStream` (see `open_stream`) with the scripted switch frames: a scripted switch and a
        live one run the same code. The "diffusion" and "vae_decode" phases each surround the whole loop.
        Plugins write this video's files into `output_dir` (None: nowhere) and know it as `run_key`.
        """
        cfg = self.cfg
        switch = list(switch_frame_indices or [])
        interactive = len(prompts) > 1 if interactive is None else interactive
        seed = cfg.seed if seed is None else seed
        frames = num_frames or cfg.num_output_frames
        self.check_inputs(prompts, switch, interactive, frames)
        hw = latent_hw or self.default_latent_hw()
        if self.text_encoder is None:
            raise RuntimeError("MemFlowPipeline.generate needs a text encoder")
        loop = self.new_loop(interactive=interactive, output_dir=output_dir, run_key=run_key)
        loop.begin(prompts, switch, seed, frames, hw)
        embeds, gen, noise, state = loop.phase("init", lambda: self._init_video(loop, prompts, seed, frames, hw))
        stream = VideoStream(loop, noise, gen, list(prompts), embeds)
        scripted = dict(zip(switch, zip(prompts[1:], embeds[1:], strict=True), strict=True))
        latents = loop.phase("diffusion", lambda: stream.run_scripted(scripted, progress))
        video = None
        if decode and self.vae is not None:
            state.release()  # the diffusion is over: its caches leave the device before the decode's peak
            video = loop.phase("vae_decode", lambda: self.decode(latents, progress))
        return stream.finish(video, info={"seed": seed, "prompts": list(prompts), "switch_frame_indices": switch,
                                          "memory_frames_per_block": list(state.memory_frames)})

    def _init_video(self, loop: BlockLoop, prompts: list[str], seed: int, frames: int, latent_hw: tuple[int, int]
                    ) -> tuple[list[torch.Tensor], torch.Generator, BlockNoise, StreamState]:
        """The init phase of a video from text: prompt embeddings, the sampler's generator, the noise of
        `frames` latent frames (drawn from it block by block as the blocks start), and the stream state."""
        embeds = [loop.encode_prompt(p, i) for i, p in enumerate(prompts)]
        gen = torch.Generator(device=self.device).manual_seed(seed)
        dtype = next(self.model.parameters()).dtype
        noise = BlockNoise((1, frames, self.model.config.in_dim, *latent_hw), gen, self.device, dtype)
        state = loop.init_state(1, latent_hw)
        return embeds, gen, noise, state

    @torch.no_grad()
    def open_stream(self, prompt: str | None = None, *, seed: int | None = None, max_frames: int | None = None,
                    embedding: torch.Tensor | None = None, noise: torch.Tensor | None = None,
                    generator: torch.Generator | None = None, interactive: bool = True, decode: bool = True,
                    latent_hw: tuple[int, int] | None = None, output_dir: Path | None = None,
                    run_key: str = "video") -> VideoStream:
        """Open a video that the caller generates block by block (`VideoStream`), switching prompts live.

        From text: `prompt`, `seed` (default `cfg.seed`) and `max_frames` latent frames (default
        `cfg.num_output_frames`); each block's noise is drawn as the block starts, so the stream
        equals `generate` with `num_frames=max_frames` and the same switches. Or from an `embedding`
        [B, text_len, text_dim] and `noise` [B, max_frames, C, h, w] (no text encoder needed), re-noising
        with `generator` (None: torch's global generator), as `sample` does; `prompt` is then only a label.

        `interactive` (default True) is MemFlow's interactive mode, the one that switches prompts (NAM
        records every `record_interval` blocks); False is the single-prompt pipeline and cannot switch.
        With `decode` (and a VAE) each block comes with its decoded frames. Plugins write the stream's
        files into `output_dir` (None: nowhere) and know it as `run_key`. `iamflow_pipeline_start`
        and the "init" phase run here; opening another stream or run on this pipeline supersedes it.
        """
        cfg = self.cfg
        seed = cfg.seed if seed is None else seed
        hw: tuple[int, int]
        if noise is None:
            if embedding is not None:
                raise ConfigError("open_stream with an embedding needs its noise too")
            if prompt is None:
                raise ConfigError("open_stream needs a prompt (or an embedding and noise)")
            if self.text_encoder is None:
                raise RuntimeError("open_stream(prompt) needs a text encoder; pass an embedding and noise instead")
            frames = cfg.num_output_frames if max_frames is None else max_frames
            validate_prompts([prompt])
            hw = latent_hw or self.default_latent_hw()
        else:
            if embedding is None:
                raise ConfigError("open_stream with noise needs the first prompt's embedding too")
            frames = noise.shape[1]
            if max_frames is not None and max_frames != frames:
                raise ConfigError(f"max_frames={max_frames} but the noise has {frames} frames")
            hw = (int(noise.shape[-2]), int(noise.shape[-1]))
        fpb = cfg.num_frame_per_block
        if frames <= 0 or frames % fpb:
            raise ConfigError(f"max_frames={frames} is not a positive multiple of num_frame_per_block={fpb}")
        label = prompt if prompt is not None else "<prompt 0>"
        loop = self.new_loop(interactive=interactive, output_dir=output_dir, run_key=run_key)
        loop.begin([label], [], seed, frames, hw)

        def init() -> tuple[list[torch.Tensor], torch.Generator | None, torch.Tensor | BlockNoise, StreamState]:
            if noise is None:
                return self._init_video(loop, [label], seed, frames, hw)
            assert embedding is not None  # checked above
            return [embedding], generator, noise, loop.init_state(noise.shape[0], hw)

        embeds, gen, drawn, _ = loop.phase("init", init)
        decoder = None
        if decode and self.vae is not None:
            decoder = self.vae.streaming_decoder(cfg.vae_cache)
            decoder.start()
        return VideoStream(loop, drawn, gen, [label], embeds, decoder=decoder, phased=True,
                           info={"seed": seed, "max_frames": frames})

    def decode(self, latents: torch.Tensor, progress: bool = False) -> torch.Tensor:
        """Decode block by block through the codec's streaming decoder (the VAE's causal cache: bounded
        memory); each block's frames go to the host as they are made, so the video is [B, T, 3, H, W] on
        the CPU."""
        dec = self.vae.streaming_decoder(self.cfg.vae_cache)
        dec.start()
        parts = []
        fpb = self.cfg.num_frame_per_block
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
        hw = (int(noise.shape[-2]), int(noise.shape[-1]))
        loop = self.new_loop(interactive=interactive)
        loop.phase("init", lambda: loop.init_state(batch, hw))
        stream = VideoStream(loop, noise, generator, prompts, list(embeds))
        scripted = dict(zip(switch_frame_indices, zip(prompts[1:len(embeds)], embeds[1:], strict=True), strict=True))
        latents = loop.phase("diffusion", lambda: stream.run_scripted(scripted, progress))
        stream.finish(None)
        return latents
