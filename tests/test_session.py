"""Signing in, sessions, CSRF, API tokens and the login rate limit."""

from tests.conftest import PASSWORD
from tests.harness import expect


async def test_sign_in_sets_httponly_cookie_and_returns_csrf(world, clients):
    client = clients()
    response = await client.sign_in("member@danang.test", PASSWORD)
    expect(response, 200)
    cookie = response.headers["set-cookie"]
    assert "cb_session=" in cookie and "HttpOnly" in cookie and "SameSite=lax" in cookie
    me = expect(await client.get("/api/me"), 200)
    assert me["email"] == "member@danang.test" and me["csrf_token"] == response.json()["csrf_token"]
    assert "password_hash" not in me


async def test_email_is_case_insensitive(world, clients):
    expect(await clients().sign_in("Member@DaNang.test", PASSWORD), 200)


async def test_wrong_password_and_unknown_email_answer_alike(world, clients):
    wrong = await clients().sign_in("member@danang.test", "not the password")
    unknown = await clients().sign_in("nobody@danang.test", "not the password")
    assert expect(wrong, 401)["error"]["code"] == expect(unknown, 401)["error"]["code"] == "bad_credentials"


async def test_state_change_by_cookie_needs_csrf_token(world):
    thread = {"title": "Welcome desks", "body": "How do you staff yours?"}
    space = world.space_a["id"]
    token = world.member.http.headers.pop("X-CSRF-Token")
    refused = await world.member.post(f"/api/spaces/{space}/threads", json=thread)
    assert expect(refused, 403)["error"]["code"] == "csrf_failed"
    world.member.http.headers["X-CSRF-Token"] = "0" * 64
    expect(await world.member.post(f"/api/spaces/{space}/threads", json=thread), 403)
    world.member.http.headers["X-CSRF-Token"] = token
    expect(await world.member.post(f"/api/spaces/{space}/threads", json=thread), 201)


async def test_bearer_token_needs_no_cookie_or_csrf(world):
    assert "X-CSRF-Token" not in world.bearer.http.headers
    me = expect(await world.bearer.get("/api/me"), 200)
    assert me["email"] == "member@danang.test" and me["csrf_token"] is None
    expect(
        await world.bearer.post(
            f"/api/spaces/{world.space_a['id']}/threads", json={"title": "By token", "body": "posted by a script"}
        ),
        201,
    )


async def test_bad_and_revoked_tokens_are_refused(world, clients):
    expect(await clients("cbt_not-a-real-token").get("/api/me"), 401)
    bad_scheme = await world.anonymous.get("/api/me", headers={"Authorization": "Basic abc"})
    assert expect(bad_scheme, 401)["error"]["code"] == "bad_token"
    created = expect(await world.member.post("/api/tokens", json={"name": "laptop"}), 201)
    listed = expect(await world.member.get("/api/tokens"), 200)["items"]
    assert {t["name"] for t in listed} >= {"laptop"} and all(t["token"] is None for t in listed)
    expect(await world.member.delete(f"/api/tokens/{created['id']}"), 204)
    expect(await clients(created["token"]).get("/api/me"), 401)
    expect(await world.other.delete(f"/api/tokens/{listed[0]['id']}"), 404)


async def test_sign_out_ends_the_session(world):
    expect(await world.member.delete("/api/session"), 204)
    expect(await world.member.get("/api/me"), 401)


async def test_login_is_rate_limited_per_account(world, clients):
    for _ in range(5):
        expect(await clients().sign_in("member@danang.test", "wrong password"), 401)
    limited = await clients().sign_in("member@danang.test", PASSWORD)
    assert expect(limited, 429)["error"]["code"] == "rate_limited"
    assert int(limited.headers["retry-after"]) > 0
    # Another account from the same address is still let in.
    expect(await clients().sign_in("other@toronto.test", PASSWORD), 200)


async def test_login_is_rate_limited_per_address(world, clients):
    for n in range(30):
        expect(await clients().sign_in(f"stranger{n}@example.test", "wrong password"), 401)
    expect(await clients().sign_in("other@toronto.test", PASSWORD), 429)


async def test_profile_change(world):
    me = expect(await world.member.patch("/api/me", json={"locale": "fr", "position": "Housing officer"}), 200)
    assert me["locale"] == "fr" and me["position"] == "Housing officer"
    expect(await world.member.patch("/api/me", json={"locale": "xx"}), 422)
    expect(await world.member.patch("/api/me", json={}), 422)


async def test_a_token_shows_when_it_was_last_used(world, clients):
    created = expect(await world.member.post("/api/tokens", json={"name": "script", "scopes": ["read"]}), 201)
    assert created["last_used_at"] is None
    expect(await clients(created["token"]).get("/api/me"), 200)
    listed = expect(await world.member.get("/api/tokens"), 200)["items"]
    assert next(t for t in listed if t["id"] == created["id"])["last_used_at"] is not None
