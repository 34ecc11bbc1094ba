"""Needs, offers, city profiles and calendar events as search documents (search/documents.py holds
threads, messages and resources, and the Loader that calls these).

Their readers follow the API's rules: a need or offer shared with chosen spaces is read by the
readers of those spaces and by its own city's officials (server/services/needs_offers.py
visible_clause), one shared with the network and every city profile by every signed-in user, an
event by the readers of its space. A cancelled event stays findable, marked, as the API still
shows it; a deleted row leaves the index.
"""

from __future__ import annotations

import json

from search.engine import EVERYONE, Document

# Population classes for the `size` facet: (upper bound, name), the last one open-ended.
SIZES = ((100_000, "small"), (500_000, "medium"), (1_500_000, "large"), (None, "metropolis"))


def _json(value) -> dict:
    # asyncpg hands jsonb over as text unless a codec is set on the connection
    return json.loads(value) if isinstance(value, str) else value or {}


def size_class(data) -> list[str]:
    population = (_json(data).get("population") or {}).get("value")
    if not isinstance(population, int | float) or isinstance(population, bool) or population < 0:
        return []
    return [next(name for bound, name in SIZES if bound is None or population < bound)]


def _epoch(value) -> int:
    return int(value.timestamp() * 1000) if value is not None else 0


def _strings(value) -> list[str]:
    if isinstance(value, str):
        return [value]
    if isinstance(value, dict):
        return [s for v in value.values() for s in _strings(v)]
    if isinstance(value, list):
        return [s for v in value for s in _strings(v)]
    return []


def _city_doc(kind: str, row, city, readers: list[int], title: str, body: str, themes, date) -> Document:
    return Document(
        key=f"{kind}:{row['id']}",
        kind=kind,
        id=row["id"],
        space_id=0,
        readers=readers,
        city_ids=[city["id"]],
        profiles=[city["profile"]] if city["profile"] else [],
        regions=[city["region"]] if city["region"] else [],
        sizes=size_class(city["profile_data"]),
        themes=sorted(set(t for t in themes if t)),
        lang="",
        author_id=row.get("author_id") or 0,
        author_name=row.get("author_name") or "",
        date=_epoch(date),
        title=title,
        body=body,
        context=city["name"],
    )


def _readers(row) -> list[int]:
    if row["audience"] == "network":
        return [EVERYONE]
    return sorted(set(row["space_ids"] or [])) + [-row["city_id"]]


CITIES = """SELECT c.id, c.name, c.country, c.region, c.profile, c.description, c.languages, c.created_at,
                   p.data AS profile_data, p.updated_at
            FROM cities c LEFT JOIN city_profiles p ON p.city_id = c.id"""
NEEDS = """SELECT n.*, u.name AS author_name FROM needs n LEFT JOIN users u ON u.id = n.author_id"""
OFFERS = """SELECT o.*, u.name AS author_name, r.title AS practice_title, r.themes AS practice_themes,
                   coalesce(r.summary, '') AS practice_summary
            FROM offers o JOIN resources r ON r.id = o.practice_id LEFT JOIN users u ON u.id = o.author_id"""
EVENTS = """SELECT e.*, e.created_by AS author_id, u.name AS author_name
            FROM calendar_events e LEFT JOIN users u ON u.id = e.created_by"""


async def cities_of(conn, ids) -> dict[int, dict]:
    rows = await conn.fetch(CITIES + " WHERE c.id = ANY($1::int[])", list(ids))
    return {r["id"]: dict(r) for r in rows}


async def city_documents(conn, rows) -> list[Document]:
    docs = []
    for row in map(dict, rows):
        data = _json(row["profile_data"])
        body = "\n".join([row["description"] or "", row["country"] or "", *_strings(data)])
        docs.append(
            _city_doc("city", row, row, [EVERYONE], row["name"], body, [], row["updated_at"] or row["created_at"])
        )
    return docs


async def need_documents(conn, rows) -> list[Document]:
    cities = await cities_of(conn, {r["city_id"] for r in rows})
    docs = []
    for row in map(dict, rows):
        city = cities.get(row["city_id"])
        if city is None:
            continue
        body = "\n".join([row["challenge"], row["timeframe"] or "", " ".join(row["help_kinds"] or [])])
        title = row["challenge"].split("\n", 1)[0][:200]
        docs.append(_city_doc("need", row, city, _readers(row), title, body, [row["theme"]], row["updated_at"]))
    return docs


async def offer_documents(conn, rows) -> list[Document]:
    cities = await cities_of(conn, {r["city_id"] for r in rows})
    docs = []
    for row in map(dict, rows):
        city = cities.get(row["city_id"])
        if city is None:
            continue
        body = "\n".join([row["practice_summary"], row["transfer_conditions"] or ""])
        themes = row["practice_themes"] or []
        docs.append(
            _city_doc("offer", row, city, _readers(row), row["practice_title"], body, themes, row["updated_at"])
        )
    return docs


def event_document(row, space: dict, base) -> Document:
    """`base` is Loader._base: the space's cities (and the host city) and themes. Dated by its start, which
    is what the date filter and the sort by date read for an event."""
    body = "\n".join(p for p in (row["description"] or "", row["location"] or "") if p)
    doc = base(space, "event", row, [], row["title"], body, "")
    doc.key = f"event:{row['id']}"
    doc.date = _epoch(row["starts_at"])
    doc.context = "cancelled" if row["cancelled_at"] is not None else "scheduled"
    if row["host_city_id"] and row["host_city_id"] not in doc.city_ids:
        doc.city_ids = sorted([*doc.city_ids, row["host_city_id"]])
    return doc


# --- practice records in transfers (issue 19) ---------------------------------------------------
# A record is marked by the transfers of its own space only: the `source` of one, or the record a
# plan's completion produced (`adapted`), with those transfers' states. A transfer in another space
# leaves it unmarked, since some readers of the record may not read that space, and a facet count
# must depend on readable things only.

TRANSFER_VERBS = ("created", "updated", "completed")  # the kinds that change a mark; plans and logs do not
_MARKS = """
SELECT t.source_practice_id AS id, 'source' AS role, t.state FROM transfers t
JOIN resources r ON r.id = t.source_practice_id AND r.space_id = t.space_id
WHERE t.source_practice_id = ANY($1::int[])
UNION ALL
SELECT p.practice_id, 'adapted', t.state FROM transfer_plans p JOIN transfers t ON t.id = p.transfer_id
JOIN resources r ON r.id = p.practice_id AND r.space_id = t.space_id
WHERE p.practice_id = ANY($1::int[])"""
_RECORDS = """
SELECT coalesce(array_agg(DISTINCT id), '{}') FROM (
  SELECT source_practice_id AS id FROM transfers WHERE id = ANY($1::int[])
  UNION SELECT practice_id FROM transfer_plans WHERE transfer_id = ANY($1::int[])
) AS ids WHERE id IS NOT NULL"""


async def _has_transfers(conn) -> bool:
    return await conn.fetchval("SELECT to_regclass('public.transfers') IS NOT NULL")


async def transfer_records(conn, transfer_ids: set[int]) -> set[int]:
    """The source and adapted records of these transfers, whose marks may have changed."""
    if not await _has_transfers(conn):
        return set()
    return set(await conn.fetchval(_RECORDS, sorted(transfer_ids)))


async def mark_transfers(conn, docs: list[Document]) -> None:
    """Set `transfers` and `transfer_states` of the practice records among `docs`."""
    practices = {d.id: d for d in docs if d.kind == "practice"}
    if not practices or not await _has_transfers(conn):
        return
    for row in await conn.fetch(_MARKS, sorted(practices)):
        doc = practices[row["id"]]
        doc.transfers = sorted({*doc.transfers, row["role"]})
        doc.transfer_states = sorted({*doc.transfer_states, row["state"]})
