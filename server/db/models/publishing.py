"""What a network has published to the public knowledge base, and at which address."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import CheckConstraint, DateTime, ForeignKey, Integer, String, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column

from .base import Base, created_at_column


class Publication(Base):
    """One published item. The row outlives unpublishing (`unpublished_at` set) so that its
    address answers 410 Gone rather than 404, and publishing again keeps the same address."""

    __tablename__ = "publications"
    __table_args__ = (
        CheckConstraint("target_kind IN ('resource', 'collection', 'thread')", name="target_kind"),
        UniqueConstraint("target_kind", "target_id"),
        UniqueConstraint("city_slug", "slug"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    target_kind: Mapped[str] = mapped_column(String(16))
    target_id: Mapped[int] = mapped_column(Integer)
    city_slug: Mapped[str] = mapped_column(String(80))
    slug: Mapped[str] = mapped_column(String(120))
    published_by: Mapped[int | None] = mapped_column(ForeignKey("users.id", ondelete="SET NULL"))
    published_at: Mapped[datetime] = created_at_column()
    unpublished_at: Mapped[datetime | None] = mapped_column(DateTime(timezone=True))
