"""Reporting a direct message to the platform admins (issue 15): admins see the reported message
(author, text when reported, reason, reporter) and nothing else of the conversation, and still get
404 on the conversation itself."""

from __future__ import annotations

from tests.harness import expect
from tests.test_conversations_live import say, start

CODED = {"Prefer": "errors=coded"}


def report_url(talk: dict, message: dict) -> str:
    return f"/api/conversations/{talk['id']}/messages/{message['id']}/report"


async def test_admins_see_only_the_reported_message(world):
    talk = await start(world.member, world.other)
    await say(world.other, talk["id"], "Context the admins must never read")
    rude = await say(world.member, talk["id"], "Something abusive")
    await say(world.member, talk["id"], "A later message, private too")
    made = expect(await world.other.post(report_url(talk, rude), json={"reason": "Insults"}), 201)
    again = expect(await world.other.post(report_url(talk, rude), json={"reason": "Insults again"}), 200)
    assert again["id"] == made["id"]  # one open report per reporter and message
    # The author then edits the message: the report keeps what it said when reported.
    expect(
        await world.member.patch(f"/api/conversations/{talk['id']}/messages/{rude['id']}", json={"body": "nice"}), 200
    )

    listed = expect(await world.admin.get("/api/conversation-reports"), 200)["items"]
    assert len(listed) == 1
    (item,) = listed
    assert item["message"]["body"] == "Something abusive" and item["message"]["author"]["id"] == world.member.user["id"]
    assert item["reason"] == "Insults" and item["reporter"]["id"] == world.other.user["id"]
    assert item["state"] == "open" and "conversation_id" not in str(item)
    assert "never read" not in str(item) and "later message" not in str(item)
    # Nothing else of the conversation is open to the admin.
    for path in ("", "/messages"):
        expect(await world.admin.get(f"/api/conversations/{talk['id']}{path}"), 404)

    done = expect(
        await world.admin.post(f"/api/conversation-reports/{item['id']}/resolve", json={"action": "dismiss"}), 200
    )
    assert done["state"] == "dismissed" and done["resolved_by"]["id"] == world.admin.user["id"]
    closed = await world.admin.post(f"/api/conversation-reports/{item['id']}/resolve", json={"action": "resolve"})
    assert expect(closed, 409)["error"]["code"] == "report_closed"
    assert expect(await world.admin.get("/api/conversation-reports"), 200)["items"] == []
    assert len(expect(await world.admin.get("/api/conversation-reports?state=all"), 200)["items"]) == 1


async def test_a_deleted_message_stays_in_its_report(world):
    talk = await start(world.member, world.other)
    rude = await say(world.member, talk["id"], "Deleted after the report")
    expect(await world.other.post(report_url(talk, rude), json={"reason": "Threat"}), 201)
    expect(await world.member.delete(f"/api/conversations/{talk['id']}/messages/{rude['id']}"), 204)
    (item,) = expect(await world.admin.get("/api/conversation-reports"), 200)["items"]
    assert item["message"]["id"] is None and item["message"]["body"] == "Deleted after the report"


async def test_who_may_report_and_bad_reports(world):
    talk = await start(world.member, world.other)
    mine = await say(world.member, talk["id"], "Mine")
    for stranger in (world.admin, world.outsider, world.moderator):
        expect(await stranger.post(report_url(talk, mine), json={"reason": "x"}), 404)
    own = await world.member.post(report_url(talk, mine), json={"reason": "x"}, headers=CODED)
    assert expect(own, 422)["error"]["fields"]["message_id"]["code"] == "own_message"
    blank = await world.other.post(report_url(talk, mine), json={"reason": "  "}, headers=CODED)
    assert "reason" in expect(blank, 422)["error"]["fields"]
    long = await world.other.post(report_url(talk, mine), json={"reason": "x" * 1001}, headers=CODED)
    assert "reason" in expect(long, 422)["error"]["fields"]
    expect(await world.other.post(f"/api/conversations/{talk['id']}/messages/999999/report", json={"reason": "x"}), 404)
    # Only platform admins list and resolve reports.
    made = expect(await world.other.post(report_url(talk, mine), json={"reason": "Spam"}), 201)
    for someone in (world.member, world.other, world.moderator):
        expect(await someone.get("/api/conversation-reports"), 403)
        expect(await someone.post(f"/api/conversation-reports/{made['id']}/resolve", json={"action": "dismiss"}), 403)
    bad = await world.admin.post(
        f"/api/conversation-reports/{made['id']}/resolve", json={"action": "delete"}, headers=CODED
    )
    assert "action" in expect(bad, 422)["error"]["fields"]
    expect(await world.admin.get("/api/conversation-reports?state=maybe"), 422)
    expect(await world.admin.post("/api/conversation-reports/999999/resolve", json={"action": "dismiss"}), 404)
