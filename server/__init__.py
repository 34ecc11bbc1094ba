"""Citybridge server: HTTP API, services and database."""

# The event kinds declared outside server/events.py register themselves when loaded.
from server import events_matching  # noqa: E402, F401
