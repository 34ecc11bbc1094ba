"""Cities and the officials who work in them."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import (
    ARRAY,
    BigInteger,
    Boolean,
    CheckConstraint,
    DateTime,
    ForeignKey,
    String,
    Text,
    UniqueConstraint,
    false,
    select,
    text,
)
from sqlalchemy.dialects.postgresql import JSONB
from sqlalchemy.orm import Mapped, column_property, mapped_column

from .base import Base, created_at_column

PROFILES = ("traditional", "newer")


class City(Base):
    __tablename__ = "cities"
    __table_args__ = (
        UniqueConstraint("name", "country", name="name_country"),
        CheckConstraint("profile IN ('traditional', 'newer')", name="profile"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    name: Mapped[str] = mapped_column(String(120))
    country: Mapped[str] = mapped_column(String(120))
    region: Mapped[str] = mapped_column(String(120), default="")
    languages: Mapped[list[str]] = mapped_column(ARRAY(String(16)), default=list)
    profile: Mapped[str] = mapped_column(String(16))
    description: Mapped[str] = mapped_column(Text, default="")
    # The city's officials must turn on two-factor sign-in before they can do anything else.
    require_totp: Mapped[bool] = mapped_column(Boolean, default=False, server_default=false())
    created_at: Mapped[datetime] = created_at_column()


class User(Base):
    __tablename__ = "users"

    id: Mapped[int] = mapped_column(primary_key=True)
    email: Mapped[str] = mapped_column(String(254), unique=True)
    name: Mapped[str] = mapped_column(String(120))
    handle: Mapped[str] = mapped_column(String(64), unique=True)
    password_hash: Mapped[str] = mapped_column(Text)
    city_id: Mapped[int | None] = mapped_column(ForeignKey("cities.id", ondelete="SET NULL"))
    position: Mapped[str] = mapped_column(String(200), default="")
    languages: Mapped[list[str]] = mapped_column(ARRAY(String(16)), default=list)
    locale: Mapped[str] = mapped_column(String(16), default="en")
    is_admin: Mapped[bool] = mapped_column(Boolean, default=False)
    # Shown by name on public pages only with consent; otherwise "an official of <city>".
    public_name_consent: Mapped[bool] = mapped_column(Boolean, default=False, server_default=false())
    created_at: Mapped[datetime] = created_at_column()
    deactivated_at: Mapped[datetime | None] = mapped_column(DateTime(timezone=True))
    # Two-factor: the secret is set when enrolment starts and counts once confirmed (enabled_at);
    # last_step is the newest 30-second step a code was accepted for, so no code works twice.
    totp_secret: Mapped[str | None] = mapped_column(String(64))
    totp_enabled_at: Mapped[datetime | None] = mapped_column(DateTime(timezone=True))
    totp_last_step: Mapped[int | None] = mapped_column(BigInteger)
    erased_at: Mapped[datetime | None] = mapped_column(DateTime(timezone=True))
    # Whether the person's city requires two-factor, read in the same query that authenticates them
    # (server/services/accounts.py undefers it there); anywhere else it is not loaded, and reading it
    # raises instead of querying behind the caller's back.
    city_requires_totp: Mapped[bool] = column_property(
        select(City.require_totp).where(City.id == city_id).correlate_except(City).scalar_subquery(),
        deferred=True,
        raiseload=True,
    )
    # The profile others see (server/services/profiles.py): each field shown to the people who share a
    # space with the user, or to the whole network, as `visibility` says (a missing field: the default).
    office: Mapped[str] = mapped_column(String(200), default="", server_default="")
    bio: Mapped[str] = mapped_column(Text, default="", server_default="")
    time_zone: Mapped[str] = mapped_column(String(64), default="", server_default="")
    expertise_themes: Mapped[list[str]] = mapped_column(ARRAY(String(64)), default=list, server_default="{}")
    expertise_tags: Mapped[list[str]] = mapped_column(ARRAY(String(40)), default=list, server_default="{}")
    visibility: Mapped[dict] = mapped_column(JSONB, default=dict, server_default=text("'{}'::jsonb"))
    # The photo, re-encoded (server/services/photos.py): storage keys of its 256 and 64 pixel squares.
    photo_key: Mapped[str | None] = mapped_column(String(64))
    photo_small_key: Mapped[str | None] = mapped_column(String(64))
