"""Erasing an account: the person goes, what they said to others stays under a pseudonym.

What is removed, kept and why is written down for operators in docs/identity.md
("Export and erasure"); keep the two in step.
"""

from __future__ import annotations

from sqlalchemy import delete, func, select, update
from sqlalchemy.ext.asyncio import AsyncSession

from server import events
from server.db.models import (
    ApiToken,
    DataExport,
    EmailChange,
    Invitation,
    LoginAttempt,
    MailOutbox,
    Membership,
    Mention,
    Message,
    MessageEdit,
    PasswordReset,
    RecoveryCode,
    Resource,
    Session,
    Thread,
    User,
)
from server.errors import Conflict
from server.services import changelog
from server.services.accounts import now
from server.services.sessions import check_password

PSEUDONYM = "Former member"


async def _authored_spaces(db: AsyncSession, user_id: int) -> list[int]:
    spaces = set()
    for model in (Message, Thread, Resource):
        spaces |= set((await db.scalars(select(model.space_id).where(model.author_id == user_id).distinct())).all())
    return sorted(spaces)


async def _forget_personal_rows(db: AsyncSession, user: User) -> None:
    """Rows that exist only for the person (credentials, mail, invitations to their address)."""
    for model in (Session, ApiToken, RecoveryCode, DataExport, PasswordReset, EmailChange, Membership, Mention):
        await db.execute(delete(model).where(model.user_id == user.id))
    await db.execute(delete(MailOutbox).where((MailOutbox.user_id == user.id) | (MailOutbox.to_address == user.email)))
    await db.execute(delete(LoginAttempt).where(LoginAttempt.email == user.email))
    await db.execute(delete(Invitation).where(Invitation.email == user.email))


async def _remove_bodies(db: AsyncSession, user_id: int) -> None:
    mine = select(Message.id).where(Message.author_id == user_id).scalar_subquery()
    await db.execute(delete(MessageEdit).where(MessageEdit.message_id.in_(mine)))
    await db.execute(
        update(Message).where(Message.author_id == user_id).values(body="", html="", deleted_at=func.coalesce(
            Message.deleted_at, now()))
    )  # fmt: skip


async def erase(db: AsyncSession, user: User, password: str, *, remove_bodies: bool) -> None:
    """Pseudonymise the account and end every way into it, in one transaction."""
    await check_password(db, user, password, "password")
    if user.is_admin:
        others = await db.scalar(
            select(func.count()).where(User.is_admin.is_(True), User.id != user.id, User.erased_at.is_(None))
        )
        if not others:
            raise Conflict("The last platform admin cannot erase their account.", code="last_admin")
    spaces = await _authored_spaces(db, user.id)
    await _forget_personal_rows(db, user)
    if remove_bodies:
        await _remove_bodies(db, user.id)
    user.name = PSEUDONYM
    user.email = f"erased-{user.id}@erased.invalid"  # unique, and no mail can ever reach it
    user.handle = f"former.member.{user.id}"
    user.password_hash = "!erased"  # no Argon2 hash: no password verifies against it
    user.position, user.languages, user.city_id, user.is_admin = "", [], None, False
    user.totp_secret = user.totp_enabled_at = user.totp_last_step = None
    user.office = user.bio = user.time_zone = ""
    user.expertise_themes, user.expertise_tags, user.visibility = [], [], {}
    user.photo_key = user.photo_small_key = None
    user.deactivated_at = user.erased_at = now()
    await db.flush()
    await changelog.signal_sign_out(db, user.id, None, "erased")
    # The search index holds the old name in the documents of what they wrote; this event has
    # the indexer rebuild those spaces' documents from the pseudonymised rows (search/documents.py).
    await changelog.record(db, events.UserErased(space_ids=spaces), user_id=user.id)
