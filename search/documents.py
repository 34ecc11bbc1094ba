"""Rows to search documents: what a thread, a message or a library resource looks like to an engine.

Documents are always built from the current rows, never from an event's payload: the event
says what changed, the table says what is true now, so edits, hides and deletes come out right
whatever order the indexer sees them in.
"""

from __future__ import annotations

import re
from collections.abc import AsyncIterator
from dataclasses import dataclass, field
from html import unescape

import asyncpg

from search import documents_direct as direct
from search import documents_more as more
from search.engine import Document
from search.language import detect_language
from server import events

MAX_BODY_CHARS = 100_000

# Messages hold HTML we rendered and sanitised ourselves (server/markdown.py: an allow-list of tags,
# no script or style), so its text is what lies between the tags: block tags separate words, inline
# tags (strong, em, a, code, span…) do not. Two regular expressions do this ~10x faster than a
# second pass through the sanitiser, which matters when a rebuild reads a million messages.
_BLOCK_TAG = re.compile(
    r"<(?:/?(?:p|br|hr|li|ul|ol|div|h[1-6]|tr|th|td|table|thead|tbody|blockquote|pre)\b)[^>]*>", re.IGNORECASE
)
_TAG = re.compile(r"<[^>]*>")


def html_text(html: str) -> str:
    """The text of rendered (already sanitised) HTML: tags out, entities decoded, spaces collapsed."""
    if "<" in html:
        html = _TAG.sub("", _BLOCK_TAG.sub(" ", html))
    if "&" in html:
        html = unescape(html)
    return " ".join(html.split())


@dataclass
class Targets:
    """What a batch of change-log events asks to refresh."""

    threads: set[int] = field(default_factory=set)
    messages: set[int] = field(default_factory=set)
    resources: set[int] = field(default_factory=set)
    thread_messages: set[int] = field(default_factory=set)  # every message of these threads
    spaces: set[int] = field(default_factory=set)  # every document of these spaces
    needs: set[int] = field(default_factory=set)
    offers: set[int] = field(default_factory=set)
    cities: set[int] = field(default_factory=set)  # the profile, and the needs and offers that show it
    events: set[int] = field(default_factory=set)
    transfers: set[int] = field(default_factory=set)  # their source and adapted records
    direct_messages: set[int] = field(default_factory=set)  # search/documents_direct.py
    conversations: set[int] = field(default_factory=set)  # every direct message of these

    def __bool__(self) -> bool:
        return any(bool(v) for v in self.__dict__.values())

    def add_event(self, kind: str, space_id: int | None, data: dict) -> None:
        # Every message.*, thread.* and resource.* kind carries its item's id as `id`, and
        # thread.updated lists its `changed` fields (server/events.py; tests/test_events.py holds it
        # to that). Undeclared kinds of these nouns (rows written by hand, by the search benchmark,
        # or a future thread.deleted) are read the same way.
        noun, _, verb = kind.partition(".")
        item_id = data.get("id")
        if noun == "message":
            self._add(self.messages, item_id)
        elif noun == "thread":
            self._add(self.threads, item_id)
            changed = data.get("changed")
            if verb != "created" and (changed is None or {"title", "themes"} & set(changed)):
                self._add(self.thread_messages, item_id)
        elif noun == "resource":
            self._add(self.resources, item_id)
        elif noun in ("need", "offer", "event"):  # server/events/matching.py, calendar.py
            self._add({"need": self.needs, "offer": self.offers, "event": self.events}[noun], item_id)
        elif direct.touched_by(kind):
            self._add(self.direct_messages, item_id)
        elif kind == "conversation.left":
            self._add(self.conversations, data.get("conversation_id"))
        elif noun == "transfer" and verb in more.TRANSFER_VERBS:  # server/events/transfers.py
            self._add(self.transfers, data.get("transfer_id", item_id))
        elif kind == events.ProfileUpdated.KIND:
            self._add(self.cities, data.get("city_id"))
        elif kind == events.SpaceUpdated.KIND and space_id is not None:
            self.spaces.add(space_id)
        elif kind == events.UserErased.KIND:  # their name is in the documents of what they wrote
            self.spaces.update(s for s in data.get("space_ids", []) if isinstance(s, int))

    @staticmethod
    def _add(into: set[int], value) -> None:
        if isinstance(value, int) and not isinstance(value, bool):
            into.add(value)


def _epoch(value) -> int:
    return int(value.timestamp() * 1000) if value is not None else 0


def _flatten(value) -> list[str]:
    if isinstance(value, str):
        return [value]
    if isinstance(value, dict):
        return [s for v in value.values() for s in _flatten(v)]
    if isinstance(value, list):
        return [s for v in value for s in _flatten(v)]
    return []


def _language(text: str, chosen: str | None, author_languages) -> str:
    if chosen:
        return chosen.split("-")[0].lower()
    fallback = author_languages[0] if author_languages and len(author_languages) == 1 else None
    return detect_language(text, fallback) or ""


class Loader:
    """Reads current rows over one asyncpg connection and turns them into documents."""

    def __init__(self, conn: asyncpg.Connection) -> None:
        self.conn = conn
        # Threads an event named whose row is gone: their messages went with them (ON DELETE
        # CASCADE), so only the engine still knows their ids; the indexer deletes them by thread.
        self.gone_threads: set[int] = set()
        self._spaces: dict[int, dict] = {}
        self._has_resources: bool | None = None

    async def has_resources(self) -> bool:
        if self._has_resources is None:
            self._has_resources = await self.conn.fetchval("SELECT to_regclass('public.resources') IS NOT NULL")
        return self._has_resources

    async def spaces(self, ids: set[int]) -> dict[int, dict]:
        missing = [i for i in ids if i not in self._spaces]
        if missing:
            rows = await self.conn.fetch(
                """SELECT s.id, s.themes,
                          coalesce(array_agg(c.id ORDER BY c.id) FILTER (WHERE c.id IS NOT NULL), '{}') AS city_ids,
                          coalesce(array_agg(DISTINCT c.profile) FILTER (WHERE c.id IS NOT NULL), '{}') AS profiles
                   FROM spaces s LEFT JOIN space_cities sc ON sc.space_id = s.id
                   LEFT JOIN cities c ON c.id = sc.city_id
                   WHERE s.id = ANY($1::int[]) GROUP BY s.id""",
                missing,
            )
            for row in rows:
                self._spaces[row["id"]] = dict(row)
        return {i: self._spaces[i] for i in ids if i in self._spaces}

    def forget_spaces(self) -> None:
        self._spaces.clear()

    def _base(self, space: dict, kind: str, row, themes, title: str, body: str, lang: str) -> Document:
        """A document of the space's row. Its city and city profile describe the item (`item_city_id`
        of the row: a post's author's city, a practice record's own) when the row has that column,
        and none when it is empty (an author of no city); else, for events, the space's cities."""
        if "item_city_id" in row.keys():  # keys(): an asyncpg Record's `in` looks at its values
            city_ids = [row["item_city_id"]] if row["item_city_id"] else []
            profiles = [row["item_city_profile"]] if row["item_city_id"] and row["item_city_profile"] else []
        else:
            city_ids, profiles = list(space["city_ids"]), sorted(space["profiles"])
        return Document(
            key=f"{kind if kind in ('thread', 'message') else 'resource'}:{row['id']}",
            kind=kind,
            id=row["id"],
            space_id=row["space_id"],
            city_ids=city_ids,
            profiles=profiles,
            themes=sorted(set(themes or []) | set(space["themes"] or [])),
            lang=lang,
            author_id=row["author_id"] or 0,
            author_name=row["author_name"] or "",
            date=_epoch(row["created_at"]),
            title=title,
            body=body[:MAX_BODY_CHARS],
        )

    # A thread's, a message's city is its author's (their city now: a rebuild reads it again).
    _THREADS = """SELECT t.*, u.name AS author_name, u.languages AS author_languages,
                         ac.id AS item_city_id, ac.profile AS item_city_profile
                  FROM threads t LEFT JOIN users u ON u.id = t.author_id
                  LEFT JOIN cities ac ON ac.id = u.city_id"""

    async def threads(self, ids: set[int]) -> tuple[list[Document], list[str]]:
        rows = await self.conn.fetch(self._THREADS + " WHERE t.id = ANY($1::int[])", list(ids))
        self.gone_threads |= set(ids) - {r["id"] for r in rows}
        return await self._threads(rows, ids)

    async def _threads(self, rows, ids) -> tuple[list[Document], list[str]]:
        spaces = await self.spaces({r["space_id"] for r in rows})
        docs = []
        for row in rows:
            if row.get("hidden_at") is not None or row.get("deleted_at") is not None or row["space_id"] not in spaces:
                continue
            lang = _language(row["title"], None, row["author_languages"])
            doc = self._base(spaces[row["space_id"]], "thread", row, row["themes"], row["title"], "", lang)
            doc.thread_id = row["id"]
            docs.append(doc)
        kept = {d.id for d in docs}
        return docs, [f"thread:{i}" for i in ids if i not in kept]

    _MESSAGES = """SELECT m.id, m.thread_id, m.space_id, m.author_id, m.html, m.created_at, m.hidden_at,
                          m.deleted_at, t.title AS thread_title, t.themes AS thread_themes,
                          u.name AS author_name, u.languages AS author_languages,
                          ac.id AS item_city_id, ac.profile AS item_city_profile
                   FROM messages m JOIN threads t ON t.id = m.thread_id
                   LEFT JOIN users u ON u.id = m.author_id LEFT JOIN cities ac ON ac.id = u.city_id"""

    async def messages(self, ids: set[int]) -> tuple[list[Document], list[str]]:
        rows = await self.conn.fetch(self._MESSAGES + " WHERE m.id = ANY($1::bigint[])", list(ids))
        return await self._messages(rows, ids)

    async def _messages(self, rows, ids) -> tuple[list[Document], list[str]]:
        spaces = await self.spaces({r["space_id"] for r in rows})
        docs = []
        for row in rows:
            if row["hidden_at"] is not None or row["deleted_at"] is not None or row["space_id"] not in spaces:
                continue
            body = html_text(row["html"])
            if not body:
                continue
            lang = _language(body, None, row["author_languages"])
            doc = self._base(spaces[row["space_id"]], "message", row, row["thread_themes"], "", body, lang)
            doc.thread_id, doc.context = row["thread_id"], row["thread_title"]
            docs.append(doc)
        kept = {d.id for d in docs}
        return docs, [f"message:{i}" for i in ids if i not in kept]

    # A resource's city is the one it declares (a practice record's), else its author's.
    _RESOURCES = """SELECT r.*, u.name AS author_name, u.languages AS author_languages,
                           ac.id AS item_city_id, ac.profile AS item_city_profile
                    FROM resources r LEFT JOIN users u ON u.id = r.author_id
                    LEFT JOIN cities ac ON ac.id = coalesce(r.city_id, u.city_id)"""

    async def resources(self, ids: set[int]) -> tuple[list[Document], list[str]]:
        if not await self.has_resources():
            return [], []
        rows = await self.conn.fetch(self._RESOURCES + " WHERE r.id = ANY($1::int[])", list(ids))
        return await self._resources(rows, ids)

    async def _resources(self, rows, ids) -> tuple[list[Document], list[str]]:
        spaces = await self.spaces({r["space_id"] for r in rows})
        docs = []
        for row in map(dict, rows):
            if row.get("hidden_at") is not None or row.get("deleted_at") is not None or row["space_id"] not in spaces:
                continue
            parts = [row.get("summary") or row.get("description") or ""] + _flatten(row.get("details") or {})
            parts += [row.get("url") or "", row.get("file_name") or "", row.get("extracted_text") or ""]
            body = "\n".join(p for p in parts if p)
            lang = _language(f"{row['title']} {body}", row.get("language"), row["author_languages"])
            doc = self._base(spaces[row["space_id"]], row["kind"], row, row.get("themes"), row["title"], body, lang)
            doc.thread_id = row.get("source_thread_id") or 0
            docs.append(doc)
        await more.mark_transfers(self.conn, docs)
        kept = {d.id for d in docs}
        return docs, [f"resource:{i}" for i in ids if i not in kept]

    async def needs(self, ids: set[int]) -> tuple[list[Document], list[str]]:
        docs = await more.need_documents(
            self.conn, await self.conn.fetch(more.NEEDS + " WHERE n.id = ANY($1::int[])", list(ids))
        )
        return docs, [f"need:{i}" for i in ids - {d.id for d in docs}]

    async def offers(self, ids: set[int]) -> tuple[list[Document], list[str]]:
        rows = await self.conn.fetch(more.OFFERS + " WHERE o.id = ANY($1::int[])", list(ids))
        docs = await more.offer_documents(self.conn, rows)
        return docs, [f"offer:{i}" for i in ids - {d.id for d in docs}]

    async def cities(self, ids: set[int]) -> tuple[list[Document], list[str]]:
        docs = await more.city_documents(
            self.conn, await self.conn.fetch(more.CITIES + " WHERE c.id = ANY($1::int[])", list(ids))
        )
        return docs, [f"city:{i}" for i in ids - {d.id for d in docs}]

    async def events(self, ids: set[int]) -> tuple[list[Document], list[str]]:
        return await self._events(await self.conn.fetch(more.EVENTS + " WHERE e.id = ANY($1::int[])", list(ids)), ids)

    async def _events(self, rows, ids) -> tuple[list[Document], list[str]]:
        spaces = await self.spaces({r["space_id"] for r in rows})
        docs = [more.event_document(r, spaces[r["space_id"]], self._base) for r in rows if r["space_id"] in spaces]
        return docs, [f"event:{i}" for i in ids - {d.id for d in docs}]

    async def load(self, targets: Targets) -> tuple[list[Document], list[str]]:
        """The documents to write and the keys to delete so the index matches the tables for `targets`."""
        docs: list[Document] = []
        gone: list[str] = []
        async for found, missing in self.load_chunks(targets):
            docs += found
            gone += missing
        return docs, gone

    async def load_chunks(self, targets: Targets, chunk: int = 2000) -> AsyncIterator[tuple[list[Document], list[str]]]:
        """`load`, a chunk of ids at a time, so a caller can hand one chunk to the engine (whose
        threads analyse it) while this one is being built."""
        if targets.spaces:
            self.forget_spaces()  # cities or themes of a space changed
            targets.threads |= set(
                await self.conn.fetchval(
                    "SELECT coalesce(array_agg(id), '{}') FROM threads WHERE space_id = ANY($1::int[])",
                    list(targets.spaces),
                )
            )
            targets.thread_messages |= targets.threads
            if await self.has_resources():
                targets.resources |= set(
                    await self.conn.fetchval(
                        "SELECT coalesce(array_agg(id), '{}') FROM resources WHERE space_id = ANY($1::int[])",
                        list(targets.spaces),
                    )
                )
        if targets.spaces or targets.cities:
            # A space's cities and themes show in its events; a city's name, region and size in its
            # needs and offers.
            targets.events |= set(
                await self.conn.fetchval(
                    "SELECT coalesce(array_agg(id), '{}') FROM calendar_events WHERE space_id = ANY($1::int[])",
                    list(targets.spaces),
                )
            )
            for table, into in (("needs", targets.needs), ("offers", targets.offers)):
                into |= set(
                    await self.conn.fetchval(
                        f"SELECT coalesce(array_agg(id), '{{}}') FROM {table} WHERE city_id = ANY($1::int[])",
                        list(targets.cities),
                    )
                )
        if targets.transfers:
            targets.resources |= await more.transfer_records(self.conn, targets.transfers)
        if targets.conversations:
            targets.direct_messages |= await direct.of_conversations(self.conn, targets.conversations)
        if targets.thread_messages:
            targets.messages |= set(
                await self.conn.fetchval(
                    "SELECT coalesce(array_agg(id), '{}') FROM messages WHERE thread_id = ANY($1::int[])",
                    list(targets.thread_messages),
                )
            )
        for ids, load in (
            (targets.threads, self.threads),
            (targets.messages, self.messages),
            (targets.resources, self.resources),
            (targets.needs, self.needs),
            (targets.offers, self.offers),
            (targets.cities, self.cities),
            (targets.events, self.events),
            (targets.direct_messages, lambda ids: direct.load(self.conn, ids)),
        ):
            ordered = sorted(ids)
            for start in range(0, len(ordered), chunk):
                yield await load(set(ordered[start : start + chunk]))

    async def count(self) -> int:
        total = await self.conn.fetchval("SELECT (SELECT count(*) FROM threads) + (SELECT count(*) FROM messages)")
        if await self.has_resources():
            total += await self.conn.fetchval("SELECT count(*) FROM resources")
        return total + await self.conn.fetchval(
            "SELECT (SELECT count(*) FROM needs) + (SELECT count(*) FROM offers) + (SELECT count(*) FROM cities)"
            " + (SELECT count(*) FROM calendar_events) + (SELECT count(*) FROM conversation_messages)"
        )

    async def _built(self, build, rows) -> tuple[list[Document], list[str]]:
        return await build(self.conn, rows), []

    async def scan(self, batch: int = 2000) -> AsyncIterator[tuple[int, list[Document]]]:
        """Every document, in batches: (rows read, documents) so a progress bar can count rows."""
        queries = [
            (self._THREADS + " WHERE t.id > $1 ORDER BY t.id LIMIT $2", self._threads),
            (self._MESSAGES + " WHERE m.id > $1 ORDER BY m.id LIMIT $2", self._messages),
        ]
        if await self.has_resources():
            queries.append((self._RESOURCES + " WHERE r.id > $1 ORDER BY r.id LIMIT $2", self._resources))
        queries += [
            (more.EVENTS + " WHERE e.id > $1 ORDER BY e.id LIMIT $2", self._events),
            (
                more.NEEDS + " WHERE n.id > $1 ORDER BY n.id LIMIT $2",
                lambda rows, _: self._built(more.need_documents, rows),
            ),
            (
                more.OFFERS + " WHERE o.id > $1 ORDER BY o.id LIMIT $2",
                lambda rows, _: self._built(more.offer_documents, rows),
            ),
            (
                more.CITIES + " WHERE c.id > $1 ORDER BY c.id LIMIT $2",
                lambda rows, _: self._built(more.city_documents, rows),
            ),
            (direct.SCAN, lambda rows, _: self._built(direct.built, rows)),
        ]
        for sql, build in queries:
            after = 0
            while True:
                rows = await self.conn.fetch(sql, after, batch)
                if not rows:
                    break
                after = rows[-1]["id"]
                docs, _ = await build(rows, set())
                yield len(rows), docs
