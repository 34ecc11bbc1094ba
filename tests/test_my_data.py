"""A person's own data: the export zip, opened and checked; erasure, checked in the tables and the search index."""

from __future__ import annotations

import asyncio
import io
import json
import zipfile

from sqlalchemy import select, text

from server.db.models import Message, User
from tests.conftest import PASSWORD
from tests.harness import expect
from tests.library_helpers import pdf_bytes, upload
from tests.realtime_helpers import Live
from tests.test_search_api import post_thread, search

MEMBER_EMAIL = "member@danang.test"


def _png() -> bytes:
    from PIL import Image

    buffer = io.BytesIO()
    Image.new("RGB", (64, 48), (10, 20, 30)).save(buffer, format="PNG")
    return buffer.getvalue()


PNG = _png()


async def ready_export(client) -> dict:
    started = await client.post("/api/me/export")
    export = expect(started, 202)
    assert started.headers["location"] == export["url"]
    for _ in range(200):
        export = expect(await client.get(export["url"]), 200)
        if export["state"] != "pending":
            return export
        await asyncio.sleep(0.1)
    raise AssertionError(f"the export did not finish: {export}")


async def test_export_is_a_zip_of_my_data_downloadable_once_by_me_only(world):
    member, space = world.member, world.space_a["id"]
    thread = await post_thread(member, space, "Winter shelter", "The shelter opens on Monday.")
    message_id = thread["first_message"]["id"]
    expect(await member.put(f"/api/messages/{message_id}/reactions/👍"), 200)
    pdf = pdf_bytes("tenancy guide")
    expect(await upload(member, space, "guide.pdf", pdf, "application/pdf", title="Tenancy guide"), 201)
    export = await ready_export(member)
    assert export["state"] == "ready" and export["progress"] == 100
    # not theirs: as if it did not exist
    expect(await world.other.get(export["url"]), 404)
    expect(await world.other.get(export["download_url"]), 404)
    download = await member.get(export["download_url"])
    assert download.status_code == 200 and download.headers["content-type"] == "application/zip"
    archive = zipfile.ZipFile(io.BytesIO(download.content))
    names = set(archive.namelist())
    assert {"profile.json", "messages.json", "reactions.json", "memberships.json", "uploads.json"} <= names
    assert json.loads(archive.read("profile.json"))["email"] == MEMBER_EMAIL
    messages = json.loads(archive.read("messages.json"))
    assert [m["body"] for m in messages] == ["The shelter opens on Monday."]
    assert json.loads(archive.read("reactions.json")) == [{"message_id": message_id, "emoji": "👍"}]
    assert [m["space_id"] for m in json.loads(archive.read("memberships.json"))] == [space]
    [file_name] = [n for n in names if n.startswith("files/")]
    assert file_name.endswith("guide.pdf") and archive.read(file_name) == pdf
    # single use
    assert expect(await member.get(export["download_url"]), 409)["error"]["code"] == "export_downloaded"
    assert expect(await member.get(export["url"]), 200)["state"] == "downloaded"


async def test_erasure_pseudonymises_and_leaves_no_name_or_email(world, database_url, db, clients, server):
    member, space = world.member, world.space_a["id"]
    member_id = member.user["id"]
    await post_thread(member, space, "Winter shelter", "The shelter opens on Monday.")
    profile = {"office": "Housing", "bio": "Ten years here.", "expertise_tags": ["tenancy"]}
    expect(await member.patch("/api/me", json=profile), 200)
    picture = {"file": ("me.png", PNG, "image/png")}
    assert expect(await member.put("/api/me/photo", files=picture), 200)["photo_url"]
    before = await search(member, database_url, q="shelter")
    assert [h["author"]["name"] for h in before["hits"]] == ["Nguyen Member"] * len(before["hits"]) != []
    live = await Live.open(server.base_url, member)
    await live.of_type("hello")
    wrong = await member.request("DELETE", "/api/me", json={"password": "not my password"})
    assert expect(wrong, 422)["error"]["fields"] == {"password": "wrong password"}
    expect(await member.request("DELETE", "/api/me", json={"password": PASSWORD}), 204)
    assert await live.closed() == 4401
    expect(await member.get("/api/me"), 401)
    expect(await world.bearer.get("/api/me"), 401)
    expect(await clients().sign_in(MEMBER_EMAIL, PASSWORD), 401)

    user = await db.get(User, member_id)
    assert user.name == "Former member" and user.erased_at is not None
    assert (user.office, user.bio, user.expertise_tags, user.photo_key) == ("", "", [], None)
    for needle in ("nguyen", "member@danang", "danang.test"):
        rows = await db.execute(
            text("SELECT id FROM users WHERE lower(name) LIKE :n OR lower(email) LIKE :n OR lower(handle) LIKE :n"),
            {"n": f"%{needle}%"},
        )
        assert rows.all() == [], needle
    # the message stays (the default keeps bodies), under the pseudonym, in the index too
    assert await db.scalar(select(Message.body).where(Message.author_id == member_id)) == (
        "The shelter opens on Monday."
    )
    after = await search(world.moderator, database_url, q="shelter")
    assert after["hits"] and {h["author"]["name"] for h in after["hits"]} == {"Former member"}
    for query in ("Nguyen", MEMBER_EMAIL):
        assert (await search(world.moderator, database_url, q=query))["hits"] == []
        assert expect(await world.admin.get("/api/users", params={"q": query}), 200)["items"] == []
