"""A file that is not a usable checkpoint is reported for what it is; the pickle advice only for a real pickle."""

from __future__ import annotations

import os
from pathlib import Path

import pytest
import torch

from memflow_ext.loaders.tensors import ALLOW_PICKLE_ENV, WeightsError, torch_load


def _err(path: Path) -> str:
    with pytest.raises(WeightsError) as info:
        torch_load(path, f"{path} (generator_ckpt)")
    return str(info.value)


@pytest.mark.parametrize("allow", ["", "1"])
def test_random_bytes_are_not_a_checkpoint(tmp_path, monkeypatch, allow):
    monkeypatch.setenv(ALLOW_PICKLE_ENV, allow)
    p = tmp_path / "base.pt"
    p.write_bytes(os.urandom(4096).replace(b"\x80", b"\x00").replace(b"PK", b"pk"))
    msg = _err(p)
    assert "base.pt (generator_ckpt)" in msg and "not a torch checkpoint" in msg
    assert ALLOW_PICKLE_ENV not in msg


@pytest.mark.parametrize("allow", ["", "1"])
def test_truncated_checkpoint_says_truncated(tmp_path, monkeypatch, allow):
    monkeypatch.setenv(ALLOW_PICKLE_ENV, allow)
    p = tmp_path / "base.pt"
    torch.save({"w": torch.ones(1000)}, p)
    p.write_bytes(p.read_bytes()[:2000])
    msg = _err(p)
    assert "truncated" in msg and ALLOW_PICKLE_ENV not in msg


def test_empty_file_and_safetensors_are_named(tmp_path):
    from safetensors.torch import save_file

    empty = tmp_path / "empty.pt"
    empty.write_bytes(b"")
    assert "empty" in _err(empty)
    st = tmp_path / "st.pt"
    save_file({"w": torch.ones(2)}, str(st))
    assert "safetensors file" in _err(st)


def test_pickle_advice_only_for_a_refused_pickle(tmp_path, monkeypatch):
    p = tmp_path / "objects.pt"
    torch.save({"w": torch.ones(2), "config": Path("x")}, p)
    monkeypatch.delenv(ALLOW_PICKLE_ENV, raising=False)
    msg = _err(p)
    assert ALLOW_PICKLE_ENV in msg and "PosixPath" in msg
    monkeypatch.setenv(ALLOW_PICKLE_ENV, "1")
    assert torch.equal(torch_load(p, "objects.pt")["w"], torch.ones(2))
