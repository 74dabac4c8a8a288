"""The memory-segment interface a plugin gets on `run.memory`.

Through it a plugin can claim the memory segment (MemFlow's NAM is then off for this video),
read the text keys the model's cross-attention uses for a prompt, learn the cache geometry and
write whole frames of keys/values into the segment. Evicted chunks arrive through the
`iamflow_chunk_end` hook.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import TYPE_CHECKING

import torch

from memflow_ext.streaming.kv_cache import CacheGeometry
from memflow_ext.streaming.memory_bank import ExternalMemory

if TYPE_CHECKING:
    from memflow_ext.pipelines.memflow import MemFlowPipeline


class MemoryAccess:
    def __init__(self, pipeline: MemFlowPipeline, geometry: CacheGeometry) -> None:
        self._pipe = pipeline
        self.geometry = geometry
        c = pipeline.model.config
        self.num_layers = c.num_layers
        self.num_heads = c.num_heads
        self.head_dim = c.head_dim
        self.owner: str | None = None
        self.max_frames = 0
        self._segment: ExternalMemory | None = None
        self._embeds: list[torch.Tensor] = []
        self._text_keys: dict[int, dict[int, torch.Tensor]] = {}  # prompt -> layer -> keys

    @property
    def tokens_per_frame(self) -> int:
        return self.geometry.tokens_per_frame

    # -- ownership -------------------------------------------------------------------------------
    def claim(self, owner: str, max_frames: int) -> None:
        """Take the memory segment for this video (before init): MemFlow's NAM is switched off."""
        if self.owner is not None and self.owner != owner:
            raise RuntimeError(f"memory segment already claimed by '{self.owner}', cannot give it to '{owner}'")
        if max_frames < 0:
            raise ValueError(f"max_frames must be >= 0, got {max_frames}")
        self.owner = owner
        self.max_frames = max_frames

    @property
    def nam_enabled(self) -> bool:
        return self.owner is None

    def make_segment(self) -> ExternalMemory:
        """Called by the engine at init when the segment was claimed."""
        self._segment = ExternalMemory(self.geometry, self.num_layers, self.max_frames)
        p = next(self._pipe.model.parameters())
        empty = torch.zeros(1, 0, self.num_heads, self.head_dim, device=p.device, dtype=p.dtype)
        self._segment.set_reference(empty)
        return self._segment

    # -- writing ---------------------------------------------------------------------------------
    def write(self, keys: list[torch.Tensor], values: list[torch.Tensor], frame_ids: list[str]) -> None:
        """Replace the segment with whole frames: per layer [B, n*tokens_per_frame, H, D] (RoPE'd keys)."""
        if self._segment is None:
            raise RuntimeError("write() before the memory segment exists: claim it in pipeline_start")
        p = next(self._pipe.model.parameters())
        self._segment.write([k.to(p.device, p.dtype) for k in keys], [v.to(p.device, p.dtype) for v in values],
                            frame_ids)

    def clear(self) -> None:
        if self._segment is not None:
            self._segment.clear()

    @property
    def frame_ids(self) -> list[str]:
        return list(self._segment.frame_ids) if self._segment is not None else []

    # -- reading ---------------------------------------------------------------------------------
    def set_prompt_embeddings(self, embeds: list[torch.Tensor]) -> None:
        self._embeds = embeds
        self._text_keys = {}

    @torch.no_grad()
    def text_keys(self, prompt_index: int, layers: Sequence[int] | None = None) -> dict[int, torch.Tensor]:
        """Per layer (all, or `layers`), the cross-attention keys [B, text_len, H, D] of prompt `prompt_index`.

        Kept for the video. Copied from the engine's text cache when it holds that prompt's own
        embedding (not a plugin's replacement, see `iamflow_block_conditioning`); computed otherwise,
        keys only and for the requested layers only (each is a matmul over the whole text). The keys
        of the conditioning in use for the current pass, whatever it is, are `active_text_keys`.
        """
        layers = range(self.num_layers) if layers is None else layers
        have = self._text_keys.setdefault(prompt_index, {})
        missing = [layer for layer in layers if layer not in have]
        if missing:
            state = self._pipe.state
            text = state.text if state is not None else None
            if text is not None and text.prompt_index == prompt_index and text.holds(self._embeds[prompt_index]):
                for layer in missing:
                    if text.is_init[layer]:  # a copy: the engine zeroes its cache in place at the next switch
                        have[layer] = text.k[layer].clone()
                missing = [layer for layer in missing if layer not in have]
        if missing:
            model = self._pipe.model
            ctx = model.embed_text(self._embeds[prompt_index])
            for layer in missing:
                have[layer] = model.blocks[layer].cross_attn.text_k(ctx)
        return {layer: have[layer] for layer in layers}

    def cached_frames(self, frames: Sequence[int]) -> tuple[list[torch.Tensor], list[torch.Tensor]]:
        """Per layer, views of the KV cache's keys/values [B, len(frames)*tokens_per_frame, H, D] of the
        consecutive latent frames `frames` as the cache holds them now (RoPE'd keys). Valid until the next
        cache write: copy what must outlive it."""
        state = self._pipe.state
        if state is None:
            raise RuntimeError("cached_frames() outside a video")
        kv = state.kv
        try:
            first = kv.slot_frames.index(frames[0])
        except ValueError:
            raise RuntimeError(f"latent frame {frames[0]} is not in the KV cache") from None
        if kv.slot_frames[first : first + len(frames)] != list(frames):
            raise RuntimeError(f"latent frames {list(frames)} are not consecutive in the KV cache")
        tpf = self.tokens_per_frame
        piece = slice(first * tpf, (first + len(frames)) * tpf)
        return [k[:, piece] for k in kv.k], [v[:, piece] for v in kv.v]

    @torch.no_grad()
    def active_text_keys(self, layers: Sequence[int] | None = None) -> dict[int, torch.Tensor]:
        """Per layer, the keys [B, text_len, H, D] the model's cross-attention holds now (copies).

        These follow the conditioning of the latest model pass, including a plugin's replacement
        (empty before the first pass and right after a prompt switch clears the text cache).
        """
        layers = range(self.num_layers) if layers is None else layers
        state = self._pipe.state
        text = state.text if state is not None else None
        if text is None or text.source is None:
            return {}
        missing = [layer for layer in layers if not text.is_init[layer]]
        keys = {layer: text.k[layer].clone() for layer in layers if text.is_init[layer]}
        if missing:
            model = self._pipe.model
            ctx = model.embed_text(text.source)
            keys.update({layer: model.blocks[layer].cross_attn.text_k(ctx) for layer in missing})
        return {layer: keys[layer] for layer in layers}

    def token_char_spans(self, prompt: str) -> list[tuple[int, int]]:
        """Character span of each text token (for turning prompt spans into token positions)."""
        enc = self._pipe.text_encoder
        if enc is None:
            raise RuntimeError("no text encoder: token spans are unavailable")
        return enc.token_char_spans(prompt)
