"""Documents attached to a practice record and published with it: who may attach what, which
documents the public may download, and that nothing else is ever served (docs/public.md)."""

from __future__ import annotations

import hashlib

import httpx

from tests.events_helpers import appended, newest
from tests.harness import expect
from tests.library_helpers import pdf_bytes, practice, upload

CODED = {"Prefer": "errors=coded"}


async def _reviewed(world, **changes) -> dict:
    body = practice(world.cities[0]["id"], review_status="reviewed", **changes)
    return expect(await world.moderator.post(f"/api/spaces/{world.space_a['id']}/resources", json=body), 201)


async def _document(client, space_id: int, name: str, text: str, **fields) -> dict:
    return expect(await upload(client, space_id, name, pdf_bytes(text), "application/pdf", **fields), 201)


def _anonymous(server) -> httpx.AsyncClient:
    return httpx.AsyncClient(base_url=server.base_url, timeout=30)


async def _attach(client, record: dict, document: dict, status: int = 200, **kwargs) -> dict:
    return expect(await client.put(f"/api/resources/{record['id']}/attachments/{document['id']}", **kwargs), status)


async def test_a_practice_is_published_with_its_attachments_and_anyone_downloads_them(world, server):
    record = await _reviewed(world)
    space = world.space_a["id"]
    plan = await _document(world.member, space, "desk plan.pdf", "Floor plan of the desk", title="Desk floor plan")
    survey = await _document(world.moderator, space, "survey.pdf", "Survey 2022 answers")
    attached = await _attach(world.moderator, record, plan)
    assert [a["id"] for a in attached["attachments"]] == [plan["id"]]
    assert attached["attachments"][0]["published"] is False
    await _attach(world.moderator, record, survey)
    await _attach(world.moderator, record, survey)  # attaching twice changes nothing
    published = expect(await world.moderator.post(f"/api/resources/{record['id']}/publish"), 200)
    assert published["attachment_ids"] == sorted([plan["id"], survey["id"]])
    status = expect(await world.member.get(f"/api/resources/{record['id']}/publication"), 200)
    assert status["attachment_ids"] == sorted([plan["id"], survey["id"]])
    url = published["url"]
    async with _anonymous(server) as anonymous:
        page = (await anonymous.get(url)).text
        assert (
            "Desk floor plan" in page
            and "(PDF, " in page
            and f"{url}/files/{plan['id']}".split(server.base_url)[1] in page
        )
        download = await anonymous.get(f"{url}/files/{plan['id']}")
        assert download.status_code == 200, download.text
        assert hashlib.sha256(download.content).hexdigest() == plan["file"]["sha256"]
        assert download.headers["content-type"] == "application/pdf"
        assert download.headers["content-disposition"].startswith('attachment; filename="desk plan.pdf"')
        assert download.headers["x-content-type-options"] == "nosniff"
        assert "sandbox" in download.headers["content-security-policy"]
        assert "set-cookie" not in download.headers
        head = await anonymous.head(f"{url}/files/{plan['id']}")
        assert head.status_code == 200 and head.headers["content-length"] == str(plan["file"]["size"])
        again = await anonymous.get(f"{url}/files/{plan['id']}", headers={"If-None-Match": download.headers["etag"]})
        assert again.status_code == 304
        # Unpublishing takes the files off at once, with the page.
        expect(await world.moderator.post(f"/api/resources/{record['id']}/unpublish"), 200)
        assert (await anonymous.get(f"{url}/files/{plan['id']}")).status_code == 410
        detail = expect(await world.moderator.get(f"/api/resources/{record['id']}"), 200)
        assert [a["published"] for a in detail["attachments"]] == [False, False]
        # Publishing again with an explicit choice publishes only those.
        chosen = expect(
            await world.moderator.post(
                f"/api/resources/{record['id']}/publish", json={"attachment_ids": [survey["id"]]}
            ),
            200,
        )
        assert chosen["attachment_ids"] == [survey["id"]]
        assert (await anonymous.get(f"{url}/files/{plan['id']}")).status_code == 404
        assert (await anonymous.get(f"{url}/files/{survey['id']}")).status_code == 200
        page = (await anonymous.get(url)).text
        assert "Desk floor plan" not in page and "survey.pdf" in page
        # While published, publishing again changes the choice, and [] publishes none.
        expect(await world.moderator.post(f"/api/resources/{record['id']}/publish", json={"attachment_ids": []}), 200)
        assert (await anonymous.get(f"{url}/files/{survey['id']}")).status_code == 404
        assert "survey.pdf" not in (await anonymous.get(url)).text


async def test_no_download_of_what_was_not_published_with_the_practice(world, server):
    space = world.space_a["id"]
    record = await _reviewed(world)
    kept = await _document(world.moderator, space, "kept.pdf", "kept back")
    shown = await _document(world.moderator, space, "shown.pdf", "shown to all")
    late = await _document(world.moderator, space, "late.pdf", "attached after publishing")
    loose = await _document(world.moderator, space, "loose.pdf", "never attached")
    for document in (kept, shown):
        await _attach(world.moderator, record, document)
    url = expect(
        await world.moderator.post(f"/api/resources/{record['id']}/publish", json={"attachment_ids": [shown["id"]]}),
        200,
    )["url"]
    await _attach(world.moderator, record, late)
    other_record = await _reviewed(world, title="Another practice")
    await _attach(world.moderator, other_record, loose)
    other_url = expect(await world.moderator.post(f"/api/resources/{other_record['id']}/publish"), 200)["url"]
    async with _anonymous(server) as anonymous:
        assert (await anonymous.get(f"{url}/files/{shown['id']}")).status_code == 200
        for document in (kept, late, loose):  # attached but not chosen, attached since, another practice's
            assert (await anonymous.get(f"{url}/files/{document['id']}")).status_code == 404, document["title"]
        assert (await anonymous.get(f"{other_url}/files/{shown['id']}")).status_code == 404
        assert (await anonymous.get(f"{url}/files/{record['id']}")).status_code == 404  # the practice itself
        assert (await anonymous.get(f"/knowledge/antwerp/no-such-practice/files/{shown['id']}")).status_code == 404
        page = (await anonymous.get(url)).text
        assert "shown.pdf" in page and "kept.pdf" not in page and "late.pdf" not in page
        # Hiding the document takes it off; detaching it too; deleting it answers 404.
        expect(await world.moderator.post(f"/api/resources/{shown['id']}/hide", json={"reason": "check"}), 200)
        assert (await anonymous.get(f"{url}/files/{shown['id']}")).status_code == 404
        expect(await world.moderator.post(f"/api/resources/{shown['id']}/unhide"), 200)
        assert (await anonymous.get(f"{url}/files/{shown['id']}")).status_code == 200
        expect(await world.moderator.delete(f"/api/resources/{record['id']}/attachments/{shown['id']}"), 200)
        assert (await anonymous.get(f"{url}/files/{shown['id']}")).status_code == 404
        loose_url = f"{other_url}/files/{loose['id']}"
        assert (await anonymous.get(loose_url)).status_code == 200
        expect(await world.moderator.delete(f"/api/resources/{loose['id']}"), 204)
        assert (await anonymous.get(loose_url)).status_code == 404
        # Hiding the practice, or its review status going back, answers 410 for its files too.
        await _attach(world.moderator, record, kept)
        expect(await world.moderator.post(f"/api/resources/{record['id']}/publish"), 200)
        assert (await anonymous.get(f"{url}/files/{kept['id']}")).status_code == 200
        expect(await world.moderator.patch(f"/api/resources/{record['id']}", json={"review_status": "draft"}), 200)
        assert (await anonymous.get(f"{url}/files/{kept['id']}")).status_code == 410
        assert "kept.pdf" not in (await anonymous.get(url)).text


async def test_attaching_is_checked_with_a_code_per_field(world):
    space = world.space_a["id"]
    record = await _reviewed(world)
    other_space_doc = await _document(world.other, world.space_b["id"], "toronto.pdf", "Toronto only")
    link = expect(
        await world.moderator.post(
            f"/api/spaces/{space}/resources", json={"kind": "link", "title": "A link", "url": "https://example.org/"}
        ),
        201,
    )
    hidden = await _document(world.moderator, space, "hidden.pdf", "hidden one")
    expect(await world.moderator.post(f"/api/resources/{hidden['id']}/hide", json={"reason": "check"}), 200)
    cases = [
        (other_space_doc, "not_in_library", "unknown_attachment"),
        ({"id": 999_999}, "not_in_library", "unknown_attachment"),
        (link, "not_a_document", "unknown_attachment"),
        (hidden, "hidden", "unknown_attachment"),
    ]
    for document, field_code, code in cases:
        body = await _attach(world.moderator, record, document, 422, headers=CODED)
        assert body["error"]["code"] == code, document
        assert body["error"]["fields"]["document_id"]["code"] == field_code, document
    own = await _document(world.moderator, space, "own.pdf", "own document")
    # Only practice records take attachments; only their editors attach.
    body = await _attach(world.moderator, link, own, 422, headers=CODED)
    assert body["error"]["fields"]["resource_id"]["code"] == "not_a_practice"
    assert (await _attach(world.member, record, own, 403))["error"]["code"] == "not_the_author"
    await _attach(world.other, record, own, 404)
    await _attach(world.anonymous, record, own, 401)
    # Publishing names attachments of this practice only.
    refused = expect(
        await world.moderator.post(
            f"/api/resources/{record['id']}/publish", json={"attachment_ids": [own["id"]]}, headers=CODED
        ),
        422,
    )
    assert refused["error"]["fields"]["attachment_ids"]["code"] == "not_attached"
    assert expect(await world.moderator.post(f"/api/resources/{record['id']}/publish", json={"x": 1}), 422)
    assert expect(
        await world.moderator.post(
            f"/api/resources/{record['id']}/publish", content=b"[", headers={"Content-Type": "application/json"}
        ),
        400,
    )


async def test_every_attachment_change_and_choice_is_in_the_change_log(world, database_url):
    record = await _reviewed(world)
    document = await _document(world.moderator, world.space_a["id"], "a.pdf", "a")
    after = await newest(database_url)
    await _attach(world.moderator, record, document)
    expect(await world.moderator.post(f"/api/resources/{record['id']}/publish"), 200)
    expect(await world.moderator.post(f"/api/resources/{record['id']}/publish", json={"attachment_ids": []}), 200)
    expect(await world.moderator.post(f"/api/resources/{record['id']}/publish", json={"attachment_ids": []}), 200)
    expect(await world.moderator.delete(f"/api/resources/{record['id']}/attachments/{document['id']}"), 200)
    expect(await world.moderator.delete(f"/api/resources/{record['id']}/attachments/{document['id']}"), 200)
    kinds = [(e["kind"], e["data"].get("changed")) for e in await appended(database_url, after=after)]
    assert kinds == [
        ("resource.updated", ["attachments"]),
        ("publication.published", None),
        ("publication.published", None),  # the choice changed: every node drops its pages
        ("resource.updated", ["attachments"]),
    ]


async def test_the_openapi_document_describes_attachments_and_the_publish_body(world):
    paths = expect(await world.anonymous.get("/api/openapi.json"), 200)["paths"]
    assert "put" in paths["/api/resources/{resource_id}/attachments/{document_id}"]
    assert "delete" in paths["/api/resources/{resource_id}/attachments/{document_id}"]
    body = paths["/api/resources/{resource_id}/publish"]["post"]["requestBody"]
    assert body["required"] is False
