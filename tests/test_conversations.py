"""Direct conversations over HTTP: who may start, read, write and leave them (issue 15)."""

from __future__ import annotations

from dataclasses import replace

import httpx

from tests.harness import ServerThread, expect, inside_one_rate_window

CODED = {"Prefer": "errors=coded"}


async def start(client, *people, title: str = "") -> dict:
    body = {"participant_ids": [p.user["id"] for p in people], "title": title}
    response = await client.post("/api/conversations", json=body)
    assert response.status_code in (200, 201), response.text
    return response.json()


async def test_two_officials_of_different_cities_converse(world):
    talk = await start(world.member, world.other)
    assert {p["id"] for p in talk["participants"]} == {world.member.user["id"], world.other.user["id"]}
    first = expect(
        await world.member.post(
            f"/api/conversations/{talk['id']}/messages", json={"body": "Hello **Olivia**", "client_id": "c1"}
        ),
        201,
    )
    assert first["conversation_id"] == talk["id"] and "<strong>Olivia</strong>" in first["html"]
    again = expect(
        await world.member.post(
            f"/api/conversations/{talk['id']}/messages", json={"body": "Hello **Olivia**", "client_id": "c1"}
        ),
        200,
    )
    assert again["id"] == first["id"]
    reply = expect(await world.other.post(f"/api/conversations/{talk['id']}/messages", json={"body": "Hi!"}), 201)
    page = expect(await world.member.get(f"/api/conversations/{talk['id']}/messages"), 200)
    assert [m["id"] for m in page["items"]] == [first["id"], reply["id"]]
    mine = expect(await world.member.get("/api/conversations"), 200)["items"]
    assert [(c["id"], c["unread"]) for c in mine] == [(talk["id"], 1)]
    expect(
        await world.member.put(f"/api/conversations/{talk['id']}/read", json={"last_read_message_id": reply["id"]}), 200
    )
    assert expect(await world.member.get(f"/api/conversations/{talk['id']}"), 200)["unread"] == 0
    # "Message" on the same person again opens the same conversation.
    assert (await start(world.other, world.member))["id"] == talk["id"]


async def test_only_participants_ever_read_a_conversation(world):
    talk = await start(world.member, world.other)
    expect(await world.member.post(f"/api/conversations/{talk['id']}/messages", json={"body": "private"}), 201)
    for outsider in (world.admin, world.moderator, world.outsider):
        expect(await outsider.get(f"/api/conversations/{talk['id']}"), 404)
        expect(await outsider.get(f"/api/conversations/{talk['id']}/messages"), 404)
        expect(await outsider.post(f"/api/conversations/{talk['id']}/messages", json={"body": "let me in"}), 404)
        expect(await outsider.delete(f"/api/conversations/{talk['id']}/participants/me"), 404)
        assert expect(await outsider.get("/api/conversations"), 200)["items"] == []
    expect(await world.anonymous.get(f"/api/conversations/{talk['id']}"), 401)
    # Leaving: the conversation stops existing for the one who left, not for the others.
    expect(await world.other.delete(f"/api/conversations/{talk['id']}/participants/me"), 204)
    expect(await world.other.get(f"/api/conversations/{talk['id']}/messages"), 404)
    expect(await world.other.post(f"/api/conversations/{talk['id']}/messages", json={"body": "back?"}), 404)
    remaining = expect(await world.member.get(f"/api/conversations/{talk['id']}"), 200)
    assert [p["id"] for p in remaining["participants"]] == [world.member.user["id"]]


async def test_a_client_id_is_not_reused_across_conversations(world):
    one = await start(world.member, world.other)
    two = await start(world.member, world.other, world.moderator, title="Housing trio")
    expect(
        await world.member.post(f"/api/conversations/{one['id']}/messages", json={"body": "a", "client_id": "k"}), 201
    )
    reused = await world.member.post(f"/api/conversations/{two['id']}/messages", json={"body": "a", "client_id": "k"})
    assert expect(reused, 409)["error"]["code"] == "client_id_reused"


async def test_who_may_be_asked_into_a_conversation(world):
    url = "/api/conversations"
    alone = await world.member.post(url, json={"participant_ids": [world.member.user["id"]]}, headers=CODED)
    assert expect(alone, 422)["error"]["fields"]["participant_ids"]["code"] == "too_few"
    crowd = await world.member.post(url, json={"participant_ids": list(range(1, 12))}, headers=CODED)
    assert "participant_ids" in expect(crowd, 422)["error"]["fields"]
    missing = await world.member.post(url, json={"participant_ids": [999999]}, headers=CODED)
    assert expect(missing, 422)["error"]["fields"]["participant_ids"]["code"] == "unknown_ids"
    # Someone unlisted who shares no space with me does not exist for me.
    expect(await world.other.patch("/api/me", json={"visibility": {"listing": "spaces"}}), 200)
    hidden = await world.member.post(url, json={"participant_ids": [world.other.user["id"]]}, headers=CODED)
    assert expect(hidden, 422)["error"]["fields"]["participant_ids"]["code"] == "unknown_ids"
    expect(await world.admin.post(f"/api/users/{world.moderator.user['id']}/deactivate", json={}), 200)
    gone = await world.member.post(url, json={"participant_ids": [world.moderator.user["id"]]}, headers=CODED)
    error = expect(gone, 422)["error"]
    assert error["code"] == "participant_deactivated" and error["fields"]["participant_ids"]["code"] == "deactivated"


async def test_a_block_stops_new_conversations_from_that_person(world):
    member_id = world.member.user["id"]
    blocked = expect(await world.outsider.put(f"/api/people/{member_id}/block"), 200)
    assert blocked == {"person_id": member_id, "blocked": True}
    assert expect(await world.outsider.get(f"/api/people/{member_id}"), 200)["blocked"] is True
    refused = await world.member.post("/api/conversations", json={"participant_ids": [world.outsider.user["id"]]})
    assert expect(refused, 403)["error"]["code"] == "blocked"
    # The one who blocks may still write to them; unblocking lets them start one again.
    await start(world.outsider, world.member)
    expect(await world.outsider.delete(f"/api/people/{member_id}/block"), 200)
    await start(world.member, world.outsider, title="Now allowed")
    self_block = await world.member.put(f"/api/people/{member_id}/block")
    assert expect(self_block, 422)["error"]["code"] == "block_self"
    expect(await world.member.put("/api/people/999999/block"), 404)


async def test_new_conversations_are_rate_limited(world, settings, database_url):
    limited = ServerThread(replace(settings, rate_limits={**settings.rate_limits, "conversation": 3}), database_url)
    limited.start()
    try:
        async with httpx.AsyncClient(base_url=limited.base_url, headers=dict(world.bearer.http.headers)) as member:
            await inside_one_rate_window()
            statuses = []
            for i in range(5):
                body = {"participant_ids": [world.other.user["id"]], "title": f"Topic {i}"}
                statuses.append((await member.post("/api/conversations", json=body)).status_code)
            assert statuses == [201, 201, 201, 429, 429], statuses
            mine = expect(await member.get("/api/conversations"), 200)["items"]
            assert len(mine) == 3  # a refused start leaves nothing behind
    finally:
        limited.stop()
