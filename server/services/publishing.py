"""Publishing reviewed practice records to the public knowledge base, and taking them back.

A moderator of the record's space (or an admin) publishes; the record gets a stable public
address that it keeps if it is unpublished and published again. What the public may see is
decided in one place, `LIVE`: every public page, feed, sitemap entry and search result is read
through it, so a record that is unpublished, hidden, no longer reviewed or deleted disappears
from all of them at once.
"""

from __future__ import annotations

import re
import unicodedata

from sqlalchemy import and_, select
from sqlalchemy.ext.asyncio import AsyncSession

from server import events
from server.db.models import City, Publication, Resource, User
from server.errors import Invalid, problem
from server.services import audit, changelog
from server.services.accounts import now
from server.services.library import resource_access
from server.services.views import iso

PUBLIC_ROOT = "/knowledge"
# First path segments under /knowledge that are pages of their own, never a city.
RESERVED = frozenset({"search", "themes", "cities", "feed.atom", "static", "about"})

LIVE = and_(
    Publication.target_kind == "resource",
    Publication.unpublished_at.is_(None),
    Resource.id == Publication.target_id,
    Resource.kind == "practice",
    Resource.hidden_at.is_(None),
    Resource.details["review_status"].astext == "reviewed",
)


def slugify(text: str, *, limit: int = 80) -> str:
    ascii_text = unicodedata.normalize("NFKD", text).encode("ascii", "ignore").decode()
    slug = re.sub(r"[^a-z0-9]+", "-", ascii_text.lower()).strip("-")[:limit].strip("-")
    return slug or "item"


def page_path(publication: Publication) -> str:
    return f"{PUBLIC_ROOT}/{publication.city_slug}/{publication.slug}"


async def _address(db: AsyncSession, resource: Resource) -> tuple[str, str]:
    city = await db.get(City, resource.city_id) if resource.city_id else None
    city_slug = slugify(city.name) if city else "network"
    if city_slug in RESERVED:
        city_slug += "-city"
    slug = slugify(resource.title, limit=100)
    taken = await db.scalar(select(Publication.id).where(Publication.city_slug == city_slug, Publication.slug == slug))
    return city_slug, slug if taken is None else f"{slug}-{resource.id}"


async def _event(db: AsyncSession, kind: type[events.Event], publication: Publication, resource: Resource) -> None:
    """The change-log events of publishing, recorded here only (server/events/publishing.py)."""
    data = {
        "resource_id": resource.id,
        "publication_id": publication.id,
        "url": page_path(publication),
        "published": publication.unpublished_at is None,
    }
    await changelog.record(db, kind(**data), space_id=resource.space_id)


def _view(publication: Publication) -> dict:
    return {
        "resource_id": publication.target_id,
        "published": publication.unpublished_at is None,
        "url": page_path(publication),
        "published_at": iso(publication.published_at),
        "unpublished_at": iso(publication.unpublished_at),
    }


async def _current(db: AsyncSession, resource_id: int) -> Publication | None:
    return await db.scalar(
        select(Publication)
        .where(Publication.target_kind == "resource", Publication.target_id == resource_id)
        .with_for_update()
    )


async def publish(db: AsyncSession, actor: User, resource_id: int) -> dict:
    """Publish a reviewed practice record (moderators of its space, admins). Publishing what
    is already published changes nothing and answers the same."""
    resource, access = await resource_access(db, actor, resource_id, for_update=True)
    access.require_moderator()
    if resource.kind != "practice":
        raise Invalid(
            "Only practice records are published.", code="not_a_practice", fields={"id": problem("not_a_practice")}
        )
    if (resource.details or {}).get("review_status") != "reviewed":
        raise Invalid(
            "Only a reviewed practice record can be published; mark it reviewed first.",
            code="not_reviewed",
            fields={"review_status": problem("not_reviewed")},
        )
    if resource.hidden_at is not None:
        raise Invalid("A hidden record cannot be published.", code="hidden", fields={"id": problem("hidden")})
    publication = await _current(db, resource.id)
    if publication is not None and publication.unpublished_at is None:
        return _view(publication)
    if publication is None:
        city_slug, slug = await _address(db, resource)
        publication = Publication(target_kind="resource", target_id=resource.id, city_slug=city_slug, slug=slug)
        db.add(publication)
    publication.published_by, publication.published_at, publication.unpublished_at = actor.id, now(), None
    await db.flush()
    details = {"url": page_path(publication), "licence": resource.details.get("licence", "CC-BY-4.0")}
    await audit.record(
        db,
        actor,
        "resource.published",
        space_id=resource.space_id,
        target_kind="resource",
        target_id=resource.id,
        details=details,
    )
    await _event(db, events.PublicationPublished, publication, resource)
    return _view(publication)


async def unpublish(db: AsyncSession, actor: User, resource_id: int) -> dict:
    """Take a record off the public knowledge base; its address answers 410 Gone from now on."""
    resource, access = await resource_access(db, actor, resource_id, for_update=True)
    access.require_moderator()
    publication = await _current(db, resource.id)
    if publication is None:
        raise Invalid("This record was never published.", code="not_published", fields={"id": problem("not_published")})
    if publication.unpublished_at is not None:
        return _view(publication)
    publication.unpublished_at = now()
    await db.flush()
    await audit.record(
        db,
        actor,
        "resource.unpublished",
        space_id=resource.space_id,
        target_kind="resource",
        target_id=resource.id,
        details={"url": page_path(publication)},
    )
    await _event(db, events.PublicationUnpublished, publication, resource)
    return _view(publication)


async def status(db: AsyncSession, actor: User, resource_id: int) -> dict:
    """Whether a record the actor may read is published, and where."""
    resource, _ = await resource_access(db, actor, resource_id)
    publication = await db.scalar(
        select(Publication).where(Publication.target_kind == "resource", Publication.target_id == resource.id)
    )
    if publication is None:
        return {
            "resource_id": resource.id,
            "published": False,
            "url": None,
            "published_at": None,
            "unpublished_at": None,
        }
    return _view(publication)


async def set_name_consent(db: AsyncSession, actor: User, consent: bool) -> dict:
    user = await db.get(User, actor.id, with_for_update=True)
    user.public_name_consent = consent
    await db.flush()
    return {"public_name_consent": user.public_name_consent}
