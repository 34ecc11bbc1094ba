"""Every third-party module the server imports is a declared dependency, so `pip install .` on a new
machine runs it (a test environment has more installed and would not notice)."""

from __future__ import annotations

import ast
import sys
import tomllib
from importlib.metadata import packages_distributions
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent


def _imported() -> set[str]:
    found = set()
    for package in ("server", "realtime", "search"):
        for path in (ROOT / package).rglob("*.py"):
            for node in ast.walk(ast.parse(path.read_text())):
                if isinstance(node, ast.Import):
                    found |= {alias.name.split(".")[0] for alias in node.names}
                elif isinstance(node, ast.ImportFrom) and node.level == 0 and node.module:
                    found.add(node.module.split(".")[0])
    return {m for m in found if m not in sys.stdlib_module_names and m not in ("server", "realtime", "search")}


def _normal(name: str) -> str:
    return name.lower().replace("_", "-").split("[")[0]


def test_every_imported_module_is_a_declared_dependency():
    project = tomllib.loads((ROOT / "pyproject.toml").read_text())["project"]
    declared = {_normal(d.split(">")[0].split("=")[0].split("<")[0].strip()) for d in project["dependencies"]}
    providers = packages_distributions()
    undeclared = {}
    for module in _imported():
        distributions = {_normal(d) for d in providers.get(module, [module])}
        if not distributions & declared:
            undeclared[module] = sorted(distributions)
    # Installed as dependencies of declared packages, and imported on purpose: say so here.
    undeclared.pop("typing_extensions", None)  # pydantic's
    undeclared.pop("pydantic_core", None)  # pydantic's
    undeclared.pop("joserfc", None)  # authlib's
    undeclared.pop("markupsafe", None)  # jinja2's
    undeclared.pop("anyio", None)  # starlette's
    assert not undeclared, f"imported by the server but not in pyproject's dependencies: {undeclared}"
