"""Identity providers: the setting's parsing and the admins' API."""

from __future__ import annotations

import pytest

from server.auth.oidc_config import parse_providers
from tests.harness import expect

GOOD = '{"name": "ghent", "issuer": "https://login.ghent.test/", "client_id": "c", "client_secret": "s"}'


@pytest.mark.parametrize(
    "raw, problem",
    [
        ("[{", "not valid JSON"),
        ('{"name": "x"}', "must be a JSON list of objects"),
        ('[{"name": "x", "issuer": "https://a.test"}]', "'client_id' must be a non-empty string"),
        (GOOD.replace("https://login", "http://login").join("[]"), "must use https"),
        (GOOD.replace('"c",', '"c", "colour": 1,').join("[]"), "unknown field(s) colour"),
        (f"[{GOOD}, {GOOD}]", "two providers have the same name"),
        (GOOD.replace('"s"', '"s", "email_domains": ["not a domain"]').join("[]"), "not a domain"),
    ],
)
def test_the_setting_refuses_mistakes_with_their_reason(raw, problem):
    with pytest.raises(ValueError, match=problem.replace("(", r"\(").replace(")", r"\)")):
        parse_providers(raw)


def test_the_setting_reads_a_provider():
    (provider,) = parse_providers(GOOD.join("[]"))
    assert provider.issuer == "https://login.ghent.test" and provider.scopes == ("openid", "email", "profile")


async def test_admins_manage_providers_and_others_may_not(world):
    body = {"name": "ghent", "issuer": "https://login.ghent.test", "client_id": "c", "client_secret": "s"}
    expect(await world.member.post("/api/identity-providers", json=body), 403)
    expect(await world.member.get("/api/identity-providers"), 403)
    created = expect(
        await world.admin.post("/api/identity-providers", json={**body, "email_domains": ["Gent.BE"]}), 201
    )
    assert created["email_domains"] == ["gent.be"] and created["protocol"] == "oidc"
    expect(await world.admin.post("/api/identity-providers", json=body), 409)
    bad = await world.admin.post("/api/identity-providers", json={**body, "name": "x", "issuer": "http://evil.test"})
    assert expect(bad, 422)["error"]["code"] == "invalid_issuer"
    coded = await world.admin.post(
        "/api/identity-providers",
        json={**body, "name": "x", "issuer": "http://evil.test"},
        headers={"Prefer": "errors=coded"},
    )
    assert expect(coded, 422)["error"]["fields"]["issuer"]["code"] == "issuer_not_https"
    for broken in ("https://[login.gent.test", "https://[::1/"):  # urlsplit refuses these: a 422, not a 500
        unreadable = await world.admin.post(
            "/api/identity-providers", json={**body, "name": "z", "issuer": broken}, headers={"Prefer": "errors=coded"}
        )
        assert expect(unreadable, 422)["error"]["fields"]["issuer"]["code"] == "issuer_not_plain_url"
    unknown_city = await world.admin.post("/api/identity-providers", json={**body, "name": "y", "city_id": 999999})
    assert expect(unknown_city, 422)["error"]["fields"] == {"city_id": "no such city"}
    changed = expect(await world.admin.patch(f"/api/identity-providers/{created['id']}", json={"required": True}), 200)
    assert changed["required"] is True
    listed = expect(await world.admin.get("/api/identity-providers"), 200)["items"]
    assert [p["name"] for p in listed] == ["ghent"]
    expect(await world.admin.delete(f"/api/identity-providers/{created['id']}"), 204)
    expect(await world.admin.delete(f"/api/identity-providers/{created['id']}"), 404)
