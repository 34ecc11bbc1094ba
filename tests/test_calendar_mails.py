"""Changes and cancellations of an event by mail, through the real outbox and a real SMTP server
(aiosmtpd): the people registered get an iTIP .ics (METHOD:REQUEST, then METHOD:CANCEL) with the
event's UID and a higher SEQUENCE each time; nobody else does, nor anyone who lost access."""

from __future__ import annotations

import asyncio
from dataclasses import replace

import icalendar
import pytest

from tests.harness import ServerThread, expect
from tests.mail_helpers import SmtpSink
from tests.test_calendar_events import create


@pytest.fixture(scope="module")
def sink():
    sink = SmtpSink().start()
    yield sink
    sink.stop()


@pytest.fixture(scope="module")
def mail_node(settings, database_url, sink):
    node = ServerThread(replace(settings, smtp_url=sink.url, mail_retry_base_seconds=0.2), database_url)
    node.start()
    yield node
    node.stop()


@pytest.fixture(autouse=True)
def fresh_sink(sink, mail_node):
    sink.received.clear()


def attached(mail) -> tuple[str, icalendar.Event]:
    """The content type's METHOD and the one VEVENT of the mail's .ics attachment."""
    (part,) = [p for p in mail.iter_attachments() if p.get_content_type() == "text/calendar"]
    calendar = icalendar.Calendar.from_ical(part.get_content())
    assert str(calendar["method"]) == part.get_param("method")
    (item,) = calendar.walk("VEVENT")
    return part.get_param("method"), item


async def test_registered_people_get_changes_and_the_cancellation_with_the_ics(world, sink):
    a = world.space_a["id"]
    event = await create(world.moderator, a, capacity=1)
    url = f"/api/events/{event['id']}/registration"
    expect(await world.member.put(url, json={"status": "going"}), 200)
    expect(await world.moderator.patch("/api/me", json={"locale": "fr"}), 200)
    assert expect(await world.moderator.put(url, json={"status": "going"}), 200)["status"] == "waiting"
    expect(await world.admin.put(url, json={"status": "not_going"}), 200)
    # Olivia registers, then is removed from the space: she is told nothing more.
    expect(await world.admin.put(f"/api/spaces/{a}/members/{world.other.user['id']}", json={"role": "member"}), 200)
    expect(await world.other.put(url, json={"status": "maybe"}), 200)
    expect(await world.admin.delete(f"/api/spaces/{a}/members/{world.other.user['id']}"), 204)
    # A change that no calendar entry shows sends nothing.
    expect(await world.moderator.patch(f"/api/events/{event['id']}", json={"capacity": 1}), 200)
    moved = f"{event['local']['starts_at'][:10]}T10:00"
    expect(await world.moderator.patch(f"/api/events/{event['id']}", json={"title": "Moved", "starts_at": moved}), 200)

    (change,) = await sink.wait_for("member@danang.test", about="Changed: Moved")
    method, item = attached(change)
    assert method == "REQUEST" and str(item["uid"]) == event["uid"] and int(item["sequence"]) == 1
    assert str(item["summary"]) == "Moved" and item.decoded("dtstart").hour == 10
    assert str(item["attendee"]) == "mailto:member@danang.test" and str(item["organizer"]).startswith("mailto:")
    (french,) = await sink.wait_for("mod@antwerpen.test", about="Modifié : Moved")  # waiting: told too
    assert attached(french)[1]["uid"] == item["uid"]

    expect(await world.moderator.delete(f"/api/events/{event['id']}"), 204)
    (cancel,) = await sink.wait_for("member@danang.test", about="Cancelled: Moved")
    method, gone = attached(cancel)
    assert method == "CANCEL" and str(gone["uid"]) == event["uid"] and int(gone["sequence"]) == 2
    assert str(gone["status"]) == "CANCELLED"
    await sink.wait_for("mod@antwerpen.test", about="Annulé : Moved")
    await asyncio.sleep(0.5)
    assert sink.to("other@toronto.test", "Moved") == [] and sink.to("admin@citybridge.test", "Moved") == []
    assert len(sink.to("member@danang.test", "Moved")) == 2


async def test_a_new_event_is_announced_to_the_members_in_their_own_time_zone(world, sink):
    from tests.test_calendar_events import NEXT_YEAR

    a = world.space_a["id"]
    expect(await world.member.patch("/api/me", json={"time_zone": "Asia/Ho_Chi_Minh"}), 200)
    event = await create(world.moderator, a, title="Welcome desks study visit")
    (mail,) = await sink.wait_for("member@danang.test", about="New event: Welcome desks study visit")
    text = mail.get_body(("plain",)).get_content()
    # 09:30 in Brussels (CEST) is 14:30 in Da Nang; both are given, the reader's first.
    assert f"Your time (Asia/Ho_Chi_Minh): {NEXT_YEAR}-06-10 14:30–22:00" in text
    assert f"Time (Europe/Brussels): {NEXT_YEAR}-06-10 09:30–17:00" in text
    assert f"/events/{event['id']}" in text
    method, item = attached(mail)
    assert method == "PUBLISH" and str(item["uid"]) == event["uid"] and "attendee" not in item
    # A member who turned the space's mail off is not told of the next one; the organiser and
    # people outside the space never are.
    level = {"spaces": [{"space_id": a, "level": "none"}]}
    expect(await world.member.patch("/api/me/notifications", json=level), 200)
    await create(world.moderator, a, title="Second workshop")
    await asyncio.sleep(1.5)
    assert sink.to("member@danang.test", "Second workshop") == []
    for address in ("mod@antwerpen.test", "other@toronto.test", "outsider@example.test"):
        assert sink.to(address, "Welcome desks") == [], address
