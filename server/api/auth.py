"""Who is calling: a Bearer token, a session cookie, or nobody."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import UTC, datetime

from sqlalchemy.ext.asyncio import AsyncSession
from sqlalchemy.orm.attributes import set_committed_value
from starlette.requests import HTTPConnection

from server.auth.tokens import csrf_matches
from server.db.models import User
from server.errors import Forbidden, Unauthorized
from server.services import accounts

SESSION_COOKIE = "cb_session"
CSRF_HEADER = "x-csrf-token"


@dataclass
class Caller:
    user: User | None
    via: str | None  # "cookie", "bearer" or None
    session_token: str | None = None
    scopes: tuple[str, ...] = ()  # a bearer token's; a cookie session may do all its user may

    def check_csrf(self, request: HTTPConnection, settings) -> None:
        candidate = request.headers.get(CSRF_HEADER, "")
        if not candidate or not csrf_matches(settings.secret_key, self.session_token, candidate):
            raise Forbidden("Missing or wrong X-CSRF-Token header.", code="csrf_failed")


async def authenticate_request(conn: HTTPConnection, db: AsyncSession, settings) -> Caller:
    cache = getattr(conn.app.state, "credentials", None)  # server/auth/credential_cache.py
    header = conn.headers.get("authorization")
    if header is not None:
        scheme, _, secret = header.partition(" ")
        if scheme.lower() != "bearer" or not secret.strip():
            raise Unauthorized("Use 'Authorization: Bearer <token>'.", code="bad_token")
        found = await accounts.api_token_owner(db, secret.strip(), cache)
        if found is None:
            raise Unauthorized("This API token is not valid.", code="bad_token")
        user, token = found
        if token.expires_at <= datetime.now(UTC):
            raise Unauthorized("This API token has expired; create a new one.", code="token_expired")
        caller = Caller(user, "bearer", scopes=tuple(token.scopes))
        check_scope(caller, conn.scope.get("method", "GET"))
        return caller
    token = conn.cookies.get(SESSION_COOKIE)
    if token:
        user = await accounts.user_for_session(db, token, cache)
        if user is not None:
            return Caller(user, "cookie", token)
    return Caller(None, None)


def session_cookie(settings, token: str, max_age: int) -> dict:
    return {
        "key": SESSION_COOKIE,
        "value": token,
        "max_age": max_age,
        "httponly": True,
        "samesite": "lax",
        "secure": settings.secure_cookies,
        "path": "/",
    }


READ_METHODS = {"GET", "HEAD", "OPTIONS"}


def check_scope(caller: Caller, method: str) -> None:
    """A token does what its scopes allow: reads need `read`, anything else `write`. Without
    `admin`, an admin's token acts as a non-admin, so every admin-only rule refuses it (403)."""
    needed = "read" if method in READ_METHODS else "write"
    if needed not in caller.scopes:
        raise Forbidden(f"This API token lacks the '{needed}' scope.", code="insufficient_scope")
    if caller.user.is_admin and "admin" not in caller.scopes:
        # Loaded state, not a change: the session never writes it back.
        set_committed_value(caller.user, "is_admin", False)


# Where a person the platform or their city requires two-factor of, who has not turned it on, may still go.
TOTP_SETUP_PATHS = frozenset({"/api/me", "/api/me/totp", "/api/me/totp/confirm", "/api/session"})


def totp_required(user: User, settings) -> bool:
    """Two-factor is required platform-wide (CITYBRIDGE_REQUIRE_TOTP) or by the person's city.
    Only for a user loaded by authenticate_request, which reads the city's rule in the same query."""
    return bool(settings.require_totp or user.city_requires_totp)


def check_totp_policy(caller: Caller, settings, path: str) -> None:
    """Where two-factor is required, an account without it can only enrol (403 elsewhere), by
    cookie or by API token alike."""
    user = caller.user
    if user is None or user.totp_enabled_at is not None or path in TOTP_SETUP_PATHS:
        return
    if totp_required(user, settings):
        raise Forbidden("Turn on two-factor sign-in in your settings first.", code="totp_setup_required")
