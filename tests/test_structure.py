"""The shape the code keeps (docs/architecture.md): no import circle, no oversized module."""

from __future__ import annotations

import ast
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
PACKAGES = ("server", "realtime", "search")
MAX_LINES = 400
# Data, not code: demo content, translations, migrations.
DATA = ("server/demo/content.py", "server/db/migrations/", "frontend/i18n/")


def _module_name(path: Path) -> str:
    parts = list(path.relative_to(ROOT).with_suffix("").parts)
    if parts[-1] == "__init__":
        parts.pop()
    return ".".join(parts)


def _runtime_imports(tree: ast.Module, name: str, is_package: bool) -> set[str]:
    """Modules imported when the module is loaded: top-level imports, not those under
    `if TYPE_CHECKING:` nor those inside functions (which are deferred on purpose)."""
    found: set[str] = set()
    for node in tree.body:
        if isinstance(node, ast.Import):
            found |= {alias.name for alias in node.names}
        elif isinstance(node, ast.ImportFrom):
            if node.level:
                base = name.split(".")
                base = base[: len(base) - node.level + (1 if is_package else 0)]
                module = ".".join([*base, node.module] if node.module else base)
            else:
                module = node.module or ""
            found.add(module)
            found |= {f"{module}.{alias.name}" for alias in node.names}
    return found


def _graph() -> dict[str, set[str]]:
    modules = {}
    for package in PACKAGES:
        for path in (ROOT / package).rglob("*.py"):
            if "migrations" not in path.parts:
                modules[_module_name(path)] = path
    graph = {}
    for name, path in modules.items():
        tree = ast.parse(path.read_text())
        imported = _runtime_imports(tree, name, path.name == "__init__.py")
        graph[name] = {m for m in imported if m in modules and m != name}
    return graph


def _cycle(graph: dict[str, set[str]]) -> list[str] | None:
    state: dict[str, int] = {}
    stack: list[str] = []

    def visit(node: str) -> list[str] | None:
        state[node] = 1
        stack.append(node)
        for nxt in sorted(graph[node]):
            if state.get(nxt) == 1:
                return [*stack[stack.index(nxt) :], nxt]
            if nxt not in state and (found := visit(nxt)):
                return found
        stack.pop()
        state[node] = 2
        return None

    for node in sorted(graph):
        if node not in state and (found := visit(node)):
            return found
    return None


def test_no_import_circle_in_python_packages():
    cycle = _cycle(_graph())
    assert cycle is None, "import circle: " + " -> ".join(cycle)


def test_no_source_file_over_the_limit():
    sources = [p for pkg in (*PACKAGES, "frontend") for p in (ROOT / pkg).rglob("*") if p.suffix in (".py", ".js")]
    over = {
        str(p.relative_to(ROOT)): n
        for p in sources
        if not any(str(p.relative_to(ROOT)).startswith(d) for d in DATA)
        and "vendor" not in p.parts
        and (n := len(p.read_text().splitlines())) > MAX_LINES
    }
    assert not over, f"files over {MAX_LINES} lines: {over}"
