"""What the public may read, and nothing else: every query here goes through publishing.LIVE."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from sqlalchemy import String, any_, cast, func, literal, select
from sqlalchemy.ext.asyncio import AsyncSession
from sqlalchemy.orm import aliased

from server.db.models import City, PracticeAdaptation, PracticeAttachment, Publication, Resource, User
from server.services.publishing import LIVE, page_path

SECTIONS = (
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
)


@dataclass(frozen=True)
class Item:
    publication: Publication
    resource: Resource
    city: City | None

    @property
    def path(self) -> str:
        return page_path(self.publication)

    @property
    def modified(self) -> datetime:
        return max(self.resource.updated_at, self.publication.published_at)

    @property
    def licence(self) -> str:
        return (self.resource.details or {}).get("licence", "CC-BY-4.0")

    def section(self, name: str) -> str:
        return str((self.resource.details or {}).get(name) or "").strip()


def _items():
    return select(Publication, Resource, City).join(Resource, LIVE).outerjoin(City, City.id == Resource.city_id)


async def latest(
    db: AsyncSession,
    *,
    limit: int = 50,
    theme: str | None = None,
    city_slug: str | None = None,
    language: str | None = None,
) -> list[Item]:
    query = _items()
    if language is not None:
        query = query.where(Resource.language == language)
    if theme is not None:
        query = query.where(literal(theme) == any_(Resource.themes))
    if city_slug is not None:
        query = query.where(Publication.city_slug == city_slug)
    query = query.order_by(Publication.published_at.desc(), Publication.id.desc()).limit(limit)
    return [Item(p, r, c) for p, r, c in (await db.execute(query)).all()]


async def theme_counts(db: AsyncSession) -> dict[str, int]:
    theme = func.unnest(Resource.themes).label("theme")
    inner = select(theme).select_from(Publication).join(Resource, LIVE).subquery()
    rows = await db.execute(select(inner.c.theme, func.count()).group_by(inner.c.theme))
    return {t: n for t, n in rows.all()}


async def city_counts(db: AsyncSession) -> list[tuple[str, str, int]]:
    """(city slug, city name, published items), by name."""
    rows = await db.execute(
        select(Publication.city_slug, func.coalesce(City.name, ""), func.count())
        .join(Resource, LIVE)
        .outerjoin(City, City.id == Resource.city_id)
        .group_by(Publication.city_slug, City.name)
        .order_by(func.coalesce(City.name, ""))
    )
    return [(slug, name, n) for slug, name, n in rows.all()]


async def language_counts(db: AsyncSession) -> list[tuple[str, int]]:
    """(language code, published items), most first; records without a language are left out."""
    rows = await db.execute(
        select(Resource.language, func.count())
        .select_from(Publication)
        .join(Resource, LIVE)
        .where(Resource.language.is_not(None))
        .group_by(Resource.language)
        .order_by(func.count().desc(), Resource.language)
    )
    return [(code, n) for code, n in rows.all()]


async def page(db: AsyncSession, city_slug: str, slug: str) -> Item | Publication | None:
    """The live item at this address; else its Publication if one was ever there (410 Gone); else None."""
    row = (await db.execute(_items().where(Publication.city_slug == city_slug, Publication.slug == slug))).first()
    if row is not None:
        return Item(*row)
    return await db.scalar(select(Publication).where(Publication.city_slug == city_slug, Publication.slug == slug))


async def adaptations(db: AsyncSession, resource_id: int, direction: str) -> list[Item]:
    """Published records this one was adapted from ("from") or that were adapted from it ("by")."""
    link = PracticeAdaptation
    mine, theirs = (link.practice_id, link.source_id) if direction == "from" else (link.source_id, link.practice_id)
    query = _items().join(link, theirs == Resource.id).where(mine == resource_id).order_by(Resource.title)
    return [Item(p, r, c) for p, r, c in (await db.execute(query)).all()]


async def attachments(db: AsyncSession, item: Item) -> list[Resource]:
    """The documents published with a live practice: attached when it was last published, still a
    file of its space, and not hidden. (A deleted document takes its attachment with it.)"""
    query = (
        select(Resource)
        .join(PracticeAttachment, PracticeAttachment.document_id == Resource.id)
        .where(
            PracticeAttachment.practice_id == item.resource.id,
            PracticeAttachment.published.is_(True),
            Resource.kind == "file",
            Resource.space_id == item.resource.space_id,
            Resource.hidden_at.is_(None),
        )
        .order_by(Resource.title, Resource.id)
    )
    return list((await db.scalars(query)).all())


async def translations(db: AsyncSession, item: Item) -> list[Item]:
    """The live versions of this practice in other languages and itself (its original and the
    original's translations), one per language, original first; [] when it has none live."""
    root = item.resource.translation_of_id or item.resource.id
    original = aliased(Resource)
    query = (
        _items()
        .where((Resource.id == root) | (Resource.translation_of_id == root), Resource.language.is_not(None))
        .where(Resource.space_id == select(original.space_id).where(original.id == root).scalar_subquery())
        .order_by(Resource.translation_of_id.is_not(None), Resource.id)
    )
    found: dict[str, Item] = {}
    for p, r, c in (await db.execute(query)).all():
        if r.id == item.resource.id or r.language not in found:
            found[r.language] = Item(p, r, c)  # this page keeps its language if another shares it
    versions = list(found.values())
    mine = any(v.resource.id == item.resource.id for v in versions)
    return versions if len(versions) > 1 and mine else []


async def author_line(db: AsyncSession, item: Item) -> str | None:
    """The author's name if they consented to showing it publicly; otherwise None, and the page
    says "an official of <city>"."""
    if item.resource.author_id is None:
        return None
    author = await db.get(User, item.resource.author_id)
    if author is None or not author.public_name_consent or author.deactivated_at is not None:
        return None
    return author.name


def _document():
    details = Resource.details
    parts = [Resource.title, Resource.summary, *(details[name].astext for name in SECTIONS)]
    text = func.concat_ws(" ", *(func.coalesce(cast(p, String), "") for p in parts))
    return func.to_tsvector("simple", text)


async def search(db: AsyncSession, q: str, *, limit: int = 50) -> list[Item]:
    """Full-text search over live items only (the LIVE join comes first, the match after)."""
    query = func.websearch_to_tsquery("simple", q)
    rows = await db.execute(
        _items()
        .where(_document().op("@@")(query))
        .order_by(func.ts_rank(_document(), query).desc(), Publication.id.desc())
        .limit(limit)
    )
    return [Item(p, r, c) for p, r, c in rows.all()]


async def by_publications(db: AsyncSession, publication_ids: list[int]) -> list[Item]:
    """The live practices among these publications (a hit of public search, checked again)."""
    rows = await db.execute(_items().where(Publication.id.in_(publication_ids)))
    return [Item(p, r, c) for p, r, c in rows.all()]


async def everything(db: AsyncSession) -> list[Item]:
    return await latest(db, limit=50_000)
