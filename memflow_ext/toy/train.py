"""Train the `toy` preset: ``python -m memflow_ext.toy.train --out DIR [--steps N] [--export FILE]``.

Flow matching with the engine's schedule: every block of a story gets its own timestep (one of the
sampler's warped steps) and noise, and the model predicts its flow (noise - clean) through the
training replay (`memflow_ext.toy.replay`), which shows it what streaming inference shows it: the
clean earlier blocks in the sink and local window, the re-cache at each prompt switch, and memory
frames chosen by `memory_rule`. The DiT trains; the text encoder stays at its seeded random weights;
the codec is fitted once on the training stories' frames.

Resumable bit for bit: `DIR/train_state.pt` holds the model, the optimizer, the learning-rate
schedule, the sampler's RNG, the data cursor and the loss history, written every `--save-every`
steps (temp file + rename); a rerun with the same `--out` continues from it.
"""

from __future__ import annotations

import argparse
import dataclasses
import hashlib
import math
import os
import sys
import time
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import numpy as np
import torch
from loguru import logger
from tqdm import tqdm

from memflow_ext.config import IAMFlowConfig, load_config
from memflow_ext.models.codec import PatchPCACodec
from memflow_ext.presets import TOY, Preset
from memflow_ext.schedulers.flow_match import FlowMatchSchedule
from memflow_ext.toy.replay import StreamingReplay
from memflow_ext.toy.world import Story, load_world, story_of_kind

STATE_FILE = "train_state.pt"
EVAL_SEED_BASE = 1_000_000  # evaluation stories use seeds from here on; training uses 0 .. dataset_size-1


@dataclass
class TrainConfig:
    """Every training setting, with its default (the shipped checkpoint's values)."""

    steps: int = 5000
    batch: int = 8
    lr: float = 1e-3
    warmup: int = 100
    min_lr_frac: float = 0.1  # cosine decay to this fraction of lr
    grad_clip: float = 1.0
    seed: int = 0
    dataset_size: int = 4000  # stories (single / switch / return in turn); seeds 0 .. dataset_size-1
    codec_fit_stories: int = 150
    save_every: int = 100
    kinds: tuple[str, ...] = ("single", "switch", "return")
    # a block whose noisy pass drew the sampler's last (least noisy) level is what inference hands on:
    # its context is the model's own x0 estimate there, not the clean block (replay: `own_context`)
    own_context: bool = True
    # the engine settings the replay trains under (configs/toy_interactive.yaml uses the same)
    engine: list[str] = field(default_factory=lambda: [
        "preset=toy", "model_kwargs.local_attn_size=9", "model_kwargs.sink_size=3", "model_kwargs.bank_size=2",
    ])

    def __post_init__(self) -> None:
        for key in ("steps", "batch", "dataset_size", "codec_fit_stories", "save_every"):
            if getattr(self, key) < 1:
                raise ValueError(f"train.{key} must be >= 1, got {getattr(self, key)}")
        if not self.lr > 0:
            raise ValueError(f"train.lr must be > 0, got {self.lr}")
        if self.dataset_size < len(self.kinds):
            raise ValueError(f"train.dataset_size={self.dataset_size} must hold one story of each kind {self.kinds}")


def memory_rule(story: Story, max_frames: int):
    """The memory frames of each block (training's rule; it never looks at the memory plugin).

    Candidates are the frames that have left the local window. For each object the block's prompt
    names, in mention order, the latest candidate in which the ground truth shows it at least
    `fully_visible` inside the frame; then the latest other candidates, until min(max_frames,
    candidates) frames; in frame order.
    """
    full = load_world().fully_visible

    def choose(block: int, sample: int, evicted) -> list[int]:
        frames = list(dict.fromkeys(evicted))
        want = min(max_frames, len(frames))
        chosen: list[int] = []
        for oid in story.named(story.block_prompt[block]):
            hit = next((f for f in reversed(frames) if f not in chosen and story.visible(f, oid) >= full), None)
            if hit is not None and len(chosen) < want:
                chosen.append(hit)
        for f in reversed(frames):
            if len(chosen) >= want:
                break
            if f not in chosen:
                chosen.append(f)
        return sorted(chosen)

    return choose


def video_tensor(story: Story) -> torch.Tensor:
    """A story's frames as [T, 3, H, W] in [-1, 1]."""
    return torch.from_numpy(story.video).permute(0, 3, 1, 2) * 2.0 - 1.0


class ToyData:
    """The training stories, their latents and prompt embeddings, computed once (deterministic)."""

    def __init__(self, cfg: TrainConfig, codec: PatchPCACodec, text_encoder: Any, fpb: int, fit: bool) -> None:
        self.kinds = cfg.kinds
        self.stories = [story_of_kind(cfg.kinds[i % len(cfg.kinds)], i, fpb) for i in
                        tqdm(range(cfg.dataset_size), desc="toy stories", leave=False)]
        if fit:
            codec.fit(torch.cat([video_tensor(s) for s in self.stories[: cfg.codec_fit_stories]])[None])
        self.latents = [codec.encode(video_tensor(s)[None])[0] for s in self.stories]
        prompts = sorted({p for s in self.stories for p in s.prompts})
        self.embeds: dict[str, torch.Tensor] = {}
        for i in range(0, len(prompts), 64):
            chunk = prompts[i : i + 64]
            self.embeds.update(zip(chunk, text_encoder.encode(chunk).float(), strict=True))
        self.by_kind = {k: [i for i, s in enumerate(self.stories) if s.kind == k] for k in cfg.kinds}


def word_embeddings(text_encoder: Any) -> torch.Tensor:
    """The text embeddings of every grammar word, one prompt per word [words, L, text_dim] (float32).

    The DiT learned to read exactly these: the bundle stores them (`check.word_embeddings`) and a test
    compares what the text encoder gives today against them within float tolerance (a hash of the
    values themselves would flip with the last bit a CPU or thread count changes)."""
    with torch.no_grad():
        return text_encoder.encode(load_world().words).float().cpu()


def tensor_digest(t: torch.Tensor) -> str:
    """SHA-256 of a tensor's float32 bytes: names the stored reference in the bundle's metadata."""
    return hashlib.sha256(t.detach().to(torch.float32).contiguous().numpy().tobytes()).hexdigest()


class Trainer:
    def __init__(self, cfg: TrainConfig, out: Path, preset: Preset = TOY) -> None:
        from memflow_ext.loaders.bundled import build_codec
        from memflow_ext.pipelines.builder import build_model, build_text_encoder

        self.cfg = cfg
        self.out = out
        self.preset = preset
        self.engine: IAMFlowConfig = load_config(overrides=list(cfg.engine))
        self.model = build_model(preset.transformer, seed=cfg.seed, device="cpu").train()
        self.text = build_text_encoder(preset, preset.init_seed + 1, torch.device("cpu"), torch.float32)
        self.codec = build_codec(preset)
        self.data = ToyData(cfg, self.codec, self.text, self.engine.num_frame_per_block, fit=True)
        self.replay = StreamingReplay(self.engine, self.model, preset.latent_hw())
        sched = FlowMatchSchedule(shift=self.engine.model_kwargs.timestep_shift)
        self.schedule = sched
        self.timesteps = sched.sampler_timesteps(self.engine.denoising_step_list, self.engine.warp_denoising_step)
        # the sampler's last, least noisy level: what a block hands on at inference (`own_context`)
        self.last_level = int(torch.argmin(sched.sigma_at(self.timesteps)))
        self.opt = torch.optim.AdamW(self.model.parameters(), lr=cfg.lr, weight_decay=0.0)
        self.lr_sched = torch.optim.lr_scheduler.LambdaLR(self.opt, self._lr_factor)
        self.gen = torch.Generator().manual_seed(cfg.seed)
        self.step = 0
        self.cursor = {k: 0 for k in cfg.kinds}
        self.order = {k: self._permutation(k) for k in cfg.kinds}
        self.history: list[float] = []
        self.seconds = 0.0

    def _lr_factor(self, step: int) -> float:
        c = self.cfg
        if step < c.warmup:
            return (step + 1) / c.warmup
        frac = min(1.0, (step - c.warmup) / max(1, c.steps - c.warmup))
        return c.min_lr_frac + (1 - c.min_lr_frac) * 0.5 * (1 + math.cos(math.pi * frac))

    def _permutation(self, kind: str) -> list[int]:
        idx = self.data.by_kind[kind]
        return [idx[i] for i in torch.randperm(len(idx), generator=self.gen).tolist()]

    def _next_batch(self) -> list[int]:
        """The indices (into `self.data.stories`) of the next batch's stories."""
        kind = self.cfg.kinds[self.step % len(self.cfg.kinds)]
        picked = []
        for _ in range(self.cfg.batch):
            if self.cursor[kind] >= len(self.order[kind]):
                self.order[kind] = self._permutation(kind)
                self.cursor[kind] = 0
            picked.append(self.order[kind][self.cursor[kind]])
            self.cursor[kind] += 1
        return picked

    # -- state ---------------------------------------------------------------------------------------
    def state(self) -> dict[str, Any]:
        return {"model": self.model.state_dict(), "opt": self.opt.state_dict(), "lr": self.lr_sched.state_dict(),
                "gen": self.gen.get_state(), "step": self.step, "cursor": dict(self.cursor),
                "order": {k: list(v) for k, v in self.order.items()}, "history": list(self.history),
                "seconds": self.seconds, "config": dataclasses.asdict(self.cfg)}

    def save(self) -> None:
        self.out.mkdir(parents=True, exist_ok=True)
        tmp = self.out / (STATE_FILE + ".tmp")
        torch.save(self.state(), tmp)
        os.replace(tmp, self.out / STATE_FILE)

    def load(self, path: Path) -> None:
        st = torch.load(path, weights_only=False)
        saved = {k: v for k, v in st["config"].items() if k not in ("steps", "save_every")}
        mine = {k: v for k, v in dataclasses.asdict(self.cfg).items() if k not in ("steps", "save_every")}
        if {k: list(v) if isinstance(v, tuple) else v for k, v in saved.items()} != \
                {k: list(v) if isinstance(v, tuple) else v for k, v in mine.items()}:
            raise ValueError(f"{path} was written with other training settings: {saved} (now {mine})")
        self.model.load_state_dict(st["model"])
        self.opt.load_state_dict(st["opt"])
        self.lr_sched.load_state_dict(st["lr"])
        self.gen.set_state(st["gen"])
        self.step, self.cursor, self.order = st["step"], st["cursor"], st["order"]
        self.history, self.seconds = st["history"], st["seconds"]

    # -- training ------------------------------------------------------------------------------------
    def loss_on(self, picked: list[int]) -> torch.Tensor:
        stories = [self.data.stories[i] for i in picked]
        clean = torch.stack([self.data.latents[i] for i in picked])
        first = stories[0]
        n_prompts = len(first.segments)
        text = [torch.stack([self.data.embeds[s.prompts[p]] for s in stories]) for p in range(n_prompts)]
        b, frames = clean.shape[:2]
        fpb = self.engine.num_frame_per_block
        blocks = frames // fpb
        noise = torch.randn(clean.shape, generator=self.gen)
        tidx = torch.randint(0, len(self.timesteps), (b, blocks), generator=self.gen)
        t = self.timesteps[tidx]  # [B, blocks]
        block_sigma = self.schedule.sigma_at(t.flatten()).view(b, blocks)
        sigma = block_sigma.view(b, blocks, 1, 1, 1, 1).expand(b, blocks, fpb, 1, 1, 1).reshape(b, frames, 1, 1, 1)
        noisy = (1 - sigma) * clean + sigma * noise
        rules = [memory_rule(s, self.engine.model_kwargs.bank_size) for s in stories]
        own = tidx == self.last_level if self.cfg.own_context else None
        out = self.replay.run(clean, noisy, t, text, first.block_prompt,
                              lambda blk, i, ev: rules[i](blk, i, ev), own_context=own,
                              noisy_sigma=block_sigma)
        return torch.nn.functional.mse_loss(out.flow, noise - clean)

    def train(self, until: int | None = None, progress: bool = True) -> None:
        until = self.cfg.steps if until is None else min(until, self.cfg.steps)
        bar = tqdm(total=self.cfg.steps, initial=self.step, desc="toy training", disable=not progress)
        while self.step < until:
            t0 = time.perf_counter()
            loss = self.loss_on(self._next_batch())
            self.opt.zero_grad(set_to_none=True)
            loss.backward()
            torch.nn.utils.clip_grad_norm_(self.model.parameters(), self.cfg.grad_clip)
            self.opt.step()
            self.lr_sched.step()
            self.step += 1
            self.history.append(float(loss.detach()))
            self.seconds += time.perf_counter() - t0
            bar.update(1)
            bar.set_postfix(loss=f"{self.history[-1]:.4f}")
            if self.step % self.cfg.save_every == 0 or self.step == until:
                self.save()
        bar.close()

    def export(self, path: Path) -> None:
        from memflow_ext.loaders.bundled import save_bundle

        h = self.history
        every = max(1, len(h) // 60)
        curve = [[min(i + every, len(h)), round(float(np.mean(h[i : i + every])), 5)] for i in range(0, len(h), every)]
        meta = {"steps": self.step, "train_seconds": round(self.seconds, 1), "loss_curve": curve,
                "train_config": dataclasses.asdict(self.cfg), "threads": torch.get_num_threads(),
                "eval_seed_base": EVAL_SEED_BASE}
        words = word_embeddings(self.text)
        meta["word_embedding_sha256"] = tensor_digest(words)
        self.model.eval()
        save_bundle(path, self.model, self.text, self.codec, meta, checks={"word_embeddings": words})
        logger.info(f"exported {path} ({path.stat().st_size / 1e6:.2f} MB, step {self.step})")


def main(argv: list[str] | None = None) -> int:
    defaults = TrainConfig()
    ap = argparse.ArgumentParser(prog="python -m memflow_ext.toy.train", description=__doc__.splitlines()[0])
    ap.add_argument("--out", required=True, type=Path, help="folder for train_state.pt (resumed when present)")
    ap.add_argument("--export", type=Path, help="write the bundled safetensors file here at the end")
    ap.add_argument("--until", type=int, help="stop after this step (the schedule still spans --steps)")
    ap.add_argument("--threads", type=int, help="torch threads (resume bit for bit needs the same count)")
    ap.add_argument("--quiet", action="store_true", help="no progress bar")
    for f in dataclasses.fields(TrainConfig):
        if f.name in ("kinds", "engine"):
            continue
        ap.add_argument(f"--{f.name.replace('_', '-')}", type=type(getattr(defaults, f.name)),
                        default=getattr(defaults, f.name))
    args = ap.parse_args(argv)
    if args.threads:
        torch.set_num_threads(args.threads)
    cfg = TrainConfig(**{f.name: getattr(args, f.name) for f in dataclasses.fields(TrainConfig)
                         if f.name not in ("kinds", "engine")})
    trainer = Trainer(cfg, args.out)
    state = args.out / STATE_FILE
    if state.is_file():
        trainer.load(state)
        logger.info(f"resumed from {state} at step {trainer.step}")
    trainer.train(until=args.until, progress=not args.quiet)
    if args.export:
        trainer.export(args.export)
    return 0


if __name__ == "__main__":
    sys.exit(main())
