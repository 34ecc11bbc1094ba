"""The kinds of the public knowledge base: every node drops its cached public pages on them."""

from __future__ import annotations

from dataclasses import dataclass

from server.events.registry import Event, declare


@dataclass(frozen=True, kw_only=True)
class _Publication(Event):
    resource_id: int
    publication_id: int
    url: str
    published: bool


@declare("publication.published")
class PublicationPublished(_Publication):
    """A moderator published a reviewed practice record: `{resource_id, publication_id, url, published}`."""


@declare("publication.unpublished")
class PublicationUnpublished(_Publication):
    """A published record was taken off the public knowledge base (its page answers 410 from now on)."""
