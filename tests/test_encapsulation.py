"""The apps, the plugins and the stream reach the loop, the pipeline and each other through public names only.

Walks the syntax tree of every module in `memflow_ext/app/`, `plugins/` and
`memflow_ext/pipelines/stream.py`: an attribute `x._y` where `x` is not `self` / `cls`, or
`getattr` / `setattr` / `hasattr` with a literal `"_y"`, is a reach into another object's
private state and fails the test (dunders such as `x.__class__` are not private).
"""

from __future__ import annotations

import ast
from pathlib import Path

import pytest

REPO = Path(__file__).resolve().parents[1]
ROOTS = ("memflow_ext/app", "plugins", "memflow_ext/pipelines/stream.py")
OWN = ("self", "cls")


def _private(name: str) -> bool:
    return name.startswith("_") and not (name.startswith("__") and name.endswith("__"))


def private_reaches(source: str, filename: str = "<string>") -> list[str]:
    """`line: what` for every reach into another object's private member in `source`."""
    found = []
    for node in ast.walk(ast.parse(source, filename)):
        if isinstance(node, ast.Attribute) and _private(node.attr):
            owner = node.value
            if not (isinstance(owner, ast.Name) and owner.id in OWN):
                found.append(f"{node.lineno}: {ast.unparse(owner)}.{node.attr}")
        elif isinstance(node, ast.Call) and isinstance(node.func, ast.Name) \
                and node.func.id in ("getattr", "setattr", "hasattr", "delattr") and len(node.args) >= 2:
            name = node.args[1]
            if isinstance(name, ast.Constant) and isinstance(name.value, str) and _private(name.value):
                found.append(f"{node.lineno}: {node.func.id}(..., {name.value!r})")
    return found


def _modules() -> list[Path]:
    out: list[Path] = []
    for root in ROOTS:
        path = REPO / root
        out.extend([path] if path.is_file() else sorted(path.rglob("*.py")))
    return out


@pytest.mark.parametrize("source,hits", [
    ("self._a; cls._b; x.__class__", 0),
    ("pipe._emit('x')", 1),
    ("super()._call_model(1)", 1),
    ("getattr(run, '_private', None); hasattr(p, '_x'); getattr(p, 'public')", 2),
    ("self.loop._state()", 1),
])
def test_the_checker_finds_private_reaches(source, hits):
    assert len(private_reaches(source)) == hits


def test_no_private_reaches_in_apps_plugins_and_stream():
    modules = _modules()
    assert len(modules) > 20 and REPO / "memflow_ext/pipelines/stream.py" in modules
    bad = [f"{m.relative_to(REPO)}:{hit}" for m in modules for hit in private_reaches(m.read_text(), str(m))]
    assert bad == [], "private members of other objects used:\n" + "\n".join(bad)
