"""Threads and messages through the API: posting, idempotency, edits, deletes, reactions, mentions."""

import asyncio

from tests.events_helpers import appended
from tests.harness import expect

CODED = {"Prefer": "errors=coded"}  # field problems as {code, message, ...} objects


async def start_thread(client, space_id, title="Housing for newcomers", body="How do you find *first* homes?", **extra):
    return expect(
        await client.post(f"/api/spaces/{space_id}/threads", json={"title": title, "body": body, **extra}), 201
    )


async def events(database_url, space_id=None):
    return await appended(database_url, space_id=space_id)


async def test_thread_starts_with_its_first_message_and_logs_events(world, database_url):
    space = world.space_a["id"]
    thread = await start_thread(world.member, space, themes=["housing"])
    assert thread["title"] == "Housing for newcomers" and thread["themes"] == ["housing"]
    assert thread["first_message"]["html"] == "<p>How do you find <em>first</em> homes?</p>"
    kinds = [e["kind"] for e in await events(database_url, space)]
    assert kinds[-2:] == ["thread.created", "message.created"]
    listed = expect(await world.moderator.get(f"/api/spaces/{space}/threads"), 200)
    assert [t["id"] for t in listed["items"]] == [thread["id"]]


async def test_messages_render_sanitised_markdown(world):
    thread = await start_thread(world.member, world.space_a["id"])
    body = "**Plan** <script>alert(1)</script> [site](https://antwerpen.be) [x](javascript:alert(1))"
    message = expect(await world.member.post(f"/api/threads/{thread['id']}/messages", json={"body": body}), 201)
    assert "<strong>Plan</strong>" in message["html"]
    assert "<script>" not in message["html"] and 'href="javascript' not in message["html"]
    assert '<a href="https://antwerpen.be" rel="noopener nofollow">site</a>' in message["html"]
    assert message["body"] == body


async def test_client_id_makes_a_retry_idempotent(world, database_url):
    thread = await start_thread(world.member, world.space_a["id"])
    path = f"/api/threads/{thread['id']}/messages"
    first = await world.member.post(path, json={"body": "Once only", "client_id": "c-123"})
    again = await world.member.post(path, json={"body": "Once only", "client_id": "c-123"})
    assert first.status_code == 201 and again.status_code == 200
    assert first.json()["id"] == again.json()["id"]
    # Concurrent retries also create one message.
    answers = await asyncio.gather(
        *[world.member.post(path, json={"body": "Racing", "client_id": "c-race"}) for _ in range(5)]
    )
    assert len({a.json()["id"] for a in answers}) == 1 and {a.status_code for a in answers} <= {200, 201}
    listed = expect(await world.member.get(path), 200)["items"]
    assert [m["body"] for m in listed].count("Racing") == 1
    created = [e for e in await events(database_url) if e["kind"] == "message.created"]
    assert len(created) == 3  # first message, "Once only", "Racing"
    # Another user may use the same client_id.
    expect(await world.moderator.post(path, json={"body": "Mine", "client_id": "c-123"}), 201)


async def test_edit_keeps_history_and_only_the_author_edits(world):
    thread = await start_thread(world.member, world.space_a["id"])
    message = thread["first_message"]
    edited = expect(await world.member.patch(f"/api/messages/{message['id']}", json={"body": "Better *words*"}), 200)
    assert edited["html"] == "<p>Better <em>words</em></p>" and edited["edited_at"]
    history = expect(await world.member.get(f"/api/messages/{message['id']}/history"), 200)["items"]
    assert [h["body"] for h in history] == ["How do you find *first* homes?"]
    refused = await world.moderator.patch(f"/api/messages/{message['id']}", json={"body": "not mine"})
    assert expect(refused, 403)["error"]["code"] == "not_the_author"


async def test_delete_by_author_or_moderator(world, database_url):
    thread = await start_thread(world.member, world.space_a["id"])
    path = f"/api/threads/{thread['id']}/messages"
    mine = expect(await world.member.post(path, json={"body": "oops"}), 201)
    theirs = expect(await world.moderator.post(path, json={"body": "moderator's"}), 201)
    expect(await world.member.delete(f"/api/messages/{theirs['id']}"), 403)
    expect(await world.member.delete(f"/api/messages/{mine['id']}"), 204)
    expect(await world.moderator.delete(f"/api/messages/{thread['first_message']['id']}"), 204)
    expect(await world.member.delete(f"/api/messages/{mine['id']}"), 404)
    remaining = expect(await world.member.get(path), 200)["items"]
    assert [m["id"] for m in remaining] == [theirs["id"]]
    assert [e["kind"] for e in await events(database_url)].count("message.deleted") == 2


async def test_reactions(world):
    thread = await start_thread(world.member, world.space_a["id"])
    message_id = thread["first_message"]["id"]
    path = f"/api/messages/{message_id}/reactions/%F0%9F%91%8D"  # 👍
    expect(await world.member.put(path), 200)
    again = expect(await world.moderator.put(path), 200)
    assert again["reactions"] == [
        {"emoji": "👍", "count": 2, "user_ids": sorted([world.member.user["id"], world.moderator.user["id"]])}
    ]
    expect(await world.member.put(path), 200)  # idempotent
    gone = expect(await world.member.delete(path), 200)
    assert gone["reactions"][0]["count"] == 1
    expect(await world.member.put(f"/api/messages/{message_id}/reactions/hello"), 422)
    expect(await world.other.put(path), 404)


async def test_mentions_are_resolved_among_readers_and_notify(world, database_url):
    thread = await start_thread(world.member, world.space_a["id"])
    moderator, other = world.moderator.user, world.other.user
    body = f"Ask @{moderator['handle']} and @{other['handle']} and @nobody"
    message = expect(await world.member.post(f"/api/threads/{thread['id']}/messages", json={"body": body}), 201)
    assert message["mentions"] == [moderator["id"]]  # other cannot read space A
    assert f'data-user-id="{moderator["id"]}"' in message["html"]
    notes = [e for e in await events(database_url) if e["kind"] == "notification.mention"]
    assert [n["user_id"] for n in notes] == [moderator["id"]] and notes[0]["space_id"] is None


async def test_locked_thread_refuses_messages_but_not_moderators(world):
    thread = await start_thread(world.member, world.space_a["id"])
    path = f"/api/threads/{thread['id']}/messages"
    expect(await world.member.patch(f"/api/threads/{thread['id']}", json={"locked": True}), 403)
    locked = expect(await world.moderator.patch(f"/api/threads/{thread['id']}", json={"locked": True}), 200)
    assert locked["locked"] is True
    refused = await world.member.post(path, json={"body": "still there?"})
    assert refused.status_code == 409 and refused.json()["error"]["code"] == "thread_locked"
    expect(await world.moderator.post(path, json={"body": "Closing this thread."}), 201)


async def test_pinned_threads_come_first_and_paging_is_stable(world):
    space = world.space_a["id"]
    made = [await start_thread(world.member, space, title=f"Thread {n}") for n in range(5)]
    expect(await world.moderator.patch(f"/api/threads/{made[0]['id']}", json={"pinned": True}), 200)
    seen, cursor = [], None
    while True:
        query = f"?limit=2&cursor={cursor}" if cursor else "?limit=2"
        page = expect(await world.member.get(f"/api/spaces/{space}/threads{query}"), 200)
        seen += [t["id"] for t in page["items"]]
        cursor = page["next_cursor"]
        if not cursor:
            break
    assert seen == [made[0]["id"]] + [t["id"] for t in reversed(made[1:])]


async def test_message_paging_both_directions(world):
    thread = await start_thread(world.member, world.space_a["id"], body="m0")
    path = f"/api/threads/{thread['id']}/messages"
    for n in range(1, 7):
        expect(await world.member.post(path, json={"body": f"m{n}"}), 201)
    forward, cursor = [], None
    while True:
        page = expect(await world.member.get(path + (f"?limit=3&cursor={cursor}" if cursor else "?limit=3")), 200)
        forward += [m["body"] for m in page["items"]]
        if not (cursor := page["next_cursor"]):
            break
    assert forward == [f"m{n}" for n in range(7)]
    newest = expect(await world.member.get(path + "?limit=3&direction=backward"), 200)
    assert [m["body"] for m in newest["items"]] == ["m4", "m5", "m6"]
    older = expect(await world.member.get(path + f"?limit=3&direction=backward&cursor={newest['next_cursor']}"), 200)
    assert [m["body"] for m in older["items"]] == ["m1", "m2", "m3"]


async def test_thread_rename_by_author_or_moderator(world, database_url):
    thread = await start_thread(world.member, world.space_a["id"])
    renamed = expect(await world.member.patch(f"/api/threads/{thread['id']}", json={"title": "New title"}), 200)
    assert renamed["title"] == "New title"
    other_member = world.moderator  # a moderator may rename too
    expect(await other_member.patch(f"/api/threads/{thread['id']}", json={"themes": ["health"]}), 200)
    updates = [e for e in await events(database_url) if e["kind"] == "thread.updated"]
    assert [u["data"] for u in updates][0]["changed"] == ["title"]


async def test_network_space_readable_by_all_but_only_members_post(world):
    space = world.network["id"]
    thread = await start_thread(world.admin, space, title="Open question")
    expect(await world.outsider.get(f"/api/threads/{thread['id']}"), 200)
    expect(await world.outsider.get(f"/api/threads/{thread['id']}/messages"), 200)
    refused = await world.outsider.post(f"/api/threads/{thread['id']}/messages", json={"body": "me too"})
    assert expect(refused, 403)["error"]["code"] == "not_a_member"


async def test_a_reply_quotes_a_shown_message_of_its_thread(world, database_url):
    thread = await start_thread(world.member, world.space_a["id"], body="We opened a **welcome desk** in March.")
    first = thread["first_message"]
    path = f"/api/threads/{thread['id']}/messages"
    reply = expect(await world.moderator.post(path, json={"body": "How many visitors?", "reply_to": first["id"]}), 201)
    member = world.member.user
    assert reply["reply_to"] == {
        "id": first["id"],
        "available": True,
        "author": {
            "id": member["id"],
            "name": member["name"],
            "handle": member["handle"],
            "city_id": member["city_id"],
        },
        "excerpt": "We opened a welcome desk in March.",  # plain text, no markdown
    }
    listed = expect(await world.member.get(path), 200)["items"]
    assert listed[-1]["reply_to"] == reply["reply_to"] and listed[0]["reply_to"] is None
    created = (await events(database_url, world.space_a["id"]))[-1]
    assert created["kind"] == "message.created" and created["data"]["reply_to"] == reply["reply_to"]

    # Refusals, each with the field's code: unknown, another thread, hidden, deleted.
    elsewhere = await start_thread(world.member, world.space_a["id"], title="Another")
    for quoted, code in ((2**31 - 2, "not_found"), (elsewhere["first_message"]["id"], "not_in_thread")):
        refused = expect(await world.member.post(path, json={"body": "Re", "reply_to": quoted}, headers=CODED), 422)
        assert refused["error"]["fields"]["reply_to"]["code"] == code
    expect(await world.moderator.post(f"/api/messages/{reply['id']}/hide", json={"reason": "off topic"}), 200)
    refused = expect(await world.member.post(path, json={"body": "Re", "reply_to": reply["id"]}, headers=CODED), 422)
    assert refused["error"]["fields"]["reply_to"]["code"] == "hidden"
    expect(await world.member.post(path, json={"body": "Re", "reply_to": "x"}), 422)


async def test_a_quote_of_a_hidden_or_deleted_message_never_shows_its_text(world, database_url):
    thread = await start_thread(world.member, world.space_a["id"], body="The secret plan")
    first = thread["first_message"]
    path = f"/api/threads/{thread['id']}/messages"
    reply = expect(await world.moderator.post(path, json={"body": "Answer", "reply_to": first["id"]}), 201)
    expect(await world.moderator.post(f"/api/messages/{first['id']}/hide", json={"reason": "private"}), 200)
    gone = {"id": first["id"], "available": False, "author": None, "excerpt": ""}
    for reader in (world.member, world.moderator):  # even its author and the moderators
        listed = expect(await reader.get(path), 200)["items"]
        assert next(m for m in listed if m["id"] == reply["id"])["reply_to"] == gone
    # The change log (what sockets replay) no longer holds the quoted text either.
    log = await events(database_url, world.space_a["id"])
    assert "The secret plan" not in str([e["data"] for e in log])
    assert [e["data"]["reply_to"] for e in log if e["kind"] == "message.created"][-1] == gone

    # Deleted: the same; a later reply to it is refused.
    second = expect(await world.member.post(path, json={"body": "Second thought"}), 201)
    answer = expect(await world.moderator.post(path, json={"body": "Agreed", "reply_to": second["id"]}), 201)
    expect(await world.member.delete(f"/api/messages/{second['id']}"), 204)
    listed = expect(await world.member.get(path), 200)["items"]
    assert next(m for m in listed if m["id"] == answer["id"])["reply_to"]["available"] is False
    log = await events(database_url, world.space_a["id"])
    assert "Second thought" not in str([e["data"] for e in log])
    refused = expect(await world.member.post(path, json={"body": "Re", "reply_to": second["id"]}, headers=CODED), 422)
    assert refused["error"]["fields"]["reply_to"]["code"] == "not_found"


async def test_thread_list_names_the_last_replier_but_not_of_a_hidden_message(world):
    space = world.space_a["id"]
    thread = await start_thread(world.member, space)
    path = f"/api/spaces/{space}/threads"
    listed = expect(await world.member.get(path), 200)["items"][0]
    assert listed["last_replier"]["id"] == world.member.user["id"] and listed["last_activity_at"]
    answer = expect(await world.moderator.post(f"/api/threads/{thread['id']}/messages", json={"body": "Yes"}), 201)
    listed = expect(await world.member.get(path), 200)["items"][0]
    assert listed["last_replier"]["id"] == world.moderator.user["id"]
    assert listed["last_activity_at"] >= answer["created_at"]
    expect(await world.moderator.post(f"/api/messages/{answer['id']}/hide", json={"reason": "spam"}), 200)
    listed = expect(await world.member.get(path), 200)["items"][0]
    assert listed["last_replier"]["id"] == world.member.user["id"]
    # Each listed thread is the thread as its own route shows it, and its last replier in full.
    pinned = await start_thread(world.moderator, space, title="Read first", themes=["housing"])
    expect(await world.moderator.patch(f"/api/threads/{pinned['id']}", json={"pinned": True, "locked": True}), 200)
    items = expect(await world.member.get(path), 200)["items"]
    assert [t["id"] for t in items[:2]] == [pinned["id"], thread["id"]]
    for item in items[:2]:
        shown = expect(await world.member.get(f"/api/threads/{item['id']}"), 200)
        assert {k: v for k, v in item.items() if k != "last_replier"} == shown
    assert (
        items[0]["last_replier"]
        == items[0]["author"]
        == {k: world.moderator.user[k] for k in ("id", "name", "handle", "city_id")}
    )
    # The next page starts after the last thread of this one.
    first = expect(await world.member.get(path, params={"limit": 1}), 200)
    after = expect(await world.member.get(path, params={"limit": 1, "cursor": first["next_cursor"]}), 200)
    assert [t["id"] for t in first["items"] + after["items"]] == [pinned["id"], thread["id"]]


async def test_my_mentions_list_only_what_i_may_still_read(world):
    handle = world.other.user["handle"]
    in_b = await start_thread(world.admin, world.space_b["id"], title="Toronto desk", body=f"@{handle} see **this**")
    open_ = await start_thread(world.admin, world.network["id"], title="Open call", body=f"Hi @{handle}")
    hidden = await start_thread(world.admin, world.network["id"], title="Rude", body=f"@{handle} rude words")
    expect(await world.admin.post(f"/api/messages/{hidden['first_message']['id']}/hide", json={"reason": "x"}), 200)
    mine = expect(await world.other.get("/api/mentions"), 200)["items"]
    assert [m["message_id"] for m in mine] == [open_["first_message"]["id"], in_b["first_message"]["id"]]
    assert mine[1] | {"created_at": None} == {
        "message_id": in_b["first_message"]["id"],
        "thread_id": in_b["id"],
        "thread_title": "Toronto desk",
        "space_id": world.space_b["id"],
        "space_name": world.space_b["name"],
        "author": mine[1]["author"],
        "excerpt": f"@{handle} see this",
        "created_at": None,
        "unread": True,
    }
    assert mine[1]["author"]["id"] == world.admin.user["id"]
    # Paged, newest first; reading the thread clears "unread".
    page = expect(await world.other.get("/api/mentions", params={"limit": 1}), 200)
    assert len(page["items"]) == 1 and page["next_cursor"]
    rest = expect(await world.other.get("/api/mentions", params={"limit": 1, "cursor": page["next_cursor"]}), 200)
    assert rest["items"][0]["message_id"] == in_b["first_message"]["id"]
    read = {"message_id": in_b["first_message"]["id"]}
    expect(await world.other.put(f"/api/threads/{in_b['id']}/read", json=read), 200)
    assert expect(await world.other.get("/api/mentions"), 200)["items"][1]["unread"] is False
    # Suspended from space B: its mention is no longer listed. Nobody else sees other's mentions.
    user_id = world.other.user["id"]
    path = f"/api/spaces/{world.space_b['id']}/members/{user_id}/suspend"
    expect(await world.admin.post(path, json={"reason": "test"}), 200)
    assert [m["space_id"] for m in expect(await world.other.get("/api/mentions"), 200)["items"]] == [
        world.network["id"]
    ]
    assert expect(await world.member.get("/api/mentions"), 200)["items"] == []
    expect(await world.anonymous.get("/api/mentions"), 401)


async def test_a_page_of_messages_shows_each_as_the_message_itself_does(world):
    """The page is one statement of its own (services/messages.py): each item must equal the view the
    message's own routes give (an unchanged edit answers it), reactions, mentions, quotes and hidden
    text included, for the author, another member and a moderator."""
    thread = await start_thread(world.member, world.space_a["id"], body="We opened a **welcome desk**.")
    path = f"/api/threads/{thread['id']}/messages"
    first = thread["first_message"]
    moderator = world.moderator.user
    reply = expect(
        await world.moderator.post(
            path, json={"body": f"Thanks @{world.member.user['handle']}!", "reply_to": first["id"]}
        ),
        201,
    )
    third = expect(await world.member.post(path, json={"body": f"@{moderator['handle']} see above"}), 201)
    hidden = expect(await world.member.post(path, json={"body": "my phone number is ..."}), 201)
    for emoji in ("%F0%9F%91%8D", "%E2%9D%A4%EF%B8%8F"):  # 👍 then ❤️
        for client in (world.moderator, world.member):
            expect(await client.put(f"/api/messages/{first['id']}/reactions/{emoji}"), 200)
    expect(await world.moderator.put(f"/api/messages/{third['id']}/reactions/%F0%9F%91%8D"), 200)
    expect(await world.moderator.post(f"/api/messages/{hidden['id']}/hide", json={"reason": "private"}), 200)

    authors = {first["id"]: world.member, reply["id"]: world.moderator, third["id"]: world.member}
    own = {}
    for message in (first, reply, third):
        own[message["id"]] = expect(
            await authors[message["id"]].patch(f"/api/messages/{message['id']}", json={"body": message["body"]}), 200
        )
    listed = {m["id"]: m for m in expect(await world.member.get(path), 200)["items"]}
    assert list(listed) == [first["id"], reply["id"], third["id"], hidden["id"]]
    for message_id, view in own.items():
        assert listed[message_id] == view
    assert [r["emoji"] for r in listed[first["id"]]["reactions"]] == ["👍", "❤️"]
    assert listed[first["id"]]["reactions"][0]["count"] == 2 and listed[third["id"]]["mentions"] == [moderator["id"]]
    assert listed[reply["id"]]["reply_to"]["id"] == first["id"]
    # The hidden message: its author still sees its text; an admin sees it with the reason.
    assert listed[hidden["id"]]["body"] == "my phone number is ..." and listed[hidden["id"]]["hidden"] is True
    others = {m["id"]: m for m in expect(await world.admin.get(path), 200)["items"]}
    assert others[hidden["id"]]["hidden_reason"] == "private"
    # Paging backwards gives the same items.
    newest = expect(await world.member.get(path, params={"direction": "backward", "limit": 2}), 200)["items"]
    assert newest == [listed[third["id"]], listed[hidden["id"]]]
