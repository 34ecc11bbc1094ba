"""Changing a user's email: confirmed at the new address, announced at the old one.

Asking needs the account's password (every account has one: accounts made through a provider get a
random one and can set their own with a password reset). The change itself happens only when the
single-use, short-lived link mailed to the new address is used, so nobody can move an account to an
address they cannot read. The old address is told at once, with no link in the mail: a link there
would be one more way in for whoever reads that mailbox.

Sessions and API tokens stay valid after the change: the person proved the password and the new
mailbox, the password did not change, and the sign-in name is looked up afresh at each sign-in. The
notice to the old address says what to do if the change was not theirs (reset the password, which
ends every session)."""

from __future__ import annotations

import hashlib
from datetime import timedelta

from sqlalchemy import select, update
from sqlalchemy.ext.asyncio import AsyncSession

from server.auth.tokens import new_token, token_hash
from server.db.models import EmailChange, User
from server.errors import Conflict, NotFound, problem
from server.mail import compose, outbox
from server.services import accounts, ratelimit
from server.services.sessions import check_password

# Short: the link only has to survive the trip to a mailbox the person is watching.
LINK_MINUTES = 60
# Per minute: per account (holds off a script) and per new address (holds off a mailbox flood).
REQUESTS_PER_MINUTE = 5
TARGET_PER_MINUTE = 3
_INVALID = "This confirmation link does not exist, was used, or has expired."


def _taken(field: str) -> Conflict:
    # The same answer as signing up with a registered address: nothing more is revealed.
    fields = {field: problem("duplicate")}
    return Conflict("An account with this email already exists.", code="email_taken", fields=fields)


def masked(email: str) -> str:
    """ "n•••@ghent.test": enough for the owner to recognise, not a new address handed to whoever reads the old one."""
    local, _, domain = email.partition("@")
    return f"{local[:1]}•••@{domain}"


async def request(db: AsyncSession, settings, user: User, new_email: str, password: str) -> None:
    new_email = accounts.normalise_email(new_email)
    hashed = hashlib.sha256(new_email.encode()).hexdigest()[:32]
    await ratelimit.hit(db, user.id, "email-change", REQUESTS_PER_MINUTE)
    await ratelimit.hit(db, f"email:{hashed}", "email-change", TARGET_PER_MINUTE)  # type: ignore[arg-type]
    await check_password(db, user, password, "password")
    if await db.scalar(select(User.id).where(User.email == new_email)):
        raise _taken("new_email")
    token = new_token()
    db.add(
        EmailChange(
            token_hash=token_hash(token),
            user_id=user.id,
            new_email=new_email,
            expires_at=accounts.now() + timedelta(minutes=LINK_MINUTES),
        )
    )
    confirm = compose.email_change_confirm(settings, locale=user.locale, token=token, minutes=LINK_MINUTES)
    await outbox.enqueue(db, settings, kind="email_change", to=new_email, rendered=confirm, user_id=user.id)
    notice = compose.email_change_notice(settings, locale=user.locale, new_email=masked(new_email))
    await outbox.enqueue(db, settings, kind="email_change_notice", to=user.email, rendered=notice, user_id=user.id)


async def confirm(db: AsyncSession, token: str) -> User:
    """Make the change a link was mailed for; every other pending change of the account dies with it."""
    change = await db.scalar(
        select(EmailChange).where(EmailChange.token_hash == token_hash(token)).with_for_update(key_share=True)
    )
    user = await db.get(User, change.user_id, with_for_update={"key_share": True}) if change is not None else None
    if change is None or change.used_at is not None or change.expires_at < accounts.now() or user is None:
        raise NotFound(_INVALID, code="email_change_invalid")
    if user.deactivated_at is not None:
        raise NotFound(_INVALID, code="email_change_invalid")
    if await db.scalar(select(User.id).where(User.email == change.new_email, User.id != user.id)):
        raise _taken("token")  # registered by someone else since the link was sent
    await db.execute(
        update(EmailChange)
        .where(EmailChange.user_id == user.id, EmailChange.used_at.is_(None))
        .values(used_at=accounts.now())
    )
    user.email = change.new_email
    await db.flush()
    return user
