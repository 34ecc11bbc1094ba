"""Mail delivery against real faults: `citybridge serve` processes killed with -9 between the relay's
acceptance and the commit of `sent`, two nodes sharing one relay, and a relay outage. Mail is
never lost, never sent twice by two nodes, and a mail resent after a crash keeps its Message-ID."""

from __future__ import annotations

import asyncio
import os
import re
import signal
import time
from collections import Counter

import httpx
import pytest
from sqlalchemy import select
from sqlalchemy.ext.asyncio import create_async_engine
from sqlalchemy.pool import NullPool

from server.db.engine import session_factory
from server.db.models import MailOutbox
from server.mail import outbox
from server.mail.templates import Rendered
from tests.harness import ServerProcess
from tests.mail_helpers import SmtpSink


@pytest.fixture
def sink():
    sink = SmtpSink()
    yield sink
    sink.on_receipt = None
    sink.stop()


async def enqueue(database_url: str, settings, count: int, tag: str) -> list[str]:
    """`count` mails written to the outbox as the app writes them; their Message-IDs."""
    engine = create_async_engine(database_url, poolclass=NullPool)
    try:
        async with session_factory(engine)() as db:
            for n in range(count):
                rendered = Rendered(subject=f"{tag} {n}", text=f"Mail {tag} {n}", html=f"<p>Mail {tag} {n}</p>")
                await outbox.enqueue(db, settings, kind="test", to=f"{tag}{n}@example.test", rendered=rendered)
            await db.commit()
            rows = await db.scalars(select(MailOutbox).where(MailOutbox.subject.startswith(tag)))
            return [row.message_id for row in rows]
    finally:
        await engine.dispose()


async def states(database_url: str) -> dict[str, str]:
    engine = create_async_engine(database_url, poolclass=NullPool)
    try:
        async with session_factory(engine)() as db:
            return {row.message_id: row.state for row in await db.scalars(select(MailOutbox))}
    finally:
        await engine.dispose()


async def until(check, timeout: float, what: str) -> None:
    deadline = time.monotonic() + timeout
    while not await check():
        assert time.monotonic() < deadline, f"not within {timeout}s: {what}"
        await asyncio.sleep(0.1)


def received_ids(sink: SmtpSink) -> Counter:
    return Counter(message["Message-ID"] for message in sink.received)


def node(database_url: str, data_dir, sink: SmtpSink, connections: int = 4) -> ServerProcess:
    return ServerProcess(
        database_url, data_dir, CITYBRIDGE_SMTP_URL=sink.url, CITYBRIDGE_MAIL_CONNECTIONS=str(connections)
    )


def delivered_here(server: ServerProcess) -> float:
    text = httpx.get(server.base_url + "/metrics", timeout=5).text
    found = re.search(r"^citybridge_mail_delivered_total (\S+)$", text, re.M)
    return float(found.group(1)) if found else 0.0


async def test_a_node_killed_between_the_relays_250_and_sent_resends_with_the_same_message_id(
    database_url, settings, sink, tmp_path
):
    sink.start()
    # One connection, so exactly one mail is in flight when the node dies (with N, up to N are).
    first = node(database_url, tmp_path / "a", sink, connections=1).start()
    killed: list[str] = []

    def kill_on_third(message) -> None:
        if len(sink.received) == 3 and not killed:
            first.kill()  # the relay has the mail; the node never hears the 250
            killed.append(message["Message-ID"])

    sink.on_receipt = kill_on_third
    try:
        ids = await enqueue(database_url, settings, 10, "crash")
        await until(lambda: asyncio.sleep(0, killed), 30, "the third mail reaching the relay")
        assert first.process.poll() is not None
        assert (await states(database_url))[killed[0]] == "queued"  # accepted, but never marked sent
        sink.on_receipt = None
        second = node(database_url, tmp_path / "b", sink).start()
        try:

            async def all_sent() -> bool:
                return all(state == "sent" for state in (await states(database_url)).values())

            await until(all_sent, 60, "every mail sent after the restart")
        finally:
            second.stop()
    finally:
        first.stop()
    counts = received_ids(sink)
    assert set(counts) == set(ids)  # nothing lost
    # The one mail in flight when the node died arrived twice, recognisably: the same Message-ID.
    assert {mid for mid, n in counts.items() if n > 1} == {killed[0]} and counts[killed[0]] == 2
    assert sum(counts.values()) == len(ids) + 1


async def test_a_node_killed_while_sending_on_four_connections_loses_nothing(database_url, settings, sink, tmp_path):
    """With four lanes, up to four mails are between the relay's 250 and `sent` when the node dies:
    each may arrive twice, always with its Message-ID; nothing is lost and nothing else repeats."""
    sink.start()
    first = node(database_url, tmp_path / "a", sink, connections=4).start()
    killed: list[bool] = []

    def kill_on_tenth(message) -> None:
        if len(sink.received) == 10 and not killed:
            first.kill()
            killed.append(True)

    sink.on_receipt = kill_on_tenth
    try:
        ids = await enqueue(database_url, settings, 40, "lanes")
        await until(lambda: asyncio.sleep(0, killed), 30, "the tenth mail reaching the relay")
        sink.on_receipt = None
        second = node(database_url, tmp_path / "b", sink).start()
        try:

            async def all_sent() -> bool:
                return all(state == "sent" for state in (await states(database_url)).values())

            await until(all_sent, 60, "every mail sent after the restart")
        finally:
            second.stop()
    finally:
        first.stop()
    counts = received_ids(sink)
    assert set(counts) == set(ids)  # nothing lost, nothing unknown
    repeated = [mid for mid, n in counts.items() if n > 1]
    assert all(counts[mid] == 2 for mid in repeated) and len(repeated) <= 4, counts


async def test_two_nodes_send_each_mail_once_through_an_outage_and_a_killed_leader(
    database_url, settings, sink, tmp_path
):
    # The relay is down when the nodes start and when the mails are written.
    nodes = [node(database_url, tmp_path / name, sink).start() for name in ("a", "b")]
    try:
        ids = await enqueue(database_url, settings, 12, "outage")

        async def tried() -> bool:
            ready = httpx.get(nodes[0].base_url + "/readyz", timeout=5).json()
            return ready["details"]["mail"]["queued"] == 12 and any(
                httpx.get(n.base_url + "/readyz", timeout=5).json()["details"]["mail"]["last_error"] for n in nodes
            )

        await until(tried, 20, "a node trying the relay and reporting its error")
        sink.start()

        async def arrived() -> bool:
            return set(received_ids(sink)) >= set(ids)

        await until(arrived, 60, "every mail after the relay came back")
        await asyncio.sleep(2)  # a second sender, if there were one, would have sent them again by now
        assert received_ids(sink) == Counter({mid: 1 for mid in ids})
        leader = [n for n in nodes if delivered_here(n) > 0]
        assert len(leader) == 1, "one node sends, the other stands by"
        # The leader dies with -9: its lock goes with its connection; the other node takes over.
        leader[0].kill()
        later = await enqueue(database_url, settings, 5, "takeover")

        async def taken_over() -> bool:
            return set(received_ids(sink)) >= set(later)

        await until(taken_over, 60, "the standby sending after the leader died")
        await asyncio.sleep(2)
        counts = received_ids(sink)
        assert all(counts[mid] == 1 for mid in ids + later) and sum(counts.values()) == len(ids) + len(later)
        assert all(state == "sent" for state in (await states(database_url)).values())
    finally:
        for each in nodes:
            each.stop()


def children(pid: int) -> list[int]:
    """The live processes whose parent is `pid` (from /proc)."""
    found = []
    for entry in os.listdir("/proc"):
        if entry.isdigit():
            try:
                with open(f"/proc/{entry}/stat") as stat:
                    fields = stat.read().rsplit(")", 1)[1].split()
            except OSError:
                continue
            if int(fields[1]) == pid and fields[0] != "Z":
                found.append(int(entry))
    return found


def alive(pid: int) -> bool:
    try:
        with open(f"/proc/{pid}/stat") as stat:
            return stat.read().rsplit(")", 1)[1].split()[0] != "Z"
    except OSError:
        return False


async def test_the_mail_worker_process_sends_is_restarted_and_does_not_outlive_its_server(
    database_url, settings, sink, tmp_path
):
    sink.start()
    server = ServerProcess(
        database_url, tmp_path / "w", CITYBRIDGE_SMTP_URL=sink.url, CITYBRIDGE_MAIL_WORKER="process"
    ).start()
    try:

        async def one_worker() -> bool:
            return len(children(server.process.pid)) == 1

        await until(one_worker, 20, "serve starting its mail worker")
        (worker,) = children(server.process.pid)
        ids = await enqueue(database_url, settings, 6, "worker")

        async def arrived() -> bool:
            return set(received_ids(sink)) >= set(ids)

        await until(arrived, 60, "the worker sending the outbox")
        # The web server sent none of them: its /metrics counts no delivery, /readyz says who sends.
        assert delivered_here(server) == 0
        ready = httpx.get(server.base_url + "/readyz", timeout=5).json()
        assert ready["details"]["mail"]["sent_by"] == "the mail worker process"
        os.kill(worker, signal.SIGKILL)

        async def restarted() -> bool:
            return [pid for pid in children(server.process.pid) if pid != worker] != []

        await until(restarted, 30, "serve restarting its mail worker")
        (worker,) = children(server.process.pid)
        later = await enqueue(database_url, settings, 3, "restarted")

        async def later_arrived() -> bool:
            return set(received_ids(sink)) >= set(later)

        await until(later_arrived, 60, "the new worker sending")
        # serve killed with -9 cannot stop its worker: the worker notices and stops by itself.
        server.kill()

        async def gone() -> bool:
            return not alive(worker)

        await until(gone, 20, "the orphaned worker stopping")
    finally:
        server.stop()
