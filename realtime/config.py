"""Realtime knobs, read from the environment (documented in docs/realtime.md)."""

from __future__ import annotations

import os
from dataclasses import dataclass


def _number(name: str, default: float) -> float:
    raw = os.environ.get(name)
    return float(raw) if raw not in (None, "") else default


@dataclass(frozen=True)
class RealtimeSettings:
    queue_frames: int = 1000  # outgoing frames a socket may have waiting before it is closed (4008)
    max_frame_bytes: int = 64 * 1024  # larger client frames close the socket (1009)
    max_subscriptions: int = 500
    rate_per_second: float = 20.0  # client frames per second, sustained
    rate_burst: int = 60
    flood_limit: int = 100  # frames refused in a row before the socket is closed (1008)
    replay_page: int = 500
    buffer_limit: int = 2000  # live events held for a socket that is still replaying
    fanout_slice: int = 128  # sockets served before yielding to the event loop
    typing_ttl: float = 6.0
    typing_throttle: float = 2.0
    presence_interval: float = 15.0
    retention_days: float = 30.0
    prune_interval: float = 3600.0  # seconds between change-log prunes (one node at a time); 0: never
    recent_events: int = 256  # latest events kept in memory per followed stream (resume without a query)
    stream_linger: float = 120.0  # seconds a stream stays followed after its last subscriber left
    loop_monitor: bool = False
    gc_freeze_interval: float = 1.0  # seconds between moving survivors out of the collector's way; 0: off
    gc_full_interval: float = 900.0  # seconds between full collections (cycles among frozen objects)

    @property
    def presence_ttl(self) -> float:
        return self.presence_interval * 3


def load_realtime_settings() -> RealtimeSettings:
    return RealtimeSettings(
        queue_frames=int(_number("CITYBRIDGE_WS_QUEUE_FRAMES", 1000)),
        max_frame_bytes=int(_number("CITYBRIDGE_WS_MAX_FRAME_BYTES", 64 * 1024)),
        rate_per_second=_number("CITYBRIDGE_WS_RATE", 20.0),
        rate_burst=int(_number("CITYBRIDGE_WS_BURST", 60)),
        presence_interval=_number("CITYBRIDGE_PRESENCE_INTERVAL", 15.0),
        retention_days=_number("CITYBRIDGE_EVENT_RETENTION_DAYS", 30.0),
        prune_interval=_number("CITYBRIDGE_EVENT_PRUNE_INTERVAL", 3600.0),
        gc_freeze_interval=_number("CITYBRIDGE_GC_FREEZE_INTERVAL", 1.0),
        gc_full_interval=_number("CITYBRIDGE_GC_FULL_INTERVAL", 900.0),
        loop_monitor=os.environ.get("CITYBRIDGE_LOOP_MONITOR", "") not in ("", "0"),
    )
