"""Transactional mails (invitations, password resets), written to the outbox in the transaction of
the change that causes them: if the change rolls back, no mail goes out."""

from __future__ import annotations

from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession

from server.db.models import City, Space, SpaceCity, User
from server.mail import compose, outbox


async def invitation(db: AsyncSession, settings, inviter: User, invitation: dict) -> None:
    space = await db.get(Space, invitation["space_id"])
    cities = (
        await db.scalars(
            select(City.name).join(SpaceCity, SpaceCity.city_id == City.id).where(SpaceCity.space_id == space.id)
        )
    ).all()
    invitee = await db.scalar(select(User).where(User.email == invitation["email"]))
    rendered = compose.invitation(
        settings,
        locale=invitee.locale if invitee else inviter.locale,
        inviter=inviter.name,
        space=space.name,
        cities=sorted(cities),
        role=invitation["role"],
        token=invitation["token"],
        expires=invitation["expires_at"][:10],
    )
    await outbox.enqueue(db, settings, kind="invitation", to=invitation["email"], rendered=rendered)


async def password_reset(db: AsyncSession, settings, user: User, token: str) -> None:
    rendered = compose.password_reset(settings, locale=user.locale, token=token)
    await outbox.enqueue(db, settings, kind="password_reset", to=user.email, rendered=rendered, user_id=user.id)
