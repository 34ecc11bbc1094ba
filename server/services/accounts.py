"""Users, sign-in, browser sessions and personal API tokens."""

from __future__ import annotations

import re
import unicodedata
from datetime import UTC, datetime, timedelta
from typing import Any, NamedTuple

from sqlalchemy import delete, select, update
from sqlalchemy.ext.asyncio import AsyncSession

from server.auth.credential_cache import CredentialCache
from server.auth.passwords import check_strength, hash_password
from server.auth.tokens import new_token, token_hash
from server.db import driver, loaded
from server.db.models import ApiToken, Session, User
from server.errors import Conflict, Invalid, problem
from server.services import changelog

MIN_PASSWORD = 8


def now() -> datetime:
    return datetime.now(UTC)


def normalise_email(email: str) -> str:
    return email.strip().lower()


# Letters that NFKD does not decompose into an ASCII base letter.
_TRANSLITERATE = str.maketrans(
    {
        "Ł": "L",
        "ł": "l",
        "Đ": "D",
        "đ": "d",
        "Ø": "O",
        "ø": "o",
        "ı": "i",
        "ß": "ss",
        "Æ": "Ae",
        "æ": "ae",
        "Œ": "Oe",
        "œ": "oe",
        "Þ": "Th",
        "þ": "th",
    }
)


def _handle_base(name: str) -> str:
    ascii_name = unicodedata.normalize("NFKD", name.translate(_TRANSLITERATE)).encode("ascii", "ignore").decode()
    base = re.sub(r"[^a-z0-9]+", ".", ascii_name.lower()).strip(".")
    return base[:48] or "user"


async def _unique_handle(db: AsyncSession, name: str) -> str:
    base = _handle_base(name)
    taken = set((await db.scalars(select(User.handle).where(User.handle.like(f"{base}%")))).all())
    if base not in taken:
        return base
    n = 2
    while f"{base}{n}" in taken:
        n += 1
    return f"{base}{n}"


async def create_user(
    db: AsyncSession,
    *,
    email: str,
    name: str,
    password: str,
    is_admin: bool = False,
    city_id: int | None = None,
    position: str = "",
    languages: list[str] | None = None,
    locale: str = "en",
) -> User:
    """Create an account; Conflict if the email is already registered."""
    email = normalise_email(email)
    if await db.scalar(select(User.id).where(User.email == email)):
        raise Conflict(
            "An account with this email already exists.", code="email_taken", fields={"email": problem("duplicate")}
        )
    await check_strength(password, name=name, email=email)
    user = User(
        email=email,
        name=name.strip(),
        handle=await _unique_handle(db, name),
        password_hash=await hash_password(password),
        is_admin=is_admin,
        city_id=city_id,
        position=position,
        languages=languages or [],
        locale=locale,
    )
    db.add(user)
    await db.flush()
    return user


async def set_password(db: AsyncSession, user: User, password: str) -> None:
    await check_strength(password, name=user.name, email=user.email)
    user.password_hash = await hash_password(password)
    ended = (await db.scalars(delete(Session).where(Session.user_id == user.id).returning(Session.token_hash))).all()
    for hashed in ended:  # their open websockets close too (4401), on every node
        await changelog.signal_sign_out(db, user.id, hashed, "signed_out")


async def start_session(
    db: AsyncSession, user: User, days: int, *, user_agent: str | None = None, address: str | None = None
) -> str:
    token = new_token()
    db.add(
        Session(
            token_hash=token_hash(token),
            user_id=user.id,
            expires_at=now() + timedelta(days=days),
            user_agent=(user_agent or "")[:300] or None,
            address=(address or "")[:64] or None,
            last_used_at=now(),
        )
    )
    await db.flush()
    return token


# A session's last use is written at most this often: not one write per request.
LAST_USE_GRANULARITY = timedelta(minutes=5)


# Who is calling, on every request's path: one statement each for a session cookie and an API token,
# sent straight to asyncpg before the request's transaction begins (driver.connection_as_is), and the
# user built from its row. The ORM's execution and instance loading were most of GET /api/me's CPU
# (py-spy under bench/routes.py). The user's columns by attribute, and the city's two-factor rule
# (User.city_requires_totp, which only this look-up loads). A node keeps the rows it read for a while
# (server/auth/credential_cache.py): a session's expiry is therefore checked on every use.
_USER = loaded.Shape(User, "u")
_OWNER = _USER.select + ", c.require_totp"
_SESSION_OWNER = f"""
SELECT {_OWNER}, s.id, s.last_used_at, s.expires_at
FROM sessions s JOIN users u ON u.id = s.user_id LEFT JOIN cities c ON c.id = u.city_id
WHERE s.token_hash = $1 AND s.expires_at > now() AND u.deactivated_at IS NULL
"""
_TOKEN_OWNER = f"""
SELECT {_OWNER}, t.id, t.last_used_at, t.expires_at, t.scopes
FROM api_tokens t JOIN users u ON u.id = t.user_id LEFT JOIN cities c ON c.id = u.city_id
WHERE t.token_hash = $1 AND t.revoked_at IS NULL AND u.deactivated_at IS NULL
"""
_USED_SESSION = "UPDATE sessions SET last_used_at = $2 WHERE id = $1"
_USED_TOKEN = "UPDATE api_tokens SET last_used_at = $2 WHERE id = $1"
_REST = _USER.width + 1  # where the session's or token's own columns start: id, last use, expiry
_USER_ID = _USER.columns.index(("id", "id"))


async def _owner(db: AsyncSession, cache: CredentialCache | None, kind: str, statement: str, token: str):
    """The credential's row (user, then its own columns), from the node's cache or from PostgreSQL; a
    session's only while it has not expired. Its last use is written at most every few minutes."""
    key = (kind, token_hash(token))
    entry = cache.get(key) if cache is not None else None
    if entry is None:
        generation = cache.generation if cache is not None else 0
        connection = await driver.connection_as_is(db)
        found = await connection.fetchrow(statement, key[1])
        if found is None:
            return None
        row, last_used_at = tuple(found), found[_REST + 1]
    else:
        row, last_used_at = entry.row, entry.last_used_at
    if kind == "cookie" and row[_REST + 2] <= now():
        return None  # an API token's expiry is the caller's to tell (401 token_expired)
    if last_used_at is None or last_used_at < now() - LAST_USE_GRANULARITY:
        connection = await driver.connection_as_is(db)
        last_used_at = now()
        await connection.execute(_USED_TOKEN if kind == "bearer" else _USED_SESSION, row[_REST], last_used_at)
        if entry is not None:
            entry.last_used_at = last_used_at
    if entry is None and cache is not None:
        cache.put(key, generation, row, row[_USER_ID], last_used_at)
    return row


def _attached(db: AsyncSession, row: tuple) -> User:
    """The row's user, in the session as if the session had loaded it (no statement), with its city's
    two-factor rule. A cached row is shared by requests: the user gets its own lists and dicts."""
    values = tuple(_own(v) if isinstance(v, (list, dict)) else v for v in row[: _REST - 1])
    return _USER.attach(db, values, city_requires_totp=row[_REST - 1])


def _own(value: Any) -> Any:
    """A copy of a JSON-like value's lists and dicts (copy.deepcopy took 8 µs a user)."""
    if isinstance(value, list):
        return [_own(v) for v in value]
    if isinstance(value, dict):
        return {k: _own(v) for k, v in value.items()}
    return value


async def user_for_session(db: AsyncSession, token: str, cache: CredentialCache | None = None) -> User | None:
    row = await _owner(db, cache, "cookie", _SESSION_OWNER, token)
    return None if row is None else _attached(db, row)


async def end_session(db: AsyncSession, token: str) -> None:
    hashed = token_hash(token)
    user_id = await db.scalar(delete(Session).where(Session.token_hash == hashed).returning(Session.user_id))
    if user_id is not None:  # the session's open websockets close too (4401), on every node
        await changelog.signal_sign_out(db, user_id, hashed, "signed_out")


SCOPES = ("read", "write", "admin")


async def create_api_token(
    db: AsyncSession,
    user: User,
    name: str,
    scopes: list[str] | tuple[str, ...] = ("read", "write"),
    days: int = 90,
    max_days: int = 365,
) -> tuple[ApiToken, str]:
    """A personal token; the secret is returned once and only its hash is kept."""
    if "admin" in scopes and not user.is_admin:
        raise Invalid(
            "Only platform admins can give a token the admin scope.",
            code="scope_not_allowed",
            fields={"scopes": problem("admin_scope_needs_admin")},
        )
    if days > max_days:
        raise Invalid(
            f"A token lives at most {max_days} days.",
            code="expiry_too_far",
            fields={"expires_in_days": problem("too_large", max=max_days)},
        )
    secret = new_token("cbt_")
    token = ApiToken(
        user_id=user.id,
        name=name,
        token_hash=token_hash(secret),
        scopes=[scope for scope in SCOPES if scope in scopes],
        expires_at=now() + timedelta(days=days),
    )
    db.add(token)
    await db.flush()
    return token, secret


async def list_api_tokens(db: AsyncSession, user: User) -> list[ApiToken]:
    return list(
        (
            await db.scalars(
                select(ApiToken).where(ApiToken.user_id == user.id, ApiToken.revoked_at.is_(None)).order_by(ApiToken.id)
            )
        ).all()
    )


async def revoke_api_token(db: AsyncSession, user: User, token_id: int) -> bool:
    hashed = await db.scalar(
        update(ApiToken)
        .where(ApiToken.id == token_id, ApiToken.user_id == user.id, ApiToken.revoked_at.is_(None))
        .values(revoked_at=now())
        .returning(ApiToken.token_hash)
    )
    if hashed is None:
        return False
    await changelog.signal_sign_out(db, user.id, hashed, "token_revoked")  # its websockets close (4401)
    return True


async def deactivate_user(db: AsyncSession, user: User) -> None:
    """Sign the user out everywhere: sessions end, tokens are revoked (a reactivation must not bring
    a leaked one back), and every socket closes (4401 on every node, once this commits)."""
    user.deactivated_at = now()
    await db.execute(delete(Session).where(Session.user_id == user.id))
    await db.execute(
        update(ApiToken).where(ApiToken.user_id == user.id, ApiToken.revoked_at.is_(None)).values(revoked_at=now())
    )
    await db.flush()
    await changelog.signal_sign_out(db, user.id, None, "deactivated")


class TokenUse(NamedTuple):
    expires_at: datetime
    scopes: list[str]


async def api_token_owner(
    db: AsyncSession, secret: str, cache: CredentialCache | None = None
) -> tuple[User, TokenUse] | None:
    """The active owner of a live (unrevoked) token, with the token's expiry and scopes; expiry is the
    caller's to tell."""
    row = await _owner(db, cache, "bearer", _TOKEN_OWNER, secret)
    if row is None:
        return None
    return _attached(db, row), TokenUse(row[_REST + 2], list(row[_REST + 3]))


async def update_profile(db: AsyncSession, user: User, changes: dict) -> User:
    for key in ("name", "position", "languages", "locale", "city_id"):
        if key in changes:
            setattr(user, key, changes[key])
    await db.flush()
    return user


# user_for_api_token and user_for_session for many credentials in one round trip, as raw SQL for
# asyncpg: realtime authenticates the sockets that connect at the same moment together, with its own
# pool (realtime/auth.py). Same conditions as above: not revoked / not expired, user not deactivated;
# a token also needs the read scope (server/api/auth.py check_scope).
_TOKENS_BY_HASH = """
SELECT t.token_hash, u.id, u.name, u.totp_enabled_at IS NOT NULL, COALESCE(c.require_totp, false)
FROM api_tokens t JOIN users u ON u.id = t.user_id LEFT JOIN cities c ON c.id = u.city_id
WHERE t.token_hash = ANY($1::text[]) AND t.revoked_at IS NULL AND u.deactivated_at IS NULL
  AND t.expires_at > now() AND 'read' = ANY(t.scopes)
"""
_SESSIONS_BY_HASH = """
SELECT s.token_hash, u.id, u.name, u.totp_enabled_at IS NOT NULL, COALESCE(c.require_totp, false)
FROM sessions s JOIN users u ON u.id = s.user_id LEFT JOIN cities c ON c.id = u.city_id
WHERE s.token_hash = ANY($1::text[]) AND s.expires_at > now() AND u.deactivated_at IS NULL
"""


async def users_for_credentials(
    pool: Any, keys: list[tuple[str, str]]
) -> dict[tuple[str, str], tuple[int, str, bool, bool]]:
    """(kind, token hash) -> (user id, name, has two-factor, city requires two-factor) for the
    credentials that are valid, from an asyncpg pool or connection; kind "bearer" is an API token,
    "cookie" a session. The two-factor flags let the socket apply server.api.auth's enrolment rule."""
    found: dict[tuple[str, str], tuple[int, str, bool, bool]] = {}
    for kind, query in (("bearer", _TOKENS_BY_HASH), ("cookie", _SESSIONS_BY_HASH)):
        hashes = [hashed for asked, hashed in keys if asked == kind]
        if hashes:
            for row in await pool.fetch(query, hashes):
                found[(kind, row[0])] = (row[1], row[2], row[3], row[4])
    return found
