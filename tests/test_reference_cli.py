"""`python -m memflow_ext.reference`: bad arguments are one line with exit code 2, before any weights are read."""

from __future__ import annotations

import pytest

from memflow_ext.reference import main
from tests.helpers import GOLDEN, need


@pytest.mark.parametrize("frames,needle", [("0", "--frames=0"), ("5", "--frames=5"), ("999", "--frames=999")])
def test_bad_frame_counts(tmp_path, capsys, frames, needle):
    golden = need(GOLDEN, "golden reference data")
    rc = main(["--weights", str(golden / "weights.safetensors"), "--inputs", str(golden / "inputs.safetensors"),
               "--case", "single", "--frames", frames, "--out", str(tmp_path / "o.safetensors")])
    err = capsys.readouterr().err
    assert rc == 2 and needle in err and "Traceback" not in err
    assert not (tmp_path / "o.safetensors").exists()


@pytest.mark.parametrize("flag", ["--weights", "--generator-ckpt"])
def test_missing_weights_file(tmp_path, capsys, flag):
    golden = need(GOLDEN, "golden reference data")
    missing = tmp_path / "nope.safetensors"
    rc = main([flag, str(missing), "--inputs", str(golden / "inputs.safetensors"), "--case", "single",
               "--frames", "3", "--out", str(tmp_path / "o.safetensors")])
    err = capsys.readouterr().err
    assert rc == 2 and str(missing) in err and flag in err and "Traceback" not in err
