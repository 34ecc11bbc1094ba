"""What an operator relies on: probes, metrics, logs, backup and restore, export."""

from __future__ import annotations

import asyncio
import csv
import hashlib
import io
import json
import logging
import os
import re
import subprocess
import sys
import uuid
from dataclasses import replace

import asyncpg
import httpx

from server.db.engine import asyncpg_dsn
from server.observability import readiness
from server.observability.logging import JsonFormatter, configure, request_id
from tests.harness import ServerThread, expect
from tests.library_helpers import practice
from tests.realtime_helpers import Live


def _thread_id(created: dict) -> int:
    return created["thread"]["id"] if "thread" in created else created["id"]


def _sample(text: str, name: str, labels: str) -> float:
    match = re.search(re.escape(name + "{" + labels + "}") + r" ([0-9.e+]+)", text)
    return float(match.group(1)) if match else 0.0


POSTED = 'method="POST",route="/api/threads/{thread_id}/messages",status="201"'


async def test_metrics_count_requests_by_route_template(world):
    # The registry lives as long as the session's server: compare before and after.
    before = _sample((await world.anonymous.get("/metrics")).text, "citybridge_http_requests_total", POSTED)
    thread = _thread_id(
        expect(
            await world.member.post(
                f"/api/spaces/{world.space_a['id']}/threads", json={"title": "Metrics", "body": "one"}
            ),
            201,
        )
    )
    for n in range(3):
        expect(
            await world.member.post(
                f"/api/threads/{thread}/messages", json={"body": f"m{n}", "client_id": f"metrics-{n}"}
            ),
            201,
        )
    await world.member.get("/api/threads/999999")
    text = (await world.anonymous.get("/metrics")).text
    assert _sample(text, "citybridge_http_requests_total", POSTED) == before + 3
    assert 'route="/api/threads/{thread_id}",status="404"' in text
    assert (
        'citybridge_http_request_duration_seconds_bucket{le="0.1",method="POST",'
        'route="/api/threads/{thread_id}/messages"}' in text
    )
    for name in (
        "citybridge_websockets_open",
        "citybridge_events_fanned_out_total",
        "citybridge_indexer_lag_events",
        "citybridge_search_duration_seconds_bucket",
        "citybridge_rate_limited_total",
    ):
        assert name in text, name
    assert "/api/threads/999999" not in text  # raw paths never become labels


async def test_metrics_can_require_a_token(settings, database_url):
    guarded = ServerThread(replace(settings, metrics_token="scrape-secret"), database_url).start()
    try:
        async with httpx.AsyncClient(base_url=guarded.base_url) as client:
            refused = await client.get("/metrics")
            assert refused.status_code == 401 and refused.json()["error"]["code"] == "unauthorized"
            allowed = await client.get("/metrics", headers={"Authorization": "Bearer scrape-secret"})
            assert allowed.status_code == 200 and "citybridge_http_requests_total" in allowed.text
    finally:
        guarded.stop()


async def test_readyz_reports_registered_parts(settings, database_url):
    node = ServerThread(settings, database_url)
    health = {"ok": True}

    async def fake_engine():
        if not health["ok"]:
            raise ConnectionError("engine unreachable")

    readiness.register(node.app, "fake_engine", fake_engine)
    node.start()
    try:
        async with httpx.AsyncClient(base_url=node.base_url) as client:
            ready = expect(await client.get("/readyz"), 200)
            assert ready["status"] == "ok" and ready["checks"]["database"] == "ok"
            assert ready["checks"]["fake_engine"] == "ok"
            health["ok"] = False
            degraded = await client.get("/readyz")
            assert degraded.status_code == 503
            error = degraded.json()["error"]
            assert error["code"] == "not_ready"
            assert error["fields"] == {"fake_engine": "ConnectionError: engine unreachable"}
            assert (await client.get("/healthz")).status_code == 200
    finally:
        node.stop()


def test_logs_are_json_lines_with_the_request_id():
    record = logging.LogRecord("citybridge.http", logging.INFO, __file__, 1, "GET %s %s", ("/healthz", 200), None)
    record.route, record.status = "/healthz", 200
    token = request_id.set("req-123")
    try:
        line = JsonFormatter().format(record)
    finally:
        request_id.reset(token)
    entry = json.loads(line)
    assert entry["message"] == "GET /healthz 200" and entry["request_id"] == "req-123"
    assert entry["level"] == "info" and entry["route"] == "/healthz" and entry["status"] == 200


async def test_a_websocket_is_one_log_line_when_it_ends(world, server, monkeypatch):
    """Not uvicorn's "[accepted]" line and the websockets library's "connection open" as well."""
    root, error_log = logging.getLogger(), logging.getLogger("uvicorn.error")
    websockets_log = logging.getLogger("websockets")
    saved = (list(root.handlers), root.level, list(error_log.filters), websockets_log.level, error_log.level)
    stream, rid = io.StringIO(), f"ws-log-{uuid.uuid4().hex[:12]}"
    monkeypatch.setattr(sys, "stderr", stream)
    configure("json")
    error_log.setLevel(logging.INFO)  # the tests' server runs uvicorn at "warning"
    try:
        live = await Live.open(server.base_url, world.member, headers={"X-Request-ID": rid})
        await live.send({"type": "subscribe", "space_id": world.space_a["id"]})
        await live.next()
        await live.ws.close()
        for _ in range(100):
            if rid in stream.getvalue():
                break
            await asyncio.sleep(0.05)
    finally:
        root.handlers[:] = saved[0]
        root.setLevel(saved[1])
        error_log.filters[:] = saved[2]
        websockets_log.setLevel(saved[3])
        error_log.setLevel(saved[4])
    lines = [json.loads(line) for line in stream.getvalue().splitlines()]
    closed = [entry for entry in lines if entry.get("request_id") == rid]
    assert len(closed) == 1 and closed[0]["message"] == "WS /ws closed" and closed[0]["logger"] == "citybridge.http"
    assert closed[0]["client"] == "127.0.0.1" and closed[0]["duration_ms"] > 0
    chatter = [e["message"] for e in lines if "WebSocket" in e["message"] or e["message"].startswith("connection ")]
    assert chatter == []


def _cli(*args: str, database_url: str, data_dir, cwd=None) -> subprocess.CompletedProcess:
    env = {
        **os.environ,
        "DATABASE_URL": database_url,
        "CITYBRIDGE_DATA": str(data_dir),
        "CITYBRIDGE_SECRET_KEY": "test-secret-key-" + "x" * 32,
    }
    result = subprocess.run(
        [sys.executable, "-c", "from server.cli import main; main()", *args],
        env=env,
        cwd=cwd,
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert result.returncode == 0, result.stdout + result.stderr
    return result


async def _create_database(database_url: str, name: str) -> str:
    admin = await asyncpg.connect(asyncpg_dsn(database_url).replace("/citybridge?", "/postgres?"))
    try:
        await admin.execute(f"CREATE DATABASE {name}")
    finally:
        await admin.close()
    return database_url.replace("/citybridge?", f"/{name}?")


async def _drop_database(database_url: str, name: str) -> None:
    admin = await asyncpg.connect(asyncpg_dsn(database_url).replace("/citybridge?", "/postgres?"))
    try:
        await admin.execute(f"DROP DATABASE IF EXISTS {name} WITH (FORCE)")
    finally:
        await admin.close()


async def _rows(url: str, query: str) -> list:
    conn = await asyncpg.connect(asyncpg_dsn(url))
    try:
        return [tuple(r) for r in await conn.fetch(query)]
    finally:
        await conn.close()


async def test_backup_and_restore_round_trip(world, database_url, tmp_path):
    thread = _thread_id(
        expect(
            await world.member.post(
                f"/api/spaces/{world.space_a['id']}/threads", json={"title": "Kept safe", "body": "first words"}
            ),
            201,
        )
    )
    expect(
        await world.moderator.post(
            f"/api/threads/{thread}/messages", json={"body": "Ελληνικά, ไทย, **bold**", "client_id": "bk-1"}
        ),
        201,
    )
    source_files = tmp_path / "source" / "files"
    blob = b"%PDF-1.4 a housing plan"
    key = hashlib.sha256(blob).hexdigest()
    (source_files / key[:2] / key[2:4]).mkdir(parents=True)
    (source_files / key[:2] / key[2:4] / key).write_bytes(blob)
    (source_files / "tmp").mkdir()
    (source_files / "tmp" / "half-received").write_bytes(b"partial")

    archive = tmp_path / "backup.tar"
    out = _cli("backup", "--output", str(archive), "--quiet", database_url=database_url, data_dir=tmp_path / "source")
    assert "Backup written" in out.stdout and archive.is_file()

    name = f"restore_{uuid.uuid4().hex[:8]}"
    target = await _create_database(database_url, name)
    try:
        target_dir = tmp_path / "target"
        (target_dir / "files").mkdir(parents=True)
        (target_dir / "files" / "stale").write_text("from before the restore")
        _cli("restore", str(archive), "--yes", "--quiet", database_url=target, data_dir=target_dir)
        query = "SELECT id, thread_id, body, html, client_id FROM messages ORDER BY id"
        assert await _rows(target, query) == await _rows(database_url, query)
        events = "SELECT id, kind, data::text FROM events ORDER BY id"
        assert await _rows(target, events) == await _rows(database_url, events)
        assert (target_dir / "files" / key[:2] / key[2:4] / key).read_bytes() == blob
        assert not (target_dir / "files" / "tmp").exists()
        assert not (target_dir / "files" / "stale").exists()
        kept = [p for p in target_dir.iterdir() if p.name.startswith("files.before-restore-")]
        assert kept and (kept[0] / "stale").is_file()
        # Restoring again over a database in use is refused without --force.
        conn = await asyncpg.connect(asyncpg_dsn(target))
        try:
            env = {**os.environ, "DATABASE_URL": target, "CITYBRIDGE_DATA": str(target_dir)}
            refused = subprocess.run(
                [
                    sys.executable,
                    "-c",
                    "from server.cli import main; main()",
                    "restore",
                    str(archive),
                    "--yes",
                    "--quiet",
                ],
                env=env,
                capture_output=True,
                text=True,
                timeout=120,
            )
            assert refused.returncode != 0 and "stop the Citybridge servers" in refused.stderr
        finally:
            await conn.close()
    finally:
        await _drop_database(database_url, name)


async def test_export_writes_a_space_as_json_and_csv(world, database_url, tmp_path):
    thread = _thread_id(
        expect(
            await world.member.post(
                f"/api/spaces/{world.space_a['id']}/threads", json={"title": "Housing, first year", "body": "Hello"}
            ),
            201,
        )
    )
    expect(
        await world.moderator.post(
            f"/api/threads/{thread}/messages", json={"body": 'Xin chào, "quoted", comma', "client_id": "ex-1"}
        ),
        201,
    )
    expect(
        await world.other.post(
            f"/api/spaces/{world.space_b['id']}/threads", json={"title": "Elsewhere", "body": "not in the export"}
        ),
        201,
    )
    event = expect(
        await world.moderator.post(
            f"/api/spaces/{world.space_a['id']}/events",
            json={
                "kind": "study_visit",
                "title": "Welcome desk visit",
                "starts_at": "2031-05-12T09:00",
                "ends_at": "2031-05-12T17:00",
                "timezone": "Europe/Brussels",
            },
        ),
        201,
    )
    expect(await world.member.put(f"/api/events/{event['id']}/registration", json={"status": "going"}), 200)
    expect(
        await world.admin.post(
            f"/api/spaces/{world.space_b['id']}/events",
            json={
                "kind": "webinar",
                "title": "Not exported",
                "starts_at": "2031-05-13T09:00",
                "ends_at": "2031-05-13T10:00",
                "timezone": "UTC",
            },
        ),
        201,
    )
    # A transfer of a practice from Antwerp to Da Nang, with a plan, its indicator and a log entry.
    da_nang = world.cities[1]["id"]
    source = expect(
        await world.moderator.post(
            f"/api/spaces/{world.space_a['id']}/resources", json=practice(world.cities[0]["id"], title="Welcome desks")
        ),
        201,
    )
    body = {"source_practice_id": source["id"], "implementing_city_ids": [da_nang], "space_id": world.space_a["id"]}
    transfer = expect(await world.moderator.post("/api/transfers", json={**body, "starts_on": "2026-01-01"}), 201)
    indicator = {"name": "Registered in week one", "unit": "%", "baseline": 20, "target": 60}
    plan_url = f"/api/transfers/{transfer['id']}/plans/{da_nang}"
    expect(await world.member.put(plan_url, json={"risks": "Turnover", "indicators": [indicator]}), 200)
    entry = {"kind": "adaptation", "field": "partners", "change": "DOLISA, not VDAB", "reason": "Local law"}
    expect(await world.member.post(f"{plan_url}/log", json=entry), 201)
    out_dir = tmp_path / "export"
    result = _cli(
        "export",
        "--space",
        str(world.space_a["id"]),
        "--output",
        str(out_dir),
        database_url=database_url,
        data_dir=tmp_path / "data",
    )
    assert "2 messages" in result.stdout
    space = json.loads((out_dir / "space.json").read_text())
    assert space["name"] == world.space_a["name"] and len(space["cities"]) == 2
    threads = json.loads((out_dir / "threads.json").read_text())
    assert [t["title"] for t in threads] == ["Housing, first year"] and threads[0]["messages"] == 2
    messages = json.loads((out_dir / "messages.json").read_text())
    assert [m["body"] for m in messages] == ["Hello", 'Xin chào, "quoted", comma']
    with open(out_dir / "messages.csv", encoding="utf-8-sig", newline="") as handle:
        rows = list(csv.DictReader(handle))
    assert [r["body"] for r in rows] == ["Hello", 'Xin chào, "quoted", comma']
    assert rows[1]["author_name"] == "Mieke Moderator" and rows[1]["thread_title"] == "Housing, first year"
    assert (out_dir / "resources.json").is_file() and (out_dir / "resources.csv").is_file()
    # Events with their registrations as counts, never as people; nothing from the other space.
    assert "1 events" in result.stdout
    events = json.loads((out_dir / "events.json").read_text())
    assert [(e["title"], e["kind"], e["timezone"]) for e in events] == [
        ("Welcome desk visit", "study_visit", "Europe/Brussels")
    ]
    assert events[0]["registrations"] == {"going": 1} and "Mieke" not in (out_dir / "events.json").read_text()
    assert (out_dir / "events.csv").is_file() and json.loads((out_dir / "polls.json").read_text()) == []
    # Transfers, with their plans (indicators included), milestones and log: what the API showed.
    assert "1 transfers" in result.stdout
    transfers = json.loads((out_dir / "transfers.json").read_text())
    assert [(t["id"], t["source_practice_id"], t["state"], t["starts_on"]) for t in transfers] == [
        (transfer["id"], source["id"], "proposed", "2026-01-01")
    ]
    assert transfers[0]["coordinator_name"] == "Mieke Moderator"
    plans = json.loads((out_dir / "transfer_plans.json").read_text())
    shown = expect(await world.member.get(plan_url), 200)
    assert [(p["city_id"], p["risks"], p["indicators"]) for p in plans] == [(da_nang, "Turnover", shown["indicators"])]
    milestones = json.loads((out_dir / "transfer_milestones.json").read_text())
    assert [(m["key"], m["due_on"]) for m in milestones] == [(m["key"], m["due_on"]) for m in shown["milestones"]]
    log = json.loads((out_dir / "transfer_log.json").read_text())
    assert [(e["field"], e["change"], e["reason"], e["author_name"]) for e in log] == [
        ("partners", "DOLISA, not VDAB", "Local law", "Nguyen Member")
    ]
    with open(out_dir / "transfer_log.csv", encoding="utf-8-sig", newline="") as handle:
        assert [r["change"] for r in csv.DictReader(handle)] == ["DOLISA, not VDAB"]
