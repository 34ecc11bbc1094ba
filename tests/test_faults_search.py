"""Search engine outage while content is written: writes go on, /readyz reports the search part,
and once the engine is back the indexer catches up and every message written meanwhile is found.

A real `citybridge serve` process on a PostgreSQL cluster of this module's own. The outage is a real
file-system fault, not a mock: the embedded engine's index directory is moved away and a plain file
put in its place (what an unmounted or broken volume looks like to the process), then put back.
"""

from __future__ import annotations

import asyncio
import tempfile
import time
from pathlib import Path

import asyncpg
import httpx
import pytest

from search.engine import SCHEMA_VERSION
from server.db.engine import asyncpg_dsn
from tests.harness import PrivateCluster, ServerProcess, expect
from tests.test_faults import Ledger, assert_durable, seed, server_errors
from tests.test_search_api import indexed


@pytest.fixture(scope="module")
def cluster():
    with tempfile.TemporaryDirectory(prefix="citybridge-faults-search-") as root:
        cluster = PrivateCluster(Path(root))
        yield cluster
        cluster.close()


async def readiness(base_url: str) -> httpx.Response:
    async with httpx.AsyncClient(base_url=base_url, timeout=10) as probe:
        return await probe.get("/readyz")


async def test_search_outage_loses_nothing_and_readyz_reports_it(cluster, tmp_path):
    url = cluster.create_database("faults_search")
    data_dir = tmp_path / "data"
    server = ServerProcess(url, data_dir).start()
    index_dir = data_dir / "search" / f"v{SCHEMA_VERSION}"
    away = index_dir.with_name(index_dir.name + ".away")
    posters: list[httpx.AsyncClient] = []
    broken = False
    try:
        posters, thread_id = await seed(url, server.base_url)
        await indexed(url, 30)
        assert (await readiness(server.base_url)).status_code == 200
        ledger, stop = Ledger(), asyncio.Event()
        workers = [
            asyncio.create_task(ledger.post_steadily(p, thread_id, f"w{i}", stop, interval=0.05))
            for i, p in enumerate(posters)
        ]
        await ledger.wait_for_acks(10)

        index_dir.rename(away)  # the engine fails: its directory is gone ...
        index_dir.write_text("not a directory")  # ... and nothing can be created in its place
        broken = True
        acked_before = len(ledger.acked)
        await ledger.wait_for_acks(acked_before + 60)  # writes go on
        ready = await readiness(server.base_url)
        assert ready.status_code == 503, ready.text
        error = ready.json()["error"]
        assert set(error) == {"code", "message", "fields"} and error["code"] == "not_ready"
        assert set(error["fields"]) == {"search"}, error  # the database is fine; search is the degraded part
        assert "search" in error["message"]
        conn = await asyncpg.connect(asyncpg_dsn(url))
        try:  # indexing really is held up: the stored position stays behind the messages written
            behind = await conn.fetchval(
                "SELECT (SELECT max(id) FROM events) - (SELECT max(position) FROM search_indexer_state)"
            )
        finally:
            await conn.close()
        assert behind >= 50, behind

        index_dir.unlink()  # the engine comes back
        away.rename(index_dir)
        broken = False
        await ledger.wait_for_acks(len(ledger.acked) + 20)
        stop.set()
        await asyncio.gather(*workers)
        assert not ledger.unexpected and not ledger.unanswered, "\n".join(
            [*ledger.unexpected[:3], *sorted(ledger.unanswered)[:3], *server_errors(server)]
        )
        await assert_durable(url, ledger.acked)

        await indexed(url, 40)
        deadline = time.monotonic() + 20
        while (ready := await readiness(server.base_url)).status_code != 200:
            assert time.monotonic() < deadline, ready.text
            await asyncio.sleep(0.2)
        # Every message, those written during the outage included, is found by its own words.
        reader = posters[1]
        for client_id, message_id in sorted(ledger.acked.items()):
            name, n = client_id.split("-")
            found = expect(await reader.get("/api/search", params={"q": f"{name} {n}", "kind": "message"}), 200)
            assert [h["id"] for h in found["hits"]] == [message_id], (client_id, found["hits"][:3])
        total = expect(await reader.get("/api/search", params={"q": "message", "kind": "message"}), 200)["total"]
        assert total == len(ledger.acked)
    finally:
        if broken:
            index_dir.unlink()
            away.rename(index_dir)
        for poster in posters:
            await poster.aclose()
        server.stop()
