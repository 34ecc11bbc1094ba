"""docs/settings.md, generated from the settings declarations (server/config.py, realtime/config.py)."""

from __future__ import annotations

from server.config import Settings, declared, default_text

HEADER = """# Settings

Every setting comes from the environment; none is needed to start. This page is generated from
the declarations in `server/config.py` and `realtime/config.py` by `citybridge settings --markdown`
(a test fails when it is out of date). Other variables an operator may set:

- `CITYBRIDGE_PG_BIN`: the directory of `pg_dump`/`psql` that `citybridge backup` and `restore` use
  with an external `DATABASE_URL` (default: the embedded PostgreSQL's binaries, else the `PATH`).
"""


def _table(title: str, cls: type) -> list[str]:
    lines = [f"## {title}", "", "| variable | default | meaning |", "|---|---|---|"]
    for f in declared(cls):
        lines.append(f"| `{f.metadata['env']}` | {default_text(f)} | {f.metadata['help']} |")
    return [*lines, ""]


def _classes() -> list[tuple[str, type]]:
    from realtime.config import RealtimeSettings

    return [("Server", Settings), ("Realtime", RealtimeSettings)]


def _rate_limits() -> list[str]:
    from server.services.ratelimit import LIMITS

    lines = [
        "## Rate limits per user",
        "",
        "Per minute, shared by every node (429 with `Retry-After`); `0` turns a limit off.",
        "",
        "| variable | default | counts |",
        "|---|---|---|",
    ]
    for limit in LIMITS.values():
        lines.append(f"| `{limit.env}` | `{limit.per_minute}` | `{limit.name}`: {limit.covers} |")
    return [*lines, ""]


def markdown() -> str:
    lines = [HEADER]
    for title, cls in _classes():
        lines += _table(title, cls)
    lines += _rate_limits()
    return "\n".join(lines).rstrip("\n") + "\n"


def plain() -> str:
    from server.services.ratelimit import LIMITS

    settings = [
        f"{f.metadata['env']} (default {default_text(f).strip('`')}): {f.metadata['help']}\n"
        for _, cls in _classes()
        for f in declared(cls)
    ]
    limits = [f"{limit.env} (default {limit.per_minute}): per minute, {limit.covers}\n" for limit in LIMITS.values()]
    return "".join(settings + limits)
