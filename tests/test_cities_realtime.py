"""Issue 18 on the websocket: a reader who drops off and resubscribes with `since` gets the city
profile, need and shared-assessment events they missed, in order and once; a need shared with
spaces they cannot read and a draft assessment never reach them, and a non-reader gets nothing."""

from __future__ import annotations

from tests.harness import expect
from tests.realtime_helpers import Live

BODY = {"framework_id": "local-integration", "framework_version": 1, "ratings": {"rights-housing": {"rating": "met"}}}


async def test_a_reader_resuming_gets_the_city_events_missed_and_a_non_reader_none(server, world):
    antwerp, da_nang, toronto = (c["id"] for c in world.cities)
    expect(await world.admin.put(f"/api/cities/{da_nang}/editors/{world.member.user['id']}"), 200)
    space_b = world.space_b["id"]  # Toronto – Da Nang: Toronto's official reads it
    live = await Live.open(server.base_url, world.other)
    assert (await live.subscribe(space_b))["type"] == "subscribed"
    expect(await world.member.patch(f"/api/cities/{da_nang}/profile", json={"year": 2023}), 200)
    first = (await live.events(1, space_b))[0]
    assert first["kind"] == "profile.updated" and first["data"]["city_id"] == da_nang
    live.ws.transport.abort()  # dropped, not closed politely

    # Meanwhile: a profile change, a need for space A only, a need for the network, a draft, a share.
    expect(await world.member.patch(f"/api/cities/{da_nang}/profile", json={"year": 2024}), 200)
    need = {"city_id": da_nang, "theme": "housing", "challenge": "Temporary housing.", "help_kinds": ["mentoring"]}
    hidden = expect(
        await world.member.post("/api/needs", json={**need, "audience": "spaces", "space_ids": [world.space_a["id"]]}),
        201,
    )
    shown = expect(await world.member.post("/api/needs", json=need), 201)
    url = f"/api/cities/{da_nang}/assessments/2024"
    expect(await world.member.put(url, json=BODY), 200)  # a draft: never announced
    expect(await world.member.put(url, json={**BODY, "shared": True}), 200)

    live = await Live.open(server.base_url, world.other)
    assert (await live.subscribe(space_b, since=first["id"]))["type"] == "subscribed"
    replayed = [f for f in await live.quiet(1.5) if f.get("type") == "event"]
    assert [(e["kind"], e["space_id"]) for e in replayed] == [
        ("profile.updated", space_b),
        ("need.created", space_b),
        ("assessment.shared", space_b),
    ]
    assert replayed[1]["data"]["id"] == shown["id"] != hidden["id"]
    assert replayed[2]["data"] == {"city_id": da_nang, "year": 2024, "shared": True}
    ids = [e["id"] for e in replayed]
    assert ids == sorted(set(ids)) and ids[0] > first["id"]
    await live.close()

    # Someone who reads neither space, resuming from the same point: refused, and nothing replayed.
    stranger = await Live.open(server.base_url, world.outsider)
    for space in (space_b, world.space_a["id"]):
        assert (await stranger.subscribe(space, since=first["id"]))["type"] == "error"
    assert [f for f in await stranger.quiet(1.5) if f.get("type") == "event"] == []
    await stranger.close()
    # Toronto's official cannot resume space A either (the space-only need went there).
    other = await Live.open(server.base_url, world.other)
    assert (await other.subscribe(world.space_a["id"], since=first["id"]))["type"] == "error"
    assert [f for f in await other.quiet(1.0) if f.get("type") == "event"] == []
    await other.close()


async def test_mutual_interest_reaches_admins_on_resume_and_no_one_else(server, world):
    antwerp, da_nang, toronto = (c["id"] for c in world.cities)
    expect(await world.admin.put(f"/api/cities/{da_nang}/editors/{world.member.user['id']}"), 200)
    expect(await world.admin.put(f"/api/cities/{toronto}/editors/{world.other.user['id']}"), 200)
    admin = await Live.open(server.base_url, world.admin)
    await admin.of_type("hello")
    admin.ws.transport.abort()  # the admin is away while both cities say yes

    need = {"city_id": da_nang, "theme": "housing", "challenge": "Temporary housing.", "help_kinds": ["mentoring"]}
    need = expect(await world.member.post("/api/needs", json=need), 201)
    expect(await world.member.post(f"/api/needs/{need['id']}/interest", json={"city_id": toronto}), 200)
    expect(await world.other.post(f"/api/needs/{need['id']}/interest", json={"city_id": toronto}), 200)

    admin = await Live.open(server.base_url, world.admin, query="notifications_since=0")
    mutual = await admin.until(lambda f: f.get("type") == "event" and f.get("kind") == "match.mutual")
    assert mutual["data"] == {"need_id": need["id"], "city_id": toronto, "need_city_id": da_nang}
    assert [f for f in await admin.quiet(1.0) if f.get("kind") == "match.mutual"] == []  # once
    await admin.close()
    # The two cities' officials were the ones interested; the admins' notice is not theirs.
    for client in (world.member, world.other, world.outsider):
        live = await Live.open(server.base_url, client, query="notifications_since=0")
        assert [f for f in await live.quiet(1.0) if f.get("kind") == "match.mutual"] == []
        await live.close()
