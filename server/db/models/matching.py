"""City profiles (with their year-by-year history), city editors, needs and offers, interest in a
match, and the tunable weights of the matching (server/services/matching.py)."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import ARRAY, BigInteger, CheckConstraint, ForeignKey, Integer, String, Text
from sqlalchemy.dialects.postgresql import JSONB
from sqlalchemy.orm import Mapped, mapped_column

from .base import Base, created_at_column

AUDIENCES = ("network", "spaces")


class CityProfile(Base):
    """The current profile of a city: `data` holds the fields of schemas.CityProfileFields."""

    __tablename__ = "city_profiles"

    city_id: Mapped[int] = mapped_column(ForeignKey("cities.id", ondelete="CASCADE"), primary_key=True)
    year: Mapped[int] = mapped_column(Integer)
    data: Mapped[dict] = mapped_column(JSONB, default=dict)
    updated_by: Mapped[int | None] = mapped_column(ForeignKey("users.id", ondelete="SET NULL"))
    updated_at: Mapped[datetime] = created_at_column()


class CityProfileVersion(Base):
    """A profile as it stood before an edit replaced it, with the year it described."""

    __tablename__ = "city_profile_versions"

    id: Mapped[int] = mapped_column(BigInteger, primary_key=True)
    city_id: Mapped[int] = mapped_column(ForeignKey("cities.id", ondelete="CASCADE"), index=True)
    year: Mapped[int] = mapped_column(Integer)
    data: Mapped[dict] = mapped_column(JSONB)
    edited_by: Mapped[int | None] = mapped_column(ForeignKey("users.id", ondelete="SET NULL"))
    replaced_at: Mapped[datetime] = created_at_column()


class CityEditor(Base):
    """An official of the city who may edit its profile and post its needs and offers."""

    __tablename__ = "city_editors"

    city_id: Mapped[int] = mapped_column(ForeignKey("cities.id", ondelete="CASCADE"), primary_key=True)
    user_id: Mapped[int] = mapped_column(ForeignKey("users.id", ondelete="CASCADE"), primary_key=True, index=True)
    granted_by: Mapped[int | None] = mapped_column(ForeignKey("users.id", ondelete="SET NULL"))
    created_at: Mapped[datetime] = created_at_column()


class Need(Base):
    __tablename__ = "needs"
    __table_args__ = (CheckConstraint("audience IN ('network', 'spaces')", name="audience"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    city_id: Mapped[int] = mapped_column(ForeignKey("cities.id", ondelete="CASCADE"), index=True)
    author_id: Mapped[int | None] = mapped_column(ForeignKey("users.id", ondelete="SET NULL"))
    theme: Mapped[str] = mapped_column(String(64))
    challenge: Mapped[str] = mapped_column(Text)
    languages: Mapped[list[str]] = mapped_column(ARRAY(String(16)), default=list)
    timeframe: Mapped[str] = mapped_column(String(120), default="")
    help_kinds: Mapped[list[str]] = mapped_column(ARRAY(String(16)), default=list)
    audience: Mapped[str] = mapped_column(String(16), default="network")
    space_ids: Mapped[list[int]] = mapped_column(ARRAY(Integer), default=list)
    created_at: Mapped[datetime] = created_at_column()
    updated_at: Mapped[datetime] = created_at_column()


class Offer(Base):
    __tablename__ = "offers"
    __table_args__ = (CheckConstraint("audience IN ('network', 'spaces')", name="audience"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    city_id: Mapped[int] = mapped_column(ForeignKey("cities.id", ondelete="CASCADE"), index=True)
    author_id: Mapped[int | None] = mapped_column(ForeignKey("users.id", ondelete="SET NULL"))
    practice_id: Mapped[int] = mapped_column(ForeignKey("resources.id", ondelete="CASCADE"), index=True)
    transfer_conditions: Mapped[str] = mapped_column(Text, default="")
    mentoring_capacity: Mapped[int] = mapped_column(Integer, default=0)
    languages: Mapped[list[str]] = mapped_column(ARRAY(String(16)), default=list)
    audience: Mapped[str] = mapped_column(String(16), default="network")
    space_ids: Mapped[list[int]] = mapped_column(ARRAY(Integer), default=list)
    created_at: Mapped[datetime] = created_at_column()
    updated_at: Mapped[datetime] = created_at_column()


class MatchInterest(Base):
    """One side's interest in pairing a need with a city: `side` "need" (the city with the need
    wants `city_id`'s help) or "helper" (`city_id` offers to help)."""

    __tablename__ = "match_interests"
    __table_args__ = (CheckConstraint("side IN ('need', 'helper')", name="side"),)

    need_id: Mapped[int] = mapped_column(ForeignKey("needs.id", ondelete="CASCADE"), primary_key=True)
    city_id: Mapped[int] = mapped_column(ForeignKey("cities.id", ondelete="CASCADE"), primary_key=True, index=True)
    side: Mapped[str] = mapped_column(String(8), primary_key=True)
    user_id: Mapped[int | None] = mapped_column(ForeignKey("users.id", ondelete="SET NULL"))
    created_at: Mapped[datetime] = created_at_column()


class MatchingWeight(Base):
    """An admin's override of one default weight of server/services/matching.py."""

    __tablename__ = "matching_weights"

    code: Mapped[str] = mapped_column(String(32), primary_key=True)
    weight: Mapped[int] = mapped_column(Integer)
