"""Signing in with a password, throttled so that guessing is slow but nobody can lock a victim out.

Three limits, each over the last `window_seconds` (docs/security.md describes them for operators):

- one account from one source (an address, or a known device): after `free_failures` failures
  each further try waits 2, 4, 8... seconds after the previous failure (at most the window);
  a success clears it. This is what slows a guesser, and it slows only the guesser.
- one address, any accounts: past `max_per_address` failures, only known devices sign in from it.
- one account, any sources: past `max_per_account` failures (a guesser rotating addresses), only
  known devices and addresses the account signed in from lately may try it.

A known device is a browser holding the signed cookie set at its last successful sign-in to that
account; the right password from it is never locked out, and its failures count on its own.
"""

from __future__ import annotations

import math
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta

from sqlalchemy import func, select
from sqlalchemy.ext.asyncio import AsyncSession

from server.auth.passwords import verify_password, waste_time
from server.auth.tokens import known_device
from server.db.models import LoginAttempt, User
from server.errors import TooManyRequests, Unauthorized
from server.services import twofactor


@dataclass(frozen=True)
class Limits:
    window_seconds: int
    free_failures: int
    max_per_account: int
    max_per_address: int
    known_address_days: int

    @classmethod
    def from_settings(cls, settings) -> Limits:
        return cls(
            settings.login_window_seconds,
            settings.login_free_failures,
            settings.login_max_failures_per_account,
            settings.login_max_failures_per_address,
            settings.login_known_address_days,
        )


def _now() -> datetime:
    return datetime.now(UTC)


def _refuse(seconds: float) -> TooManyRequests:
    wait = max(1, math.ceil(seconds))
    return TooManyRequests(
        f"Too many failed sign-in attempts; try again in {wait} seconds.", retry_after=wait, code="rate_limited"
    )


async def _pair_wait(db: AsyncSession, email: str, source, limits: Limits) -> float:
    """Seconds this account must wait before trying again from this source."""
    cleared = await db.scalar(select(func.max(LoginAttempt.at)).where(source, LoginAttempt.succeeded.is_(True)))
    since = _now() - timedelta(seconds=limits.window_seconds)
    if cleared is not None and cleared > since:
        since = cleared
    count, last = (
        await db.execute(
            select(func.count(), func.max(LoginAttempt.at)).where(
                source, LoginAttempt.at > since, LoginAttempt.succeeded.is_(False)
            )
        )
    ).one()
    if count < limits.free_failures:
        return 0
    delay = min(2 ** (count - limits.free_failures + 1), limits.window_seconds)
    return (last + timedelta(seconds=delay) - _now()).total_seconds()


async def _over(db: AsyncSession, condition, limit: int, window_seconds: int) -> float:
    """Seconds until the failures matching `condition` fall under `limit`; 0 if they are."""
    since = _now() - timedelta(seconds=window_seconds)
    count, oldest = (
        await db.execute(
            select(func.count(), func.min(LoginAttempt.at)).where(
                condition, LoginAttempt.at > since, LoginAttempt.succeeded.is_(False)
            )
        )
    ).one()
    return (oldest + timedelta(seconds=window_seconds) - _now()).total_seconds() if count >= limit else 0


async def _known_address(db: AsyncSession, email: str, address: str, days: int) -> bool:
    return bool(
        await db.scalar(
            select(LoginAttempt.id)
            .where(
                LoginAttempt.email == email,
                LoginAttempt.address == address,
                LoginAttempt.succeeded.is_(True),
                LoginAttempt.at > _now() - timedelta(days=days),
            )
            .limit(1)
        )
    )


async def _throttle(db: AsyncSession, email: str, address: str, device: str | None, limits: Limits) -> None:
    if device is not None:
        source = (LoginAttempt.email == email) & (LoginAttempt.device == device)
    else:
        source = (LoginAttempt.email == email) & (LoginAttempt.address == address) & LoginAttempt.device.is_(None)
    wait = await _pair_wait(db, email, source, limits)
    if wait > 0:
        raise _refuse(wait)
    if device is not None:
        return
    by_address = (LoginAttempt.address == address) & LoginAttempt.device.is_(None)
    wait = await _over(db, by_address, limits.max_per_address, limits.window_seconds)
    if wait > 0:
        raise _refuse(wait)
    wait = await _over(db, LoginAttempt.email == email, limits.max_per_account, limits.window_seconds)
    if wait > 0 and not await _known_address(db, email, address, limits.known_address_days):
        raise _refuse(wait)


async def authenticate(
    db: AsyncSession,
    *,
    email: str,
    password: str,
    address: str,
    device_cookie: str | None,
    secret_key: str,
    limits: Limits,
    totp_code: str | None = None,
) -> tuple[User, str | None]:
    """The user and the known-device id of this browser (None if it is not one), or 401 / 429.
    Failed attempts are committed here, because the caller's transaction ends in an error."""
    email = email.strip().lower()
    user = await db.scalar(select(User).where(User.email == email))
    device = known_device(secret_key, user.id, device_cookie) if user is not None else None
    await _throttle(db, email, address, device, limits)
    # The same Argon2 work whether the account exists, is active or is deactivated: the time of
    # the answer must not tell which emails have accounts.
    wrong_code = False
    if user is None:
        await waste_time(password)
        ok = False
    else:
        ok = await verify_password(user.password_hash, password) and user.deactivated_at is None
        if ok and user.totp_enabled_at is not None and not await _second_factor(db, user, totp_code):
            ok, wrong_code = False, True
    db.add(LoginAttempt(email=email, address=address[:64], device=device, succeeded=ok))
    if not ok:
        await db.commit()
        if wrong_code:
            raise Unauthorized("This code is not right, or was already used.", code="bad_totp_code")
        raise Unauthorized("Wrong email or password.", code="bad_credentials")
    return user, device


async def _second_factor(db: AsyncSession, user: User, code: str | None) -> bool:
    """With two-factor on, the right password alone answers `totp_required` and records nothing
    (it tells no more than a wrong password would, and those are throttled); a wrong code counts
    as a failed attempt, so guessing codes meets the same throttle as guessing passwords."""
    if not code:
        raise Unauthorized("Enter the code from your authenticator app.", code="totp_required")
    return await twofactor.accept_code(db, user, code)
