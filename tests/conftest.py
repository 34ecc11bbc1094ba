"""Shared fixtures: one embedded PostgreSQL and one app server per test session,
and a clean database for every test."""

from __future__ import annotations

import tempfile
from dataclasses import dataclass
from pathlib import Path

import pytest
from sqlalchemy.ext.asyncio import create_async_engine
from sqlalchemy.pool import NullPool

from server.db import embedded
from server.db.engine import session_factory
from server.services import accounts
from tests.harness import Client, ServerThread, expect, start_database, test_settings, truncate_all


@pytest.fixture(scope="session")
def data_dir():
    with tempfile.TemporaryDirectory(prefix="citybridge-test-") as path:
        yield Path(path)


@pytest.fixture(scope="session")
def settings(data_dir):
    return test_settings(data_dir)


@pytest.fixture(scope="session")
def database_url(data_dir):
    yield start_database(data_dir)
    embedded.stop(data_dir)


@pytest.fixture(scope="session")
def server(settings, database_url):
    thread = ServerThread(settings, database_url).start()
    yield thread
    thread.stop()


@pytest.fixture(autouse=True)
async def clean_database(database_url):
    await truncate_all(database_url)


@pytest.fixture
async def db(database_url, settings):
    from server.auth import passwords

    passwords.configure(settings.argon2_memory_kib, settings.argon2_time_cost)
    engine = create_async_engine(database_url, poolclass=NullPool)
    async with session_factory(engine)() as session:
        yield session
    await engine.dispose()


@pytest.fixture
async def clients(server):
    made: list[Client] = []

    def make(token: str | None = None) -> Client:
        client = Client(server.base_url, token)
        made.append(client)
        return client

    yield make
    for client in made:
        await client.close()


PASSWORD = "correct horse battery"


@dataclass
class World:
    """Two members-only spaces and one network space, and a user in every role."""

    admin: Client
    moderator: Client  # moderator of space A
    member: Client  # member of space A
    other: Client  # member of space B only
    outsider: Client  # signed in, member of nothing
    anonymous: Client
    bearer: Client  # the member, by API token
    cities: list[dict]
    space_a: dict
    space_b: dict
    network: dict


async def make_admin(db, clients, email="admin@citybridge.test") -> Client:
    await accounts.create_user(db, email=email, name="Ada Admin", password=PASSWORD, is_admin=True)
    await db.commit()
    admin = clients()
    expect(await admin.sign_in(email, PASSWORD), 200)
    return admin


async def invite_user(
    admin: Client, clients, space_id: int, email: str, name: str, role: str = "member", city_id: int | None = None
) -> Client:
    body = {"email": email, "space_id": space_id, "role": role}
    if city_id:
        body["city_id"] = city_id
    invitation = expect(await admin.post("/api/invitations", json=body), 201)
    client = clients()
    response = await client.post(
        f"/api/invitations/{invitation['token']}/accept", json={"name": name, "password": PASSWORD}
    )
    expect(response, 200)
    client.adopt_session(response)
    return client


@pytest.fixture
async def world(db, clients) -> World:
    return await seed_world(db, clients)


async def seed_world(db, clients) -> World:
    """The world's data, for a fixture of a wider scope than one test (tests/browser/test_every_screen.py)."""
    admin = await make_admin(db, clients)
    cities = [
        expect(await admin.post("/api/cities", json=c), 201)
        for c in (
            {
                "name": "Antwerp",
                "country": "Belgium",
                "region": "Flanders",
                "languages": ["nl"],
                "profile": "traditional",
            },
            {"name": "Da Nang", "country": "Vietnam", "languages": ["vi"], "profile": "newer"},
            {
                "name": "Toronto",
                "country": "Canada",
                "region": "Ontario",
                "languages": ["en", "fr"],
                "profile": "traditional",
            },
        )
    ]
    ids = [c["id"] for c in cities]
    space_a = expect(
        await admin.post(
            "/api/spaces",
            json={"name": "Antwerp – Da Nang", "city_ids": ids[:2], "themes": ["housing"], "visibility": "members"},
        ),
        201,
    )
    space_b = expect(
        await admin.post(
            "/api/spaces", json={"name": "Toronto – Da Nang", "city_ids": ids[1:], "themes": ["employment"]}
        ),
        201,
    )
    network = expect(
        await admin.post(
            "/api/spaces", json={"name": "Open network", "city_ids": [ids[0], ids[2]], "visibility": "network"}
        ),
        201,
    )
    moderator = await invite_user(
        admin, clients, space_a["id"], "mod@antwerpen.test", "Mieke Moderator", "moderator", ids[0]
    )
    member = await invite_user(admin, clients, space_a["id"], "member@danang.test", "Nguyen Member", city_id=ids[1])
    other = await invite_user(admin, clients, space_b["id"], "other@toronto.test", "Olivia Other", city_id=ids[2])
    # The outsider joins space B and leaves again: signed in, member of nothing.
    outsider = await invite_user(admin, clients, space_b["id"], "outsider@example.test", "Oscar Outsider")
    expect(await outsider.delete(f"/api/spaces/{space_b['id']}/members/{outsider.user['id']}"), 204)
    token = expect(await member.post("/api/tokens", json={"name": "tests"}), 201)["token"]
    return World(
        admin, moderator, member, other, outsider, clients(), clients(token), cities, space_a, space_b, network
    )
