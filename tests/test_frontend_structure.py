"""The browser app's shape (docs/frontend.md): no import circle, screens independent of the shell
and of each other, live events only through the dispatcher, small files and functions.

The ES module imports of frontend/ are read with a small scanner (static `import`/`export ... from`
and dynamic `import("...")`, after strings and comments are blanked), so this needs no JavaScript
toolchain."""

from __future__ import annotations

import re
from pathlib import Path

import pytest

FRONTEND = Path(__file__).resolve().parents[1] / "frontend"
SCREENS = FRONTEND / "screens"
MAX_LINES = 400
MAX_FUNCTION_LINES = 80
# Translations are data: exempt from the size limit.
EXEMPT = {FRONTEND / "i18n"}
# The shell and the socket: a screen reaches neither (it asks nav.js, session.js and the store).
SHELL_ONLY = [FRONTEND / "app.js", FRONTEND / "shell", FRONTEND / "live.js"]

IMPORT = re.compile(
    r"""(?:\bimport\s*(?:[\w*{}\s,$]+\s*from\s*)?|\bexport\s*[\w*{}\s,$]+\s*from\s*|\bimport\s*\(\s*)(["'])([^"']+)\1"""
)


def blank(source: str) -> str:
    """Comments and the inside of template literals blanked (line breaks kept); quoted strings
    kept, since import specifiers are quoted strings."""
    out: list[str] = []
    i, n = 0, len(source)
    while i < n:
        two = source[i : i + 2]
        char = source[i]
        if two == "//":
            end = source.find("\n", i)
            i = n if end < 0 else end
        elif two == "/*":
            end = source.find("*/", i + 2)
            end = n if end < 0 else end + 2
            out.append(re.sub(r"[^\n]", " ", source[i:end]))
            i = end
        elif char in "'\"`":
            j = i + 1
            while j < n and source[j] != char:
                j += 2 if source[j] == "\\" else 1
            text = source[i : j + 1]
            out.append(text if char != "`" else re.sub(r"[^\n]", " ", text))
            i = j + 1
        else:
            out.append(char)
            i += 1
    return "".join(out)


def modules() -> list[Path]:
    return sorted(FRONTEND.rglob("*.js"))


def imports(path: Path) -> list[Path]:
    found = []
    for match in IMPORT.finditer(blank(path.read_text(encoding="utf-8"))):
        spec = match.group(2)
        if spec.startswith("."):
            found.append((path.parent / spec).resolve())
        elif spec.startswith("/"):
            found.append((FRONTEND / spec.lstrip("/")).resolve())
    return found


def graph() -> dict[Path, list[Path]]:
    return {path: imports(path) for path in modules()}


def screen_of(path: Path) -> str | None:
    """A screen is a module of frontend/screens/ or a folder there (its modules are one screen)."""
    try:
        parts = path.relative_to(SCREENS).parts
    except ValueError:
        return None
    return parts[0].removesuffix(".js")


def cycles(edges: dict[Path, list[Path]]) -> list[list[Path]]:
    found, state, stack = [], {}, []

    def visit(node: Path) -> None:
        state[node] = "open"
        stack.append(node)
        for target in edges.get(node, []):
            if state.get(target) == "open":
                found.append(stack[stack.index(target) :] + [target])
            elif target not in state:
                visit(target)
        stack.pop()
        state[node] = "done"

    for node in edges:
        if node not in state:
            visit(node)
    return found


def rel(path: Path) -> str:
    return str(path.relative_to(FRONTEND))


def test_every_import_resolves_to_a_file():
    missing = [
        f"{rel(source)} -> {target}" for source, targets in graph().items() for target in targets if not target.exists()
    ]
    assert not missing, missing


def test_no_import_circle():
    found = cycles(graph())
    assert not found, [" -> ".join(rel(p) for p in cycle) for cycle in found]


def test_screens_import_neither_the_shell_nor_the_socket_nor_another_screen():
    bad = []
    for source, targets in graph().items():
        screen = screen_of(source)
        if screen is None:
            continue
        for target in targets:
            if any(target == shell or shell in target.parents for shell in SHELL_ONLY):
                bad.append(f"{rel(source)} imports {rel(target)}")
            elif screen_of(target) not in (None, screen):
                bad.append(f"{rel(source)} imports another screen, {rel(target)}")
    assert not bad, bad


def test_shared_modules_import_no_screen():
    bad = [
        f"{rel(source)} imports {rel(target)}"
        for source, targets in graph().items()
        if screen_of(source) is None and source.parent != FRONTEND / "shell"
        for target in targets
        if screen_of(target) is not None
    ]
    assert not bad, bad


def test_no_file_over_the_limit():
    long = {}
    for path in modules():
        if any(folder in path.parents for folder in EXEMPT):
            continue
        lines = path.read_text(encoding="utf-8").count("\n")
        if lines > MAX_LINES:
            long[rel(path)] = lines
    assert not long, long


FUNCTION_START = re.compile(r"\bfunction\b[^{;]*?\)\s*\{|=>\s*\{")


def function_lengths(path: Path) -> list[tuple[int, int]]:
    """(first line, length in lines) of every function with a block body."""
    text = blank(path.read_text(encoding="utf-8"))
    # Braces inside quoted strings do not count.
    text = re.sub(r"""(["'])(?:\\.|(?!\1).)*\1""", lambda m: " " * len(m.group(0)), text)
    found = []
    for match in FUNCTION_START.finditer(text):
        opening = match.end() - 1
        depth, i = 0, opening
        while i < len(text):
            depth += {"{": 1, "}": -1}.get(text[i], 0)
            if depth == 0:
                break
            i += 1
        first = text.count("\n", 0, opening) + 1
        found.append((first, text.count("\n", opening, i) + 1))
    return found


def test_no_function_over_the_limit():
    long = [
        f"{rel(path)}:{line} ({length} lines)"
        for path in modules()
        for line, length in function_lengths(path)
        if length > MAX_FUNCTION_LINES
    ]
    assert not long, long


@pytest.mark.parametrize(
    ("source", "expected"),
    [
        ('import { a } from "./x.js";\nimport("./y.js");\nexport { b } from "../z.js";', ["x.js", "y.js", "../z.js"]),
        ('// import { a } from "./no.js"\nconst s = `import("./no.js")`;\nimport "./side.js";', ["side.js"]),
    ],
)
def test_the_scanner_reads_imports_and_ignores_comments_and_templates(tmp_path, source, expected):
    module = tmp_path / "dir" / "m.js"
    module.parent.mkdir()
    module.write_text(source, encoding="utf-8")
    assert imports(module) == [(module.parent / name).resolve() for name in expected]


def test_the_cycle_finder_finds_a_circle():
    a, b, c = Path("/a.js"), Path("/b.js"), Path("/c.js")
    assert cycles({a: [b], b: [c], c: [a]}) == [[a, b, c, a]]
    assert cycles({a: [b], b: [c], c: []}) == []
