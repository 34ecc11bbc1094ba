"""Plain-dict views of rows: the shapes the API answers with and events carry."""

from __future__ import annotations

from datetime import datetime

from server.db.models import City, Membership, Message, Space, Thread, User


def iso(value: datetime | None) -> str | None:
    return value.isoformat() if value else None


def user_brief(user: User | None) -> dict | None:
    if user is None:
        return None
    return {"id": user.id, "name": user.name, "handle": user.handle, "city_id": user.city_id}


def user_view(user: User) -> dict:
    return {
        **user_brief(user),
        "email": user.email,
        "position": user.position,
        "languages": list(user.languages or []),
        "locale": user.locale,
        "is_admin": user.is_admin,
        "created_at": iso(user.created_at),
    }


def city_view(city: City) -> dict:
    return {
        "id": city.id,
        "name": city.name,
        "country": city.country,
        "region": city.region,
        "languages": list(city.languages or []),
        "profile": city.profile,
        "description": city.description,
        "require_totp": city.require_totp,
    }


def space_view(space: Space, cities: list[City], membership: Membership | None = None) -> dict:
    return {
        "id": space.id,
        "name": space.name,
        "description": space.description,
        "themes": list(space.themes or []),
        "visibility": space.visibility,
        "city_ids": [c.id for c in cities],
        "cities": [city_view(c) for c in cities],
        "my_role": membership.role if membership and membership.state == "active" else None,
        "my_state": membership.state if membership else None,
        "created_at": iso(space.created_at),
    }


def member_view(membership: Membership, user: User) -> dict:
    return {
        "user": user_brief(user),
        "role": membership.role,
        "state": membership.state,
        "joined_at": iso(membership.created_at),
    }


def thread_view(thread: Thread, author: User | None) -> dict:
    return {
        "id": thread.id,
        "space_id": thread.space_id,
        "title": thread.title,
        "themes": list(thread.themes or []),
        "author": user_brief(author),
        "pinned": thread.pinned,
        "locked": thread.locked,
        "created_at": iso(thread.created_at),
        "last_activity_at": iso(thread.last_activity_at),
    }


def message_view(
    message: Message,
    author: User | None,
    reactions: list[dict] | None = None,
    mentions: list[int] | None = None,
    *,
    reveal_hidden: bool = True,
    reply_to: dict | None = None,
) -> dict:
    """reveal_hidden=False blanks a hidden message's content for readers who are not moderators."""
    hidden = message.hidden_at is not None
    blank = hidden and not reveal_hidden
    return {
        "id": message.id,
        "thread_id": message.thread_id,
        "space_id": message.space_id,
        "author": user_brief(author),
        "client_id": message.client_id,
        "body": "" if blank else message.body,
        "html": "" if blank else message.html,
        "created_at": iso(message.created_at),
        "edited_at": iso(message.edited_at),
        "hidden": hidden,
        "hidden_reason": message.hidden_reason if hidden and reveal_hidden else None,
        "reactions": reactions or [],
        "mentions": mentions or [],
        "reply_to": reply_to,  # the quote (services/quotes.py), or None
    }
