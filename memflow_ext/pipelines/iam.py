"""IAMPipeline: MemFlow's loop with the `iamflow` hook calls (see hooks/specs.py).

With no plugins registered it computes exactly what MemFlowPipeline computes (bit for bit):
the hooks only observe, except where a plugin claims the memory segment or replaces a pass's text
conditioning (`iamflow_block_conditioning`).
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from pathlib import Path
from typing import Any, TypeVar

import pluggy
import torch
from pluggy import HookImpl

from hooks import hookimpl
from hooks.manager import PluginError, failing_plugin
from hooks.run import RunState
from memflow_ext.pipelines.loop import BlockLoop
from memflow_ext.pipelines.memflow import MemFlowPipeline
from memflow_ext.streaming.kv_cache import CacheGeometry
from memflow_ext.streaming.memory_access import MemoryAccess
from memflow_ext.streaming.memory_bank import MemorySegment
from memflow_ext.streaming.state import CallInfo, StreamState

T = TypeVar("T")


class _EnginePhase:
    """The engine's own implementation of `iamflow_phase`: it runs the phase."""

    @hookimpl(trylast=True)
    def iamflow_phase(self, execute: Callable[[], Any]) -> Any:
        return _Box(execute())


class _Box:
    """Lets a phase that returns None still count as the first result."""

    __slots__ = ("value",)

    def __init__(self, value: Any) -> None:
        self.value = value


class IAMLoop(BlockLoop):
    """The block loop of one video with its `RunState` and the hook calls (the pipeline holds the plugins)."""

    pipeline: IAMPipeline

    def __init__(self, pipeline: IAMPipeline, *, interactive: bool, output_dir: Path | None = None,
                 run_key: str = "video") -> None:
        super().__init__(pipeline, interactive=interactive, output_dir=output_dir, run_key=run_key)
        self.pm = pipeline.pm
        self.memory: MemoryAccess | None = None  # the run's `run.memory` (from `begin`)
        self._conditioning_impls: list[HookImpl] = []  # iamflow_block_conditioning, in call order
        self._text_masks: dict[int, tuple[torch.Tensor, torch.Tensor]] = {}  # id(embedding) -> (it, mask)

    # -- hook plumbing ---------------------------------------------------------------------------
    def call_hook(self, hook: str, **kwargs: Any) -> Any:
        """Call `iamflow_<hook>` with the pipeline and this video's run; a plugin's error names the plugin."""
        name = f"iamflow_{hook}"
        try:
            return getattr(self.pm.hook, name)(pipeline=self.pipeline, run=self.run, **kwargs)
        except PluginError:
            raise
        except Exception as e:
            who = failing_plugin(self.pm, name, e)
            raise PluginError(f"plugin '{who}' failed in hook '{name}': {type(e).__name__}: {e}") from e

    def emit(self, hook: str, **kwargs: Any) -> None:
        run = self.run
        if run is None:
            return
        if hook == "prompt_switch":
            run.prompt_index, run.prompt = kwargs["prompt_index"], kwargs["prompt"]
            if run.prompt_index >= len(run.prompts):  # a stream's live switch: the run learns of it now
                run.prompts.append(run.prompt)
                run.switch_frame_indices.append(kwargs["start_frame"])
        elif hook == "pipeline_end" and "max_frames" in kwargs["result"].info:
            run.num_output_frames = int(kwargs["result"].latents.shape[1])  # a stream closed: the frames made
        elif hook == "block_start":
            run.block_index = kwargs["block_index"]
            run.start_frame = run.block_index * run.frames_per_block
        elif hook == "chunk_end":
            run.chunk_index = kwargs["chunk_index"]
        self.call_hook(hook, **kwargs)

    def phase(self, name: str, execute: Callable[[], T]) -> T:
        if self.run is None:
            return execute()
        box = self.call_hook("phase", phase=name, execute=execute)
        return box.value if isinstance(box, _Box) else box  # a plugin's replacement

    def wants_evicted(self) -> bool:
        return bool(self.run is not None and self.call_hook("wants_evicted"))

    def conditioning(self, state: StreamState, call: CallInfo, ctx: torch.Tensor) -> torch.Tensor:
        """The pass's conditioning (`iamflow_block_conditioning`), with the text cache kept in step.

        Whenever the conditioning differs from what the cross-attention text cache holds, the cache is
        refilled before the pass: the model reads the cache, not `ctx`, once it is filled, and NAM and
        `run.memory` read their text keys from it. With no replacement this never happens (the cache
        is filled from the prompt's own embedding, as in MemFlowPipeline).
        """
        if self._conditioning_impls and self.run is not None:
            ctx = self._hook_conditioning(state, call, ctx)
        text = state.text
        if any(text.is_init) and not text.holds(ctx):
            self.pipeline.model.fill_text_cache(ctx, text)
        text.source = ctx
        return ctx

    def _hook_conditioning(self, state: StreamState, call: CallInfo, ctx: torch.Tensor) -> torch.Tensor:
        """The first implementation that returns a tensor replaces `ctx`.

        Dispatched here rather than through pluggy's caller so that a wrong result names the plugin
        that returned it; the order is pluggy's (tryfirst first, then the last registered first).
        """
        impls = self._conditioning_impls
        g = state.kv.geometry
        purpose = "recache" if call.is_recache else "context" if call.update_cache else "denoise"
        # a re-cache re-encodes the frames before the switch; it belongs to the switch's block
        block = (call.current_end if call.is_recache else call.current_start) // g.block_tokens
        kwargs = {"pipeline": self.pipeline, "run": self.run, "block_index": block,
                  "prompt_index": state.text.prompt_index, "purpose": purpose, "conditioning": ctx,
                  "text_mask": self.text_mask(ctx)}
        for impl in impls:
            try:
                out = impl.function(**{a: kwargs[a] for a in impl.argnames})
            except Exception as e:
                raise PluginError(f"plugin '{impl.plugin_name}' failed in hook 'iamflow_block_conditioning': "
                                  f"{type(e).__name__}: {e}") from e
            if out is None:
                continue
            if not isinstance(out, torch.Tensor) or out.shape != ctx.shape or out.dtype != ctx.dtype \
                    or out.device != ctx.device:
                got = (f"{type(out).__name__} {tuple(out.shape)} {out.dtype} on {out.device}"
                       if isinstance(out, torch.Tensor) else type(out).__name__)
                raise PluginError(f"plugin '{impl.plugin_name}' returned a conditioning of {got} from "
                                  f"'iamflow_block_conditioning'; expected a tensor {tuple(ctx.shape)} "
                                  f"{ctx.dtype} on {ctx.device}, like the one it was given")
            return out
        return ctx

    def text_mask(self, ctx: torch.Tensor) -> torch.Tensor:
        """[B, L] True on the non-padding rows of a prompt embedding (padding rows are zero); cached per video."""
        hit = self._text_masks.get(id(ctx))
        if hit is not None and hit[0] is ctx:
            return hit[1]
        mask = (ctx != 0).any(dim=-1)
        self._text_masks[id(ctx)] = (ctx, mask)
        return mask

    def memory_segment(self, geometry: CacheGeometry, batch: int) -> MemorySegment | None:
        memory = self.memory
        if memory is not None and not memory.nam_enabled:
            return memory.make_segment()
        return None

    def init_state(self, batch: int, latent_hw: tuple[int, int]) -> StreamState:
        state = super().init_state(batch, latent_hw)
        if self.memory is not None:
            self.memory.attach(state.kv, state.text)
        return state

    def _text_keys(self, ctx: torch.Tensor, layers: Sequence[int]) -> dict[int, torch.Tensor]:
        """Per layer, the model's cross-attention keys of a text embedding (keys only: one matmul per layer)."""
        model = self.pipeline.model
        emb = model.embed_text(ctx)
        blocks = model.attention_blocks
        return {layer: blocks[layer].cross_attn.text_k(emb) for layer in layers}

    def _memory_access(self, geometry: CacheGeometry) -> MemoryAccess:
        pipe = self.pipeline
        c = pipe.model.config
        p = next(pipe.model.parameters())
        enc = pipe.text_encoder
        return MemoryAccess(geometry, num_layers=c.num_layers, num_heads=c.num_heads, head_dim=c.head_dim,
                            device=p.device, dtype=p.dtype, text_keys=self._text_keys,
                            token_spans=enc.token_char_spans if enc is not None else None,
                            rope_freqs=pipe.model.freqs)

    # -- per video -------------------------------------------------------------------------------
    def begin(self, prompts: list[str], switch_frame_indices: list[int], seed: int, frames: int,
              latent_hw: tuple[int, int]) -> None:
        super().begin(prompts, switch_frame_indices, seed, frames, latent_hw)
        pipe = self.pipeline
        g = pipe.geometry(latent_hw)
        fpb = pipe.cfg.num_frame_per_block
        self.run = RunState(
            config=pipe.cfg, prompts=list(prompts), switch_frame_indices=list(switch_frame_indices), seed=seed,
            key=self.run_key, output_dir=self.output_dir, plugins=pipe.plugin_names, device=str(pipe.device),
            geometry=g, num_blocks=frames // fpb, frames_per_block=fpb, num_output_frames=frames,
            interactive=self.interactive,
        )
        self.memory = self._memory_access(g)
        self.run.memory = self.memory
        self.call_hook("pipeline_start")

    def start(self, embeds: list[torch.Tensor]) -> None:
        self._text_masks = {}
        self._conditioning_impls = []
        if self.run is not None and self.memory is not None:
            self.memory.set_prompt_embeddings(embeds)  # the stream's list: it grows with live switches
            impls = self.pm.hook.iamflow_block_conditioning.get_hookimpls()
            wrappers = [i.plugin_name for i in impls if i.hookwrapper or i.wrapper]
            if wrappers:
                raise PluginError(f"plugin(s) {', '.join(wrappers)} implement 'iamflow_block_conditioning' as a "
                                  "wrapper; it takes plain implementations only (first result wins)")
            self._conditioning_impls = impls[::-1]  # pluggy calls the last of the list first


class IAMPipeline(MemFlowPipeline):
    """MemFlow with the `iamflow` plugins (`pm`); each video runs in an `IAMLoop`."""

    loop_cls: type[BlockLoop] = IAMLoop

    def __init__(self, *args: Any, plugin_manager: pluggy.PluginManager | None = None, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        from hooks.manager import build_plugin_manager

        self.pm = plugin_manager or build_plugin_manager([])
        self.pm.register(_EnginePhase(), name="iamflow-engine")

    @property
    def plugin_names(self) -> list[str]:
        return [n for n, _ in self.pm.list_name_plugin() if n != "iamflow-engine"]
