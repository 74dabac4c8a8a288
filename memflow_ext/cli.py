"""Command-line front end shared by `agent_inference.py` and `agent_interactive_inference.py`.

Config = `configs/<name>.yaml` merged onto the typed defaults, then `key=value` overrides.
Prompts come from `data_path` (.txt: one prompt per line, one video each; .jsonl: one story per
line, `{"prompts": [...], "switch_frame_indices": [...]}`) or from the config's `prompts`.
Every input is validated before any work starts.
"""

from __future__ import annotations

import argparse
import json
import sys
from dataclasses import dataclass
from pathlib import Path

import torch
from loguru import logger
from safetensors.torch import save as st_save

from hooks.manager import PluginError, build_plugin_manager

from .config import ConfigError, IAMFlowConfig, load_config, to_yaml, validate_prompts, validate_switch_frames
from .io_utils import atomic_write_bytes, atomic_write_json

REPO_ROOT = Path(__file__).resolve().parent.parent


@dataclass
class Job:
    """One video to generate."""

    key: str  # output sub-folder name
    line: int  # 0-based line in the data file (or index in the config's prompts)
    prompts: list[str]
    switch_frame_indices: list[int]
    sample: int
    seed: int


def build_parser(prog: str, description: str, default_config: str) -> argparse.ArgumentParser:
    ap = argparse.ArgumentParser(prog=prog, description=description)
    ap.add_argument("--config", default=str(REPO_ROOT / "configs" / default_config),
                    help=f"YAML config (default: configs/{default_config})")
    ap.add_argument("--plugins", default=None,
                    help="comma-separated plugins (agent,memory,profile) or 'none' for the MemFlow baseline; "
                         "overrides the config's `plugins`")
    ap.add_argument("--data-path", default=None, help="prompt file (.txt or .jsonl); overrides `data_path`")
    ap.add_argument("--start", type=int, default=0, help="first line of the prompt file to generate")
    ap.add_argument("--limit", type=int, default=None, help="number of lines to generate")
    ap.add_argument("--quiet", action="store_true", help="no progress bars, warnings only")
    ap.add_argument("--compare-baseline", action="store_true",
                    help="also run the MemFlow baseline on the same inputs and seed")
    ap.add_argument("overrides", nargs="*", help="config overrides key=value (OmegaConf dotlist)")
    return ap


def parse_plugins(arg: str | None, cfg: IAMFlowConfig) -> list[str]:
    """The CLI's --plugins wins over the config's `plugins`; 'none' means the baseline."""
    raw = arg if arg is not None else ",".join(cfg.plugins)
    names = [n.strip() for n in raw.split(",") if n.strip()]
    if names == ["none"] or not names:
        return []
    if "none" in names:
        raise ConfigError(f"--plugins '{raw}': 'none' cannot be combined with other plugins")
    return names


def read_jobs(cfg: IAMFlowConfig, interactive: bool, start: int = 0, limit: int | None = None) -> list[Job]:
    """Read and validate every selected input line before anything is generated."""
    stories: list[tuple[int, list[str], list[int]]] = []
    if cfg.data_path:
        stories = read_prompt_file(Path(cfg.data_path), interactive, cfg)
    elif interactive:
        stories = [(0, list(cfg.prompts), list(cfg.switch_frame_indices))]
    else:
        stories = [(i, [p], []) for i, p in enumerate(cfg.prompts)]
    if start < 0 or (limit is not None and limit < 0):
        raise ConfigError(f"--start={start} and --limit={limit} must be >= 0")
    stories = stories[start : None if limit is None else start + limit]
    errors = []
    for line, prompts, switch in stories:
        where = f"{cfg.data_path or 'prompts'}:{line + 1}" if cfg.data_path else "prompts"
        try:
            validate_prompts(prompts, where=where)
            validate_switch_frames(switch, len(prompts), cfg, where=f"{where} switch_frame_indices")
        except ConfigError as e:
            errors.append(str(e))
    if errors:
        raise ConfigError("invalid input:\n  " + "\n  ".join(errors))
    jobs = []
    for line, prompts, switch in stories:
        for s in range(cfg.num_samples):
            jobs.append(Job(key=f"{line:06d}_s{s}", line=line, prompts=prompts, switch_frame_indices=switch,
                            sample=s, seed=cfg.seed + 1_000_003 * line + s))
    return jobs


def read_prompt_file(path: Path, interactive: bool, cfg: IAMFlowConfig) -> list[tuple[int, list[str], list[int]]]:
    if not path.is_file():
        raise ConfigError(f"data_path: file not found: {path}")
    try:
        text = path.read_bytes().decode("utf-8")
    except UnicodeDecodeError as e:
        raise ConfigError(f"{path}: not UTF-8 ({e})") from None
    out = []
    errors = []
    if path.suffix == ".txt":
        for i, line in enumerate(text.splitlines()):
            if not line.strip():
                continue
            if interactive:
                out.append((i, [line.strip()], []))
            else:
                out.append((i, [line.strip()], []))
    elif path.suffix == ".jsonl":
        for i, line in enumerate(text.splitlines()):
            if not line.strip():
                continue
            try:
                obj = json.loads(line)
            except json.JSONDecodeError as e:
                errors.append(f"{path}:{i + 1}: malformed JSON ({e.msg})")
                continue
            if not isinstance(obj, dict) or "prompts" not in obj:
                errors.append(f"{path}:{i + 1}: expected an object with a 'prompts' list")
                continue
            prompts = obj["prompts"]
            if not isinstance(prompts, list):
                errors.append(f"{path}:{i + 1}: 'prompts' must be a list of strings")
                continue
            switch = obj.get("switch_frame_indices", list(cfg.switch_frame_indices))
            if not interactive:
                out.extend((i, [p], []) for p in prompts)
            else:
                out.append((i, prompts, list(switch)))
    else:
        raise ConfigError(f"data_path {path}: unsupported extension '{path.suffix}'; use .txt or .jsonl")
    if errors:
        raise ConfigError("invalid input:\n  " + "\n  ".join(errors))
    return out


def main(argv: list[str] | None, *, interactive: bool, prog: str, description: str, default_config: str) -> int:
    ap = build_parser(prog, description, default_config)
    args = ap.parse_args(argv)
    logger.remove()
    logger.add(sys.stderr, level="WARNING" if args.quiet else "INFO")
    try:
        overrides = list(args.overrides)
        if args.data_path:
            overrides.append(f"data_path={args.data_path}")
        cfg = load_config([args.config], overrides)
        plugins = parse_plugins(args.plugins, cfg)
        pm = build_plugin_manager(plugins, cfg) if plugins else None
        jobs = read_jobs(cfg, interactive, args.start, args.limit)
    except (ConfigError, PluginError) as e:
        logger.error(str(e))
        return 2
    if args.compare_baseline:
        logger.error("--compare-baseline needs the profile plugin, which is not available yet")
        return 2

    from .builder import build_pipeline

    if pm is not None:
        from .iam_pipeline import IAMPipeline

        pipe = build_pipeline(cfg, IAMPipeline, plugin_manager=pm)
    else:
        pipe = build_pipeline(cfg)
    out_root = Path(cfg.output_folder)
    out_root.mkdir(parents=True, exist_ok=True)
    atomic_write_text_config(out_root / "config.yaml", cfg)
    try:
        for job in jobs:
            run_job(pipe, cfg, job, out_root, interactive, quiet=args.quiet)
    except PluginError as e:
        logger.error(str(e))
        logger.opt(exception=e.__cause__ or e).debug("plugin traceback")
        if e.__cause__ is not None:
            import traceback

            traceback.print_exception(e.__cause__, file=sys.stderr)
        return 1
    return 0


def atomic_write_text_config(path: Path, cfg: IAMFlowConfig) -> None:
    from .io_utils import atomic_write_text

    atomic_write_text(path, to_yaml(cfg))


def run_job(pipe, cfg: IAMFlowConfig, job: Job, out_root: Path, interactive: bool, quiet: bool = False) -> Path:
    """Generate one video into `out_root/<key>/` (video.mp4, latents.safetensors, meta.json, plugin files).

    The folder appears only when complete: work happens in a hidden temporary folder, renamed at the end.
    """
    import shutil
    import tempfile

    folder = out_root / job.key
    work = Path(tempfile.mkdtemp(prefix=f".{job.key}.", suffix=".partial", dir=out_root))
    try:
        _generate_into(pipe, cfg, job, work, interactive, quiet)
        work.chmod(0o777 & ~_umask())  # mkdtemp makes 0700
        if folder.exists():
            shutil.rmtree(folder)
        work.rename(folder)
    except BaseException:
        shutil.rmtree(work, ignore_errors=True)
        raise
    logger.info(f"[{job.key}] wrote {folder}")
    return folder


def _umask() -> int:
    import os

    mask = os.umask(0)
    os.umask(mask)
    return mask


def _generate_into(pipe, cfg: IAMFlowConfig, job: Job, folder: Path, interactive: bool, quiet: bool) -> None:
    """Everything of one video goes into `folder` (a temporary folder renamed when complete)."""
    from .io_utils import write_mp4
    from .vae import to_uint8

    if hasattr(pipe, "output_dir"):
        pipe.output_dir, pipe.run_key = folder, job.key
    logger.info(f"[{job.key}] {len(job.prompts)} prompt(s), switches {job.switch_frame_indices}, seed {job.seed}")
    res = pipe.generate(job.prompts, job.switch_frame_indices, seed=job.seed, interactive=interactive,
                        decode=cfg.save_video, progress=not quiet)
    atomic_write_bytes(folder / "latents.safetensors", st_save({"latents": res.latents.float().cpu().contiguous()}))
    if res.video is not None:
        write_mp4(folder / "video.mp4", to_uint8(res.video[0]), fps=cfg.fps)
    atomic_write_json(folder / "meta.json", {
        "line": job.line, "sample": job.sample, "seed": job.seed, "prompts": job.prompts,
        "switch_frame_indices": job.switch_frame_indices, "num_output_frames": int(res.latents.shape[1]),
        "preset": cfg.preset, "torch": torch.__version__,
    })
