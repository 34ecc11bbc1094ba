"""Sign-in throttling (issue 11, points 6 and 16): forwarded addresses are believed only from
trusted proxies, a guesser slows only themselves, and every wrong answer costs the same work."""

from __future__ import annotations

import asyncio
import time
from dataclasses import replace

import httpx
from sqlalchemy import select

from server.db.models import LoginAttempt, User
from server.services import accounts
from tests.conftest import PASSWORD
from tests.harness import ServerProcess, ServerThread, expect


async def _sign_in(client: httpx.AsyncClient, email: str, password: str, forwarded: str | None = None):
    headers = {"X-Forwarded-For": forwarded} if forwarded else {}
    return await client.post("/api/session", json={"email": email, "password": password}, headers=headers)


async def _addresses(db) -> set[str]:
    db.expire_all()
    return set((await db.scalars(select(LoginAttempt.address))).all())


async def test_forwarded_for_counts_only_from_a_trusted_proxy(world, settings, database_url, db):
    strict = ServerThread(replace(settings, login_max_failures_per_address=3), database_url).start()
    try:
        async with httpx.AsyncClient(base_url=strict.base_url) as client:
            # A client rotating X-Forwarded-For is still one address: the limit holds.
            for n in range(3):
                expect(await _sign_in(client, f"s{n}@example.test", "wrong password", f"198.51.100.{n}"), 401)
            limited = await _sign_in(client, "other@toronto.test", PASSWORD, "198.51.100.77")
            assert expect(limited, 429)["error"]["code"] == "rate_limited"
        assert await _addresses(db) == {"127.0.0.1"}
    finally:
        strict.stop()

    proxied = ServerThread(replace(settings, trusted_proxies=("127.0.0.0/8",)), database_url).start()
    try:
        async with httpx.AsyncClient(base_url=proxied.base_url) as client:
            expect(await _sign_in(client, "s9@example.test", "wrong password", "203.0.113.5"), 401)
        assert "203.0.113.5" in await _addresses(db)
    finally:
        proxied.stop()


async def test_a_guesser_cannot_lock_the_owner_out(world, clients):
    owner = clients()
    expect(await owner.sign_in("member@danang.test", PASSWORD), 200)
    assert "cb_device" in owner.http.cookies  # this browser is now a known device of the account
    expect(await owner.delete("/api/session"), 204)

    attacker = clients()
    for _ in range(5):
        expect(await attacker.sign_in("member@danang.test", "guess"), 401)
    refused = await attacker.sign_in("member@danang.test", "guess")
    assert expect(refused, 429)["error"]["code"] == "rate_limited"
    first_wait = int(refused.headers["retry-after"])
    assert 1 <= first_wait <= 2
    # The owner's browser is not slowed by the guesser, and the right password lets them in.
    expect(await owner.sign_in("member@danang.test", PASSWORD), 200)
    # The guesser's delay grows with each failure after the free ones.
    await asyncio.sleep(first_wait + 0.2)
    expect(await attacker.sign_in("member@danang.test", "guess"), 401)
    again = await attacker.sign_in("member@danang.test", "guess")
    assert expect(again, 429) and int(again.headers["retry-after"]) >= 3


async def test_an_account_under_attack_from_many_addresses_stays_open_to_known_devices(world, settings, database_url):
    limits = replace(settings, trusted_proxies=("127.0.0.0/8",), login_max_failures_per_account=6)
    node = ServerThread(limits, database_url).start()
    try:
        async with (
            httpx.AsyncClient(base_url=node.base_url) as owner,
            httpx.AsyncClient(base_url=node.base_url) as stranger,
        ):
            expect(await _sign_in(owner, "member@danang.test", PASSWORD, "192.0.2.1"), 200)
            for n in range(6):  # one guess from each of many addresses
                expect(await _sign_in(stranger, "member@danang.test", "guess", f"198.51.100.{n}"), 401)
            # A new browser at a new address must wait, even with the right password...
            expect(await _sign_in(stranger, "member@danang.test", PASSWORD, "198.51.100.200"), 429)
            # ...but the owner's known device passes, from anywhere,
            expect(await _sign_in(owner, "member@danang.test", PASSWORD, "198.51.100.201"), 200)
            # and so does a new browser at an address the owner signed in from lately.
            expect(await _sign_in(stranger, "member@danang.test", PASSWORD, "192.0.2.1"), 200)
    finally:
        node.stop()


async def test_wrong_passwords_cost_the_same_for_active_deactivated_and_unknown_accounts(
    world, db, database_url, tmp_path
):
    # Production's Argon2 cost, so the hash dominates the answer's time.
    # (behind a trusted proxy, so each round's guesses come from their own address).
    node = ServerProcess(
        database_url,
        tmp_path,
        CITYBRIDGE_ARGON2_MEMORY_KIB="65536",
        CITYBRIDGE_ARGON2_TIME_COST="3",
        CITYBRIDGE_TRUSTED_PROXIES="127.0.0.0/8",
    ).start()
    emails = {"active": "active@wroclaw.test", "deactivated": "gone@wroclaw.test", "unknown": "nobody@wroclaw.test"}
    timings: dict[str, list[float]] = {kind: [] for kind in emails}
    try:
        async with httpx.AsyncClient(base_url=node.base_url, timeout=60) as client:
            for kind in ("active", "deactivated"):  # accounts whose hashes have that cost
                body = {"email": emails[kind], "space_id": world.space_a["id"]}
                token = expect(await world.admin.post("/api/invitations", json=body), 201)["token"]
                accept = {"name": f"{kind.title()} Official", "password": PASSWORD}
                expect(await client.post(f"/api/invitations/{token}/accept", json=accept), 200)
                client.cookies.clear()
            gone = await db.scalar(select(User).where(User.email == emails["deactivated"]))
            await accounts.deactivate_user(db, gone)
            await db.commit()
            expect(await _sign_in(client, "warm@example.test", "warm up"), 401)
            kinds = list(emails)
            for round_ in range(6):  # each kind goes first, second and last in turn
                for kind in kinds[round_ % 3 :] + kinds[: round_ % 3]:
                    started = time.perf_counter()
                    address = f"203.0.113.{round_}"  # one guess per account and address: no throttle
                    expect(await _sign_in(client, emails[kind], "not the password", address), 401)
                    timings[kind].append(time.perf_counter() - started)
    finally:
        node.stop()
    # The fastest answer of each kind is its own cost; a loaded machine (CI runs tests side by side)
    # only ever adds to it, so the minimums compare the work and not the neighbours. A path that
    # skipped the hash would answer in a few milliseconds against Argon2's hundred or more, so a
    # third of the active account's fastest catches it tenfold; half did not leave room for the
    # load (a CI run: deactivated 133 ms against active 268 ms, both plainly hashing).
    fastest = {kind: min(values) for kind, values in timings.items()}
    assert fastest["deactivated"] > fastest["active"] / 3, timings
    assert fastest["unknown"] > fastest["active"] / 3, timings
    assert fastest["active"] > 0.5 * max(fastest["deactivated"], fastest["unknown"]), timings
