"""The one small interface every search engine implements, and the shapes it speaks in.

Everything a query filters, sorts or counts on lives in the index (the permission field
`space_id` included), so an engine answers a complete page: nothing is thinned afterwards.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Protocol

from search.text import ParsedQuery
from search.vocabulary import Vocabulary

# Bump when the documents or the index settings change: every index built with an
# older version is rebuilt from the tables on start.
SCHEMA_VERSION = 9

KINDS = ("thread", "message", "practice", "file", "link", "need", "offer", "city", "event", "conversation")
FACETS = (
    "kind",
    "lang",
    "themes",
    "city_ids",
    "profiles",
    "space_id",
    "regions",
    "sizes",
    "transfers",
    "transfer_states",
)
# A practice record's part in transfers of its own space (issue 19): `source` of one, or `adapted` (a plan's
# completed record); `transfer_states` the states of those transfers (search/documents_more.py).
TRANSFER_ROLES = ("source", "adapted")
# Who may find a document is its `readers`: space ids (their readers), EVERYONE (every signed-in
# user: network-visible needs and offers, city profiles) or -city_id (that city's officials, who see
# their own city's needs and offers whoever they are shared with). A search's `readable` lists the
# asker's, these pseudo-ids included (server/services/search.py).
EVERYONE = 0
# The public (docs/public.md): anyone, signed in or not, reads what moderators published. Its documents
# are copies of a published page's own text, of PUBLIC_KINDS, with PUBLIC their only reader; no
# signed-in search counts among PUBLIC (a platform admin's asks with ALL_SHARED, below), so the two
# never meet.
PUBLIC = -(2**31)
PUBLIC_KINDS = ("public_practice", "public_collection", "public_thread")
# A direct message (kind "conversation") is read by its conversation's current participants only, each
# as participant(user id), below every other reader. No one else counts among them, admins included.
_PARTICIPANTS = 2**32


def participant(user_id: int) -> int:
    return -(_PARTICIPANTS + user_id)


# In a search's `readable`: every document read by a space, EVERYONE or a city (what a platform admin
# may read), but never PUBLIC's copies nor anyone's direct messages; readable None is everything.
ALL_SHARED = 2**31
SHARED_RANGE = (-(2**31) + 1, 2**31 - 1)  # the readers ALL_SHARED stands for


@dataclass
class Document:
    """What one thread, message or library resource looks like to an engine."""

    key: str  # "message:12": the kind of row and its id, unique in the index
    kind: str  # one of KINDS
    id: int
    space_id: int
    city_ids: list[int]
    profiles: list[str]
    themes: list[str]
    lang: str  # "" when unknown
    author_id: int  # 0 when unknown
    author_name: str
    date: int  # unix time in milliseconds
    title: str  # what the hit is called; searched and ranked above the body
    body: str  # the text searched
    thread_id: int = 0
    context: str = ""  # shown, not searched: the thread title of a message, a need's city, an event's status
    readers: list[int] = field(default_factory=list)  # empty: [space_id]
    regions: list[str] = field(default_factory=list)  # of the document's own city (needs, offers, cities)
    sizes: list[str] = field(default_factory=list)  # the same city's size class (search/documents_more.py)
    transfers: list[str] = field(default_factory=list)  # practice records: TRANSFER_ROLES
    transfer_states: list[str] = field(default_factory=list)  # the states of those transfers

    def __post_init__(self) -> None:
        if not self.readers:
            self.readers = [self.space_id]

    def as_dict(self) -> dict:
        return dict(self.__dict__)


@dataclass
class Filters:
    space_ids: list[int] | None = None  # the caller's choice, already within `readable`
    city_ids: list[int] | None = None
    profiles: list[str] | None = None
    themes: list[str] | None = None
    langs: list[str] | None = None
    kinds: list[str] | None = None
    regions: list[str] | None = None
    sizes: list[str] | None = None
    author_ids: list[int] | None = None  # `from:` in the query
    transfers: list[str] | None = None
    transfer_states: list[str] | None = None
    date_from: int | None = None
    date_to: int | None = None

    def by_field(self) -> list[tuple[str, list]]:
        """The chosen values per engine field (Document's field names), for the filters given."""
        chosen = (
            ("space_id", self.space_ids),
            ("city_ids", self.city_ids),
            ("profiles", self.profiles),
            ("themes", self.themes),
            ("lang", self.langs),
            ("kind", self.kinds),
            ("regions", self.regions),
            ("sizes", self.sizes),
            ("author_id", self.author_ids),
            ("transfers", self.transfers),
            ("transfer_states", self.transfer_states),
        )
        return [(field, values) for field, values in chosen if values is not None]


@dataclass
class Request:
    """A search. `readable` is the readers (spaces, EVERYONE, -city) the asker counts among, or None
    for all of them (platform admins); engines must apply it, to `readers`, inside the query."""

    query: ParsedQuery
    readable: list[int] | None
    filters: Filters = field(default_factory=Filters)
    sort: str = "relevance"  # or "date" (newest first)
    offset: int = 0
    limit: int = 20
    facets: tuple[str, ...] = FACETS


@dataclass
class Hit:
    document: dict
    score: float


@dataclass
class Result:
    hits: list[Hit]
    total: int
    facets: dict[str, dict[str, int]]
    # True when `total` and the facet counts are approximate, as engines make them for very common
    # words: rounded past an exact limit (tantivy) or estimated (Meilisearch); the hits are exact.
    total_is_estimate: bool = False
    # True when no readable document has every word of the query and the hits hold some of them.
    some_words: bool = False


class Engine(Protocol):
    name: str
    vocabulary: Vocabulary  # the concepts a query's words are expanded with (search/vocabulary.py)

    async def open(self) -> None:
        """Create or open the index and apply its settings."""

    async def close(self) -> None: ...

    async def use_vocabulary(self, vocabulary: Vocabulary) -> None:
        """Expand queries with this vocabulary from now on (an admin changed it: docs/search.md)."""

    async def generation(self) -> str:
        """An identity of the index's contents, that changes when the index is created anew, so an
        indexer can tell its stored cursor belongs to another index (a wiped directory, say)."""

    async def upsert(self, documents: list[Document], commit: bool = True) -> None:
        """Write documents, replacing those with the same keys. With commit=False an engine may hold
        them until `commit()` (the indexer commits once per batch of events)."""

    async def commit(self) -> None:
        """Make every write so far durable and searchable."""

    async def delete(self, keys: list[str]) -> None: ...

    async def replace_kinds(self, kinds: tuple[str, ...], documents: list[Document]) -> None:
        """Make the index's documents of these kinds exactly `documents`, committed."""

    async def delete_thread_messages(self, thread_ids: list[int]) -> None:
        """Remove the message documents of these threads (deleted threads, whose messages are gone)."""

    async def clear(self) -> None:
        """Remove every document; the index gets a new generation."""

    async def search(self, request: Request) -> Result: ...

    async def suggest(self, words: ParsedQuery, prefix: str, readable: list[int] | None, limit: int) -> list[str]:
        """Whole words of readable documents that begin with `prefix` (folded), most frequent first;
        `words` (the complete words typed before it) narrow the documents they come from."""


class EngineUnavailable(Exception):
    """The engine cannot be reached or refused the work; the indexer retries."""


def create_engine(settings, vocabulary=None) -> Engine:
    """Meilisearch when MEILISEARCH_URL is set, else the embedded engine in the data directory; with
    `vocabulary`, or the shipped one and the operator's file (search.vocabulary.default)."""
    if vocabulary is None:
        from search.vocabulary import default

        vocabulary = default(settings.search_vocabulary)
    if settings.meilisearch_url:
        from search.engines.meilisearch import MeilisearchEngine

        return MeilisearchEngine(settings.meilisearch_url, settings.meilisearch_api_key, vocabulary=vocabulary)
    from search.engines.tantivy import TantivyEngine

    return TantivyEngine(settings.data_dir / "search", vocabulary=vocabulary)
