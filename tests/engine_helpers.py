"""Small builders shared by engine tests (tiny preset, random prompt embeddings)."""

from __future__ import annotations

import torch

from memflow_ext.builder import build_model
from memflow_ext.config import load_config
from memflow_ext.pipeline import MemFlowPipeline
from memflow_ext.presets import TINY


def tiny_model():
    return build_model(TINY.transformer, seed=TINY.init_seed)


def tiny_pipeline(overrides: list[str] | None = None, cls=MemFlowPipeline, model=None):
    cfg = load_config(overrides=overrides or [])
    return cls(cfg, model or tiny_model(), device="cpu")


def rand_embeds(n: int, seed: int = 0) -> list[torch.Tensor]:
    g = torch.Generator().manual_seed(seed)
    c = TINY.transformer
    return [torch.randn(1, c.text_len, c.text_dim, generator=g) for _ in range(n)]


def rand_noise(frames: int, seed: int = 0, hw: tuple[int, int] = (8, 8)) -> torch.Tensor:
    g = torch.Generator().manual_seed(seed)
    return torch.randn(1, frames, TINY.transformer.in_dim, *hw, generator=g)
