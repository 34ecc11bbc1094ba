"""Practice transfers (issue 19): a source practice record travels from its city (the mentor) to
implementing cities, each with a plan, milestones, an adaptation log and result indicators; the
rules live in server/services/transfers.py and transfers_rules.py."""

from __future__ import annotations

from datetime import date, datetime

from sqlalchemy import BigInteger, CheckConstraint, Date, DateTime, ForeignKey, Index, String, Text, UniqueConstraint
from sqlalchemy.dialects.postgresql import JSONB
from sqlalchemy.orm import Mapped, mapped_column

from .base import Base, created_at_column

TRANSFER_STATES = ("proposed", "planning", "implementing", "reviewing", "completed", "stopped")
MILESTONE_STATES = ("open", "done", "dropped")
LOG_KINDS = ("adaptation", "comment")


class Transfer(Base):
    """One practice's journey; `mentor_city_id` is the source record's city when it was proposed."""

    __tablename__ = "transfers"
    __table_args__ = (
        CheckConstraint(
            "state IN ('proposed', 'planning', 'implementing', 'reviewing', 'completed', 'stopped')", name="state"
        ),
        CheckConstraint("ends_on IS NULL OR starts_on IS NULL OR ends_on >= starts_on", name="dates"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    space_id: Mapped[int] = mapped_column(ForeignKey("spaces.id", ondelete="CASCADE"), index=True)
    source_practice_id: Mapped[int | None] = mapped_column(ForeignKey("resources.id", ondelete="SET NULL"), index=True)
    mentor_city_id: Mapped[int | None] = mapped_column(ForeignKey("cities.id", ondelete="SET NULL"))
    coordinator_id: Mapped[int | None] = mapped_column(ForeignKey("users.id", ondelete="SET NULL"))
    state: Mapped[str] = mapped_column(String(16), default="proposed")
    starts_on: Mapped[date] = mapped_column(Date)
    ends_on: Mapped[date | None] = mapped_column(Date)
    created_at: Mapped[datetime] = created_at_column()
    updated_at: Mapped[datetime] = created_at_column()


class TransferPlan(Base):
    """The plan of one implementing city; `indicators` is a list of {name, unit, baseline, target,
    measurements: [{on, value, note}]}; `practice_id` is the city's own record once completed."""

    __tablename__ = "transfer_plans"
    __table_args__ = (UniqueConstraint("transfer_id", "city_id"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    transfer_id: Mapped[int] = mapped_column(ForeignKey("transfers.id", ondelete="CASCADE"))
    city_id: Mapped[int] = mapped_column(ForeignKey("cities.id", ondelete="CASCADE"), index=True)
    local_context: Mapped[str] = mapped_column(Text, default="")
    adaptations: Mapped[str] = mapped_column(Text, default="")
    stakeholders: Mapped[str] = mapped_column(Text, default="")
    resources: Mapped[str] = mapped_column(Text, default="")
    risks: Mapped[str] = mapped_column(Text, default="")
    indicators: Mapped[list] = mapped_column(JSONB, default=list)
    practice_id: Mapped[int | None] = mapped_column(ForeignKey("resources.id", ondelete="SET NULL"), index=True)
    completed_at: Mapped[datetime | None] = mapped_column(DateTime(timezone=True))
    updated_by: Mapped[int | None] = mapped_column(ForeignKey("users.id", ondelete="SET NULL"))
    updated_at: Mapped[datetime] = created_at_column()


class TransferMilestone(Base):
    """A step of a plan; `key` names a template milestone (None for one added by hand); `evidence`
    is a list of {resource_id} / {thread_id} / {url}."""

    __tablename__ = "transfer_milestones"
    __table_args__ = (CheckConstraint("state IN ('open', 'done', 'dropped')", name="state"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    plan_id: Mapped[int] = mapped_column(ForeignKey("transfer_plans.id", ondelete="CASCADE"), index=True)
    key: Mapped[str | None] = mapped_column(String(64))
    title: Mapped[str] = mapped_column(String(200))
    due_on: Mapped[date] = mapped_column(Date)
    owner_id: Mapped[int | None] = mapped_column(ForeignKey("users.id", ondelete="SET NULL"))
    state: Mapped[str] = mapped_column(String(16), default="open")
    evidence: Mapped[list] = mapped_column(JSONB, default=list)
    created_at: Mapped[datetime] = created_at_column()
    updated_at: Mapped[datetime] = created_at_column()


class TransferLogEntry(Base):
    """What changed from the source record and why (`adaptation`, with the source's `field`), or a
    remark (`comment`, the mentor city's voice)."""

    __tablename__ = "transfer_log_entries"
    __table_args__ = (
        CheckConstraint("kind IN ('adaptation', 'comment')", name="kind"),
        Index("ix_transfer_log_entries_plan", "plan_id", "id"),
    )

    id: Mapped[int] = mapped_column(BigInteger, primary_key=True)
    plan_id: Mapped[int] = mapped_column(ForeignKey("transfer_plans.id", ondelete="CASCADE"))
    kind: Mapped[str] = mapped_column(String(16))
    field: Mapped[str | None] = mapped_column(String(64))
    change: Mapped[str] = mapped_column(Text, default="")
    reason: Mapped[str] = mapped_column(Text, default="")
    notes: Mapped[str] = mapped_column(Text, default="")
    author_id: Mapped[int | None] = mapped_column(ForeignKey("users.id", ondelete="SET NULL"))
    created_at: Mapped[datetime] = created_at_column()
