"""The kinds of the public knowledge base: every node drops its cached public pages on them (and on
every other kind: server/public/cache.py)."""

from __future__ import annotations

from dataclasses import dataclass

from server.events.registry import Event, declare


@dataclass(frozen=True, kw_only=True)
class _Publication(Event):
    target_kind: str
    target_id: int
    publication_id: int
    url: str
    published: bool


@declare("publication.published")
class PublicationPublished(_Publication):
    """A moderator published a reviewed practice record, a collection or a thread:
    `{target_kind, target_id, publication_id, url, published}`."""


@declare("publication.unpublished")
class PublicationUnpublished(_Publication):
    """A published item was taken off the public knowledge base (its page answers 410 from now on)."""


@declare("consent.changed", "user")
class PublicNameConsentChanged(Event):
    """The user gave or withdrew consent to their name and words appearing on public pages:
    `{public_name_consent}`. Public pages that show them change at once."""

    public_name_consent: bool
