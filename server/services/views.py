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
    return _thread(thread.__getattribute__, user_brief(author))


def thread_view_of_row(row) -> dict:
    """thread_view of a database row with the thread's columns by name and its author's as
    author_name, author_handle and author_city_id (services/threads.py's list)."""
    return _thread(row.__getitem__, brief_of_row(row, "author_id", "author_"))


def brief_of_row(row, id_column: str, prefix: str) -> dict | None:
    """user_brief of a user's columns in a row: the id in `id_column`, the others named prefix + column."""
    user_id = row[id_column]
    if user_id is None:
        return None
    return {
        "id": user_id,
        "name": row[prefix + "name"],
        "handle": row[prefix + "handle"],
        "city_id": row[prefix + "city_id"],
    }


def _thread(field, author: dict | None) -> dict:
    return {
        "id": field("id"),
        "space_id": field("space_id"),
        "title": field("title"),
        "themes": list(field("themes") or []),
        "author": author,
        "pinned": field("pinned"),
        "locked": field("locked"),
        "created_at": iso(field("created_at")),
        "last_activity_at": iso(field("last_activity_at")),
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
    return _message(message.__getattribute__, user_brief(author), reactions, mentions, reveal_hidden, reply_to)


def message_view_of_row(
    row, reactions: list[dict] | None, mentions: list[int] | None, *, reveal_hidden: bool, reply_to: dict | None
) -> dict:
    """message_view of a database row that has the message's columns by name and its author's as
    author_name, author_handle and author_city_id (services/messages.py's page of a thread)."""
    return _message(
        row.__getitem__, brief_of_row(row, "author_id", "author_"), reactions, mentions, reveal_hidden, reply_to
    )


def _message(field, author, reactions, mentions, reveal_hidden: bool, reply_to) -> dict:
    hidden = field("hidden_at") is not None
    blank = hidden and not reveal_hidden
    return {
        "id": field("id"),
        "thread_id": field("thread_id"),
        "space_id": field("space_id"),
        "author": author,
        "client_id": field("client_id"),
        "body": "" if blank else field("body"),
        "html": "" if blank else field("html"),
        "created_at": iso(field("created_at")),
        "edited_at": iso(field("edited_at")),
        "hidden": hidden,
        "hidden_reason": field("hidden_reason") if hidden and reveal_hidden else None,
        "reactions": reactions or [],
        "mentions": mentions or [],
        "reply_to": reply_to,  # the quote (services/quotes.py), or None
    }
