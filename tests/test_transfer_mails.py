"""Overdue transfer milestones by mail (issue 19), through the real outbox and a real SMTP server
(aiosmtpd): to the milestone's owner and the transfer's coordinator once per milestone and due date
(re-dating re-arms it), in their language, never for a milestone done, never to someone removed
from the space, never to someone whose level for the space is `none`.

Dates are in the future and the workers are given a later `now`, so the servers' own rounds (at
the real time) find nothing overdue while a test runs."""

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
from server.mail.milestones import MilestoneFlags
from tests.harness import ServerThread, expect
from tests.library_helpers import practice
from tests.mail_helpers import SmtpSink, parts

TODAY = dt.datetime.now(dt.UTC).date()


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


def at(days: int) -> dt.datetime:
    """Noon UTC, `days` after today."""
    return dt.datetime.combine(TODAY + dt.timedelta(days=days), dt.time(12), tzinfo=dt.UTC)


async def rounds(settings, database_url, days: int, workers: int = 2) -> int:
    """Several workers (as on several nodes) looking at the same moment."""
    engines = [create_async_engine(database_url, poolclass=NullPool) for _ in range(workers)]
    try:
        found = await asyncio.gather(*(MilestoneFlags(session_factory(e), settings).round(at(days)) for e in engines))
        return sum(found)
    finally:
        for engine in engines:
            await engine.dispose()


async def flag_rows(database_url) -> list[MailOutbox]:
    engine = create_async_engine(database_url, poolclass=NullPool)
    try:
        async with session_factory(engine)() as db:
            query = select(MailOutbox).where(MailOutbox.kind == "milestone_overdue").order_by(MailOutbox.id)
            return list((await db.scalars(query)).all())
    finally:
        await engine.dispose()


async def a_transfer(world) -> tuple[dict, str]:
    """Antwerp's record taken up by Da Nang, coordinated by Antwerp's moderator; the plan's URL."""
    antwerp, da_nang = world.cities[0]["id"], world.cities[1]["id"]
    a = world.space_a["id"]
    source = expect(await world.moderator.post(f"/api/spaces/{a}/resources", json=practice(antwerp)), 201)
    body = {
        "source_practice_id": source["id"],
        "implementing_city_ids": [da_nang],
        "space_id": a,
        "starts_on": TODAY.isoformat(),
    }
    transfer = expect(await world.moderator.post("/api/transfers", json=body), 201)
    return transfer, f"/api/transfers/{transfer['id']}/plans/{da_nang}"


async def milestone(client, plan: str, title: str, days: int, owner_id: int) -> dict:
    due = (TODAY + dt.timedelta(days=days)).isoformat()
    body = {"title": title, "due_on": due, "owner_id": owner_id}
    return expect(await client.post(f"{plan}/milestones", json=body), 201)


async def test_overdue_milestones_mail_owner_and_coordinator_once_per_due_date(world, settings, database_url, sink):
    a = world.space_a["id"]
    member, moderator, other = (u.user["id"] for u in (world.member, world.moderator, world.other))
    transfer, plan = await a_transfer(world)
    expect(await world.moderator.patch("/api/me", json={"locale": "fr"}), 200)
    # Toronto's official joins space A, owns a milestone, then is removed: nothing for her.
    expect(await world.admin.put(f"/api/spaces/{a}/members/{other}", json={"role": "member"}), 200)
    visit = await milestone(world.member, plan, "Study visit <Antwerp>", 5, member)
    group = await milestone(world.moderator, plan, "Stakeholder group", 6, other)
    budget = await milestone(world.member, plan, "Budget approved", 7, member)
    expect(await world.member.patch(f"/api/milestones/{budget['id']}", json={"state": "done"}), 200)
    expect(await world.admin.delete(f"/api/spaces/{a}/members/{other}"), 204)

    assert await rounds(settings, database_url, 5) == 0  # due today: not overdue yet
    # The visit to its owner and the coordinator; the group to the coordinator only; the budget is done.
    assert await rounds(settings, database_url, 10) == 3
    assert await rounds(settings, database_url, 11) == 0  # a restart, another node: nothing new
    (mail,) = await sink.wait_for("member@danang.test", about="Overdue")
    assert mail["Subject"] == "Overdue: Study visit <Antwerp> (Da Nang)"
    assert mail["List-Unsubscribe"] and mail["List-Unsubscribe-Post"] == "List-Unsubscribe=One-Click"
    text, html = parts(mail)
    assert f"was due on {TODAY + dt.timedelta(days=5)} and is still open" in text
    assert "You own this milestone." in text and f"/transfers/{transfer['id']}" in text
    assert "Welcome desks in the town hall" in text  # the source record, which she may read
    assert "&lt;Antwerp&gt;" in html and "<Antwerp>" not in html
    french = await sink.wait_for("mod@antwerpen.test", count=2, about="En retard")
    assert {m["Subject"] for m in french} == {
        "En retard : Study visit <Antwerp> (Da Nang)",
        "En retard : Stakeholder group (Da Nang)",
    }
    assert all("Vous coordonnez ce transfert." in parts(m)[0] for m in french)

    # Re-dated: quiet until the new date has passed, then flagged again (once).
    due = (TODAY + dt.timedelta(days=12)).isoformat()
    expect(await world.member.patch(f"/api/milestones/{visit['id']}", json={"due_on": due}), 200)
    assert await rounds(settings, database_url, 12) == 0
    assert await rounds(settings, database_url, 13) == 2
    assert await rounds(settings, database_url, 14) == 0
    await sink.wait_for("member@danang.test", count=2, about="Overdue")
    await sink.wait_for("mod@antwerpen.test", count=3, about="En retard")

    # The coordinator turns space A's mail off; the group is done: only the visit's owner, once more.
    level = {"spaces": [{"space_id": a, "level": "none"}]}
    expect(await world.moderator.patch("/api/me/notifications", json=level), 200)
    expect(await world.moderator.patch(f"/api/milestones/{group['id']}", json={"state": "done"}), 200)
    due = (TODAY + dt.timedelta(days=20)).isoformat()
    expect(await world.member.patch(f"/api/milestones/{visit['id']}", json={"due_on": due}), 200)
    expect(await world.member.patch(f"/api/milestones/{group['id']}", json={"due_on": due}), 200)
    assert await rounds(settings, database_url, 21) == 1
    await sink.wait_for("member@danang.test", count=3, about="Overdue")

    await asyncio.sleep(0.5)
    assert sink.to("other@toronto.test", "Stakeholder") == [] and sink.to("other@toronto.test", "Overdue") == []
    rows = await flag_rows(database_url)
    assert sorted(r.to_address for r in rows) == ["member@danang.test"] * 3 + ["mod@antwerpen.test"] * 3
    assert {r.refs["space_id"] for r in rows} == {a} and {r.refs["transfer_id"] for r in rows} == {transfer["id"]}
    assert sink.to("mod@antwerpen.test", "Budget") == [] and sink.to("member@danang.test", "Budget") == []


async def test_a_stopped_transfer_flags_nothing(world, settings, database_url):
    transfer, plan = await a_transfer(world)
    await milestone(world.member, plan, "Late step", 2, world.member.user["id"])
    expect(await world.moderator.patch(f"/api/transfers/{transfer['id']}", json={"state": "stopped"}), 200)
    assert await rounds(settings, database_url, 30, workers=1) == 0
    running, plan = await a_transfer(world)
    await milestone(world.member, plan, "Another late step", 2, world.member.user["id"])
    assert await rounds(settings, database_url, 30, workers=1) == 2  # its owner and its coordinator
    assert {r.refs["transfer_id"] for r in await flag_rows(database_url)} == {running["id"]}
