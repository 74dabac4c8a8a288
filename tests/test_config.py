"""Configuration: defaults, overrides and every bad input stops early with a message naming it."""

from __future__ import annotations

import pytest

from memflow_ext.config import ConfigError, load_config, validate_switch_frames

REPO_CONFIGS = ["configs/inference.yaml", "configs/interactive_inference.yaml"]


def test_defaults_and_overrides():
    cfg = load_config(overrides=["model_kwargs.SMA=true", "num_output_frames=12", "adapter.rank=8"])
    assert cfg.model_kwargs.SMA is True and cfg.num_output_frames == 12 and cfg.adapter.rank == 8
    assert cfg.preset == "tiny" and cfg.model_kwargs.local_attn_size == 12


@pytest.mark.parametrize("path", REPO_CONFIGS)
def test_shipped_configs_load(path):
    from tests.helpers import REPO

    cfg = load_config([REPO / path])
    assert cfg.preset == "tiny"


@pytest.mark.parametrize(
    "overrides,needle",
    [
        (["num_output_frames=20"], "num_output_frames=20"),
        (["preset=huge"], "unknown preset 'huge'"),
        (["no_such_key=1"], "no_such_key"),
        (["model_kwargs.local_attn=3"], "model_kwargs.local_attn"),
        (["model_kwargs.local_attn_size=4"], "local_attn_size=4"),
        (["denoising_step_list=[250,500]"], "denoising_step_list"),
        (["seed=abc"], "seed"),
        (["prompts=['ok', '  ']"], "prompts[1]"),
        (["dtype=float8"], "float8"),
        (["switch_frame_indices=[9,6]"], "strictly increasing"),
        (["switch_frame_indices=[7]"], "block boundary"),
        (["switch_frame_indices=[30]"], "switch frame 30"),
        (["live.max_frames=1200"], "rope_max_len=1024"),
        (["engine.ffn_chunk_frames=-1"], "engine.ffn_chunk_frames=-1"),
        (["vae_cache=gpu"], "vae_cache='gpu'"),
    ],
)
def test_bad_values_name_the_key(overrides, needle):
    with pytest.raises(ConfigError) as err:
        load_config(overrides=overrides)
    assert needle in str(err.value)


def test_unknown_key_in_yaml_names_the_file(tmp_path):
    p = tmp_path / "bad.yaml"
    p.write_text("model_kwargs:\n  sink: 3\n")
    with pytest.raises(ConfigError) as err:
        load_config([p])
    assert str(p) in str(err.value) and "sink" in str(err.value) and "sink_size" in str(err.value)


def test_switch_count_must_fit_prompts():
    cfg = load_config()
    with pytest.raises(ConfigError, match="3 prompts need exactly 2"):
        validate_switch_frames([9], 3, cfg, where="story")
    with pytest.raises(ConfigError, match="1 prompts need exactly 0"):
        validate_switch_frames([9], 1, cfg, where="story")


def test_yaml_syntax_error_names_file_and_line(tmp_path):
    from memflow_ext.config import ConfigError, load_config

    bad = tmp_path / "bad.yaml"
    bad.write_text("preset: tiny\nmodel_kwargs:\n  sink_size: 3\n   bank_size: 3\n")
    with pytest.raises(ConfigError, match=rf"{bad}:4:\d+: YAML syntax error"):
        load_config([bad])


def test_weights_file_identity_hashes_only_the_ends(tmp_path):
    from memflow_ext.app.fingerprint import HASH_SPAN, file_identity

    p = tmp_path / "w.bin"
    p.write_bytes(b"a" * (3 * HASH_SPAN))
    first = file_identity(p)
    data = bytearray(p.read_bytes())
    data[HASH_SPAN + 5] = ord("b")  # the middle: not hashed, but the mtime changes
    p.write_bytes(bytes(data))
    second = file_identity(p)
    assert first["head_tail_sha256"] == second["head_tail_sha256"] and first["size"] == second["size"]
    data[-1] = ord("c")  # the last MiB: hashed
    p.write_bytes(bytes(data))
    assert file_identity(p)["head_tail_sha256"] != first["head_tail_sha256"]


@pytest.mark.parametrize("text,kind", [("- 1\n- 2\n", "a list"), ("5\n", "a scalar (int '5')"),
                                       ("just text\n", "a scalar (str 'just text')")])
def test_a_config_file_that_is_not_a_mapping_names_the_file(tmp_path, text, kind):
    p = tmp_path / "top.yaml"
    p.write_text(text)
    with pytest.raises(ConfigError) as err:
        load_config([p])
    assert str(err.value).startswith(f"{p}: the top level is {kind}; a config file must be a mapping of keys")


@pytest.mark.parametrize("text", ["", "\n# nothing set yet\n"])
def test_an_empty_config_file_is_an_empty_mapping(tmp_path, text):
    p = tmp_path / "empty.yaml"
    p.write_text(text)
    assert load_config([p]) == load_config()


def test_control_characters_in_config_prompts_name_the_file_and_line(tmp_path):
    p = tmp_path / "c.yaml"
    p.write_text('seed: 1\nprompts:\n  - "a fine prompt"\n  - "a cat\\0 on a mat"\n')
    with pytest.raises(ConfigError) as err:
        load_config([p])
    assert str(err.value) == (f"{p}:4: prompts[1] contains the control character U+0000 at character 6; a prompt "
                              "is plain text (tab and newline are the only control characters allowed)")
    with pytest.raises(ConfigError, match=r"prompts\[0\] contains the control character U\+001B"):
        load_config(overrides=['prompts=["red \\e[0m fox"]'])  # a YAML escape: the value holds ESC
    with pytest.raises(ConfigError, match="command line: an override's value is not valid YAML"):
        load_config(overrides=["prompts=['red \x1b[0m fox']"])  # the raw character: YAML refuses it
    cfg = load_config(overrides=['prompts=["a red fox\\tby a\\nriver"]'])  # tab and newline are text
    assert cfg.prompts == ["a red fox\tby a\nriver"]
