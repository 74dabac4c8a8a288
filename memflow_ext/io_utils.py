"""Atomic file output: a reader never sees a half-written file, and a failed write leaves nothing behind.

Every writer goes to a temporary file in the target's folder (same filesystem, so the final
``os.replace`` is atomic), flushes and fsyncs it, then renames it over the target. Any failure
(a full disk, a file size limit, ffmpeg's own error) is an `OutputError` naming the file and the
cause; an mp4 is renamed into place only after ffmpeg exited cleanly and the file reads back with
every frame (`mp4_packet_count`).
"""

from __future__ import annotations

import contextlib
import errno
import json
import os
import signal
import subprocess
import tempfile
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import numpy as np
from loguru import logger

__all__ = [
    "OutputError",
    "atomic_write_bytes",
    "atomic_write_json",
    "atomic_write_text",
    "describe_os_error",
    "mp4_packet_count",
    "read_mp4_frame_count",
    "replace_dir",
    "write_mp4",
]

PathLike = str | os.PathLike
STDERR_SHOWN_CHARS = 300  # of a failed ffmpeg's last stderr line, in the error


class OutputError(OSError):
    """A file that could not be written or does not read back as written; `path` and `cause` say which and why."""

    def __init__(self, path: PathLike, cause: str) -> None:
        super().__init__(f"{path}: {cause}")
        self.path = Path(path)
        self.cause = cause


def describe_os_error(e: OSError) -> str:
    """`No space left on device (ENOSPC)`: the system's text and the errno's name."""
    if isinstance(e, OutputError):
        return e.cause
    name = errno.errorcode.get(e.errno) if isinstance(e.errno, int) else None
    text = e.strerror or str(e) or type(e).__name__
    return f"{text} ({name})" if name else text


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
    """A fresh temp path in ``path``'s folder; renamed onto ``path`` on success, removed on any error (an
    OSError becomes an `OutputError` naming ``path``)."""
    folder = path.parent
    try:
        folder.mkdir(parents=True, exist_ok=True)
        fd, tmp_name = tempfile.mkstemp(prefix=f".{path.name}.", suffix=suffix, dir=folder)
    except OSError as e:
        raise OutputError(path, describe_os_error(e)) from e
    os.close(fd)
    tmp = Path(tmp_name)
    try:
        yield tmp
        os.chmod(tmp, 0o666 & ~UMASK)  # mkstemp makes 0600; give the file the usual permissions
        os.replace(tmp, path)
    except OutputError:
        _remove_quietly(tmp)
        raise
    except OSError as e:
        _remove_quietly(tmp)
        raise OutputError(path, describe_os_error(e)) from e
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


def write_mp4(path: PathLike, frames_uint8: np.ndarray, fps: int) -> None:
    """Encode [T, H, W, 3] uint8 frames as H.264/yuv420p MP4 at ``path``, atomically.

    ffmpeg's exit status and error output are checked and the file must read back with T frames before
    it is renamed into place; otherwise `OutputError` names the file and the cause. Odd sides are scaled
    up to even ones (yuv420p needs them).
    """
    import imageio_ffmpeg

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
    even = ["-vf", f"scale={w + w % 2}:{h + h % 2}"] if h % 2 or w % 2 else []
    raw = memoryview(np.ascontiguousarray(frames)).cast("B")  # type: ignore[arg-type]  # an ndarray is a buffer; no copy of the frames
    with _temp_beside(path, ".tmp.mp4") as tmp:
        cmd = [imageio_ffmpeg.get_ffmpeg_exe(), "-nostdin", "-y", "-v", "error", "-f", "rawvideo", "-pix_fmt", "rgb24",
               "-s", f"{w}x{h}", "-r", str(int(fps)), "-i", "-", "-an", "-c:v", "libx264", "-pix_fmt", "yuv420p",
               *even, "-f", "mp4", str(tmp)]
        proc = subprocess.run(cmd, input=raw, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE, check=False)
        problem = _ffmpeg_problem(proc)
        if problem:
            raise OutputError(path, f"ffmpeg could not write it: {problem}")
        with open(tmp, "rb") as f:
            os.fsync(f.fileno())
        n = mp4_packet_count(tmp, name=path)
        if n != t:
            raise OutputError(path, f"holds {n} frames after writing {t}")
    logger.debug("wrote {} ({} frames, {}x{}, {} fps)", path, t, w, h, fps)


def _ffmpeg_problem(proc: subprocess.CompletedProcess) -> str | None:
    """What went wrong in an ffmpeg run at `-v error` (any error output counts), or None."""
    lines = [ln.strip() for ln in proc.stderr.decode(errors="replace").splitlines() if ln.strip()]
    last = lines[-1][:STDERR_SHOWN_CHARS] if lines else ""
    if proc.returncode < 0:
        sig = signal.Signals(-proc.returncode)
        why = " (the file size limit was reached)" if sig == signal.SIGXFSZ else ""
        return f"ffmpeg was killed by {sig.name}{why}" + (f": {last}" if last else "")
    if proc.returncode:
        return f"ffmpeg exited with status {proc.returncode}" + (f": {last}" if last else "")
    return f"ffmpeg reported an error: {last}" if last else None


def mp4_packet_count(path: PathLike, name: PathLike | None = None) -> int:
    """The video packets (frames) of an mp4, read without decoding (`ffmpeg -c copy`). A file ffmpeg cannot
    open, or any error it reports on the way, is an `OutputError` naming ``name`` (default ``path``)."""
    import imageio_ffmpeg

    path = Path(path)
    if not path.is_file():
        raise OutputError(name or path, "missing")
    cmd = [imageio_ffmpeg.get_ffmpeg_exe(), "-nostdin", "-v", "error", "-nostats", "-progress", "pipe:1",
           "-i", str(path), "-map", "0:v:0", "-c", "copy", "-f", "null", "-"]
    proc = subprocess.run(cmd, stdin=subprocess.DEVNULL, capture_output=True, check=False)
    problem = _ffmpeg_problem(proc)
    if problem:
        raise OutputError(name or path, f"not a readable video ({problem})")
    counts = [ln.split("=", 1)[1] for ln in proc.stdout.decode(errors="replace").splitlines()
              if ln.startswith("frame=")]
    if not counts or not counts[-1].strip().isdigit():
        raise OutputError(name or path, "not a readable video (ffmpeg reported no frame count)")
    return int(counts[-1])


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
