"""Transfers on the websocket (issue 19): every change is a `transfer.*` event in the space's stream,
live to its readers and replayed, in order and once, to one who resumes; a non-reader gets nothing."""

from __future__ import annotations

from tests.events_helpers import Capture
from tests.harness import expect
from tests.library_helpers import practice
from tests.realtime_helpers import Live


async def test_transfer_events_reach_readers_live_and_on_resume(server, world, database_url):
    antwerp, da_nang = world.cities[0]["id"], world.cities[1]["id"]
    a = world.space_a["id"]
    source = expect(await world.moderator.post(f"/api/spaces/{a}/resources", json=practice(antwerp)), 201)
    live = await Live.open(server.base_url, world.member)
    assert (await live.subscribe(a))["type"] == "subscribed"
    body = {"source_practice_id": source["id"], "implementing_city_ids": [da_nang], "space_id": a}
    transfer = expect(await world.moderator.post("/api/transfers", json=body), 201)
    created = (await live.events(1, a))[0]
    assert created["kind"] == "transfer.created"
    assert created["data"]["id"] == transfer["id"] and created["data"]["implementing_city_ids"] == [da_nang]
    assert created["data"]["state"] == "proposed" and created["data"]["mentor_city_id"] == antwerp
    live.ws.transport.abort()  # dropped while the transfer moves on

    url = f"/api/transfers/{transfer['id']}"
    plan = f"{url}/plans/{da_nang}"
    async with Capture(database_url, space_id=a) as log:
        expect(await world.moderator.patch(url, json={"state": "planning"}), 200)
        expect(await world.member.put(plan, json={"risks": "Staff turnover"}), 200)
        milestone = expect(
            await world.member.post(f"{plan}/milestones", json={"title": "Visit", "due_on": "2026-06-01"}), 201
        )
        expect(await world.member.patch(f"/api/milestones/{milestone['id']}", json={"state": "done"}), 200)
        entry = {"kind": "adaptation", "field": "partners", "change": "The district runs it."}
        logged = expect(await world.member.post(f"{plan}/log", json=entry), 201)
        for state in ("implementing", "reviewing"):
            expect(await world.moderator.patch(url, json={"state": state}), 200)
        record = expect(await world.member.post(f"{plan}/complete"), 201)
    expected = [
        "transfer.updated",
        "transfer.planned",
        "transfer.tracked",
        "transfer.tracked",
        "transfer.logged",
        "transfer.updated",
        "transfer.updated",
        "resource.created",
        "transfer.completed",
    ]
    assert log.kinds() == expected  # each parsed through its declared kind by Capture

    live = await Live.open(server.base_url, world.member)
    assert (await live.subscribe(a, since=created["id"]))["type"] == "subscribed"
    replayed = [f for f in await live.quiet(1.5) if f.get("type") == "event"]
    assert [e["kind"] for e in replayed] == expected
    ids = [e["id"] for e in replayed]
    assert ids == sorted(set(ids)) and ids[0] > created["id"]
    data = [e["data"] for e in replayed]
    assert data[0]["state"] == "planning" and data[0]["changed"] == ["state"]
    assert data[1] == {"transfer_id": transfer["id"], "city_id": da_nang, "changed": ["risks"]}
    assert (data[2]["added"], data[3]["added"], data[3]["state"]) == (True, False, "done")
    assert data[4] == {
        "transfer_id": transfer["id"],
        "city_id": da_nang,
        "entry_id": logged["id"],
        "kind": "adaptation",
        "field": "partners",
    }
    assert data[8] == {"transfer_id": transfer["id"], "city_id": da_nang, "practice_id": record["id"]}
    await live.close()

    # Space A is members-only: Toronto's official cannot subscribe, nor resume, and gets nothing.
    stranger = await Live.open(server.base_url, world.other)
    assert (await stranger.subscribe(a, since=0))["type"] == "error"
    assert [f for f in await stranger.quiet(1.0) if f.get("type") == "event"] == []
    await stranger.close()
