"""Publishing practice records, collections and threads to the public knowledge base, and taking
them back (docs/public.md).

A moderator of the item's space (or an admin) publishes; the item gets a stable public address
that it keeps if it is unpublished and published again. What the public may see is decided here,
in the `LIVE_*` clauses and `CONSENTING`: every public page, feed, sitemap entry and search result
is read through them, so an item that is unpublished, hidden, no longer reviewed or deleted, and
the words of a person who withdrew consent, disappear from all of them at once.
"""

from __future__ import annotations

import re
import unicodedata
from dataclasses import dataclass

from sqlalchemy import and_, select
from sqlalchemy.ext.asyncio import AsyncSession

from server import events
from server.db.models import City, Collection, Publication, Resource, Thread, User
from server.errors import Invalid, NotFound, problem
from server.services import audit, changelog
from server.services.access import space_access
from server.services.accounts import now
from server.services.library import resource_access
from server.services.library.attachments import choose_published, published_ids, unpublish_attachments
from server.services.thread_access import thread_access
from server.services.views import iso

PUBLIC_ROOT = "/knowledge"
# Collections and threads live under a first segment of their own, where practices have a city.
SECTION = {"collection": "collections", "thread": "threads"}
# First path segments under /knowledge that are pages of their own, never a city.
RESERVED = frozenset({"search", "themes", "cities", "feed.atom", "static", "about", "languages", *SECTION.values()})

LIVE = and_(
    Publication.target_kind == "resource",
    Publication.unpublished_at.is_(None),
    Resource.id == Publication.target_id,
    Resource.kind == "practice",
    Resource.hidden_at.is_(None),
    Resource.details["review_status"].astext == "reviewed",
)
LIVE_COLLECTION = and_(
    Publication.target_kind == "collection",
    Publication.unpublished_at.is_(None),
    Collection.id == Publication.target_id,
)
LIVE_THREAD = and_(
    Publication.target_kind == "thread",
    Publication.unpublished_at.is_(None),
    Thread.id == Publication.target_id,
)
# A person whose name and words may appear on a public page: they said so, and are still here.
CONSENTING = and_(User.public_name_consent.is_(True), User.deactivated_at.is_(None), User.erased_at.is_(None))


def slugify(text: str, *, limit: int = 80) -> str:
    ascii_text = unicodedata.normalize("NFKD", text).encode("ascii", "ignore").decode()
    slug = re.sub(r"[^a-z0-9]+", "-", ascii_text.lower()).strip("-")[:limit].strip("-")
    return slug or "item"


def page_path(publication: Publication) -> str:
    return f"{PUBLIC_ROOT}/{publication.city_slug}/{publication.slug}"


@dataclass(frozen=True)
class Target:
    """What is being published, as publishing needs it whatever its kind."""

    kind: str
    id: int
    space_id: int
    title: str
    city_slug: str
    licence: str | None = None


def _refuse(code: str, message: str, field: str = "id") -> Invalid:
    return Invalid(message, code=code, fields={field: problem(code)})


async def _practice(db: AsyncSession, actor: User, resource_id: int, *, publishing: bool) -> Target:
    resource, access = await resource_access(db, actor, resource_id, for_update=True)
    access.require_moderator()
    if publishing:
        if resource.kind != "practice":
            raise _refuse("not_a_practice", "Only practice records are published.")
        if (resource.details or {}).get("review_status") != "reviewed":
            raise _refuse(
                "not_reviewed",
                "Only a reviewed practice record can be published; mark it reviewed first.",
                "review_status",
            )
        if resource.hidden_at is not None:
            raise _refuse("hidden", "A hidden record cannot be published.")
    city = await db.get(City, resource.city_id) if resource.city_id else None
    city_slug = slugify(city.name) if city else "network"
    licence = (resource.details or {}).get("licence", "CC-BY-4.0")
    return Target("resource", resource.id, resource.space_id, resource.title, city_slug, licence)


async def _collection(db: AsyncSession, actor: User, collection_id: int, *, publishing: bool) -> Target:
    collection = await db.scalar(
        select(Collection).where(Collection.id == collection_id).with_for_update(key_share=True)
    )
    if collection is None:
        raise NotFound("No such collection.")
    access = await space_access(db, actor, collection.space_id, missing="No such collection.")
    access.require_moderator()
    return Target("collection", collection.id, collection.space_id, collection.name, SECTION["collection"])


async def _thread(db: AsyncSession, actor: User, thread_id: int, *, publishing: bool) -> Target:
    thread, access = await thread_access(db, actor, thread_id, for_update=True)
    access.require_moderator()
    if publishing:
        # The title is the author's words: without their consent there is no page to show.
        consenting = await db.scalar(select(User.id).where(User.id == thread.author_id, CONSENTING))
        if consenting is None:
            raise _refuse(
                "author_not_consenting",
                "The thread's author has not agreed to their name and words appearing on public pages.",
            )
    return Target("thread", thread.id, thread.space_id, thread.title, SECTION["thread"])


TARGETS = {"resource": _practice, "collection": _collection, "thread": _thread}


async def _address(db: AsyncSession, target: Target) -> tuple[str, str]:
    city_slug = target.city_slug
    if target.kind == "resource" and city_slug in RESERVED:
        city_slug += "-city"
    slug = slugify(target.title, limit=100)
    taken = await db.scalar(select(Publication.id).where(Publication.city_slug == city_slug, Publication.slug == slug))
    return city_slug, slug if taken is None else f"{slug}-{target.id}"


async def _event(db: AsyncSession, kind: type[events.Event], publication: Publication, target: Target) -> None:
    """The change-log events of publishing, recorded here only (server/events/publishing.py)."""
    data = {
        "target_kind": target.kind,
        "target_id": target.id,
        "publication_id": publication.id,
        "url": page_path(publication),
        "published": publication.unpublished_at is None,
    }
    await changelog.record(db, kind(**data), space_id=target.space_id)


def _view(kind: str, target_id: int, publication: Publication | None, attached: list[int] | None = None) -> dict:
    """`attachment_ids`: practices only, the documents the public may download (none unless published)."""
    live = publication is not None and publication.unpublished_at is None
    shown = {"attachment_ids": attached if live else []} if kind == "resource" else {}
    if publication is None:
        return {"kind": kind, "id": target_id, "published": False, "url": None, **shown}
    return {
        "kind": kind,
        "id": target_id,
        "published": live,
        "url": page_path(publication),
        "published_at": iso(publication.published_at),
        "unpublished_at": iso(publication.unpublished_at),
        **shown,
    }


async def _current(db: AsyncSession, kind: str, target_id: int) -> Publication | None:
    return await db.scalar(
        select(Publication)
        .where(Publication.target_kind == kind, Publication.target_id == target_id)
        .with_for_update(key_share=True)
    )


async def publish(
    db: AsyncSession, actor: User, kind: str, target_id: int, *, attachment_ids: list[int] | None = None
) -> dict:
    """Publish a reviewed practice record, a collection or a thread (moderators of its space,
    admins). A practice is published with the attachments `attachment_ids` (each one of its
    current attachments), or with all its current attachments when None. Publishing what is already
    published changes nothing but that choice, and answers the same."""
    target = await TARGETS[kind](db, actor, target_id, publishing=True)
    publication = await _current(db, kind, target.id)
    attached, changed = [], False
    if kind == "resource":
        practice = await db.get(Resource, target.id)
        attached, changed = await choose_published(db, practice, attachment_ids)
    elif attachment_ids is not None:
        raise _refuse("not_a_practice", "Only practice records have attachments.", "attachment_ids")
    if publication is not None and publication.unpublished_at is None and not changed:
        return _view(kind, target.id, publication, attached)
    if publication is None:
        city_slug, slug = await _address(db, target)
        publication = Publication(target_kind=kind, target_id=target.id, city_slug=city_slug, slug=slug)
        db.add(publication)
    if publication.unpublished_at is not None or publication.id is None:
        publication.published_by, publication.published_at, publication.unpublished_at = actor.id, now(), None
    await db.flush()
    details: dict = {"url": page_path(publication)}
    if target.licence is not None:
        details["licence"] = target.licence
    if kind == "resource":
        details["attachment_ids"] = attached
    await audit.record(
        db, actor, f"{kind}.published", space_id=target.space_id, target_kind=kind, target_id=target.id, details=details
    )
    await _event(db, events.PublicationPublished, publication, target)
    return _view(kind, target.id, publication, attached)


async def unpublish(db: AsyncSession, actor: User, kind: str, target_id: int) -> dict:
    """Take an item off the public knowledge base; its address answers 410 Gone from now on."""
    target = await TARGETS[kind](db, actor, target_id, publishing=False)
    publication = await _current(db, kind, target.id)
    if publication is None:
        raise _refuse("not_published", "This item was never published.")
    if publication.unpublished_at is not None:
        return _view(kind, target.id, publication)
    publication.unpublished_at = now()
    if kind == "resource":  # publishing again chooses its documents afresh
        await unpublish_attachments(db, target.id)
    await db.flush()
    await audit.record(
        db,
        actor,
        f"{kind}.unpublished",
        space_id=target.space_id,
        target_kind=kind,
        target_id=target.id,
        details={"url": page_path(publication)},
    )
    await _event(db, events.PublicationUnpublished, publication, target)
    return _view(kind, target.id, publication)


async def status(db: AsyncSession, actor: User, kind: str, target_id: int) -> dict:
    """Whether an item the actor may read is published, and where."""
    if kind == "resource":
        resource, _ = await resource_access(db, actor, target_id)
        target_id = resource.id
    elif kind == "thread":
        await thread_access(db, actor, target_id)
    else:
        collection = await db.get(Collection, target_id)
        if collection is None:
            raise NotFound("No such collection.")
        await space_access(db, actor, collection.space_id, missing="No such collection.")
    publication = await db.scalar(
        select(Publication).where(Publication.target_kind == kind, Publication.target_id == target_id)
    )
    return _view(kind, target_id, publication, await published_ids(db, target_id) if kind == "resource" else None)


async def set_name_consent(db: AsyncSession, actor: User, consent: bool) -> dict:
    """Consent to one's name and words on public pages; withdrawing it takes them off at once."""
    user = await db.get(User, actor.id, with_for_update={"key_share": True})
    if user.public_name_consent != consent:
        user.public_name_consent = consent
        await db.flush()
        await changelog.record(db, events.PublicNameConsentChanged(public_name_consent=consent), user_id=user.id)
    return {"public_name_consent": user.public_name_consent}
