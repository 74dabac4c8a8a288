"""Shared fixtures: where the golden/wan/data folders are, and small engine builders."""

from __future__ import annotations

import os
from pathlib import Path

import pytest
import torch

REPO = Path(__file__).resolve().parent.parent
SHARED = Path(os.environ.get("IAMFLOW_SHARED", REPO.parent / "shared"))
GOLDEN = Path(os.environ.get("IAMFLOW_GOLDEN", SHARED / "golden"))
WAN_KEYS = Path(os.environ.get("IAMFLOW_WAN_KEYS", SHARED / "wan"))
DATA = Path(os.environ.get("IAMFLOW_DATA", SHARED / "data"))


def need(path: Path, what: str) -> Path:
    if not path.exists():
        pytest.skip(f"{what} not found at {path} (set IAMFLOW_SHARED or the specific IAMFLOW_* variable)")
    return path


@pytest.fixture
def golden_dir() -> Path:
    return need(GOLDEN, "golden reference data")


@pytest.fixture
def wan_keys_dir() -> Path:
    return need(WAN_KEYS, "Wan checkpoint key lists")


@pytest.fixture(autouse=True)
def _two_threads():
    old = torch.get_num_threads()
    torch.set_num_threads(min(2, old))
    yield
    torch.set_num_threads(old)
