"""Atomic file output: a reader never sees a half-written file, and a failed write leaves nothing behind.

Every writer goes to a temporary file in the target's folder (same filesystem, so the final
``os.replace`` is atomic), flushes and fsyncs it, then renames it over the target.
"""

from __future__ import annotations

import contextlib
import json
import os
import tempfile
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import numpy as np
from loguru import logger

__all__ = [
    "atomic_write_bytes",
    "atomic_write_json",
    "atomic_write_text",
    "read_mp4_frame_count",
    "replace_dir",
    "write_mp4",
]

PathLike = str | os.PathLike


def _fsync_dir(folder: Path) -> None:
    """Persist the rename itself; best effort (not every platform can open a folder)."""
    try:
        fd = os.open(folder, os.O_RDONLY)
    except OSError:
        return
    try:
        os.fsync(fd)
    except OSError:
        pass
    finally:
        os.close(fd)


def _current_umask() -> int:
    mask = os.umask(0)
    os.umask(mask)
    return mask


UMASK = _current_umask()  # read once: os.umask can only be read by setting it


def _remove_quietly(path: Path) -> None:
    with contextlib.suppress(FileNotFoundError):
        os.unlink(path)


@contextlib.contextmanager
def _temp_beside(path: Path, suffix: str) -> Iterator[Path]:
    """A fresh temp path in ``path``'s folder; renamed onto ``path`` on success, removed on any error."""
    folder = path.parent
    folder.mkdir(parents=True, exist_ok=True)
    fd, tmp_name = tempfile.mkstemp(prefix=f".{path.name}.", suffix=suffix, dir=folder)
    os.close(fd)
    tmp = Path(tmp_name)
    try:
        yield tmp
        os.chmod(tmp, 0o666 & ~UMASK)  # mkstemp makes 0600; give the file the usual permissions
        os.replace(tmp, path)
    except BaseException:
        _remove_quietly(tmp)
        raise
    _fsync_dir(folder)


def atomic_write_bytes(path: PathLike, data: bytes) -> None:
    """Write ``data`` to ``path`` atomically: the target is either the old file or the complete new one."""
    path = Path(path)
    with _temp_beside(path, ".tmp") as tmp, open(tmp, "wb") as f:
        f.write(data)
        f.flush()
        os.fsync(f.fileno())


def atomic_write_text(path: PathLike, text: str, encoding: str = "utf-8") -> None:
    """Write ``text`` to ``path`` atomically (see `atomic_write_bytes`)."""
    atomic_write_bytes(path, text.encode(encoding))


def atomic_write_json(path: PathLike, obj: Any, indent: int | None = 2) -> None:
    """Serialise ``obj`` as JSON and write it atomically; serialisation errors leave the target untouched."""
    text = json.dumps(obj, indent=indent, ensure_ascii=False)
    atomic_write_text(path, text + "\n")


def _macro_block_size(height: int, width: int) -> int:
    # imageio resizes frames whose sides are not multiples of macro_block_size (default 16). Use 16 when
    # it divides both sides, else 2 (yuv420p needs even sides; odd sides are scaled up to even by imageio).
    if height % 16 == 0 and width % 16 == 0:
        return 16
    return 2


def write_mp4(path: PathLike, frames_uint8: np.ndarray, fps: int) -> None:
    """Encode [T, H, W, 3] uint8 frames as H.264/yuv420p MP4 at ``path``, atomically."""
    import imageio.v2 as imageio

    frames = np.asarray(frames_uint8)
    if frames.ndim != 4 or frames.shape[-1] != 3:
        raise ValueError(f"frames must be [T, H, W, 3], got shape {frames.shape}")
    if frames.dtype != np.uint8:
        raise ValueError(f"frames must be uint8, got {frames.dtype}")
    if frames.shape[0] == 0:
        raise ValueError("cannot write a video with no frames")
    if fps <= 0:
        raise ValueError(f"fps must be positive, got {fps}")
    path = Path(path)
    t, h, w, _ = frames.shape
    with _temp_beside(path, ".tmp.mp4") as tmp:
        writer = imageio.get_writer(
            str(tmp),
            format="FFMPEG",
            mode="I",
            fps=int(fps),
            codec="libx264",
            pixelformat="yuv420p",
            macro_block_size=_macro_block_size(h, w),
            ffmpeg_log_level="error",
        )
        try:
            for frame in frames:
                writer.append_data(frame)
        finally:
            writer.close()
        with open(tmp, "rb") as f:
            os.fsync(f.fileno())
    logger.debug("wrote {} ({} frames, {}x{}, {} fps)", path, t, w, h, fps)


def read_mp4_frame_count(path: PathLike) -> int:
    """Number of frames ffmpeg decodes from ``path``; decoding them all also proves the file is playable."""
    import imageio_ffmpeg

    path = Path(path)
    if not path.is_file():
        raise FileNotFoundError(f"no video at {path}")
    n_frames, _ = imageio_ffmpeg.count_frames_and_secs(str(path))
    return int(n_frames)


def _rename_exchange(a: Path, b: Path) -> bool:
    """Swap two paths in one step (Linux renameat2 RENAME_EXCHANGE); False where unsupported."""
    import ctypes
    import sys

    if not sys.platform.startswith("linux"):
        return False
    try:
        libc = ctypes.CDLL(None, use_errno=True)
        renameat2 = libc.renameat2
    except (OSError, AttributeError):
        return False
    at_fdcwd, rename_exchange = -100, 2
    renameat2.argtypes = [ctypes.c_int, ctypes.c_char_p, ctypes.c_int, ctypes.c_char_p, ctypes.c_uint]
    return renameat2(at_fdcwd, os.fsencode(a), at_fdcwd, os.fsencode(b), rename_exchange) == 0


def replace_dir(new: PathLike, target: PathLike, trash: PathLike) -> None:
    """Put the complete folder ``new`` at ``target``, replacing what is there.

    Where the platform can swap two paths atomically (Linux), a reader sees either the old folder
    or the new one, never neither; elsewhere the old folder is first renamed to ``trash``. The old
    folder is deleted only after the new one is in place.
    """
    import shutil

    new, target, trash = Path(new), Path(target), Path(trash)
    if not target.exists():
        os.rename(new, target)
    elif _rename_exchange(new, target):
        shutil.rmtree(new, ignore_errors=True)  # `new` now holds the old folder
    else:
        os.rename(target, trash)
        os.rename(new, target)
        shutil.rmtree(trash, ignore_errors=True)
    _fsync_dir(target.parent)
