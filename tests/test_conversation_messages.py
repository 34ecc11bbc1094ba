"""Direct messages have a thread message's features (issue 15): edits and deletion by their author,
reactions, mentions of participants only; live over the conversation's stream, redacted in replays,
never sent to someone who left."""

from __future__ import annotations

from dataclasses import replace

import httpx

from tests.harness import ServerThread, expect, inside_one_rate_window
from tests.realtime_helpers import Live
from tests.test_conversations_live import follow, say, start

CODED = {"Prefer": "errors=coded"}


def url(talk: dict, message: dict | None = None, tail: str = "") -> str:
    base = f"/api/conversations/{talk['id']}/messages"
    return base + (f"/{message['id']}" if message else "") + tail


def kind(name: str):
    return lambda f: f.get("type") == "event" and f["kind"] == name


async def test_an_author_edits_and_deletes_and_the_others_see_it_live(server, world):
    talk = await start(world.member, world.other)
    other = await Live.open(server.base_url, world.other)
    await follow(other, talk["id"])
    hello = await say(world.member, talk["id"], "Housing is at *Rue Haute*")
    await other.until(kind("dm.created"))
    edited = expect(await world.member.patch(url(talk, hello), json={"body": "Housing is at **Rue Basse**"}), 200)
    assert edited["id"] == hello["id"] and edited["edited_at"] and "<strong>Rue Basse</strong>" in edited["html"]
    frame = await other.until(kind("dm.edited"))
    assert frame["conversation_id"] == talk["id"] and frame["data"] == edited
    listed = expect(await world.other.get(url(talk)), 200)["items"]
    assert [m["body"] for m in listed] == ["Housing is at **Rue Basse**"]
    # Only the author: the other participant may neither edit nor delete it.
    refused = await world.other.patch(url(talk, hello), json={"body": "mine now"})
    assert expect(refused, 403)["error"]["code"] == "not_the_author"
    assert expect(await world.other.delete(url(talk, hello)), 403)["error"]["code"] == "not_the_author"
    expect(await world.member.delete(url(talk, hello)), 204)
    gone = await other.until(kind("dm.deleted"))
    assert gone["data"] == {"id": hello["id"], "conversation_id": talk["id"]}
    assert expect(await world.other.get(url(talk)), 200)["items"] == []
    expect(await world.member.delete(url(talk, hello)), 404)
    expect(await world.member.patch(url(talk, hello), json={"body": "again"}), 404)
    # A replay from the start shows neither the first nor the edited text.
    again = await Live.open(server.base_url, world.other)
    assert (await follow(again, talk["id"], since=0))["type"] == "subscribed"
    replayed = [f for f in await again.quiet(1.0) if f.get("type") == "event"]
    assert [f["kind"] for f in replayed] == ["conversation.created", "dm.created", "dm.edited", "dm.deleted"]
    assert "Rue" not in str(replayed) and replayed[1]["data"]["body"] == ""
    for live in (other, again):
        await live.close()


async def test_edits_of_a_message_in_a_conversation_i_am_not_in_are_404(world):
    talk = await start(world.member, world.other)
    hello = await say(world.member, talk["id"], "private")
    elsewhere = await start(world.member, world.moderator)
    # The right message id under the wrong conversation, and strangers, admins included.
    expect(await world.member.patch(url(elsewhere, hello), json={"body": "x"}), 404)
    for stranger in (world.admin, world.outsider, world.moderator):
        expect(await stranger.patch(url(talk, hello), json={"body": "x"}), 404)
        expect(await stranger.delete(url(talk, hello)), 404)
        expect(await stranger.put(url(talk, hello, "/reactions/👍")), 404)
    assert [m["body"] for m in expect(await world.member.get(url(talk)), 200)["items"]] == ["private"]


async def test_bad_edits_and_reactions_answer_with_field_codes(world, settings):
    talk = await start(world.member, world.other)
    hello = await say(world.member, talk["id"], "hello")
    long = await world.member.patch(
        url(talk, hello), json={"body": "x" * (settings.message_max_chars + 1)}, headers=CODED
    )
    assert expect(long, 422)["error"]["fields"]["body"]["code"] == "too_long"
    missing = await world.member.patch(url(talk, hello), json={}, headers=CODED)
    assert "body" in expect(missing, 422)["error"]["fields"]
    extra = await world.member.patch(url(talk, hello), json={"body": "x", "author_id": 1}, headers=CODED)
    assert "author_id" in expect(extra, 422)["error"]["fields"]
    word = await world.other.put(url(talk, hello, "/reactions/yes"), headers=CODED)
    assert expect(word, 422)["error"]["fields"]["emoji"]["code"] == "not_an_emoji"


async def test_reactions_are_live_and_shown_like_a_threads(server, world):
    talk = await start(world.member, world.other)
    member = await Live.open(server.base_url, world.member)
    await follow(member, talk["id"])
    hello = await say(world.member, talk["id"], "Shall we meet?")
    added = expect(await world.other.put(url(talk, hello, "/reactions/👍")), 200)
    mine = {"emoji": "👍", "count": 1, "user_ids": [world.other.user["id"]]}
    assert added == {"message_id": hello["id"], "reactions": [mine]}
    frame = await member.until(kind("dm.reacted"))
    assert frame["data"] == {
        "message_id": hello["id"],
        "conversation_id": talk["id"],
        "user_id": world.other.user["id"],
        "emoji": "👍",
    }
    expect(await world.other.put(url(talk, hello, "/reactions/👍")), 200)  # twice is once
    assert expect(await world.member.get(url(talk)), 200)["items"][0]["reactions"] == [mine]
    taken = expect(await world.other.delete(url(talk, hello, "/reactions/👍")), 200)
    assert taken == {"message_id": hello["id"], "reactions": []}
    await member.until(kind("dm.unreacted"))
    assert expect(await world.member.get(url(talk)), 200)["items"][0]["reactions"] == []
    await member.close()


async def test_someone_who_left_gets_no_edits_deletions_or_reactions(server, world):
    talk = await start(world.member, world.other, world.moderator)
    hello = await say(world.member, talk["id"], "before")
    leaver = await Live.open(server.base_url, world.other)
    await follow(leaver, talk["id"])
    expect(await world.other.delete(f"/api/conversations/{talk['id']}/participants/me"), 204)
    await leaver.until(lambda f: f.get("type") == "unsubscribed")
    expect(await world.member.patch(url(talk, hello), json={"body": "secret after"}), 200)
    expect(await world.moderator.put(url(talk, hello, "/reactions/🎉")), 200)
    expect(await world.member.delete(url(talk, hello)), 204)
    after = [f for f in await leaver.quiet(1.0) if f.get("type") == "event" and f["kind"] != "conversation.left"]
    assert after == [] and "secret after" not in str(after)
    # And their own old message is no longer theirs to change.
    expect(await world.other.patch(url(talk, hello), json={"body": "x"}), 404)
    await leaver.close()


async def test_mentions_name_participants_only(world):
    talk = await start(world.member, world.other)
    other, outsider = world.other.user, world.outsider.user
    hello = await say(world.member, talk["id"], f"@{other['handle']} and @{outsider['handle']}")
    assert hello["mentions"] == [other["id"]]
    assert 'class="mention"' in hello["html"] and outsider["name"] not in hello["html"]
    assert f"@{outsider['handle']}" in hello["html"]  # plain text: it neither links nor tells who that is
    edited = expect(await world.member.patch(url(talk, hello), json={"body": "no one"}), 200)
    assert edited["mentions"] == []
    assert expect(await world.other.get(url(talk)), 200)["items"][0]["mentions"] == []


async def test_edits_and_reactions_are_rate_limited(world, settings, database_url):
    limits = {**settings.rate_limits, "edit": 2, "reaction": 2}
    limited = ServerThread(replace(settings, rate_limits=limits), database_url)
    limited.start()
    talk = await start(world.member, world.other)
    hello = await say(world.member, talk["id"], "hello")
    try:
        async with httpx.AsyncClient(base_url=limited.base_url, headers=dict(world.bearer.http.headers)) as member:
            await inside_one_rate_window()
            edits = [(await member.patch(url(talk, hello), json={"body": f"v{i}"})).status_code for i in range(3)]
            assert edits == [200, 200, 429], edits
            reactions = [(await member.put(url(talk, hello, f"/reactions/{e}"))).status_code for e in "👍🎉❤"]
            assert reactions == [200, 200, 429], reactions
    finally:
        limited.stop()
