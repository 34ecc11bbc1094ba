"""Needs, offers, city profiles and calendar events in search: the real app and its indexer, readers
only, kept up to date, gone when deleted or unshared, rebuilt by the reindex command."""

from __future__ import annotations

from dataclasses import replace
from datetime import datetime

import asyncpg

from search.engine import EVERYONE, Request
from search.engines.tantivy import TantivyEngine
from search.reindex import reindex
from search.text import parse
from server.db.engine import asyncpg_dsn
from tests.harness import expect
from tests.test_search_api import indexed, search

NEXT_YEAR = datetime.now().year + 1
NEED = {"theme": "housing", "challenge": "Our zeppelinhangar reception centres are full.", "help_kinds": ["mentoring"]}


def keys(found: dict) -> list[str]:
    return [h["key"] for h in found["hits"]]


async def _editor(world) -> int:
    antwerp = world.cities[0]["id"]
    expect(await world.admin.put(f"/api/cities/{antwerp}/editors/{world.moderator.user['id']}"), 200)
    return antwerp


async def test_a_need_shared_with_a_space_is_found_by_its_readers_only(world, database_url):
    antwerp = await _editor(world)
    body = {**NEED, "city_id": antwerp, "audience": "spaces", "space_ids": [world.space_a["id"]]}
    need = expect(await world.moderator.post("/api/needs", json=body), 201)
    key = f"need:{need['id']}"
    found = await search(world.member, database_url, q="zeppelinhangar")
    assert keys(found) == [key]
    hit = found["hits"][0]
    assert hit["kind"] == "need" and hit["space_id"] is None and hit["context"] == "Antwerp"
    assert found["facets"]["region"] == {"Flanders": 1} and found["facets"]["kind"] == {"need": 1}
    assert found["facets"]["profile"] == {"traditional": 1}
    for stranger in (world.other, world.outsider):
        refused = await search(stranger, q="zeppelinhangar")
        assert refused["hits"] == [] and refused["total"] == 0
        by_facet = await search(stranger, kind="need")
        assert by_facet["hits"] == [] and "need" not in by_facet["facets"]["kind"]
        assert by_facet["facets"]["region"] == {}
    # Changed: found by its new words, not its old ones.
    expect(
        await world.moderator.patch(f"/api/needs/{need['id']}", json={"challenge": "Language classes for qolbaqua"}),
        200,
    )
    assert keys(await search(world.member, database_url, q="qolbaqua")) == [key]
    assert keys(await search(world.member, q="zeppelinhangar")) == []
    # Opened to the network: every signed-in user finds it; shared back with space A: gone for them.
    expect(await world.moderator.patch(f"/api/needs/{need['id']}", json={"audience": "network"}), 200)
    assert keys(await search(world.outsider, database_url, q="qolbaqua", kind="need")) == [key]
    assert keys(await search(world.other, q="qolbaqua", region="Flanders")) == [key]
    expect(
        await world.moderator.patch(
            f"/api/needs/{need['id']}", json={"audience": "spaces", "space_ids": [world.space_a["id"]]}
        ),
        200,
    )
    assert keys(await search(world.outsider, database_url, q="qolbaqua")) == []
    assert keys(await search(world.member, q="qolbaqua")) == [key]
    expect(await world.moderator.delete(f"/api/needs/{need['id']}"), 204)
    assert keys(await search(world.member, database_url, q="qolbaqua")) == []
    assert keys(await search(world.admin, q="qolbaqua")) == []


async def test_city_profiles_are_found_by_every_signed_in_user_with_size_facet(world, database_url):
    antwerp = await _editor(world)
    profile = {"year": 2024, "population": {"value": 530_000, "year": 2023}, "languages": ["nl"]}
    profile["offices"] = [{"name": "Integratiedienst Wolkbrug", "email": "wolkbrug@antwerpen.test"}]
    expect(await world.moderator.patch(f"/api/cities/{antwerp}/profile", json=profile), 200)
    for reader in (world.outsider, world.other, world.member):
        found = await search(reader, database_url, q="wolkbrug")
        assert keys(found) == [f"city:{antwerp}"]
        assert found["facets"]["size"] == {"large": 1} and found["facets"]["space"] == {}
    assert keys(await search(world.outsider, kind="city", size="large")) == [f"city:{antwerp}"]
    assert keys(await search(world.outsider, kind="city", size="small")) == []
    smaller = {"year": 2025, "population": {"value": 90_000, "year": 2025}}
    expect(await world.moderator.patch(f"/api/cities/{antwerp}/profile", json=smaller), 200)
    assert keys(await search(world.outsider, database_url, kind="city", size="small")) == [f"city:{antwerp}"]
    anonymous = await world.anonymous.get("/api/search", params={"q": "Antwerp"})
    assert anonymous.status_code == 401


async def _event(world, **overrides) -> dict:
    body = {
        "kind": "workshop",
        "title": "Kwartiermaker workshop",
        "description": "We map the reception chain.",
        "starts_at": f"{NEXT_YEAR}-06-10T09:30",
        "ends_at": f"{NEXT_YEAR}-06-10T17:00",
        "timezone": "Europe/Brussels",
        **overrides,
    }
    return expect(await world.moderator.post(f"/api/spaces/{world.space_a['id']}/events", json=body), 201)


async def test_events_are_found_by_readers_of_their_space_by_start_date(world, database_url):
    event = await _event(world)
    key = f"event:{event['id']}"
    found = await search(world.member, database_url, q="kwartiermaker")
    assert keys(found) == [key]
    hit = found["hits"][0]
    assert hit["kind"] == "event" and hit["space_id"] == world.space_a["id"] and hit["context"] == "scheduled"
    assert hit["date"].startswith(f"{NEXT_YEAR}-06-10")
    # The date filter reads the start date, not the day it was scheduled.
    assert keys(await search(world.member, kind="event", **{"from": f"{NEXT_YEAR}-06-10"})) == [key]
    assert keys(await search(world.member, kind="event", **{"to": f"{NEXT_YEAR}-06-09"})) == []
    for stranger in (world.other, world.outsider):
        refused = await search(stranger, kind="event")
        assert refused["hits"] == [] and refused["facets"]["kind"] == {}
        assert (await search(stranger, q="kwartiermaker"))["total"] == 0
    expect(await world.moderator.patch(f"/api/events/{event['id']}", json={"title": "Brugbouwer workshop"}), 200)
    assert keys(await search(world.member, database_url, q="brugbouwer")) == [key]
    assert keys(await search(world.member, q="kwartiermaker")) == []
    # Cancelled: still shown, as the API still shows it, and marked.
    expect(await world.moderator.delete(f"/api/events/{event['id']}"), 204)
    found = await search(world.member, database_url, q="brugbouwer")
    assert keys(found) == [key] and found["hits"][0]["context"] == "cancelled"
    # The row gone (no route deletes one; a space's deletion would cascade): gone from the index too.
    conn = await asyncpg.connect(asyncpg_dsn(database_url))
    try:
        await conn.execute("DELETE FROM calendar_events WHERE id = $1", event["id"])
        await conn.execute(
            "INSERT INTO events (space_id, kind, data) VALUES ($1, 'event.updated', $2::jsonb)",
            world.space_a["id"],
            f'{{"id": {event["id"]}}}',
        )
    finally:
        await conn.close()
    assert keys(await search(world.admin, database_url, q="brugbouwer")) == []


async def test_reindex_rebuilds_the_new_kinds(world, database_url, settings, tmp_path):
    antwerp = await _editor(world)
    body = {**NEED, "city_id": antwerp, "audience": "spaces", "space_ids": [world.space_a["id"]]}
    need = expect(await world.moderator.post("/api/needs", json=body), 201)
    event = await _event(world)
    await indexed(database_url)
    local = replace(settings, data_dir=tmp_path, meilisearch_url=None)
    assert await reindex(local, database_url) == "rebuilt"
    engine = TantivyEngine(tmp_path / "search")
    await engine.open()
    try:
        for words, readable, expected in (
            ("zeppelinhangar", [world.space_a["id"], EVERYONE], [f"need:{need['id']}"]),
            ("zeppelinhangar", [world.space_b["id"], EVERYONE], []),
            ("kwartiermaker", [world.space_a["id"]], [f"event:{event['id']}"]),
            ("kwartiermaker", [world.space_b["id"], EVERYONE], []),
            ("Antwerp", [EVERYONE], [f"city:{antwerp}"]),
        ):
            found = await engine.search(Request(parse(words), readable))
            assert [h.document["key"] for h in found.hits if h.document["kind"] != "thread"] == expected, words
    finally:
        await engine.close()
