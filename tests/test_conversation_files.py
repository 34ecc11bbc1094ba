"""Files posted into a direct conversation (issue 15): content-checked like the library's, sent as a
direct message, downloadable by current participants only; anyone else gets 404, admins included."""

from __future__ import annotations

from tests.harness import expect
from tests.realtime_helpers import Live
from tests.test_conversations_live import follow, start

CODED = {"Prefer": "errors=coded"}
PDF = b"%PDF-1.4\n1 0 obj << >> endobj\ntrailer << >>\n%%EOF\n"


async def send(client, talk: dict, name: str, data: bytes, body: str | None = None, headers=None):
    form = {"body": body} if body is not None else None
    return await client.post(
        f"/api/conversations/{talk['id']}/files",
        data=form,
        files={"file": (name, data, "application/pdf")},
        headers=headers,
    )


async def test_a_file_reaches_the_participants_and_nobody_else(server, world):
    talk = await start(world.member, world.other, world.moderator)
    other = await Live.open(server.base_url, world.other)
    await follow(other, talk["id"])
    message = expect(await send(world.member, talk, "shelter plan.pdf", PDF, body="The **plan**"), 201)
    file = message["file"]
    assert file["name"] == "shelter plan.pdf" and file["size"] == len(PDF) and file["content_type"] == "application/pdf"
    assert "<strong>plan</strong>" in message["html"]
    frame = await other.until(lambda f: f.get("type") == "event" and f["kind"] == "dm.created")
    assert frame["data"]["file"] == file
    listed = expect(await world.other.get(f"/api/conversations/{talk['id']}/messages"), 200)["items"]
    assert listed[0]["file"] == file
    url = f"/api/conversations/{talk['id']}/files/{file['id']}"
    got = await world.other.get(url)
    assert got.status_code == 200 and got.content == PDF
    assert got.headers["content-disposition"].startswith("attachment;")
    assert got.headers["x-content-type-options"] == "nosniff"
    for stranger in (world.admin, world.outsider):
        expect(await stranger.get(url), 404)
    # The right file under another conversation of mine is not found either.
    elsewhere = await start(world.member, world.outsider)
    expect(await world.member.get(f"/api/conversations/{elsewhere['id']}/files/{file['id']}"), 404)
    # Someone who leaves can no longer download it.
    assert (await world.moderator.get(url)).status_code == 200
    expect(await world.moderator.delete(f"/api/conversations/{talk['id']}/participants/me"), 204)
    expect(await world.moderator.get(url), 404)
    # Deleting the message deletes the file with it.
    expect(await world.member.delete(f"/api/conversations/{talk['id']}/messages/{message['id']}"), 204)
    expect(await world.other.get(url), 404)
    await other.close()


async def test_strangers_cannot_post_files_and_bad_files_are_refused(world):
    talk = await start(world.member, world.other)
    for stranger in (world.admin, world.outsider):
        expect(await send(stranger, talk, "x.pdf", PDF), 404)
    program = await send(world.member, talk, "invoice.pdf", b"MZ\x90\x00\x03" + b"\x00" * 64, headers=CODED)
    assert expect(program, 422)["error"]["fields"]["file"]["code"] == "file_type_not_allowed"
    # A script is plain text: it is kept as text, its name saying so, and served as an attachment.
    script = expect(await send(world.member, talk, "invoice.pdf", b"#!/bin/sh\nrm -rf /\n"), 201)
    assert script["file"]["content_type"] == "text/plain" and script["file"]["name"] == "invoice.pdf.txt"
    expect(await world.member.delete(f"/api/conversations/{talk['id']}/messages/{script['id']}"), 204)
    empty = await send(world.member, talk, "empty.pdf", b"", headers=CODED)
    assert expect(empty, 422)["error"]["fields"]["file"]["code"] == "empty_file"
    extra = await world.member.post(
        f"/api/conversations/{talk['id']}/files",
        data={"title": "x"},
        files={"file": ("a.pdf", PDF, "application/pdf")},
        headers=CODED,
    )
    assert expect(extra, 422)["error"]["fields"]["title"]["code"] == "unknown_field"
    nofile = await world.member.post(f"/api/conversations/{talk['id']}/files", files={"other": ("a.pdf", PDF)})
    expect(nofile, 422)
    assert expect(await world.other.get(f"/api/conversations/{talk['id']}/messages"), 200)["items"] == []
