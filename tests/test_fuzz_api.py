"""schemathesis against /api/openapi.json, signed in: no 500, and every answer matches the document.

CI runs a bounded number of examples per operation; for a longer local run:

    CITYBRIDGE_FUZZ_EXAMPLES=500 python -m pytest tests/test_fuzz_api.py
"""

from __future__ import annotations

import asyncio
import os

import httpx
import pytest
import schemathesis
from hypothesis import HealthCheck, Phase, given, settings
from schemathesis.checks import not_a_server_error
from schemathesis.specs.openapi.checks import (
    content_type_conformance,
    response_schema_conformance,
    status_code_conformance,
)

from tests.harness import expect

EXAMPLES = int(os.environ.get("CITYBRIDGE_FUZZ_EXAMPLES", "8"))
PASSWORD = "correct horse battery"


async def _seed(database_url: str, base_url: str) -> str:
    """A member of a space with a thread and a message, signed in by API token."""
    from sqlalchemy.ext.asyncio import create_async_engine
    from sqlalchemy.pool import NullPool

    from server.auth import passwords
    from server.db.engine import session_factory
    from server.services import accounts

    passwords.configure(1024, 1)
    engine = create_async_engine(database_url, poolclass=NullPool)
    async with session_factory(engine)() as db:
        await accounts.create_user(
            db, email="fuzz@citybridge.test", name="Fuzz Admin", password=PASSWORD, is_admin=True
        )
        await db.commit()
    await engine.dispose()
    async with httpx.AsyncClient(base_url=base_url) as client:
        session = expect(
            await client.post("/api/session", json={"email": "fuzz@citybridge.test", "password": PASSWORD}), 200
        )
        client.headers["X-CSRF-Token"] = session["csrf_token"]
        token = expect(await client.post("/api/tokens", json={"name": "fuzz"}), 201)["token"]
        client.headers["Authorization"] = f"Bearer {token}"
        cities = [
            expect(await client.post("/api/cities", json={"name": n, "country": c, "profile": p}), 201)["id"]
            for n, c, p in (("Antwerp", "Belgium", "traditional"), ("Da Nang", "Vietnam", "newer"))
        ]
        space = expect(await client.post("/api/spaces", json={"name": "Fuzz", "city_ids": cities}), 201)
        await client.post(f"/api/spaces/{space['id']}/threads", json={"title": "Fuzz", "body": "**hello**"})
    return token


@pytest.fixture
def token(server, database_url):
    return asyncio.run(_seed(database_url, server.base_url))


CHECKS = [not_a_server_error, status_code_conformance, content_type_conformance, response_schema_conformance]


def test_api_answers_within_its_contract(server, token):
    schema = schemathesis.openapi.from_url(f"{server.base_url}/api/openapi.json")
    failures: dict[str, str] = {}
    operations = 0
    for result in schema.get_all_operations():
        operation = result.ok()
        # Signing out would only end this run's session; its answers are checked in test_session.py.
        if operation.method.upper() == "DELETE" and operation.path == "/api/session":
            continue
        operations += 1

        @given(case=operation.as_strategy())
        @settings(
            max_examples=EXAMPLES,
            deadline=None,
            derandomize=True,
            database=None,
            suppress_health_check=list(HealthCheck),
            phases=[Phase.explicit, Phase.generate],
        )
        def check(case):
            case.call_and_validate(
                base_url=server.base_url, headers={"Authorization": f"Bearer {token}"}, checks=CHECKS
            )

        try:
            check()
        except (Exception, BaseExceptionGroup) as error:  # collect every operation's failures, report them together
            failures[f"{operation.method.upper()} {operation.path}"] = str(error)[:1500]
    assert operations > 20
    assert not failures, "\n\n".join(f"{name}:\n{why}" for name, why in failures.items())
