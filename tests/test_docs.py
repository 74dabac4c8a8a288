"""The README and docs/ show no stale config key: every `key=value` override on a fenced command line loads
against the config schema, together with the other overrides of its line and the config file that line
uses (its `--config`, else the script's default), as the command itself would load them."""

from __future__ import annotations

import re
import shlex
from pathlib import Path

import pytest

from memflow_ext.config import load_config
from tests.helpers import REPO

PAGES = [REPO / "README.md", *sorted((REPO / "docs").glob("*.md"))]
SHELL_FENCES = {"", "bash", "sh", "shell", "console"}
OVERRIDE = re.compile(r"^[a-z_][a-z0-9_]*(\.[a-z0-9_]+)*=")  # lower-case dotted key: env vars are upper case
DEFAULT_CONFIGS = {"agent_inference.py": "inference.yaml",
                   "agent_interactive_inference.py": "interactive_inference.yaml"}


def command_lines(page: Path) -> list[tuple[int, str]]:
    """(line number, command) of every line in the page's shell fences; `\\` continuations joined."""
    out: list[tuple[int, str]] = []
    fence: str | None = None
    pending, start = "", 0
    for n, line in enumerate(page.read_text(encoding="utf-8").splitlines(), 1):
        stripped = line.strip()
        if stripped.startswith("```"):
            fence = stripped[3:].strip().lower() if fence is None else None
            continue
        if fence not in SHELL_FENCES or fence is None:
            continue
        text = stripped.split(" #", 1)[0] if not stripped.startswith("#") else ""
        if not pending:
            start = n
        if text.endswith("\\"):
            pending += text[:-1] + " "
            continue
        command = (pending + text).strip()
        pending = ""
        if command:
            out.append((start, command))
    return out


def program(words: list[str]) -> bool:
    """Whether the command runs one of the project's programs (a script of the repository or a module of the
    engine), which take config overrides; `pip install torch==...` and the like do not."""
    return any(w.endswith(".py") and (REPO / w.lstrip("./")).is_file() for w in words) or any(
        a == "-m" and b.startswith("memflow_ext") for a, b in zip(words, words[1:], strict=False))


def overrides_of(command: str) -> tuple[list[str], Path | None]:
    """The `key=value` overrides of one command (the part of the line that runs a program) and the config
    file it loads them onto."""
    words: list[str] = []
    for part in re.split(r"&&|\|\||;|\|", command):
        candidate = shlex.split(part)
        if program(candidate):
            words = candidate
    config = None
    for script, default in DEFAULT_CONFIGS.items():
        if any(w.endswith(script) for w in words):
            config = REPO / "configs" / default
    if "--config" in words:
        config = REPO / words[words.index("--config") + 1]
    keys = [w for w in words if OVERRIDE.match(w) and "://" not in w]
    return keys, config


CASES = [(page, n, command) for page in PAGES for n, command in command_lines(page) if overrides_of(command)[0]]


def test_the_pages_show_commands_with_overrides():
    assert len(CASES) >= 3, "the README and docs/ show fewer key=value commands than expected"


@pytest.mark.parametrize("page,line,command", CASES, ids=[f"{p.name}:{n}" for p, n, _ in CASES])
def test_every_override_on_a_documented_command_loads(page, line, command):
    keys, config = overrides_of(command)
    load_config([config] if config is not None else None, keys)
