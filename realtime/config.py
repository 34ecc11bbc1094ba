"""Realtime knobs, read from the environment (documented in docs/realtime.md and docs/settings.md)."""

from __future__ import annotations

from dataclasses import dataclass

from server.config import flag, from_environment, setting


@dataclass(frozen=True)
class RealtimeSettings:
    queue_frames: int = setting(
        "CITYBRIDGE_WS_QUEUE_FRAMES", 1000, "outgoing frames a socket may have waiting before it is closed (4008)"
    )
    max_frame_bytes: int = setting(
        "CITYBRIDGE_WS_MAX_FRAME_BYTES", 64 * 1024, "larger client frames close the socket (1009)"
    )
    max_subscriptions: int = 500
    rate_per_second: float = setting(
        "CITYBRIDGE_WS_RATE", 20.0, "client frames per second a socket may send, sustained", parse=float
    )
    rate_burst: int = setting("CITYBRIDGE_WS_BURST", 60, "client frames a socket may send in a burst")
    flood_limit: int = 100  # frames refused in a row before the socket is closed (1008)
    replay_page: int = 500
    buffer_limit: int = 2000  # live events held for a socket that is still replaying
    fanout_slice: int = 128  # sockets served before yielding to the event loop
    typing_ttl: float = 6.0
    typing_throttle: float = 2.0
    presence_interval: float = setting(
        "CITYBRIDGE_PRESENCE_INTERVAL", 15.0, "seconds between presence heartbeats", parse=float
    )
    retention_days: float = setting(
        "CITYBRIDGE_EVENT_RETENTION_DAYS", 30.0, "days the change log keeps events for resume", parse=float
    )
    prune_interval: float = setting(
        "CITYBRIDGE_EVENT_PRUNE_INTERVAL",
        3600.0,
        "seconds between change-log prunes (one node at a time); 0: never",
        parse=float,
    )
    recent_events: int = 256  # latest events kept in memory per followed stream (resume without a query)
    stream_linger: float = 120.0  # seconds a stream stays followed after its last subscriber left
    loop_monitor: bool = setting(
        "CITYBRIDGE_LOOP_MONITOR", False, "log event-loop stalls and the longest GC pause", parse=flag
    )
    gc_freeze_interval: float = setting(
        "CITYBRIDGE_GC_FREEZE_INTERVAL",
        1.0,
        "seconds between moving survivors out of the collector's way; 0: off",
        parse=float,
    )
    gc_full_interval: float = setting(
        "CITYBRIDGE_GC_FULL_INTERVAL",
        900.0,
        "seconds between full collections (cycles among frozen objects)",
        parse=float,
    )

    @property
    def presence_ttl(self) -> float:
        return self.presence_interval * 3


def load_realtime_settings() -> RealtimeSettings:
    return from_environment(RealtimeSettings)
