"""VideoStream: the block loop as an object a caller drives, one block at a time.

A stream is opened on a pipeline (`MemFlowPipeline.open_stream`) with a first prompt (or its
embedding), a seed and `max_frames`; each block's initial noise is drawn when the block starts
(`noise.BlockNoise`), in the order a batch run draws it, so a stream equals a batch run with the same
seed and switch frames however large its `max_frames`. Then:

- `next_block()` denoises the next block and writes it into the KV cache; it returns a `StreamBlock`
  with the block's latents and, when the stream decodes, its video frames from the streaming VAE
  decoder;
- `switch_prompt(prompt)` (between blocks) makes the next block the first of a new prompt: a MemFlow
  prompt switch with LongLive's KV re-cache, exactly what a scripted switch frame does;
- `close()` ends the stream and returns the `GenerationResult` of the blocks generated so far.

The batch entry points (`generate`, `sample`) drive a stream with their scripted switch frames, so a
scripted switch and a live switch run the same code.

Phases and hooks in a stream opened with `open_stream`: `iamflow_pipeline_start` and the "init"
phase at open; each `next_block()` runs one "diffusion" phase (the prompt switch, if any, and the
block) and, when decoding, one "vae_decode" phase (that block's frames); `close()` runs no phase
(the decoder holds nothing back) and fires `iamflow_pipeline_end`. In a batch run the "diffusion"
and "vae_decode" phases each surround the whole loop, as before.
"""

from __future__ import annotations

import time
from collections.abc import Iterator
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any

import torch
from tqdm.auto import tqdm

from memflow_ext.config import ConfigError
from memflow_ext.pipelines.noise import BlockNoise

if TYPE_CHECKING:
    from hooks.run import RunState
    from memflow_ext.models.vae import StreamingDecoder
    from memflow_ext.pipelines.loop import BlockLoop


@dataclass
class GenerationResult:
    """A generated video (re-exported by `memflow_ext.pipelines.memflow`, where it is usually imported from)."""

    latents: torch.Tensor  # [B, F, C, h, w]
    video: torch.Tensor | None = None  # [B, T, 3, H, W] in [-1, 1]
    info: dict[str, Any] = field(default_factory=dict)
    run: RunState | None = None  # the plugins' record of the video (IAMPipeline), for inspection after the call


class StreamError(RuntimeError):
    """A stream was asked for something it cannot do (past `max_frames`, after `close`, ...)."""


@dataclass
class StreamBlock:
    block_index: int
    start_frame: int  # latent frame of the block's first frame
    prompt_index: int  # the prompt that conditioned the block
    latents: torch.Tensor  # [B, frames_per_block, C, h, w]; a view of the stream's output, read-only
    video: torch.Tensor | None = None  # [B, T, 3, H, W] in [-1, 1] on the CPU: the block's frames (None: not decoding)
    switched: bool = False  # the block is the first of its prompt
    ms: float = 0.0  # wall time of the block (switch, denoising, cache update; not decoding)


class VideoStream:
    """One video generated block by block; made by `MemFlowPipeline.open_stream` (or the batch paths).

    Only the latest stream of a pipeline is live: opening another one on the same pipeline (or a
    batch run) supersedes it, and its further use is an error.
    """

    def __init__(self, loop: BlockLoop, noise: torch.Tensor | BlockNoise, generator: torch.Generator | None,
                 prompts: list[str], embeds: list[torch.Tensor], *, decoder: StreamingDecoder | None = None,
                 phased: bool = False, info: dict[str, Any] | None = None) -> None:
        state = loop.state
        if state is None:
            raise StreamError("a stream needs its loop's caches: call loop.init_state() first")
        fpb = loop.pipeline.cfg.num_frame_per_block
        noise = noise if isinstance(noise, BlockNoise) else BlockNoise.of(noise)
        if noise.max_frames % fpb or noise.max_frames == 0:
            raise ConfigError(f"{noise.max_frames} latent frames is not a positive multiple of "
                              f"num_frame_per_block={fpb}")
        self.loop = loop
        self.pipeline = loop.pipeline
        self.state = state
        self.noise = noise
        self.generator = generator
        self.interactive = loop.interactive
        # prompts / embeddings by prompt index; a batch run knows them all up front, a live stream only the first
        self.prompts = list(prompts)
        self.embeds = embeds  # shared with the memory access (`run.memory.text_keys`): grown in place
        self.frames_per_block = fpb
        self.output = torch.zeros(noise.shape, device=noise.device, dtype=noise.dtype)
        self.prompt_index = -1
        self.switch_frame_indices: list[int] = []  # the switches applied so far
        self.blocks_done = 0
        self._pending: tuple[str | None, torch.Tensor | None] | None = None
        self._decoder = decoder
        self._video: list[torch.Tensor] = []
        self._phased = phased
        self._info = dict(info or {})
        self._result: GenerationResult | None = None

    @property
    def run(self) -> RunState | None:
        """The plugins' record of this video (`hooks.run.RunState`; None without plugins)."""
        return self.loop.run

    @property
    def live(self) -> bool:
        """Not closed, and not superseded: the pipeline's caches are still this stream's."""
        return self._result is None and self.pipeline.state is self.state

    # -- sizes -------------------------------------------------------------------------------------
    @property
    def max_frames(self) -> int:
        return self.noise.max_frames

    @property
    def num_blocks(self) -> int:
        return self.max_frames // self.frames_per_block

    @property
    def frames_done(self) -> int:
        return self.blocks_done * self.frames_per_block

    @property
    def finished(self) -> bool:
        """All `max_frames` are generated (the stream may still be open)."""
        return self.blocks_done >= self.num_blocks

    @property
    def closed(self) -> bool:
        return self._result is not None

    @property
    def decoding(self) -> bool:
        return self._decoder is not None

    @property
    def latents(self) -> torch.Tensor:
        """[B, frames_done, C, h, w]: the latents generated so far (a view)."""
        return self.output[:, : self.frames_done]

    # -- driving -----------------------------------------------------------------------------------
    def _check_live(self, what: str) -> None:
        if self.closed:
            raise StreamError(f"{what} on a closed stream")
        if self.pipeline.state is not self.state:
            raise StreamError(f"{what} on a stream superseded by a newer stream or run of the same pipeline")

    @torch.no_grad()
    def switch_prompt(self, prompt: str | None = None, embedding: torch.Tensor | None = None) -> int:
        """Switch to a new prompt at the next block boundary; returns the latent frame where it takes effect.

        The next block becomes the first block of the new prompt (`iamflow_prompt_switch` fires, the KV
        cache is re-encoded under it), as a scripted switch frame there would. `embedding` [B, text_len,
        text_dim] is the prompt's text embedding; without it the pipeline's text encoder encodes `prompt`
        when the switch is applied. Asked again before the next block, the latest request wins (the
        earlier one never took effect). Only interactive streams switch.
        """
        self._check_live("switch_prompt")
        if not self.interactive:
            raise StreamError("a single-prompt (interactive=False) stream cannot switch prompts; "
                              "open it with interactive=True")
        if self.finished:
            raise StreamError(f"switch_prompt after the last block: the stream reached max_frames={self.max_frames}")
        if embedding is None:
            if prompt is None:
                raise ValueError("switch_prompt needs a prompt or an embedding")
            if self.pipeline.text_encoder is None:
                raise StreamError("switch_prompt(prompt) needs a text encoder; pass the prompt's embedding")
        if prompt is not None and (not isinstance(prompt, str) or not prompt.strip()):
            raise ValueError(f"prompt must be a non-empty string, got {prompt!r}")
        if self.blocks_done == 0:
            raise StreamError("switch_prompt before the first block: open the stream with that prompt instead")
        return self._request(prompt, embedding)

    def _request(self, prompt: str | None, embedding: torch.Tensor | None) -> int:
        self._pending = (prompt, embedding)
        return self.frames_done

    @torch.no_grad()
    def next_block(self) -> StreamBlock:
        """Generate the next block (and decode it when the stream decodes)."""
        self._check_live("next_block")
        if self.finished:
            raise StreamError(f"the stream reached max_frames={self.max_frames} ({self.num_blocks} blocks); "
                              "close() it, or open a stream with a larger max_frames")
        loop = self.loop
        t0 = time.perf_counter()
        switched = self.blocks_done == 0 or self._pending is not None
        x0 = loop.phase("diffusion", self._advance) if self._phased else self._advance()
        ms = (time.perf_counter() - t0) * 1000.0
        video = None
        if self._decoder is not None:
            dec = self._decoder
            video = loop.phase("vae_decode", lambda: dec.push(x0)) if self._phased else dec.push(x0)
            video = video.cpu()  # the decoded frames leave the device as they are made
            self._video.append(video)
        b = self.blocks_done - 1
        return StreamBlock(block_index=b, start_frame=b * self.frames_per_block, prompt_index=self.prompt_index,
                           latents=x0, video=video, switched=switched, ms=ms)

    def __iter__(self) -> Iterator[StreamBlock]:
        """The remaining blocks (switches may be requested between them)."""
        while not self.finished:
            yield self.next_block()

    def __enter__(self) -> VideoStream:
        return self

    def __exit__(self, *exc: Any) -> None:
        if self.live:
            self.close()

    def run_scripted(self, switches: dict[int, tuple[str, torch.Tensor]], progress: bool = False) -> torch.Tensor:
        """The batch path: every remaining block, switching at the scripted frames `{start_frame: (prompt,
        embedding)}`; returns the whole output [B, max_frames, C, h, w]."""
        for _ in tqdm(range(self.blocks_done, self.num_blocks), desc="blocks", disable=not progress, leave=False):
            hit = switches.get(self.frames_done)
            if hit is not None and self.frames_done > 0:
                self._request(*hit)  # what switch_prompt does, without its checks (validated by the caller)
            self.next_block()
        return self.output

    @torch.no_grad()
    def close(self) -> GenerationResult:
        """End the stream: the result holds the latents (and decoded video) generated so far.

        For a stream opened with `open_stream`, `iamflow_pipeline_end` fires. Closing again returns the
        same result.
        """
        if self._result is not None:
            return self._result
        if self.pipeline.state is not self.state:
            raise StreamError("close on a stream superseded by a newer stream or run of the same pipeline")
        video = None
        if self._decoder is not None:
            tail = self._decoder.finish()  # the decoder is causal per latent frame: always empty
            if self._video:
                video = torch.cat([*self._video, tail.cpu()], dim=1)
        return self.finish(video)

    def finish(self, video: torch.Tensor | None, info: dict[str, Any] | None = None) -> GenerationResult:
        """The batch path's end: the result with `video` decoded by the caller (`info`: default, the stream's
        prompts, switches and memory frames); the end-of-video hook fires. `close()` for a live stream."""
        if self._result is not None:
            return self._result
        if info is None:
            info = {"seed": self._info.get("seed"), "prompts": self.prompts[: max(self.prompt_index, 0) + 1],
                    "switch_frame_indices": list(self.switch_frame_indices),
                    "memory_frames_per_block": list(self.state.memory_frames), **self._info}
        result = GenerationResult(latents=self.latents, video=video, info=info, run=self.loop.run)
        self._result = result
        self.loop.end(result)
        return result

    # -- internals -----------------------------------------------------------------------------------

    def _advance(self) -> torch.Tensor:
        """One block: the prompt switch due here (if any), then the block (denoising, cache update, hooks)."""
        loop = self.loop
        fpb = self.frames_per_block
        b = self.blocks_done
        s = b * fpb
        if b == 0:
            loop.start(self.embeds)
            self._apply_switch(0, s)
        elif self._pending is not None:
            prompt, embedding = self._pending
            self._pending = None
            idx = self.prompt_index + 1
            if prompt is None:
                prompt = self.prompts[idx] if idx < len(self.prompts) else f"<prompt {idx}>"
            if embedding is None:
                embedding = loop.encode_prompt(prompt, idx)
            if idx < len(self.prompts):
                self.prompts[idx] = prompt
            else:
                self.prompts.append(prompt)
            if idx < len(self.embeds):
                self.embeds[idx] = embedding
            else:
                self.embeds.append(embedding)
            self.switch_frame_indices.append(s)
            self._apply_switch(idx, s)
        x0 = loop.block(b, self.noise.take(s, fpb), self.embeds[self.prompt_index], self.generator)
        self.output[:, s : s + fpb] = x0
        self.blocks_done = b + 1
        return x0

    def _apply_switch(self, prompt_index: int, start_frame: int) -> None:
        self.prompt_index = prompt_index
        self.loop.switch(prompt_index, self.prompts[prompt_index], start_frame, self.output, self.embeds[prompt_index])
