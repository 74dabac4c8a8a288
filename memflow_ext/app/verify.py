"""When a video folder counts as complete: every file checked, at write time and again before a resume skips it.

At write time (`batch.write_outputs`) the latents and every JSON file are read back and the mp4 is
checked by its writer (`io_utils.write_mp4`); meta.json, written last, records the file sizes and
the mp4's frame count. Before a rerun skips a folder, `folder_problem` checks the sizes again and
counts the mp4's packets without decoding (`io_utils.mp4_packet_count`), so a file damaged after
the fact, its size unchanged or not, makes the folder incomplete and the video is generated again.
"""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import torch
from safetensors.torch import load as st_load

from memflow_ext.io_utils import OutputError, atomic_write_json, describe_os_error, mp4_packet_count

META = "meta.json"
VIDEO = "video.mp4"
LATENTS = "latents.safetensors"


def is_complete(folder: Path) -> bool:
    """A video folder is complete when its files check out against meta.json (see `folder_problem`)."""
    return folder_problem(folder) is None


def folder_problem(folder: Path) -> str | None:
    """Why `folder` is not a complete video folder, or None: meta.json must say complete and list files that
    all exist with the listed sizes, and the mp4 must hold the frames it was written with (its packets,
    counted without decoding, so a file damaged in place with its size unchanged is caught too)."""
    meta = folder / META
    try:
        data = json.loads(meta.read_text())
        files = data["files"]
    except FileNotFoundError:
        return "no meta.json"
    except (OSError, ValueError, KeyError, TypeError):
        return "meta.json unreadable"
    if not isinstance(files, dict) or not files or data.get("status") != "complete":
        return "meta.json does not list a complete video"
    for name, size in files.items():
        p = folder / name
        if not p.is_file():
            return f"{name} missing"
        if p.stat().st_size != size:
            return f"{name} has {p.stat().st_size} bytes, meta.json lists {size}"
    if VIDEO in files:
        try:
            n = mp4_packet_count(folder / VIDEO)
        except OutputError as e:
            return e.cause
        expected = data.get("video_frames")  # absent in folders of older versions: any frames will do
        if (n != expected) if isinstance(expected, int) else n == 0:
            return f"{VIDEO} holds {n} frames, meta.json lists {expected}"
    return None


def check_read_back(folder: Path, latents: torch.Tensor, skip: tuple[str, ...] = ()) -> None:
    """The latents file holds `latents` exactly, and every JSON file in `folder` (but `skip`) parses."""
    path = folder / LATENTS
    try:
        back = st_load(path.read_bytes()).get("latents")
    except OSError as e:
        raise OutputError(path, f"cannot be read back ({describe_os_error(e)})") from e
    except Exception as e:  # safetensors' own error for a damaged file
        raise OutputError(path, f"does not read back as written ({type(e).__name__}: {e})") from e
    if back is None or not torch.equal(back, latents):
        raise OutputError(path, "does not read back as written")
    for p in sorted(folder.glob("*.json")):
        if p.name in skip:
            continue
        try:
            json.loads(p.read_text(encoding="utf-8"))
        except OSError as e:
            raise OutputError(p, f"cannot be read back ({describe_os_error(e)})") from e
        except ValueError as e:
            raise OutputError(p, f"is not valid JSON when read back ({e})") from e


def write_meta(folder: Path, meta: dict[str, Any]) -> None:
    """meta.json, read back: the folder counts as complete only once this returns."""
    path = folder / META
    atomic_write_json(path, meta)
    try:
        back = json.loads(path.read_text(encoding="utf-8"))
    except (OSError, ValueError) as e:
        raise OutputError(path, f"cannot be read back ({e})") from e
    if back != json.loads(json.dumps(meta)):
        raise OutputError(path, "does not read back as written")


