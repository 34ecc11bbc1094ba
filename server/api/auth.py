"""Who is calling: a Bearer token, a session cookie, or nobody."""

from __future__ import annotations

from dataclasses import dataclass

from sqlalchemy.ext.asyncio import AsyncSession
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

    def check_csrf(self, request: HTTPConnection, settings) -> None:
        candidate = request.headers.get(CSRF_HEADER, "")
        if not candidate or not csrf_matches(settings.secret_key, self.session_token, candidate):
            raise Forbidden("Missing or wrong X-CSRF-Token header.", code="csrf_failed")


async def authenticate_request(conn: HTTPConnection, db: AsyncSession, settings) -> Caller:
    header = conn.headers.get("authorization")
    if header is not None:
        scheme, _, secret = header.partition(" ")
        if scheme.lower() != "bearer" or not secret.strip():
            raise Unauthorized("Use 'Authorization: Bearer <token>'.", code="bad_token")
        user = await accounts.user_for_api_token(db, secret.strip())
        if user is None:
            raise Unauthorized("This API token is not valid.", code="bad_token")
        return Caller(user, "bearer")
    token = conn.cookies.get(SESSION_COOKIE)
    if token:
        user = await accounts.user_for_session(db, token)
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
