"""Mail against real parts: an aiosmtpd relay receives what a Citybridge node sends; the mails are
parsed with the `email` package and their links followed against the real server."""

from __future__ import annotations

import asyncio
import datetime
import email
import email.policy
import time
from dataclasses import replace

import pytest
from sqlalchemy import select
from sqlalchemy.ext.asyncio import create_async_engine
from sqlalchemy.pool import NullPool

from server.db.engine import session_factory
from server.db.models import MailOutbox
from server.mail.sender import Sender
from tests.conftest import PASSWORD
from tests.harness import Client, ServerThread, expect, inside_one_rate_window
from tests.mail_helpers import SmtpSink, link_path, parts


@pytest.fixture(scope="module")
def sink():
    sink = SmtpSink().start()
    yield sink
    sink.stop()


@pytest.fixture(scope="module")
def mail_node(settings, database_url, sink):
    """A node whose sender delivers to the sink (the session's server keeps the embedded default)."""
    node = ServerThread(replace(settings, smtp_url=sink.url, mail_retry_base_seconds=0.2), database_url)
    node.app.state.settings = replace(node.app.state.settings, public_origin=node.base_url)
    node.start()
    yield node
    node.stop()


@pytest.fixture(autouse=True)
def fresh_sink(sink, mail_node):
    sink.received.clear()
    if sink.controller is None:
        sink.start()


async def outbox_rows(database_url, **where) -> list[MailOutbox]:
    engine = create_async_engine(database_url, poolclass=NullPool)
    try:
        async with session_factory(engine)() as db:
            query = select(MailOutbox).order_by(MailOutbox.id)
            for key, value in where.items():
                query = query.where(getattr(MailOutbox, key) == value)
            return list((await db.scalars(query)).all())
    finally:
        await engine.dispose()


async def test_an_invitation_arrives_and_its_link_accepts(world, sink, clients):
    answer = expect(
        await world.admin.post(
            "/api/invitations", json={"email": "New.Person@Ghent.test", "space_id": world.space_a["id"]}
        ),
        201,
    )
    assert answer["link"].startswith("/invitations/")  # still shown to the inviter
    (mail,) = await sink.wait_for("new.person@ghent.test")
    assert mail["Message-ID"].endswith("@localhost>")
    assert "Antwerp – Da Nang" in mail["Subject"] and "Ada Admin" in mail["Subject"]
    text, html = parts(mail)
    assert "Antwerp, Da Nang" in text and "Antwerp – Da Nang" in html
    path = link_path(mail, "/invitations/")
    newcomer = clients()
    response = await newcomer.post(f"/api{path}/accept", json={"name": "Nieuw Persoon", "password": PASSWORD})
    assert expect(response, 200)["user"]["email"] == "new.person@ghent.test"


async def test_password_reset_from_the_mail_ends_every_session_and_token(world, sink, clients):
    anonymous = clients()
    assert expect(await anonymous.post("/api/password-reset", json={"email": "member@danang.test"}), 202)
    assert expect(await anonymous.post("/api/password-reset", json={"email": "nobody@nowhere.test"}), 202) == {
        "status": "accepted"
    }
    (mail,) = await sink.wait_for("member@danang.test", about="password")
    path = link_path(mail, "/reset/")
    token = path.removeprefix("/reset/")
    expect(await anonymous.post(f"/api/password-reset/{token}", json={"password": "short"}), 422)
    expect(await anonymous.post(f"/api/password-reset/{token}", json={"password": "a brand new secret"}), 204)
    # single use
    again = await anonymous.post(f"/api/password-reset/{token}", json={"password": "another new secret"})
    assert expect(again, 404)["error"]["code"] == "reset_invalid"
    # the old session and the API token no longer work; the new password does
    expect(await world.member.get("/api/me"), 401)
    expect(await world.bearer.get("/api/me"), 401)
    assert (await clients().sign_in("member@danang.test", PASSWORD)).status_code == 401
    expect(await clients().sign_in("member@danang.test", "a brand new secret"), 200)
    await asyncio.sleep(0.5)
    assert sink.to("nobody@nowhere.test") == []


async def test_password_reset_requests_are_rate_limited(world, clients):
    anonymous = clients()
    await inside_one_rate_window()
    statuses = [
        (await anonymous.post("/api/password-reset", json={"email": "mod@antwerpen.test"})).status_code
        for _ in range(7)
    ]
    assert statuses[:5] == [202] * 5 and statuses[-1] == 429
    bad = await anonymous.post("/api/password-reset", json={"email": "not an address"})
    assert "email" in expect(bad, 422)["error"]["fields"]


async def _thread(client: Client, space_id: int, title: str, body: str) -> dict:
    return expect(
        await client.post(f"/api/spaces/{space_id}/threads", json={"title": title, "themes": [], "body": body}), 201
    )


async def test_replies_and_mentions_are_mailed_with_one_click_unsubscribe(world, sink, clients):
    thread = await _thread(world.moderator, world.space_a["id"], "Housing first <b>pilots</b>", "Who runs one?")
    body = {"body": "We do, see <script>alert(1)</script> and **this**", "client_id": "reply-1"}
    expect(await world.member.post(f"/api/threads/{thread['id']}/messages", json=body), 201)
    (mail,) = await sink.wait_for("mod@antwerpen.test", about="replied")
    assert mail["Subject"] == "Nguyen Member replied in “Housing first <b>pilots</b>”"
    text, html = parts(mail)
    assert "<script>" not in html and "<b>pilots</b>" not in html and "&lt;b&gt;pilots&lt;/b&gt;" in html
    assert "<strong>this</strong>" in html  # the message's sanitised markdown
    assert f"/threads/{thread['id']}" in text
    assert mail["List-Unsubscribe-Post"] == "List-Unsubscribe=One-Click"
    unsubscribe = mail["List-Unsubscribe"].strip("<>")
    path = unsubscribe.split("://", 1)[1].split("/", 1)[1]
    expect(await clients().post(f"/{path}", content=b"List-Unsubscribe=One-Click"), 200)
    prefs = expect(await world.moderator.get("/api/me/notifications"), 200)
    assert {"space_id": world.space_a["id"], "name": world.space_a["name"], "level": "none"} in prefs["spaces"]

    # a mention reaches the mentioned; the unsubscribed moderator gets nothing more
    handle = world.admin.user["handle"] if "handle" in world.admin.user else "ada.admin"
    mention = {"body": f"@{handle} can you confirm?", "client_id": "reply-2"}
    expect(await world.member.post(f"/api/threads/{thread['id']}/messages", json=mention), 201)
    (mentioned,) = await sink.wait_for("admin@citybridge.test", about="mentioned")
    assert mentioned["Subject"].startswith("Nguyen Member mentioned you")
    await asyncio.sleep(1)
    assert len(sink.to("mod@antwerpen.test", "replied")) == 1


async def test_everyone_who_posted_in_a_thread_hears_of_a_reply_but_not_of_their_own(world, sink):
    thread = await _thread(world.moderator, world.space_a["id"], "Language cafés", "Who hosts them?")
    first = {"body": "Our libraries do.", "client_id": "participants-1"}
    expect(await world.member.post(f"/api/threads/{thread['id']}/messages", json=first), 201)
    await sink.wait_for("mod@antwerpen.test", about="Language cafés")
    # Two replies at once (the notifier reads them in one batch): the earlier poster and the
    # thread's author hear of the admin's; the admin, who is neither, hears of the moderator's.
    expect(await world.admin.post(f"/api/threads/{thread['id']}/messages", json={"body": "So do we."}), 201)
    expect(await world.moderator.post(f"/api/threads/{thread['id']}/messages", json={"body": "Thanks!"}), 201)
    await sink.wait_for("member@danang.test", count=2, about="Language cafés")
    await sink.wait_for("admin@citybridge.test", about="Language cafés")
    await sink.wait_for("mod@antwerpen.test", count=2, about="Language cafés")
    await asyncio.sleep(1)
    assert len(sink.to("admin@citybridge.test", "Language cafés")) == 1  # not of their own post
    assert len(sink.to("mod@antwerpen.test", "Language cafés")) == 2  # the member's and the admin's


async def test_preferences_are_validated(world):
    bad = await world.member.patch("/api/me/notifications", json={"digest": "hourly"})
    assert "digest" in expect(bad, 422)["error"]["fields"]
    other = await world.member.patch(
        "/api/me/notifications", json={"spaces": [{"space_id": world.space_b["id"], "level": "none"}]}
    )
    assert "spaces" in expect(other, 422)["error"]["fields"]
    ok = await world.member.patch("/api/me/notifications", json={"default_level": "mentions", "digest": "weekly"})
    assert expect(ok, 200)["digest"] == "weekly"
    expect(await world.anonymous.post("/api/unsubscribe/1.0.forged"), 404)


async def test_relay_outage_delays_mail_and_a_message_hidden_meanwhile_is_not_sent(world, sink, database_url):
    thread = await _thread(world.member, world.space_a["id"], "Language cafés", "Anyone?")
    sink.stop()
    for n in range(3):
        body = {"body": f"Reply {n}", "client_id": f"outage-{n}"}
        expect(await world.moderator.post(f"/api/threads/{thread['id']}/messages", json=body), 201)
    deadline = time.monotonic() + 10
    while len(await outbox_rows(database_url, to_address="member@danang.test", kind="reply")) < 3:
        assert time.monotonic() < deadline
        await asyncio.sleep(0.1)
    rows = await outbox_rows(database_url, to_address="member@danang.test", kind="reply")
    hidden_id = rows[0].refs["message_ids"][0]
    expect(await world.moderator.post(f"/api/messages/{hidden_id}/hide", json={"reason": "off topic"}), 200)
    ready = expect(await world.anonymous.get("/readyz"), 200)
    assert ready["details"]["mail"]["queued"] >= 1
    sink.start()
    mails = await sink.wait_for("member@danang.test", 2, about="replied", timeout=30)
    await asyncio.sleep(1)
    assert len(sink.to("member@danang.test", "replied")) == 2
    assert len({m["Message-ID"] for m in mails}) == 2
    texts = [parts(m)[0] for m in mails]
    assert not any("Reply 0" in t for t in texts)
    states = {r.id: r.state for r in await outbox_rows(database_url, to_address="member@danang.test", kind="reply")}
    assert states[rows[0].id] == "cancelled"


async def test_without_a_relay_mails_wait_as_eml_files(settings, database_url, world, sink, tmp_path):
    sink.stop()  # the relay node cannot take the mail away before the file-writing sender sees it
    expect(
        await world.admin.post("/api/invitations", json={"email": "files@ghent.test", "space_id": world.space_a["id"]}),
        201,
    )
    engine = create_async_engine(database_url, poolclass=NullPool)
    try:
        sender = Sender(session_factory(engine), replace(settings, data_dir=tmp_path, smtp_url=None), database_url)
        await sender.round()
    finally:
        await engine.dispose()
    (row,) = await outbox_rows(database_url, to_address="files@ghent.test")
    written = (tmp_path / "mail" / "outbox" / f"{row.id}.eml").read_text()
    assert row.message_id in written and "files@ghent.test" in written
    assert row.state == "queued"  # kept for a relay configured later


async def test_metrics_show_the_outbox(world, sink):
    await sink.wait_for("member@danang.test")  # the world's invitations went out
    body = (await world.anonymous.get("/metrics")).text
    assert "citybridge_mail_queued" in body and "citybridge_mail_oldest_queued_seconds" in body


def test_templates_escape_and_refuse_header_injection(settings):
    from types import SimpleNamespace

    from server.mail import compose, outbox

    rendered = compose.invitation(
        settings,
        locale="fr",
        inviter="Eve <img src=x onerror=alert(1)>\r\nBcc: victim@example.test",
        space="Lyon & Porto",
        cities=["Lyon", "Porto"],
        role="member",
        token="tok",
        expires="2030-01-01",
    )
    assert rendered.subject.startswith("Eve") and "\n" not in rendered.subject and "\r" not in rendered.subject
    assert "vous invite" in rendered.subject  # French
    assert "<img" not in rendered.html and "&lt;img" in rendered.html and "Lyon &amp; Porto" in rendered.html
    row = SimpleNamespace(
        to_address="a@b.test",
        subject=rendered.subject,
        message_id="<x@localhost>",
        created_at=datetime.datetime.now(datetime.UTC),
        headers={"X-Test": "one\r\nBcc: victim@example.test"},
        text_body=rendered.text,
        html_body=rendered.html,
        refs={},
    )
    message = email.message_from_bytes(outbox.build(row, settings).data, policy=email.policy.default)
    assert message["Bcc"] is None and message["X-Test"] == "one Bcc: victim@example.test"
    assert message["Subject"] == rendered.subject and "\n" not in message["Subject"]
    assert not outbox.valid_address("a@b.test\r\nBcc: c@d.test") and outbox.valid_address("a@b.test")


async def test_admins_see_the_backlog_and_the_relay_error_until_the_relay_returns(world, sink, mail_node):
    assert expect(await world.admin.get("/api/admin/mail"), 200)["configured"] is False  # the session's server
    admin = Client(mail_node.base_url)
    expect(await admin.sign_in("admin@citybridge.test", PASSWORD), 200)
    try:
        sink.stop()
        body = {"email": "stuck@ghent.test", "space_id": world.space_a["id"]}
        expect(await world.admin.post("/api/invitations", json=body), 201)
        deadline = time.monotonic() + 15
        while not (state := expect(await admin.get("/api/admin/mail"), 200))["last_error"]:
            assert time.monotonic() < deadline, state
            await asyncio.sleep(0.2)
        assert state["configured"] is True and state["queued"] >= 1
        (stuck,) = [m for m in state["mails"] if m["to"] == "stuck@ghent.test"]
        assert stuck["state"] == "queued" and any("/invitations/" in link for link in stuck["links"])
        metrics = (await admin.get("/metrics")).text
        assert "citybridge_mail_relay_errors_total" in metrics
        # A reset link is never shown to an admin: it would open someone else's account.
        expect(await world.anonymous.post("/api/password-reset", json={"email": "member@danang.test"}), 202)
        deadline = time.monotonic() + 10
        while not any(m["kind"] == "password_reset" for m in (await admin.get("/api/admin/mail")).json()["mails"]):
            assert time.monotonic() < deadline
            await asyncio.sleep(0.2)
        mails = expect(await admin.get("/api/admin/mail"), 200)["mails"]
        assert all(m["links"] == [] for m in mails if m["kind"] == "password_reset")
        sink.start()
        await sink.wait_for("stuck@ghent.test", timeout=30)
        deadline = time.monotonic() + 15
        while (state := expect(await admin.get("/api/admin/mail"), 200))["queued"]:
            assert time.monotonic() < deadline, state
            await asyncio.sleep(0.2)
        assert state["last_error"] is None and state["mails"] == []
    finally:
        await admin.close()
