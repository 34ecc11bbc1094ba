"""Bad input gets a clear 4xx in the one error shape, route by route, and never a 500."""

import pytest

from tests.harness import expect


def error_of(response, status):
    body = expect(response, status)
    assert set(body) == {"error"} and set(body["error"]) == {"code", "message", "fields"}, body
    assert body["error"]["message"]
    return body["error"]


@pytest.fixture
async def ids(world):
    thread = expect(
        await world.member.post(
            f"/api/spaces/{world.space_a['id']}/threads", json={"title": "Housing", "body": "First"}
        ),
        201,
    )
    return {
        "space": world.space_a["id"],
        "thread": thread["id"],
        "message": thread["first_message"]["id"],
        "city": world.cities[0]["id"],
    }


# (method, path, a valid body) for every JSON-body route the member or admin may call.
def body_routes(ids):
    return [
        ("admin", "POST", "/api/cities", {"name": "Lviv", "country": "Ukraine", "profile": "newer"}),
        ("admin", "PATCH", f"/api/cities/{ids['city']}", {"region": "Antwerp province"}),
        ("admin", "POST", "/api/spaces", {"name": "Pair", "city_ids": [1, 2]}),
        ("admin", "PATCH", f"/api/spaces/{ids['space']}", {"description": "x"}),
        ("admin", "PUT", f"/api/spaces/{ids['space']}/members/1", {"role": "member"}),
        ("admin", "POST", "/api/invitations", {"email": "a@b.test", "space_id": ids["space"]}),
        ("member", "POST", f"/api/spaces/{ids['space']}/threads", {"title": "T", "body": "B"}),
        ("member", "PATCH", f"/api/threads/{ids['thread']}", {"title": "T2"}),
        ("member", "POST", f"/api/threads/{ids['thread']}/messages", {"body": "hello"}),
        ("member", "PATCH", f"/api/messages/{ids['message']}", {"body": "hello again"}),
        ("member", "POST", "/api/tokens", {"name": "cli"}),
        ("member", "PATCH", "/api/me", {"position": "Advisor"}),
    ]


async def test_unknown_fields_are_refused(world, ids):
    for role, method, path, body in body_routes(ids):
        response = await getattr(world, role).request(method, path, json={**body, "surprise": 1})
        assert error_of(response, 422)["fields"] == {"surprise": "unknown field"}, (method, path)


async def test_wrong_types_are_refused(world, ids):
    for role, method, path, body in body_routes(ids):
        field = next(iter(body))
        wrong = 12345 if isinstance(body[field], str) else "not the right type"
        response = await getattr(world, role).request(method, path, json={**body, field: wrong})
        assert field in error_of(response, 422)["fields"], (method, path)


async def test_empty_and_malformed_bodies(world, ids):
    for role, method, path, _ in body_routes(ids):
        client = getattr(world, role)
        headers = {"Content-Type": "application/json"}
        assert error_of(await client.request(method, path, content=b"", headers=headers), 400)["code"] == "empty_body"
        malformed = await client.request(method, path, content=b'{"body": "unterminated', headers=headers)
        assert error_of(malformed, 400)["code"] == "malformed_json", (method, path)
        not_an_object = await client.request(method, path, json=["a", "list"])
        error_of(not_an_object, 422)


async def test_oversized_request_body(world, ids, settings):
    huge = {"body": "x" * (settings.request_max_bytes + 10)}
    response = await world.member.post(f"/api/threads/{ids['thread']}/messages", json=huge)
    assert error_of(response, 413)["code"] == "payload_too_large"


async def test_message_length_cap_and_blank_bodies(world, ids, settings):
    path = f"/api/threads/{ids['thread']}/messages"
    too_long = await world.member.post(path, json={"body": "é" * (settings.message_max_chars + 1)})
    assert "body" in error_of(too_long, 422)["fields"]
    expect(await world.member.post(path, json={"body": "é" * settings.message_max_chars}), 201)
    assert "body" in error_of(await world.member.post(path, json={"body": "   \n "}), 422)["fields"]
    assert "body" in error_of(await world.member.post(path, json={"body": ""}), 422)["fields"]
    long_title = await world.member.post(f"/api/spaces/{ids['space']}/threads", json={"title": "t" * 201, "body": "b"})
    assert "title" in error_of(long_title, 422)["fields"]


async def test_enumerations_and_formats(world, ids):
    bad_profile = await world.admin.post("/api/cities", json={"name": "X", "country": "Y", "profile": "old"})
    assert "profile" in error_of(bad_profile, 422)["fields"]
    bad_theme = await world.member.post(
        f"/api/spaces/{ids['space']}/threads", json={"title": "T", "body": "B", "themes": ["cooking"]}
    )
    assert "themes.0" in error_of(bad_theme, 422)["fields"]
    bad_email = await world.admin.post("/api/invitations", json={"email": "not-an-email", "space_id": ids["space"]})
    assert "email" in error_of(bad_email, 422)["fields"]
    bad_role = await world.admin.post(
        "/api/invitations", json={"email": "a@b.test", "space_id": ids["space"], "role": "owner"}
    )
    assert "role" in error_of(bad_role, 422)["fields"]
    bad_client_id = await world.member.post(
        f"/api/threads/{ids['thread']}/messages", json={"body": "x", "client_id": "has spaces in it"}
    )
    assert "client_id" in error_of(bad_client_id, 422)["fields"]
    null_title = await world.member.patch(f"/api/threads/{ids['thread']}", json={"title": None})
    assert error_of(null_title, 422)["fields"] == {"title": "must not be null"}
    nothing = await world.member.patch(f"/api/threads/{ids['thread']}", json={})
    assert error_of(nothing, 422)["code"] == "nothing_to_change"
    huge_id = await world.admin.post("/api/invitations", json={"email": "a@b.test", "space_id": 2**70})
    assert "space_id" in error_of(huge_id, 422)["fields"]


async def test_unknown_ids_are_404(world, ids):
    for path in (
        "/api/cities/999999",
        "/api/spaces/999999",
        "/api/spaces/999999/members",
        "/api/spaces/999999/threads",
        "/api/threads/999999",
        "/api/threads/999999/messages",
        "/api/messages/999999/history",
    ):
        assert error_of(await world.admin.get(path), 404)["code"] == "not_found", path
    error_of(await world.member.patch("/api/messages/999999", json={"body": "x"}), 404)
    error_of(await world.member.delete("/api/messages/999999"), 404)
    error_of(await world.member.put("/api/messages/999999/reactions/%F0%9F%91%8D"), 404)
    error_of(await world.admin.post("/api/invitations", json={"email": "a@b.test", "space_id": 999999}), 404)
    error_of(await world.member.get("/api/threads/not-a-number"), 404)
    error_of(await world.member.get("/api/no/such/route"), 404)
    error_of(await world.member.request("PATCH", "/api/cities"), 405)


async def test_paging_parameters(world, ids):
    path = f"/api/threads/{ids['thread']}/messages"
    page = expect(await world.member.get(path + "?limit=1"), 200)
    assert page["next_cursor"]
    payload, _, signature = page["next_cursor"].partition(".")
    tampered = payload[:-2] + ("AA" if payload[-2:] != "AA" else "BB") + "." + signature
    assert error_of(await world.member.get(path + f"?cursor={tampered}"), 400)["code"] == "bad_cursor"
    assert error_of(await world.member.get(path + "?cursor=garbage"), 400)["code"] == "bad_cursor"
    thread_cursor = f"/api/spaces/{ids['space']}/threads?cursor={page['next_cursor']}"
    assert error_of(await world.member.get(thread_cursor), 400)["code"] == "bad_cursor"  # a message cursor
    backward = await world.member.get(path + f"?direction=backward&cursor={page['next_cursor']}")
    assert error_of(backward, 422)["code"] == "bad_cursor"
    for query in ("limit=0", "limit=201", "limit=abc", "direction=sideways", "unknown=1", "limit=1&limit=2"):
        error_of(await world.member.get(path + "?" + query), 422)


async def test_routes_without_query_refuse_query_parameters(world):
    assert "page" in error_of(await world.member.get("/api/spaces?page=2"), 422)["fields"]


async def test_bad_credentials_input(world, clients):
    client = clients()
    error_of(await client.post("/api/session", json={"email": "x@y.test"}), 422)
    error_of(await client.post("/api/session", content=b"email=x", headers={"Content-Type": "text/plain"}), 415)
    error_of(await client.post("/api/session", content=b"email=x", headers={"Content-Type": "application/json"}), 400)
    error_of(await client.get("/api/me"), 401)


async def test_nul_characters_are_refused_by_field(world, ids):
    response = await world.admin.post(
        "/api/cities", json={"name": "Ant\u0000werp", "country": "Belgium", "profile": "traditional"}
    )
    assert error_of(response, 422) == {
        "code": "invalid_text",
        "message": "Text may not contain NUL characters.",
        "fields": {"name": "must not contain NUL characters"},
    }
    response = await world.member.post(
        f"/api/spaces/{ids['space']}/threads", json={"title": "ok", "body": "ok", "themes": [], "client_id": "a\u0000"}
    )
    assert "client_id" in error_of(response, 422)["fields"]


async def test_ids_beyond_the_column_range(world, ids):
    big = 2**31
    error_of(await world.admin.get(f"/api/cities/{big}"), 404)
    error_of(await world.admin.get(f"/api/threads/{2**70}"), 404)
    response = await world.admin.post("/api/invitations", json={"email": "a@b.test", "space_id": big})
    assert "space_id" in error_of(response, 422)["fields"]
