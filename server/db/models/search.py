"""Where the search indexer is in the change log, per index; the admins' own vocabulary."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import BigInteger, Boolean, CheckConstraint, DateTime, ForeignKey, Integer, String, Text, false, func
from sqlalchemy.orm import Mapped, mapped_column

from .base import Base


class SearchIndexerState(Base):
    """One row per search index. `position`: every change-log event up to this id is in the index.
    `generation` names the index contents the position belongs to; a different one means rebuild."""

    __tablename__ = "search_indexer_state"

    name: Mapped[str] = mapped_column(String(200), primary_key=True)
    position: Mapped[int] = mapped_column(BigInteger, server_default="0")
    generation: Mapped[str] = mapped_column(String(200))
    rebuild_requested: Mapped[bool] = mapped_column(Boolean, server_default=false())
    updated_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), server_default=func.now())


class SearchVocabulary(Base):
    """The one row of concepts platform admins added to the shipped vocabulary, in its file format
    (search/data/vocabulary/core.txt). `version` grows with each change; every node reloads on it."""

    __tablename__ = "search_vocabulary"
    __table_args__ = (CheckConstraint("id = 1", name="one_row"),)

    id: Mapped[int] = mapped_column(Integer, primary_key=True, default=1)
    source: Mapped[str] = mapped_column(Text, default="")
    version: Mapped[int] = mapped_column(Integer, default=0)
    updated_by: Mapped[int | None] = mapped_column(ForeignKey("users.id", ondelete="SET NULL"))
    updated_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), server_default=func.now())
