"""How far each user has read each thread: the basis of unread counts."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import BigInteger, DateTime, ForeignKey, Integer, func
from sqlalchemy.orm import Mapped, mapped_column

from .base import Base


class ReadPosition(Base):
    __tablename__ = "read_positions"

    user_id: Mapped[int] = mapped_column(ForeignKey("users.id", ondelete="CASCADE"), primary_key=True)
    thread_id: Mapped[int] = mapped_column(ForeignKey("threads.id", ondelete="CASCADE"), primary_key=True, index=True)
    # The newest message the user has seen; every message with a larger id is unread.
    message_id: Mapped[int] = mapped_column(BigInteger)
    updated_at: Mapped[datetime] = mapped_column(
        DateTime(timezone=True), server_default=func.now(), onupdate=func.now()
    )


class ChangelogHorizon(Base):
    """One row: the largest event id ever pruned from the change log.

    A client resuming from an id below it may have missed pruned events, so it
    is told to refetch instead of being given an incomplete replay."""

    __tablename__ = "changelog_horizon"

    id: Mapped[int] = mapped_column(Integer, primary_key=True, default=1)
    pruned_through: Mapped[int] = mapped_column(BigInteger, default=0)
