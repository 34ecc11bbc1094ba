"""The kinds of a person's own account: what other readers of the log must act on."""

from __future__ import annotations

from server.events.registry import Event, declare


@declare("user.erased", "user")
class UserErased(Event):
    """A person erased their account: `space_ids`, the spaces whose search documents name them (the
    indexer re-reads them, so the former name and email leave the index)."""

    space_ids: list[int]
