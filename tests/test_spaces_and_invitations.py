"""Cities, spaces pairing them, members and invitations."""

from tests.conftest import PASSWORD
from tests.harness import expect


async def test_admin_registers_cities_and_pairs_them(world):
    cities = expect(await world.member.get("/api/cities"), 200)["items"]
    assert {c["profile"] for c in cities} == {"traditional", "newer"}
    space = world.space_a
    assert space["city_ids"] == [world.cities[0]["id"], world.cities[1]["id"]]
    assert [c["name"] for c in space["cities"]] == ["Antwerp", "Da Nang"]
    duplicate = await world.admin.post(
        "/api/cities", json={"name": "Antwerp", "country": "Belgium", "profile": "traditional"}
    )
    assert expect(duplicate, 409)["error"]["code"] == "city_exists"
    renamed = expect(
        await world.admin.patch(
            f"/api/cities/{world.cities[1]['id']}", json={"name": "Đà Nẵng", "languages": ["vi", "en"]}
        ),
        200,
    )
    assert renamed["name"] == "Đà Nẵng" and renamed["languages"] == ["vi", "en"]


async def test_a_space_pairs_at_least_two_known_cities(world):
    one = await world.admin.post("/api/spaces", json={"name": "Alone", "city_ids": [world.cities[0]["id"]]})
    assert "city_ids" in expect(one, 422)["error"]["fields"]
    same = await world.admin.post("/api/spaces", json={"name": "Twice", "city_ids": [world.cities[0]["id"]] * 2})
    assert "city_ids" in expect(same, 422)["error"]["fields"]
    unknown = await world.admin.post("/api/spaces", json={"name": "Ghost", "city_ids": [world.cities[0]["id"], 9999]})
    assert "9999" in expect(unknown, 422)["error"]["fields"]["city_ids"]


async def test_spaces_list_shows_only_readable_spaces_with_my_role(world):
    mine = {s["name"]: s["my_role"] for s in expect(await world.moderator.get("/api/spaces"), 200)["items"]}
    assert mine == {"Antwerp – Da Nang": "moderator", "Open network": None}
    assert {s["name"] for s in expect(await world.outsider.get("/api/spaces"), 200)["items"]} == {"Open network"}
    assert len(expect(await world.admin.get("/api/spaces"), 200)["items"]) == 3


async def test_unreadable_space_is_indistinguishable_from_a_missing_one(world):
    hidden = await world.other.get(f"/api/spaces/{world.space_a['id']}")
    missing = await world.other.get("/api/spaces/999999")
    assert hidden.status_code == missing.status_code == 404
    assert hidden.json() == missing.json()


async def test_members_and_moderator_rules(world):
    space = world.space_a["id"]
    members = expect(await world.member.get(f"/api/spaces/{space}/members"), 200)["items"]
    assert {(m["user"]["name"], m["role"]) for m in members} == {
        ("Mieke Moderator", "moderator"),
        ("Nguyen Member", "member"),
    }
    # A moderator adds a member but cannot name moderators; admins can.
    outsider = world.outsider.user["id"]
    expect(await world.moderator.put(f"/api/spaces/{space}/members/{outsider}", json={"role": "member"}), 200)
    expect(await world.outsider.get(f"/api/spaces/{space}"), 200)
    expect(await world.moderator.put(f"/api/spaces/{space}/members/{outsider}", json={"role": "moderator"}), 403)
    promoted = expect(await world.admin.put(f"/api/spaces/{space}/members/{outsider}", json={"role": "moderator"}), 200)
    assert promoted["role"] == "moderator"
    # Only admins remove moderators; anyone may leave.
    expect(await world.moderator.delete(f"/api/spaces/{space}/members/{outsider}"), 403)
    expect(await world.outsider.delete(f"/api/spaces/{space}/members/{outsider}"), 204)
    expect(await world.outsider.get(f"/api/spaces/{space}"), 404)
    expect(await world.moderator.put(f"/api/spaces/{space}/members/999999", json={"role": "member"}), 404)


async def test_invitation_flow(world, clients):
    space = world.space_a["id"]
    invitation = expect(
        await world.moderator.post(
            "/api/invitations",
            json={"email": "Sofia@Wroclaw.test", "space_id": space, "city_id": world.cities[1]["id"]},
        ),
        201,
    )
    assert invitation["email"] == "sofia@wroclaw.test" and invitation["link"].endswith(invitation["token"])
    newcomer = clients()
    path = f"/api/invitations/{invitation['token']}/accept"
    missing = await newcomer.post(path, json={"name": "Sofia Nowak"})
    assert expect(missing, 422)["error"]["fields"] == {"password": "required"}
    short = await newcomer.post(path, json={"name": "Sofia Nowak", "password": "short"})
    assert "password" in expect(short, 422)["error"]["fields"]
    accepted = await newcomer.post(path, json={"name": "Sofia Nowak", "password": PASSWORD})
    expect(accepted, 200)
    newcomer.adopt_session(accepted)
    me = expect(await newcomer.get("/api/me"), 200)
    assert me["handle"] == "sofia.nowak" and me["city_id"] == world.cities[1]["id"]
    expect(await newcomer.get(f"/api/spaces/{space}"), 200)
    # Used once only.
    again = await clients().post(path, json={"name": "Someone", "password": PASSWORD})
    assert expect(again, 404)["error"]["code"] == "invitation_invalid"
    expect(await clients().post("/api/invitations/not-a-token/accept", json={"name": "X", "password": PASSWORD}), 404)


async def test_invitation_for_an_existing_account_needs_that_account(world, clients):
    invitation = expect(
        await world.admin.post(
            "/api/invitations", json={"email": "other@toronto.test", "space_id": world.space_a["id"]}
        ),
        201,
    )
    path = f"/api/invitations/{invitation['token']}/accept"
    expect(await clients().post(path, json={"name": "Impostor", "password": PASSWORD}), 401)
    expect(await world.member.post(path, json={}), 401)
    expect(await world.other.post(path, json={}), 200)
    expect(await world.other.get(f"/api/spaces/{world.space_a['id']}"), 200)
    assert world.other.user["name"] == "Olivia Other"


async def test_duplicate_email_is_a_conflict(world, clients, db):
    from server.errors import Conflict
    from server.services import accounts

    try:
        await accounts.create_user(db, email="MEMBER@danang.test", name="Twin", password=PASSWORD)
    except Conflict as error:
        assert error.fields == {"email": "already registered"}
    else:
        raise AssertionError("a second account with the same email was created")


async def test_space_edit_by_moderator_and_admin(world):
    space = world.space_a["id"]
    edited = expect(
        await world.moderator.patch(
            f"/api/spaces/{space}", json={"description": "Housing and reception", "themes": ["housing", "integration"]}
        ),
        200,
    )
    assert edited["themes"] == ["housing", "integration"]
    expect(
        await world.moderator.patch(
            f"/api/spaces/{space}", json={"city_ids": [world.cities[0]["id"], world.cities[2]["id"]]}
        ),
        403,
    )
    opened = expect(await world.admin.patch(f"/api/spaces/{space}", json={"visibility": "network"}), 200)
    assert opened["visibility"] == "network"
    expect(await world.outsider.get(f"/api/spaces/{space}"), 200)


async def test_city_change_is_announced_in_its_spaces(world, database_url):
    from tests.test_threads_and_messages import events

    da_nang = world.cities[1]["id"]
    expect(await world.admin.patch(f"/api/cities/{da_nang}", json={"profile": "traditional"}), 200)
    announced = [e for e in await events(database_url) if e["kind"] == "space.updated"]
    assert sorted(e["space_id"] for e in announced) == sorted([world.space_a["id"], world.space_b["id"]])
    assert all(da_nang in e["data"]["city_ids"] for e in announced)


async def test_pending_invitations_preview_and_revoke(world, clients):
    space = world.space_a["id"]
    invitation = expect(
        await world.moderator.post("/api/invitations", json={"email": "lina@danang.test", "space_id": space}), 201
    )
    preview = expect(await clients().get(f"/api/invitations/{invitation['token']}"), 200)
    assert preview == {
        "email": "lina@danang.test",
        "role": "member",
        "space_id": space,
        "space_name": "Antwerp – Da Nang",
        "expires_at": invitation["expires_at"],
        "has_account": False,
    }
    pending = expect(await world.moderator.get(f"/api/spaces/{space}/invitations"), 200)["items"]
    assert [i["email"] for i in pending] == ["lina@danang.test"] and "token" not in pending[0]
    expect(await world.member.get(f"/api/spaces/{space}/invitations"), 403)
    expect(await world.other.get(f"/api/spaces/{space}/invitations"), 404)
    expect(await world.other.delete(f"/api/invitations/{invitation['id']}"), 404)
    expect(await world.member.delete(f"/api/invitations/{invitation['id']}"), 403)
    expect(await world.moderator.delete(f"/api/invitations/{invitation['id']}"), 204)
    expect(await clients().get(f"/api/invitations/{invitation['token']}"), 404)
    assert expect(await world.moderator.get(f"/api/spaces/{space}/invitations"), 200)["items"] == []


async def test_people_lookup_for_admins_and_moderators(world):
    found = expect(await world.moderator.get("/api/users?q=oliv"), 200)["items"]
    assert [u["name"] for u in found] == ["Olivia Other"]
    assert expect(await world.admin.get("/api/users?q=TORONTO.test"), 200)["items"][0]["email"] == "other@toronto.test"
    assert expect(await world.admin.get("/api/users?q=%25"), 200)["items"] == []  # a literal %, not a wildcard
    expect(await world.member.get("/api/users?q=oliv"), 403)
    expect(await world.anonymous.get("/api/users?q=oliv"), 401)
    expect(await world.admin.get("/api/users"), 422)


async def test_a_new_member_is_told_on_their_own_stream(world, database_url):
    from tests.test_threads_and_messages import events

    outsider = world.outsider.user["id"]
    expect(
        await world.moderator.put(f"/api/spaces/{world.space_a['id']}/members/{outsider}", json={"role": "member"}), 200
    )
    joined = [e for e in await events(database_url) if e["kind"] == "space.joined" and e["user_id"] == outsider]
    assert [e["data"]["id"] for e in joined][-1] == world.space_a["id"] and joined[-1]["space_id"] is None
    assert joined[-1]["data"]["my_role"] == "member"


async def test_join_request_shows_as_pending_and_approval_is_announced(world, database_url):
    from tests.test_threads_and_messages import events

    net, outsider = world.network["id"], world.outsider.user["id"]
    expect(await world.outsider.post(f"/api/spaces/{net}/join"), 201)
    mine = {s["id"]: s for s in expect(await world.outsider.get("/api/spaces"), 200)["items"]}
    assert mine[net]["my_state"] == "pending" and mine[net]["my_role"] is None
    expect(await world.admin.post(f"/api/spaces/{net}/members/{outsider}/approve"), 200)
    joined = [e for e in await events(database_url) if e["kind"] == "space.joined" and e["user_id"] == outsider]
    assert joined[-1]["data"]["id"] == net and joined[-1]["data"]["my_state"] == "active"
