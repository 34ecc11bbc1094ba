"""Moderation through the API: hiding, flags and their queue, membership decisions, the audit log."""

from __future__ import annotations

import pytest
from sqlalchemy import select, text
from sqlalchemy.exc import DBAPIError

from server.db.models import Event
from tests.conftest import invite_user
from tests.harness import expect
from tests.library_helpers import upload


async def _thread(world):
    thread = expect(
        await world.member.post(
            f"/api/spaces/{world.space_a['id']}/threads", json={"title": "Rents", "body": "Landlords refuse newcomers"}
        ),
        201,
    )
    return thread, thread["first_message"]


async def _events(db, kind):
    return [e.data for e in (await db.scalars(select(Event).where(Event.kind == kind).order_by(Event.id))).all()]


async def test_hidden_messages_stay_visible_to_moderators_and_their_author(world, db, clients):
    thread, message = await _thread(world)
    a = world.space_a["id"]
    reader = await invite_user(world.admin, clients, a, "reader@danang.test", "Reader")
    path = f"/api/messages/{message['id']}"
    expect(await world.member.post(f"{path}/hide", json={"reason": "x"}), 403)
    expect(await world.other.post(f"{path}/hide", json={"reason": "x"}), 404)
    expect(await world.moderator.post(f"{path}/hide", json={"reason": ""}), 422)
    hidden = expect(await world.moderator.post(f"{path}/hide", json={"reason": "Names a tenant"}), 200)
    assert hidden["hidden"] and hidden["hidden_reason"] == "Names a tenant" and hidden["body"]

    def listed(client):
        return client.get(f"/api/threads/{thread['id']}/messages")

    seen = expect(await listed(reader), 200)["items"][0]
    assert seen["hidden"] and seen["body"] == "" and seen["html"] == "" and seen["hidden_reason"] is None
    assert expect(await listed(world.member), 200)["items"][0]["body"] == "Landlords refuse newcomers"
    assert expect(await listed(world.moderator), 200)["items"][0]["hidden_reason"] == "Names a tenant"
    [event] = await _events(db, "message.hidden")
    assert event["id"] == message["id"] and event["hidden"] and event["body"] == "" and event["hidden_reason"] is None

    expect(await world.member.post(f"{path}/unhide"), 403)
    shown = expect(await world.moderator.post(f"{path}/unhide"), 200)
    assert not shown["hidden"]
    assert expect(await listed(reader), 200)["items"][0]["body"] == "Landlords refuse newcomers"
    [event] = await _events(db, "message.unhidden")
    assert event["body"] == "Landlords refuse newcomers" and not event["hidden"]

    expect(await world.moderator.delete(path), 204)
    actions = [e["action"] for e in expect(await world.moderator.get(f"/api/spaces/{a}/audit"), 200)["items"]]
    assert actions == ["message.deleted", "message.unhidden", "message.hidden"]


async def test_flags_form_a_queue_that_moderators_resolve(world, db):
    a = world.space_a["id"]
    thread, message = await _thread(world)
    resource = expect(await upload(world.member, a, "note.txt", b"spam spam"), 201)

    flag = expect(
        await world.moderator.post(f"/api/messages/{message['id']}/flags", json={"reason": "Personal data"}), 201
    )
    assert flag["state"] == "open" and flag["target"] == {
        "kind": "message",
        "id": message["id"],
        "exists": True,
        "thread_id": thread["id"],
        "excerpt": "Landlords refuse newcomers",
    }
    expect(await world.moderator.post(f"/api/messages/{message['id']}/flags", json={"reason": "Again"}), 409)
    expect(await world.member.post(f"/api/messages/{message['id']}/flags", json={"reason": "Mine"}), 422)
    expect(await world.other.post(f"/api/messages/{message['id']}/flags", json={"reason": "x"}), 404)
    expect(await world.moderator.post(f"/api/messages/{message['id']}/flags", json={}), 422)
    on_resource = expect(await world.admin.post(f"/api/resources/{resource['id']}/flags", json={"reason": "Spam"}), 201)

    expect(await world.member.get(f"/api/spaces/{a}/flags"), 403)
    expect(await world.other.get(f"/api/spaces/{a}/flags"), 404)
    queue = expect(await world.moderator.get(f"/api/spaces/{a}/flags"), 200)
    assert [f["id"] for f in queue["items"]] == [flag["id"], on_resource["id"]]
    assert queue["items"][0]["reporter"]["id"] == world.moderator.user["id"]
    page = expect(await world.moderator.get(f"/api/spaces/{a}/flags", params={"limit": 1}), 200)
    rest = expect(
        await world.moderator.get(f"/api/spaces/{a}/flags", params={"limit": 1, "cursor": page["next_cursor"]}), 200
    )
    assert [f["id"] for f in page["items"] + rest["items"]] == [flag["id"], on_resource["id"]]

    expect(await world.member.post(f"/api/flags/{flag['id']}/resolve", json={"action": "hide", "note": "x"}), 403)
    expect(await world.other.post(f"/api/flags/{flag['id']}/resolve", json={"action": "hide", "note": "x"}), 404)
    expect(await world.moderator.post(f"/api/flags/{flag['id']}/resolve", json={"action": "ban", "note": "x"}), 422)
    expect(await world.moderator.post(f"/api/flags/{flag['id']}/resolve", json={"action": "hide"}), 422)
    resolved = expect(
        await world.moderator.post(
            f"/api/flags/{flag['id']}/resolve", json={"action": "hide", "note": "Removed the name"}
        ),
        200,
    )
    assert resolved["state"] == "hidden" and resolved["resolution_note"] == "Removed the name"
    assert resolved["resolved_by"]["id"] == world.moderator.user["id"]
    assert expect(await world.moderator.get(f"/api/messages/{message['id']}/history"), 200) is not None
    listed = expect(await world.admin.get(f"/api/threads/{thread['id']}/messages"), 200)["items"][0]
    assert listed["hidden"] and listed["hidden_reason"] == "Removed the name"
    expect(await world.moderator.post(f"/api/flags/{flag['id']}/resolve", json={"action": "dismiss", "note": "x"}), 409)

    deleted = expect(
        await world.moderator.post(
            f"/api/flags/{on_resource['id']}/resolve", json={"action": "delete", "note": "Spam"}
        ),
        200,
    )
    assert deleted["state"] == "deleted" and deleted["target"]["exists"] is False
    expect(await world.member.get(f"/api/resources/{resource['id']}"), 404)
    assert expect(await world.moderator.get(f"/api/spaces/{a}/flags"), 200)["items"] == []
    closed = expect(await world.moderator.get(f"/api/spaces/{a}/flags", params={"state": "resolved"}), 200)
    assert {f["state"] for f in closed["items"]} == {"hidden", "deleted"}

    created, resolved_events = await _events(db, "flag.created"), await _events(db, "flag.resolved")
    assert created[0] == {
        "id": flag["id"],
        "space_id": a,
        "target": {"kind": "message", "id": message["id"]},
        "state": "open",
    }
    assert {(e["id"], e["state"], e["action"]) for e in resolved_events} == {
        (flag["id"], "hidden", "hide"),
        (on_resource["id"], "deleted", "delete"),
    }
    actions = [e["action"] for e in expect(await world.moderator.get(f"/api/spaces/{a}/audit"), 200)["items"]]
    assert actions == ["flag.resolved", "resource.deleted", "flag.resolved", "message.hidden"]


async def test_dismissing_and_hiding_resources(world, db):
    a = world.space_a["id"]
    resource = expect(
        await world.member.post(
            f"/api/spaces/{a}/resources", json={"kind": "link", "title": "Dubious", "url": "https://example.org"}
        ),
        201,
    )
    flag = expect(await world.moderator.post(f"/api/resources/{resource['id']}/flags", json={"reason": "?"}), 201)
    dismissed = expect(
        await world.moderator.post(
            f"/api/flags/{flag['id']}/resolve", json={"action": "dismiss", "note": "Looks fine"}
        ),
        200,
    )
    assert dismissed["state"] == "dismissed"
    expect(await world.member.post(f"/api/resources/{resource['id']}/hide", json={"reason": "x"}), 403)
    hidden = expect(await world.moderator.post(f"/api/resources/{resource['id']}/hide", json={"reason": "Broken"}), 200)
    assert hidden["hidden"] and hidden["hidden_reason"] == "Broken"
    reader = world.admin  # admins see hidden resources like moderators
    assert expect(await reader.get(f"/api/resources/{resource['id']}"), 200)["hidden"]
    assert expect(await world.member.get(f"/api/resources/{resource['id']}"), 200)["hidden_reason"] == "Broken"
    [event] = await _events(db, "resource.hidden")
    assert event == {"id": resource["id"], "space_id": a, "kind": "link", "hidden": True}
    expect(await world.moderator.post(f"/api/resources/{resource['id']}/unhide"), 200)
    [event] = await _events(db, "resource.unhidden")
    assert event["title"] == "Dubious" and event["hidden"] is False


async def test_hidden_resources_disappear_for_other_members(world, clients):
    a = world.space_a["id"]
    reader = await invite_user(world.admin, clients, a, "reader2@danang.test", "Reader Two")
    resource = expect(await upload(world.member, a, "x.txt", b"hidden text"), 201)
    expect(await world.moderator.post(f"/api/resources/{resource['id']}/hide", json={"reason": "Wrong file"}), 200)
    for path in (f"/api/resources/{resource['id']}", f"/api/resources/{resource['id']}/download"):
        expect(await reader.get(path), 404)
    assert expect(await reader.get(f"/api/spaces/{a}/resources"), 200)["items"] == []
    assert len(expect(await world.moderator.get(f"/api/spaces/{a}/resources"), 200)["items"]) == 1
    assert (await world.member.get(f"/api/resources/{resource['id']}/download")).content == b"hidden text"
    expect(await reader.post(f"/api/resources/{resource['id']}/flags", json={"reason": "x"}), 404)


async def test_joining_approval_refusal_suspension_and_removal(world, clients, db):
    net, a = world.network["id"], world.space_a["id"]
    expect(await world.other.post(f"/api/spaces/{a}/join"), 404)
    request = expect(await world.outsider.post(f"/api/spaces/{net}/join"), 201)
    assert request["state"] == "pending" and request["user"]["id"] == world.outsider.user["id"]
    assert expect(await world.outsider.post(f"/api/spaces/{net}/join"), 200)["state"] == "pending"
    expect(await world.outsider.post(f"/api/spaces/{net}/members/{world.outsider.user['id']}/approve"), 403)
    # Pending members can read a network space but not post in it.
    expect(await world.outsider.post(f"/api/spaces/{net}/threads", json={"title": "Hi", "body": "Hello"}), 403)
    approved = expect(await world.admin.post(f"/api/spaces/{net}/members/{world.outsider.user['id']}/approve"), 200)
    assert approved["state"] == "active"
    expect(await world.admin.post(f"/api/spaces/{net}/members/{world.outsider.user['id']}/approve"), 409)
    expect(await world.outsider.post(f"/api/spaces/{net}/join"), 409)
    expect(await world.outsider.post(f"/api/spaces/{net}/threads", json={"title": "Hi", "body": "Hello"}), 201)

    expect(await world.other.post(f"/api/spaces/{net}/join"), 201)
    expect(
        await world.admin.post(
            f"/api/spaces/{net}/members/{world.other.user['id']}/refuse", json={"reason": "Not a city official"}
        ),
        204,
    )
    members = expect(await world.admin.get(f"/api/spaces/{net}/members"), 200)["items"]
    assert world.other.user["id"] not in [m["user"]["id"] for m in members]

    member_id = world.member.user["id"]
    expect(
        await world.member.post(f"/api/spaces/{a}/members/{world.moderator.user['id']}/suspend", json={"reason": "x"}),
        403,
    )
    expect(
        await world.moderator.post(
            f"/api/spaces/{a}/members/{world.moderator.user['id']}/suspend", json={"reason": "x"}
        ),
        422,
    )
    suspended = expect(
        await world.moderator.post(f"/api/spaces/{a}/members/{member_id}/suspend", json={"reason": "Harassment"}), 200
    )
    assert suspended["state"] == "suspended"
    expect(await world.member.get(f"/api/spaces/{a}"), 404)
    expect(await world.bearer.get(f"/api/spaces/{a}/resources"), 404)
    # A suspension also shuts a user out of a network space they could otherwise read.
    expect(
        await world.admin.post(f"/api/spaces/{net}/members/{world.other.user['id']}/suspend", json={"reason": "Spam"}),
        200,
    )
    expect(await world.other.get(f"/api/spaces/{net}"), 404)
    expect(await world.other.post(f"/api/spaces/{net}/join"), 404)
    reinstated = expect(await world.moderator.post(f"/api/spaces/{a}/members/{member_id}/reinstate"), 200)
    assert reinstated["state"] == "active"
    expect(await world.moderator.post(f"/api/spaces/{a}/members/{member_id}/reinstate"), 409)
    expect(await world.member.get(f"/api/spaces/{a}"), 200)
    expect(await world.moderator.delete(f"/api/spaces/{a}/members/{member_id}"), 204)

    actions = [e["action"] for e in expect(await world.moderator.get(f"/api/spaces/{a}/audit"), 200)["items"]]
    assert actions == ["member.removed", "member.reinstated", "member.suspended"]
    net_audit = expect(await world.admin.get(f"/api/spaces/{net}/audit"), 200)["items"]
    assert [(e["action"], e["reason"]) for e in net_audit] == [
        ("member.suspended", "Spam"),
        ("member.refused", "Not a city official"),
        ("member.approved", ""),
    ]
    kinds = [e.kind for e in (await db.scalars(select(Event).where(Event.space_id == net).order_by(Event.id))).all()]
    assert [k for k in kinds if k.startswith("member.")] == [
        "member.requested",
        "member.approved",
        "member.requested",
        "member.refused",
        "member.suspended",
    ]


async def test_pin_and_lock_are_audited_and_the_audit_log_is_append_only(world, db):
    a = world.space_a["id"]
    thread, _ = await _thread(world)
    expect(await world.moderator.patch(f"/api/threads/{thread['id']}", json={"pinned": True, "locked": True}), 200)
    expect(await world.moderator.patch(f"/api/threads/{thread['id']}", json={"locked": False}), 200)
    expect(await world.member.get(f"/api/spaces/{a}/audit"), 403)
    expect(await world.other.get(f"/api/spaces/{a}/audit"), 404)
    expect(await world.anonymous.get(f"/api/spaces/{a}/audit"), 401)
    entries = expect(await world.admin.get(f"/api/spaces/{a}/audit"), 200)["items"]
    assert [e["action"] for e in entries] == ["thread.unlocked", "thread.locked", "thread.pinned"]
    assert entries[0]["actor"] == {"id": world.moderator.user["id"], "name": "Mieke Moderator"}
    assert entries[0]["target_kind"] == "thread" and entries[0]["target_id"] == thread["id"]
    first = expect(await world.admin.get(f"/api/spaces/{a}/audit", params={"limit": 2}), 200)
    second = expect(
        await world.admin.get(f"/api/spaces/{a}/audit", params={"limit": 2, "cursor": first["next_cursor"]}), 200
    )
    assert [e["id"] for e in first["items"] + second["items"]] == [e["id"] for e in entries]
    for statement in ("UPDATE audit_entries SET reason = 'rewritten'", "DELETE FROM audit_entries"):
        with pytest.raises(DBAPIError, match="cannot be changed"):
            await db.execute(text(statement))
        await db.rollback()
