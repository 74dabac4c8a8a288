"""The memory-segment interface a plugin gets on `run.memory`.

Through it a plugin can claim the memory segment (MemFlow's NAM is then off for this video),
read the text keys the model's cross-attention uses for a prompt, learn the cache geometry and
write whole frames of keys/values into the segment. Evicted chunks arrive through the
`iamflow_chunk_end` hook.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence

import torch

from memflow_ext.streaming.kv_cache import CacheGeometry, CrossAttnCache, KVCache
from memflow_ext.streaming.memory_bank import ExternalMemory

# per layer in the given layers, the cross-attention keys [B, text_len, H, D] of a text embedding
TextKeys = Callable[[torch.Tensor, Sequence[int]], dict[int, torch.Tensor]]
TokenSpans = Callable[[str], list[tuple[int, int]]]


class MemoryAccess:
    """The engine's `hooks.contract.MemoryAccess`: given the sizes and, once allocated, the caches of one video.

    `text_keys` computes a text embedding's cross-attention keys (the model's), `token_spans` a
    prompt's token character spans (the text encoder's, None without one), `rope_freqs` the model's
    RoPE table. The caches arrive with `attach` at init; the engine calls `make_segment` (when the
    segment was claimed) and `set_prompt_embeddings`, plugins the rest.
    """

    def __init__(self, geometry: CacheGeometry, *, num_layers: int, num_heads: int, head_dim: int,
                 device: torch.device, dtype: torch.dtype, text_keys: TextKeys, token_spans: TokenSpans | None = None,
                 rope_freqs: torch.Tensor | None = None) -> None:
        self.geometry = geometry
        self.num_layers = num_layers
        self.num_heads = num_heads
        self.head_dim = head_dim
        self.cache_device = device
        self.cache_dtype = dtype
        self.rope_freqs = rope_freqs
        self._compute_text_keys = text_keys
        self._token_spans = token_spans
        self.owner: str | None = None
        self.max_frames = 0
        self._kv: KVCache | None = None
        self._text: CrossAttnCache | None = None
        self._segment: ExternalMemory | None = None
        self._embeds: list[torch.Tensor] = []
        self._text_keys: dict[int, dict[int, torch.Tensor]] = {}  # prompt -> layer -> keys

    @property
    def tokens_per_frame(self) -> int:
        return self.geometry.tokens_per_frame

    def attach(self, kv: KVCache, text: CrossAttnCache) -> None:
        """The video's caches, once allocated (the engine, at init)."""
        self._kv, self._text = kv, text

    @property
    def cache_shape(self) -> tuple[int, int, int, int]:
        """One layer's cached keys: [B, capacity, H, D] (known from the init phase on)."""
        if self._kv is None:
            raise RuntimeError("cache_shape before the caches exist: read it after the init phase")
        b, n, h, d = self._kv.k[0].shape
        return int(b), int(n), int(h), int(d)

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
        empty = torch.zeros(1, 0, self.num_heads, self.head_dim, device=self.cache_device, dtype=self.cache_dtype)
        self._segment.set_reference(empty)
        return self._segment

    # -- writing ---------------------------------------------------------------------------------
    def write(self, keys: list[torch.Tensor], values: list[torch.Tensor], frame_ids: list[str]) -> None:
        """Replace the segment with whole frames: per layer [B, n*tokens_per_frame, H, D] (RoPE'd keys)."""
        if self._segment is None:
            raise RuntimeError("write() before the memory segment exists: claim it in pipeline_start")
        dev, dt = self.cache_device, self.cache_dtype
        self._segment.write([k.to(dev, dt) for k in keys], [v.to(dev, dt) for v in values], frame_ids)

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
            text = self._text
            if text is not None and text.prompt_index == prompt_index and text.holds(self._embeds[prompt_index]):
                for layer in missing:
                    if text.is_init[layer]:  # a copy: the engine zeroes its cache in place at the next switch
                        have[layer] = text.k[layer].clone()
                missing = [layer for layer in missing if layer not in have]
        if missing:
            have.update(self._compute_text_keys(self._embeds[prompt_index], missing))
        return {layer: have[layer] for layer in layers}

    def cached_frames(self, frames: Sequence[int]) -> tuple[list[torch.Tensor], list[torch.Tensor]]:
        """Per layer, views of the KV cache's keys/values [B, len(frames)*tokens_per_frame, H, D] of the
        consecutive latent frames `frames` as the cache holds them now (RoPE'd keys). Valid until the next
        cache write: copy what must outlive it."""
        kv = self._kv
        if kv is None:
            raise RuntimeError("cached_frames() before the caches exist (outside a video, or before init)")
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
        text = self._text
        if text is None or text.source is None:
            return {}
        missing = [layer for layer in layers if not text.is_init[layer]]
        keys = {layer: text.k[layer].clone() for layer in layers if text.is_init[layer]}
        if missing:
            keys.update(self._compute_text_keys(text.source, missing))
        return {layer: keys[layer] for layer in layers}

    def token_char_spans(self, prompt: str) -> list[tuple[int, int]]:
        """Character span of each text token (for turning prompt spans into token positions)."""
        if self._token_spans is None:
            raise RuntimeError("no text encoder: token spans are unavailable")
        return self._token_spans(prompt)
