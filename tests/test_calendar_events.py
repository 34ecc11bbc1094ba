"""Events of a space: who may create, change, cancel and read them; bad input; time zones;
registration with a waiting list; change-log events delivered live."""

from __future__ import annotations

from datetime import datetime
from zoneinfo import ZoneInfo

import pytest

from tests.harness import expect
from tests.realtime_helpers import Live

NEXT_YEAR = datetime.now().year + 1


def event_body(**overrides) -> dict:
    body = {
        "kind": "study_visit",
        "title": "Reception centres of Antwerp",
        "description": "We visit **two** centres.",
        "starts_at": f"{NEXT_YEAR}-06-10T09:30",
        "ends_at": f"{NEXT_YEAR}-06-10T17:00",
        "timezone": "Europe/Brussels",
        "location": "Stadhuis, Grote Markt 1",
        "languages": ["en", "nl"],
        "interpretation": ["vi"],
        "agenda": [{"time": "09:30", "title": "Welcome", "speakers": ["Mieke"]}],
        "capacity": 2,
        "registration_deadline": f"{NEXT_YEAR}-06-01T18:00",
    }
    return {**body, **overrides}


async def create(client, space_id: int, **overrides) -> dict:
    return expect(await client.post(f"/api/spaces/{space_id}/events", json=event_body(**overrides)), 201)


async def test_moderator_creates_and_readers_read(world):
    a = world.space_a["id"]
    event = await create(world.moderator, a, host_city_id=world.cities[0]["id"])
    assert event["description_html"] == "<p>We visit <strong>two</strong> centres.</p>"
    assert event["starts_at"] == f"{NEXT_YEAR}-06-10T07:30:00+00:00"  # CEST: UTC+2
    assert event["local"]["starts_at"] == f"{NEXT_YEAR}-06-10T09:30:00+02:00"
    assert event["can_edit"] and event["status"] == "scheduled" and event["sequence"] == 0
    seen = expect(await world.member.get(f"/api/events/{event['id']}"), 200)
    assert seen["title"] == event["title"] and not seen["can_edit"]
    assert [e["id"] for e in expect(await world.member.get(f"/api/spaces/{a}/events"), 200)["items"]] == [event["id"]]
    assert [e["id"] for e in expect(await world.bearer.get("/api/events"), 200)["items"]] == [event["id"]]
    # Outside the members-only space the event does not exist.
    for client in (world.other, world.outsider):
        expect(await client.get(f"/api/events/{event['id']}"), 404)
        expect(await client.get(f"/api/spaces/{a}/events"), 404)
        assert expect(await client.get("/api/events"), 200)["items"] == []
        expect(await client.put(f"/api/events/{event['id']}/registration", json={"status": "going"}), 404)
        expect(await client.get(f"/api/events/{event['id']}/ics"), 404)
    expect(await world.anonymous.get(f"/api/events/{event['id']}"), 401)


async def test_only_moderators_and_admins_write(world):
    a = world.space_a["id"]
    for client in (world.member, world.bearer):
        expect(await client.post(f"/api/spaces/{a}/events", json=event_body()), 403)
    expect(await world.other.post(f"/api/spaces/{a}/events", json=event_body()), 404)
    event = await create(world.admin, a)
    expect(await world.member.patch(f"/api/events/{event['id']}", json={"title": "Mine now"}), 403)
    expect(await world.member.delete(f"/api/events/{event['id']}"), 403)
    expect(await world.other.delete(f"/api/events/{event['id']}"), 404)
    changed = expect(await world.moderator.patch(f"/api/events/{event['id']}", json={"title": "Renamed"}), 200)
    assert changed["title"] == "Renamed" and changed["sequence"] == 1
    expect(await world.moderator.get(f"/api/events/{event['id']}/registrations"), 200)
    expect(await world.member.get(f"/api/events/{event['id']}/registrations"), 403)
    expect(await world.moderator.delete(f"/api/events/{event['id']}"), 204)
    cancelled = expect(await world.member.get(f"/api/events/{event['id']}"), 200)
    assert cancelled["status"] == "cancelled" and cancelled["sequence"] == 2
    error = expect(await world.moderator.delete(f"/api/events/{event['id']}"), 409)["error"]
    assert error["code"] == "already_cancelled"
    error = expect(await world.moderator.patch(f"/api/events/{event['id']}", json={"title": "x"}), 409)["error"]
    assert error["code"] == "event_cancelled"
    error = expect(await world.member.put(f"/api/events/{event['id']}/registration", json={"status": "going"}), 409)
    assert error["error"]["code"] == "event_cancelled"


@pytest.mark.parametrize(
    ("overrides", "code", "field"),
    [
        ({"ends_at": f"{NEXT_YEAR}-06-10T09:00"}, "end_before_start", "ends_at"),
        ({"registration_deadline": f"{NEXT_YEAR}-06-11T09:00"}, "deadline_after_start", "registration_deadline"),
        ({"timezone": "Europe/Atlantis"}, "unknown_time_zone", "timezone"),
        ({"timezone": "../../etc/passwd"}, "unknown_time_zone", "timezone"),
        # 02:30 does not exist in Brussels the night the clocks go forward (last Sunday of March).
        (
            {"starts_at": "2031-03-30T02:30", "ends_at": "2031-03-30T04:00", "registration_deadline": None},
            "nonexistent_local_time",
            "starts_at",
        ),
        ({"host_city_id": 999999}, "unknown_city", "host_city_id"),
        ({"capacity": 0}, "invalid", "capacity"),
        ({"kind": "party"}, "invalid", "kind"),
        ({"online_url": "javascript:alert(1)"}, "invalid", "online_url"),
        ({"agenda": [{"time": "25:00", "title": "x"}]}, "invalid", "agenda.0.time"),
        ({"title": "  "}, "invalid", "title"),
        ({"surprise": 1}, "invalid", "surprise"),
    ],
)
async def test_bad_input_is_refused_with_a_stable_code(world, overrides, code, field):
    body = {k: v for k, v in event_body(**overrides).items() if v is not None}
    error = expect(await world.moderator.post(f"/api/spaces/{world.space_a['id']}/events", json=body), 422)["error"]
    assert error["code"] == code and field in error["fields"], error


async def test_bad_changes_and_ranges(world):
    a = world.space_a["id"]
    event = await create(world.moderator, a, capacity=5)
    path = f"/api/events/{event['id']}"
    error = expect(await world.moderator.patch(path, json={"ends_at": f"{NEXT_YEAR}-06-09T10:00"}), 422)["error"]
    assert error["code"] == "end_before_start"
    error = expect(await world.moderator.patch(path, json={"capacity": None}), 422)["error"]
    assert "capacity" in error["fields"]
    expect(await world.member.put(f"{path}/registration", json={"status": "going"}), 200)
    expect(await world.admin.put(f"{path}/registration", json={"status": "going"}), 200)
    error = expect(await world.moderator.patch(path, json={"capacity": 1}), 422)["error"]
    assert error["code"] == "capacity_below_registrations" and "capacity" in error["fields"]
    error = expect(await world.member.get("/api/events?from=2030-01-01T00:00&to=2029-01-01T00:00"), 422)["error"]
    assert error["code"] == "bad_range"
    error = expect(await world.member.get("/api/events?from=2030-01-01T00:00&to=2032-01-01T00:00"), 422)["error"]
    assert error["code"] == "range_too_long"
    error = expect(await world.member.get("/api/events?from=yesterday"), 422)["error"]
    assert "from" in error["fields"]
    error = expect(await world.member.get(f"{path}?tz=Mars/Olympus"), 422)["error"]
    assert error["code"] == "unknown_time_zone" and "tz" in error["fields"]


async def test_changing_the_zone_keeps_the_wall_clock_time(world):
    event = await create(world.moderator, world.space_a["id"])
    moved = expect(
        await world.moderator.patch(f"/api/events/{event['id']}", json={"timezone": "Asia/Ho_Chi_Minh"}), 200
    )
    assert moved["local"]["starts_at"] == f"{NEXT_YEAR}-06-10T09:30:00+07:00"
    assert moved["starts_at"] == f"{NEXT_YEAR}-06-10T02:30:00+00:00"
    assert moved["registration_deadline"] == f"{NEXT_YEAR}-06-01T11:00:00+00:00"


async def test_the_week_the_clocks_change_in_antwerp(world):
    """09:30 in Antwerp on the Thursday before and the Tuesday after Europe's spring change
    (North America changed three weeks earlier; Vietnam does not change)."""
    a = world.space_a["id"]
    before = await create(
        world.moderator, a, starts_at="2030-03-28T09:30", ends_at="2030-03-28T11:00", registration_deadline=None
    )
    after = await create(
        world.moderator, a, starts_at="2030-04-02T09:30", ends_at="2030-04-02T11:00", registration_deadline=None
    )
    expected = {
        "Asia/Ho_Chi_Minh": ("2030-03-28T15:30:00+07:00", "2030-04-02T14:30:00+07:00"),
        "America/Toronto": ("2030-03-28T04:30:00-04:00", "2030-04-02T03:30:00-04:00"),
        "Europe/Brussels": ("2030-03-28T09:30:00+01:00", "2030-04-02T09:30:00+02:00"),
    }
    for zone, (first, second) in expected.items():
        shown = [
            expect(await world.member.get(f"/api/events/{e['id']}?tz={zone}"), 200)["shown"] for e in (before, after)
        ]
        assert [s["starts_at"] for s in shown] == [first, second], zone
        listed = expect(await world.member.get(f"/api/spaces/{a}/events?from=2030-03-01T00:00&tz={zone}"), 200)
        assert [e["shown"]["starts_at"] for e in listed["items"]] == [first, second]
    for event, hour in ((before, 9), (after, 9)):
        local = datetime.fromisoformat(event["local"]["starts_at"])
        assert local.hour == hour and local.minute == 30
        instant = datetime.fromisoformat(event["starts_at"])
        assert instant.astimezone(ZoneInfo("Europe/Brussels")).hour == 9


async def test_waiting_list_promotes_in_order_and_answers_stay_private(world, clients):
    a = world.space_a["id"]
    live = await Live.open(str(world.member.http.base_url).rstrip("/"), world.member)
    await live.subscribe(a)
    event = await create(world.moderator, a, capacity=1)
    path = f"/api/events/{event['id']}"
    first = expect(
        await world.member.put(f"{path}/registration", json={"status": "going", "answers": {"note": "arriving late"}}),
        200,
    )
    assert first["status"] == "going" and first["position"] is None
    second = expect(await world.moderator.put(f"{path}/registration", json={"status": "going"}), 200)
    third = expect(
        await world.admin.put(f"{path}/registration", json={"status": "going", "answers": {"dietary": "=halal"}}), 200
    )
    assert (second["status"], second["position"]) == ("waiting", 1)
    assert (third["status"], third["position"]) == ("waiting", 2)
    error = expect(await world.moderator.put(f"{path}/registration", json={"status": "going"}), 409)["error"]
    assert error["code"] == "already_registered"
    left = expect(await world.member.put(f"{path}/registration", json={"status": "not_going"}), 200)
    assert left["counts"] == {"going": 1, "maybe": 0, "waiting": 1, "not_going": 1}
    mine = expect(await world.moderator.get(path), 200)["my_registration"]
    assert mine["status"] == "going"
    assert expect(await world.admin.get(path), 200)["my_registration"]["position"] == 1
    kinds = [(e["kind"], e["data"].get("user_id"), e["data"].get("status")) for e in await live.events(5, a)]
    assert kinds == [
        ("event.created", None, "scheduled"),
        ("registration.changed", world.member.user["id"], "going"),
        ("registration.changed", world.moderator.user["id"], "waiting"),
        ("registration.changed", world.admin.user["id"], "waiting"),
        ("registration.changed", world.member.user["id"], "not_going"),
    ]
    promoted = (await live.events(1, a))[0]
    assert promoted["data"]["promoted"] and promoted["data"]["user_id"] == world.moderator.user["id"]
    assert all("answers" not in e["data"] for e in [promoted])
    await live.close()
    listing = expect(await world.moderator.get(f"{path}/registrations"), 200)
    assert [(i["user"]["id"], i["status"], i["position"]) for i in listing["items"]] == [
        (world.moderator.user["id"], "going", None),
        (world.member.user["id"], "not_going", None),
        (world.admin.user["id"], "waiting", 1),
    ]
    # PUT replaces the answers: saying no without them leaves none.
    assert listing["items"][1]["answers"] == {} and listing["items"][2]["answers"] == {"dietary": "=halal"}
    exported = await world.moderator.get(f"{path}/registrations?format=csv")
    assert exported.status_code == 200 and exported.headers["content-type"].startswith("text/csv")
    lines = exported.text.splitlines()
    assert lines[0].startswith("name,handle,status,position,dietary") and ",'=halal," in lines[3]
    # Raising the capacity gives the place to the one still waiting.
    expect(await world.moderator.patch(path, json={"capacity": 2}), 200)
    assert expect(await world.admin.get(path), 200)["my_registration"]["status"] == "going"


async def test_registration_closes_at_the_deadline_but_leaving_stays_possible(world, db):
    from sqlalchemy import text

    event = await create(world.moderator, world.space_a["id"])
    path = f"/api/events/{event['id']}"
    expect(await world.member.put(f"{path}/registration", json={"status": "going"}), 200)
    await db.execute(
        text("UPDATE calendar_events SET registration_deadline = now() - interval '1 hour' WHERE id = :i"),
        {"i": event["id"]},
    )
    await db.commit()
    error = expect(await world.admin.put(f"{path}/registration", json={"status": "going"}), 409)["error"]
    assert error["code"] == "registration_closed"
    expect(await world.member.put(f"{path}/registration", json={"status": "not_going"}), 200)
    error = expect(await world.member.put(f"{path}/registration", json={"status": "bogus"}), 422)["error"]
    assert "status" in error["fields"]
    error = expect(await world.member.put(f"{path}/registration", json={"status": "maybe", "answers": {"x": "y"}}), 422)
    assert "answers.x" in error["error"]["fields"]
