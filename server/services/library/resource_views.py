"""Resources as readers see them: the answer and event shapes, who may see a resource, and the
reading of one, of a page of a library, of versions and of a download. A hidden resource exists
only for the space's moderators and its author: everyone else gets NotFound, and its events carry
no content."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import any_, false, func, literal, or_, select, true, tuple_
from sqlalchemy.ext.asyncio import AsyncSession

from server.db.models import (
    City,
    CollectionItem,
    PracticeAdaptation,
    Resource,
    ResourceVersion,
    Space,
    User,
)
from server.errors import NotFound
from server.services.access import SpaceAccess, readable_spaces_clause, space_access
from server.services.library.practice_views import attachment_views, translation_views
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


async def full(db: AsyncSession, resource: Resource, *, reveal_hidden: bool = True) -> dict:
    author = await db.get(User, resource.author_id) if resource.author_id else None
    city = await db.get(City, resource.city_id) if resource.city_id else None
    return resource_view(resource, author, city, reveal_hidden=reveal_hidden)


async def event_view(db: AsyncSession, resource: Resource) -> dict:
    """What a `resource.*` event carries: everyone subscribed to the space sees it, so a
    hidden resource is reduced to its identity."""
    if resource.hidden_at is not None:
        return {"id": resource.id, "space_id": resource.space_id, "kind": resource.kind, "hidden": True}
    return await full(db, resource)


# --- access -----------------------------------------------------------------


def visible(resource: Resource, access: SpaceAccess) -> bool:
    return resource.hidden_at is None or access.is_moderator or resource.author_id == access.user.id


def can_edit(resource: Resource, access: SpaceAccess) -> bool:
    return access.is_moderator or (resource.author_id == access.user.id and access.can_post)


async def resource_access(
    db: AsyncSession, actor: User, resource_id: int, *, for_update: bool = False
) -> tuple[Resource, SpaceAccess]:
    """The resource and the actor's standing in its space; NotFound if they may not see it."""
    query = select(Resource).where(Resource.id == resource_id)
    if for_update:
        query = query.with_for_update(key_share=True)
    resource = await db.scalar(query)
    if resource is None:
        raise NotFound("No such resource.")
    access = await space_access(db, actor, resource.space_id, missing="No such resource.")
    if not visible(resource, access):
        raise NotFound("No such resource.")
    return resource, access


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


async def detail(db: AsyncSession, actor: User, resource: Resource, *, reveal_hidden: bool = True) -> dict:
    collection_ids = (
        await db.scalars(
            select(CollectionItem.collection_id)
            .where(CollectionItem.resource_id == resource.id)
            .order_by(CollectionItem.collection_id)
        )
    ).all()
    practice = resource.kind == "practice"
    original, translations = await translation_views(db, actor, resource) if practice else (None, [])
    return {
        **await full(db, resource, reveal_hidden=reveal_hidden),
        "adapted_from": await _refs(db, actor, resource.id, "from"),
        "adapted_by": await _refs(db, actor, resource.id, "by"),
        "collection_ids": list(collection_ids),
        "attachments": await attachment_views(db, actor, resource.id) if practice else [],
        "translation_of": original,
        "translations": translations,
    }


async def get(db: AsyncSession, actor: User, resource_id: int) -> dict:
    resource, _access = await resource_access(db, actor, resource_id)
    return await detail(db, actor, resource)


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
