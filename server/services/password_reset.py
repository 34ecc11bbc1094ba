"""Password reset by mail: a single-use, short-lived link; using it ends every session and token.

Asking never reveals whether an address has an account: the answer is the same either way, and
the work done differs only by one insert into the outbox."""

from __future__ import annotations

import hashlib
from datetime import timedelta

from sqlalchemy import select, update
from sqlalchemy.ext.asyncio import AsyncSession

from server.auth.tokens import new_token, token_hash
from server.db.models import ApiToken, PasswordReset, User
from server.errors import NotFound
from server.mail import transactional
from server.services import accounts, changelog, ratelimit


async def request(db: AsyncSession, settings, email: str, address: str) -> None:
    email = accounts.normalise_email(email)
    limit = settings.rate_password_resets_per_minute
    # Buckets by address and by (hashed) email: one holds off a sweep, the other a mailbox flood.
    hashed = hashlib.sha256(email.encode()).hexdigest()[:32]
    await ratelimit.hit(db, f"ip:{address}", "password-reset", limit * 4)  # type: ignore[arg-type]
    await ratelimit.hit(db, f"email:{hashed}", "password-reset", limit)  # type: ignore[arg-type]
    user = await db.scalar(select(User).where(User.email == email, User.deactivated_at.is_(None)))
    if user is None:
        return
    token = new_token()
    db.add(
        PasswordReset(
            token_hash=token_hash(token),
            user_id=user.id,
            expires_at=accounts.now() + timedelta(minutes=settings.password_reset_minutes),
        )
    )
    await transactional.password_reset(db, settings, user, token)


async def complete(db: AsyncSession, token: str, password: str) -> User:
    """Set the new password; every session and API token of the account stops working."""
    reset = await db.scalar(
        select(PasswordReset).where(PasswordReset.token_hash == token_hash(token)).with_for_update(key_share=True)
    )
    user = await db.get(User, reset.user_id) if reset is not None else None
    if reset is None or reset.used_at is not None or reset.expires_at < accounts.now() or user is None:
        raise NotFound("This reset link does not exist, was used, or has expired.", code="reset_invalid")
    if user.deactivated_at is not None:
        raise NotFound("This reset link does not exist, was used, or has expired.", code="reset_invalid")
    # Every outstanding link of the account dies with this one.
    await db.execute(
        update(PasswordReset)
        .where(PasswordReset.user_id == user.id, PasswordReset.used_at.is_(None))
        .values(used_at=accounts.now())
    )
    await accounts.set_password(db, user, password)  # ends the sessions (and their sockets)
    revoked = (
        await db.scalars(
            update(ApiToken)
            .where(ApiToken.user_id == user.id, ApiToken.revoked_at.is_(None))
            .values(revoked_at=accounts.now())
            .returning(ApiToken.token_hash)
        )
    ).all()
    for hashed in revoked:
        await changelog.signal_sign_out(db, user.id, hashed, "token_revoked")
    return user
