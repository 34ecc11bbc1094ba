"""The library of a space: files, links and practice records; versions, adaptations, collections.

A hidden resource exists only for the space's moderators and its author: everyone else gets
NotFound, and its events carry no content.
"""

from __future__ import annotations

from datetime import datetime
from urllib.parse import urlsplit

from sqlalchemy import any_, false, func, literal, or_, select, true, tuple_
from sqlalchemy.dialects.postgresql import insert
from sqlalchemy.ext.asyncio import AsyncSession

from server.db.models import (
    City,
    Collection,
    CollectionItem,
    Message,
    PracticeAdaptation,
    Resource,
    ResourceVersion,
    Space,
    User,
)
from server.errors import Forbidden, Invalid, NotFound, problem
from server.services import audit, changelog, flags, messages
from server.services.access import SpaceAccess, readable_spaces_clause, space_access
from server.services.accounts import now
from server.services.views import iso, user_brief

COMMON_FIELDS = ("title", "summary", "themes", "language", "city_id")
DETAIL_FIELDS = (
    "city_size",
    "population",
    "period_start",
    "period_end",
    "status",
    "purpose",
    "context",
    "process",
    "partners",
    "responsible_office",
    "budget",
    "results",
    "evidence",
    "transfer_conditions",
    "lessons_learned",
    "contact",
    "licence",
    "review_status",
)
PRACTICE_ONLY = (*DETAIL_FIELDS, "gcm_objectives")
DETAIL_DEFAULTS = {
    "city_size": None,
    "population": None,
    "period_start": None,
    "period_end": None,
    "status": None,
    "licence": "CC-BY-4.0",
    "review_status": "draft",
}
REQUIRED_PRACTICE = ("title", "summary", "city_id", "themes", "language")


# --- views ------------------------------------------------------------------


def resource_view(
    resource: Resource, author: User | None, city: City | None = None, *, reveal_hidden: bool = True
) -> dict:
    """The answer shape of a resource (without its links to other resources)."""
    hidden = resource.hidden_at is not None
    practice = None
    if resource.kind == "practice":
        details = resource.details or {}
        practice = {key: details.get(key, DETAIL_DEFAULTS.get(key, "")) for key in DETAIL_FIELDS}
        practice["gcm_objectives"] = sorted(resource.gcm_objectives or [])
        practice["city_profile"] = city.profile if city is not None else None
    file = None
    if resource.kind == "file":
        file = {
            "name": resource.file_name,
            "size": resource.file_size,
            "content_type": resource.content_type,
            "sha256": resource.file_key,
            "has_text": bool(resource.extracted_text),
            "download_url": f"/api/resources/{resource.id}/download",
        }
    return {
        "id": resource.id,
        "space_id": resource.space_id,
        "kind": resource.kind,
        "title": resource.title,
        "summary": resource.summary,
        "themes": list(resource.themes or []),
        "language": resource.language,
        "city_id": resource.city_id,
        "featured": resource.featured,
        "hidden": hidden,
        "hidden_reason": resource.hidden_reason if hidden and reveal_hidden else None,
        "author": user_brief(author),
        "version": resource.version,
        "created_at": iso(resource.created_at),
        "updated_at": iso(resource.updated_at),
        "source_thread_id": resource.source_thread_id,
        "file": file,
        "url": resource.url,
        "practice": practice,
    }


async def _full(db: AsyncSession, resource: Resource, *, reveal_hidden: bool = True) -> dict:
    author = await db.get(User, resource.author_id) if resource.author_id else None
    city = await db.get(City, resource.city_id) if resource.city_id else None
    return resource_view(resource, author, city, reveal_hidden=reveal_hidden)


async def event_view(db: AsyncSession, resource: Resource) -> dict:
    """What a `resource.*` event carries: everyone subscribed to the space sees it, so a
    hidden resource is reduced to its identity."""
    if resource.hidden_at is not None:
        return {"id": resource.id, "space_id": resource.space_id, "kind": resource.kind, "hidden": True}
    return await _full(db, resource)


# --- access -----------------------------------------------------------------


def _visible(resource: Resource, access: SpaceAccess) -> bool:
    return resource.hidden_at is None or access.is_moderator or resource.author_id == access.user.id


def _can_edit(resource: Resource, access: SpaceAccess) -> bool:
    return access.is_moderator or (resource.author_id == access.user.id and access.can_post)


async def resource_access(
    db: AsyncSession, actor: User, resource_id: int, *, for_update: bool = False
) -> tuple[Resource, SpaceAccess]:
    """The resource and the actor's standing in its space; NotFound if they may not see it."""
    query = select(Resource).where(Resource.id == resource_id)
    if for_update:
        query = query.with_for_update()
    resource = await db.scalar(query)
    if resource is None:
        raise NotFound("No such resource.")
    access = await space_access(db, actor, resource.space_id, missing="No such resource.")
    if not _visible(resource, access):
        raise NotFound("No such resource.")
    return resource, access


# --- checks -----------------------------------------------------------------


def check_url(url: str) -> str:
    """Only absolute http(s) addresses: no javascript:, data:, file: or credentials."""
    bad = Invalid(
        "A link must be an http:// or https:// address.", code="bad_url", fields={"url": problem("invalid_url")}
    )
    if any(ch.isspace() or ord(ch) < 32 or ord(ch) == 127 for ch in url):
        raise bad
    try:
        parts = urlsplit(url)
        host = parts.hostname
    except ValueError:
        raise bad from None
    if parts.scheme.lower() not in ("http", "https") or not host:
        raise bad
    if parts.username or parts.password:
        raise Invalid(
            "A link must not carry a user name or password.", code="bad_url", fields={"url": problem("url_credentials")}
        )
    return url


async def _check_city(db: AsyncSession, city_id: int | None) -> City | None:
    if city_id is None:
        return None
    city = await db.get(City, city_id)
    if city is None:
        raise Invalid("Unknown city.", fields={"city_id": problem("not_found")})
    return city


async def _readable_practice(db: AsyncSession, actor: User, resource_id: int) -> Resource:
    try:
        source, _ = await resource_access(db, actor, resource_id)
    except NotFound:
        raise NotFound("No such practice record.") from None
    if source.kind != "practice":
        raise Invalid(
            "Only practice records are adapted from one another.",
            code="not_a_practice",
            fields={"adapted_from": problem("not_a_practice")},
        )
    return source


def _check_review(fields: dict, access: SpaceAccess) -> None:
    if fields.get("review_status") == "reviewed" and not access.is_moderator:
        raise Forbidden("Only moderators mark a practice record as reviewed.", code="not_a_moderator")


# --- creating ---------------------------------------------------------------


async def create(db: AsyncSession, actor: User, space_id: int, fields: dict) -> dict:
    """Add a link or a practice record to a space's library (members)."""
    access = await space_access(db, actor, space_id)
    access.require_post()
    kind = fields["kind"]
    await _check_city(db, fields.get("city_id"))
    resource = Resource(space_id=space_id, kind=kind, author_id=actor.id, **{k: fields.get(k) for k in COMMON_FIELDS})
    resource.summary = resource.summary or ""
    resource.themes = resource.themes or []
    if kind == "link":
        resource.url = check_url(fields["url"])
    else:
        _check_review(fields, access)
        resource.details = {k: fields[k] for k in DETAIL_FIELDS if k in fields}
        resource.details.setdefault("review_status", "draft")
        resource.details.setdefault("licence", "CC-BY-4.0")
        resource.gcm_objectives = sorted(set(fields.get("gcm_objectives") or []))
        if fields.get("source_thread_id") is not None:
            try:
                thread, _ = await messages.thread_access(db, actor, fields["source_thread_id"])
            except NotFound:
                thread = None
            if thread is None or thread.space_id != space_id:
                raise Invalid(
                    "The thread must be one of this space.", fields={"source_thread_id": problem("not_found")}
                )
            resource.source_thread_id = thread.id
    sources = [await _readable_practice(db, actor, rid) for rid in dict.fromkeys(fields.get("adapted_from") or [])]
    return await _insert(db, resource, sources)


async def create_file(
    db: AsyncSession,
    actor: User,
    access: SpaceAccess,
    fields: dict,
    *,
    key: str,
    name: str,
    size: int,
    content_type: str,
    text: str | None,
) -> dict:
    """Record an uploaded file already committed to storage under `key`."""
    access.require_post()
    await _check_city(db, fields.get("city_id"))
    resource = Resource(
        space_id=access.space.id,
        kind="file",
        author_id=actor.id,
        title=fields.get("title") or name,
        summary=fields.get("summary") or "",
        themes=fields.get("themes") or [],
        language=fields.get("language"),
        city_id=fields.get("city_id"),
        file_key=key,
        file_name=name,
        file_size=size,
        content_type=content_type,
        extracted_text=text,
    )
    return await _insert(db, resource, [])


async def _insert(db: AsyncSession, resource: Resource, sources: list[Resource]) -> dict:
    resource.featured, resource.version = False, 1
    resource.gcm_objectives = resource.gcm_objectives or []
    db.add(resource)
    await db.flush()
    db.add_all(
        [PracticeAdaptation(practice_id=resource.id, source_id=s.id, created_by=resource.author_id) for s in sources]
    )
    await db.flush()
    await db.refresh(resource)
    await changelog.record(db, "resource.created", await event_view(db, resource), space_id=resource.space_id)
    author = await db.get(User, resource.author_id)
    return await _detail(db, author, resource)


# --- reading ----------------------------------------------------------------


async def _refs(db: AsyncSession, actor: User, resource_id: int, direction: str) -> list[dict]:
    """Adapted-from (or adapted-by) records the actor may read; others stay invisible."""
    link = PracticeAdaptation
    mine, theirs = (link.practice_id, link.source_id) if direction == "from" else (link.source_id, link.practice_id)
    query = (
        select(Resource)
        .join(link, theirs == Resource.id)
        .join(Space, Space.id == Resource.space_id)
        .where(
            mine == resource_id,
            readable_spaces_clause(actor),
            or_(Resource.hidden_at.is_(None), Resource.author_id == actor.id, true() if actor.is_admin else false()),
        )
        .order_by(Resource.id)
    )
    return [
        {"id": r.id, "space_id": r.space_id, "title": r.title, "city_id": r.city_id}
        for r in (await db.scalars(query)).all()
    ]


async def _detail(db: AsyncSession, actor: User, resource: Resource, *, reveal_hidden: bool = True) -> dict:
    collection_ids = (
        await db.scalars(
            select(CollectionItem.collection_id)
            .where(CollectionItem.resource_id == resource.id)
            .order_by(CollectionItem.collection_id)
        )
    ).all()
    return {
        **await _full(db, resource, reveal_hidden=reveal_hidden),
        "adapted_from": await _refs(db, actor, resource.id, "from"),
        "adapted_by": await _refs(db, actor, resource.id, "by"),
        "collection_ids": list(collection_ids),
    }


async def get(db: AsyncSession, actor: User, resource_id: int) -> dict:
    resource, _access = await resource_access(db, actor, resource_id)
    return await _detail(db, actor, resource)


SORTS = {
    "recent": (lambda: (Resource.created_at, Resource.id), "desc"),
    "updated": (lambda: (Resource.updated_at, Resource.id), "desc"),
    "title": (lambda: (func.lower(Resource.title), Resource.id), "asc"),
}


def sort_key(item: dict, sort: str) -> list:
    if sort == "title":
        return [item["title"].lower(), item["id"]]
    return [item["created_at" if sort == "recent" else "updated_at"], item["id"]]


async def list_resources(
    db: AsyncSession, actor: User, space_id: int, filters: dict, *, sort: str, after: list | None, limit: int
) -> list[dict]:
    """A page of a space's library, filtered, in the chosen order. `after` is the sort key
    of the last item of the previous page."""
    access = await space_access(db, actor, space_id)
    query = (
        select(Resource, User, City)
        .outerjoin(User, User.id == Resource.author_id)
        .outerjoin(City, City.id == Resource.city_id)
        .where(Resource.space_id == space_id)
    )
    if not access.is_moderator:
        query = query.where(or_(Resource.hidden_at.is_(None), Resource.author_id == actor.id))
    if filters.get("kind"):
        query = query.where(Resource.kind == filters["kind"])
    if filters.get("theme"):
        query = query.where(literal(filters["theme"]) == any_(Resource.themes))
    if filters.get("objective"):
        query = query.where(literal(filters["objective"]) == any_(Resource.gcm_objectives))
    if filters.get("language"):
        query = query.where(Resource.language == filters["language"])
    if filters.get("city"):
        query = query.where(Resource.city_id == filters["city"])
    if filters.get("featured") is not None:
        query = query.where(Resource.featured.is_(filters["featured"]))
    if filters.get("collection"):
        query = query.where(
            Resource.id.in_(
                select(CollectionItem.resource_id).where(CollectionItem.collection_id == filters["collection"])
            )
        )
    columns, direction = SORTS[sort]
    key = columns()
    if after is not None:
        value = datetime.fromisoformat(after[0]) if sort != "title" else after[0]
        bound = tuple_(value, after[1])
        query = query.where(tuple_(*key) < bound if direction == "desc" else tuple_(*key) > bound)
    query = query.order_by(*(c.desc() if direction == "desc" else c.asc() for c in key)).limit(limit)
    return [
        resource_view(r, u, c, reveal_hidden=access.is_moderator or r.author_id == actor.id)
        for r, u, c in (await db.execute(query)).all()
    ]


async def versions(db: AsyncSession, actor: User, resource_id: int) -> list[dict]:
    """Earlier versions, newest first."""
    resource, _ = await resource_access(db, actor, resource_id)
    rows = (
        await db.execute(
            select(ResourceVersion, User)
            .outerjoin(User, User.id == ResourceVersion.edited_by)
            .where(ResourceVersion.resource_id == resource.id)
            .order_by(ResourceVersion.version.desc())
        )
    ).all()
    return [
        {"version": v.version, "snapshot": v.snapshot, "edited_by": user_brief(u), "replaced_at": iso(v.replaced_at)}
        for v, u in rows
    ]


async def open_download(db: AsyncSession, actor: User, resource_id: int) -> Resource:
    resource, _ = await resource_access(db, actor, resource_id)
    if resource.kind != "file":
        raise NotFound("This resource has no file.")
    return resource


# --- changing ---------------------------------------------------------------


def _snapshot(resource: Resource) -> dict:
    return {
        **{k: getattr(resource, k) for k in ("title", "summary", "language", "city_id", "url")},
        "themes": list(resource.themes or []),
        "gcm_objectives": list(resource.gcm_objectives or []),
        "details": dict(resource.details or {}) if resource.kind == "practice" else None,
    }


def _current(resource: Resource, key: str):
    if key in DETAIL_FIELDS:
        return (resource.details or {}).get(key, DETAIL_DEFAULTS.get(key, ""))
    return getattr(resource, key)


async def update(db: AsyncSession, actor: User, resource_id: int, changes: dict) -> dict:
    """The author or a moderator edits; only moderators feature. Each content edit keeps
    the previous state as a version."""
    resource, access = await resource_access(db, actor, resource_id, for_update=True)
    if not _can_edit(resource, access):
        raise Forbidden("Only the author or a moderator can edit this resource.", code="not_the_author")
    if "featured" in changes:
        access.require_moderator()
    wrong = [
        k
        for k in changes
        if (k in PRACTICE_ONLY and resource.kind != "practice") or (k == "url" and resource.kind != "link")
    ]
    if wrong:
        raise Invalid(
            f"These fields do not apply to a {resource.kind}.",
            fields={k: problem("not_applicable", kind=resource.kind) for k in wrong},
        )
    if resource.kind == "practice":
        _check_review(changes, access)
        missing = {k: problem("required") for k in ("summary", "themes") if k in changes and not changes[k]}
        if missing:
            raise Invalid("A practice record needs these fields.", fields=missing)
    if "url" in changes:
        check_url(changes["url"])
    if "city_id" in changes:
        await _check_city(db, changes["city_id"])
    if "gcm_objectives" in changes:
        changes["gcm_objectives"] = sorted(set(changes["gcm_objectives"]))
    changed = [k for k, v in changes.items() if _current(resource, k) != v]
    if not changed:
        return await _detail(db, actor, resource)
    content = [k for k in changed if k != "featured"]
    if content:
        db.add(
            ResourceVersion(
                resource_id=resource.id, version=resource.version, snapshot=_snapshot(resource), edited_by=actor.id
            )
        )
        resource.version += 1
        resource.updated_at = now()
    details = dict(resource.details or {})
    for key in changed:
        if key in DETAIL_FIELDS:
            details[key] = changes[key]
        else:
            setattr(resource, key, changes[key])
    if resource.kind == "practice":
        resource.details = details
    if "featured" in changed:
        await audit.record(
            db,
            actor,
            "resource.featured" if resource.featured else "resource.unfeatured",
            space_id=resource.space_id,
            target_kind="resource",
            target_id=resource.id,
        )
    await db.flush()
    await db.refresh(resource)
    await changelog.record(
        db, "resource.updated", {**await event_view(db, resource), "changed": changed}, space_id=resource.space_id
    )
    return await _detail(db, actor, resource)


async def delete(db: AsyncSession, actor: User, resource_id: int, *, reason: str = "") -> str | None:
    """The author or a moderator deletes. Returns the storage key the caller may remove
    after commit, if no other resource shares the same file."""
    resource, access = await resource_access(db, actor, resource_id, for_update=True)
    if not _can_edit(resource, access):
        raise Forbidden("Only the author or a moderator can delete this resource.", code="not_the_author")
    return await remove(db, actor, resource, reason=reason)


async def remove(db: AsyncSession, actor: User, resource: Resource, *, reason: str = "") -> str | None:
    """Delete a resource whose deletion the caller has allowed."""
    if resource.author_id != actor.id:
        await audit.record(
            db,
            actor,
            "resource.deleted",
            space_id=resource.space_id,
            target_kind="resource",
            target_id=resource.id,
            reason=reason,
            details={"title": resource.title},
        )
    await flags.close_open(db, actor, "resource", resource.id, state="deleted", note=reason or "deleted")
    key, space_id = resource.file_key, resource.space_id
    data = {"id": resource.id, "space_id": space_id, "kind": resource.kind}
    await db.delete(resource)
    await db.flush()
    await changelog.record(db, "resource.deleted", data, space_id=space_id)
    if key is None:
        return None
    shared = await db.scalar(select(func.count()).where(Resource.file_key == key))
    return None if shared else key


async def set_adaptation(db: AsyncSession, actor: User, practice_id: int, source_id: int, *, add: bool) -> dict:
    """Say (or unsay) that a practice record was adapted from another, in any readable space."""
    resource, access = await resource_access(db, actor, practice_id, for_update=True)
    if not _can_edit(resource, access):
        raise Forbidden("Only the author or a moderator can edit this resource.", code="not_the_author")
    if resource.kind != "practice":
        raise Invalid("Only practice records are adapted from one another.", code="not_a_practice")
    if source_id == practice_id:
        raise Invalid("A practice record is not adapted from itself.", code="self_adaptation")
    await _readable_practice(db, actor, source_id)
    table = PracticeAdaptation.__table__
    if add:
        result = await db.execute(
            insert(table)
            .values(practice_id=practice_id, source_id=source_id, created_by=actor.id)
            .on_conflict_do_nothing()
        )
    else:
        result = await db.execute(
            table.delete().where(table.c.practice_id == practice_id, table.c.source_id == source_id)
        )
    if result.rowcount:
        await changelog.record(
            db,
            "resource.updated",
            {**await event_view(db, resource), "changed": ["adapted_from"]},
            space_id=resource.space_id,
        )
    return await _detail(db, actor, resource)


# --- practice records from threads -------------------------------------------


async def practice_draft(db: AsyncSession, actor: User, thread_id: int) -> dict:
    """A practice record pre-filled from a thread: its title, first message, themes, and the
    actor's city and language. `missing` names the required fields still empty."""
    thread, access = await messages.thread_access(db, actor, thread_id)
    first = await db.scalar(
        select(Message)
        .where(Message.thread_id == thread.id, Message.deleted_at.is_(None), Message.hidden_at.is_(None))
        .order_by(Message.id)
        .limit(1)
    )
    city = await db.get(City, actor.city_id) if actor.city_id else None
    languages = list(actor.languages or []) or list(city.languages if city else [])
    draft = {
        "title": thread.title,
        "summary": (first.body if first else "")[:5000].strip(),
        "city_id": city.id if city else None,
        "themes": list(thread.themes or []) or list(access.space.themes or []),
        "language": languages[0] if languages else None,
        "source_thread_id": thread.id,
    }
    draft["missing"] = [k for k in REQUIRED_PRACTICE if not draft[k]]
    return draft


async def practice_from_thread(db: AsyncSession, actor: User, thread_id: int, overrides: dict) -> dict:
    """Create a practice record from a thread's draft completed by `overrides`, linked to the thread."""
    draft = await practice_draft(db, actor, thread_id)
    thread, _ = await messages.thread_access(db, actor, thread_id)
    draft.pop("missing")
    fields = {**draft, **{k: v for k, v in overrides.items() if v is not None}, "kind": "practice"}
    missing = {k: problem("required") for k in REQUIRED_PRACTICE if not fields.get(k)}
    if missing:
        raise Invalid("Complete the practice record: some required fields are empty.", fields=missing)
    return await create(db, actor, thread.space_id, fields)


# --- collections ------------------------------------------------------------


async def _collection_view(db: AsyncSession, collection: Collection) -> dict:
    ids = (
        await db.scalars(
            select(CollectionItem.resource_id)
            .where(CollectionItem.collection_id == collection.id)
            .order_by(CollectionItem.added_at, CollectionItem.resource_id)
        )
    ).all()
    return {
        "id": collection.id,
        "space_id": collection.space_id,
        "name": collection.name,
        "description": collection.description,
        "resource_ids": list(ids),
        "created_at": iso(collection.created_at),
    }


async def _collection_access(db: AsyncSession, actor: User, collection_id: int) -> tuple[Collection, SpaceAccess]:
    collection = await db.scalar(select(Collection).where(Collection.id == collection_id).with_for_update())
    if collection is None:
        raise NotFound("No such collection.")
    access = await space_access(db, actor, collection.space_id, missing="No such collection.")
    return collection, access


async def list_collections(db: AsyncSession, actor: User, space_id: int) -> list[dict]:
    await space_access(db, actor, space_id)
    rows = (
        await db.scalars(
            select(Collection).where(Collection.space_id == space_id).order_by(Collection.name, Collection.id)
        )
    ).all()
    return [await _collection_view(db, c) for c in rows]


async def create_collection(db: AsyncSession, actor: User, space_id: int, fields: dict) -> dict:
    """Moderators group resources of their space into named collections."""
    access = await space_access(db, actor, space_id)
    access.require_moderator()
    collection = Collection(
        space_id=space_id, name=fields["name"], description=fields.get("description", ""), created_by=actor.id
    )
    db.add(collection)
    await db.flush()
    await db.refresh(collection)
    data = await _collection_view(db, collection)
    await changelog.record(db, "collection.created", data, space_id=space_id)
    return data


async def update_collection(db: AsyncSession, actor: User, collection_id: int, changes: dict) -> dict:
    collection, access = await _collection_access(db, actor, collection_id)
    access.require_moderator()
    for key, value in changes.items():
        setattr(collection, key, value)
    await db.flush()
    data = await _collection_view(db, collection)
    await changelog.record(db, "collection.updated", data, space_id=collection.space_id)
    return data


async def delete_collection(db: AsyncSession, actor: User, collection_id: int) -> None:
    collection, access = await _collection_access(db, actor, collection_id)
    access.require_moderator()
    data = {"id": collection.id, "space_id": collection.space_id}
    await db.delete(collection)
    await db.flush()
    await changelog.record(db, "collection.deleted", data, space_id=data["space_id"])


async def set_collection_item(
    db: AsyncSession, actor: User, collection_id: int, resource_id: int, *, add: bool
) -> dict:
    collection, access = await _collection_access(db, actor, collection_id)
    access.require_moderator()
    resource = await db.get(Resource, resource_id)
    if resource is None or resource.space_id != collection.space_id:
        raise NotFound("No such resource in this space.")
    table = CollectionItem.__table__
    if add:
        result = await db.execute(
            insert(table).values(collection_id=collection.id, resource_id=resource_id).on_conflict_do_nothing()
        )
    else:
        result = await db.execute(
            table.delete().where(table.c.collection_id == collection.id, table.c.resource_id == resource_id)
        )
    data = await _collection_view(db, collection)
    if result.rowcount:
        await changelog.record(db, "collection.updated", data, space_id=collection.space_id)
    return data
