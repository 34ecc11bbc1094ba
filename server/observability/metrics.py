"""Prometheus metrics, served at /metrics.

Other parts of Citybridge import the instruments they feed from here, so every
metric name lives in one place:

- realtime: ``OPEN_WEBSOCKETS.inc()`` / ``.dec()`` around a connection, and
  ``EVENTS_FANNED_OUT.inc(n)`` for each event frame sent to sockets;
- search: ``INDEXER_LAG.set(events_behind)`` as the indexer advances, and
  ``with SEARCH_LATENCY.time(): ...`` around a query.

Each node exposes its own numbers; Prometheus scrapes every node and sums.
"""

from __future__ import annotations

import functools

from prometheus_client import CONTENT_TYPE_LATEST, REGISTRY, Counter, Gauge, Histogram, generate_latest

LATENCY_BUCKETS = (0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1.0, 2.5, 5.0, 10.0)

HTTP_REQUESTS = Counter(
    "citybridge_http_requests_total",
    "HTTP requests answered, by route template and status.",
    ["method", "route", "status"],
)
HTTP_LATENCY = Histogram(
    "citybridge_http_request_duration_seconds",
    "Time to answer an HTTP request, by route template.",
    ["method", "route"],
    buckets=LATENCY_BUCKETS,
)


@functools.lru_cache(maxsize=4096)  # the label sets are few by design (route templates)
def _request_series(method: str, route: str, status: int):
    return HTTP_REQUESTS.labels(method, route, str(status)), HTTP_LATENCY.labels(method, route)


def count_request(method: str, route: str, status: int, seconds: float) -> None:
    """One answered request: counted by route template and status, timed by route template. The
    series are looked up once per label set (labels() takes a lock and builds a key every time)."""
    requests, latency = _request_series(method, route, status)
    requests.inc()
    latency.observe(seconds)


HTTP_IN_FLIGHT = Gauge("citybridge_http_requests_in_flight", "HTTP requests being answered now.")
OPEN_WEBSOCKETS = Gauge("citybridge_websockets_open", "Websocket connections open on this node.")
EVENTS_FANNED_OUT = Counter(
    "citybridge_events_fanned_out_total",
    "Change-log events sent to websocket clients by this node.",
)
INDEXER_LAG = Gauge(
    "citybridge_indexer_lag_events",
    "Change-log events not yet applied to the search engine.",
)
SEARCH_LATENCY = Histogram(
    "citybridge_search_duration_seconds",
    "Time to answer a search query.",
    buckets=LATENCY_BUCKETS,
)
RATE_LIMITED = Counter(
    "citybridge_rate_limited_total",
    "Requests refused with 429, by action.",
    ["action"],
)
CREDENTIAL_LOOKUPS = Counter(
    "citybridge_credential_lookups_total",
    "Sessions and API tokens looked up, by whether this node's cache held them (hit) or not (miss).",
    ["result"],
)
DATABASE_UNAVAILABLE = Counter(
    "citybridge_database_unavailable_total",
    "Requests answered 503 because the database could not be reached.",
)


def exposition() -> tuple[bytes, str]:
    """The current metrics in the Prometheus text format, and its content type."""
    return generate_latest(REGISTRY), CONTENT_TYPE_LATEST
