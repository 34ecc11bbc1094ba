"""`citybridge export --space ID`: a space's threads, messages, library, events and transfers as JSON and CSV.

For data portability: a city that leaves the platform takes its discussions with it in formats
any spreadsheet or script reads. Deleted messages are left out; hidden ones are kept and marked.
"""

from __future__ import annotations

import csv
import json
import re
import shutil
from datetime import datetime
from pathlib import Path

from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession
from sqlalchemy.orm import aliased

from server.db.models import City, Message, Space, Thread, User
from server.db.models.spaces import SpaceCity
from server.export_events import export_events
from server.export_transfers import export_transfers


class ExportError(Exception):
    pass


def _value(value):
    if isinstance(value, datetime):
        return value.isoformat()
    return value


def _cell(value) -> str:
    value = _value(value)
    if value is None:
        return ""
    if isinstance(value, (list, dict)):
        return json.dumps(value, ensure_ascii=False)
    return str(value)


def _write(directory: Path, name: str, rows: list[dict], columns: list[str]) -> None:
    (directory / f"{name}.json").write_text(
        json.dumps([{k: _value(row[k]) for k in columns} for row in rows], ensure_ascii=False, indent=2),
        encoding="utf-8",
    )
    # utf-8-sig: spreadsheet programs then read accented names and non-Latin scripts correctly.
    with open(directory / f"{name}.csv", "w", newline="", encoding="utf-8-sig") as handle:
        writer = csv.writer(handle)
        writer.writerow(columns)
        for row in rows:
            writer.writerow([_cell(row[k]) for k in columns])


THREAD_COLUMNS = [
    "id",
    "title",
    "themes",
    "author_id",
    "author_name",
    "pinned",
    "locked",
    "created_at",
    "last_activity_at",
    "messages",
]
MESSAGE_COLUMNS = [
    "id",
    "thread_id",
    "thread_title",
    "author_id",
    "author_name",
    "created_at",
    "edited_at",
    "hidden",
    "body",
    "html",
]
RESOURCE_COLUMNS = [
    "id",
    "kind",
    "title",
    "summary",
    "themes",
    "language",
    "city_id",
    "featured",
    "author_id",
    "author_name",
    "created_at",
    "updated_at",
    "hidden",
    "url",
    "file_name",
    "file_size",
    "content_type",
    "details",
    "gcm_objectives",
    "file",
]


async def export_space(db: AsyncSession, space_id: int, output: Path, files_dir: Path | None = None) -> dict:
    """Write space.json and threads/messages/resources as .json and .csv under output; return counts."""
    space = await db.get(Space, space_id)
    if space is None:
        raise ExportError(f"There is no space {space_id}.")
    output.mkdir(parents=True, exist_ok=True)  # noqa: ASYNC240 - a CLI command, not a request
    cities = (
        (
            await db.execute(
                select(City)
                .join(SpaceCity, SpaceCity.city_id == City.id)
                .where(SpaceCity.space_id == space_id)
                .order_by(City.name)
            )
        )
        .scalars()
        .all()
    )
    (output / "space.json").write_text(
        json.dumps(
            {
                "id": space.id,
                "name": space.name,
                "description": space.description,
                "themes": space.themes,
                "visibility": space.visibility,
                "created_at": _value(space.created_at),
                "cities": [
                    {
                        "id": c.id,
                        "name": c.name,
                        "country": c.country,
                        "region": c.region,
                        "languages": c.languages,
                        "profile": c.profile,
                    }
                    for c in cities
                ],
            },
            ensure_ascii=False,
            indent=2,
        ),
        encoding="utf-8",
    )

    author = aliased(User)
    threads = []
    for thread, name in await db.execute(
        select(Thread, author.name)
        .outerjoin(author, author.id == Thread.author_id)
        .where(Thread.space_id == space_id)
        .order_by(Thread.id)
    ):
        threads.append({**{c: getattr(thread, c, None) for c in THREAD_COLUMNS}, "author_name": name, "messages": 0})
    titles = {t["id"]: t for t in threads}

    messages = []
    for message, name in await db.execute(
        select(Message, author.name)
        .outerjoin(author, author.id == Message.author_id)
        .where(Message.space_id == space_id, Message.deleted_at.is_(None))
        .order_by(Message.id)
    ):
        thread = titles.get(message.thread_id)
        if thread:
            thread["messages"] += 1
        messages.append(
            {
                **{c: getattr(message, c, None) for c in MESSAGE_COLUMNS},
                "author_name": name,
                "thread_title": thread["title"] if thread else None,
                "hidden": message.hidden_at is not None,
            }
        )
    _write(output, "threads", threads, THREAD_COLUMNS)
    _write(output, "messages", messages, MESSAGE_COLUMNS)
    counts = {"threads": len(threads), "messages": len(messages)}
    counts["resources"] = await _export_library(db, space_id, output, files_dir)
    counts.update(await export_events(db, space_id, output, _write))
    counts.update(await export_transfers(db, space_id, output, _write))
    return counts


async def _export_library(db: AsyncSession, space_id: int, output: Path, files_dir: Path | None) -> int:
    try:
        from server.db.models.library import Resource
    except ImportError:  # a build without the library
        return 0
    author = aliased(User)
    rows = []
    for resource, name in await db.execute(
        select(Resource, author.name)
        .outerjoin(author, author.id == Resource.author_id)
        .where(Resource.space_id == space_id)
        .order_by(Resource.id)
    ):
        row = {
            **{c: getattr(resource, c, None) for c in RESOURCE_COLUMNS},
            "author_name": name,
            "hidden": resource.hidden_at is not None,
            "file": None,
        }
        key = getattr(resource, "file_key", None)
        if key and files_dir is not None:
            source = files_dir / key[:2] / key[2:4] / key
            if source.is_file():
                safe = re.sub(r"[^\w.\- ]+", "_", resource.file_name or "file").strip() or "file"
                target = Path("files") / f"{resource.id}-{safe}"
                (output / "files").mkdir(exist_ok=True)
                shutil.copyfile(source, output / target)
                row["file"] = target.as_posix()
        rows.append(row)
    _write(output, "resources", rows, RESOURCE_COLUMNS)
    return len(rows)
