"""Flags raised on content, and the append-only audit log of moderation actions."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import (
    BigInteger,
    CheckConstraint,
    DateTime,
    ForeignKey,
    Index,
    Integer,
    String,
    Text,
)
from sqlalchemy.dialects.postgresql import JSONB
from sqlalchemy.orm import Mapped, mapped_column

from .base import Base, created_at_column

FLAG_STATES = ("open", "dismissed", "hidden", "deleted")


class Flag(Base):
    __tablename__ = "flags"
    __table_args__ = (
        CheckConstraint("target_kind IN ('message', 'resource')", name="target_kind"),
        CheckConstraint("state IN ('open', 'dismissed', 'hidden', 'deleted')", name="state"),
        Index("ix_flags_space_state_id", "space_id", "state", "id"),
        Index("ix_flags_target", "target_kind", "target_id"),
        # One open flag per person and target: flagging twice does not stack.
        Index(
            "uq_flags_open_reporter_target",
            "reporter_id",
            "target_kind",
            "target_id",
            unique=True,
            postgresql_where="state = 'open'",
        ),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    space_id: Mapped[int] = mapped_column(ForeignKey("spaces.id", ondelete="CASCADE"))
    target_kind: Mapped[str] = mapped_column(String(16))
    # Not a foreign key: the flag outlives a deleted target.
    target_id: Mapped[int] = mapped_column(BigInteger)
    reporter_id: Mapped[int | None] = mapped_column(ForeignKey("users.id", ondelete="SET NULL"))
    reason: Mapped[str] = mapped_column(Text)
    state: Mapped[str] = mapped_column(String(16), default="open")
    created_at: Mapped[datetime] = created_at_column()
    resolved_by: Mapped[int | None] = mapped_column(ForeignKey("users.id", ondelete="SET NULL"))
    resolved_at: Mapped[datetime | None] = mapped_column(DateTime(timezone=True))
    resolution_note: Mapped[str | None] = mapped_column(Text)


class AuditEntry(Base):
    """Who did what to which target, why and when. No foreign keys: the log outlives what it
    describes. A trigger (migration 0003) refuses UPDATE and DELETE."""

    __tablename__ = "audit_entries"
    __table_args__ = (Index("ix_audit_entries_space_id_id", "space_id", "id"),)

    id: Mapped[int] = mapped_column(BigInteger, primary_key=True)
    space_id: Mapped[int | None] = mapped_column(Integer)
    actor_id: Mapped[int | None] = mapped_column(Integer)
    actor_name: Mapped[str] = mapped_column(String(120))
    action: Mapped[str] = mapped_column(String(64))
    target_kind: Mapped[str] = mapped_column(String(16))
    target_id: Mapped[int] = mapped_column(BigInteger)
    reason: Mapped[str] = mapped_column(Text, default="")
    details: Mapped[dict] = mapped_column(JSONB, default=dict)
    created_at: Mapped[datetime] = created_at_column()
