"""Batches that survive: data parallel over processes (torchrun), resume, and a run.json manifest.

* Under `torchrun --nproc_per_node=N`, rank r takes jobs r, r+N, r+2N, ...; only rank 0 logs to the
  console, the others log to `<output_folder>/logs/rank<r>.log`.
* Every video is generated into a hidden temporary folder and renamed when complete; its
  `meta.json` (written last) lists every file with its size. A rerun skips a video whose folder
  checks out against that list and regenerates anything else.
* `run.json` records config, versions, git commit, start/end and per-video status and timings. It
  is rewritten atomically after every video, so an interrupted batch leaves an accurate record.
"""

from __future__ import annotations

import json
import os
import platform
import shutil
import subprocess
import sys
import tempfile
import time
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import torch
from loguru import logger
from safetensors.torch import save as st_save
from tqdm.auto import tqdm

from memflow_ext.app.prompt_files import Job
from memflow_ext.config import IAMFlowConfig, to_yaml
from memflow_ext.io_utils import UMASK, atomic_write_bytes, atomic_write_json

META = "meta.json"


@dataclass
class DistInfo:
    rank: int = 0
    world: int = 1
    local_rank: int = 0

    @property
    def is_main(self) -> bool:
        return self.rank == 0


def dist_from_env() -> DistInfo:
    """Rank/world from torchrun's environment (a single process when absent)."""
    world = int(os.environ.get("WORLD_SIZE", "1"))
    if world <= 1:
        return DistInfo()
    return DistInfo(int(os.environ.get("RANK", "0")), world, int(os.environ.get("LOCAL_RANK", "0")))


def init_distributed(info: DistInfo) -> None:
    if info.world <= 1 or not torch.distributed.is_available() or torch.distributed.is_initialized():
        return
    backend = "nccl" if torch.cuda.is_available() else "gloo"
    torch.distributed.init_process_group(backend=backend)


def device_for_rank(cfg: IAMFlowConfig, info: DistInfo) -> str:
    if info.world > 1 and cfg.device in ("auto", "cuda") and torch.cuda.is_available():
        return f"cuda:{info.local_rank}"
    return cfg.device


def setup_logging(out_root: Path, info: DistInfo, quiet: bool) -> None:
    logger.remove()
    level = "WARNING" if quiet else "INFO"
    if info.is_main:
        logger.add(sys.stderr, level=level)
    else:
        (out_root / "logs").mkdir(parents=True, exist_ok=True)
        logger.add(out_root / "logs" / f"rank{info.rank}.log", level="INFO")


def is_complete(folder: Path) -> bool:
    """A video folder is complete when meta.json lists files that all exist with the listed sizes."""
    meta = folder / META
    try:
        data = json.loads(meta.read_text())
        files = data["files"]
    except (OSError, ValueError, KeyError, TypeError):
        return False
    if not isinstance(files, dict) or not files or data.get("status") != "complete":
        return False
    for name, size in files.items():
        p = folder / name
        if not p.is_file() or p.stat().st_size != size:
            return False
    return True


def git_commit() -> str | None:
    try:
        out = subprocess.run(["git", "rev-parse", "HEAD"], cwd=Path(__file__).resolve().parent, capture_output=True,
                             text=True, timeout=10)
    except (OSError, subprocess.SubprocessError):
        return None
    return out.stdout.strip() or None if out.returncode == 0 else None


def versions() -> dict[str, str]:
    import diffusers
    import transformers

    return {"python": platform.python_version(), "torch": torch.__version__, "diffusers": diffusers.__version__,
            "transformers": transformers.__version__}


@dataclass
class Manifest:
    path: Path
    cfg: IAMFlowConfig
    info: DistInfo
    skipped_invalid: list[dict[str, Any]] = field(default_factory=list)
    videos: dict[str, dict[str, Any]] = field(default_factory=dict)
    started: float = field(default_factory=time.time)
    ended: float | None = None

    def to_json(self) -> dict[str, Any]:
        return {
            "config": to_yaml(self.cfg), "versions": versions(), "git_commit": git_commit(),
            "world_size": self.info.world, "start": self.started, "end": self.ended,
            "skipped_invalid": self.skipped_invalid, "videos": self.videos,
        }

    def save(self) -> None:
        target = self.path if self.info.world <= 1 else self.path.with_name(f".run.rank{self.info.rank}.json")
        atomic_write_json(target, self.to_json())

    def merge_ranks(self) -> None:
        """Rank 0, after the barrier: fold every rank's record into run.json."""
        merged = dict(self.videos)
        for r in range(1, self.info.world):
            part = self.path.with_name(f".run.rank{r}.json")
            try:
                merged.update(json.loads(part.read_text())["videos"])
                part.unlink()
            except (OSError, ValueError, KeyError):
                logger.warning(f"rank {r} left no record at {part}")
        self.videos = dict(sorted(merged.items()))
        own = self.path.with_name(".run.rank0.json")
        if own.exists():
            own.unlink()
        atomic_write_json(self.path, self.to_json())


def generate_into(pipe: Any, cfg: IAMFlowConfig, job: Job, folder: Path, interactive: bool, quiet: bool) -> None:
    """Everything of one video into `folder`; meta.json (with the file list) is written last."""
    from memflow_ext.io_utils import write_mp4
    from memflow_ext.models.vae import to_uint8

    if hasattr(pipe, "output_dir"):
        pipe.output_dir, pipe.run_key = folder, job.key
    res = pipe.generate(job.prompts, job.switch_frame_indices, seed=job.seed, interactive=interactive,
                        decode=cfg.save_video, progress=not quiet)
    atomic_write_bytes(folder / "latents.safetensors", st_save({"latents": res.latents.float().cpu().contiguous()}))
    if res.video is not None:
        write_mp4(folder / "video.mp4", to_uint8(res.video[0]), fps=cfg.fps)
    files = {p.name: p.stat().st_size for p in sorted(folder.iterdir()) if p.is_file() and p.name != META}
    atomic_write_json(folder / META, {
        "status": "complete", "key": job.key, "line": job.line, "sample": job.sample, "seed": job.seed,
        "prompts": job.prompts, "switch_frame_indices": job.switch_frame_indices,
        "num_output_frames": int(res.latents.shape[1]), "preset": cfg.preset, "files": files,
        **({"max_frames": int(res.info["max_frames"])} if "max_frames" in res.info else {}),  # a stream's bound
    })


def run_job(pipe: Any, cfg: IAMFlowConfig, job: Job, out_root: Path, interactive: bool, quiet: bool = False,
            generate: Any = None) -> Path:
    """Generate one video into `out_root/<key>/`, which appears only when complete."""
    folder = out_root / job.key
    work = Path(tempfile.mkdtemp(prefix=f".{job.key}.", suffix=".partial", dir=out_root))
    try:
        (generate or generate_into)(pipe, cfg, job, work, interactive, quiet)
        work.chmod(0o777 & ~UMASK)  # mkdtemp makes 0700
        if folder.exists():
            shutil.rmtree(folder)
        work.rename(folder)
    except BaseException:
        shutil.rmtree(work, ignore_errors=True)
        raise
    return folder


def exit_code(work: Any, interrupted_hint: str = "finished videos are kept") -> int:
    """Run `work()` for a CLI: 0 on success, 1 when a plugin failed (its traceback printed),
    130 on Ctrl-C."""
    from hooks.manager import PluginError

    try:
        work()
    except PluginError as e:
        logger.error(str(e))
        if e.__cause__ is not None:
            import traceback

            traceback.print_exception(e.__cause__, file=sys.stderr)
        return 1
    except KeyboardInterrupt:
        logger.error(f"interrupted: {interrupted_hint}")
        return 130
    return 0


def run_batch(pipe: Any, cfg: IAMFlowConfig, jobs: list[Job], out_root: Path, interactive: bool,
              info: DistInfo, quiet: bool = False, skipped_invalid: list[dict[str, Any]] | None = None,
              generate: Any = None) -> dict[str, dict[str, Any]]:
    """Generate this rank's share of `jobs`, skipping complete ones; returns per-video records."""
    out_root.mkdir(parents=True, exist_ok=True)
    manifest = Manifest(out_root / "run.json", cfg, info, skipped_invalid=list(skipped_invalid or []))
    mine = jobs[info.rank :: info.world]
    for j in jobs:
        if j not in mine:
            continue
        manifest.videos[j.key] = {"line": j.line, "sample": j.sample, "status": "pending", "rank": info.rank}
    manifest.save()
    bar = tqdm(mine, desc=f"videos (rank {info.rank})", disable=quiet or not info.is_main, unit="video")
    try:
        for job in bar:
            rec = manifest.videos[job.key]
            if is_complete(out_root / job.key):
                rec["status"] = "skipped (complete)"
                logger.info(f"[{job.key}] complete, skipped")
                manifest.save()
                continue
            t0 = time.perf_counter()
            rec["status"] = "running"
            manifest.save()
            try:
                run_job(pipe, cfg, job, out_root, interactive, quiet, generate)
            except KeyboardInterrupt:
                rec["status"] = "interrupted"
                raise
            except Exception as e:
                rec["status"] = "failed"
                rec["error"] = f"{type(e).__name__}: {e}"
                raise
            finally:
                rec["seconds"] = round(time.perf_counter() - t0, 3)
                manifest.save()
            rec["status"] = "done"
            manifest.save()
            logger.info(f"[{job.key}] done in {rec['seconds']:.1f} s")
    finally:
        manifest.ended = time.time()
        manifest.save()
    if info.world > 1 and torch.distributed.is_initialized():
        torch.distributed.barrier()
        if info.is_main:
            manifest.merge_ranks()
    return manifest.videos
