"""Shared by the tests: where the golden/wan/data folders are, and small engine builders (tiny preset)."""

from __future__ import annotations

import os
from pathlib import Path

import pytest
import torch

from memflow_ext.config import load_config
from memflow_ext.pipelines.builder import build_model
from memflow_ext.pipelines.memflow import MemFlowPipeline
from memflow_ext.presets import TINY

REPO = Path(__file__).resolve().parent.parent
SHARED = Path(os.environ.get("IAMFLOW_SHARED", REPO.parent / "shared"))
GOLDEN = Path(os.environ.get("IAMFLOW_GOLDEN", SHARED / "golden"))
WAN_KEYS = Path(os.environ.get("IAMFLOW_WAN_KEYS", SHARED / "wan"))
DATA = Path(os.environ.get("IAMFLOW_DATA", SHARED / "data"))


def need(path: Path, what: str) -> Path:
    """The path, or skip the test naming what is missing and the setting that locates it."""
    if not path.exists():
        pytest.skip(f"{what} not found at {path} (set IAMFLOW_SHARED or the specific IAMFLOW_* variable)")
    return path


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


def make_distribution(root, name: str, module: str, source: str) -> None:
    """A real installed distribution: module + dist-info with an entry point in `iamflow.plugins`."""
    (root / f"{module}.py").write_text(source)
    info = root / f"{module}-0.1.dist-info"
    info.mkdir()
    (info / "METADATA").write_text(f"Metadata-Version: 2.1\nName: {module}\nVersion: 0.1\n")
    (info / "entry_points.txt").write_text(f"[iamflow.plugins]\n{name} = {module}\n")


FAKE_FFMPEG = """#!/bin/sh
# ffmpeg as it behaves on a full disk: reading works; writing ends with {mode} and exit status 0
case "$*" in *"-c copy"*) exec {real} "$@";; esac
{real} "$@" || exit $?
for last; do :; done
{action}
exit 0
"""


def fake_ffmpeg(tmp_path, mocker, mode: str) -> None:
    """Put a wrapper around the real ffmpeg in charge: after a real encode it reports an error on stderr
    ("trailer") or truncates the file ("truncate"), and exits 0 either way."""
    import imageio_ffmpeg

    real = imageio_ffmpeg.get_ffmpeg_exe()
    action = {"trailer": 'echo "[out#0/mp4] Error writing trailer: No space left on device" >&2',
              "truncate": 'head -c 2000 "$last" > "$last.cut" && mv "$last.cut" "$last"'}[mode]
    script = tmp_path / "bin" / "ffmpeg"
    script.parent.mkdir()
    script.write_text(FAKE_FFMPEG.format(mode=mode, real=real, action=action))
    script.chmod(0o755)
    mocker.patch.object(imageio_ffmpeg, "get_ffmpeg_exe", return_value=str(script))
