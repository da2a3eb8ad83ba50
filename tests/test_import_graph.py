"""The layers go one way, and no two modules import each other.

``forms`` (definitions, model, builder, XLSForm) and ``research`` (research
files from the served database) import nothing of the project; ``collector``
imports ``forms``, ``research`` and ``datasette_plugins``;
``datasette_plugins`` imports neither collector nor forms at import time
(Datasette loads it in its own process), only ``research``. The graph is read from the source with ``ast``, so the
check needs no import and sees every module, imported by a test or not.
"""

from __future__ import annotations

import ast
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent
PACKAGES = ("collector", "forms", "datasette_plugins", "research")
# What each bottom layer may import besides itself.
ALLOWED = {"forms": {"forms"}, "research": {"research"}}


def _module_name(path: Path) -> str:
    parts = list(path.relative_to(ROOT).with_suffix("").parts)
    if parts[-1] == "__init__":
        parts.pop()
    return ".".join(parts)


def project_modules() -> dict[str, Path]:
    return {
        _module_name(path): path
        for package in PACKAGES
        for path in sorted((ROOT / package).rglob("*.py"))
    }


def _targets(node: ast.Import | ast.ImportFrom, current: str, is_package: bool, modules) -> list[str]:
    """Project modules an import statement loads (``from pkg import sub`` names the submodule)."""
    if isinstance(node, ast.Import):
        names = [alias.name for alias in node.names]
    else:
        if node.level:
            base = current.split(".")
            base = base if is_package else base[:-1]
            base = base[: len(base) - (node.level - 1)]
            module = ".".join(base + ([node.module] if node.module else []))
        else:
            module = node.module or ""
        names = [f"{module}.{alias.name}" if f"{module}.{alias.name}" in modules else module for alias in node.names]
    found = []
    for name in names:
        # ``import a.b.c`` where only ``a.b`` is ours: the longest project prefix.
        while name and name not in modules:
            name = name.rpartition(".")[0]
        if name and name.split(".")[0] in PACKAGES:
            found.append(name)
    return found


def import_graph(modules: dict[str, Path], *, module_level_only: bool) -> dict[str, set[str]]:
    """module -> project modules it imports (at import time only, when asked)."""
    graph: dict[str, set[str]] = {}
    for name, path in modules.items():
        tree = ast.parse(path.read_text(encoding="utf-8"), filename=str(path))
        nodes = []
        if module_level_only:
            # Statements that run on import: the module body, including its
            # ``if``/``try`` blocks, but not function or class bodies' functions.
            stack = list(tree.body)
            while stack:
                node = stack.pop()
                if isinstance(node, (ast.FunctionDef, ast.AsyncFunctionDef, ast.Lambda)):
                    continue
                if isinstance(node, (ast.Import, ast.ImportFrom)):
                    nodes.append(node)
                stack.extend(ast.iter_child_nodes(node))
        else:
            nodes = [node for node in ast.walk(tree) if isinstance(node, (ast.Import, ast.ImportFrom))]
        is_package = path.name == "__init__.py"
        graph[name] = {
            target
            for node in nodes
            for target in _targets(node, name, is_package, modules)
            if target != name
        }
    return graph


def find_cycle(graph: dict[str, set[str]]) -> list[str] | None:
    """One import cycle as a list of modules (first == last), or None."""
    state: dict[str, int] = {}
    path: list[str] = []

    def visit(node: str) -> list[str] | None:
        state[node] = 1
        path.append(node)
        for target in sorted(graph.get(node, ())):
            if state.get(target) == 1:
                return path[path.index(target):] + [target]
            if target not in state:
                cycle = visit(target)
                if cycle:
                    return cycle
        state[node] = 2
        path.pop()
        return None

    for node in sorted(graph):
        if node not in state:
            cycle = visit(node)
            if cycle:
                return cycle
    return None


def upward_imports(all_imports: dict[str, set[str]], import_time: dict[str, set[str]]) -> list[str]:
    problems = []
    for module, targets in all_imports.items():
        layer = module.split(".")[0]
        if layer in ALLOWED:
            problems += [f"{module} imports {t}" for t in sorted(targets) if t.split(".")[0] not in ALLOWED[layer]]
    for module, targets in import_time.items():
        if module.split(".")[0] == "datasette_plugins":
            problems += [
                f"{module} imports {t} at import time" for t in sorted(targets) if t.split(".")[0] not in ("datasette_plugins", "research")
            ]
    return problems


@pytest.fixture(scope="module")
def modules():
    return project_modules()


def test_the_graph_sees_the_project(modules):
    graph = import_graph(modules, module_level_only=True)
    assert "collector.db" in graph["collector.migrations"]
    assert "forms.vocabulary" in graph["collector.migrations_served"]


def test_no_module_imports_itself_back_at_import_time(modules):
    cycle = find_cycle(import_graph(modules, module_level_only=True))
    assert cycle is None, "import cycle: " + " -> ".join(cycle)


def test_no_cycle_even_through_imports_inside_functions(modules):
    graph = import_graph(modules, module_level_only=False)
    # create_app imports the blueprints inside the function on purpose (see
    # collector/__init__.py); every module imports the package first anyway.
    graph["collector"] = set()
    cycle = find_cycle(graph)
    assert cycle is None, "import cycle: " + " -> ".join(cycle)


def test_layers_import_only_downwards(modules):
    problems = upward_imports(
        import_graph(modules, module_level_only=False), import_graph(modules, module_level_only=True)
    )
    assert problems == []


def test_the_checks_catch_a_cycle_and_an_upward_import():
    graph = {"a": {"b"}, "b": {"c"}, "c": {"a"}}
    assert find_cycle(graph) == ["a", "b", "c", "a"]
    assert upward_imports({"forms.model": {"collector.db"}}, {}) == ["forms.model imports collector.db"]
    assert upward_imports({"research.wide": {"collector.db"}}, {}) == ["research.wide imports collector.db"]
    assert upward_imports({}, {"datasette_plugins.exports": {"research.safe_csv"}}) == []
    assert upward_imports({}, {"datasette_plugins.stats": {"forms.model"}}) == [
        "datasette_plugins.stats imports forms.model at import time"
    ]
