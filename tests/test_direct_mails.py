"""Direct messages by mail (issue 15), through the real outbox and a real SMTP server (aiosmtpd):
a participant who has not read a message when its delay is over (2 s in tests) gets it by mail in
their language; one who read it in the meantime, left the conversation, or turned notifications
off gets nothing; nobody outside the conversation ever does, admins included."""

from __future__ import annotations

import asyncio
from dataclasses import replace

import pytest
from sqlalchemy import select
from sqlalchemy.ext.asyncio import create_async_engine
from sqlalchemy.pool import NullPool

from server.db.engine import session_factory
from server.db.models import MailOutbox
from tests.harness import ServerThread, expect
from tests.mail_helpers import SmtpSink, link_path, parts


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


async def direct_rows(database_url) -> list[MailOutbox]:
    engine = create_async_engine(database_url, poolclass=NullPool)
    try:
        async with session_factory(engine)() as db:
            query = select(MailOutbox).where(MailOutbox.kind == "direct").order_by(MailOutbox.id)
            return list((await db.scalars(query)).all())
    finally:
        await engine.dispose()


async def settled(database_url, count: int, timeout: float = 20) -> dict[int, MailOutbox]:
    """The direct mails by recipient once `count` of them have left the queue (sent or cancelled)."""
    for _ in range(int(timeout / 0.1)):
        rows = await direct_rows(database_url)
        if len([r for r in rows if r.state != "queued"]) >= count:
            return {r.user_id: r for r in rows}
        await asyncio.sleep(0.1)
    raise AssertionError(f"not settled: {[(r.user_id, r.state) for r in await direct_rows(database_url)]}")


async def test_an_unread_direct_message_is_mailed_and_a_read_one_is_not(world, sink, database_url):
    expect(await world.other.patch("/api/me", json={"locale": "fr"}), 200)
    people = [world.other.user["id"], world.moderator.user["id"]]
    talk = expect(await world.member.post("/api/conversations", json={"participant_ids": people}), 201)
    path = f"/api/conversations/{talk['id']}"
    sent = expect(
        await world.member.post(f"{path}/messages", json={"body": "Who handles **housing** in Toronto?"}), 201
    )
    # The moderator reads it in the browser before the delay is over: no mail for her.
    expect(await world.moderator.put(f"{path}/read", json={"last_read_message_id": sent["id"]}), 200)

    (mail,) = await sink.wait_for("other@toronto.test", about="Nguyen Member")
    assert "Nguyen Member" in mail["Subject"] and "vous a écrit" in mail["Subject"]
    text, html = parts(mail)
    assert "Who handles **housing** in Toronto?" in text and "<strong>housing</strong>" in html
    assert "Mieke Moderator" in text  # the others in the conversation
    assert link_path(mail, "/conversations/") == f"/conversations/{talk['id']}"
    assert mail["List-Unsubscribe-Post"] == "List-Unsubscribe=One-Click"

    rows = await settled(database_url, 2)
    assert set(rows) == set(people)  # the author and the admin (not a participant) get no row at all
    assert rows[world.moderator.user["id"]].state == "cancelled"
    assert rows[world.moderator.user["id"]].last_error == "read in the browser"
    assert (
        sink.to("mod@antwerpen.test", about="Nguyen") == [] and sink.to("admin@citybridge.test", about="Nguyen") == []
    )


async def test_who_left_or_turned_mail_off_gets_nothing(world, sink, database_url):
    talk = expect(
        await world.member.post(
            "/api/conversations",
            json={"participant_ids": [world.other.user["id"], world.moderator.user["id"]], "title": "Shelters"},
        ),
        201,
    )
    path = f"/api/conversations/{talk['id']}"
    expect(await world.moderator.patch("/api/me/notifications", json={"default_level": "none"}), 200)
    expect(await world.member.post(f"{path}/messages", json={"body": "The night shelter opens at ten."}), 201)
    for _ in range(100):  # the notifier has written the held-back mail: she leaves before it goes
        if await direct_rows(database_url):
            break
        await asyncio.sleep(0.1)
    expect(await world.other.delete(f"{path}/participants/me"), 204)

    rows = await settled(database_url, 1)
    assert set(rows) == {world.other.user["id"]}  # notifications off: no row for the moderator
    assert rows[world.other.user["id"]].state == "cancelled"
    assert rows[world.other.user["id"]].last_error == "recipient is no longer a participant of the conversation"
    # A titled conversation names itself in the subject of the mail its members get.
    expect(await world.moderator.patch("/api/me/notifications", json={"default_level": "all"}), 200)
    expect(await world.member.post(f"{path}/messages", json={"body": "And closes at eight."}), 201)
    (mail,) = await sink.wait_for("mod@antwerpen.test", about="Shelters")
    assert "Shelters" in mail["Subject"] and "And closes at eight." in parts(mail)[0]
    assert sink.to("other@toronto.test", about="Nguyen Member") == []


async def test_a_message_deleted_before_its_mail_goes_is_not_mailed(world, sink, database_url):
    talk = expect(
        await world.member.post("/api/conversations", json={"participant_ids": [world.other.user["id"]]}), 201
    )
    path = f"/api/conversations/{talk['id']}/messages"
    regret = expect(await world.member.post(path, json={"body": "Sent to the wrong person"}), 201)
    for _ in range(100):  # the held-back mail is written: the author deletes the message before it goes
        if await direct_rows(database_url):
            break
        await asyncio.sleep(0.1)
    expect(await world.member.delete(f"{path}/{regret['id']}"), 204)
    rows = await settled(database_url, 1)
    assert rows[world.other.user["id"]].state == "cancelled"
    assert rows[world.other.user["id"]].last_error == "a direct message it shows was deleted"
    assert sink.to("other@toronto.test", about="Nguyen Member") == []
