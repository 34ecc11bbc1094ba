"""A practice's lineage (issue 19): the records it was adapted from and that were adapted from it,
across cities, as nodes and edges, with the transfer behind each edge and its state.

Unreadable things do not exist: the walk goes through records the viewer may read only (a record
in a space they cannot read, or hidden from them, is neither shown nor walked through), and a
transfer shows on an edge only when the viewer may read its space. A transfer still running (its
city has no record yet) is an edge without a practice, towards its implementing city."""

from __future__ import annotations

from sqlalchemy import false, or_, select, true
from sqlalchemy.ext.asyncio import AsyncSession

from server.db.models import City, PracticeAdaptation, Resource, Space, Transfer, TransferPlan, User
from server.errors import NotFound
from server.services.access import readable_spaces_clause
from server.services.library.resource_views import resource_access
from server.services.views import city_view

MAX_NODES = 500


async def _readable(db: AsyncSession, viewer: User, ids: set[int]) -> set[int]:
    if not ids:
        return set()
    query = (
        select(Resource.id)
        .join(Space, Space.id == Resource.space_id)
        .where(
            Resource.id.in_(ids),
            Resource.kind == "practice",
            readable_spaces_clause(viewer),
            or_(Resource.hidden_at.is_(None), Resource.author_id == viewer.id, true() if viewer.is_admin else false()),
        )
    )
    return set((await db.scalars(query)).all())


async def lineage(db: AsyncSession, viewer: User, practice_id: int) -> dict:
    try:
        start, _ = await resource_access(db, viewer, practice_id)
    except NotFound:
        raise NotFound("No such practice record.") from None
    if start.kind != "practice":
        raise NotFound("No such practice record.")
    seen, frontier, links = {start.id}, {start.id}, set()
    link = PracticeAdaptation
    while frontier and len(seen) < MAX_NODES:
        rows = (
            await db.execute(
                select(link.source_id, link.practice_id).where(
                    or_(link.practice_id.in_(frontier), link.source_id.in_(frontier))
                )
            )
        ).all()
        found = await _readable(db, viewer, {i for row in rows for i in row} - seen)
        seen |= found
        links |= {(s, p) for s, p in rows if s in seen and p in seen}
        frontier = found
    nodes = (
        await db.execute(
            select(Resource, City)
            .outerjoin(City, City.id == Resource.city_id)
            .where(Resource.id.in_(seen))
            .order_by(Resource.id)
        )
    ).all()
    plans = (
        await db.execute(
            select(TransferPlan, Transfer)
            .join(Transfer, Transfer.id == TransferPlan.transfer_id)
            .join(Space, Space.id == Transfer.space_id)
            .where(Transfer.source_practice_id.in_(seen), readable_spaces_clause(viewer))
            .order_by(Transfer.id, TransferPlan.city_id)
        )
    ).all()
    city_of = {r.id: r.city_id for r, _ in nodes}
    edges = {
        (s, p): {
            "source_id": s,
            "practice_id": p,
            "city_id": city_of.get(p),
            "transfer_id": None,
            "transfer_state": None,
        }
        for s, p in sorted(links)
    }
    pending = []
    for plan, transfer in plans:
        edge = {"transfer_id": transfer.id, "transfer_state": transfer.state}
        key = (transfer.source_practice_id, plan.practice_id)
        if plan.practice_id is not None and key in edges:
            edges[key].update(edge)
        elif plan.practice_id is None:
            pending.append(
                {"source_id": transfer.source_practice_id, "practice_id": None, "city_id": plan.city_id, **edge}
            )
    return {
        "practice_id": start.id,
        "nodes": [
            {
                "id": r.id,
                "space_id": r.space_id,
                "title": r.title,
                "city_id": r.city_id,
                "city": city_view(c) if c else None,
            }
            for r, c in nodes
        ],
        "edges": [*edges.values(), *pending],
    }
