"""Profiles with expertise and per-field visibility, and the directory of people (issue 15)."""

from __future__ import annotations

from tests.harness import expect

PROFILE = {
    "office": "Housing Department",
    "position": "Welcome desk lead",
    "languages": ["vi", "en"],
    "expertise_themes": ["housing", "integration"],
    "expertise_tags": ["Social  Housing", "social housing", "tenancy law"],
    "bio": "Ten years at the welcome desk.",
    "time_zone": "Asia/Ho_Chi_Minh",
}


async def test_my_profile_is_changed_and_read_back(world):
    mine = expect(await world.member.patch("/api/me", json=PROFILE), 200)
    assert mine["office"] == "Housing Department"
    assert mine["expertise_tags"] == ["social housing", "tenancy law"]  # trimmed, lower-cased, once each
    assert mine["visibility"]["bio"] == "spaces" and mine["visibility"]["office"] == "network"
    changed = expect(await world.member.patch("/api/me", json={"visibility": {"office": "spaces"}}), 200)
    assert changed["visibility"]["office"] == "spaces" and changed["visibility"]["listing"] == "network"
    me = expect(await world.member.get("/api/me"), 200)
    assert me["time_zone"] == "Asia/Ho_Chi_Minh" and me["visibility"]["office"] == "spaces"
    assert me["csrf_token"]


async def test_bad_profile_input_is_refused_field_by_field(world):
    cases = [
        ({"time_zone": "Mars/Olympus"}, "time_zone", "unknown_time_zone"),
        ({"time_zone": "../../etc/passwd"}, "time_zone", "unknown_time_zone"),
        ({"expertise_themes": ["astrology"]}, "expertise_themes.0", "not_a_choice"),
        ({"visibility": {"bio": "everyone"}}, "visibility.bio", "not_a_choice"),
        ({"bio": "x" * 1001}, "bio", "too_long"),
        ({"expertise_tags": ["  "]}, "expertise_tags.0", None),
    ]
    for body, field, code in cases:
        response = await world.member.patch("/api/me", json=body, headers={"Prefer": "errors=coded"})
        error = expect(response, 422)["error"]
        assert field in error["fields"], (body, error)
        if code:
            assert error["fields"][field]["code"] == code, (body, error)
    me = expect(await world.member.get("/api/me"), 200)
    assert me["time_zone"] == "" and me["expertise_themes"] == []


async def test_a_profile_shows_each_field_to_its_audience(world):
    expect(await world.member.patch("/api/me", json=PROFILE), 200)
    member_id = world.member.user["id"]
    # The moderator shares space A: everything, and the space in common.
    seen = expect(await world.moderator.get(f"/api/people/{member_id}"), 200)
    assert seen["bio"] == PROFILE["bio"] and seen["time_zone"] == PROFILE["time_zone"]
    assert [s["id"] for s in seen["spaces_in_common"]] == [world.space_a["id"]]
    assert "visibility" not in seen or seen["visibility"] is None
    # Olivia shares no space: the network fields only.
    far = expect(await world.other.get(f"/api/people/{member_id}"), 200)
    assert far["office"] == "Housing Department" and far["expertise_themes"] == ["housing", "integration"]
    assert far["bio"] is None and far["time_zone"] is None and far["spaces_in_common"] == []
    expect(await world.member.patch("/api/me", json={"visibility": {"expertise": "spaces"}}), 200)
    far = expect(await world.other.get(f"/api/people/{member_id}"), 200)
    assert far["expertise_themes"] is None and far["expertise_tags"] is None
    admin_view = expect(await world.admin.get(f"/api/people/{member_id}"), 200)
    assert admin_view["bio"] == PROFILE["bio"]


async def test_an_unlisted_person_exists_only_for_colleagues_of_shared_spaces(world):
    expect(await world.member.patch("/api/me", json={**PROFILE, "visibility": {"listing": "spaces"}}), 200)
    member_id = world.member.user["id"]
    for client in (world.other, world.outsider):
        expect(await client.get(f"/api/people/{member_id}"), 404)
        names = [p["name"] for p in expect(await client.get("/api/people"), 200)["items"]]
        assert "Nguyen Member" not in names
    expect(await world.moderator.get(f"/api/people/{member_id}"), 200)
    assert "Nguyen Member" in [p["name"] for p in expect(await world.moderator.get("/api/people"), 200)["items"]]
    expect(await world.other.get("/api/people/999999"), 404)
    expect(await world.anonymous.get("/api/people"), 401)


async def test_deactivated_people_leave_the_directory(world):
    other_id = world.other.user["id"]
    expect(await world.admin.post(f"/api/users/{other_id}/deactivate", json={}), 200)
    expect(await world.member.get(f"/api/people/{other_id}"), 404)
    names = [p["name"] for p in expect(await world.member.get("/api/people"), 200)["items"]]
    assert "Olivia Other" not in names and "Nguyen Member" in names


async def _names(client, **params) -> list[str]:
    return [p["name"] for p in expect(await client.get("/api/people", params=params), 200)["items"]]


async def test_the_directory_filters_only_on_what_the_viewer_may_read(world):
    expect(await world.member.patch("/api/me", json=PROFILE), 200)
    expect(await world.other.patch("/api/me", json={"office": "Jobs office", "languages": ["en", "fr"]}), 200)
    da_nang, toronto = world.cities[1]["id"], world.cities[2]["id"]
    assert await _names(world.outsider, theme="housing") == ["Nguyen Member"]
    assert await _names(world.outsider, language="fr") == ["Olivia Other"]
    assert await _names(world.outsider, city=toronto) == ["Olivia Other"]
    assert await _names(world.outsider, city=da_nang) == ["Nguyen Member"]
    assert set(await _names(world.outsider, profile="traditional")) == {"Mieke Moderator", "Olivia Other"}
    assert await _names(world.outsider, q="housing dep") == ["Nguyen Member"]
    assert await _names(world.outsider, q="tenancy") == ["Nguyen Member"]
    assert await _names(world.outsider, q="olivia") == ["Olivia Other"]
    # Expertise and office for colleagues only: filtering on them must not reveal them to others.
    expect(await world.member.patch("/api/me", json={"visibility": {"expertise": "spaces", "office": "spaces"}}), 200)
    for params in ({"theme": "housing"}, {"q": "tenancy"}, {"q": "housing dep"}):
        assert await _names(world.outsider, **params) == [], params
        assert await _names(world.moderator, **params) == ["Nguyen Member"], params
    bad = await world.outsider.get("/api/people", params={"theme": "astrology"})
    assert expect(bad, 422)["error"]["fields"]


async def test_the_directory_pages(world):
    first = expect(await world.outsider.get("/api/people", params={"limit": 2}), 200)
    assert len(first["items"]) == 2 and first["total"] >= 4 and first["next_cursor"]
    second = expect(await world.outsider.get("/api/people", params={"limit": 2, "cursor": first["next_cursor"]}), 200)
    assert not {p["id"] for p in first["items"]} & {p["id"] for p in second["items"]}
    expect(await world.outsider.get("/api/people", params={"cursor": "forged.abc"}), 400)


async def test_a_profile_shows_their_records_and_posts_from_readable_spaces_only(world):
    """Mieke's page: her practice record and posts in space A show to colleagues who read A; the
    network space's post to everyone; a hidden or deleted post and another space's record to nobody."""
    from tests.library_helpers import practice

    a, network = world.space_a["id"], world.network["id"]
    mieke = world.moderator.user["id"]
    expect(await world.admin.put(f"/api/spaces/{network}/members/{mieke}", json={"role": "member"}), 200)
    record = expect(await world.moderator.post(f"/api/spaces/{a}/resources", json=practice(world.cities[0]["id"])), 201)
    thread = expect(
        await world.moderator.post(
            f"/api/spaces/{a}/threads", json={"title": "Desks", "body": "Our **welcome desk** opens at nine."}
        ),
        201,
    )
    posts = f"/api/threads/{thread['id']}/messages"
    hidden = expect(await world.moderator.post(posts, json={"body": "A tenant's name, by mistake"}), 201)
    expect(await world.admin.post(f"/api/messages/{hidden['id']}/hide", json={"reason": "A name"}), 200)
    deleted = expect(await world.moderator.post(posts, json={"body": "Draft, deleted"}), 201)
    expect(await world.moderator.delete(f"/api/messages/{deleted['id']}"), 204)
    opened = expect(
        await world.moderator.post(f"/api/spaces/{network}/threads", json={"title": "Open", "body": "x " * 300}),
        201,
    )

    seen = expect(await world.member.get(f"/api/people/{mieke}"), 200)
    assert [(p["id"], p["space"]["id"]) for p in seen["practices"]] == [(record["id"], a)]
    assert [p["thread"]["id"] for p in seen["recent_posts"]] == [opened["id"], thread["id"]]
    assert seen["recent_posts"][1]["excerpt"] == "Our welcome desk opens at nine."  # text, not markdown or HTML
    assert len(seen["recent_posts"][0]["excerpt"]) <= 200 and seen["recent_posts"][0]["excerpt"].endswith("…")
    for client in (world.other, world.outsider):  # they read the network space, not A
        far = expect(await client.get(f"/api/people/{mieke}"), 200)
        assert far["practices"] == [] and [p["thread"]["id"] for p in far["recent_posts"]] == [opened["id"]]
    texts = " ".join(p["excerpt"] for p in expect(await world.admin.get(f"/api/people/{mieke}"), 200)["recent_posts"])
    assert "tenant" not in texts and "Draft" not in texts
