"""Event reminders through the real outbox and a real SMTP server (aiosmtpd): a day and an hour
before, to the people registered only, in their language and their own time zone, never to
someone who lost access, and once only however many workers look."""

from __future__ import annotations

import asyncio
import datetime as dt
from dataclasses import replace

import pytest
from sqlalchemy import select
from sqlalchemy.ext.asyncio import create_async_engine
from sqlalchemy.pool import NullPool

from server.db.engine import session_factory
from server.db.models import MailOutbox
from server.mail.reminders import EventReminders
from tests.harness import ServerThread, expect
from tests.mail_helpers import SmtpSink, parts

START = dt.datetime.now(dt.UTC).replace(microsecond=0) + dt.timedelta(days=3)


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


async def rounds(settings, database_url, now: dt.datetime, workers: int = 2) -> int:
    """Several reminder workers (as on several nodes) looking at the same moment."""
    engines = [create_async_engine(database_url, poolclass=NullPool) for _ in range(workers)]
    try:
        found = await asyncio.gather(*(EventReminders(session_factory(e), settings).round(now) for e in engines))
        return sum(found)
    finally:
        for engine in engines:
            await engine.dispose()


async def reminder_rows(database_url) -> list[MailOutbox]:
    engine = create_async_engine(database_url, poolclass=NullPool)
    try:
        async with session_factory(engine)() as db:
            query = select(MailOutbox).where(MailOutbox.kind == "event_reminder").order_by(MailOutbox.id)
            return list((await db.scalars(query)).all())
    finally:
        await engine.dispose()


async def test_reminders_a_day_and_an_hour_before_once_each_in_language_and_zone(world, settings, database_url, sink):
    a = world.space_a["id"]
    body = {
        "kind": "workshop",
        "title": "Housing first <workshop>",
        "starts_at": START.isoformat(),
        "ends_at": (START + dt.timedelta(hours=2)).isoformat(),
        "timezone": "Europe/Brussels",
        "location": "Stadhuis",
        "capacity": 2,
    }
    event = expect(await world.moderator.post(f"/api/spaces/{a}/events", json=body), 201)
    url = f"/api/events/{event['id']}/registration"
    # Olivia joins the space, registers, then is removed from it: she must get nothing.
    expect(await world.admin.put(f"/api/spaces/{a}/members/{world.other.user['id']}", json={"role": "member"}), 200)
    expect(await world.other.put(url, json={"status": "going", "timezone": "America/Toronto"}), 200)
    expect(await world.admin.delete(f"/api/spaces/{a}/members/{world.other.user['id']}"), 204)
    expect(await world.member.put(url, json={"status": "going", "timezone": "Asia/Ho_Chi_Minh"}), 200)
    expect(await world.moderator.patch("/api/me", json={"locale": "fr"}), 200)
    expect(await world.moderator.put(url, json={"status": "maybe"}), 200)
    expect(await world.admin.put(url, json={"status": "not_going"}), 200)
    expect(await world.member.put(url, json={"status": "going", "timezone": "Continent/Atlantis"}), 422)

    assert await rounds(settings, database_url, START - dt.timedelta(hours=25)) == 0  # not due yet
    assert await rounds(settings, database_url, START - dt.timedelta(hours=23)) == 2
    assert await rounds(settings, database_url, START - dt.timedelta(hours=22)) == 0  # a restart writes nothing new
    (mail,) = await sink.wait_for("member@danang.test", about="Tomorrow")
    assert mail["Subject"] == "Tomorrow: Housing first <workshop>"
    text, html = parts(mail)
    vietnam = START.astimezone(dt.timezone(dt.timedelta(hours=7)))
    assert f"Your time (Asia/Ho_Chi_Minh): {vietnam:%Y-%m-%d %H:%M}" in text
    assert "Event's time (Europe/Brussels)" in text and f"/events/{event['id']}" in text
    assert "&lt;workshop&gt;" in html and "<workshop>" not in html
    (french,) = await sink.wait_for("mod@antwerpen.test", about="Demain")
    assert "Votre heure" not in parts(french)[0]  # no zone of her own given: the event's is hers

    assert await rounds(settings, database_url, START - dt.timedelta(minutes=40)) == 2
    await sink.wait_for("member@danang.test", about="In one hour")
    await sink.wait_for("mod@antwerpen.test", about="Dans une heure")
    assert await rounds(settings, database_url, START - dt.timedelta(minutes=10)) == 0
    await asyncio.sleep(0.5)
    assert sink.to("other@toronto.test", "Housing") == [] and sink.to("admin@citybridge.test", "Housing") == []
    rows = await reminder_rows(database_url)
    assert sorted(r.to_address for r in rows) == ["member@danang.test"] * 2 + ["mod@antwerpen.test"] * 2


async def test_no_reminder_for_a_cancelled_event_or_the_waiting_list(world, settings, database_url):
    a = world.space_a["id"]
    body = {
        "kind": "webinar",
        "title": "Full webinar",
        "starts_at": START.isoformat(),
        "ends_at": (START + dt.timedelta(hours=1)).isoformat(),
        "timezone": "UTC",
        "capacity": 1,
    }
    full = expect(await world.moderator.post(f"/api/spaces/{a}/events", json=body), 201)
    expect(await world.moderator.put(f"/api/events/{full['id']}/registration", json={"status": "going"}), 200)
    waiting = expect(await world.member.put(f"/api/events/{full['id']}/registration", json={"status": "going"}), 200)
    assert waiting["status"] == "waiting"
    cancelled = expect(await world.moderator.post(f"/api/spaces/{a}/events", json={**body, "title": "Off"}), 201)
    expect(await world.member.put(f"/api/events/{cancelled['id']}/registration", json={"status": "going"}), 200)
    expect(await world.moderator.delete(f"/api/events/{cancelled['id']}"), 204)
    assert await rounds(settings, database_url, START - dt.timedelta(hours=2), workers=1) == 1
    (row,) = await reminder_rows(database_url)
    assert row.to_address == "mod@antwerpen.test" and row.refs == {"space_id": a, "event_id": full["id"]}
