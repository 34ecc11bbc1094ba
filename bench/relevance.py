"""Search relevance benchmark (not a test): the judged queries of tests/relevance/judged.json run against

  (a) the embedded engine (search.engines.tantivy.TantivyEngine) with the shipped vocabulary
      (search.vocabulary.default()), as Citybridge runs it;
  (b) the same engine with an empty vocabulary: the in-run baseline showing what the vocabulary adds;
  (c) PostgreSQL full-text search, as Discourse and Zulip do it: one table holding each readable
      document with a tsvector over title and body, built with the document language's text search
      configuration when PostgreSQL has one (english, french, spanish, dutch, german, portuguese,
      italian) and 'simple' otherwise (Polish, Thai, Vietnamese, Chinese, Arabic), under a GIN index.
      The searcher's language is unknown, so the query goes through websearch_to_tsquery with every
      configuration the corpus uses (the seven above and 'simple'); a document matches when it
      matches any of them and is ranked by its best ts_rank_cd, limit 10. No unaccent, no trigram
      typo matching, no thesaurus: what those products ship by default.

Documents of space 2 are indexed (the engines) or stored (PostgreSQL) but every search reads space 1
only, as a user who is not a member of space 2; a returned space-2 key is counted and reported.

Figures per query category and overall: MRR@10 (1/rank of the first relevant hit in the top 10, else
0), recall@10 (relevant hits in the top 10 / min(relevant, 10)) and the share of queries answered with
no hit at all.

    python bench/relevance.py            # a table; --json for the figures as JSON

Everything runs on this machine: the indexes and an embedded PostgreSQL in a temporary directory,
removed at the end.
"""

from __future__ import annotations

import argparse
import asyncio
import json
import sys
import tempfile
import time
from collections.abc import Awaitable, Callable
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from search import text
from search import vocabulary as vocabularies
from search.engine import Document, Request
from search.engines.tantivy import TantivyEngine

JUDGED = Path(__file__).resolve().parent.parent / "tests" / "relevance" / "judged.json"
CATEGORIES = ("exact", "word_forms", "typos", "accents", "partial", "synonyms", "cross_language", "unbroken_script")
K = 10
READABLE = [1]
# PostgreSQL's text search configurations bear the Snowball names the embedded engine stems with.
PG_CONFIG = text.STEMMED
KINDS = {"message": "message", "thread": "thread", "resource": "practice"}  # the engine's kinds

Search = Callable[[str], Awaitable[list[str]]]


def load(path: Path = JUDGED) -> dict:
    return json.loads(Path(path).read_text(encoding="utf-8"))


def documents(judged: dict) -> list[Document]:
    """The judged documents as the engine indexes them."""
    out = []
    for d in judged["documents"]:
        prefix, number = d["key"].split(":")
        out.append(
            Document(
                key=d["key"],
                kind=KINDS[prefix],
                id=int(number),
                space_id=d["space"],
                city_ids=[],
                profiles=[],
                themes=[],
                lang=d["lang"],
                author_id=1,
                author_name="x",
                date=1_700_000_000_000,
                title=d["title"],
                body=d["body"],
            )
        )
    return out


def unreadable(judged: dict) -> set[str]:
    return {d["key"] for d in judged["documents"] if d["space"] not in READABLE}


def score(judged: dict, answers: dict[str, list[str]]) -> dict:
    """Per category and overall: MRR@10, recall@10, share of queries with no hit, queries; plus the
    space-2 keys returned (they must never be)."""
    hidden = unreadable(judged)
    rows: dict[str, list[tuple[float, float, bool]]] = {}
    leaked: list[str] = []
    for query in judged["queries"]:
        got = answers[query["q"]][:K]
        leaked += [key for key in got if key in hidden]
        relevant = set(query["relevant"])
        rank = next((i for i, key in enumerate(got, start=1) if key in relevant), None)
        row = (1 / rank if rank else 0.0, len(relevant & set(got)) / min(len(relevant), K), not got)
        rows.setdefault(query["category"], []).append(row)
        rows.setdefault("overall", []).append(row)
    figures = {}
    for category in (*CATEGORIES, "overall"):
        values = rows.get(category, [])
        n = len(values) or 1
        figures[category] = {
            "mrr": sum(v[0] for v in values) / n,
            "recall": sum(v[1] for v in values) / n,
            "no_result": sum(v[2] for v in values) / n,
            "queries": len(values),
        }
    return {"figures": figures, "leaked": sorted(set(leaked))}


async def run_queries(judged: dict, search: Search) -> dict[str, list[str]]:
    return {query["q"]: await search(query["q"]) for query in judged["queries"]}


async def engine_answers(judged: dict, root: Path, vocabulary: vocabularies.Vocabulary) -> dict[str, list[str]]:
    """Index the judged documents in a fresh embedded engine and answer every judged query."""
    engine = TantivyEngine(root, heap_bytes=15_000_000, vocabulary=vocabulary)
    await engine.open()
    try:
        await engine.upsert(documents(judged))

        async def search(q: str) -> list[str]:
            result = await engine.search(Request(text.parse(q), READABLE, limit=K))
            return [hit.document["key"] for hit in result.hits]

        return await run_queries(judged, search)
    finally:
        await engine.close()


async def postgres_answers(judged: dict, dsn: str) -> dict[str, list[str]]:
    import asyncpg

    conn = await asyncpg.connect(dsn)
    try:
        available = {r["cfgname"] for r in await conn.fetch("SELECT cfgname FROM pg_ts_config")}
        configs = {lang: cfg for lang, cfg in PG_CONFIG.items() if cfg in available}
        await conn.execute("DROP TABLE IF EXISTS bench_relevance")
        await conn.execute(
            "CREATE TABLE bench_relevance (key text PRIMARY KEY, space_id int, cfg regconfig, "
            "title text, body text, tsv tsvector)"
        )
        await conn.executemany(
            "INSERT INTO bench_relevance (key, space_id, cfg, title, body) "
            "VALUES ($1, $2, $3::text::regconfig, $4, $5)",
            [
                (d["key"], d["space"], configs.get(d["lang"], "simple"), d["title"], d["body"])
                for d in judged["documents"]
            ],
        )
        await conn.execute("UPDATE bench_relevance SET tsv = to_tsvector(cfg, title || ' ' || body)")
        await conn.execute("CREATE INDEX bench_relevance_tsv ON bench_relevance USING gin (tsv)")
        await conn.execute("ANALYZE bench_relevance")
        every = sorted(set(configs.values()) | {"simple"})

        async def search(q: str) -> list[str]:
            rows = await conn.fetch(
                """SELECT key, max(ts_rank_cd(tsv, query)) AS rank
                     FROM bench_relevance, unnest($2::text[]) configs(name),
                          websearch_to_tsquery(configs.name::regconfig, $1) query
                    WHERE tsv @@ query AND space_id = ANY($3::int[])
                    GROUP BY key ORDER BY rank DESC, key LIMIT $4""",
                q,
                every,
                READABLE,
                K,
            )
            return [r["key"] for r in rows]

        answers = await run_queries(judged, search)
        await conn.execute("DROP TABLE bench_relevance")
        return answers
    finally:
        await conn.close()


SYSTEMS = (
    ("citybridge", "Citybridge (tantivy + vocabulary)"),
    ("no_vocabulary", "tantivy, empty vocabulary"),
    ("postgresql", "PostgreSQL full-text"),
)


async def measure(judged: dict, postgres: bool = True) -> dict:
    """Every system's figures: {system: {"figures": ..., "leaked": [...], "seconds": ...}}."""
    out = {}
    with tempfile.TemporaryDirectory(prefix="citybridge-relevance-") as tmp:
        root = Path(tmp)
        for name, vocabulary in (
            ("citybridge", vocabularies.default()),
            ("no_vocabulary", vocabularies.Vocabulary([])),
        ):
            started = time.perf_counter()
            answers = await engine_answers(judged, root / name, vocabulary)
            out[name] = {**score(judged, answers), "seconds": time.perf_counter() - started, "answers": answers}
        if postgres:
            from server.db import embedded
            from server.db.engine import asyncpg_dsn
            from tests.harness import start_database

            started = time.perf_counter()
            url = await asyncio.to_thread(start_database, root / "pg")
            try:
                answers = await postgres_answers(judged, asyncpg_dsn(url))
            finally:
                await asyncio.to_thread(embedded.stop, root / "pg")
            out["postgresql"] = {**score(judged, answers), "seconds": time.perf_counter() - started, "answers": answers}
    return out


def table(results: dict) -> str:
    lines = []
    header = f"{'category':<16}{'n':>4}  " + "  ".join(f"{label:^28}" for name, label in SYSTEMS if name in results)
    sub = f"{'':<16}{'':>4}  " + "  ".join(f"{'MRR@10':>8}{'R@10':>9}{'none':>9}  " for n, _ in SYSTEMS if n in results)
    lines += [header, sub.rstrip()]
    any_system = next(iter(results.values()))
    for category in (*CATEGORIES, "overall"):
        if category == "overall":
            lines.append("-" * len(header))
        n = any_system["figures"][category]["queries"]
        cells = []
        for name, _ in SYSTEMS:
            if name in results:
                f = results[name]["figures"][category]
                cells.append(f"{f['mrr']:8.3f}{f['recall']:9.3f}{f['no_result'] * 100:8.0f}%  ")
        lines.append(f"{category:<16}{n:>4}  " + "  ".join(cells).rstrip())
    for name, label in SYSTEMS:
        if name in results:
            leaked = results[name]["leaked"]
            lines.append(
                f"{label}: {results[name]['seconds']:.1f}s; space-2 documents returned: {', '.join(leaked) or 'none'}"
            )
    overall = {name: r["figures"]["overall"]["mrr"] for name, r in results.items()}
    ratios = []
    for other in ("postgresql", "no_vocabulary"):
        if other in overall:
            ratio = overall["citybridge"] / overall[other] if overall[other] else float("inf")
            ratios.append(f"{ratio:.2f}x {dict(SYSTEMS)[other]} ({overall[other]:.3f})")
    lines.append(f"Citybridge overall MRR@10 {overall['citybridge']:.3f} = " + ", ".join(ratios))
    return "\n".join(lines)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--json", action="store_true", help="print the figures as JSON")
    parser.add_argument("--no-postgres", action="store_true", help="skip the PostgreSQL baseline")
    parser.add_argument("--misses", action="store_true", help="list each system's queries with MRR below 1")
    args = parser.parse_args()
    judged = load()
    results = asyncio.run(measure(judged, postgres=not args.no_postgres))
    if args.json:
        print(
            json.dumps(
                {name: {k: v for k, v in r.items() if k != "answers"} for name, r in results.items()},
                indent=1,
            )
        )
        return
    print(
        f"{len(judged['queries'])} judged queries over {len(judged['documents'])} documents "
        f"(readable: space {READABLE}), top {K}"
    )
    print(table(results))
    if args.misses:
        for name, r in results.items():
            print(f"\n{name}:")
            for query in judged["queries"]:
                got = r["answers"][query["q"]][:K]
                relevant = query["relevant"]
                if not got or got[0] not in relevant:
                    found = [i + 1 for i, key in enumerate(got) if key in relevant]
                    print(f"  [{query['category']}] {query['q']!r}: relevant at {found}, {len(got)} hits")


if __name__ == "__main__":
    main()
