"""Shared fixtures: the golden and Wan key folders (paths in tests/helpers.py), two threads per test."""

from __future__ import annotations

from pathlib import Path

import pytest
import torch

from tests.helpers import GOLDEN, WAN_KEYS, need


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
