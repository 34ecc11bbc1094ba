"""The embedded engine's facet counts, and the pool that computes them beside the top hits.

tantivy lets go of the GIL while it searches, so a search's facet aggregation runs on a thread of
this pool while the top hits are ranked on the search's own: the two passes over the query overlap
on two cores (docs/search.md).
"""

from __future__ import annotations

import threading
from concurrent.futures import Future, ThreadPoolExecutor

import tantivy

from search.engines.tantivy_schema import FACET_FIELDS, FACET_KEYS, rounded_estimate

POOL_THREADS = 4  # facet passes at once in a process; more wait for a thread (the search still answers)

_pool: ThreadPoolExecutor | None = None
_pool_lock = threading.Lock()


def submit(searcher, query: tantivy.Query, names: tuple[str, ...]) -> Future:
    """counts() of `query`, started now on the pool. Made on first use, so that a process started
    by `serve --workers` makes its own threads after it starts."""
    global _pool
    if _pool is None:
        with _pool_lock:
            if _pool is None:
                _pool = ThreadPoolExecutor(max_workers=POOL_THREADS, thread_name_prefix="search-facets")
    return _pool.submit(counts, searcher, query, names)


def rounded(total: int, facets: dict[str, dict[str, int]]) -> tuple[int, dict[str, dict[str, int]]]:
    """Figures past the exact limit, to two significant digits (a value seen counts at least 1)."""
    return rounded_estimate(total), {
        name: {value: max(1, rounded_estimate(count)) for value, count in values.items()}
        for name, values in facets.items()
    }


def counts(searcher, query: tantivy.Query, names: tuple[str, ...]) -> tuple[int, dict]:
    """The total and the facet counts of `query` in one pass over its documents: a terms
    aggregation on `facet_key`, which holds every facet value of a document, split here. When the
    distinct keys outnumber the buckets asked for, one terms aggregation per facet instead."""
    aggregated = searcher.aggregate(
        query, {"keys": {"terms": {"field": "facet_key", "size": FACET_KEYS, "segment_size": FACET_KEYS}}}
    )["keys"]
    facets: dict[str, dict[str, int]] = {name: {} for name in names}
    if aggregated.get("sum_other_doc_count", 0):
        spec = {name: {"terms": {"field": name, "size": 10_000}} for name in names}
        spec["total"] = {"value_count": {"field": "id"}}
        exact = searcher.aggregate(query, spec)
        for name in names:
            facets[name] = {str(b["key"]): b["doc_count"] for b in exact[name]["buckets"]}
        return int(exact["total"]["value"]), facets
    total = 0
    for bucket in aggregated["buckets"]:
        count = bucket["doc_count"]
        total += count
        for name, values in zip(FACET_FIELDS, bucket["key"].split("\x1f"), strict=False):
            if name in facets and values:
                into = facets[name]
                for value in values.split("\x1e"):
                    into[value] = into.get(value, 0) + count
    return total, {
        name: dict(sorted(values.items(), key=lambda kv: (-kv[1], kv[0]))) for name, values in facets.items()
    }
