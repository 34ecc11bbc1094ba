"""OpenID Connect sign-in against a real provider over HTTP (tests/oidc_helpers.py): accounts
created and linked, and every way a sign-in must fail without signing anyone in."""

from __future__ import annotations

import asyncio
import time
from dataclasses import replace

import httpx
import pytest
from joserfc.jwk import RSAKey

from server.auth import oidc
from server.auth.oidc_config import parse_providers
from server.services import accounts
from tests.conftest import PASSWORD, make_admin
from tests.harness import ServerThread, expect
from tests.oidc_helpers import Provider, sso_error, walk


@pytest.fixture(scope="module")
def provider():
    running = Provider().start()
    yield running
    running.stop()


@pytest.fixture(scope="module")
def sso_server(settings, database_url, provider):
    declared = [
        {"name": "city", "issuer": provider.issuer, "client_id": "citybridge", "client_secret": "s3cret"},
        {
            "name": "gov",
            "issuer": provider.issuer,
            "client_id": "citybridge-gov",
            "client_secret": "s3cret",
            "email_domains": ["gov.test"],
            "required": True,
            "auto_create": True,
        },
        {"name": "down", "issuer": "http://127.0.0.1:9", "client_id": "x", "client_secret": "y"},
    ]
    import json

    configured = replace(settings, oidc_providers=parse_providers(json.dumps(declared)))
    thread = ServerThread(configured, database_url).start()
    yield thread
    thread.stop()


@pytest.fixture
async def browser(sso_server):
    async with httpx.AsyncClient(base_url=sso_server.base_url) as client:
        yield client


@pytest.fixture
def honest(provider):
    provider.tamper = None
    yield provider
    provider.tamper = None


async def signed_in_as(browser) -> dict | None:
    response = await browser.get("/api/me")
    return response.json() if response.status_code == 200 else None


async def test_first_sign_in_creates_a_member_of_the_providers_city(db, browser, sso_server, honest):
    from tests.harness import Client

    await accounts.create_user(db, email="root@admin.test", name="Root Admin", password=PASSWORD, is_admin=True)
    await db.commit()
    admin = Client(sso_server.base_url)
    expect(await admin.sign_in("root@admin.test", PASSWORD), 200)
    city = expect(
        await admin.post("/api/cities", json={"name": "Ghent", "country": "Belgium", "profile": "newer"}), 201
    )
    body = {"name": "ghent", "issuer": honest.issuer, "client_id": "cb-ghent", "client_secret": "x"}
    added = expect(
        await admin.post("/api/identity-providers", json={**body, "auto_create": True, "city_id": city["id"]}), 201
    )
    assert added["source"] == "admin" and "client_secret" not in added
    public = expect(await browser.get("/api/identity-providers/public"), 200)["items"]
    assert {"name": "ghent", "url": "/auth/oidc/ghent"} in public
    await honest.set_user("ghent-1", {"email": "An.Official@Ghent.test", "email_verified": True, "name": "An Official"})

    answer = await walk(browser, "ghent", "ghent-1")
    assert answer.status_code == 303 and answer.headers["location"] == "/"
    me = await signed_in_as(browser)
    assert me["email"] == "an.official@ghent.test" and me["name"] == "An Official" and me["city_id"] == city["id"]

    # Later sign-ins find the account by the provider's subject, whatever the email says now.
    await honest.set_user("ghent-1", {"email": "renamed@ghent.test", "email_verified": False})
    async with httpx.AsyncClient(base_url=sso_server.base_url) as again:
        expect(await walk(again, "ghent", "ghent-1"), 303)
        assert (await signed_in_as(again))["id"] == me["id"]
    await admin.close()


async def test_a_verified_email_links_the_existing_account(db, browser, honest):
    user = await accounts.create_user(db, email="mieke@antwerpen.test", name="Mieke", password=PASSWORD)
    await db.commit()
    await honest.set_user("ant-7", {"email": "mieke@antwerpen.test", "email_verified": True})
    answer = await walk(browser, "city", "ant-7")
    assert answer.headers["location"] == "/"
    assert (await signed_in_as(browser))["id"] == user.id


async def test_an_unverified_email_neither_links_nor_creates(db, browser, honest):
    await accounts.create_user(db, email="victim@antwerpen.test", name="Victim", password=PASSWORD)
    await db.commit()
    await honest.set_user("attacker", {"email": "victim@antwerpen.test", "email_verified": False})
    answer = await walk(browser, "city", "attacker")
    assert sso_error(answer) == "email_not_verified"
    assert await signed_in_as(browser) is None
    # Even where accounts are created freely.
    await honest.set_user("attacker2", {"email": "someone@gov.test"})
    assert sso_error(await walk(browser, "gov", "attacker2")) == "email_not_verified"


async def test_without_account_or_invitation_the_provider_rule_decides(browser, honest):
    await honest.set_user("new-1", {"email": "new@antwerpen.test", "email_verified": True})
    assert sso_error(await walk(browser, "city", "new-1")) == "invitation_required"
    assert await signed_in_as(browser) is None
    # gov creates accounts, but only for its own domain.
    await honest.set_user("new-2", {"email": "new@elsewhere.test", "email_verified": True})
    assert sso_error(await walk(browser, "gov", "new-2")) == "domain_not_allowed"


async def test_a_pending_invitation_is_accepted_by_verified_email(db, clients, browser, honest):
    admin = await make_admin(db, clients)
    city, other = [
        expect(await admin.post("/api/cities", json={"name": name, "country": "France", "profile": "newer"}), 201)
        for name in ("Lyon", "Lille")
    ]
    space = expect(
        await admin.post("/api/spaces", json={"name": "Lyon space", "city_ids": [city["id"], other["id"]]}), 201
    )
    body = {"email": "invited@lyon.test", "space_id": space["id"], "city_id": city["id"]}
    expect(await admin.post("/api/invitations", json=body), 201)
    await honest.set_user("lyon-1", {"email": "invited@lyon.test", "email_verified": True})
    assert (await walk(browser, "city", "lyon-1")).headers["location"] == "/"
    me = await signed_in_as(browser)
    assert me["city_id"] == city["id"]
    members = expect(await admin.get(f"/api/spaces/{space['id']}/members"), 200)
    assert me["id"] in [m["user"]["id"] if "user" in m else m.get("user_id") for m in members["items"]]


async def test_bad_or_replayed_state_signs_nobody_in(browser, sso_server, honest):
    await honest.set_user("s-1", {"email": "s1@gov.test", "email_verified": True})
    start = await browser.get("/auth/oidc/gov")
    async with httpx.AsyncClient() as at_provider:
        back = (await at_provider.post(start.headers["location"], data={"sub": "s-1"})).headers["location"]
    forged = back.replace("state=", "state=x")
    assert sso_error(await browser.get(forged)) == "bad_state"
    # The callback in another browser (the attacker's link in a victim's browser): no state cookie.
    async with httpx.AsyncClient(base_url=sso_server.base_url) as other:
        assert sso_error(await other.get(back)) == "bad_state"
        assert await signed_in_as(other) is None
    assert sso_error(await browser.get(back)) == "bad_state"  # the state cookie went with the refusal
    assert await signed_in_as(browser) is None


async def test_a_callback_is_used_once(browser, honest):
    await honest.set_user("r-1", {"email": "r1@gov.test", "email_verified": True})
    start = await browser.get("/auth/oidc/gov")
    cookie = browser.cookies.get("cb_sso_state")
    async with httpx.AsyncClient() as at_provider:
        back = (await at_provider.post(start.headers["location"], data={"sub": "r-1"})).headers["location"]
    assert (await browser.get(back)).headers["location"] == "/"
    browser.cookies.set("cb_sso_state", cookie, path="/auth/oidc")
    browser.cookies.delete("cb_session")
    assert sso_error(await browser.get(back)) == "bad_state"


def _changed(**claims):
    return lambda original: ({**original, **claims}, None)


@pytest.mark.parametrize(
    "tamper, code",
    [
        (_changed(aud="someone-else"), "wrong_audience"),
        (_changed(nonce="not-ours"), "nonce_mismatch"),
        (_changed(iss="https://evil.test"), "wrong_issuer"),
        (_changed(exp=int(time.time()) - 600), "token_expired"),
        (lambda original: (original, RSAKey.generate_key(2048, parameters={"kid": "made-up"})), "unknown_key"),
    ],
    ids=["audience", "nonce", "issuer", "expired", "unknown-key"],
)
async def test_a_wrong_id_token_is_refused(db, browser, honest, tamper, code):
    await accounts.create_user(db, email="t@gov.test", name="T", password=PASSWORD)
    await db.commit()
    await honest.set_user("t-1", {"email": "t@gov.test", "email_verified": True})
    honest.tamper = tamper
    assert sso_error(await walk(browser, "gov", "t-1")) == code
    assert await signed_in_as(browser) is None


async def test_clock_skew_within_a_minute_is_tolerated(browser, honest):
    await honest.set_user("k-1", {"email": "k1@gov.test", "email_verified": True})
    now = int(time.time())
    honest.tamper = _changed(exp=now - 30, iat=now + 30)
    assert (await walk(browser, "gov", "k-1")).headers["location"] == "/"


async def test_a_rotated_key_is_fetched_again(browser, sso_server, honest):
    await honest.set_user("rot-1", {"email": "rot@gov.test", "email_verified": True})
    assert (await walk(browser, "gov", "rot-1")).headers["location"] == "/"
    await asyncio.sleep(oidc.JWKS_REFETCH_SECONDS)  # refetches are spaced out (another test made one)
    honest.rotate_key()  # the provider's tokens name no key id: the new key is found all the same
    async with httpx.AsyncClient(base_url=sso_server.base_url) as later:
        assert (await walk(later, "gov", "rot-1")).headers["location"] == "/"
        assert await signed_in_as(later) is not None
    await asyncio.sleep(oidc.JWKS_REFETCH_SECONDS)
    honest.rotate_key()
    honest.tamper = lambda claims: (claims, None)  # the same token, naming its (new) key id
    async with httpx.AsyncClient(base_url=sso_server.base_url) as later:
        assert (await walk(later, "gov", "rot-1")).headers["location"] == "/"
        assert await signed_in_as(later) is not None


async def test_a_provider_that_is_down_is_reported(browser):
    assert sso_error(await walk(browser, "down", "anyone")) == "provider_unavailable"
    assert sso_error(await browser.get("/auth/oidc/nobody")) == "unknown_provider"


async def test_a_required_provider_refuses_passwords_for_its_domain(db, browser, sso_server):
    await accounts.create_user(db, email="clerk@gov.test", name="Clerk", password=PASSWORD)
    await db.commit()
    refused = await browser.post("/api/session", json={"email": "Clerk@GOV.test", "password": PASSWORD})
    assert refused.status_code == 403
    assert refused.json()["error"]["code"] == "sso_required"
    assert refused.json()["error"]["fields"] == {"provider": "gov"}
    coded = await browser.post(
        "/api/session",
        json={"email": "clerk@gov.test", "password": PASSWORD},
        headers={"Prefer": "errors=coded"},
    )
    assert coded.json()["error"]["fields"]["provider"] == {"code": "use_provider", "provider": "gov", "message": "gov"}
    assert (await browser.get("/auth/oidc/gov")).status_code == 303
