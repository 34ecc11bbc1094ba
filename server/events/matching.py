"""The change-log kinds of city profiles, needs, offers and matching.

Streams: a city has no stream of its own, so `profile.updated` goes to every space that pairs the
city (its partners, as `space.updated` does for a city's name). A need or offer goes to the spaces
that may read it: the chosen ones, or for the network every network-visible space and the city's
own spaces; a space that loses sight of it gets `*.deleted`. Payloads carry no text (the client
fetches it with the permission check), so nothing needs redacting when one is withdrawn.
"""

from __future__ import annotations

from dataclasses import dataclass

from server.events.registry import Event, declare


@dataclass(frozen=True, kw_only=True)
class _Item(Event):
    id: int
    city_id: int
    theme: str  # a need's theme; an offer's practice's first theme ("" if it has none)
    audience: str


@declare("profile.updated")
class ProfileUpdated(Event):
    """A city's profile changed: `{city_id, year, changed}` (the field names); to every space pairing the city."""

    city_id: int
    year: int
    changed: list[str]


@declare("need.created")
class NeedCreated(_Item):
    """A city posted a need: `{id, city_id, theme, audience}`; to the spaces that may read it."""


@declare("need.updated")
class NeedUpdated(_Item):
    """A need changed: `{id, city_id, theme, audience}`; to the spaces that may read it now."""


@declare("need.deleted")
class NeedDeleted(_Item):
    """A need was withdrawn, or a space lost sight of it: `{id, city_id, theme, audience}`."""


@declare("offer.created")
class OfferCreated(_Item):
    """A city offered a reviewed practice: `{id, city_id, theme, audience}`; to the spaces that may read it."""


@declare("offer.updated")
class OfferUpdated(_Item):
    """An offer changed: `{id, city_id, theme, audience}`; to the spaces that may read it now."""


@declare("offer.deleted")
class OfferDeleted(_Item):
    """An offer was withdrawn, or a space lost sight of it: `{id, city_id, theme, audience}`."""


@declare("match.mutual", "user")
class MatchMutual(Event):
    """Both cities are interested in a match (to each admin): `{need_id, city_id, need_city_id}`."""

    need_id: int
    city_id: int
    need_city_id: int


@declare("assessment.shared")
class AssessmentShared(Event):
    """A city shared (or changed, or withdrew: `shared` false) its self-assessment of a year:
    `{city_id, year, shared}`; to every space pairing the city. Drafts are never announced."""

    city_id: int
    year: int
    shared: bool


@declare("assessment.reviewed")
class AssessmentReviewed(Event):
    """A peer from a partner city reviewed a shared self-assessment: `{city_id, year, review_id}`;
    to every space pairing the city."""

    city_id: int
    year: int
    review_id: int
