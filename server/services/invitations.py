"""Invitations into a space, by email. Mail comes later: the link is returned and logged."""

from __future__ import annotations

import logging
from datetime import timedelta

from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession

from server.auth.tokens import new_token, token_hash
from server.db.models import City, Invitation, Membership, Space, User
from server.errors import Conflict, Forbidden, Invalid, NotFound, Unauthorized, problem
from server.services import accounts, spaces
from server.services.access import space_access
from server.services.views import iso

log = logging.getLogger(__name__)


def invitation_view(invitation: Invitation, token: str | None = None) -> dict:
    data = {
        "id": invitation.id,
        "email": invitation.email,
        "space_id": invitation.space_id,
        "role": invitation.role,
        "city_id": invitation.city_id,
        "expires_at": iso(invitation.expires_at),
        "accepted_at": iso(invitation.accepted_at),
    }
    if token is not None:
        data["token"] = token
        data["link"] = f"/invitations/{token}"
    return data


async def invite(db: AsyncSession, actor: User, fields: dict, *, days: int) -> dict:
    """Moderators invite members; admins invite members and moderators."""
    access = await space_access(db, actor, fields["space_id"])
    access.require_moderator()
    if fields["role"] == "moderator" and not actor.is_admin:
        raise Forbidden("Only platform admins invite moderators.", code="not_an_admin")
    city_id = fields.get("city_id")
    if city_id is not None and await db.get(City, city_id) is None:
        raise Invalid("Unknown city.", fields={"city_id": problem("not_found")})
    email = accounts.normalise_email(fields["email"])
    if await _suspended(db, access.space.id, email):
        raise Conflict("This person is suspended from the space: reinstate them instead.", code="member_suspended")
    token = new_token()
    invitation = Invitation(
        token_hash=token_hash(token),
        email=email,
        space_id=access.space.id,
        role=fields["role"],
        city_id=city_id,
        invited_by=actor.id,
        expires_at=accounts.now() + timedelta(days=days),
    )
    db.add(invitation)
    await db.flush()
    data = invitation_view(invitation, token)
    log.info("invitation for %s to space %s: %s", invitation.email, invitation.space_id, data["link"])
    return data


async def _suspended(db: AsyncSession, space_id: int, email: str) -> bool:
    return (
        await db.scalar(
            select(Membership.user_id)
            .join(User, User.id == Membership.user_id)
            .where(Membership.space_id == space_id, Membership.state == "suspended", User.email == email)
        )
        is not None
    )


async def _inviter_may_still_invite(db: AsyncSession, invitation: Invitation) -> bool:
    """An invitation is only as good as its sender's standing now: an admin still, or for a member
    invitation an active moderator of the space still."""
    inviter = await db.get(User, invitation.invited_by) if invitation.invited_by is not None else None
    if inviter is None or inviter.deactivated_at is not None:
        return False
    if inviter.is_admin:
        return True
    standing = await db.get(Membership, (invitation.space_id, inviter.id))
    return (
        invitation.role == "member"
        and standing is not None
        and standing.state == "active"
        and standing.role == "moderator"
    )


async def pending_invitation(db: AsyncSession, token: str) -> Invitation:
    invitation = await db.scalar(
        select(Invitation).where(Invitation.token_hash == token_hash(token)).with_for_update(key_share=True)
    )
    if invitation is None or invitation.accepted_at is not None or invitation.expires_at < accounts.now():
        raise NotFound("This invitation does not exist, was used, or has expired.", code="invitation_invalid")
    if not await _inviter_may_still_invite(db, invitation):
        raise NotFound(
            "This invitation was withdrawn: ask the space's moderators for a new one.", code="invitation_invalid"
        )
    return invitation


async def accept(
    db: AsyncSession, token: str, *, name: str | None, password: str | None, signed_in: User | None
) -> User:
    """Join the space. A new official sets name and password; someone who already
    has an account must be signed in as the invited email."""
    invitation = await pending_invitation(db, token)
    existing = await db.scalar(select(User).where(User.email == invitation.email))
    if existing is not None:
        if signed_in is None or signed_in.id != existing.id:
            raise Unauthorized("Sign in as the invited account to accept.", code="sign_in_to_accept")
        user = existing
    else:
        if signed_in is not None:
            raise Conflict("This invitation is for another email address.", code="wrong_account")
        missing = {k: problem("required") for k, v in (("name", name), ("password", password)) if not v}
        if missing:
            raise Invalid("Choose a name and a password.", fields=missing)
        user = await accounts.create_user(
            db, email=invitation.email, name=name, password=password, city_id=invitation.city_id
        )
    current = await db.get(Membership, (invitation.space_id, user.id), with_for_update={"key_share": True})
    if current is not None and current.state == "suspended":
        raise Conflict("You are suspended from this space.", code="member_suspended")
    invitation.accepted_at = accounts.now()
    invitation.accepted_by = user.id
    keeps_moderator = current is not None and current.state == "active" and current.role == "moderator"
    await spaces.add_member(db, invitation.space_id, user, "moderator" if keeps_moderator else invitation.role)
    return user


async def list_pending(db: AsyncSession, actor: User, space_id: int) -> list[dict]:
    """Invitations of a space not yet accepted and not expired (moderators)."""
    access = await space_access(db, actor, space_id)
    access.require_moderator()
    rows = await db.scalars(
        select(Invitation)
        .where(
            Invitation.space_id == space_id, Invitation.accepted_at.is_(None), Invitation.expires_at > accounts.now()
        )
        .order_by(Invitation.id.desc())
    )
    return [invitation_view(i) for i in rows]


async def revoke(db: AsyncSession, actor: User, invitation_id: int) -> None:
    """Withdraw an invitation that was not accepted yet (moderators of its space)."""
    invitation = await db.get(Invitation, invitation_id, with_for_update={"key_share": True})
    if invitation is None or invitation.accepted_at is not None:
        raise NotFound("No such pending invitation.")
    access = await space_access(db, actor, invitation.space_id, missing="No such pending invitation.")
    access.require_moderator()
    await db.delete(invitation)


async def preview(db: AsyncSession, token: str) -> dict:
    """What the holder of an invitation link is invited to, for the accept screen."""
    invitation = await pending_invitation(db, token)
    space = await db.get(Space, invitation.space_id)
    has_account = await db.scalar(select(User.id).where(User.email == invitation.email)) is not None
    return {
        "email": invitation.email,
        "role": invitation.role,
        "space_id": space.id,
        "space_name": space.name,
        "expires_at": iso(invitation.expires_at),
        "has_account": has_account,
    }
