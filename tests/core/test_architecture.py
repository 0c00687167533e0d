"""The layout keeps its promises: no import cycles, click only in tracker.cli, no private names across modules.

The import graph is read from the source with ``ast``: every import, at the
top of a module or inside a function, is an edge.
"""

from __future__ import annotations

import ast
from pathlib import Path

from conftest import ROOT

PACKAGE = ROOT / "tracker"


def _module_name(path: Path) -> str:
    parts = list(path.relative_to(ROOT).with_suffix("").parts)
    if parts[-1] == "__init__":
        parts.pop()
    return ".".join(parts)


MODULES = {_module_name(p): p for p in PACKAGE.rglob("*.py") if "migrations" not in p.parts}


def _resolve(name: str) -> str:
    """The module an import names (a package's submodule, else the package)."""
    while name and name not in MODULES:
        name = name.rpartition(".")[0]
    return name


def _imports(module: str, path: Path):
    """(imported module, names taken from it, line) for every tracker import in a module."""
    tree = ast.parse(path.read_text(encoding="utf-8"))
    package = module if path.name == "__init__.py" else module.rpartition(".")[0]
    for node in ast.walk(tree):
        if isinstance(node, ast.Import):
            for alias in node.names:
                yield alias.name, [], node.lineno
        elif isinstance(node, ast.ImportFrom):
            base = node.module or ""
            if node.level:
                parent = package.split(".")
                parent = parent[: len(parent) - node.level + 1]
                base = ".".join(parent + ([base] if base else []))
            for alias in node.names:
                sub = f"{base}.{alias.name}"
                if sub in MODULES:  # "from tracker.geo import radius": the module itself
                    yield sub, [], node.lineno
                else:
                    yield base, [alias.name], node.lineno


def _graph() -> dict[str, set[str]]:
    graph: dict[str, set[str]] = {m: set() for m in MODULES}
    for module, path in MODULES.items():
        for target, _, _ in _imports(module, path):
            if target.startswith("tracker"):
                resolved = _resolve(target)
                if resolved and resolved != module and not module.startswith(resolved + "."):
                    graph[module].add(resolved)
    return graph


def _cycles(graph: dict[str, set[str]]) -> list[list[str]]:
    """Strongly connected components of more than one module (Tarjan)."""
    index: dict[str, int] = {}
    low: dict[str, int] = {}
    stack: list[str] = []
    on_stack: set[str] = set()
    out: list[list[str]] = []
    counter = [0]

    def visit(v: str) -> None:
        index[v] = low[v] = counter[0]
        counter[0] += 1
        stack.append(v)
        on_stack.add(v)
        for w in sorted(graph[v]):
            if w not in index:
                visit(w)
                low[v] = min(low[v], low[w])
            elif w in on_stack:
                low[v] = min(low[v], index[w])
        if low[v] == index[v]:
            component = []
            while True:
                w = stack.pop()
                on_stack.discard(w)
                component.append(w)
                if w == v:
                    break
            if len(component) > 1:
                out.append(sorted(component))

    for v in sorted(graph):
        if v not in index:
            visit(v)
    return out


def test_the_package_has_no_import_cycle():
    assert _cycles(_graph()) == []


def test_the_cycle_check_finds_a_cycle():
    assert _cycles({"a": {"b"}, "b": {"c"}, "c": {"a"}, "d": {"a"}}) == [["a", "b", "c"]]


def test_click_is_imported_only_by_the_command_line():
    offenders = [f"{module}:{line}" for module, path in MODULES.items() if not module.startswith("tracker.cli")
                 for target, _, line in _imports(module, path) if target.split(".")[0] == "click"]
    assert offenders == []


def test_the_core_never_imports_the_pictures():
    """matplotlib (the charts extra) only in tracker.charts; tracker.charts only from there and the command line."""
    offenders = [f"{module}:{line} imports {target}" for module, path in MODULES.items()
                 if not module.startswith(("tracker.charts", "tracker.cli.pictures"))
                 for target, _, line in _imports(module, path)
                 if target.split(".")[0] == "matplotlib" or target.startswith("tracker.charts")]
    assert offenders == []


def test_no_module_imports_another_modules_private_names():
    offenders = [f"{module}:{line} imports {name} from {target}" for module, path in MODULES.items()
                 for target, names, line in _imports(module, path) if target.startswith("tracker")
                 for name in names if name.startswith("_") and not name.startswith("__")]
    assert offenders == []
