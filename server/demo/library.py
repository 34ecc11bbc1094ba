"""Filling each demo space's library, through the library service, with what its threads promise."""

from __future__ import annotations

from datetime import datetime, timedelta

from sqlalchemy.ext.asyncio import AsyncSession

from server.db.models import User
from server.demo.documents import docx, pdf
from server.demo.library_content import LIBRARY
from server.demo.timeline import Timeline
from server.services import library
from server.services.access import space_access

FORMATS = {
    "pdf": (pdf, "application/pdf"),
    "docx": (docx, "application/vnd.openxmlformats-officedocument.wordprocessingml.document"),
}
COMMON = ("title", "summary", "themes", "language")


async def _file(db: AsyncSession, author: User, space_id: int, entry: dict, fields: dict, store) -> dict:
    render, content_type = FORMATS[entry["format"]]
    data = render(entry["pages"])
    pending = store.begin()
    pending.write(data)
    key = pending.commit()  # content-addressed: loading twice writes the same blob
    access = await space_access(db, author, space_id)
    return await library.create_file(
        db,
        author,
        access,
        fields,
        key=key,
        name=entry["name"],
        size=len(data),
        content_type=content_type,
        text="\n".join(entry["pages"]),
    )


async def load_library(
    db: AsyncSession,
    timeline: Timeline,
    people: dict[str, User],
    space_ids: dict[str, int],
    city_ids: dict[str, int],
    thread_ends: dict[str, tuple[int, datetime]],
    store,
) -> None:
    """Each entry is dated a few hours after the end of the thread it came from (or, with none,
    early in the span); documents are skipped when there is no file storage (`store` None)."""
    for space, entries in LIBRARY.items():
        for n, entry in enumerate(entries):
            author, space_id = people[entry["author"]], space_ids[space]
            fields = {k: entry[k] for k in COMMON} | {"city_id": city_ids[entry["city"]]}
            source = thread_ends.get(entry.get("thread", ""))
            if entry["kind"] == "file":
                if store is None:
                    continue
                created = await _file(db, author, space_id, entry, fields, store)
            elif entry["kind"] == "link":
                created = await library.create(db, author, space_id, fields | {"kind": "link", "url": entry["url"]})
            else:
                details = entry["details"] | ({"source_thread_id": source[0]} if source else {})
                created = await library.create(db, author, space_id, fields | {"kind": "practice"} | details)
            at = source[1] + timedelta(hours=3 + n) if source else timeline.start + timedelta(days=2 + n)
            await timeline.settle_resource(created["id"], min(at, timeline.now - timedelta(minutes=30 - n)))
