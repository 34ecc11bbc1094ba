"""LIKE patterns from what someone typed."""

from __future__ import annotations


def contains(text: str) -> str:
    """A pattern for `func.lower(column).like(...)`: the lowered text anywhere, its `%`, `_` and
    backslashes meaning themselves (backslash is PostgreSQL's default LIKE escape)."""
    return "%" + text.lower().replace("\\", "\\\\").replace("%", "\\%").replace("_", "\\_") + "%"
