"""Collections: moderators group resources of their space under a name.

A collection lists a hidden resource only to those who may see it (moderators, its author): its
events reach every reader of the space, so they never list one (and hiding a resource takes it
out of the earlier collection events too: server/events.py, CollectionPayload.LISTS)."""

from __future__ import annotations

from sqlalchemy import select
from sqlalchemy.dialects.postgresql import insert
from sqlalchemy.ext.asyncio import AsyncSession

from server import events
from server.db.models import (
    Collection,
    CollectionItem,
    Resource,
    User,
)
from server.errors import NotFound
from server.services import changelog
from server.services.access import SpaceAccess, space_access
from server.services.views import iso


async def _collection_view(db: AsyncSession, collection: Collection, reader: SpaceAccess | None = None) -> dict:
    """The collection as `reader` may see it; with no reader, as every reader of the space may."""
    query = (
        select(CollectionItem.resource_id)
        .join(Resource, Resource.id == CollectionItem.resource_id)
        .where(CollectionItem.collection_id == collection.id)
        .order_by(CollectionItem.added_at, CollectionItem.resource_id)
    )
    if reader is None:
        query = query.where(Resource.hidden_at.is_(None))
    elif not reader.is_moderator:  # the rule of resource_views.visible
        query = query.where(Resource.hidden_at.is_(None) | (Resource.author_id == reader.user.id))
    ids = (await db.scalars(query)).all()
    return {
        "id": collection.id,
        "space_id": collection.space_id,
        "name": collection.name,
        "description": collection.description,
        "resource_ids": list(ids),
        "created_at": iso(collection.created_at),
    }


async def _collection_access(db: AsyncSession, actor: User, collection_id: int) -> tuple[Collection, SpaceAccess]:
    collection = await db.scalar(
        select(Collection).where(Collection.id == collection_id).with_for_update(key_share=True)
    )
    if collection is None:
        raise NotFound("No such collection.")
    access = await space_access(db, actor, collection.space_id, missing="No such collection.")
    return collection, access


async def list_collections(db: AsyncSession, actor: User, space_id: int) -> list[dict]:
    access = await space_access(db, actor, space_id)
    rows = (
        await db.scalars(
            select(Collection).where(Collection.space_id == space_id).order_by(Collection.name, Collection.id)
        )
    ).all()
    return [await _collection_view(db, c, access) for c in rows]


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
    await changelog.record(db, events.CollectionCreated(**await _collection_view(db, collection)), space_id=space_id)
    return await _collection_view(db, collection, access)


async def update_collection(db: AsyncSession, actor: User, collection_id: int, changes: dict) -> dict:
    collection, access = await _collection_access(db, actor, collection_id)
    access.require_moderator()
    for key, value in changes.items():
        setattr(collection, key, value)
    await db.flush()
    await changelog.record(
        db, events.CollectionUpdated(**await _collection_view(db, collection)), space_id=collection.space_id
    )
    return await _collection_view(db, collection, access)


async def delete_collection(db: AsyncSession, actor: User, collection_id: int) -> None:
    collection, access = await _collection_access(db, actor, collection_id)
    access.require_moderator()
    data = {"id": collection.id, "space_id": collection.space_id}
    await db.delete(collection)
    await db.flush()
    await changelog.record(db, events.CollectionDeleted(**data), space_id=data["space_id"])


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
    if result.rowcount:
        await changelog.record(
            db, events.CollectionUpdated(**await _collection_view(db, collection)), space_id=collection.space_id
        )
    return await _collection_view(db, collection, access)
