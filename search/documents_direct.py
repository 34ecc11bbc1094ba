"""Direct messages as documents (issue 15): kind "conversation", read by the conversation's current
participants only (search/engine.py participant), nobody else, platform admins included.

A message is indexed from its row on dm.created, dm.edited and dm.deleted (deleted: its row is gone,
so its key is removed); when someone leaves (conversation.left) every message of the conversation is
indexed again with the participants that remain. A search's hits of this kind are checked against the
current participants before they are shown (server/services/search.py), so leaving hides the
conversation from search at once, before the indexer has run."""

from __future__ import annotations

from search.engine import Document, participant
from search.language import detect_language
from server import events

ITEM = "direct_message"  # the item server/events/conversations.py's dm.* classes declare (ITEM, REDACTS)


def touched_by(kind: str) -> bool:
    """Whether an event kind's class carries a direct message (ITEM: dm.created, dm.edited) or removes
    one (REDACTS: dm.deleted): a kind declared later either way is indexed with no change in search/."""
    cls = events.KINDS.get(kind)
    return cls is not None and ITEM in (cls.ITEM, cls.REDACTS)


DIRECT = """SELECT m.id, m.conversation_id, m.author_id, m.html, m.created_at,
                   coalesce(u.name, '') AS author_name, c.title,
                   array(SELECT p.user_id FROM conversation_participants p
                         WHERE p.conversation_id = m.conversation_id AND p.left_at IS NULL
                         ORDER BY p.user_id) AS participants,
                   (SELECT string_agg(pu.name, ', ' ORDER BY pu.name) FROM conversation_participants p
                    JOIN users pu ON pu.id = p.user_id
                    WHERE p.conversation_id = m.conversation_id AND p.left_at IS NULL) AS names
            FROM conversation_messages m JOIN conversations c ON c.id = m.conversation_id
            LEFT JOIN users u ON u.id = m.author_id"""
SCAN = DIRECT + " WHERE m.id > $1 ORDER BY m.id LIMIT $2"  # a rebuild's pages


def document(row) -> Document:
    from search.documents import html_text  # (search.documents imports this module)

    body = html_text(row["html"])
    title = row["title"] or row["names"] or ""
    return Document(
        key=f"direct_message:{row['id']}",
        kind="conversation",
        id=row["id"],
        space_id=0,
        city_ids=[],
        profiles=[],
        themes=[],
        lang=detect_language(body) or "",
        author_id=row["author_id"] or 0,
        author_name=row["author_name"],
        date=int(row["created_at"].timestamp() * 1000),
        title=title,
        body=body,
        thread_id=row["conversation_id"],  # where the hit leads: /conversations/{id}
        context=title,
        readers=[participant(u) for u in row["participants"]],
    )


async def built(conn, rows) -> list[Document]:
    """The documents of these rows (a message of a conversation everyone left is nobody's)."""
    return [document(row) for row in rows if row["participants"]]


async def load(conn, ids: set[int]) -> tuple[list[Document], list[str]]:
    rows = await conn.fetch(DIRECT + " WHERE m.id = ANY($1::bigint[])", list(ids))
    docs = await built(conn, rows)
    kept = {d.id for d in docs}
    return docs, [f"direct_message:{i}" for i in ids if i not in kept]


async def of_conversations(conn, conversation_ids: set[int]) -> set[int]:
    return set(
        await conn.fetchval(
            "SELECT coalesce(array_agg(id), '{}') FROM conversation_messages WHERE conversation_id = ANY($1::int[])",
            list(conversation_ids),
        )
    )
