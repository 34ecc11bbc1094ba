"""A study visit's delegations: the people going (or maybe) grouped by their city, with a lead,
for readers of the space; never their answers, never to anyone outside it."""

from __future__ import annotations

from tests.harness import expect
from tests.test_calendar_events import create


async def test_delegations_group_the_registrants_by_city(world):
    a = world.space_a["id"]
    event = await create(world.moderator, a, capacity=10)
    url = f"/api/events/{event['id']}/registration"
    expect(await world.member.put(url, json={"status": "maybe", "answers": {"dietary": "halal"}}), 200)
    expect(await world.moderator.put(url, json={"status": "going"}), 200)
    expect(await world.admin.put(url, json={"status": "not_going"}), 200)
    seen = expect(await world.member.get(f"/api/events/{event['id']}/delegations"), 200)
    by_city = {d["city"]["name"] if d["city"] else None: d for d in seen["items"]}
    antwerp, da_nang = world.cities[0]["name"], world.cities[1]["name"]
    assert set(by_city) == {antwerp, da_nang}  # nobody not going is listed
    assert by_city[antwerp]["lead"]["name"] == "Mieke Moderator"
    assert [(m["user"]["name"], m["status"]) for m in by_city[da_nang]["members"]] == [("Nguyen Member", "maybe")]
    assert by_city[da_nang]["lead"] is None  # a lead is someone going
    assert "halal" not in str(seen)
    # Outside the members-only space the event, and so its delegations, do not exist.
    for client in (world.other, world.outsider):
        expect(await client.get(f"/api/events/{event['id']}/delegations"), 404)
    expect(await world.member.get("/api/events/999999/delegations"), 404)
