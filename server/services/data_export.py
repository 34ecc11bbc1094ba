"""Everything about one person, as a zip of JSON files plus the files they uploaded.

Built in the background (the request only queues it), kept under <data>/exports/ and handed out
once: the download link works for its owner only, a single time, until it expires.
"""

from __future__ import annotations

import json
import logging
import zipfile
from datetime import timedelta
from pathlib import Path

from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession

from server.db.models import DataExport, Membership, Message, Reaction, Resource, Space, Thread, User
from server.errors import Conflict, NotFound
from server.services.accounts import now
from server.services.views import iso, user_view

log = logging.getLogger(__name__)

# An export that has shown no progress for this long died with its node; a new request replaces it.
STALE_AFTER = timedelta(minutes=10)


def export_path(data_dir: Path, export_id: int) -> Path:
    return data_dir / "exports" / f"{export_id}.zip"


def state_of(export: DataExport) -> str:
    if export.downloaded_at is not None:
        return "downloaded"
    if export.expires_at <= now():
        return "expired"
    return export.state


def view(export: DataExport) -> dict:
    state = state_of(export)
    url = f"/api/me/export/{export.id}"
    return {
        "id": export.id,
        "state": state,
        "progress": export.progress,
        "created_at": iso(export.created_at),
        "expires_at": iso(export.expires_at),
        "url": url,
        "download_url": f"{url}/download" if state == "ready" else None,
    }


async def start(db: AsyncSession, user: User, hours: int) -> tuple[DataExport, bool]:
    """The export to build (and True), or the one already being built for this person (and False)."""
    running = await db.scalar(
        select(DataExport).where(
            DataExport.user_id == user.id, DataExport.state == "pending", DataExport.created_at > now() - STALE_AFTER
        )
    )
    if running is not None:
        return running, False
    export = DataExport(user_id=user.id, expires_at=now() + timedelta(hours=hours))
    db.add(export)
    await db.flush()
    await db.refresh(export)
    return export, True


async def find(db: AsyncSession, user: User, export_id: int, *, for_update: bool = False) -> DataExport:
    query = select(DataExport).where(DataExport.id == export_id, DataExport.user_id == user.id)
    export = await db.scalar(query.with_for_update(key_share=True) if for_update else query)
    if export is None:  # someone else's export is as absent as one that never was
        raise NotFound("No such export.", code="export_not_found")
    return export


async def claim_download(db: AsyncSession, user: User, export_id: int, data_dir: Path) -> Path:
    """Spend the single-use link: the file's path, or 404 (not theirs) / 409 (not ready, used, expired)."""
    export = await find(db, user, export_id, for_update=True)
    state = state_of(export)
    if state != "ready":
        raise Conflict(f"This export is {state}; start a new one.", code=f"export_{state}")
    export.downloaded_at = now()
    await db.flush()
    return export_path(data_dir, export.id)


def _json(value) -> bytes:
    return json.dumps(value, ensure_ascii=False, indent=2, default=str).encode()


async def _rows(db: AsyncSession, user: User) -> dict[str, list[dict]]:
    messages = await db.execute(
        select(Message, Thread.title)
        .join(Thread, Thread.id == Message.thread_id)
        .where(Message.author_id == user.id, Message.deleted_at.is_(None))
        .order_by(Message.id)
    )
    reactions = await db.execute(
        select(Reaction).where(Reaction.user_id == user.id).order_by(Reaction.message_id, Reaction.emoji)
    )
    memberships = await db.execute(
        select(Membership, Space.name).join(Space, Space.id == Membership.space_id).where(Membership.user_id == user.id)
    )
    uploads = await db.scalars(select(Resource).where(Resource.author_id == user.id).order_by(Resource.id))
    return {
        "messages": [
            {"id": m.id, "space_id": m.space_id, "thread_id": m.thread_id, "thread_title": title, "body": m.body,
             "created_at": iso(m.created_at), "edited_at": iso(m.edited_at)}
            for m, title in messages
        ],
        "reactions": [{"message_id": r.message_id, "emoji": r.emoji} for (r,) in reactions],
        "memberships": [
            {"space_id": m.space_id, "space_name": name, "role": m.role, "state": m.state,
             "since": iso(m.created_at)}
            for m, name in memberships
        ],
        "uploads": [
            {"id": r.id, "space_id": r.space_id, "kind": r.kind, "title": r.title, "summary": r.summary,
             "url": r.url, "file_name": r.file_name, "file_key": r.file_key, "created_at": iso(r.created_at)}
            for r in uploads.all()
        ],
    }  # fmt: skip


def _write_zip(path: Path, user: User, rows: dict[str, list[dict]], store) -> None:
    partial = path.with_suffix(".part")
    with zipfile.ZipFile(partial, "w", compression=zipfile.ZIP_DEFLATED) as archive:
        archive.writestr("profile.json", _json(user_view(user)))
        for name, items in rows.items():
            archive.writestr(f"{name}.json", _json(items))
        for upload in rows["uploads"]:
            key = upload.pop("file_key")
            if key and store.exists(key):
                with archive.open(f"files/{upload['id']}-{Path(upload['file_name'] or 'file').name}", "w") as out:
                    for chunk in store.read(key):
                        out.write(chunk)
    partial.replace(path)  # the finished zip appears at once, never half-written


async def build(sessions, store, data_dir: Path, export_id: int) -> None:
    """Run after the request that queued the export has committed (a background task)."""
    import asyncio

    async with sessions() as db:
        export = await db.get(DataExport, export_id)
        user = await db.get(User, export.user_id) if export is not None else None
        if user is None:
            return
        try:
            rows = await _rows(db, user)
            export.progress = 50
            await db.commit()
            path = export_path(data_dir, export_id)
            path.parent.mkdir(parents=True, exist_ok=True)
            await asyncio.to_thread(_write_zip, path, user, rows, store)
            export.state, export.progress = "ready", 100
        except Exception:
            log.exception("data export %s failed", export_id)
            export.state = "failed"
        await db.commit()
