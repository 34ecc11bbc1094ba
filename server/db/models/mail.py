"""Mail: the outbox, the notifier's place in the change log, preferences and password resets."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import BigInteger, DateTime, ForeignKey, Index, Integer, String, Text, UniqueConstraint, func
from sqlalchemy.dialects.postgresql import JSONB
from sqlalchemy.orm import Mapped, mapped_column

from .base import Base, created_at_column

OUTBOX_STATES = ("queued", "sent", "failed", "cancelled")


class MailOutbox(Base):
    """One mail to one address. `message_id` is fixed when the row is written, so a mail sent twice
    (a crash between the relay's 250 and the commit of `sent`) is recognisable as the same mail.
    `dedupe_key` makes the notifier's work idempotent: reading an event twice writes one row.
    `refs` names what the mail shows (space, messages), re-checked just before sending."""

    __tablename__ = "mail_outbox"
    __table_args__ = (Index("ix_mail_outbox_queued", "next_attempt_at", postgresql_where="state = 'queued'"),)

    id: Mapped[int] = mapped_column(BigInteger, primary_key=True)
    message_id: Mapped[str] = mapped_column(String(250), unique=True)
    dedupe_key: Mapped[str | None] = mapped_column(String(200), unique=True)
    kind: Mapped[str] = mapped_column(String(32))
    user_id: Mapped[int | None] = mapped_column(ForeignKey("users.id", ondelete="CASCADE"), index=True)
    to_address: Mapped[str] = mapped_column(String(254))
    subject: Mapped[str] = mapped_column(String(300))
    text_body: Mapped[str] = mapped_column(Text)
    html_body: Mapped[str] = mapped_column(Text)
    headers: Mapped[dict] = mapped_column(JSONB, server_default="{}")
    refs: Mapped[dict] = mapped_column(JSONB, server_default="{}")
    state: Mapped[str] = mapped_column(String(16), server_default="queued")
    attempts: Mapped[int] = mapped_column(Integer, server_default="0")
    next_attempt_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), server_default=func.now())
    last_error: Mapped[str | None] = mapped_column(Text)
    created_at: Mapped[datetime] = created_at_column()
    sent_at: Mapped[datetime | None] = mapped_column(DateTime(timezone=True))


class MailNotifierState(Base):
    """Every change-log event up to `position` has been turned into outbox rows."""

    __tablename__ = "mail_notifier_state"

    name: Mapped[str] = mapped_column(String(64), primary_key=True)
    position: Mapped[int] = mapped_column(BigInteger, server_default="0")
    updated_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), server_default=func.now())


class NotificationSettings(Base):
    """A user's mail preferences; no row means the defaults (see server/mail/preferences.py)."""

    __tablename__ = "notification_settings"

    user_id: Mapped[int] = mapped_column(ForeignKey("users.id", ondelete="CASCADE"), primary_key=True)
    default_level: Mapped[str] = mapped_column(String(16), server_default="all")
    spaces: Mapped[dict] = mapped_column(JSONB, server_default="{}")
    digest: Mapped[str] = mapped_column(String(16), server_default="never")
    # Mentions and replies wait this long and go out as one mail (0: each at once).
    batch_minutes: Mapped[int] = mapped_column(Integer, server_default="0")
    updated_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), server_default=func.now())


class PasswordReset(Base):
    __tablename__ = "password_resets"

    id: Mapped[int] = mapped_column(BigInteger, primary_key=True)
    token_hash: Mapped[str] = mapped_column(String(64), unique=True)
    user_id: Mapped[int] = mapped_column(ForeignKey("users.id", ondelete="CASCADE"), index=True)
    created_at: Mapped[datetime] = created_at_column()
    expires_at: Mapped[datetime] = mapped_column(DateTime(timezone=True))
    used_at: Mapped[datetime | None] = mapped_column(DateTime(timezone=True))


class MailDigestState(Base):
    """The period a user's last digest was for, and the moment it covered up to."""

    __tablename__ = "mail_digest_state"

    user_id: Mapped[int] = mapped_column(ForeignKey("users.id", ondelete="CASCADE"), primary_key=True)
    period_key: Mapped[str] = mapped_column(String(16))
    covered_until: Mapped[datetime] = mapped_column(DateTime(timezone=True))


class MailPending(Base):
    """A mention or reply waiting for its recipient's batch (server/mail/batches.py)."""

    __tablename__ = "mail_pending"
    __table_args__ = (UniqueConstraint("user_id", "message_id", name="uq_mail_pending_user_id"),)

    id: Mapped[int] = mapped_column(BigInteger, primary_key=True)
    user_id: Mapped[int] = mapped_column(ForeignKey("users.id", ondelete="CASCADE"))
    kind: Mapped[str] = mapped_column(String(16))
    message_id: Mapped[int] = mapped_column(ForeignKey("messages.id", ondelete="CASCADE"))
    created_at: Mapped[datetime] = created_at_column()


class EmailChange(Base):
    """A pending change of a user's email: it happens only when the link mailed to the new address
    is used (once, before it expires)."""

    __tablename__ = "email_changes"

    id: Mapped[int] = mapped_column(BigInteger, primary_key=True)
    token_hash: Mapped[str] = mapped_column(String(64), unique=True)
    user_id: Mapped[int] = mapped_column(ForeignKey("users.id", ondelete="CASCADE"), index=True)
    new_email: Mapped[str] = mapped_column(String(254))
    created_at: Mapped[datetime] = created_at_column()
    expires_at: Mapped[datetime] = mapped_column(DateTime(timezone=True))
    used_at: Mapped[datetime | None] = mapped_column(DateTime(timezone=True))
