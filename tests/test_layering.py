"""The package's shape is checked: import-linter's contracts (pyproject.toml) hold, and no import circle exists."""

from __future__ import annotations

import os
from collections.abc import Iterable

import grimp
import pytest
from importlinter.cli import lint_imports

from tests.helpers import REPO

PACKAGES = ("memflow_ext", "hooks", "plugins")


def import_cycles(graph: grimp.ImportGraph, modules: Iterable[str]) -> list[list[str]]:
    """Strongly connected components of more than one module (Tarjan), each sorted."""
    modules = sorted(modules)
    index: dict[str, int] = {}
    low: dict[str, int] = {}
    stack: list[str] = []
    on_stack: set[str] = set()
    cycles: list[list[str]] = []
    counter = 0

    def visit(root: str) -> None:  # iterative, so deep graphs cannot overflow the recursion limit
        nonlocal counter
        work = [(root, iter(sorted(graph.find_modules_directly_imported_by(root))))]
        index[root] = low[root] = counter
        counter += 1
        stack.append(root)
        on_stack.add(root)
        while work:
            node, children = work[-1]
            child = next(children, None)
            if child is None:
                work.pop()
                if work:
                    parent = work[-1][0]
                    low[parent] = min(low[parent], low[node])
                if low[node] == index[node]:
                    scc = []
                    while True:
                        m = stack.pop()
                        on_stack.discard(m)
                        scc.append(m)
                        if m == node:
                            break
                    if len(scc) > 1:
                        cycles.append(sorted(scc))
            elif child not in index:
                index[child] = low[child] = counter
                counter += 1
                stack.append(child)
                on_stack.add(child)
                work.append((child, iter(sorted(graph.find_modules_directly_imported_by(child)))))
            elif child in on_stack:
                low[node] = min(low[node], index[child])

    for m in modules:
        if m not in index:
            visit(m)
    return cycles


@pytest.fixture(scope="module")
def graph() -> grimp.ImportGraph:
    return grimp.build_graph(*PACKAGES, include_external_packages=False, exclude_type_checking_imports=True)


def test_no_import_cycle_between_project_modules(graph):
    cycles = import_cycles(graph, graph.modules)
    assert cycles == [], f"import circles (lazy imports count): {cycles}"


def test_cycle_finder_sees_a_lazy_import_circle(tmp_path, monkeypatch):
    pkg = tmp_path / "circle_pkg"
    pkg.mkdir()
    (pkg / "__init__.py").write_text("")
    (pkg / "a.py").write_text("from circle_pkg import b\n")
    (pkg / "b.py").write_text("def f():\n    from circle_pkg import a\n")
    (pkg / "c.py").write_text("from typing import TYPE_CHECKING\nif TYPE_CHECKING:\n    from circle_pkg import a\n")
    monkeypatch.syspath_prepend(str(tmp_path))
    g = grimp.build_graph("circle_pkg", exclude_type_checking_imports=True, cache_dir=None)
    assert import_cycles(g, g.modules) == [["circle_pkg.a", "circle_pkg.b"]]


def test_import_contracts_hold(monkeypatch):
    monkeypatch.chdir(REPO)
    assert lint_imports(config_filename=os.fspath(REPO / "pyproject.toml"), no_cache=True) == 0
