"""What both bare apps (bench/load_bare.py, bench/routes_bare.py) read the way Citybridge does, on
its own tables with one asyncpg connection and no ORM: the bearer token's owner, the read rule of a
space, a user's own profile, and a page of a thread's messages with their reactions and mentions.
The answers equal Citybridge's (bench/routes.py compares them before measuring)."""

from __future__ import annotations

import hashlib
import json

from server.services.profiles import DEFAULTS as VISIBILITY  # what each field shows to until chosen

# The live token's active owner, with the columns of server/services/profiles.py's own_view. A token
# is looked up by its SHA-256, as server/auth/tokens.py stores it.
OWNER = """
SELECT u.id, u.name, u.handle, u.city_id, u.email, u.position, u.languages, u.locale, u.is_admin, u.created_at,
       u.office, u.bio, u.time_zone, u.expertise_themes, u.expertise_tags, u.visibility::text AS visibility,
       u.photo_key, u.public_name_consent, t.scopes
FROM api_tokens t JOIN users u ON u.id = t.user_id
WHERE t.token_hash = $1 AND t.revoked_at IS NULL AND t.expires_at > now() AND u.deactivated_at IS NULL
"""
# The thread, its space and the caller's membership.
THREAD_ACCESS = """
SELECT t.id, t.space_id, t.title, t.locked, s.visibility, m.state, m.role FROM threads t
JOIN spaces s ON s.id = t.space_id
LEFT JOIN memberships m ON m.space_id = s.id AND m.user_id = $2
WHERE t.id = $1
"""
PAGE = """
SELECT m.id, m.thread_id, m.space_id, m.author_id, m.client_id, m.body, m.html, m.created_at, m.edited_at,
       m.hidden_at, m.hidden_reason, m.reply_to_id, u.name, u.handle, u.city_id
FROM messages m LEFT JOIN users u ON u.id = m.author_id
WHERE m.thread_id = $1 AND m.deleted_at IS NULL AND m.id > $2
ORDER BY m.id LIMIT $3
"""
REACTIONS = """
SELECT message_id, emoji, array_agg(user_id) AS user_ids FROM reactions WHERE message_id = ANY($1::bigint[])
GROUP BY message_id, emoji ORDER BY min(created_at)
"""
MENTIONS = "SELECT message_id, user_id FROM mentions WHERE message_id = ANY($1::bigint[])"


def iso(value) -> str | None:
    return value.isoformat() if value is not None else None


def brief(user_id, name, handle, city_id) -> dict | None:
    return None if user_id is None else {"id": user_id, "name": name, "handle": handle, "city_id": city_id}


def may_read(is_admin: bool, visibility: str, state: str | None) -> bool:
    """server/services/access.can_read."""
    if is_admin:
        return True
    if state == "suspended":
        return False
    return visibility == "network" or state == "active"


async def standing(connection, query: str, item_id: int, user):
    """The caller's membership row from `query` (the space of `item_id`), or None if they may not read it."""
    access = await connection.fetchrow(query, item_id, user["id"])
    readable = access is not None and may_read(user["is_admin"], access["visibility"], access["state"])
    return access if readable else None


async def owner(connection, request):
    """The bearer token's owner (with the read scope), or None."""
    scheme, _, secret = request.headers.get("authorization", "").partition(" ")
    if scheme.lower() != "bearer" or not secret:
        return None
    user = await connection.fetchrow(OWNER, hashlib.sha256(secret.strip().encode()).hexdigest())
    return user if user is not None and "read" in user["scopes"] else None


def own_view(user) -> dict:
    """GET /api/me's answer for an API token (no CSRF token)."""
    stored = json.loads(user["visibility"] or "{}")
    return {
        **brief(user["id"], user["name"], user["handle"], user["city_id"]),
        "email": user["email"],
        "position": user["position"],
        "languages": list(user["languages"] or []),
        "locale": user["locale"],
        "is_admin": user["is_admin"],
        "created_at": iso(user["created_at"]),
        "office": user["office"],
        "bio": user["bio"],
        "time_zone": user["time_zone"],
        "expertise_themes": list(user["expertise_themes"] or []),
        "expertise_tags": list(user["expertise_tags"] or []),
        "visibility": {key: stored.get(key, default) for key, default in VISIBILITY.items()},
        "photo_url": f"/api/people/{user['id']}/photo?v={user['photo_key'][:16]}" if user["photo_key"] else None,
        "public_name_consent": bool(user["public_name_consent"]),
        "csrf_token": None,
    }


async def message_page(connection, user, access, thread_id: int, after: int, limit: int) -> dict:
    """A page of the thread's messages after `after`, oldest first, as the caller may see them (hidden
    ones blank unless they moderate or wrote them); replies are not resolved (reply_to is None)."""
    rows = await connection.fetch(PAGE, thread_id, after, limit)
    ids = [row["id"] for row in rows]
    reactions: dict[int, list] = {}
    for row in await connection.fetch(REACTIONS, ids):
        user_ids = sorted(row["user_ids"])
        reactions.setdefault(row["message_id"], []).append(
            {"emoji": row["emoji"], "count": len(user_ids), "user_ids": user_ids}
        )
    mentions: dict[int, list] = {}
    for row in await connection.fetch(MENTIONS, ids):
        mentions.setdefault(row["message_id"], []).append(row["user_id"])
    moderator = user["is_admin"] or (access["role"] == "moderator" and access["state"] == "active")
    items = []
    for row in rows:
        hidden = row["hidden_at"] is not None
        blank = hidden and not (moderator or row["author_id"] == user["id"])
        items.append(
            {
                "id": row["id"],
                "thread_id": row["thread_id"],
                "space_id": row["space_id"],
                "author": brief(row["author_id"], row["name"], row["handle"], row["city_id"]),
                "client_id": row["client_id"],
                "body": "" if blank else row["body"],
                "html": "" if blank else row["html"],
                "created_at": iso(row["created_at"]),
                "edited_at": iso(row["edited_at"]),
                "hidden": hidden,
                "hidden_reason": row["hidden_reason"] if hidden and not blank else None,
                "reactions": reactions.get(row["id"], []),
                "mentions": sorted(mentions.get(row["id"], [])),
                "reply_to": None,
            }
        )
    return {"items": items, "next_cursor": str(ids[-1]) if len(ids) == limit else None}
