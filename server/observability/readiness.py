"""Readiness checks beyond the database, registered by the parts that own them.

A check is an async function of no arguments that returns (anything) when its
part is fine and raises when it is not; the exception's message is what
`/readyz` reports. Register one at startup, e.g. in a lifespan::

    from server.observability import readiness
    readiness.register(app, "search", check_search_engine)

`/readyz` answers 200 ``{"status": "ok", "checks": {...}}`` when the database
and every registered check pass, and 503 in the error shape otherwise, with
one entry per failing part in ``error.fields``.
"""

from __future__ import annotations

import asyncio
from collections.abc import Awaitable, Callable

from starlette.applications import Starlette

Check = Callable[[], Awaitable[object]]
CHECK_TIMEOUT_SECONDS = 3.0


def checks(app: Starlette) -> dict[str, Check]:
    if not hasattr(app.state, "readiness_checks"):
        app.state.readiness_checks = {}
    return app.state.readiness_checks


def register(app: Starlette, name: str, check: Check) -> None:
    checks(app)[name] = check


async def run(name: str, check: Check) -> str | None:
    """None when the check passes, else why it failed."""
    try:
        await asyncio.wait_for(check(), CHECK_TIMEOUT_SECONDS)
    except TimeoutError:
        return f"{name} did not answer within {CHECK_TIMEOUT_SECONDS:g}s"
    except Exception as error:  # a failing part, whatever the failure, means "not ready"
        return f"{type(error).__name__}: {error}"[:300]
    return None


Describe = Callable[[], Awaitable[dict]]


def describe(app: Starlette, name: str, details: Describe) -> None:
    """A part's state shown under `details` in /readyz, without bearing on readiness (mail's outbox)."""
    if not hasattr(app.state, "readiness_details"):
        app.state.readiness_details = {}
    app.state.readiness_details[name] = details


async def details(app: Starlette) -> dict[str, dict]:
    found = {}
    for name, describe_part in getattr(app.state, "readiness_details", {}).items():
        try:
            found[name] = await asyncio.wait_for(describe_part(), CHECK_TIMEOUT_SECONDS)
        except Exception as error:  # a description that fails says so; readiness is not affected
            found[name] = {"error": f"{type(error).__name__}: {error}"[:300]}
    return found
