"""Self-assessments of cities against a framework loaded as data, and peers' reviews of them
(server/services/assessments.py). The built-in framework is a file; admins load others here."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import BigInteger, Boolean, DateTime, ForeignKey, ForeignKeyConstraint, Integer, String
from sqlalchemy.dialects.postgresql import JSONB
from sqlalchemy.orm import Mapped, mapped_column

from .base import Base, created_at_column

RATINGS = ("met", "partly", "not_yet", "not_applicable")


class AssessmentFramework(Base):
    """A framework an admin loaded: `data` is the validated file (domains, items, guidance)."""

    __tablename__ = "assessment_frameworks"

    id: Mapped[str] = mapped_column(String(64), primary_key=True)
    version: Mapped[int] = mapped_column(Integer, primary_key=True)
    data: Mapped[dict] = mapped_column(JSONB)
    loaded_by: Mapped[int | None] = mapped_column(ForeignKey("users.id", ondelete="SET NULL"))
    created_at: Mapped[datetime] = created_at_column()


class CityAssessment(Base):
    """A city's self-assessment for one year: `ratings` maps item ids to {rating, evidence, note}.
    Until `shared_at` is set it is a draft, visible to the city's officials and admins only."""

    __tablename__ = "city_assessments"

    city_id: Mapped[int] = mapped_column(ForeignKey("cities.id", ondelete="CASCADE"), primary_key=True)
    year: Mapped[int] = mapped_column(Integer, primary_key=True)
    framework_id: Mapped[str] = mapped_column(String(64))
    framework_version: Mapped[int] = mapped_column(Integer)
    ratings: Mapped[dict] = mapped_column(JSONB, default=dict)
    shared: Mapped[bool] = mapped_column(Boolean, default=False)
    shared_at: Mapped[datetime | None] = mapped_column(DateTime(timezone=True))
    updated_by: Mapped[int | None] = mapped_column(ForeignKey("users.id", ondelete="SET NULL"))
    updated_at: Mapped[datetime] = created_at_column()


class AssessmentReview(Base):
    """A peer's comments, item by item, on a shared self-assessment of a partner city."""

    __tablename__ = "assessment_reviews"
    __table_args__ = (
        ForeignKeyConstraint(
            ["city_id", "year"], ["city_assessments.city_id", "city_assessments.year"], ondelete="CASCADE"
        ),
    )

    id: Mapped[int] = mapped_column(BigInteger, primary_key=True)
    city_id: Mapped[int] = mapped_column(Integer, index=True)
    year: Mapped[int] = mapped_column(Integer)
    reviewer_id: Mapped[int | None] = mapped_column(ForeignKey("users.id", ondelete="SET NULL"))
    reviewer_city_id: Mapped[int | None] = mapped_column(ForeignKey("cities.id", ondelete="SET NULL"))
    comments: Mapped[dict] = mapped_column(JSONB)
    created_at: Mapped[datetime] = created_at_column()
