"""A person's own security: their password, their signed-in devices; an admin cutting someone off.

Every way out ends the same way: the stored credential goes, and `changelog.signal_sign_out`
tells every realtime node (once the transaction commits) to close the sockets it opened.
"""

from __future__ import annotations

import re

from sqlalchemy import delete, select, update
from sqlalchemy.ext.asyncio import AsyncSession

from server.auth.passwords import check_strength, hash_password, verify_password
from server.auth.tokens import token_hash
from server.db.models import ApiToken, Session, User
from server.errors import Conflict, Forbidden, Invalid, NotFound, problem
from server.services import accounts, audit, changelog
from server.services.views import iso

_BROWSERS = (("Edg/", "Edge"), ("OPR/", "Opera"), ("Firefox/", "Firefox"), ("Chrome/", "Chrome"), ("Safari/", "Safari"))
_SYSTEMS = (
    ("Android", "Android"),
    ("iPhone", "iOS"),
    ("iPad", "iPadOS"),
    ("Windows", "Windows"),
    ("Mac OS X", "macOS"),
    ("CrOS", "ChromeOS"),
    ("Linux", "Linux"),
)


def describe_agent(user_agent: str | None) -> str:
    """ "Firefox on Windows" from a User-Agent; what a person recognises, not a fingerprint."""
    agent = user_agent or ""
    browser = next((name for mark, name in _BROWSERS if mark in agent), None)
    system = next((name for mark, name in _SYSTEMS if mark in agent), None)
    if browser is None:  # a script or an app: its product token says more than "unknown"
        match = re.match(r"[A-Za-z][\w.-]{0,40}", agent)
        browser = match.group(0) if match else "Unknown browser"
    return f"{browser} on {system}" if system else browser


async def check_password(db: AsyncSession, user: User, password: str, field: str) -> None:
    """Refuse (422) a wrong current password. The refusal is committed with the request's rate-limit
    count (the `account` limit), so guessing through a stolen session stays slow."""
    if not await verify_password(user.password_hash, password):
        await db.commit()
        raise Invalid("The password is not right.", code="wrong_password", fields={field: problem("wrong_password")})


async def change_password(
    db: AsyncSession, user: User, current: str, new: str, *, sign_out_others: bool, keep_session: str | None
) -> int:
    """Set a new password; with `sign_out_others`, every other session ends and every token is
    revoked. Answers how many sessions and tokens ended."""
    await check_password(db, user, current, "current_password")
    try:
        await check_strength(new, name=user.name, email=user.email)
    except Invalid as weak:  # the same refusal, named after this form's field
        raise Invalid(weak.message, code="weak_password", fields={"new_password": weak.fields["password"]}) from None
    user.password_hash = await hash_password(new)
    await db.flush()
    return await sign_out_everywhere_else(db, user, keep_session) if sign_out_others else 0


async def sign_out_everywhere_else(db: AsyncSession, user: User, keep_session: str | None) -> int:
    keep = token_hash(keep_session) if keep_session else ""
    ended = (
        await db.scalars(
            delete(Session).where(Session.user_id == user.id, Session.token_hash != keep).returning(Session.token_hash)
        )
    ).all()
    revoked = (
        await db.scalars(
            update(ApiToken)
            .where(ApiToken.user_id == user.id, ApiToken.revoked_at.is_(None))
            .values(revoked_at=accounts.now())
            .returning(ApiToken.token_hash)
        )
    ).all()
    for hashed in ended:
        await changelog.signal_sign_out(db, user.id, hashed, "signed_out")
    for hashed in revoked:
        await changelog.signal_sign_out(db, user.id, hashed, "token_revoked")
    return len(ended) + len(revoked)


async def list_sessions(db: AsyncSession, user: User, current: str | None) -> list[dict]:
    current_hash = token_hash(current) if current else None
    rows = await db.scalars(
        select(Session)
        .where(Session.user_id == user.id, Session.expires_at > accounts.now())
        .order_by(Session.last_used_at.desc().nulls_last(), Session.id.desc())
    )
    return [
        {
            "id": row.id,
            "browser": describe_agent(row.user_agent),
            "user_agent": row.user_agent,
            "address": row.address,
            "created_at": iso(row.created_at),
            "last_used_at": iso(row.last_used_at),
            "expires_at": iso(row.expires_at),
            "current": row.token_hash == current_hash,
        }
        for row in rows
    ]


async def end_session(db: AsyncSession, user: User, session_id: int) -> None:
    hashed = await db.scalar(
        delete(Session).where(Session.id == session_id, Session.user_id == user.id).returning(Session.token_hash)
    )
    if hashed is None:
        raise NotFound("No such session.", code="session_not_found")
    await changelog.signal_sign_out(db, user.id, hashed, "signed_out")


async def _target(db: AsyncSession, admin: User, user_id: int) -> User:
    admin_required(admin)
    user = await db.get(User, user_id, with_for_update={"key_share": True})
    if user is None or user.erased_at is not None:
        raise NotFound("No such user.", code="user_not_found")
    return user


def admin_required(user: User) -> None:
    if not user.is_admin:
        raise Forbidden("Only platform admins may do this.", code="admin_only")


async def deactivate(db: AsyncSession, admin: User, user_id: int, reason: str) -> User:
    """Cut a person off at once; an audit entry says who did it and why."""
    user = await _target(db, admin, user_id)
    if user.id == admin.id:
        raise Conflict("You cannot deactivate yourself.", code="cannot_deactivate_self")
    if user.deactivated_at is not None:
        raise Conflict("This account is already deactivated.", code="already_deactivated")
    await accounts.deactivate_user(db, user)
    await audit.record(
        db, admin, "user.deactivate", space_id=None, target_kind="user", target_id=user.id, reason=reason
    )
    return user


async def reactivate(db: AsyncSession, admin: User, user_id: int, reason: str) -> User:
    """The person may sign in again; their old sessions and tokens stay ended."""
    user = await _target(db, admin, user_id)
    if user.deactivated_at is None:
        raise Conflict("This account is active.", code="not_deactivated")
    user.deactivated_at = None
    await db.flush()
    await audit.record(
        db, admin, "user.reactivate", space_id=None, target_kind="user", target_id=user.id, reason=reason
    )
    return user
