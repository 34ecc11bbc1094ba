"""The outbox in /metrics (each node reports what it last read from the shared outbox table)."""

from __future__ import annotations

from prometheus_client import Counter, Gauge

QUEUED = Gauge("citybridge_mail_queued", "Mails waiting in the outbox.")
FAILED = Gauge("citybridge_mail_failed", "Mails given up on (refused for good or too many attempts).")
OLDEST = Gauge("citybridge_mail_oldest_queued_seconds", "Age of the oldest mail waiting in the outbox.")
SENT_TOTAL = Gauge("citybridge_mail_sent", "Mails the relay accepted (all nodes, from the outbox table).")
SENT = Counter("citybridge_mail_delivered", "Mails this node handed to the relay (250).")
RELAY_ERRORS = Counter(
    "citybridge_mail_relay_errors", "Times this node's sender found the relay unreachable or deferring (4xx)."
)


def update(stats: dict) -> None:
    QUEUED.set(stats["queued"])
    FAILED.set(stats["failed"])
    OLDEST.set(stats["oldest_queued_seconds"])
    SENT_TOTAL.set(stats["sent"])
