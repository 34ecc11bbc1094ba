"""Signing in through an OpenID Connect provider: starting a sign-in, and on the way back, which
account the provider's answer signs in (docs/identity.md, "Linking rules").

An account is found by the provider's subject once linked. The first time, a **verified** email
links it to the account or pending invitation of that email; never an unverified one, since anyone
can claim any address at some providers. Without either, the provider's `auto_create` decides.
"""

from __future__ import annotations

import secrets
from datetime import timedelta

from sqlalchemy import delete, select
from sqlalchemy.ext.asyncio import AsyncSession

from server.auth import oidc
from server.auth.oidc import SsoFailure
from server.auth.oidc_config import Provider
from server.auth.tokens import token_hash
from server.db.models import ExternalIdentity, Invitation, SsoLogin, User
from server.services import accounts, identity_providers, spaces
from server.services.invitations import _inviter_may_still_invite

LOGIN_MINUTES = 10  # how long a person may spend at the provider's sign-in page
LOCALES = ("en", "fr", "es")


async def begin(db: AsyncSession, settings, name: str, redirect_uri: str) -> tuple[str, str]:
    """The provider's authorization URL and the `state` that the browser must bring back."""
    provider = await identity_providers.find(db, settings, name)
    if provider is None:
        raise SsoFailure("unknown_provider", f"no provider named {name!r}")
    state, nonce, verifier = secrets.token_urlsafe(32), secrets.token_urlsafe(32), secrets.token_urlsafe(64)
    url = await oidc.authorization_url(provider, redirect_uri, state=state, nonce=nonce, verifier=verifier)
    await db.execute(delete(SsoLogin).where(SsoLogin.expires_at < accounts.now()))
    db.add(
        SsoLogin(
            state_hash=token_hash(state),
            provider=provider.name,
            nonce=nonce,
            code_verifier=verifier,
            expires_at=accounts.now() + timedelta(minutes=LOGIN_MINUTES),
        )
    )
    await db.flush()
    return url, state


async def _take_login(db: AsyncSession, name: str, state: str | None, browser_state: str | None) -> SsoLogin:
    """The sign-in this callback finishes, used up: a replayed callback finds nothing."""
    if not state or not browser_state or not secrets.compare_digest(state, browser_state):
        # The state must come back to the browser that started the sign-in (no login CSRF).
        raise SsoFailure("bad_state", "state missing or not the one this browser started with")
    login = await db.scalar(delete(SsoLogin).where(SsoLogin.state_hash == token_hash(state)).returning(SsoLogin))
    if login is None or login.provider != name or login.expires_at < accounts.now():
        raise SsoFailure("bad_state", "unknown, used or expired state")
    return login


async def finish(db: AsyncSession, settings, name: str, query: dict, browser_state: str | None, redirect_uri: str):
    """The account the provider's answer signs in; SsoFailure otherwise."""
    login = await _take_login(db, name, query.get("state"), browser_state)
    if query.get("error"):
        raise SsoFailure("provider_refused", f"provider answered {query.get('error')!r}")
    provider = await identity_providers.find(db, settings, name)
    if provider is None or not query.get("code"):
        raise SsoFailure("bad_state", "provider gone or no code")
    id_token = await oidc.exchange_code(provider, redirect_uri, code=query["code"], verifier=login.code_verifier)
    claims = await oidc.verified_claims(provider, id_token, login.nonce)
    return await account_for(db, provider, claims)


def _email_verified(claims: dict) -> bool:
    # Some providers send the boolean as a string; Entra ID vouches with `xms_edov` (docs/identity.md).
    return claims.get("email_verified") in (True, "true") or claims.get("xms_edov") in (True, "true")


def _display_name(claims: dict, email: str) -> str:
    name = claims.get("name") or " ".join(p for p in (claims.get("given_name"), claims.get("family_name")) if p)
    return (str(name).strip() or email.split("@")[0])[:120]


async def account_for(db: AsyncSession, provider: Provider, claims: dict) -> User:
    subject = str(claims["sub"])[:255]
    user = await db.scalar(
        select(User)
        .join(ExternalIdentity, ExternalIdentity.user_id == User.id)
        .where(ExternalIdentity.provider == provider.name, ExternalIdentity.subject == subject)
    )
    linked = user is not None
    if user is None:
        user = await _first_sign_in(db, provider, claims)
    if user.deactivated_at is not None:
        raise SsoFailure("account_deactivated", f"user {user.id} is deactivated")
    if not linked:
        db.add(ExternalIdentity(provider=provider.name, subject=subject, user_id=user.id))
        await db.flush()
    return user


async def _first_sign_in(db: AsyncSession, provider: Provider, claims: dict) -> User:
    email = claims.get("email")
    if not isinstance(email, str) or "@" not in email:
        raise SsoFailure("email_missing", "the ID token has no email claim")
    email = accounts.normalise_email(email)
    if not _email_verified(claims):
        raise SsoFailure("email_not_verified", f"the provider does not vouch for {email}")
    if not provider.covers(email):
        raise SsoFailure("domain_not_allowed", f"{email} is outside the provider's email domains")
    existing = await db.scalar(select(User).where(User.email == email))
    if existing is not None:
        return existing
    invitations = (
        await db.scalars(
            select(Invitation)
            .where(Invitation.email == email, Invitation.accepted_at.is_(None), Invitation.expires_at > accounts.now())
            .order_by(Invitation.id)
            .with_for_update(key_share=True)
        )
    ).all()
    valid = [i for i in invitations if await _inviter_may_still_invite(db, i)]
    if not valid and not provider.auto_create:
        raise SsoFailure("invitation_required", f"{email} has no account and no invitation")
    city_id = next((i.city_id for i in valid if i.city_id is not None), provider.city_id)
    user = await _create(db, email, claims, city_id)
    for invitation in valid:
        invitation.accepted_at, invitation.accepted_by = accounts.now(), user.id
        await spaces.add_member(db, invitation.space_id, user, invitation.role)
    return user


async def _create(db: AsyncSession, email: str, claims: dict, city_id: int | None) -> User:
    locale = str(claims.get("locale") or "en")[:2].lower()
    # A random password nobody knows: the account signs in through its provider (or sets one by reset).
    return await accounts.create_user(
        db,
        email=email,
        name=_display_name(claims, email),
        password=secrets.token_urlsafe(32),
        city_id=city_id,
        locale=locale if locale in LOCALES else "en",
    )
