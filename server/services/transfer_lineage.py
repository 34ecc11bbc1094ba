"""A practice's lineage (issue 19): the records it was adapted from and that were adapted from it,
across cities, as nodes and edges, with the transfer behind each edge and its state; and the
network-wide view of every practice that spread (`network`, optionally by theme).

Unreadable things do not exist: the walk goes through records the viewer may read only (a record
in a space they cannot read, or hidden from them, is neither shown nor walked through), and a
transfer shows on an edge only when the viewer may read its space. A transfer still running (its
city has no record yet) is an edge without a practice, towards its implementing city."""

from __future__ import annotations

from sqlalchemy import any_, false, literal, or_, select, true
from sqlalchemy.ext.asyncio import AsyncSession
from sqlalchemy.orm import aliased

from server.db.models import City, PracticeAdaptation, Resource, Space, Transfer, TransferPlan, User
from server.errors import NotFound
from server.services.access import readable_spaces_clause
from server.services.library.resource_views import resource_access
from server.services.views import city_view

MAX_NODES = 500
NETWORK_NODES = 200  # the network-wide view
MAX_LINKS = 20_000  # adaptation links read for it at most


def _readable_practices(viewer: User):
    """The ids of the practice records the viewer may read (a hidden one: its author and admins),
    as a subquery that never correlates with the query it is used in."""
    return (
        select(Resource.id)
        .join(Space, Space.id == Resource.space_id)
        .where(
            Resource.kind == "practice",
            readable_spaces_clause(viewer),
            or_(Resource.hidden_at.is_(None), Resource.author_id == viewer.id, true() if viewer.is_admin else false()),
        )
        .correlate(None)
    )


async def _readable(db: AsyncSession, viewer: User, ids: set[int]) -> set[int]:
    if not ids:
        return set()
    return set((await db.scalars(_readable_practices(viewer).where(Resource.id.in_(ids)))).all())


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
    plans = (
        await db.execute(
            select(TransferPlan, Transfer)
            .join(Transfer, Transfer.id == TransferPlan.transfer_id)
            .join(Space, Space.id == Transfer.space_id)
            .where(Transfer.source_practice_id.in_(seen), readable_spaces_clause(viewer))
            .order_by(Transfer.id, TransferPlan.city_id)
        )
    ).all()
    nodes = await _nodes(db, seen)
    return {"practice_id": start.id, "nodes": nodes, "edges": _edges(links, plans, nodes)}


async def _nodes(db: AsyncSession, ids: set[int]) -> list[dict]:
    rows = (
        await db.execute(
            select(Resource, City)
            .outerjoin(City, City.id == Resource.city_id)
            .where(Resource.id.in_(ids))
            .order_by(Resource.id)
        )
    ).all()
    return [
        {
            "id": r.id,
            "space_id": r.space_id,
            "title": r.title,
            "city_id": r.city_id,
            "city": city_view(c) if c else None,
        }
        for r, c in rows
    ]


def _edges(links: set[tuple[int, int]], plans: list, nodes: list[dict]) -> list[dict]:
    """Adaptation links as edges, each with the transfer behind it (among `plans`, readable ones),
    then the transfers still running as edges without a practice."""
    city_of = {n["id"]: n["city_id"] for n in nodes}
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
    return [*edges.values(), *pending]


async def network(db: AsyncSession, viewer: User, theme: str | None = None) -> dict:
    """Every readable practice record with at least one adaptation edge (an adaptation link between
    two readable records, or a readable transfer still running from it), as `lineage` shapes them;
    with `theme`, the edges one of whose records carries it. At most NETWORK_NODES nodes: edges are
    taken in the order of their source record until the next would go past, and `truncated` says
    that some were left out."""
    readable = _readable_practices(viewer)
    link, source, adapted = PracticeAdaptation, aliased(Resource), aliased(Resource)
    query = (
        select(link.source_id, link.practice_id)
        .join(source, source.id == link.source_id)
        .join(adapted, adapted.id == link.practice_id)
        .where(link.source_id.in_(readable), link.practice_id.in_(readable))
    )
    plans_query = (
        select(TransferPlan, Transfer)
        .join(Transfer, Transfer.id == TransferPlan.transfer_id)
        .join(Space, Space.id == Transfer.space_id)
        .join(source, source.id == Transfer.source_practice_id)
        .where(readable_spaces_clause(viewer), Transfer.source_practice_id.in_(readable))
    )
    if theme:
        carries = literal(theme) == any_(source.themes)
        query = query.where(or_(carries, literal(theme) == any_(adapted.themes)))
        # Completed plans only name the transfer on a link already chosen; running ones need the theme.
        plans_query = plans_query.where(or_(carries, TransferPlan.practice_id.is_not(None)))
    rows = (await db.execute(query.order_by(link.source_id, link.practice_id).limit(MAX_LINKS + 1))).all()
    plans = (await db.execute(plans_query.order_by(Transfer.id, TransferPlan.city_id))).all()
    truncated = len(rows) > MAX_LINKS
    # An edge is an adaptation link, or a running transfer's plan (towards its city, no record yet).
    wanted = [((s, p), {s, p}) for s, p in rows[:MAX_LINKS]]
    wanted += [
        ((t.source_practice_id, None, p.city_id), {t.source_practice_id}) for p, t in plans if p.practice_id is None
    ]
    wanted.sort(key=lambda item: (item[0][0], item[0][1] or 0, item[0][-1]))
    kept, links, running = set(), set(), set()
    for key, ends in wanted:
        if len(kept | ends) > NETWORK_NODES:
            truncated = True
            continue
        kept |= ends
        if key[1] is None:
            running.add((key[0], key[2]))
        else:
            links.add(key)
    plans = [
        (p, t)
        for p, t in plans
        if (p.practice_id is None and (t.source_practice_id, p.city_id) in running)
        or (t.source_practice_id, p.practice_id) in links
    ]
    nodes = await _nodes(db, kept) if kept else []
    return {"theme": theme, "nodes": nodes, "edges": _edges(links, plans, nodes), "truncated": truncated}
