"""An installed but broken plugin is skipped when config sections are collected: the baseline and the
other plugins run; only selecting it is an error naming the plugin and the cause.

Each kind of breakage is a real distribution (module + dist-info with an `iamflow.plugins` entry
point) on `sys.path`, as `pip install` would leave it.
"""

from __future__ import annotations

import os
import subprocess
import sys
import textwrap

import pytest
from loguru import logger

from hooks.manager import PluginError, build_plugin_manager, collect_sections
from memflow_ext.config import load_config
from tests.helpers import REPO, make_distribution

# plugin name -> (module, source, what the skip warning and the selection error say)
BROKEN = {
    "typo": ("iamflow_typo_plugin", textwrap.dedent('''
        from hooks import hookimpl

        @hookimpl
        def iamflow_promt_switch(prompt_index):  # misspelled: not a hook of the contract
            pass
    '''), "iamflow_promt_switch"),
    "raiser": ("iamflow_raiser_plugin", textwrap.dedent('''
        from hooks import hookimpl

        @hookimpl
        def iamflow_add_config(register):
            raise RuntimeError("no settings today")
    '''), "iamflow_add_config raised RuntimeError: no settings today"),
    "zdup": ("iamflow_zdup_plugin", textwrap.dedent('''
        from dataclasses import dataclass

        from hooks import hookimpl

        @dataclass
        class Mine:
            enabled: bool = True

        @hookimpl
        def iamflow_add_config(register):
            register("zdup", Mine)
            register("memory", Mine)  # the built-in memory plugin's section
    '''), "plugins 'memory' and 'zdup' both declare the config section 'memory'"),
}


@pytest.fixture
def log_lines():
    lines: list[str] = []
    sink = logger.add(lines.append, format="{message}", level="WARNING")
    yield lines
    logger.remove(sink)


def install_broken(root) -> None:
    for name, (module, source, _) in BROKEN.items():
        make_distribution(root, name, module, source)


def test_broken_plugins_are_skipped_and_their_sections_ignored(tmp_path, monkeypatch, log_lines):
    install_broken(tmp_path)
    monkeypatch.syspath_prepend(str(tmp_path))
    found = collect_sections()
    assert set(found.skipped) == set(BROKEN)
    for name, (_, _, cause) in BROKEN.items():
        assert cause in found.skipped[name]
        warnings = [line for line in log_lines if f"plugin '{name}' skipped: " in line]
        assert len(warnings) == 1 and cause in warnings[0], log_lines
    # the built-ins keep their sections; the duplicate's own section is not declared (all or nothing)
    assert {"agent", "memory", "profile", "transition"} <= set(found.schemas) and "zdup" not in found.schemas
    assert found.schemas["memory"].__module__ == "plugins.memory.settings"
    assert found.orphaned == {"typo": "typo", "raiser": "raiser", "zdup": "zdup"}
    collect_sections()  # collected once: no second warning
    assert sum("skipped" in line for line in log_lines) == len(BROKEN)
    cfg = load_config(overrides=["typo.enabled=true", "zdup.enabled=false", "memory.max_frames=2"])
    assert cfg.memory.max_frames == 2 and not hasattr(cfg, "typo")
    assert any("config section 'typo' ignored: plugin 'typo' is installed but broken" in line for line in log_lines)
    assert build_plugin_manager(["memory"], cfg).has_plugin("memory")
    for name, (_, _, cause) in BROKEN.items():
        with pytest.raises(PluginError, match=rf"plugin '{name}' was selected but cannot run") as err:
            build_plugin_manager([name], cfg)
        assert cause in str(err.value)


def _cli(tmp_path, *args: str) -> subprocess.CompletedProcess:
    env = {**os.environ, "PYTHONPATH": f"{tmp_path}:{REPO}"}
    return subprocess.run([sys.executable, str(REPO / "agent_inference.py"), *args], cwd=REPO, capture_output=True,
                          text=True, env=env, timeout=300)


@pytest.mark.slow
def test_cli_baseline_runs_beside_broken_plugins_and_selecting_one_exits_2(tmp_path):
    install_broken(tmp_path)
    config = tmp_path / "with_sections.yaml"
    config.write_text((REPO / "configs" / "inference.yaml").read_text() + "\ntypo:\n  enabled: true\n")
    out = tmp_path / "out"
    r = _cli(tmp_path, "--config", str(config), "--plugins", "none", f"output_folder={out}", "num_output_frames=3",
             "save_video=false", "--quiet")
    assert r.returncode == 0, r.stderr
    for name, (_, _, cause) in BROKEN.items():
        assert r.stderr.count(f"plugin '{name}' skipped: ") == 1 and cause in r.stderr
    assert "config section 'typo' ignored" in r.stderr
    assert len(list(out.rglob("meta.json"))) == 1  # the baseline video was made
    for name, (_, _, cause) in BROKEN.items():
        r = _cli(tmp_path, "--plugins", name, f"output_folder={out}", "num_output_frames=3", "--quiet")
        assert r.returncode == 2, r.stderr
        assert f"plugin '{name}' was selected but cannot run" in r.stderr and cause in r.stderr
