"""Search benchmark (not a test): a multilingual corpus, indexed through the real indexer, queried
through the engine, through GET /api/search, and with PostgreSQL full-text search as the baseline.

    pip install -e '.[bench]'
    python bench/search.py --docs 1000000        # the issue's size; --docs 100000 for a quick run

Everything runs on this machine: an embedded PostgreSQL and the app under uvicorn in a
temporary directory, both removed at the end.
"""

from __future__ import annotations

import argparse
import asyncio
import bisect
import html
import itertools
import json
import os
import random
import statistics
import sys
import tempfile
import time
from dataclasses import replace
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

import asyncpg
import httpx
from wordfreq import top_n_list, word_frequency

from search import text
from search import vocabulary as vocabularies
from search.engine import Request
from search.engines.tantivy import TantivyEngine
from search.indexer import Indexer, index_name
from server.db.engine import asyncpg_dsn

LANGS = {"en": 0.40, "fr": 0.18, "es": 0.17, "nl": 0.10, "de": 0.10, "vi": 0.05}
PG_CONFIG = {"en": "english", "fr": "french", "es": "spanish", "nl": "dutch", "de": "german", "vi": "simple"}
VOCABULARY = 30_000


class Vocabulary:
    """Words of one language with their real frequencies: sampling follows Zipf's law."""

    def __init__(self, lang: str) -> None:
        self.words = [w for w in top_n_list(lang, VOCABULARY) if w.isalpha()]
        weights = [word_frequency(w, lang) for w in self.words]
        self.cumulative = list(itertools.accumulate(weights))

    def sample(self, rng: random.Random, n: int) -> list[str]:
        total = self.cumulative[-1]
        return [self.words[bisect.bisect(self.cumulative, rng.random() * total)] for _ in range(n)]


def percentile(values: list[float], p: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, int(round(p / 100 * (len(ordered) - 1))))]


def summary(values: list[float]) -> str:
    p50, p95, mean = percentile(values, 50), percentile(values, 95), statistics.mean(values)
    return f"p50 {p50:7.2f} ms   p95 {p95:7.2f} ms   mean {mean:7.2f} ms"


async def build_corpus(conn, docs: int, spaces: int, rng: random.Random, vocab: dict) -> dict[int, str]:
    """Cities, spaces, users, threads and `docs` messages, each with its message.created event."""
    print(f"corpus: {docs:,} messages over {spaces} spaces …", flush=True)
    started = time.perf_counter()
    await conn.execute(
        "INSERT INTO cities (name, country, region, languages, profile, description) "
        "SELECT 'City ' || i, 'Country', '', '{}', CASE WHEN i % 2 = 0 THEN 'traditional' "
        "ELSE 'newer' END, '' FROM generate_series(1, $1) i",
        spaces * 2,
    )
    await conn.execute(
        "INSERT INTO spaces (name, description, themes, visibility) SELECT 'Space ' || i, '', "
        "ARRAY['housing'], 'members' FROM generate_series(1, $1) i",
        spaces,
    )
    await conn.execute(
        "INSERT INTO space_cities (space_id, city_id) SELECT i, 2 * i - 1 FROM generate_series(1, $1) i "
        "UNION ALL SELECT i, 2 * i FROM generate_series(1, $1) i",
        spaces,
    )
    await conn.execute(
        "INSERT INTO users (email, name, handle, password_hash, position, languages, locale, is_admin) "
        "SELECT 'u' || i || '@bench.test', 'User ' || i, 'u' || i, 'x', '', '{}', 'en', false "
        "FROM generate_series(1, 200) i"
    )
    threads = max(spaces, docs // 25)
    thread_lang = {t: rng.choices(list(LANGS), weights=list(LANGS.values()))[0] for t in range(1, threads + 1)}
    await conn.copy_records_to_table(
        "threads",
        columns=["space_id", "title", "themes", "author_id", "pinned", "locked"],
        records=[
            (
                (t - 1) % spaces + 1,
                " ".join(vocab[thread_lang[t]].sample(rng, rng.randint(3, 7))).capitalize(),
                [],
                rng.randint(1, 200),
                False,
                False,
            )
            for t in range(1, threads + 1)
        ],
    )
    languages: dict[int, str] = {}
    batch = 50_000
    for start in range(1, docs + 1, batch):
        rows = []
        for m in range(start, min(docs, start + batch - 1) + 1):
            thread = rng.randint(1, threads)
            lang = thread_lang[thread]
            words = " ".join(vocab[lang].sample(rng, rng.randint(8, 40)))
            languages[m] = lang
            rows.append(((thread - 1) % spaces + 1, thread, rng.randint(1, 200), words, f"<p>{html.escape(words)}</p>"))
        # Without the commit-time touch of each message's thread (migration 0033): a bulk load would
        # queue a deferred trigger, and an UPDATE of its thread, per row.
        async with conn.transaction():
            await conn.execute("SET LOCAL session_replication_role = replica")
            await conn.copy_records_to_table(
                "messages", columns=["space_id", "thread_id", "author_id", "body", "html"], records=rows
            )
    # Ids of their own: a bulk load skips the commit-time numbering of changelog.record's events
    # (migration 0032), which would queue a deferred trigger per row.
    await conn.execute(
        "INSERT INTO events (id, space_id, kind, data) SELECT nextval('events_id_seq'), space_id, 'thread.created', "
        "jsonb_build_object('id', id) FROM threads ORDER BY id"
    )
    await conn.execute(
        "INSERT INTO events (id, space_id, kind, data) SELECT nextval('events_id_seq'), space_id, 'message.created', "
        "jsonb_build_object('id', id) FROM messages ORDER BY id"
    )
    # The mail notifier starts past the bulk load, as on a database where these were mailed long ago:
    # the events carry only their row's id, not the payload a real message.created event has, and a
    # notifier retrying on them would run beside the timed queries.
    await conn.execute(
        "INSERT INTO mail_notifier_state (name, position) SELECT 'notifier', max(id) FROM events "
        "ON CONFLICT (name) DO UPDATE SET position = excluded.position"
    )
    print(f"corpus built in {time.perf_counter() - started:.0f}s", flush=True)
    return languages


def make_queries(rng: random.Random, vocab: dict, n: int) -> list[str]:
    """1-3 words of one language: each a common word (the 300 most frequent, stop words included: what
    makes a ranked any-word query expensive) a third of the time, else a mid-frequency one (ranks
    300-5,000)."""
    queries = []
    for _ in range(n):
        lang = rng.choices(list(LANGS), weights=list(LANGS.values()))[0]
        words = vocab[lang].words
        picked: list[str] = []
        for _ in range(rng.choice([1, 1, 2, 2, 3])):
            pool = words[:300] if rng.random() < 1 / 3 else words[300:5000]
            word = rng.choice(pool)
            if word not in picked:
                picked.append(word)
        queries.append(" ".join(picked))
    return queries


async def index_through_indexer(engine: TantivyEngine, url: str, total_docs: int) -> float:
    conn = await asyncpg.connect(asyncpg_dsn(url))
    try:
        await conn.execute(
            "INSERT INTO search_indexer_state (name, position, generation) VALUES ($1, 0, $2)",
            index_name(engine),
            await engine.generation(),
        )
        indexer = Indexer(engine, url, batch=20_000)
        newest = await conn.fetchval("SELECT max(id) FROM events")
        started = time.perf_counter()
        while indexer.read_upto < newest:
            await indexer.step(conn)
        elapsed = time.perf_counter() - started
    finally:
        await conn.close()
    rate = total_docs / elapsed
    print(f"indexed {total_docs:,} documents through the indexer in {elapsed:.1f}s: {rate:,.0f} docs/s", flush=True)
    return rate


async def time_engine(engine: TantivyEngine, queries: list[str], readable: list[int]) -> list[float]:
    times = []
    for q in queries:
        started = time.perf_counter()
        await engine.search(Request(text.parse(q), readable, limit=20))
        times.append((time.perf_counter() - started) * 1000)
    return times


async def time_api(base_url: str, token: str, queries: list[str]) -> tuple[list[float], int]:
    times, found, estimated = [], 0, 0
    async with httpx.AsyncClient(base_url=base_url, headers={"Authorization": f"Bearer {token}"}) as client:
        for q in queries[:5]:
            await client.get("/api/search", params={"q": q})  # warm up connections
        for q in queries:
            started = time.perf_counter()
            response = await client.get("/api/search", params={"q": q})
            times.append((time.perf_counter() - started) * 1000)
            response.raise_for_status()
            answer = response.json()
            found += answer["total"] > 0
            estimated += bool(answer.get("total_is_estimate"))
    print(f"{estimated}/{len(queries)} answers gave an estimated total", flush=True)
    return times, found


async def time_floor(base_url: str, token: str, n: int) -> list[float]:
    """GET /api/me with the same token: what any authenticated request costs here, search or not."""
    times = []
    async with httpx.AsyncClient(base_url=base_url, headers={"Authorization": f"Bearer {token}"}) as client:
        for _ in range(5):
            await client.get("/api/me")
        for _ in range(n):
            started = time.perf_counter()
            (await client.get("/api/me")).raise_for_status()
            times.append((time.perf_counter() - started) * 1000)
    return times


async def postgres_baseline(conn, queries: list[str], readable: list[int]) -> dict[str, list[float]]:
    print("PostgreSQL baseline: tsvector column and GIN index …", flush=True)
    started = time.perf_counter()
    await conn.execute("CREATE TABLE bench_fts AS SELECT id, space_id, body FROM messages")
    await conn.execute("""ALTER TABLE bench_fts ADD COLUMN tsv tsvector""")
    await conn.execute("UPDATE bench_fts SET tsv = to_tsvector('simple', body)")
    await conn.execute("CREATE INDEX bench_fts_tsv ON bench_fts USING gin (tsv)")
    await conn.execute("ANALYZE bench_fts")
    print(f"tsvector + GIN built in {time.perf_counter() - started:.0f}s", flush=True)
    results: dict[str, list[float]] = {}
    for label, joiner in (("any word (OR)", " | "), ("all words (AND)", " & ")):
        times = []
        for q in queries:
            tsquery = joiner.join(text.fold(w) for w in q.split())
            started = time.perf_counter()
            await conn.fetch(
                """SELECT id, ts_rank_cd(tsv, query) AS rank
                                FROM bench_fts, to_tsquery('simple', $1) query
                                WHERE tsv @@ query AND space_id = ANY($2::int[])
                                ORDER BY rank DESC LIMIT 20""",
                tsquery,
                readable,
            )
            times.append((time.perf_counter() - started) * 1000)
        results[label] = times
    return results


async def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--docs", type=int, default=1_000_000, help="messages in the corpus")
    parser.add_argument("--spaces", type=int, default=100)
    parser.add_argument("--readable", type=int, default=30, help="spaces the searching user may read")
    parser.add_argument("--queries", type=int, default=300)
    parser.add_argument("--seed", type=int, default=7)
    args = parser.parse_args()
    rng = random.Random(args.seed)

    from server.config import load_settings
    from server.db import embedded, migrate
    from tests.harness import ServerThread

    workdir = Path(tempfile.mkdtemp(prefix="citybridge-bench-"))
    print(f"working in {workdir}", flush=True)
    url = embedded.start(workdir)
    await migrate.upgrade_async(url)
    conn = await asyncpg.connect(asyncpg_dsn(url))
    vocab = {lang: Vocabulary(lang) for lang in LANGS}
    await build_corpus(conn, args.docs, args.spaces, rng, vocab)
    queries = make_queries(rng, vocab, args.queries)
    readable = sorted(rng.sample(range(1, args.spaces + 1), args.readable))

    engine = TantivyEngine(workdir / "search")
    await engine.open()
    threads = await conn.fetchval("SELECT count(*) FROM threads")
    rate = await index_through_indexer(engine, url, args.docs + threads)
    # Queries are timed on a settled system, as a server sees them between bursts: tantivy's merges of
    # the new segments finished, and the bulk-loaded tables vacuumed and analysed. Run while the
    # queries are timed, either took the second core and skewed every figure below.
    await engine.close()  # waits for the merge threads; the next write opens a new writer
    await conn.execute("VACUUM ANALYZE")
    print(f"load average before the engine queries: {os.getloadavg()[0]:.2f}", flush=True)
    engine_times = await time_engine(engine, queries, readable)
    # The same queries without the domain vocabulary: what its expansion costs (search/vocabulary.py).
    shipped = engine.vocabulary
    await engine.use_vocabulary(vocabularies.Vocabulary([]))
    bare_times = await time_engine(engine, queries, readable)
    await engine.use_vocabulary(shipped)
    await engine.close()

    # The real app on the same database and index; a user who is a member of `readable` spaces.
    os.environ.setdefault("CITYBRIDGE_SECRET_KEY", "bench-secret-key-" + "x" * 32)
    os.environ["CITYBRIDGE_DATA"] = str(workdir)
    # One user sends every query: limits high enough never to refuse, but still counted, as in production.
    settings = replace(
        load_settings(),
        argon2_memory_kib=1024,
        argon2_time_cost=1,
        rate_limits={**load_settings().rate_limits, "search": 10**9, "suggest": 10**9},
    )
    from server.auth import passwords

    passwords.configure(1024, 1)
    await conn.execute(
        "UPDATE users SET password_hash = $1 WHERE id = 1", await passwords.hash_password("bench password")
    )
    await conn.executemany(
        "INSERT INTO memberships (space_id, user_id, role, state) VALUES ($1, 1, 'member', 'active')",
        [(s,) for s in readable],
    )
    server = ServerThread(settings, url).start()
    try:
        async with httpx.AsyncClient(base_url=server.base_url) as client:
            signed = await client.post("/api/session", json={"email": "u1@bench.test", "password": "bench password"})
            signed.raise_for_status()
            token = (
                await client.post(
                    "/api/tokens", json={"name": "bench"}, headers={"X-CSRF-Token": signed.json()["csrf_token"]}
                )
            ).json()["token"]
        print(f"load average before the API queries: {os.getloadavg()[0]:.2f}", flush=True)
        api_times, found = await time_api(server.base_url, token, queries)
        floor_times = await time_floor(server.base_url, token, len(queries))
    finally:
        server.stop()

    baseline = await postgres_baseline(conn, queries, readable)
    await conn.close()

    print()
    print(f"load average (1, 5, 15 min) at the end: {' '.join(f'{x:.2f}' for x in os.getloadavg())}")
    print(
        f"corpus: {args.docs:,} messages + {threads:,} threads, {args.spaces} spaces, languages "
        f"{', '.join(LANGS)}; {len(queries)} queries of 1-3 words; the user reads {args.readable} spaces"
    )
    print(f"indexing through the indexer:          {rate:,.0f} docs/s")
    print(f"tantivy engine (filter, facets):      {summary(engine_times)}   ({len(shipped)} concepts)")
    print(f"  the same, no vocabulary:            {summary(bare_times)}")
    print(f"GET /api/search (permission filter):  {summary(api_times)}   ({found}/{len(queries)} queries found hits)")
    print(f"GET /api/me (same auth, no search):   {summary(floor_times)}")
    for label, times in baseline.items():
        print(f"PostgreSQL ts_rank_cd, {label:<15}{summary(times)}")
    any_word = baseline["any word (OR)"]
    print(
        f"p95 ratio PostgreSQL any-word / GET /api/search: {percentile(any_word, 95) / percentile(api_times, 95):.1f}x;"
        f" / engine: {percentile(any_word, 95) / percentile(engine_times, 95):.1f}x"
    )
    print(
        json.dumps(
            {
                "docs": args.docs,
                "docs_per_s": round(rate),
                "engine_p95_ms": percentile(engine_times, 95),
                "api_p95_ms": percentile(api_times, 95),
                "api_floor_p95_ms": percentile(floor_times, 95),
                "pg_any_p95_ms": percentile(any_word, 95),
            }
        )
    )
    embedded.stop(workdir)
    import shutil

    shutil.rmtree(workdir, ignore_errors=True)  # as the docstring promises: nothing left behind


if __name__ == "__main__":
    asyncio.run(main())
