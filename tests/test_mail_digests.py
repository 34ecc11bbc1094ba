"""Digests against the real database: permission-trimmed when built, one per user per period even
with two builders at once, in the recipient's language."""

from __future__ import annotations

import asyncio
import datetime as dt
import html

from sqlalchemy import select, text
from sqlalchemy.ext.asyncio import create_async_engine
from sqlalchemy.pool import NullPool

from server.db.engine import session_factory
from server.db.models import MailOutbox
from server.mail.digest import Digester, period_key
from tests.harness import expect


async def _thread(client, space_id: int, title: str) -> dict:
    body = {"title": title, "themes": [], "body": "Opening"}
    return expect(await client.post(f"/api/spaces/{space_id}/threads", json=body), 201)


async def _digests(database_url, settings, *, builders: int = 1) -> tuple[int, list[MailOutbox]]:
    engines = [create_async_engine(database_url, poolclass=NullPool) for _ in range(builders)]
    try:
        async with session_factory(engines[0])() as db:
            # The session's server builds digests too (for today): start these users from scratch.
            await db.execute(text("DELETE FROM mail_digest_state"))
            await db.execute(text("DELETE FROM mail_outbox WHERE kind = 'digest'"))
            await db.commit()
        digesters = [Digester(session_factory(e), settings, database_url, batch=2) for e in engines]
        now = dt.datetime.now(dt.UTC)
        written = await asyncio.gather(*(d.round(now) for d in digesters))
        async with session_factory(engines[0])() as db:
            rows = await db.scalars(
                select(MailOutbox).where(MailOutbox.kind == "digest").order_by(MailOutbox.to_address)
            )
            return sum(written), list(rows.all())
    finally:
        for engine in engines:
            await engine.dispose()


async def test_a_removed_member_gets_no_digest_of_that_space(world, settings, database_url):
    a, b = world.space_a["id"], world.space_b["id"]
    other_email = "other@toronto.test"
    invitation = expect(await world.admin.post("/api/invitations", json={"email": other_email, "space_id": a}), 201)
    expect(await world.other.post(f"/api/invitations/{invitation['token']}/accept", json={}), 200)
    await _thread(world.moderator, a, "Secret of space A")
    await _thread(world.admin, b, "News from space B")
    expect(await world.other.patch("/api/me/notifications", json={"digest": "daily"}), 200)
    expect(await world.moderator.patch("/api/me/notifications", json={"digest": "weekly"}), 200)
    expect(await world.moderator.patch("/api/me", json={"locale": "fr"}), 200)
    expect(await world.admin.delete(f"/api/spaces/{a}/members/{world.other.user['id']}"), 204)

    _, rows = await _digests(database_url, settings)
    by_address = {r.to_address: r for r in rows}
    mine = by_address[other_email]
    today = period_key("daily", dt.datetime.now(dt.UTC))
    assert mine.dedupe_key == f"digest:{world.other.user['id']}:{today}"
    assert "News from space B" in mine.text_body and "Secret of space A" not in mine.text_body
    assert "Secret of space A" not in mine.html_body and mine.refs["space_ids"] == [b]
    moderator = by_address["mod@antwerpen.test"]  # a member of space A only, reading French
    assert "Secret of space A" in moderator.text_body and "News from space B" not in moderator.text_body
    assert moderator.subject == "Votre résumé Citybridge de la semaine"
    assert moderator.headers["List-Unsubscribe-Post"] == "List-Unsubscribe=One-Click"
    assert "admin@citybridge.test" not in by_address  # digests cover one's spaces; the admin is in none


async def test_two_builders_at_once_write_one_digest_per_user(world, settings, database_url, clients):
    await _thread(world.moderator, world.space_a["id"], "Language cafés")
    for client in (world.admin, world.moderator, world.member):
        expect(await client.patch("/api/me/notifications", json={"digest": "daily"}), 200)
    written, rows = await _digests(database_url, settings, builders=2)
    addresses = [r.to_address for r in rows]
    assert sorted(addresses) == ["member@danang.test", "mod@antwerpen.test"]
    assert written == 2
    # Digests with the same sections are rendered once, but each carries its reader's own link.
    links = [row.headers["List-Unsubscribe"].strip("<>") for row in rows]
    for row, link, other in zip(rows, links, reversed(links), strict=True):
        assert link in row.text_body and html.escape(link) in row.html_body and other not in row.text_body
        assert "unsubscribe.invalid" not in row.text_body + row.html_body
    # a digest's one-click link stops digests only
    unsubscribe = rows[0].headers["List-Unsubscribe"].strip("<>")
    expect(await clients().post("/" + unsubscribe.split("/", 3)[3], content=b"List-Unsubscribe=One-Click"), 200)
    assert expect(await world.member.get("/api/me/notifications"), 200)["digest"] == "never"
    assert expect(await world.member.get("/api/me/notifications"), 200)["default_level"] == "all"


async def test_batched_replies_become_one_mail_without_what_was_hidden(world, settings, database_url):
    from server.mail import batches

    answer = expect(await world.member.patch("/api/me/notifications", json={"batch_minutes": 10}), 200)
    assert answer["batch_minutes"] == 10
    bad = await world.member.patch("/api/me/notifications", json={"batch_minutes": 100_000})
    assert "batch_minutes" in expect(bad, 422)["error"]["fields"]
    thread = await _thread(world.member, world.space_a["id"], "Batched")
    posted = []
    for n in range(3):
        body = {"body": f"Batched reply {n}", "client_id": f"batch-{n}"}
        posted.append(expect(await world.moderator.post(f"/api/threads/{thread['id']}/messages", json=body), 201))
    engine = create_async_engine(database_url, poolclass=NullPool)
    try:
        sessions = session_factory(engine)
        deadline = asyncio.get_running_loop().time() + 15
        while True:  # the running notifier parks the replies
            async with sessions() as db:
                parked = await db.scalar(text("SELECT count(*) FROM mail_pending"))
            if parked == 3:
                break
            assert asyncio.get_running_loop().time() < deadline, parked
            await asyncio.sleep(0.1)
        # Hidden once parked (a reply hidden before the notifier reads it is never parked at all).
        hide = {"reason": "off topic"}
        expect(await world.moderator.post(f"/api/messages/{posted[1]['id']}/hide", json=hide), 200)
        async with sessions() as db:
            assert await batches.flush(db, settings, dt.datetime.now(dt.UTC)) == 0  # not yet due
            later = dt.datetime.now(dt.UTC) + dt.timedelta(minutes=11)
            assert await batches.flush(db, settings, later) == 1
            assert await batches.flush(db, settings, later) == 0
            await db.commit()
            (row,) = (await db.scalars(select(MailOutbox).where(MailOutbox.kind == "batch"))).all()
    finally:
        await engine.dispose()
    assert row.to_address == "member@danang.test" and row.subject == "2 new messages for you on Citybridge"
    assert "Batched reply 0" in row.text_body and "Batched reply 2" in row.text_body
    assert "Batched reply 1" not in row.text_body and "Batched reply 1" not in row.html_body
