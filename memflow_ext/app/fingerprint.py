"""A video's identity is its inputs: the fingerprint recorded in each finished folder's `meta.json`.

The fingerprint is a flat mapping `key -> value` of everything that determines what a video folder
holds: prompts, switch frames, seed, the resolved config (dotted keys, except output-only ones),
device and dtype, the plugins that ran with their config sections, `save_video`, `--compare-baseline`,
the identity of every weights file (path, size, mtime and a hash of its first and last MiB) and the
package version and git commit. A rerun skips a folder only when its recorded fingerprint is equal;
`differing_keys` names what changed.
"""

from __future__ import annotations

import dataclasses
import hashlib
import json
import os
import subprocess
from pathlib import Path
from typing import Any

from omegaconf import OmegaConf

from memflow_ext.config import ConfigError, IAMFlowConfig

# Keys that choose where and what to run, not what a video folder holds. The prompts and switch
# frames of each video come from its job (the file or the config), so `data_path`, `prompts` and
# `switch_frame_indices` are replaced by the job's own; `num_samples` decides how many folders
# exist, not what one holds (each sample has its own seed); `plugins` is recorded as the list that ran;
# `live` holds the live server's settings (a saved stream does not depend on them).
OUTPUT_ONLY_KEYS = ("output_folder", "data_path", "prompts", "switch_frame_indices", "num_samples", "plugins", "live")
HASH_SPAN = 1 << 20  # bytes hashed at each end of a weights file


class FingerprintMismatch(ConfigError):
    """Finished video folders were made from other inputs (the message names folders and keys)."""


def file_identity(path: str | os.PathLike) -> dict[str, Any]:
    """Path, size, mtime and a SHA-256 of the first and last MiB (never the whole multi-GB file)."""
    p = Path(path).resolve()
    st = p.stat()
    h = hashlib.sha256()
    with open(p, "rb") as f:
        h.update(f.read(HASH_SPAN))
        if st.st_size > HASH_SPAN:
            f.seek(max(HASH_SPAN, st.st_size - HASH_SPAN))
            h.update(f.read(HASH_SPAN))
    return {"path": str(p), "size": st.st_size, "mtime_ns": st.st_mtime_ns, "head_tail_sha256": h.hexdigest()}


def weights_files(cfg: IAMFlowConfig) -> list[Path]:
    """Every weights file the config reads (none for the random-weight presets)."""
    from memflow_ext.presets import get_preset

    preset = get_preset(cfg.preset)
    if preset.bundled_weights:
        from memflow_ext.loaders.bundled import bundled_path

        return [bundled_path(preset)]
    if preset.random_weights:
        return []
    from memflow_ext.loaders.files import locate_files

    f = locate_files(cfg)
    paths = [*f.dit, f.dit_config, f.t5, f.vae, f.generator_ckpt, f.lora_ckpt]
    tok = f.tokenizer
    if tok.is_dir():
        paths += sorted(q for q in tok.iterdir() if q.is_file())
    return [p for p in paths if p is not None]


def package_version() -> str:
    try:
        from importlib.metadata import version

        return version("iamflow")
    except Exception:  # not installed (run from a checkout)
        return "unknown"


_COMMIT: list[str | None] = []


def git_commit() -> str | None:
    """HEAD of the checkout this code runs from, or None outside a git checkout (cached)."""
    if not _COMMIT:
        try:
            out = subprocess.run(["git", "rev-parse", "HEAD"], cwd=Path(__file__).resolve().parent,
                                 capture_output=True, text=True, timeout=10)
            _COMMIT.append(out.stdout.strip() or None if out.returncode == 0 else None)
        except (OSError, subprocess.SubprocessError):
            _COMMIT.append(None)
    return _COMMIT[0]


def _flatten(node: Any, prefix: str, out: dict[str, Any]) -> None:
    if isinstance(node, dict):
        for k, v in node.items():
            _flatten(v, f"{prefix}{k}.", out)
    else:
        out[prefix[:-1]] = node


def run_fingerprint(cfg: IAMFlowConfig, plugins: list[str], *, device: str, compare_baseline: bool = False,
                    known_plugins: list[str] | None = None) -> dict[str, Any]:
    """The part shared by every video of a run (config, plugins, weights, code version).

    The config section of a plugin that does not run is left out. `known_plugins` names the plugin
    sections (default: every section the config's plugins declared, i.e. the keys the engine's
    `IAMFlowConfig` does not have).
    """
    data = OmegaConf.to_container(OmegaConf.structured(cfg), resolve=True)
    assert isinstance(data, dict)
    engine_keys = {f.name for f in dataclasses.fields(IAMFlowConfig)}
    sections = set(known_plugins) if known_plugins is not None else set(data) - engine_keys
    fp: dict[str, Any] = {}
    for key, value in data.items():
        if key in OUTPUT_ONLY_KEYS or (key in sections and key not in plugins):
            continue
        _flatten(value, str(key) + ".", fp)
    fp["device"] = device
    fp["plugins"] = list(plugins)
    fp["compare_baseline"] = bool(compare_baseline)
    for p in weights_files(cfg):
        fp[f"weights:{Path(p).resolve()}"] = file_identity(p)
    fp["version"] = package_version()
    fp["git_commit"] = git_commit()
    return fp


def job_fingerprint(run_fp: dict[str, Any], job: Any) -> dict[str, Any]:
    """The fingerprint of one video: the run's plus the job's prompts, switch frames and seed."""
    return {**run_fp, "prompts": list(job.prompts), "switch_frame_indices": list(job.switch_frame_indices),
            "video_seed": int(job.seed)}


def _norm(v: Any) -> str:
    return json.dumps(v, sort_keys=True, default=str)


def differing_keys(recorded: dict[str, Any] | None, current: dict[str, Any]) -> list[str]:
    """Keys whose values differ (or exist on one side only); `['fingerprint']` when none was recorded."""
    if not isinstance(recorded, dict):
        return ["fingerprint (none recorded)"]
    keys = sorted(set(recorded) | set(current))
    diff = [k for k in keys if _norm(recorded.get(k, "<absent>")) != _norm(current.get(k, "<absent>"))]
    # a plugin section present on one side only is one difference ("agent.*"), not one per key
    out: list[str] = []
    for k in diff:
        section = k.split(".", 1)[0] if "." in k and not k.startswith("weights:") else None
        if section is not None:
            on_rec = any(r.startswith(section + ".") for r in recorded)
            on_cur = any(c.startswith(section + ".") for c in current)
            if on_rec != on_cur:
                k = f"{section}.*"
        if k not in out:
            out.append(k)
    return sorted(out, key=lambda k: ("." in k or ":" in k, k))  # top-level keys (seed, plugins, ...) first
