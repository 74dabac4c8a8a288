"""The shipped `toy` checkpoint: one small file, loads as `preset=toy`, generates through batch,
interactive and live mode, and its text encoder still reads the grammar as it did in training."""

from __future__ import annotations

import json
import subprocess
import sys

import pytest
import torch
from safetensors import safe_open

from memflow_ext.config import load_config
from memflow_ext.loaders.bundled import CHECK_PREFIX, PREFIXES, bundle_check, bundle_metadata, bundled_path, load_bundle
from memflow_ext.presets import TOY
from memflow_ext.toy.train import TrainConfig, tensor_digest, word_embeddings
from tests.helpers import REPO

CONFIG = REPO / "configs" / "toy_interactive.yaml"
MAX_BYTES = 20 * 1024 * 1024


@pytest.fixture(scope="module")
def shipped():
    path = bundled_path(TOY)
    if not path.is_file():
        pytest.fail(f"the toy preset's weights are missing: {path}")
    return path


def test_one_small_file_holds_every_component(shipped):
    assert shipped.stat().st_size <= MAX_BYTES
    with safe_open(str(shipped), framework="pt") as f:
        prefixes = {next((p for p in (*PREFIXES, CHECK_PREFIX) if k.startswith(p)), k) for k in f.keys()}
    assert prefixes == {*PREFIXES, CHECK_PREFIX}  # the components and the stored reference values
    meta = bundle_metadata(shipped)
    assert meta["steps"] > 0 and meta["train_seconds"] > 0 and len(meta["loss_curve"]) > 1
    assert meta["loss_curve"][-1][1] < meta["loss_curve"][0][1]  # the shipped curve went down


def test_the_grammars_word_embeddings_match_the_stored_ones(shipped):
    """The text encoder still gives the embeddings the DiT was trained on (a dependency's change to the
    tokenizer or the encoder's forward would move them by far more than the tolerance)."""
    _, text, _ = load_bundle(TOY)
    stored = bundle_check(shipped, "word_embeddings")
    assert tensor_digest(stored) == bundle_metadata(shipped)["word_embedding_sha256"]
    torch.testing.assert_close(word_embeddings(text), stored, rtol=0, atol=1e-4)


def test_the_demo_config_uses_the_training_settings_and_the_fingerprint_names_the_file(shipped):
    from memflow_ext.app.fingerprint import weights_files

    cfg = load_config([CONFIG])
    trained = load_config(overrides=TrainConfig().engine)
    assert cfg.preset == "toy" and cfg.model_kwargs == trained.model_kwargs
    # trained at the noise levels the demo samples at
    assert (cfg.denoising_step_list, cfg.warp_denoising_step) == (trained.denoising_step_list,
                                                                  trained.warp_denoising_step)
    assert bundle_metadata(shipped)["train_config"]["engine"] == TrainConfig().engine
    assert list(cfg.agent.extra_entity_nouns) == ["circle", "square", "triangle"]
    assert weights_files(cfg) == [shipped]
    # configs used by the tests stay on the random tiny preset
    for name in ("inference.yaml", "interactive_inference.yaml"):
        assert load_config([REPO / "configs" / name]).preset == "tiny"


@pytest.mark.slow
def test_batch_cli_generates_the_demo(tmp_path):
    out = tmp_path / "out"
    r = subprocess.run([sys.executable, str(REPO / "agent_interactive_inference.py"), "--config", str(CONFIG),
                        "--plugins", "agent,memory,profile,storyboard,transition", f"output_folder={out}", "--quiet"],
                       cwd=REPO, capture_output=True, text=True, timeout=900)
    assert r.returncode == 0, r.stderr[-3000:]
    folder = out / "000001_s0"
    assert (folder / "video.mp4").is_file()
    meta = json.loads((folder / "meta.json").read_text())
    assert any("toy.safetensors" in json.dumps(v) for v in meta.values())
    mapping = json.loads((folder / "mapping.json").read_text())
    assert "global_registry" in mapping


@pytest.mark.slow
def test_interactive_stream_switches_and_decodes_every_frame():
    from memflow_ext.pipelines.builder import build_pipeline

    cfg = load_config([CONFIG])
    pipe = build_pipeline(cfg)
    with pipe.open_stream("a blue square moves right", seed=1, max_frames=9) as stream:
        first = stream.next_block()
        stream.switch_prompt("a red circle moves up")
        second = stream.next_block()
        third = stream.next_block()
    assert first.video.shape == (1, 3, 3, 64, 64)  # temporal factor 1: a frame per latent frame
    assert second.switched and second.prompt_index == 1 and not third.switched
    assert torch.isfinite(third.video).all()


@pytest.mark.slow
def test_live_server_streams_the_toy_preset(tmp_path):
    from memflow_ext.app.cli import build_parser, make_pipeline, prepare
    from memflow_ext.app.live.server import ServerThread, open_service
    from tests.app.live.conftest import Client

    args = build_parser("test", "test", "toy_interactive.yaml").parse_intermixed_args(
        ["--serve", "--plugins", "agent,memory", "--port", "0", f"output_folder={tmp_path}"])
    p = prepare(args, True)
    pipe = make_pipeline(p["cfg"], p["pm"])
    service = open_service(pipe, p["cfg"], p["out_root"], p["run_fp"], p["plugins"], True, ["test"])
    th = ServerThread(service, token=p["token"]).start()
    try:
        with Client(th.ws_url) as c:
            c.send(type="start", prompt="a green triangle moves left", seed=2, max_frames=6)
            c.until("started")
            head, frames, _ = c.block()
            assert head["block_index"] == 0 and len(frames) == 3
            c.send(type="stop")
            c.until("saved")
    finally:
        th.stop()
