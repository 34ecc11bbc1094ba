"""The change log: the ordered events that realtime delivery and search indexing read."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import BigInteger, ForeignKey, Index, String
from sqlalchemy.dialects.postgresql import JSONB
from sqlalchemy.orm import Mapped, mapped_column

from .base import Base, created_at_column


class Event(Base):
    __tablename__ = "events"
    __table_args__ = (
        Index("ix_events_space_id_id", "space_id", "id"),
        Index("ix_events_user_id_id", "user_id", "id"),
        Index("ix_events_created_at", "created_at"),  # migration 0002: pruning by age (realtime.retention)
        Index("ix_events_conversation_id_id", "conversation_id", "id"),  # migration 0022
    )

    id: Mapped[int] = mapped_column(BigInteger, primary_key=True)
    # An event belongs to a space, or (space_id NULL) to one user: notifications.
    space_id: Mapped[int | None] = mapped_column(ForeignKey("spaces.id", ondelete="CASCADE"))
    user_id: Mapped[int | None] = mapped_column(ForeignKey("users.id", ondelete="CASCADE"))
    # ...or to one direct conversation (space_id and user_id NULL): only its participants read it.
    conversation_id: Mapped[int | None] = mapped_column(ForeignKey("conversations.id", ondelete="CASCADE"))
    kind: Mapped[str] = mapped_column(String(64))
    data: Mapped[dict] = mapped_column(JSONB)
    created_at: Mapped[datetime] = created_at_column()
