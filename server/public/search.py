"""Public search: published practices, collections and threads matching a query, with facets (kind,
theme, city) counted over those results only, so a count never reveals an unpublished item."""

from __future__ import annotations

from collections import Counter
from dataclasses import dataclass, field

from sqlalchemy.ext.asyncio import AsyncSession

from server.public import catalogue, curated
from server.public.catalogue import Item
from server.public.curated import Curated

KINDS = ("practice", "collection", "thread")


@dataclass
class Results:
    items: list[Item]
    curated: list[Curated]
    kinds: Counter = field(default_factory=Counter)
    themes: Counter = field(default_factory=Counter)
    cities: dict[str, tuple[str, int]] = field(default_factory=dict)  # slug: (name, count)


async def run(db: AsyncSession, q: str, *, kind: str = "", theme: str = "", city: str = "") -> Results:
    """What matches `q`, narrowed by the chosen facets; the counts are those of the whole query."""
    practices, others = await catalogue.search(db, q), await curated.search(db, q)
    found = Results(practices, others)
    found.kinds.update({"practice": len(practices)})
    found.kinds.update(c.kind for c in others)
    found.themes.update(t for i in practices for t in i.resource.themes or ())
    found.themes.update(t for c in others for t in c.themes)
    for item in practices:
        if item.city is not None:
            name, n = found.cities.get(item.publication.city_slug, (item.city.name, 0))
            found.cities[item.publication.city_slug] = (name, n + 1)
    if kind:
        found.items = found.items if kind == "practice" else []
        found.curated = [c for c in found.curated if c.kind == kind]
    if theme:
        found.items = [i for i in found.items if theme in (i.resource.themes or ())]
        found.curated = [c for c in found.curated if theme in c.themes]
    if city:
        found.items = [i for i in found.items if i.publication.city_slug == city]
        found.curated = []  # collections and threads are the network's, not one city's
    return found
