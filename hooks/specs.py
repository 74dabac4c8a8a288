"""Every hook point of the generation loop, in the order they fire for one video.

All hooks are called with keyword arguments only; an implementation may accept any subset of a
hook's arguments, so new arguments can be added without breaking plugins. Ordering between plugins
is declared (`tryfirst` / `trylast`, wrappers), never implied by registration order.

For a video with prompts P0..Pn the sequence is::

    iamflow_pipeline_start
    iamflow_phase(phase="init")          # KV cache, text cache, memory segment allocation
    iamflow_phase(phase="diffusion")     # everything below runs inside it
        for each block b:
            iamflow_prompt_switch        # only on the first block of each prompt (P0 included)
            iamflow_block_start
            ... denoising steps ...
            iamflow_chunk_evicting       # only when the context pass below evicts a chunk (views of it)
            ... context pass (cache update) ...
            # iamflow_block_conditioning before each model pass that reads the text (re-cache,
            # every denoising step, context pass)
            iamflow_block_end
            iamflow_chunk_end            # evicted = the chunk that just left the local window, or None
    iamflow_phase(phase="vae_decode")
    iamflow_pipeline_end

A stream (`pipeline.open_stream(...)`, `memflow_ext.pipelines.stream.VideoStream`: live mode) is
driven one block at a time by its caller, so its phases repeat::

    iamflow_pipeline_start               # at open_stream
    iamflow_phase(phase="init")          # at open_stream: also encodes the first prompt (noise is drawn per block)
    for each next_block() call (block b):
        iamflow_phase(phase="diffusion") # this block only: [prompt_switch,] block_start ... block_end, chunk_end
        iamflow_phase(phase="vae_decode")  # this block's frames, when the stream decodes
    iamflow_pipeline_end                 # at close()

so in a stream "diffusion" and "vae_decode" fire once per block (a profiler adds them up; the phases
never nest). A batch run (`generate`) is the same loop with one "diffusion" phase around all blocks
and one "vae_decode" phase after them, as in the first sequence. A stream does not know its future:
`run.num_blocks` is sized from `max_frames`, and a live switch is appended to `run.prompts` and
`run.switch_frame_indices` just before its `iamflow_prompt_switch` (see `hooks.run.RunState`).

`iamflow_add_config` is apart: it is historic and fires once per plugin when the plugin is
registered for config loading, before any video (see `hooks.manager.collect_sections`).
`iamflow_memory_footprint` is apart too: the memory ledger calls it, never a video (see
`memflow_ext.loaders.ledger`).

The `run` argument is the per-video `hooks.run.RunState`: plugins share state through it (see its
docstring for who writes which field). `pipeline` is the `memflow_ext.pipelines.iam.IAMPipeline`
generating the video. Argument types are imported for type checking only, so this contract does not
import the engine at run time (an import-linter contract in pyproject.toml keeps it so).
"""

from __future__ import annotations

from collections.abc import Callable
from typing import TYPE_CHECKING, Any

import pluggy

if TYPE_CHECKING:
    import torch

    from hooks.run import RunState
    from memflow_ext.pipelines.iam import IAMPipeline
    from memflow_ext.pipelines.stream import GenerationResult
    from memflow_ext.presets import WanTransformerConfig
    from memflow_ext.streaming.kv_cache import CacheGeometry, EvictedChunk

PROJECT = "iamflow"
hookspec = pluggy.HookspecMarker(PROJECT)
hookimpl = pluggy.HookimplMarker(PROJECT)


@hookspec(historic=True)
def iamflow_add_config(register: Callable[[str, type], None]) -> None:
    """Declare this plugin's config section: call `register(name, schema)`.

    `schema` is a dataclass type whose fields all have defaults; its `__post_init__` may check
    values and raise `ValueError` naming `<name>.<key>`. The section is `name:` in the YAML and
    `name.key=value` on the command line, validated like the engine's keys; at run time the plugin
    reads it as `run.config.<name>`. Historic: called when the plugin is registered for config
    loading, for every installed plugin (selected or not), before the config is validated.
    """


@hookspec
def iamflow_pipeline_start(pipeline: IAMPipeline, run: RunState) -> None:
    """Once per generated video, before anything is allocated.

    `run` already holds the prompts, switch frames, seed, cache geometry and output folder. In a
    batch run these are all the video's prompts and switch frames; in a stream only the first prompt
    (no switch frames yet), and `run.num_blocks` / `run.num_output_frames` come from `max_frames`.
    This is the place to claim the memory segment (`run.memory.claim(...)`), which switches
    MemFlow's NAM off for this video. Return value ignored.
    """


@hookspec(firstresult=True)
def iamflow_phase(pipeline: IAMPipeline, run: RunState, phase: str, execute: Callable[[], Any]) -> Any:
    """Runs one phase of the video: `phase` is "init", "diffusion" or "vae_decode".

    Once each per batch video; in a stream "diffusion" and "vae_decode" run once per block (see the
    module docstring), so add their times up. Phases never nest.

    The engine's own implementation calls `execute()` and returns its result. Plugins that must
    surround a phase (timing, tracing) implement this as a new-style wrapper::

        @hookimpl(wrapper=True)
        def iamflow_phase(phase):
            start = clock()
            result = yield
            record(phase, clock() - start)
            return result

    Wrappers must return the result unchanged; a plain implementation returning non-None would
    replace the phase (first result wins) — don't.
    """


@hookspec
def iamflow_prompt_switch(pipeline: IAMPipeline, run: RunState, prompt_index: int, prompt: str,
                          start_frame: int) -> None:
    """Before the first block of each prompt (the first prompt included), inside "diffusion".

    Fires before the engine's KV re-cache for the new prompt. `run.prompt_index` / `run.prompt`
    are already updated, and `run.prompts[prompt_index]` / `run.switch_frame_indices[prompt_index - 1]`
    exist: a stream's live switch is appended to them just before this hook (a batch run knows them
    all from the start). The agent (tryfirst) publishes the prompt's entities in
    `run.entities[prompt_index]`; the memory plugin (trylast) reads them and may write the memory
    segment. Return value ignored.
    """


@hookspec
def iamflow_block_start(pipeline: IAMPipeline, run: RunState, block_index: int) -> None:
    """Before block `block_index` (0-based) is denoised. Return value ignored."""


@hookspec
def iamflow_block_end(pipeline: IAMPipeline, run: RunState, block_index: int, latents: torch.Tensor) -> None:
    """After the block is denoised and written into the KV cache.

    `latents` [B, frames_per_block, C, h, w] is the block's output; treat it as read-only.
    """


@hookspec
def iamflow_chunk_evicting(pipeline: IAMPipeline, run: RunState, chunk_index: int, evicted: EvictedChunk) -> None:
    """Before the context pass of block `chunk_index - 1` writes the cache, when that write evicts a chunk.

    `evicted` holds the chunk's global frame ids and, per layer, views [B, tokens, heads, head_dim] of the
    keys/values the cache holds for it now, which are the ones it leaves with. They are valid only during
    the call (the write overwrites them): copy what must outlive it. A plugin that keeps only part of an
    evicted chunk copies that part here instead of receiving a copy of all of it in `iamflow_chunk_end`.
    """


@hookspec
def iamflow_chunk_end(pipeline: IAMPipeline, run: RunState, chunk_index: int, evicted: EvictedChunk | None) -> None:
    """After each block's cache update; chunks count from 1 (block i is chunk i+1).

    `evicted` is a `memflow_ext.streaming.kv_cache.EvictedChunk` (global frame ids, per-layer keys and
    values, each [B, tokens, heads, head_dim]) for the chunk that just left the local window, or
    None when nothing was evicted. Its tensors are copies owned by the receiver. Keys/values are
    present only while some plugin's `iamflow_wants_evicted` returns True (otherwise empty lists).
    """


@hookspec(firstresult=True)
def iamflow_wants_evicted(pipeline: IAMPipeline, run: RunState) -> bool | None:
    """Return True to receive evicted keys/values in `iamflow_chunk_end` (they cost a copy)."""


@hookspec
def iamflow_pipeline_end(pipeline: IAMPipeline, run: RunState, result: GenerationResult) -> None:
    """Once per video after decoding; `result` is the `GenerationResult` (latents, video).

    For a stream, at `close()`: `result` holds the blocks generated so far (`result.info["max_frames"]`
    is the stream's bound) and `run.num_output_frames` is now the number of latent frames generated.

    Plugins write their files here (into `run.output_dir` when set). Return value ignored.
    """


@hookspec(firstresult=True)
def iamflow_block_conditioning(pipeline: IAMPipeline, run: RunState, block_index: int, prompt_index: int,
                               purpose: str, conditioning: torch.Tensor,
                               text_mask: torch.Tensor) -> torch.Tensor | None:
    """Before every model pass that reads the text; the first implementation that returns a tensor wins.

    - `purpose`: "recache" (the KV re-cache at a prompt switch, which re-encodes the frames before
      the switch under the new prompt; `block_index` is then the switch's block), "denoise" (each
      denoising step of block `block_index`) or "context" (the pass that writes the block into the
      KV cache).
    - `prompt_index`: the prompt in effect (the switch to it has fired).
    - `conditioning`: the text embedding the engine is about to use, the prompt's own
      [B, text_len, text_dim] UMT5 embedding. Treat it as read-only.
    - `text_mask`: [B, text_len] bool, True on its non-padding rows (padding rows are zero).

    Return None to keep `conditioning`, or a replacement tensor of the same shape, dtype and device
    (anything else is an error naming the plugin). Whenever a pass's conditioning differs from
    what the cross-attention text cache holds, the engine refills that cache before the pass, so
    the model, MemFlow's NAM and `run.memory` read text keys of the conditioning actually used.
    Return the same tensor object for every pass that should share a conditioning: an equal but new
    tensor is recognised too, at the cost of a comparison per pass.
    Plain implementations only (no wrappers); it runs once per pass, so keep it cheap. Without an
    implementation the engine computes exactly what MemFlowPipeline computes.
    """



@hookspec
def iamflow_memory_footprint(config: Any, geometry: CacheGeometry, model_config: WanTransformerConfig,
                             dtype: torch.dtype, num_blocks: int) -> list[dict[str, Any]] | None:
    """What this plugin keeps in memory for one video, for the memory ledger (`python -m memflow_ext.loaders
    memory`). Called without a pipeline or run: the ledger builds no model and allocates nothing.

    - `config`: the validated config (the plugin's section is `config.<name>`);
    - `geometry`: the KV cache's `memflow_ext.streaming.kv_cache.CacheGeometry` at the video's size;
    - `model_config`: the DiT's sizes (`num_layers`, `num_heads`, `head_dim`, ...);
    - `dtype`: the dtype of the KV cache (keys/values the plugin copies have it);
    - `num_blocks`: blocks in the video.

    Return a list of entries, one per buffer, each a dict with ``name`` (str), ``device_bytes`` (int:
    resident on the accelerator for the video), ``host_bytes`` (int: in host memory) and optionally
    ``transient_bytes`` (int: extra accelerator bytes held only around a block, e.g. a copy of an
    evicted chunk; the ledger adds them to a block's peak, not to a prompt switch's or a decode's) and
    ``owns_memory_segment`` (True when the buffer replaces MemFlow's NAM bank, so the ledger drops the
    bank). Return None (or nothing) to declare nothing. Every plugin's entries are kept.
    """
