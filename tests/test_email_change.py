"""Changing one's email: confirmed by a link mailed to the new address, announced at the old one.
Against a real aiosmtpd relay; the links are followed against the real server."""

from __future__ import annotations

import asyncio
from dataclasses import replace

import pytest
from sqlalchemy import update
from sqlalchemy.ext.asyncio import create_async_engine
from sqlalchemy.pool import NullPool

from server.db.engine import session_factory
from server.db.models import EmailChange
from server.services.accounts import now
from tests.conftest import PASSWORD
from tests.harness import ServerThread, expect, inside_one_rate_window
from tests.mail_helpers import SmtpSink, link_path, parts


@pytest.fixture(scope="module")
def sink():
    sink = SmtpSink().start()
    yield sink
    sink.stop()


@pytest.fixture(scope="module")
def mail_node(settings, database_url, sink):
    node = ServerThread(replace(settings, smtp_url=sink.url, mail_retry_base_seconds=0.2), database_url)
    node.app.state.settings = replace(node.app.state.settings, public_origin=node.base_url)
    node.start()
    yield node
    node.stop()


@pytest.fixture(autouse=True)
def fresh_sink(sink, mail_node):
    sink.received.clear()


CODED = {"Prefer": "errors=coded"}  # field problems as {"code", "message"}, as the browser asks


async def _ask(client, new_email: str, password: str = PASSWORD):
    body = {"new_email": new_email, "password": password}
    return await client.post("/api/me/email", json=body, headers=CODED)


async def _token(sink, address: str) -> str:
    (mail,) = await sink.wait_for(address, about="Confirm")
    return link_path(mail, "/email-change/").removeprefix("/email-change/")


async def test_the_change_happens_only_from_the_link_at_the_new_address(world, sink, clients):
    assert expect(await _ask(world.member, "Nguyen.New@Danang.test"), 202) == {"status": "sent"}
    token = await _token(sink, "nguyen.new@danang.test")
    # The old address is told, masked, with no link at all in either part.
    (notice,) = await sink.wait_for("member@danang.test", about="being changed")
    text, html = parts(notice)
    assert "n•••@danang.test" in text and "nguyen.new" not in text + html
    assert "http" not in text and "<a " not in html
    # Nothing changed yet: the old address still signs in.
    assert expect(await world.member.get("/api/me"), 200)["email"] == "member@danang.test"

    answer = expect(await clients().post(f"/api/email-change/{token}"), 200)
    assert answer == {"email": "nguyen.new@danang.test"}
    # Sessions and API tokens keep working: the password and the person are the same.
    assert expect(await world.member.get("/api/me"), 200)["email"] == "nguyen.new@danang.test"
    expect(await world.bearer.get("/api/me"), 200)
    assert (await clients().sign_in("member@danang.test", PASSWORD)).status_code == 401
    expect(await clients().sign_in("nguyen.new@danang.test", PASSWORD), 200)
    # Single use.
    again = await clients().post(f"/api/email-change/{token}")
    assert expect(again, 404)["error"]["code"] == "email_change_invalid"


async def test_an_expired_link_and_a_superseded_one_are_refused(world, sink, clients, database_url):
    expect(await _ask(world.member, "first@danang.test"), 202)
    first = await _token(sink, "first@danang.test")
    expect(await _ask(world.member, "second@danang.test"), 202)
    second = await _token(sink, "second@danang.test")
    engine = create_async_engine(database_url, poolclass=NullPool)
    try:
        async with session_factory(engine)() as db:
            await db.execute(update(EmailChange).values(expires_at=now()))
            await db.commit()
    finally:
        await engine.dispose()
    for token in (first, second, "not-a-token"):
        assert expect(await clients().post(f"/api/email-change/{token}"), 404)["error"]["code"] == (
            "email_change_invalid"
        )
    assert expect(await world.member.get("/api/me"), 200)["email"] == "member@danang.test"
    # Using one link ends the other pending ones.
    expect(await _ask(world.member, "third@danang.test"), 202)
    third = await _token(sink, "third@danang.test")
    expect(await _ask(world.member, "fourth@danang.test"), 202)
    fourth = await _token(sink, "fourth@danang.test")
    expect(await clients().post(f"/api/email-change/{fourth}"), 200)
    expect(await clients().post(f"/api/email-change/{third}"), 404)
    assert expect(await world.member.get("/api/me"), 200)["email"] == "fourth@danang.test"


async def test_refusals_wrong_password_duplicate_bad_address_and_no_session(world, sink, clients):
    wrong = await _ask(world.member, "fresh@danang.test", "not my password")
    assert expect(wrong, 422)["error"]["fields"]["password"]["code"] == "wrong_password"
    taken = expect(await _ask(world.member, "OTHER@toronto.test"), 409)["error"]
    assert taken["code"] == "email_taken" and taken["fields"]["new_email"]["code"] == "duplicate"
    expect(await _ask(world.member, "member@danang.test"), 409)
    bad = expect(await _ask(world.member, "not an address\r\nBcc: x@y.test"), 422)["error"]["fields"]
    assert bad["new_email"]["code"] == "invalid_email"
    expect(await _ask(world.anonymous, "fresh@danang.test"), 401)
    await asyncio.sleep(1)
    assert sink.to("fresh@danang.test") == [] and sink.to("other@toronto.test", "Confirm") == []


async def test_an_address_registered_meanwhile_is_refused_at_the_link(world, sink, clients):
    expect(await _ask(world.member, "contested@example.test"), 202)
    token = await _token(sink, "contested@example.test")
    expect(await _ask(world.other, "contested@example.test"), 202)
    mails = await sink.wait_for("contested@example.test", count=2, about="Confirm")
    other_token = link_path(mails[1], "/email-change/").removeprefix("/email-change/")
    expect(await clients().post(f"/api/email-change/{other_token}"), 200)
    refused = expect(await clients().post(f"/api/email-change/{token}"), 409)["error"]
    assert refused["code"] == "email_taken"
    assert expect(await world.member.get("/api/me"), 200)["email"] == "member@danang.test"


async def test_email_change_requests_are_rate_limited(world):
    await inside_one_rate_window()
    statuses = [(await _ask(world.member, f"flood{i}@danang.test")).status_code for i in range(7)]
    assert statuses[:5] == [202] * 5 and statuses[-1] == 429
    # Also per target address, across accounts: nobody can flood one mailbox.
    await inside_one_rate_window()
    clients_ = [world.moderator, world.other, world.outsider, world.admin]
    statuses = [(await _ask(c, "victim@example.test")).status_code for c in clients_]
    assert statuses[:3] == [202] * 3 and statuses[-1] == 429
