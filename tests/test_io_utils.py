"""Atomic writers and MP4 output: complete files or nothing, never temp files left behind."""

from __future__ import annotations

import json
import subprocess
import sys

import numpy as np
import pytest

from memflow_ext import io_utils
from memflow_ext.io_utils import (
    atomic_write_bytes,
    atomic_write_json,
    atomic_write_text,
    mp4_packet_count,
    read_mp4_frame_count,
    write_mp4,
)
from tests.helpers import fake_ffmpeg


def _frames(t: int = 9, h: int = 64, w: int = 64) -> np.ndarray:
    rng = np.random.default_rng(0)
    return rng.integers(0, 256, size=(t, h, w, 3), dtype=np.uint8)


def _names(folder) -> list[str]:
    return sorted(p.name for p in folder.iterdir())


def test_write_mp4_frame_count(tmp_path) -> None:
    path = tmp_path / "out.mp4"
    write_mp4(path, _frames(9), fps=16)
    assert read_mp4_frame_count(path) == 9
    assert _names(tmp_path) == ["out.mp4"]


def test_write_mp4_non_macroblock_size(tmp_path) -> None:
    path = tmp_path / "odd.mp4"
    write_mp4(path, _frames(5, 40, 72), fps=8)
    assert read_mp4_frame_count(path) == 5


def test_write_mp4_bad_shape_leaves_nothing(tmp_path) -> None:
    path = tmp_path / "bad.mp4"
    with pytest.raises(ValueError):
        write_mp4(path, np.zeros((4, 64, 64), dtype=np.uint8), fps=16)
    assert _names(tmp_path) == []


@pytest.mark.parametrize("mode,needle", [
    ("trailer", "ffmpeg could not write it: ffmpeg reported an error: [out#0/mp4] Error writing trailer: No space"),
    ("truncate", "not a readable video (ffmpeg exited with status"),
])
def test_write_mp4_checks_ffmpeg_and_reads_the_file_back(tmp_path, mocker, mode, needle) -> None:
    out = tmp_path / "out"
    out.mkdir()
    fake_ffmpeg(tmp_path, mocker, mode)
    with pytest.raises(io_utils.OutputError) as e:
        write_mp4(out / "fail.mp4", _frames(6), fps=16)
    assert str(e.value).startswith(f"{out / 'fail.mp4'}: ") and needle in str(e.value)
    assert _names(out) == []  # nothing renamed into place, no temp file left


def test_write_mp4_under_a_file_size_limit_fails_naming_the_file(tmp_path) -> None:
    code = ("import resource, sys, numpy as np\n"
            "resource.setrlimit(resource.RLIMIT_FSIZE, (20000, 20000))\n"
            "from memflow_ext.io_utils import OutputError, write_mp4, atomic_write_bytes\n"
            "frames = np.random.default_rng(0).integers(0, 256, (30, 64, 64, 3), dtype=np.uint8)\n"
            "for f in (lambda: write_mp4(sys.argv[1] + '/v.mp4', frames, 16),\n"
            "          lambda: atomic_write_bytes(sys.argv[1] + '/x.bin', bytes(30000))):\n"
            "    try:\n"
            "        f()\n"
            "    except OutputError as e:\n"
            "        print(e)\n")
    r = subprocess.run([sys.executable, "-c", code, str(tmp_path)], capture_output=True, text=True, timeout=120)
    assert r.returncode == 0, r.stderr
    assert r.stdout.splitlines() == [
        f"{tmp_path}/v.mp4: ffmpeg could not write it: ffmpeg was killed by SIGXFSZ (the file size limit was reached)",
        f"{tmp_path}/x.bin: File too large (EFBIG)"]
    assert _names(tmp_path) == []


def test_mp4_packet_count_reads_without_decoding_and_names_a_damaged_file(tmp_path) -> None:
    path = tmp_path / "v.mp4"
    write_mp4(path, _frames(7), fps=16)
    assert mp4_packet_count(path) == 7
    data = bytearray(path.read_bytes())
    at = data.find(b"moov")
    data[at - 4 : at + 60] = bytes(64)  # the index zeroed, the size unchanged
    path.write_bytes(data)
    with pytest.raises(io_utils.OutputError, match=rf"^{path}: not a readable video \(ffmpeg exited with status"):
        mp4_packet_count(path)


def test_write_mp4_failure_keeps_existing_target(tmp_path, mocker) -> None:
    path = tmp_path / "keep.mp4"
    write_mp4(path, _frames(3), fps=16)
    before = path.read_bytes()
    mocker.patch.object(io_utils.os, "replace", side_effect=OSError("rename failed"))
    with pytest.raises(OSError, match="rename failed"):
        write_mp4(path, _frames(7), fps=16)
    assert path.read_bytes() == before
    assert _names(tmp_path) == ["keep.mp4"]


def test_atomic_write_json_round_trip(tmp_path) -> None:
    path = tmp_path / "sub" / "meta.json"
    obj = {"prompt": "héllo", "frames": [1, 2, 3], "ok": True}
    atomic_write_json(path, obj)
    assert json.loads(path.read_text(encoding="utf-8")) == obj
    atomic_write_json(path, {"v": 2})  # overwrite
    assert json.loads(path.read_text(encoding="utf-8")) == {"v": 2}
    assert _names(path.parent) == ["meta.json"]


def test_atomic_write_json_unserialisable_leaves_target(tmp_path) -> None:
    path = tmp_path / "meta.json"
    atomic_write_json(path, {"v": 1})
    with pytest.raises(TypeError):
        atomic_write_json(path, {"v": object()})
    assert json.loads(path.read_text()) == {"v": 1}
    assert _names(tmp_path) == ["meta.json"]


def test_atomic_write_bytes_and_text(tmp_path) -> None:
    atomic_write_bytes(tmp_path / "a.bin", b"\x00\x01")
    atomic_write_text(tmp_path / "b.txt", "line\n")
    assert (tmp_path / "a.bin").read_bytes() == b"\x00\x01"
    assert (tmp_path / "b.txt").read_text() == "line\n"
    assert _names(tmp_path) == ["a.bin", "b.txt"]


def test_atomic_write_failure_removes_temp(tmp_path, mocker) -> None:
    path = tmp_path / "x.txt"
    atomic_write_text(path, "old")
    seen: list[str] = []
    real_fsync = io_utils.os.fsync

    def failing_fsync(fd):
        seen.extend(p.name for p in tmp_path.iterdir() if p.name != "x.txt")
        raise OSError("fsync failed")

    mocker.patch.object(io_utils.os, "fsync", side_effect=failing_fsync)
    with pytest.raises(OSError, match="fsync failed"):
        atomic_write_text(path, "new")
    mocker.patch.object(io_utils.os, "fsync", side_effect=real_fsync)
    assert seen and all(n.startswith(".") and n.endswith(".tmp") for n in seen)
    assert path.read_text() == "old"
    assert _names(tmp_path) == ["x.txt"]
