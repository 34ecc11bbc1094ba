"""The demo network: loaded through the services, idempotent, usable through the API and the CLI."""

from __future__ import annotations

import json
import os
import re
import subprocess
import sys
import time
from collections import Counter
from datetime import timedelta
from pathlib import Path

from sqlalchemy import func, select

from server import demo, storage
from server.db.models import (
    City,
    Event,
    Membership,
    Mention,
    Message,
    PracticeAdaptation,
    Resource,
    Space,
    Thread,
    Transfer,
    TransferLogEntry,
    TransferPlan,
    User,
)
from server.demo.content import PASSWORD, THREADS
from server.demo.library import FORMATS
from tests.harness import expect

# A few words that only occur in running text of each language.
MARKERS = {
    "nl": (" het ", " een ", " wij ", " ook "),
    "fr": (" les ", " des ", " est ", " pour "),
    "es": (" los ", " las ", " para ", " que "),
    "en": (" the ", " and ", " with ", " of ", " is "),
}


async def counts(db) -> dict[str, int]:
    return {
        model.__name__: await db.scalar(select(func.count()).select_from(model))
        for model in (City, User, Space, Membership, Thread, Message, Event)
    }


async def test_load_builds_the_network_through_the_services(db):
    accounts = await demo.load(db)
    await db.commit()

    assert accounts[0] == (demo.admin_email(), PASSWORD, "admin")
    assert len({email for email, _, _ in accounts}) == len(accounts) >= 12
    assert sum(role.startswith("moderator") for _, _, role in accounts) >= 3

    cities = (await db.scalars(select(City))).all()
    assert len(cities) >= 8
    assert Counter(c.profile for c in cities).keys() == {"traditional", "newer"}
    assert all(c.languages and c.country and c.region and len(c.description) > 150 for c in cities)

    spaces = (await db.scalars(select(Space))).all()
    assert len(spaces) >= 3 and "network" in {s.visibility for s in spaces}
    for space in spaces:
        roles = Counter((await db.scalars(select(Membership.role).where(Membership.space_id == space.id))).all())
        assert roles["moderator"] == 1 and roles["member"] >= 2

    per_thread = dict((await db.execute(select(Message.thread_id, func.count()).group_by(Message.thread_id))).all())
    assert 12 <= len(per_thread) <= 20
    assert all(3 <= n <= 8 for n in per_thread.values())

    # Threads in English, French, Spanish and Dutch, and their text really is in that language.
    first_bodies = {}
    for thread in (await db.scalars(select(Thread))).all():
        first_bodies[thread.title] = await db.scalar(
            select(Message.body).where(Message.thread_id == thread.id).order_by(Message.id).limit(1)
        )
    languages = {t["lang"] for t in THREADS if t["title"] in first_bodies}
    assert {"en", "fr", "es", "nl"} <= languages
    for t in THREADS:
        text = " " + " ".join(first_bodies[t["title"]].lower().split()) + " "
        assert sum(word in text for word in MARKERS[t["lang"]]) >= 2, t["title"]

    # Every @{key} placeholder became a resolved mention; every write has its change-log event.
    assert await db.scalar(select(func.count()).where(Message.body.like("%@{%"))) == 0
    placeholders = sum(len(set(re.findall(r"@\{(\w+)\}", m[1]))) for t in THREADS for m in t["messages"])
    assert await db.scalar(select(func.count()).select_from(Mention)) == placeholders >= 20
    kinds = Counter((await db.scalars(select(Event.kind))).all())
    assert kinds["space.created"] == len(spaces)
    assert kinds["thread.created"] == len(per_thread)
    assert kinds["message.created"] == sum(per_thread.values())
    assert kinds["member.added"] == await db.scalar(select(func.count()).select_from(Membership))
    assert kinds["reaction.added"] > 0 and kinds["notification.mention"] > 0
    assert await db.scalar(select(func.count()).where(Thread.pinned)) >= 1

    # One completed transfer whose city has its adapted record (the lineage has an edge), one running.
    states = Counter((await db.scalars(select(Transfer.state))).all())
    assert states == {"completed": 1, "implementing": 1}
    adapted = await db.scalar(select(TransferPlan.practice_id).where(TransferPlan.practice_id.is_not(None)))
    record = await db.get(Resource, adapted)
    assert record.kind == "practice" and "Adaptation log" in record.details["lessons_learned"]
    assert await db.scalar(select(func.count()).select_from(PracticeAdaptation)) >= 1
    assert await db.scalar(select(func.count()).select_from(TransferLogEntry)) >= 5
    assert kinds["transfer.created"] == 2 and kinds["transfer.completed"] == 1


async def test_load_is_idempotent(db):
    assert await demo.load(db)
    await db.commit()
    before = await counts(db)
    assert await demo.load(db) == []
    await db.commit()
    assert await counts(db) == before


async def test_a_demo_official_signs_in_and_reads_the_threads(db, clients):
    accounts = await demo.load(db)
    await db.commit()
    email = next(e for e, _, role in accounts if role.startswith("member of Toronto"))
    official = clients()
    me = expect(await official.sign_in(email, PASSWORD), 200)["user"]
    assert me["position"] and me["city_id"]
    spaces = expect(await official.get("/api/spaces"), 200)["items"]
    names = {s["name"] for s in spaces}
    assert "Toronto – Medellín – Tijuana" in names and "Antwerp – Wrocław" not in names
    assert any(s["visibility"] == "network" for s in spaces)  # the open forum is readable by all
    space = next(s for s in spaces if s["name"] == "Toronto – Medellín – Tijuana")
    threads = expect(await official.get(f"/api/spaces/{space['id']}/threads"), 200)["items"]
    assert threads[0]["pinned"] and len(threads) >= 4


def test_the_demo_command(database_url, tmp_path):
    env = {
        **os.environ,
        "DATABASE_URL": database_url,
        "CITYBRIDGE_DATA": str(tmp_path),
        "CITYBRIDGE_ARGON2_MEMORY_KIB": "1024",
        "CITYBRIDGE_ARGON2_TIME_COST": "1",
    }
    command = [str(Path(sys.executable).with_name("citybridge")), "demo"]
    first = subprocess.run(command, env=env, capture_output=True, text=True, timeout=120)
    assert first.returncode == 0, first.stderr
    assert "Demo network loaded" in first.stdout
    assert demo.admin_email() in first.stdout and PASSWORD in first.stdout
    assert first.stdout.count(PASSWORD) >= 12
    again = subprocess.run(command, env=env, capture_output=True, text=True, timeout=120)
    assert again.returncode == 0, again.stderr
    assert "already loaded" in again.stdout
    assert len([p for p in (tmp_path / "files").rglob("*") if p.is_file()]) >= 5  # the libraries' documents


def _views_with_id(value, wanted: str):
    """Every dict in an event's data that renders the row kind `wanted` (a message has a thread_id)."""
    if isinstance(value, dict):
        if "id" in value and "created_at" in value and (("thread_id" in value) == (wanted == "message")):
            yield value
        for item in value.values():
            yield from _views_with_id(item, wanted)
    elif isinstance(value, list):
        for item in value:
            yield from _views_with_id(item, wanted)


async def test_conversations_spread_over_weeks_and_the_events_agree(db, settings):
    started = time.monotonic()
    assert await demo.load(db, storage.from_settings(settings))
    await db.commit()
    assert time.monotonic() - started < 60  # `citybridge demo` stays quick
    now = await db.scalar(select(func.now()))

    rows = (await db.execute(select(Message.id, Message.thread_id, Message.created_at).order_by(Message.id))).all()
    times = [at for _, _, at in rows]
    assert len(set(times)) == len(rows), "every message has its own time"
    assert max(times) < now and max(times) - min(times) >= timedelta(days=28)
    for thread in (await db.scalars(select(Thread))).all():
        own = [at for _, thread_id, at in rows if thread_id == thread.id]
        assert own == sorted(own) and thread.created_at == own[0] and thread.last_activity_at == own[-1]

    # What live clients and the search indexer read says the same as the tables.
    when = {message_id: at.isoformat() for message_id, _, at in rows}
    for event in (await db.scalars(select(Event).where(Event.kind == "message.created"))).all():
        views = [v for v in _views_with_id(event.data, "message") if v["id"] in when]
        assert views and all(v["created_at"] == when[v["id"]] for v in views), event.data
    loaded_at = {e.created_at.isoformat() for e in (await db.scalars(select(Event))).all()}
    for event in (await db.scalars(select(Event))).all():
        assert not loaded_at & set(re.findall(r'"(\d{4}-\d\d-\d\dT[^"]+)"', json.dumps(event.data))), event.kind

    # Every library holds practice records, links and generated documents that open.
    for space in (await db.scalars(select(Space))).all():
        kinds = Counter((await db.scalars(select(Resource.kind).where(Resource.space_id == space.id))).all())
        assert kinds["practice"] >= 1 and kinds["link"] >= 1 and sum(kinds.values()) >= 3, (space.name, kinds)
    files = (await db.scalars(select(Resource).where(Resource.kind == "file"))).all()
    assert len(files) >= 5 and {f.content_type for f in files} >= {"application/pdf", FORMATS["docx"][1]}
    store = storage.from_settings(settings)
    for resource in files:
        assert store.size(resource.file_key) == resource.file_size > 0 and resource.extracted_text
        assert resource.created_at < now
    practices = (await db.scalars(select(Resource).where(Resource.kind == "practice"))).all()
    assert any(p.source_thread_id for p in practices)
