"""A user's mail preferences, and the signed tokens of one-click unsubscribe (RFC 8058)."""

from __future__ import annotations

import base64
import hashlib
import hmac

from sqlalchemy import select
from sqlalchemy.dialects.postgresql import insert
from sqlalchemy.ext.asyncio import AsyncSession

from server.db.models import Membership, NotificationSettings, Space, User
from server.errors import Invalid, NotFound, problem
from server.services.accounts import now

LEVELS = ("all", "mentions", "none")
DIGESTS = ("daily", "weekly", "never")
DEFAULTS = {"default_level": "all", "digest": "never", "batch_minutes": 0, "spaces": {}}


def _as_dict(row: NotificationSettings | None) -> dict:
    if row is None:
        return {**DEFAULTS, "spaces": {}}
    return {
        "default_level": row.default_level,
        "digest": row.digest,
        "batch_minutes": row.batch_minutes,
        "spaces": dict(row.spaces or {}),
    }


async def load(db: AsyncSession, user_id: int) -> dict:
    return _as_dict(await db.get(NotificationSettings, user_id))


async def load_many(db: AsyncSession, user_ids: list[int]) -> dict[int, dict]:
    """Everyone's preferences in one query (the notifier fans an event out to many)."""
    rows = {
        r.user_id: r
        for r in await db.scalars(select(NotificationSettings).where(NotificationSettings.user_id.in_(user_ids)))
    }
    return {user_id: _as_dict(rows.get(user_id)) for user_id in user_ids}


def level_for(prefs: dict, space_id: int) -> str:
    return prefs["spaces"].get(str(space_id), prefs["default_level"])


async def _save(db: AsyncSession, user_id: int, prefs: dict) -> None:
    values = {**prefs, "updated_at": now()}
    await db.execute(
        insert(NotificationSettings)
        .values(user_id=user_id, **values)
        .on_conflict_do_update(index_elements=[NotificationSettings.user_id], set_=values)
    )


async def view(db: AsyncSession, user: User) -> dict:
    prefs = await load(db, user.id)
    rows = await db.execute(
        select(Space.id, Space.name)
        .join(Membership, Membership.space_id == Space.id)
        .where(Membership.user_id == user.id, Membership.state == "active")
        .order_by(Space.name, Space.id)
    )
    spaces = [{"space_id": sid, "name": name, "level": level_for(prefs, sid)} for sid, name in rows]
    return {
        "default_level": prefs["default_level"],
        "digest": prefs["digest"],
        "batch_minutes": prefs["batch_minutes"],
        "spaces": spaces,
    }


async def change(db: AsyncSession, user: User, changes: dict) -> dict:
    prefs = await load(db, user.id)
    for key in ("default_level", "digest", "batch_minutes"):
        if key in changes:
            prefs[key] = changes[key]
    wanted = changes.get("spaces") or []
    if wanted:
        ids = [item["space_id"] for item in wanted]
        mine = set(
            (
                await db.scalars(
                    select(Membership.space_id).where(
                        Membership.user_id == user.id, Membership.space_id.in_(ids), Membership.state == "active"
                    )
                )
            ).all()
        )
        unknown = [i for i in ids if i not in mine]
        if unknown:
            raise Invalid(
                "You are not a member of some of these spaces.",
                fields={"spaces": problem("not_yours", ids=", ".join(map(str, unknown)))},
            )
        for item in wanted:
            prefs["spaces"][str(item["space_id"])] = item["level"]
    await _save(db, user.id, prefs)
    return await view(db, user)


# --- one-click unsubscribe ---------------------------------------------------------


def _signature(secret: str, payload: str) -> str:
    digest = hmac.new(secret.encode(), f"unsubscribe:{payload}".encode(), hashlib.sha256).digest()
    return base64.urlsafe_b64encode(digest[:18]).decode().rstrip("=")


def unsubscribe_token(secret: str, user_id: int, space_id: int | None) -> str:
    """Stops one space's notifications (or, with space_id None, every notification)."""
    payload = f"{user_id}.{space_id or 0}"
    return f"{payload}.{_signature(secret, payload)}"


def digest_unsubscribe_token(secret: str, user_id: int) -> str:
    """Stops the user's digests (their notifications stay as they are)."""
    payload = f"{user_id}.d"
    return f"{payload}.{_signature(secret, payload)}"


async def unsubscribe(db: AsyncSession, secret: str, token: str) -> dict:
    parts = token.split(".")
    if len(parts) == 3 and parts[0].isdigit() and parts[1] == "d":
        return await _stop_digests(db, secret, parts)
    if len(parts) != 3 or not all(p.isdigit() for p in parts[:2]):
        raise NotFound("This unsubscribe link is not valid.", code="unsubscribe_invalid")
    payload = f"{parts[0]}.{parts[1]}"
    if not hmac.compare_digest(parts[2], _signature(secret, payload)):
        raise NotFound("This unsubscribe link is not valid.", code="unsubscribe_invalid")
    user_id, space_id = int(parts[0]), int(parts[1])
    if await db.get(User, user_id) is None:
        raise NotFound("This unsubscribe link is not valid.", code="unsubscribe_invalid")
    prefs = await load(db, user_id)
    if space_id:
        prefs["spaces"][str(space_id)] = "none"
    else:
        prefs["default_level"] = "none"
        prefs["spaces"] = {k: "none" for k in prefs["spaces"]}
    await _save(db, user_id, prefs)
    return {"user_id": user_id, "space_id": space_id or None, "level": "none"}


async def _stop_digests(db: AsyncSession, secret: str, parts: list[str]) -> dict:
    if not hmac.compare_digest(parts[2], _signature(secret, f"{parts[0]}.d")):
        raise NotFound("This unsubscribe link is not valid.", code="unsubscribe_invalid")
    user_id = int(parts[0])
    if await db.get(User, user_id) is None:
        raise NotFound("This unsubscribe link is not valid.", code="unsubscribe_invalid")
    prefs = await load(db, user_id)
    prefs["digest"] = "never"
    await _save(db, user_id, prefs)
    return {"user_id": user_id, "space_id": None, "level": "none"}
