"""The identity providers: those of CITYBRIDGE_OIDC_PROVIDERS and those admins add, side by side.

A provider in the settings cannot be changed through the API (the settings would bring it back on
the next start); an admin's provider may not take a name the settings use.
"""

from __future__ import annotations

import logging

from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession

from server.auth.oidc_config import DEFAULT_SCOPES, Provider, issuer_problem
from server.db.models import City, IdentityProvider, User
from server.errors import Conflict, Forbidden, Invalid, NotFound, Problem, problem

log = logging.getLogger(__name__)


def _from_row(row: IdentityProvider) -> Provider:
    return Provider(
        name=row.name,
        issuer=row.issuer,
        client_id=row.client_id,
        client_secret=row.client_secret,
        scopes=tuple(row.scopes) or DEFAULT_SCOPES,
        email_domains=tuple(row.email_domains),
        required=row.required,
        city_id=row.city_id,
        auto_create=row.auto_create,
        id=row.id,
        protocol=row.protocol,
    )


async def all_providers(db: AsyncSession, settings) -> list[Provider]:
    rows = (await db.scalars(select(IdentityProvider).order_by(IdentityProvider.name))).all()
    return [*settings.oidc_providers, *(_from_row(row) for row in rows)]


async def find(db: AsyncSession, settings, name: str) -> Provider | None:
    for provider in settings.oidc_providers:
        if provider.name == name:
            return provider
    row = await db.scalar(select(IdentityProvider).where(IdentityProvider.name == name))
    return _from_row(row) if row is not None else None


async def required_for(db: AsyncSession, settings, email: str) -> Provider | None:
    """The provider that must be used for this email's domain, if one is marked required for it."""
    domain = email.strip().lower().rsplit("@", 1)[-1]
    for provider in await all_providers(db, settings):
        if provider.required and domain in provider.email_domains:
            return provider
    return None


def provider_view(provider: Provider) -> dict:
    """What admins see; the client secret never leaves the server."""
    return {
        "id": provider.id,
        "name": provider.name,
        "protocol": provider.protocol,
        "issuer": provider.issuer,
        "client_id": provider.client_id,
        "scopes": list(provider.scopes),
        "email_domains": list(provider.email_domains),
        "required": provider.required,
        "city_id": provider.city_id,
        "auto_create": provider.auto_create,
        "source": "settings" if provider.id is None else "admin",
    }


def _require_admin(actor: User) -> None:
    if not actor.is_admin:
        raise Forbidden("Only platform admins manage identity providers.", code="not_an_admin")


async def _check(db: AsyncSession, settings, fields: dict, except_id: int | None = None) -> None:
    if "issuer" in fields:
        reason = issuer_problem(fields["issuer"])
        if reason:
            raise Invalid(f"The issuer {reason}.", code="invalid_issuer", fields={"issuer": reason})
    if fields.get("city_id") is not None and await db.get(City, fields["city_id"]) is None:
        raise Invalid("Unknown city.", code="unknown_city", fields={"city_id": problem("unknown_city")})
    if "name" in fields:
        taken = any(p.name == fields["name"] for p in settings.oidc_providers) or await db.scalar(
            select(IdentityProvider.id).where(
                IdentityProvider.name == fields["name"], IdentityProvider.id != (except_id or 0)
            )
        )
        if taken:
            raise Conflict(
                "A provider with this name exists.", code="name_taken", fields={"name": problem("already_used")}
            )


def _normalised(fields: dict) -> dict:
    out = dict(fields)
    if "issuer" in out:
        out["issuer"] = out["issuer"].rstrip("/")
    if "email_domains" in out:
        out["email_domains"] = sorted({d.lower() for d in out["email_domains"]})
    if "scopes" in out and "openid" not in out["scopes"]:
        out["scopes"] = ["openid", *out["scopes"]]
    return out


async def list_for_admin(db: AsyncSession, settings, actor: User) -> list[dict]:
    _require_admin(actor)
    return [provider_view(p) for p in await all_providers(db, settings)]


async def create(db: AsyncSession, settings, actor: User, fields: dict) -> dict:
    _require_admin(actor)
    fields = _normalised(fields)
    await _check(db, settings, fields)
    row = IdentityProvider(protocol="oidc", **fields)
    db.add(row)
    await db.flush()
    log.info("identity provider %s added by user %s", row.name, actor.id)
    return provider_view(_from_row(row))


async def _row(db: AsyncSession, provider_id: int) -> IdentityProvider:
    row = await db.get(IdentityProvider, provider_id, with_for_update={"key_share": True})
    if row is None:
        raise NotFound("No such identity provider (providers from the settings change there).")
    return row


async def update(db: AsyncSession, settings, actor: User, provider_id: int, fields: dict) -> dict:
    _require_admin(actor)
    row = await _row(db, provider_id)
    fields = _normalised(fields)
    await _check(db, settings, fields, except_id=row.id)
    for key, value in fields.items():
        setattr(row, key, value)
    await db.flush()
    log.info("identity provider %s changed by user %s: %s", row.name, actor.id, sorted(fields))
    return provider_view(_from_row(row))


async def delete(db: AsyncSession, actor: User, provider_id: int) -> None:
    """Linked accounts stay; their people sign in with a password (or a reset) until the provider
    comes back under the same name."""
    _require_admin(actor)
    row = await _row(db, provider_id)
    await db.delete(row)
    await db.flush()
    log.info("identity provider %s removed by user %s", row.name, actor.id)


async def refuse_password_if_required(db: AsyncSession, settings, email: str) -> None:
    """403 sso_required for a password sign-in whose email domain must use a provider. It depends on
    the domain alone, so it tells nothing about whether the account exists."""
    provider = await required_for(db, settings, email)
    if provider is not None:
        raise Forbidden(
            f"Sign in with {provider.name}: passwords are not used for this email domain.",
            code="sso_required",
            # Plain clients read the provider's name here (docs/identity.md); the browser gets
            # the code `use_provider` with the name as a parameter.
            fields={"provider": Problem("use_provider", {"provider": provider.name}, note=provider.name)},
        )
