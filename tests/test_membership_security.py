"""Issue 11, points 5, 7, 9 and 10: who may change a membership, what outlives a suspension or a
removal, who can be mentioned, and what the people lookup tells a moderator. Against the real
server; the mention test with real websockets."""

from __future__ import annotations

from server.db.models import User
from server.services import accounts
from tests.conftest import PASSWORD, invite_user
from tests.harness import expect
from tests.realtime_helpers import Live, post, thread


def _member(members: list[dict], user_id: int) -> dict:
    return next(m for m in members if m["user"]["id"] == user_id)


async def _audit(client, space_id: int) -> list[dict]:
    return expect(await client.get(f"/api/spaces/{space_id}/audit"), 200)["items"]


# --- point 5: moderators cannot override admins; PUT never lifts a suspension or approves ----------


async def test_only_admins_change_a_moderators_standing(world, clients):
    a = world.space_a["id"]
    co = await invite_user(world.admin, clients, a, "co@antwerpen.test", "Cora Comod", "moderator")
    members = f"/api/spaces/{a}/members/{co.user['id']}"
    # Demoting first was the way round "only admins suspend or remove moderators".
    refused = expect(await world.moderator.put(members, json={"role": "member"}), 403)
    assert refused["error"]["code"] == "not_an_admin"
    expect(await world.moderator.post(f"{members}/suspend", json={"reason": "Rival"}), 403)
    expect(await world.moderator.delete(members), 403)
    listed = expect(await world.admin.get(f"/api/spaces/{a}/members"), 200)["items"]
    assert _member(listed, co.user["id"])["role"] == "moderator"
    assert _member(listed, co.user["id"])["state"] == "active"

    # A co-moderator cannot undo an admin's suspension.
    expect(await world.admin.post(f"{members}/suspend", json={"reason": "Leaked a draft"}), 200)
    assert expect(await world.moderator.post(f"{members}/reinstate"), 403)["error"]["code"] == "not_an_admin"
    expect(await co.get(f"/api/spaces/{a}"), 404)
    expect(await world.admin.post(f"{members}/reinstate"), 200)
    expect(await co.get(f"/api/spaces/{a}"), 200)

    # An admin demotes; the change of role is audited.
    assert expect(await world.admin.put(members, json={"role": "member"}), 200)["role"] == "member"
    entry = (await _audit(world.admin, a))[0]
    assert (entry["action"], entry["actor"]["id"], entry["target_id"]) == (
        "member.role_changed",
        world.admin.user["id"],
        co.user["id"],
    )
    assert entry["details"] == {"role": "member", "previous_role": "moderator"}


async def test_put_never_lifts_a_suspension_or_approves_a_request_and_is_audited(world):
    a, net = world.space_a["id"], world.network["id"]
    member_id, outsider_id = world.member.user["id"], world.outsider.user["id"]
    expect(await world.moderator.post(f"/api/spaces/{a}/members/{member_id}/suspend", json={"reason": "Spam"}), 200)
    for client in (world.moderator, world.admin):
        refused = expect(await client.put(f"/api/spaces/{a}/members/{member_id}", json={"role": "member"}), 409)
        assert refused["error"]["code"] == "member_suspended"
    expect(await world.member.get(f"/api/spaces/{a}"), 404)

    expect(await world.outsider.post(f"/api/spaces/{net}/join"), 201)
    refused = expect(await world.admin.put(f"/api/spaces/{net}/members/{outsider_id}", json={"role": "member"}), 409)
    assert refused["error"]["code"] == "request_pending"
    pending = expect(await world.admin.get(f"/api/spaces/{net}/members"), 200)["items"]
    assert _member(pending, outsider_id)["state"] == "pending"
    expect(await world.outsider.post(f"/api/spaces/{net}/threads", json={"title": "Hi", "body": "Hello"}), 403)

    # Adding someone and changing their role are audited, with who did it.
    other = world.other.user["id"]
    expect(await world.moderator.put(f"/api/spaces/{a}/members/{other}", json={"role": "member"}), 200)
    expect(await world.admin.put(f"/api/spaces/{a}/members/{other}", json={"role": "moderator"}), 200)
    entries = [(e["action"], e["actor"]["id"], e["target_id"], e["details"]) for e in await _audit(world.admin, a)]
    assert entries[:2] == [
        ("member.role_changed", world.admin.user["id"], other, {"role": "moderator", "previous_role": "member"}),
        ("member.added", world.moderator.user["id"], other, {"role": "member", "previous_role": None}),
    ]


# --- point 7: invitations do not outlive a suspension, a removal or the sender's standing ----------


async def test_suspension_withdraws_pending_invitations_and_blocks_new_ones(world):
    a = world.space_a["id"]
    member_id = world.member.user["id"]
    # The member holds another pending invitation (a moderator invitation from the admin, say).
    held = expect(
        await world.admin.post(
            "/api/invitations", json={"email": "member@danang.test", "space_id": a, "role": "moderator"}
        ),
        201,
    )
    expect(await world.moderator.post(f"/api/spaces/{a}/members/{member_id}/suspend", json={"reason": "Abuse"}), 200)
    expect(await world.member.post(f"/api/invitations/{held['token']}/accept", json={}), 404)
    expect(await world.member.get(f"/api/spaces/{a}"), 404)
    assert (await _audit(world.admin, a))[0]["details"] == {"invitations_withdrawn": 1}
    assert expect(await world.admin.get(f"/api/spaces/{a}/invitations"), 200)["items"] == []
    # A new invitation would undo the suspension too.
    refused = expect(
        await world.moderator.post("/api/invitations", json={"email": "MEMBER@danang.test", "space_id": a}), 409
    )
    assert refused["error"]["code"] == "member_suspended"


async def test_removal_withdraws_invitations_for_and_by_the_removed(world, clients):
    a = world.space_a["id"]
    co = await invite_user(world.admin, clients, a, "co@antwerpen.test", "Cora Comod", "moderator")
    sent = expect(await co.post("/api/invitations", json={"email": "lina@danang.test", "space_id": a}), 201)
    to_co = expect(await world.admin.post("/api/invitations", json={"email": "co@antwerpen.test", "space_id": a}), 201)
    expect(await world.admin.delete(f"/api/spaces/{a}/members/{co.user['id']}"), 204)
    expect(await clients().get(f"/api/invitations/{sent['token']}"), 404)
    accept = {"name": "Lina", "password": PASSWORD}
    expect(await clients().post(f"/api/invitations/{sent['token']}/accept", json=accept), 404)
    expect(await co.post(f"/api/invitations/{to_co['token']}/accept", json={}), 404)
    expect(await co.get(f"/api/spaces/{a}"), 404)


async def test_acceptance_rechecks_the_senders_standing(world, clients, db):
    a = world.space_a["id"]
    co = await invite_user(world.admin, clients, a, "co@antwerpen.test", "Cora Comod", "moderator")
    sent = expect(await co.post("/api/invitations", json={"email": "lina@danang.test", "space_id": a}), 201)
    kept = expect(
        await world.moderator.post("/api/invitations", json={"email": "minh@danang.test", "space_id": a}), 201
    )
    # The sender's account is closed; nothing withdrew the invitation, acceptance must still refuse it.
    await accounts.deactivate_user(db, await db.get(User, co.user["id"]))
    await db.commit()
    assert [i["email"] for i in expect(await world.admin.get(f"/api/spaces/{a}/invitations"), 200)["items"]] == [
        "minh@danang.test",
        "lina@danang.test",
    ]
    refused = expect(await clients().get(f"/api/invitations/{sent['token']}"), 404)
    assert refused["error"]["code"] == "invitation_invalid"
    accept = {"name": "Lina", "password": PASSWORD}
    expect(await clients().post(f"/api/invitations/{sent['token']}/accept", json=accept), 404)
    # An invitation from a moderator in good standing still works.
    expect(await clients().post(f"/api/invitations/{kept['token']}/accept", json={**accept, "name": "Minh"}), 200)


# --- point 9: a suspended user is never mentioned -------------------------------------------------


async def test_suspended_users_are_not_mentioned_in_a_network_space(server, world):
    net = world.network["id"]
    other, outsider = world.other.user, world.outsider.user
    expect(await world.admin.post(f"/api/spaces/{net}/members/{other['id']}/suspend", json={"reason": "Spam"}), 200)
    suspended = await Live.open(server.base_url, world.other)
    reader = await Live.open(server.base_url, world.outsider)
    for live in (suspended, reader):
        await live.of_type("subscribed", notifications=True)
    t = await thread(world.admin, net, title="Confidential: the 2026 budget")
    message = await post(world.admin, t["id"], f"Views, @{other['handle']} and @{outsider['handle']}?")
    assert message["mentions"] == [outsider["id"]]
    # The reader who may read the space is notified: the channel works, so silence below means something.
    note = await reader.of_type("event", kind="notification.mention")
    assert note["data"]["message_id"] == message["id"]
    edited = expect(
        await world.admin.patch(f"/api/messages/{message['id']}", json={"body": f"Again, @{other['handle']}"}), 200
    )
    assert edited["mentions"] == []
    frames = await suspended.quiet(1.5)
    assert not [f for f in frames if f.get("kind") == "notification.mention"]
    assert "Confidential" not in str(frames)
    for live in (suspended, reader):
        await live.close()


# --- point 10: the people lookup is not a directory for moderators ---------------------------------


async def test_moderators_find_people_without_the_directory(world, db):
    olivia = world.other.user
    found = expect(await world.moderator.get("/api/users", params={"q": "oli"}), 200)["items"]
    assert found == [
        {
            "id": olivia["id"],
            "name": "Olivia Other",
            "handle": olivia["handle"],
            "city_id": olivia["city_id"],
            "email": None,
        }
    ]
    # Part of an email finds nobody; the exact email finds the person, with the email (to invite them).
    assert expect(await world.moderator.get("/api/users", params={"q": "toronto.test"}), 200)["items"] == []
    exact = expect(await world.moderator.get("/api/users", params={"q": " Other@Toronto.test"}), 200)["items"]
    assert [(u["id"], u["email"]) for u in exact] == [(olivia["id"], "other@toronto.test")]
    short = expect(await world.moderator.get("/api/users", params={"q": "ol"}), 422)
    assert short["error"]["code"] == "query_too_short" and "q" in short["error"]["fields"]

    for n in range(15):
        await accounts.create_user(db, email=f"delegate{n}@example.test", name=f"Delegate {n:02}", password=PASSWORD)
    await db.commit()
    many = expect(await world.moderator.get("/api/users", params={"q": "delegate", "limit": 50}), 200)["items"]
    assert len(many) == 10 and all(u["email"] is None and "is_admin" not in u for u in many)
    # Admins manage accounts: everything, every match.
    full = expect(await world.admin.get("/api/users", params={"q": "delegate", "limit": 50}), 200)["items"]
    assert len(full) == 15 and full[0]["email"] == "delegate0@example.test" and full[0]["is_admin"] is False
    assert expect(await world.admin.get("/api/users", params={"q": "ol"}), 200)["items"]
    expect(await world.member.get("/api/users", params={"q": "oli"}), 403)
