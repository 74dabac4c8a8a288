"""Batches that survive: data parallel over processes (torchrun), resume, and a run.json manifest.

* Under `torchrun --nproc_per_node=N`, rank r takes jobs r, r+N, r+2N, ...; only rank 0 logs to the
  console, the others log to `<output_folder>/logs/rank<r>.log`.
* Every video is generated into a hidden temporary folder (`.<key>.XXXX.partial`, holding an
  `.owner.json` lock with the writing process's id and host) and renamed when complete; its
  `meta.json` (written last, once every file checked out, see `verify.py`) lists every file with
  its size and the video's fingerprint (its inputs, see `fingerprint.py`). A video whose files
  cannot be written (a full disk, a size limit) fails on one line naming the file and the cause,
  leaves nothing, and the batch goes on with the next one (the CLI then exits with code 1). A
  rerun skips a video whose folder checks out against that list (sizes, the mp4's frames) and
  whose fingerprint is equal, regenerates a damaged one, and stops before any work (exit code 2)
  when a finished folder was made from other inputs, unless `--overwrite` is given; the old folder
  is then replaced only when the new one is complete.
* A rerun removes the `.partial` folders whose owner process is gone (killed runs).
* `run.json` keeps one entry per invocation in `runs` (config, plugins, versions, git commit,
  start/end, status and per-video status and timings); its top-level keys repeat the latest entry.
  It is rewritten atomically after every video, so an interrupted batch leaves an accurate record,
  and an entry left "running" by a process that is gone is marked "interrupted" by the next run.
"""

from __future__ import annotations

import contextlib
import json
import os
import platform
import shutil
import socket
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

from memflow_ext.app.fingerprint import FingerprintMismatch, differing_keys, git_commit, job_fingerprint
from memflow_ext.app.prompt_files import Job
from memflow_ext.app.verify import LATENTS, META, VIDEO, check_read_back, folder_problem, is_complete, write_meta
from memflow_ext.config import IAMFlowConfig, to_yaml
from memflow_ext.io_utils import (
    UMASK,
    OutputError,
    atomic_write_bytes,
    atomic_write_json,
    describe_os_error,
    replace_dir,
)

OWNER = ".owner.json"  # lock file inside a .partial folder: the writing process's pid, host and rank
NO_OWNER_GRACE_S = 60.0  # a .partial folder without a lock file (older versions) is stale after this age
HOST = socket.gethostname()


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


def read_meta(folder: Path) -> dict[str, Any] | None:
    try:
        data = json.loads((folder / META).read_text())
    except (OSError, ValueError):
        return None
    return data if isinstance(data, dict) else None


def pid_alive(pid: int, host: str | None = None) -> bool:
    """Whether process `pid` still runs (True for another host's processes: they cannot be checked)."""
    if host is not None and host != HOST:
        return True
    try:
        os.kill(int(pid), 0)
    except ProcessLookupError:
        return False
    except (PermissionError, OverflowError, ValueError):
        return True
    with contextlib.suppress(OSError, IndexError):  # a zombie is gone for our purposes
        stat = Path(f"/proc/{int(pid)}/stat").read_text()
        if stat.rsplit(")", 1)[1].split()[0] == "Z":
            return False
    return True


def remove_stale_partials(out_root: Path) -> list[Path]:
    """Remove the `.partial` folders whose writing process is gone; returns them."""
    removed: list[Path] = []
    if not out_root.is_dir():
        return removed
    for p in sorted(out_root.glob(".*.partial")):
        if not p.is_dir():
            continue
        try:
            owner = json.loads((p / OWNER).read_text())
            alive = pid_alive(int(owner["pid"]), owner.get("host"))
            who = f"process {owner['pid']} on {owner.get('host')}"
        except (OSError, ValueError, KeyError, TypeError):
            try:
                alive = time.time() - p.stat().st_mtime < NO_OWNER_GRACE_S
            except OSError:
                continue
            who = "a process that left no lock file"
        if alive:
            continue
        shutil.rmtree(p, ignore_errors=True)
        if not p.exists():
            logger.info(f"removed {p}: an unfinished video left by {who}, which is gone")
            removed.append(p)
    return removed


def check_folders(jobs: list[Job], out_root: Path, run_fp: dict[str, Any], overwrite: bool) -> dict[str, str]:
    """What to do with each job's folder: "generate" (absent or damaged), "skip" (complete, same
    inputs) or "regenerate" (complete, other inputs, `overwrite`).

    Without `overwrite`, any finished folder made from other inputs raises `FingerprintMismatch`
    naming every such folder and the differing keys; nothing has been generated at that point.
    """
    plan: dict[str, str] = {}
    conflicts = []
    for job in jobs:
        folder = out_root / job.key
        problem = folder_problem(folder) if folder.exists() else "absent"
        if problem is not None:
            if problem != "absent":
                logger.info(f"[{job.key}] {folder} is not complete ({problem}): generating it again")
            plan[job.key] = "generate"
            continue
        diff = differing_keys((read_meta(folder) or {}).get("fingerprint"), job_fingerprint(run_fp, job))
        if not diff:
            plan[job.key] = "skip"
        elif overwrite:
            plan[job.key] = "regenerate"
        else:
            conflicts.append((folder, diff))
    if conflicts:
        lines = [f"{folder}: made from other inputs (differing: {', '.join(d[:8])}"
                 f"{f', +{len(d) - 8} more' if len(d) > 8 else ''})" for folder, d in conflicts[:10]]
        if len(conflicts) > 10:
            lines.append(f"... and {len(conflicts) - 10} more folder(s)")
        raise FingerprintMismatch(
            f"{len(conflicts)} finished video folder(s) in {out_root} were made from other inputs; nothing was "
            "generated. Rerun with --overwrite to regenerate them, or choose another output_folder:\n"
            + "\n".join(lines))
    return plan


def run_record_alive(entry: dict[str, Any]) -> bool:
    return entry.get("pid") is not None and pid_alive(entry["pid"], entry.get("host"))


def load_history(path: Path) -> list[dict[str, Any]]:
    """The earlier invocations recorded in run.json; those left "running" by a gone process become
    "interrupted" (with their running videos)."""
    try:
        data = json.loads(path.read_text())
    except (OSError, ValueError):
        return []
    if not isinstance(data, dict):
        return []
    runs = data.get("runs")
    if not isinstance(runs, list):  # written by an older version: one invocation, no history
        runs = [{k: v for k, v in data.items() if k != "runs"}]
    for entry in runs:
        if isinstance(entry, dict) and entry.get("status") == "running" and not run_record_alive(entry):
            entry["status"] = "interrupted"
            for rec in (entry.get("videos") or {}).values():
                if isinstance(rec, dict) and rec.get("status") == "running":
                    rec["status"] = "interrupted"
            logger.warning(f"{path}: the run started by process {entry.get('pid')} on {entry.get('host')} ended "
                           "without finishing (killed?); recorded as interrupted")
    return [e for e in runs if isinstance(e, dict)]


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
    plugins: list[str] = field(default_factory=list)
    argv: list[str] | None = None
    status: str = "running"
    history: list[dict[str, Any]] = field(default_factory=list)  # earlier invocations (from run.json)
    save_error: str | None = None  # why the last save failed (None: run.json is up to date)

    def to_json(self) -> dict[str, Any]:
        entry = {
            "status": self.status, "argv": self.argv, "plugins": list(self.plugins),
            "config": to_yaml(self.cfg), "versions": versions(), "git_commit": git_commit(),
            "pid": os.getpid(), "host": HOST,
            "world_size": self.info.world, "start": self.started, "end": self.ended,
            "skipped_invalid": self.skipped_invalid, "videos": self.videos,
        }
        return {**entry, "runs": [*self.history, entry]}

    def save(self) -> str | None:
        """Rewrite run.json; returns why it could not be written (a full disk, say), or None. The run goes on
        either way: its videos' folders are the results, run.json their record."""
        target = self.path if self.info.world <= 1 else self.path.with_name(f".run.rank{self.info.rank}.json")
        try:
            atomic_write_json(target, self.to_json())
        except OSError as e:
            self.save_error = str(e) if isinstance(e, OutputError) else f"{target}: {describe_os_error(e)}"
            return self.save_error
        self.save_error = None
        return None

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


def generate_into(pipe: Any, cfg: IAMFlowConfig, job: Job, folder: Path, interactive: bool, quiet: bool,
                  fingerprint: dict[str, Any] | None = None) -> None:
    """Everything of one video into `folder`; meta.json (with the file list) is written last."""
    res = pipe.generate(job.prompts, job.switch_frame_indices, seed=job.seed, interactive=interactive,
                        decode=cfg.save_video, progress=not quiet, output_dir=folder, run_key=job.key)
    write_outputs(folder, cfg, res, {"key": job.key, "line": job.line, "sample": job.sample, "seed": job.seed,
                                     "prompts": job.prompts, "switch_frame_indices": job.switch_frame_indices},
                  fingerprint)


def write_outputs(folder: Path, cfg: IAMFlowConfig, res: Any, record: dict[str, Any],
                  fingerprint: dict[str, Any] | None = None) -> None:
    """A generated video's files into `folder`: latents, the mp4 (when `res` holds decoded frames and
    `cfg.save_video`), then meta.json, last: `record` (what made the video: key, prompts, switch
    frames, seed, ...), the frames made, the file list and the fingerprint.

    Every file is checked before meta.json calls the folder complete: the latents and every JSON file
    (the plugins' too) read back, the mp4 holds every frame (`write_mp4`); any failure is an `OutputError`.
    """
    from memflow_ext.io_utils import write_mp4
    from memflow_ext.models.vae import to_uint8

    latents = res.latents.float().cpu().contiguous()
    atomic_write_bytes(folder / LATENTS, st_save({"latents": latents}))
    video_frames = None
    if res.video is not None and cfg.save_video:
        frames = to_uint8(res.video[0])
        write_mp4(folder / VIDEO, frames, fps=cfg.fps)
        video_frames = int(frames.shape[0])
    check_read_back(folder, latents, skip=(OWNER,))
    files = {p.name: p.stat().st_size for p in sorted(folder.iterdir())
             if p.is_file() and p.name not in (META, OWNER)}
    meta = {
        "status": "complete", **record, "num_output_frames": int(res.latents.shape[1]), "preset": cfg.preset,
        "files": files,
        **({"video_frames": video_frames} if video_frames is not None else {}),
        **({"max_frames": int(res.info["max_frames"])} if "max_frames" in res.info else {}),  # a stream's bound
    }
    if fingerprint is not None:
        meta["fingerprint"] = fingerprint
    write_meta(folder, meta)


def _record_fingerprint(folder: Path, fingerprint: dict[str, Any]) -> None:
    """Add the fingerprint to a meta.json written by another generator (e.g. --compare-baseline)."""
    data = read_meta(folder)
    if data is not None and data.get("fingerprint") != fingerprint:
        data["fingerprint"] = fingerprint
        write_meta(folder, data)


def run_job(pipe: Any, cfg: IAMFlowConfig, job: Job, out_root: Path, interactive: bool, quiet: bool = False,
            generate: Any = None, fingerprint: dict[str, Any] | None = None, rank: int = 0) -> Path:
    """Generate one video into `out_root/<key>/`, which appears (or replaces the old one) only when complete.

    A file that cannot be written or does not check out is an `OutputError` naming it by its place in
    the finished folder (`out_root/<key>/<file>`); the hidden work folder is removed.
    """
    folder = out_root / job.key
    try:
        work = Path(tempfile.mkdtemp(prefix=f".{job.key}.", suffix=".partial", dir=out_root))
    except OSError as e:
        raise OutputError(folder, f"cannot create its work folder in {out_root} ({describe_os_error(e)})") from e
    try:
        atomic_write_json(work / OWNER, {"pid": os.getpid(), "host": HOST, "rank": rank, "started": time.time()})
        if generate is None:
            generate_into(pipe, cfg, job, work, interactive, quiet, fingerprint)
        else:
            generate(pipe, cfg, job, work, interactive, quiet)
            if fingerprint is not None:
                _record_fingerprint(work, fingerprint)
        try:
            (work / OWNER).unlink()
            work.chmod(0o777 & ~UMASK)  # mkdtemp makes 0700
            replace_dir(work, folder, work.with_name(work.name[: -len(".partial")] + ".old.partial"))
        except OSError as e:
            raise OutputError(folder, f"cannot be put in place ({describe_os_error(e)})") from e
    except OSError as e:
        shutil.rmtree(work, ignore_errors=True)
        path = e.path if isinstance(e, OutputError) else Path(e.filename) if isinstance(e.filename, str) else None
        try:
            shown = folder / path.relative_to(work) if path is not None else None
        except ValueError:  # not a file of the work folder
            shown = None
        if shown is None:
            raise
        raise OutputError(shown, describe_os_error(e)) from e
    except BaseException:
        shutil.rmtree(work, ignore_errors=True)
        raise
    return folder


def _log_summary(videos: dict[str, dict[str, Any]], out_root: Path, info: DistInfo) -> None:
    counts: dict[str, int] = {}
    for rec in videos.values():
        status = str(rec.get("status", "?")).split(" ")[0]
        counts[status] = counts.get(status, 0) + 1
    order = ["done", "skipped", "failed", "interrupted", "pending"]
    parts = [f"{counts.pop(k, 0)} {k}" for k in order[:3]]
    parts += [f"{counts.pop(k)} {k}" for k in order[3:] if k in counts]
    parts += [f"{n} {k}" for k, n in sorted(counts.items())]
    rank = f" (rank {info.rank})" if info.world > 1 else ""
    logger.log("INFO" if info.is_main else "DEBUG", f"videos{rank}: {', '.join(parts)}; outputs in "
               f"{out_root.resolve()} (run.json lists each)")


def exit_code(work: Any, interrupted_hint: str = "finished videos are kept") -> int:
    """Run `work()` for a CLI: 0 on success, 1 when a plugin failed (its traceback printed), a video failed
    (`VideosFailed`, each reported already) or a file could not be written (one line naming it and the
    cause), 130 on Ctrl-C, 143 on SIGTERM (with `handle_sigterm`), 2 when finished folders hold other inputs."""
    from hooks.manager import PluginError

    try:
        work()
    except FingerprintMismatch as e:
        logger.error(str(e))
        return 2
    except VideosFailed as e:
        logger.info(f"{e} (run.json has each error); a rerun generates them")
        return 1
    except OSError as e:
        where = f"{e.filename}: " if getattr(e, "filename", None) and not isinstance(e, OutputError) else ""
        logger.error(f"cannot write {where}{e if isinstance(e, OutputError) else describe_os_error(e)}")
        return 1
    except Terminated:
        logger.error(f"terminated (SIGTERM): {interrupted_hint}")
        return 143
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


class Terminated(KeyboardInterrupt):
    """SIGTERM, handled like Ctrl-C (see `handle_sigterm`)."""


def handle_sigterm() -> None:
    """Turn SIGTERM into `Terminated` in the main thread, so a terminated run cleans up like Ctrl-C."""
    import signal

    def _raise(signum: int, frame: Any) -> None:
        raise Terminated()

    with contextlib.suppress(ValueError):  # not the main thread
        signal.signal(signal.SIGTERM, _raise)


def default_run_fingerprint(pipe: Any, cfg: IAMFlowConfig, plugins: list[str]) -> dict[str, Any]:
    from memflow_ext.app.fingerprint import run_fingerprint

    return run_fingerprint(cfg, plugins, device=torch.device(getattr(pipe, "device", "cpu")).type)


def run_batch(pipe: Any, cfg: IAMFlowConfig, jobs: list[Job], out_root: Path, interactive: bool,
              info: DistInfo, quiet: bool = False, skipped_invalid: list[dict[str, Any]] | None = None,
              generate: Any = None, *, plugins: list[str] | None = None, overwrite: bool = False,
              run_fp: dict[str, Any] | None = None, argv: list[str] | None = None) -> dict[str, dict[str, Any]]:
    """Generate this rank's share of `jobs`, skipping complete ones made from the same inputs;
    returns per-video records. `plugins` (default: the config's) and `run_fp` (default: computed
    from the config, the plugins and the pipeline's device) make up each video's fingerprint."""
    plugins = list(cfg.plugins if plugins is None else plugins)
    if run_fp is None:
        run_fp = default_run_fingerprint(pipe, cfg, plugins)
    mine = jobs[info.rank :: info.world]
    plan = check_folders(mine, out_root, run_fp, overwrite)  # raises before any work on a mismatch
    out_root.mkdir(parents=True, exist_ok=True)
    remove_stale_partials(out_root)
    manifest = Manifest(out_root / "run.json", cfg, info, skipped_invalid=list(skipped_invalid or []),
                        plugins=plugins, argv=argv)
    if info.is_main:
        manifest.history = load_history(out_root / "run.json")
    for j in mine:
        manifest.videos[j.key] = {"line": j.line, "sample": j.sample, "status": "pending", "rank": info.rank}
    manifest.save()
    bar = tqdm(mine, desc=f"videos (rank {info.rank})", disable=quiet or not info.is_main, unit="video")
    try:
        for job in bar:
            rec = manifest.videos[job.key]
            if plan[job.key] == "skip" and is_complete(out_root / job.key):
                rec["status"] = "skipped (complete)"
                logger.info(f"[{job.key}] complete (same inputs), skipped")
                manifest.save()
                continue
            if plan[job.key] == "regenerate":
                logger.info(f"[{job.key}] made from other inputs: regenerating (--overwrite)")
            t0 = time.perf_counter()
            rec["status"] = "running"
            manifest.save()
            try:
                run_job(pipe, cfg, job, out_root, interactive, quiet, generate, job_fingerprint(run_fp, job),
                        info.rank)
            except KeyboardInterrupt:
                rec["status"] = "interrupted"
                raise
            except OSError as e:  # its files could not be written (a full disk, a size limit): the next video
                rec["status"] = "failed"
                rec["error"] = str(e) if isinstance(e, OutputError) else f"{type(e).__name__}: {e}"
                rec["seconds"] = round(time.perf_counter() - t0, 3)
                unsaved = manifest.save()
                logger.error(f"[{job.key}] failed, nothing kept: cannot write {rec['error']}"
                             + (f"; run.json could not record it either: {unsaved}" if unsaved else "")
                             + "; a rerun generates it")
                continue
            except Exception as e:
                rec["status"] = "failed"
                rec["error"] = f"{type(e).__name__}: {e}"
                raise
            finally:
                rec["seconds"] = round(time.perf_counter() - t0, 3)
                manifest.save()
            rec["status"] = "done"
            manifest.save()
            logger.info(f"[{job.key}] done in {rec['seconds']:.1f} s: {out_root / job.key}")
    except KeyboardInterrupt:
        manifest.status = "interrupted"
        raise
    except BaseException:
        manifest.status = "failed"
        raise
    else:
        failed = sorted(k for k, r in manifest.videos.items() if r.get("status") == "failed")
        manifest.status = "failed" if failed else "done"
    finally:
        manifest.ended = time.time()
        unsaved = manifest.save()
        _log_summary(manifest.videos, out_root, info)
        if unsaved:
            logger.error(f"run.json could not be written: {unsaved}; the finished folders are complete, "
                         "but run.json does not record this run's end")
    if info.world > 1 and torch.distributed.is_initialized():
        torch.distributed.barrier()
        if info.is_main:
            manifest.merge_ranks()
    return manifest.videos


def check_videos(videos: dict[str, dict[str, Any]]) -> None:
    """Raise `VideosFailed` when a video of the batch failed (each was already reported on its own line)."""
    failed = sorted(k for k, r in videos.items() if r.get("status") == "failed")
    if failed:
        raise VideosFailed(failed)


class VideosFailed(Exception):
    """Some videos of a batch failed and the others were made; the CLI exits with code 1."""

    def __init__(self, keys: list[str]) -> None:
        super().__init__(f"{len(keys)} video(s) failed: {', '.join(keys[:10])}{' ...' if len(keys) > 10 else ''}")
        self.keys = keys
