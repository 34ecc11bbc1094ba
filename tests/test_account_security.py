"""A person's password and signed-in devices, and admins deactivating people: against the real server,
with the realtime kick checked on a second node."""

from __future__ import annotations

import pytest
from sqlalchemy import select

from server.db.models import ApiToken, AuditEntry
from tests.conftest import PASSWORD
from tests.harness import expect
from tests.realtime_helpers import Live, Node

NEW_PASSWORD = "violet lantern migrates upstream"


@pytest.fixture(scope="module")
def second_node(database_url, data_dir, server):
    node = Node(database_url, data_dir)
    try:
        node.wait_ready()
        yield node
    finally:
        node.stop()


async def test_password_change_needs_the_current_one_and_a_strong_new_one(world, clients):
    member = world.member
    wrong = await member.post(
        "/api/me/password", json={"current_password": "not it at all", "new_password": NEW_PASSWORD}
    )
    assert expect(wrong, 422)["error"]["fields"] == {"current_password": "wrong password"}
    weak = await member.post("/api/me/password", json={"current_password": PASSWORD, "new_password": "password1"})
    error = expect(weak, 422)["error"]
    assert error["code"] == "weak_password" and "new_password" in error["fields"]
    missing = await member.post("/api/me/password", json={"new_password": NEW_PASSWORD})
    assert "current_password" in expect(missing, 422)["error"]["fields"]
    done = await member.post("/api/me/password", json={"current_password": PASSWORD, "new_password": NEW_PASSWORD})
    assert expect(done, 200) == {"signed_out": 0}
    again = clients()
    expect(await again.sign_in("member@danang.test", PASSWORD), 401)
    expect(await again.sign_in("member@danang.test", NEW_PASSWORD), 200)
    expect(await member.get("/api/me"), 200)  # without sign_out_others, the other sessions stay


async def test_password_change_can_sign_out_every_other_session_token_and_socket(world, clients, server, db):
    laptop = clients()
    expect(await laptop.sign_in("member@danang.test", PASSWORD), 200)
    sockets = [await Live.open(server.base_url, laptop), await Live.open(server.base_url, world.bearer, origin=None)]
    for live in sockets:
        await live.of_type("hello")
    mine = await Live.open(server.base_url, world.member)
    await mine.of_type("hello")
    body = {"current_password": PASSWORD, "new_password": NEW_PASSWORD, "sign_out_others": True}
    assert expect(await world.member.post("/api/me/password", json=body), 200)["signed_out"] == 2  # laptop, token
    for live in sockets:
        assert await live.closed() == 4401
    expect(await laptop.get("/api/me"), 401)
    expect(await world.bearer.get("/api/me"), 401)
    expect(await world.member.get("/api/me"), 200)  # the session that asked stays
    await mine.send({"type": "ping"})
    assert (await mine.of_type("pong"))["type"] == "pong"
    await mine.close()
    assert await db.scalar(select(ApiToken.revoked_at).where(ApiToken.user_id == world.member.user["id"]))


async def test_sessions_list_marks_the_current_one_and_ends_another(world, clients, server):
    phone = clients()
    phone.http.headers["User-Agent"] = (
        "Mozilla/5.0 (Linux; Android 14; Pixel 8) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/125.0 Mobile Safari/537"
    )
    expect(await phone.sign_in("member@danang.test", PASSWORD), 200)
    live = await Live.open(server.base_url, phone)
    await live.of_type("hello")
    items = expect(await world.member.get("/api/me/sessions"), 200)["items"]
    assert len(items) == 2 and [s["current"] for s in items].count(True) == 1
    other = next(s for s in items if not s["current"])
    assert other["browser"] == "Chrome on Android" and other["address"] == "127.0.0.1"
    assert other["created_at"] and other["last_used_at"]
    seen_by_phone = expect(await phone.get("/api/me/sessions"), 200)["items"]
    assert next(s for s in seen_by_phone if s["current"])["id"] == other["id"]
    # someone else's session is not there to end
    expect(await world.other.delete(f"/api/me/sessions/{other['id']}"), 404)
    expect(await world.member.delete(f"/api/me/sessions/{other['id']}"), 204)
    assert await live.closed() == 4401
    expect(await phone.get("/api/me"), 401)
    expect(await world.member.delete(f"/api/me/sessions/{other['id']}"), 404)
    assert len(expect(await world.member.get("/api/me/sessions"), 200)["items"]) == 1


async def test_deactivation_ends_everything_on_every_node_and_reactivation_lets_them_back(
    world, clients, server, second_node, db
):
    member_id = world.member.user["id"]
    expect(await world.moderator.post(f"/api/users/{member_id}/deactivate", json={}), 403)
    sockets = [
        await Live.open(second_node.base_url, world.member, origin=second_node.base_url),
        await Live.open(second_node.base_url, world.bearer, origin=None),
    ]
    for live in sockets:
        await live.of_type("hello")
    answer = await world.admin.post(f"/api/users/{member_id}/deactivate", json={"reason": "left the city"})
    assert expect(answer, 200) == {"id": member_id, "deactivated": True}
    for live in sockets:  # the deactivation went through the session's server; the sockets live on node two
        assert await live.closed() == 4401
    expect(await world.member.get("/api/me"), 401)
    expect(await world.bearer.get("/api/me"), 401)
    expect(await clients().sign_in("member@danang.test", PASSWORD), 401)
    assert expect(await world.admin.post(f"/api/users/{member_id}/deactivate", json={}), 409)["error"]["code"] == (
        "already_deactivated"
    )
    expect(await world.admin.post(f"/api/users/{world.admin.user['id']}/deactivate", json={}), 409)
    expect(await world.admin.post("/api/users/999999/deactivate", json={}), 404)
    expect(await world.admin.post(f"/api/users/{member_id}/reactivate", json={}), 200)
    back = clients()
    expect(await back.sign_in("member@danang.test", PASSWORD), 200)
    expect(await world.bearer.get("/api/me"), 401)  # the old token stays revoked
    actions = (await db.scalars(select(AuditEntry.action).where(AuditEntry.target_id == member_id))).all()
    assert sorted(actions) == ["user.deactivate", "user.reactivate"]
