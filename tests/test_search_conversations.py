"""Search covers the asker's own conversations (issue 15, part 4), never anyone else's: not a third
person's, not a platform admin's who is not a participant, not one who has left (at once, before the
indexer has run); edits and deletions reach the index. Against the real server and its indexer."""

from __future__ import annotations

from tests.harness import expect
from tests.test_conversations_live import say, start
from tests.test_search_api import search


def conversation_hits(found: dict) -> list[tuple[int, int]]:
    return [(h["id"], h["thread_id"]) for h in found["hits"] if h["kind"] == "conversation"]


async def test_only_the_participants_find_a_conversation_and_leaving_hides_it(world, database_url):
    talk = await start(world.member, world.other)
    said = await say(world.member, talk["id"], "The zorblax pilot pairs newcomers with a buddy.")
    in_space = expect(
        await world.member.post(
            f"/api/spaces/{world.space_a['id']}/threads", json={"title": "Buddies", "body": "A zorblax in the open"}
        ),
        201,
    )
    for participant in (world.member, world.other):
        found = await search(participant, database_url, q="zorblax")
        assert (said["id"], talk["id"]) in conversation_hits(found)
        assert found["facets"]["kind"].get("conversation") == 1
    mine = await search(world.member, q="zorblax", kind="conversation")
    assert conversation_hits(mine) == [(said["id"], talk["id"])] and mine["total"] == 1
    # A reader of the space, and a platform admin who reads every space: the thread, not the conversation.
    for stranger in (world.moderator, world.admin, world.outsider):
        found = await search(stranger, q="zorblax")
        assert conversation_hits(found) == [] and "conversation" not in found["facets"]["kind"], stranger
    assert in_space["id"] in [h["thread_id"] for h in (await search(world.admin, q="zorblax"))["hits"]]
    assert conversation_hits(await search(world.admin, q="zorblax", kind="conversation")) == []

    # Editing changes what finds it; leaving hides it at once, and from the index once it has run.
    message = f"/api/conversations/{talk['id']}/messages/{said['id']}"
    expect(await world.member.patch(message, json={"body": "The quuxine pilot, renamed."}), 200)
    assert conversation_hits(await search(world.other, database_url, q="zorblax")) == []
    assert conversation_hits(await search(world.other, q="quuxine")) == [(said["id"], talk["id"])]
    expect(await world.other.delete(f"/api/conversations/{talk['id']}/participants/me"), 204)
    assert conversation_hits(await search(world.other, q="quuxine")) == []
    left = await search(world.other, database_url, q="quuxine")
    assert conversation_hits(left) == [] and "conversation" not in left["facets"]["kind"]
    assert conversation_hits(await search(world.member, q="quuxine")) == [(said["id"], talk["id"])]
    expect(await world.member.delete(message), 204)
    assert conversation_hits(await search(world.member, database_url, q="quuxine")) == []


def test_any_event_declaring_a_direct_message_is_indexed_and_no_other(monkeypatch):
    """The indexer follows the declaration, not the kind's name: a later event class that carries a
    direct message (ITEM) or removes one (REDACTS) is indexed without a change in search/."""
    from search.documents import Targets
    from server import events
    from server.events.conversations import DirectMessagePayload

    class Pinned(DirectMessagePayload):
        """A direct message pinned (a kind declared only for this test)."""

    class Purged(events.Event):
        """A direct message purged (a kind declared only for this test)."""

        REDACTS = "direct_message"

    monkeypatch.setitem(events.KINDS, "pinboard.pinned", Pinned)
    monkeypatch.setitem(events.KINDS, "pinboard.purged", Purged)
    for kind in ("dm.created", "dm.edited", "dm.deleted", "pinboard.pinned", "pinboard.purged"):
        targets = Targets()
        targets.add_event(kind, None, {"id": 41, "conversation_id": 7})
        assert targets.direct_messages == {41}, kind
    for kind in ("dm.reacted", "message.created", "conversation.created"):
        targets = Targets()
        targets.add_event(kind, None, {"id": 41, "message_id": 41, "conversation_id": 7})
        assert not targets.direct_messages, kind
