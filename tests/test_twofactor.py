"""Two-factor sign-in with codes computed by pyotp, recovery codes, and the platform-wide requirement."""

from __future__ import annotations

import base64
import time
from dataclasses import replace

import pyotp
import pytest
from sqlalchemy import select

from server.db.models import RecoveryCode
from server.services import accounts
from tests.conftest import PASSWORD
from tests.harness import ServerThread, expect

EMAIL = "totp@lisboa.test"


def code(secret: str, steps_ahead: int = 0) -> str:
    """A code of the current 30-second step, or of the next (within the accepted drift)."""
    return pyotp.TOTP(secret).at(time.time() + 30 * steps_ahead)


async def enrolled(db, clients) -> tuple:
    await accounts.create_user(db, email=EMAIL, name="Tomás Totp", password=PASSWORD)
    await db.commit()
    person = clients()
    expect(await person.sign_in(EMAIL, PASSWORD), 200)
    start = expect(await person.post("/api/me/totp"), 200)
    secret = start["secret"]
    assert start["otpauth_uri"].startswith("otpauth://totp/Citybridge:") and f"secret={secret}" in start["otpauth_uri"]
    prefix = "data:image/svg+xml;base64,"
    assert start["qr_svg"].startswith(prefix)
    svg = base64.b64decode(start["qr_svg"][len(prefix) :]).decode()
    assert "<svg" in svg and "<script" not in svg
    wrong = await person.post("/api/me/totp/confirm", json={"code": "000000" if code(secret) != "000000" else "111111"})
    assert expect(wrong, 422)["error"]["code"] == "bad_totp_code"
    codes = expect(await person.post("/api/me/totp/confirm", json={"code": code(secret)}), 200)["recovery_codes"]
    return person, secret, codes


async def test_enrolment_then_sign_in_needs_a_fresh_code(db, clients):
    person, secret, recovery = await enrolled(db, clients)
    assert len(recovery) == 10 and len(set(recovery)) == 10
    stored = (await db.scalars(select(RecoveryCode.code_hash))).all()
    assert len(stored) == 10 and not set(recovery) & set(stored)  # hashed, never the codes themselves
    status = expect(await person.get("/api/me/totp"), 200)
    assert status == {"enabled": True, "recovery_codes_left": 10, "required": False}
    expect(await person.post("/api/me/totp"), 409)  # already on

    browser = clients()
    refused = expect(await browser.sign_in(EMAIL, PASSWORD), 401)["error"]
    assert refused["code"] == "totp_required"
    assert expect(await browser.sign_in(EMAIL, "wrong password"), 401)["error"]["code"] == "bad_credentials"
    body = {"email": EMAIL, "password": PASSWORD, "totp_code": code(secret, 1)}
    expect(await browser.http.post("/api/session", json=body), 200)
    # the same code, again, within its window: refused
    replay = await clients().http.post("/api/session", json=body)
    assert expect(replay, 401)["error"]["code"] == "bad_totp_code"
    # a wrong password with a good code is still a wrong password
    other = {**body, "password": "not the password", "totp_code": code(secret, 1)}
    assert expect(await clients().http.post("/api/session", json=other), 401)["error"]["code"] == "bad_credentials"


async def test_recovery_codes_work_once_and_turning_off_needs_a_code(db, clients):
    person, secret, recovery = await enrolled(db, clients)
    with_recovery = {"email": EMAIL, "password": PASSWORD, "totp_code": recovery[0].upper()}
    expect(await clients().http.post("/api/session", json=with_recovery), 200)
    again = await clients().http.post("/api/session", json=with_recovery)
    assert expect(again, 401)["error"]["code"] == "bad_totp_code"
    assert expect(await person.get("/api/me/totp"), 200)["recovery_codes_left"] == 9
    expect(await person.request("DELETE", "/api/me/totp", json={"code": "123-456-789"}), 422)
    expect(await person.request("DELETE", "/api/me/totp", json={"code": recovery[1]}), 204)
    assert expect(await person.get("/api/me/totp"), 200)["enabled"] is False
    expect(await clients().sign_in(EMAIL, PASSWORD), 200)  # the password alone again


async def test_guessing_codes_meets_the_sign_in_throttle(db, clients, settings):
    _, secret, _ = await enrolled(db, clients)
    good = code(secret, 1)
    guesser = clients()
    statuses = []
    for guess in range(settings.login_free_failures + 1):
        wrong = f"{(int(good) + guess + 1) % 1_000_000:06d}"
        body = {"email": EMAIL, "password": PASSWORD, "totp_code": wrong}
        statuses.append((await guesser.http.post("/api/session", json=body)).status_code)
    assert statuses[: settings.login_free_failures] == [401] * settings.login_free_failures
    assert statuses[-1] == 429
    # even the right code must wait now
    body = {"email": EMAIL, "password": PASSWORD, "totp_code": good}
    assert (await guesser.http.post("/api/session", json=body)).status_code == 429


@pytest.fixture(scope="module")
def strict_server(settings, database_url, server):
    thread = ServerThread(replace(settings, require_totp=True), database_url).start()
    yield thread
    thread.stop()


async def test_a_platform_requiring_two_factor_lets_people_only_enrol(db, strict_server):
    from tests.harness import Client

    await accounts.create_user(db, email=EMAIL, name="Tomás Totp", password=PASSWORD)
    await db.commit()
    person = Client(strict_server.base_url)
    try:
        expect(await person.sign_in(EMAIL, PASSWORD), 200)
        assert expect(await person.get("/api/spaces"), 403)["error"]["code"] == "totp_setup_required"
        expect(await person.get("/api/me"), 200)
        assert expect(await person.get("/api/me/totp"), 200)["required"] is True
        secret = expect(await person.post("/api/me/totp"), 200)["secret"]
        expect(await person.post("/api/me/totp/confirm", json={"code": code(secret)}), 200)
        expect(await person.get("/api/spaces"), 200)
    finally:
        await person.close()
