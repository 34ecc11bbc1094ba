"""Identity providers (single sign-on), the accounts they vouch for, and sign-ins under way.

`protocol` names how Citybridge talks to a provider: only 'oidc' today; SAML 2.0 adds 'saml'
and its own columns (metadata URL, certificates) beside the OpenID Connect ones.
"""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import ARRAY, Boolean, CheckConstraint, DateTime, ForeignKey, String, Text, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column

from .base import Base, created_at_column


class IdentityProvider(Base):
    """A provider added by an admin; those of CITYBRIDGE_OIDC_PROVIDERS live in the settings only."""

    __tablename__ = "identity_providers"
    __table_args__ = (CheckConstraint("protocol IN ('oidc')", name="protocol"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    name: Mapped[str] = mapped_column(String(40), unique=True)
    protocol: Mapped[str] = mapped_column(String(16), default="oidc")
    issuer: Mapped[str] = mapped_column(String(500))
    client_id: Mapped[str] = mapped_column(String(500))
    client_secret: Mapped[str] = mapped_column(Text)
    scopes: Mapped[list[str]] = mapped_column(ARRAY(String(100)), default=list)
    email_domains: Mapped[list[str]] = mapped_column(ARRAY(String(253)), default=list)
    required: Mapped[bool] = mapped_column(Boolean, default=False)
    city_id: Mapped[int | None] = mapped_column(ForeignKey("cities.id", ondelete="SET NULL"))
    auto_create: Mapped[bool] = mapped_column(Boolean, default=False)
    created_at: Mapped[datetime] = created_at_column()


class ExternalIdentity(Base):
    """A provider's subject linked to an account: later sign-ins find the account by it alone.
    Keyed by the provider's name, so that providers declared in the settings can link too."""

    __tablename__ = "external_identities"
    __table_args__ = (UniqueConstraint("provider", "subject"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    provider: Mapped[str] = mapped_column(String(40))
    subject: Mapped[str] = mapped_column(String(255))
    user_id: Mapped[int] = mapped_column(ForeignKey("users.id", ondelete="CASCADE"), index=True)
    created_at: Mapped[datetime] = created_at_column()


class SsoLogin(Base):
    """A sign-in sent to a provider and not yet back: kept server-side so that each `state` is
    used once (a replayed callback finds nothing) and holds the nonce and PKCE verifier."""

    __tablename__ = "sso_logins"

    state_hash: Mapped[str] = mapped_column(String(64), primary_key=True)
    provider: Mapped[str] = mapped_column(String(40))
    nonce: Mapped[str] = mapped_column(String(100))
    code_verifier: Mapped[str] = mapped_column(String(128))
    expires_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), index=True)
