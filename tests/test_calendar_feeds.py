"""iCalendar output: one event's .ics and the personal feed, read back with icalendar and with a
second, minimal RFC 5545 reader written here (unfolding and property lines only)."""

from __future__ import annotations

from datetime import datetime
from zoneinfo import ZoneInfo

import icalendar

from tests.harness import expect
from tests.test_calendar_events import create


def plain_read(text: str) -> list[dict[str, str]]:
    """The VEVENTs as {property name: raw value}, from the text alone."""
    unfolded = text.replace("\r\n ", "").replace("\r\n\t", "")
    events, current = [], None
    for line in unfolded.split("\r\n"):
        if line == "BEGIN:VEVENT":
            current = {}
        elif line == "END:VEVENT":
            events.append(current)
            current = None
        elif current is not None and ":" in line:
            head, value = line.split(":", 1)
            name, _, params = head.partition(";")
            current[name] = value
            if params:
                current[name + ";"] = params
    return events


async def feed_of(client) -> tuple[str, str]:
    url = expect(await client.get("/api/me/calendar"), 200)["url"]
    return url, url[url.index("/calendar/") :]


async def test_event_ics_is_a_valid_calendar_in_the_organisers_zone(world):
    event = await create(
        world.moderator,
        world.space_a["id"],
        starts_at="2030-03-28T09:30",
        ends_at="2030-03-28T11:00",
        registration_deadline=None,
        host_city_id=world.cities[0]["id"],
    )
    response = await world.member.get(f"/api/events/{event['id']}/ics")
    assert response.status_code == 200 and response.headers["content-type"].startswith("text/calendar")
    parsed = icalendar.Calendar.from_ical(response.content)
    (item,) = parsed.walk("VEVENT")
    assert str(item["uid"]) == event["uid"] and int(item["sequence"]) == 0
    start = item.decoded("dtstart")
    assert start == datetime(2030, 3, 28, 9, 30, tzinfo=ZoneInfo("Europe/Brussels"))
    assert start.astimezone(ZoneInfo("Asia/Ho_Chi_Minh")).strftime("%H:%M") == "15:30"
    assert start.astimezone(ZoneInfo("America/Toronto")).strftime("%H:%M") == "04:30"
    assert [tz["tzid"] for tz in parsed.walk("VTIMEZONE")] == ["Europe/Brussels"]
    assert str(item["location"]) == "Stadhuis, Grote Markt 1, Antwerp, Belgium"
    (plain,) = plain_read(response.text)
    assert plain["DTSTART"] == "20300328T093000" and plain["DTSTART;"] == "TZID=Europe/Brussels"
    assert plain["UID"] == event["uid"] and plain["STATUS"] == "CONFIRMED"


async def test_feed_follows_updates_and_cancellations_with_the_same_uid(world):
    event = await create(world.moderator, world.space_a["id"])
    url, path = await feed_of(world.member)
    assert url.startswith("http://") and path.endswith(".ics")
    assert expect(await world.member.get("/api/me/calendar"), 200)["url"] == url  # stable until rotated
    feed = await world.anonymous.get(path)  # the secret address is the credential: no session needed
    assert feed.status_code == 200
    (first,) = icalendar.Calendar.from_ical(feed.content).walk("VEVENT")
    expect(
        await world.moderator.patch(
            f"/api/events/{event['id']}",
            json={"title": "Moved", "starts_at": f"{event['local']['starts_at'][:10]}T10:00"},
        ),
        200,
    )
    (second,) = icalendar.Calendar.from_ical((await world.anonymous.get(path)).content).walk("VEVENT")
    assert second["uid"] == first["uid"] and int(second["sequence"]) > int(first["sequence"])
    assert str(second["summary"]) == "Moved" and second.decoded("dtstart").hour == 10
    expect(await world.moderator.delete(f"/api/events/{event['id']}"), 204)
    text = (await world.anonymous.get(path)).text
    (third,) = icalendar.Calendar.from_ical(text).walk("VEVENT")
    assert third["uid"] == first["uid"] and int(third["sequence"]) > int(second["sequence"])
    assert str(third["status"]) == "CANCELLED"
    (plain,) = plain_read(text)
    assert plain["STATUS"] == "CANCELLED" and plain["UID"] == str(first["uid"])


async def test_feed_is_rechecked_at_every_fetch_and_revocable(world):
    a = world.space_a["id"]
    await create(world.moderator, a)
    await create(world.admin, world.network["id"], title="Open webinar", kind="webinar")
    _, path = await feed_of(world.member)
    titles = sorted(
        str(e["summary"])
        for e in icalendar.Calendar.from_ical((await world.anonymous.get(path)).content).walk("VEVENT")
    )
    assert titles == ["Open webinar", "Reception centres of Antwerp"]
    # Suspended from space A: its events leave the feed at the next fetch.
    member_id = world.member.user["id"]
    expect(await world.admin.post(f"/api/spaces/{a}/members/{member_id}/suspend", json={"reason": "x"}), 200)
    titles = [
        str(e["summary"])
        for e in icalendar.Calendar.from_ical((await world.anonymous.get(path)).content).walk("VEVENT")
    ]
    assert titles == ["Open webinar"]
    # Rotating the address revokes the old one.
    rotated = expect(await world.member.post("/api/me/calendar"), 200)["url"]
    assert rotated[rotated.index("/calendar/") :] != path
    expect(await world.anonymous.get(path), 404)
    fresh = await world.anonymous.get(rotated[rotated.index("/calendar/") :])
    assert fresh.status_code == 200, (rotated, fresh.status_code, fresh.text[:300])
    # A forged signature, or a nonce alone, is not an address.
    nonce = path.removeprefix("/calendar/").split(".")[0]
    expect(await world.anonymous.get(f"/calendar/{nonce}.AAAA.ics"), 404)
    expect(await world.anonymous.get(f"/calendar/{nonce}.ics"), 404)
    expect(await world.anonymous.get("/api/me/calendar"), 401)
    expect(await world.other.get(f"/api/events/{999999}/ics"), 404)


def summaries(content: bytes) -> list[str]:
    return sorted(str(e["summary"]) for e in icalendar.Calendar.from_ical(content).walk("VEVENT"))


async def test_space_feed_lists_that_space_only_while_the_member_reads_it(world):
    a, network = world.space_a["id"], world.network["id"]
    await create(world.moderator, a)
    await create(world.admin, network, title="Open webinar", kind="webinar")
    url = expect(await world.member.get(f"/api/spaces/{a}/calendar"), 200)["url"]
    assert url.endswith(f"/spaces/{a}.ics") and "?" not in url
    assert expect(await world.member.get(f"/api/spaces/{a}/calendar"), 200)["url"] == url  # stable
    path = url[url.index("/calendar/") :]
    feed = await world.anonymous.get(path)
    assert feed.status_code == 200 and feed.headers["content-type"].startswith("text/calendar")
    parsed = icalendar.Calendar.from_ical(feed.content)
    assert str(parsed["x-wr-calname"]) == f"Citybridge: {world.space_a['name']}"
    assert summaries(feed.content) == ["Reception centres of Antwerp"]
    assert [e["SUMMARY"] for e in plain_read(feed.text)] == ["Reception centres of Antwerp"]
    # Someone who cannot read the space gets no address, and their secret opens no feed of it.
    expect(await world.other.get(f"/api/spaces/{a}/calendar"), 404)
    other_url = expect(await world.other.get(f"/api/spaces/{network}/calendar"), 200)["url"]
    other_secret = other_url[other_url.index("/calendar/") :].split("/spaces/")[0]
    expect(await world.anonymous.get(f"{other_secret}/spaces/{a}.ics"), 404)
    assert summaries((await world.anonymous.get(other_url[other_url.index("/calendar/") :])).content) == [
        "Open webinar"
    ]
    # Removed from the space: the same address answers 404 at the next fetch.
    member_id = world.member.user["id"]
    expect(await world.admin.delete(f"/api/spaces/{a}/members/{member_id}"), 204)
    expect(await world.anonymous.get(path), 404)
    expect(await world.member.get(f"/api/spaces/{a}/calendar"), 404)


async def test_space_feed_is_revoked_with_the_personal_address(world):
    a = world.space_a["id"]
    await create(world.moderator, a)
    url = expect(await world.member.get(f"/api/spaces/{a}/calendar"), 200)["url"]
    path = url[url.index("/calendar/") :]
    assert (await world.anonymous.get(path)).status_code == 200
    expect(await world.member.post("/api/me/calendar"), 200)
    expect(await world.anonymous.get(path), 404)
    fresh = expect(await world.member.get(f"/api/spaces/{a}/calendar"), 200)["url"]
    assert fresh != url and summaries((await world.anonymous.get(fresh[fresh.index("/calendar/") :])).content) == [
        "Reception centres of Antwerp"
    ]
    forged = path.split(".")[0] + ".AAAA/spaces/" + str(a) + ".ics"
    expect(await world.anonymous.get(forged), 404)
    expect(await world.anonymous.get(f"/api/spaces/{a}/calendar"), 401)
