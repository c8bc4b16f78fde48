"""
The architecture holds (docs/architecture.md): the layers import one way, no module
imports another in a circle, and no import hides inside a function without saying why.
"""

import ast
import re
from pathlib import Path

import grimp
from importlinter.cli import lint_imports

ROOT = Path(__file__).resolve().parents[2]
PACKAGES = ["sse_map", "bench", "ops", "public", "curation", "orgs", "countries", "accounts", "core", "caching"]
# A comment on the import's line or the line above must say why it cannot be at the top.
WHY = re.compile(r"#(?!\s*noqa)\s*[A-Za-z]")


def test_each_layer_imports_only_the_layers_below_it():
    """The import-linter contract in pyproject.toml (sse_map on top, caching at the bottom)."""
    assert lint_imports(config_filename=str(ROOT / "pyproject.toml")) == 0


def strongly_connected(graph, modules):
    """Tarjan's algorithm: the sets of modules that import each other in a circle (size > 1)."""
    index, low, stack, on_stack, found, counter = {}, {}, [], set(), [], [0]

    def visit(start):
        work = [(start, iter(sorted(graph.find_modules_directly_imported_by(start) & modules)))]
        index[start] = low[start] = counter[0]
        counter[0] += 1
        stack.append(start)
        on_stack.add(start)
        while work:
            node, children = work[-1]
            child = next(children, None)
            if child is None:
                work.pop()
                if work:
                    low[work[-1][0]] = min(low[work[-1][0]], low[node])
                if low[node] == index[node]:
                    component = set()
                    while True:
                        member = stack.pop()
                        on_stack.discard(member)
                        component.add(member)
                        if member == node:
                            break
                    if len(component) > 1:
                        found.append(sorted(component))
            elif child not in index:
                index[child] = low[child] = counter[0]
                counter[0] += 1
                stack.append(child)
                on_stack.add(child)
                work.append((child, iter(sorted(graph.find_modules_directly_imported_by(child) & modules))))
            elif child in on_stack:
                low[node] = min(low[node], index[child])

    for module in sorted(modules):
        if module not in index:
            visit(module)
    return found


def test_no_module_imports_another_in_a_circle():
    """Within and across apps, at module level or inside functions: no import cycle."""
    graph = grimp.build_graph(*PACKAGES)
    # A package's __init__ is imported with each of its modules; count only imports between modules.
    modules = {m for m in graph.modules if not m.endswith(".migrations") and ".migrations." not in m}
    assert strongly_connected(graph, modules) == []


def function_level_imports():
    for package in PACKAGES:
        for path in sorted((ROOT / package).rglob("*.py")):
            if "migrations" in path.parts:
                continue
            lines = path.read_text(encoding="utf-8").splitlines()
            for node in ast.walk(ast.parse("\n".join(lines))):
                if not isinstance(node, ast.FunctionDef | ast.AsyncFunctionDef):
                    continue
                for inner in ast.walk(node):
                    if isinstance(inner, ast.Import | ast.ImportFrom):
                        yield path.relative_to(ROOT), inner.lineno, lines


def test_no_import_inside_a_function_without_a_comment_saying_why():
    """Imports belong at the top; the few that cannot be (app registry, start-up order) say why."""
    silent = [
        f"{path}:{lineno}"
        for path, lineno, lines in function_level_imports()
        if not (WHY.search(lines[lineno - 1]) or (lineno > 1 and WHY.search(lines[lineno - 2])))
    ]
    assert silent == []


def test_the_cycle_finder_reports_a_circle():
    """The cycle finder is honest: two modules importing each other are reported."""

    class Graph:
        edges = {"a": {"b"}, "b": {"a"}, "c": {"a"}}

        def find_modules_directly_imported_by(self, module):
            return self.edges.get(module, set())

    assert strongly_connected(Graph(), {"a", "b", "c"}) == [["a", "b"]]
