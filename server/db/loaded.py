"""ORM instances made from rows of a raw asyncpg statement (server/db/driver.py), as the ORM's own
loader makes them: their column values in the instance's dict (loaded, no history), and attached to
the session, so a handler reads, changes and flushes them like any object the session loaded.

For the hot look-ups only (who is calling, a thread with its space and the caller's membership):
SQLAlchemy's execution and instance loading cost more CPU there than the statement (issue 21)."""

from __future__ import annotations

from typing import Any

from sqlalchemy.ext.asyncio import AsyncSession
from sqlalchemy.orm import make_transient_to_detached
from sqlalchemy.orm.attributes import instance_dict
from sqlalchemy.orm.util import identity_key


class Shape:
    """One mapped class's columns in a statement's select list, under a table alias."""

    def __init__(self, model: type, alias: str) -> None:
        mapper = model.__mapper__
        self.model = model
        self.columns = [
            (attr.key, attr.columns[0].name)
            for attr in mapper.column_attrs
            if getattr(attr.columns[0], "table", None) is model.__table__
        ]
        self.select = ", ".join(f'{alias}."{name}"' for _, name in self.columns)
        self.width = len(self.columns)
        keys = [key for key, _ in self.columns]
        self._primary = [keys.index(mapper.get_property_by_column(c).key) for c in mapper.primary_key]
        self._new = mapper.class_manager.new_instance  # an instance with its ORM state, no __init__

    def attach(self, db: AsyncSession, row: Any, start: int = 0, **also: Any) -> Any:
        """The instance of the row's columns from `start`, None when they are all NULL (an outer join
        that found nothing). One the session already holds is returned as it is, as the ORM's loader
        would (it does not overwrite loaded attributes). `also`: attributes beyond the table's columns
        that the statement loaded too."""
        identity = tuple(row[start + i] for i in self._primary)
        if all(value is None for value in identity):
            return None
        held = db.identity_map.get(identity_key(self.model, identity))
        if held is not None:
            return held
        instance = self._new()
        values = instance_dict(instance)
        for i, (key, _) in enumerate(self.columns):
            values[key] = row[start + i]
        values.update(also)
        make_transient_to_detached(instance)
        db.add(instance)
        return instance
