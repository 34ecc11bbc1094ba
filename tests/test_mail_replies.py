"""Reply by email against real parts: a notification arrives at an aiosmtpd relay, the test answers
its Reply-To with aiosmtplib at the node's inbound listener, and the reply appears over a real
websocket; refusals are SMTP 5xx answers with a reason, and nothing is posted."""

from __future__ import annotations

from dataclasses import replace
from email.message import EmailMessage

import aiosmtplib
import pytest

from server.mail import replies
from tests.harness import ServerThread, expect, free_port
from tests.mail_helpers import SmtpSink
from tests.realtime_helpers import Live


@pytest.fixture(scope="module")
def sink():
    sink = SmtpSink().start()
    yield sink
    sink.stop()


@pytest.fixture(scope="module")
def reply_node(settings, database_url, sink):
    """A node that sends to the sink and listens for replies on its own port."""
    node = ServerThread(
        replace(settings, smtp_url=sink.url, mail_inbound_port=free_port(), mail_inbound_max_bytes=64 * 1024),
        database_url,
    )
    node.start()
    yield node
    node.stop()


@pytest.fixture(autouse=True)
def fresh_sink(sink, reply_node):
    sink.received.clear()


def reply_mail(to: str, sender: str, text: str, message_id: str) -> EmailMessage:
    mail = EmailMessage()
    mail["From"] = sender
    mail["To"] = to
    mail["Subject"] = "Re: your thread"
    mail["Message-ID"] = message_id
    mail.set_content(text)
    return mail


async def send(node: ServerThread, mail: EmailMessage, recipient: str | None = None):
    port = node.app.state.settings.mail_inbound_port
    return await aiosmtplib.send(mail, hostname="127.0.0.1", port=port, recipients=[recipient or mail["To"]])


async def refused(node, mail: EmailMessage, recipient: str | None = None) -> aiosmtplib.SMTPResponseException:
    with pytest.raises(
        (aiosmtplib.SMTPRecipientsRefused, aiosmtplib.SMTPDataError, aiosmtplib.SMTPResponseException)
    ) as caught:
        await send(node, mail, recipient)
    error = caught.value
    if isinstance(error, aiosmtplib.SMTPRecipientsRefused):
        error = error.recipients[0]
    return error


QUOTED = """We run one in Da Nang since March, happy to share.

Best,
Nguyen
--
Nguyen Member, City of Da Nang

On Mon, 3 Jun 2024 at 10:00, Citybridge <citybridge@localhost> wrote:
> Mieke Moderator wrote in "Housing first":
> Who runs one?
"""


async def test_a_reply_by_email_is_posted_once_and_appears_over_the_websocket(world, sink, reply_node):
    space = world.space_a["id"]
    thread = expect(
        await world.moderator.post(f"/api/spaces/{space}/threads", json={"title": "Housing first", "body": "Who?"}),
        201,
    )
    live = await Live.open(reply_node.base_url, world.moderator)
    try:
        await live.subscribe(space)
        mention = {"body": f"@{world.member.user['handle']} do you run one?", "client_id": "ask-1"}
        expect(await world.moderator.post(f"/api/threads/{thread['id']}/messages", json=mention), 201)
        (mail,) = await sink.wait_for("member@danang.test", about="mentioned")
        reply_to = mail["Reply-To"]
        assert reply_to.startswith("reply+") and reply_to.endswith("@localhost")

        answer = reply_mail(reply_to, "Nguyen Member <Member@DaNang.test>", QUOTED, "<r1@danang.test>")
        _, answer_text = await send(reply_node, answer)
        assert "posted" in answer_text
        frame = await live.until(
            lambda f: f.get("kind") == "message.created" and f["data"]["author"]["id"] == world.member.user["id"]
        )
        assert frame["data"]["body"] == "We run one in Da Nang since March, happy to share."
        assert frame["data"]["thread_id"] == thread["id"]

        await send(reply_node, answer)  # the relay delivers the same mail again: posted once
        listed = expect(await world.member.get(f"/api/threads/{thread['id']}/messages"), 200)["items"]
        assert [m["body"] for m in listed].count(frame["data"]["body"]) == 1
    finally:
        await live.close()


async def test_bad_addresses_strangers_lost_access_and_oversized_mails_are_refused(world, reply_node, settings):
    space = world.space_a["id"]
    thread = expect(
        await world.moderator.post(f"/api/spaces/{space}/threads", json={"title": "Refusals", "body": "Go"}), 201
    )
    secret, member_id = settings.secret_key, world.member.user["id"]
    good = replies.address(settings, member_id, thread["id"])
    forged = good.replace("reply+", "reply+9", 1)
    expired = f"reply+{replies.token(secret, member_id, thread['id'], -1)}@localhost"
    sender = "member@danang.test"

    error = await refused(reply_node, reply_mail(forged, sender, "hi", "<f@x>"))
    assert error.code == 550 and "not valid" in error.message
    error = await refused(reply_node, reply_mail(expired, sender, "hi", "<e@x>"))
    assert error.code == 550 and "expired" in error.message
    error = await refused(reply_node, reply_mail(good, "eve@evil.test", "hi", "<s@x>"))
    assert error.code == 550 and "must come from" in error.message
    error = await refused(reply_node, reply_mail(good, sender, "x" * 70_000, "<big@x>"))
    assert error.code == 552
    error = await refused(reply_node, reply_mail(good, sender, "\n> only a quote\n", "<q@x>"))
    assert error.code == 550 and "empty" in error.message

    expect(await world.admin.delete(f"/api/spaces/{space}/members/{member_id}"), 204)
    error = await refused(reply_node, reply_mail(good, sender, "Still here?", "<lost@x>"))
    assert error.code == 550 and "no longer" in error.message
    listed = expect(await world.moderator.get(f"/api/threads/{thread['id']}/messages"), 200)["items"]
    assert [m["body"] for m in listed] == ["Go"]


async def test_replies_by_email_count_against_the_posting_limit(world, settings, database_url):
    space = world.space_a["id"]
    thread = expect(
        await world.moderator.post(f"/api/spaces/{space}/threads", json={"title": "Busy", "body": "Go"}), 201
    )
    node = ServerThread(
        replace(settings, mail_inbound_port=free_port(), rate_limits={**settings.rate_limits, "post": 2}),
        database_url,
    ).start()
    try:
        good = replies.address(settings, world.member.user["id"], thread["id"])
        for n in range(2):
            await send(node, reply_mail(good, "member@danang.test", f"Reply {n}", f"<n{n}@x>"))
        error = await refused(node, reply_mail(good, "member@danang.test", "One too many", "<n3@x>"))
        assert error.code == 450 and "Too many" in error.message
    finally:
        node.stop()
    listed = expect(await world.moderator.get(f"/api/threads/{thread['id']}/messages"), 200)["items"]
    assert [m["body"] for m in listed] == ["Go", "Reply 0", "Reply 1"]
