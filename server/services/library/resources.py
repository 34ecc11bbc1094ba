"""Writing resources: the input checks, creating (links, practice records, files), editing with
versions, deleting."""

from __future__ import annotations

from urllib.parse import urlsplit

from sqlalchemy import func, select
from sqlalchemy.ext.asyncio import AsyncSession

from server import events
from server.db.models import (
    City,
    PracticeAdaptation,
    Resource,
    ResourceVersion,
    User,
)
from server.errors import Forbidden, Invalid, NotFound, problem
from server.services import audit, changelog, flags
from server.services.access import SpaceAccess, space_access
from server.services.accounts import now
from server.services.library.resource_views import (
    COMMON_FIELDS,
    DETAIL_DEFAULTS,
    DETAIL_FIELDS,
    PRACTICE_ONLY,
    can_edit,
    detail,
    event_view,
    resource_access,
)
from server.services.thread_access import thread_access

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


async def readable_practice(db: AsyncSession, actor: User, resource_id: int) -> Resource:
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
                thread, _ = await thread_access(db, actor, fields["source_thread_id"])
            except NotFound:
                thread = None
            if thread is None or thread.space_id != space_id:
                raise Invalid(
                    "The thread must be one of this space.", fields={"source_thread_id": problem("not_found")}
                )
            resource.source_thread_id = thread.id
    sources = [await readable_practice(db, actor, rid) for rid in dict.fromkeys(fields.get("adapted_from") or [])]
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
    await changelog.record(db, events.ResourceCreated(**await event_view(db, resource)), space_id=resource.space_id)
    author = await db.get(User, resource.author_id)
    return await detail(db, author, resource)


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
    if not can_edit(resource, access):
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
        return await detail(db, actor, resource)
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
        db, events.ResourceUpdated(**await event_view(db, resource), changed=changed), space_id=resource.space_id
    )
    return await detail(db, actor, resource)


async def delete(db: AsyncSession, actor: User, resource_id: int, *, reason: str = "") -> str | None:
    """The author or a moderator deletes. Returns the storage key the caller may remove
    after commit, if no other resource shares the same file."""
    resource, access = await resource_access(db, actor, resource_id, for_update=True)
    if not can_edit(resource, access):
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
    await changelog.record(db, events.ResourceDeleted(**data), space_id=space_id)
    if key is None:
        return None
    shared = await db.scalar(select(func.count()).where(Resource.file_key == key))
    return None if shared else key
