"""Date polls (propose, vote, choose: the event is created) and after-event reports (text,
library attachments, participants, a practice record drafted from it), with their refusals."""

from __future__ import annotations

import datetime as dt

from tests.harness import expect
from tests.library_helpers import pdf_bytes, upload
from tests.realtime_helpers import Live

NEXT_YEAR = dt.datetime.now().year + 1


def poll_body(**overrides) -> dict:
    body = {
        "kind": "webinar",
        "title": "Language cafés: sharing notes",
        "timezone": "Europe/Brussels",
        "duration_minutes": 90,
        # 28 March: the clocks go forward in Brussels that night; both days keep their wall-clock hour.
        "options": [f"{NEXT_YEAR}-03-25T09:30", f"{NEXT_YEAR}-04-01T09:30", f"{NEXT_YEAR}-04-08T14:00"],
    }
    return {**body, **overrides}


async def test_members_vote_and_the_chosen_date_becomes_the_event(world):
    a = world.space_a["id"]
    live = await Live.open(str(world.member.http.base_url).rstrip("/"), world.member)
    await live.subscribe(a)
    poll = expect(await world.moderator.post(f"/api/spaces/{a}/polls", json=poll_body()), 201)
    first, second, third = (o["id"] for o in poll["options"])
    assert [o["local_starts_at"][11:16] for o in poll["options"]] == ["09:30", "09:30", "14:00"]
    assert poll["options"][0]["starts_at"].endswith("08:30:00+00:00")  # winter time, UTC+1
    assert poll["options"][1]["starts_at"].endswith("07:30:00+00:00")  # summer time, UTC+2
    url = f"/api/polls/{poll['id']}"
    expect(await world.member.put(f"{url}/votes", json={"option_ids": [first, second]}), 200)
    mine = expect(await world.moderator.put(f"{url}/votes", json={"option_ids": [second]}), 200)
    assert [o["votes"] for o in mine["options"]] == [1, 2, 0] and [o["mine"] for o in mine["options"]] == [
        False,
        True,
        False,
    ]
    # Voting again replaces: the member now suits the third only.
    again = expect(await world.member.put(f"{url}/votes", json={"option_ids": [third]}), 200)
    assert [o["votes"] for o in again["options"]] == [0, 1, 1]
    assert [p["id"] for p in expect(await world.member.get(f"/api/spaces/{a}/polls"), 200)["items"]] == [poll["id"]]

    expect(await world.member.post(f"{url}/decision", json={"option_id": second}), 403)
    event = expect(await world.moderator.post(f"{url}/decision", json={"option_id": second}), 201)
    assert event["title"] == "Language cafés: sharing notes" and event["kind"] == "webinar"
    assert event["local"]["starts_at"] == f"{NEXT_YEAR}-04-01T09:30:00+02:00"
    assert event["local"]["ends_at"] == f"{NEXT_YEAR}-04-01T11:00:00+02:00"
    closed = expect(await world.member.get(url), 200)
    assert closed["event_id"] == event["id"] and closed["closed_at"] and not closed["can_decide"]
    assert expect(await world.member.put(f"{url}/votes", json={"option_ids": []}), 409)["error"]["code"] == (
        "poll_closed"
    )
    expect(await world.moderator.post(f"{url}/decision", json={"option_id": first}), 409)
    kinds = [e["kind"] for e in await live.events(6, a)]
    assert kinds == ["poll.created", "poll.voted", "poll.voted", "poll.voted", "event.created", "poll.decided"]
    await live.close()


async def test_poll_refusals(world):
    a, b = world.space_a["id"], world.space_b["id"]
    post = world.moderator.post
    cases = [
        (poll_body(options=[f"{NEXT_YEAR}-03-25T09:30", f"{NEXT_YEAR}-03-25T09:30"]), "duplicate_option"),
        (poll_body(options=["2001-01-01T09:00", f"{NEXT_YEAR}-03-25T09:30"]), "option_in_past"),
        (poll_body(timezone="Mars/Olympus"), "unknown_time_zone"),
        (poll_body(options=[f"{NEXT_YEAR}-03-28T02:30", f"{NEXT_YEAR}-03-29T09:30"]), "nonexistent_local_time"),
        (poll_body(options=[f"{NEXT_YEAR}-03-25T09:30"]), None),
        (poll_body(duration_minutes=0), None),
    ]
    for body, code in cases:
        error = expect(await post(f"/api/spaces/{a}/polls", json=body), 422)["error"]
        assert code is None or error["code"] == code, (body, error)
    expect(await world.member.post(f"/api/spaces/{a}/polls", json=poll_body()), 403)
    poll = expect(await post(f"/api/spaces/{a}/polls", json=poll_body()), 201)
    # Options of another poll, and polls of a space one cannot read, do not exist.
    expect(await world.member.put(f"/api/polls/{poll['id']}/votes", json={"option_ids": [999999]}), 422)
    for client in (world.other, world.outsider):
        expect(await client.get(f"/api/polls/{poll['id']}"), 404)
        expect(await client.put(f"/api/polls/{poll['id']}/votes", json={"option_ids": []}), 404)
        expect(await client.get(f"/api/spaces/{a}/polls"), 404)
    assert expect(await world.admin.get(f"/api/spaces/{b}/polls"), 200)["items"] == []


async def past_event(world, **overrides) -> dict:
    now = dt.datetime.now(dt.UTC).replace(microsecond=0)
    body = {
        "kind": "study_visit",
        "title": "Study visit: Antwerp welcome desks",
        "starts_at": (now - dt.timedelta(days=1)).isoformat(),
        "ends_at": (now - dt.timedelta(hours=20)).isoformat(),
        "timezone": "Europe/Brussels",
        **overrides,
    }
    return expect(await world.moderator.post(f"/api/spaces/{world.space_a['id']}/events", json=body), 201)


async def test_report_with_attachments_and_participants_becomes_a_practice_draft(world, clients):
    a = world.space_a["id"]
    upcoming = expect(
        await world.moderator.post(
            f"/api/spaces/{a}/events",
            json={
                "kind": "workshop",
                "title": "Later",
                "starts_at": f"{NEXT_YEAR}-05-01T09:00",
                "ends_at": f"{NEXT_YEAR}-05-01T10:00",
                "timezone": "UTC",
            },
        ),
        201,
    )
    report = {"seen": "Two desks, one phone line.", "adapt": "Da Nang opens one desk in 2027."}
    error = expect(await world.moderator.put(f"/api/events/{upcoming['id']}/report", json=report), 409)["error"]
    assert error["code"] == "event_not_started"
    event = await past_event(world)
    url = f"/api/events/{event['id']}"
    # Registration is closed once the event began; the participants are those who were going.
    expect(await world.member.put(f"{url}/registration", json={"status": "going"}), 409)
    assert expect(await world.member.get(f"{url}/report"), 200)["exists"] is False
    file = expect(await upload(world.member, a, "desk-photos.pdf", pdf_bytes("Desks"), "application/pdf"), 201)
    foreign = expect(
        await upload(world.admin, world.space_b["id"], "other.pdf", pdf_bytes("B"), "application/pdf"), 201
    )
    bad = expect(await world.moderator.put(f"{url}/report", json={**report, "attachment_ids": [foreign["id"]]}), 422)
    assert bad["error"]["code"] == "unknown_attachment"
    expect(await world.member.put(f"{url}/report", json=report), 403)
    expect(await world.moderator.post(f"{url}/report/practice", json={}), 409)  # no report yet
    saved = expect(await world.moderator.put(f"{url}/report", json={**report, "attachment_ids": [file["id"]]}), 200)
    assert saved["exists"] and [x["id"] for x in saved["attachments"]] == [file["id"]]
    read = expect(await world.member.get(f"{url}/report"), 200)
    assert read["seen"] == report["seen"] and not read["can_edit"]
    for client in (world.other, world.outsider):
        expect(await client.get(f"{url}/report"), 404)

    practice = expect(await world.moderator.post(f"{url}/report/practice", json={"language": "en"}), 201)
    assert practice["kind"] == "practice" and practice["title"] == event["title"]
    assert "Two desks" in practice["summary"] and "Da Nang opens" in practice["summary"]
    assert practice["practice"]["review_status"] == "draft"
    assert expect(await world.member.get(f"{url}/report"), 200)["practice_id"] == practice["id"]
    expect(await world.moderator.post(f"{url}/report/practice", json={}), 409)
