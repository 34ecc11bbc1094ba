"""The library through the API: links, practice records, uploads, downloads, versions,
adaptations, threads turned into practices, collections, and who may see what."""

from __future__ import annotations

from sqlalchemy import select

from server.db.models import Event, Resource
from tests.conftest import invite_user
from tests.harness import expect
from tests.library_helpers import docx_bytes, pdf_bytes, png_bytes, practice, upload


def files_dir(settings):
    return settings.data_dir / "files"


async def test_links_and_practice_records_are_listed_filtered_sorted_and_paged(world):
    a, antwerp, danang = world.space_a["id"], world.cities[0]["id"], world.cities[1]["id"]
    link = expect(
        await world.member.post(
            f"/api/spaces/{a}/resources",
            json={
                "kind": "link",
                "title": "UN Migration Network Hub",
                "url": "https://migrationnetwork.un.org/hub",
                "themes": ["integration"],
                "language": "en",
            },
        ),
        201,
    )
    assert (
        link["kind"] == "link"
        and link["url"].startswith("https://")
        and link["author"]["id"] == world.member.user["id"]
    )
    record = expect(await world.member.post(f"/api/spaces/{a}/resources", json=practice(antwerp)), 201)
    assert record["practice"]["gcm_objectives"] == [15, 16]
    assert record["practice"]["city_profile"] == "traditional"
    assert record["practice"]["review_status"] == "draft" and record["practice"]["licence"] == "CC-BY-4.0"
    assert record["adapted_from"] == [] and record["adapted_by"] == [] and record["version"] == 1
    expect(
        await world.member.post(
            f"/api/spaces/{a}/resources",
            json=practice(danang, title="Apprenticeships for newcomers", themes=["employment"], language="vi"),
        ),
        201,
    )

    async def titles(**params):
        page = expect(await world.member.get(f"/api/spaces/{a}/resources", params=params), 200)
        return [item["title"] for item in page["items"]]

    assert await titles() == [
        "Apprenticeships for newcomers",
        "Welcome desks in the town hall",
        "UN Migration Network Hub",
    ]
    assert await titles(kind="link") == ["UN Migration Network Hub"]
    assert await titles(theme="housing") == ["Welcome desks in the town hall"]
    assert await titles(language="vi") == ["Apprenticeships for newcomers"]
    assert await titles(city=antwerp) == ["Welcome desks in the town hall"]
    assert await titles(objective=16, kind="practice") == [
        "Apprenticeships for newcomers",
        "Welcome desks in the town hall",
    ]
    assert await titles(featured="true") == []
    assert await titles(sort="title") == [
        "Apprenticeships for newcomers",
        "UN Migration Network Hub",
        "Welcome desks in the town hall",
    ]
    seen, cursor = [], None
    while True:
        params = {"sort": "title", "limit": 2} | ({"cursor": cursor} if cursor else {})
        page = expect(await world.member.get(f"/api/spaces/{a}/resources", params=params), 200)
        seen += [item["title"] for item in page["items"]]
        if not (cursor := page["next_cursor"]):
            break
    assert seen == await titles(sort="title")
    expect(await world.member.get(f"/api/spaces/{a}/resources", params={"theme": "astrology"}), 422)
    expect(await world.member.get(f"/api/spaces/{a}/resources", params={"cursor": "forged.cursor"}), 400)


async def test_bad_links_and_incomplete_practice_records_are_refused(world):
    a = world.space_a["id"]
    for url in (
        "javascript:alert(1)",
        " JavaScript:alert(document.cookie)",
        "data:text/html,<script>x</script>",
        "file:///etc/passwd",
        "//evil.test/x",
        "https://user:pw@evil.test/",
        "http://exa mple.test/",
    ):
        body = expect(
            await world.member.post(f"/api/spaces/{a}/resources", json={"kind": "link", "title": "x", "url": url}), 422
        )
        assert "url" in body["error"]["fields"], url
    body = expect(
        await world.member.post(f"/api/spaces/{a}/resources", json={"kind": "practice", "title": "Half a record"}), 422
    )
    assert {"summary", "city_id", "themes", "language"} <= set(body["error"]["fields"])
    body = expect(await world.member.post(f"/api/spaces/{a}/resources", json={"kind": "video", "title": "x"}), 422)
    assert "kind" in body["error"]["fields"]
    expect(
        await world.member.post(
            f"/api/spaces/{a}/resources", json=practice(world.cities[0]["id"], gcm_objectives=[24])
        ),
        422,
    )
    expect(
        await world.member.post(
            f"/api/spaces/{a}/resources", json=practice(world.cities[0]["id"], themes=["not-a-theme"])
        ),
        422,
    )
    expect(await world.member.post(f"/api/spaces/{a}/resources", json=practice(999_999)), 422)
    expect(await world.member.post(f"/api/spaces/{a}/resources", json={"kind": "poem", "title": "x"}), 422)
    expect(
        await world.member.post(
            f"/api/spaces/{a}/resources", json=practice(world.cities[0]["id"], review_status="reviewed")
        ),
        403,
    )


async def test_real_pdf_and_docx_have_their_text_extracted_and_download_as_attachments(world, db, settings):
    a = world.space_a["id"]
    pdf = pdf_bytes("Participatory budgeting with newcomer councils")
    created = expect(
        await upload(
            world.member,
            a,
            "Rapport final.pdf",
            pdf,
            "application/pdf",
            title="Final report",
            themes="integration,housing",
            language="fr",
        ),
        201,
    )
    assert created["file"]["content_type"] == "application/pdf" and created["file"]["name"] == "Rapport final.pdf"
    assert created["file"]["size"] == len(pdf) and created["file"]["has_text"] is True
    assert created["themes"] == ["integration", "housing"] and created["language"] == "fr"
    word = expect(
        await upload(
            world.member,
            a,
            "note.docx",
            docx_bytes("Buddy schemes pair families"),
            themes=["education"],
            city_id=str(world.cities[1]["id"]),
        ),
        201,
    )
    assert word["file"]["content_type"].endswith("wordprocessingml.document") and word["title"] == "note.docx"
    texts = dict((await db.execute(select(Resource.id, Resource.extracted_text))).all())
    assert "Participatory budgeting with newcomer councils" in texts[created["id"]]
    assert "Buddy schemes pair families" in texts[word["id"]] and "tabular cell text" in texts[word["id"]]

    response = await world.bearer.get(f"/api/resources/{created['id']}/download")
    assert response.status_code == 200 and response.content == pdf
    assert response.headers["content-type"] == "application/pdf"
    assert response.headers["x-content-type-options"] == "nosniff"
    assert response.headers["content-disposition"].startswith("attachment;")
    assert "filename*=UTF-8''Rapport%20final.pdf" in response.headers["content-disposition"]
    stored = (
        files_dir(settings) / created["file"]["sha256"][:2] / created["file"]["sha256"][2:4] / created["file"]["sha256"]
    )
    assert stored.read_bytes() == pdf

    image = expect(await upload(world.member, a, "photo.png", png_bytes(), "image/png"), 201)
    assert image["file"]["content_type"] == "image/png" and image["file"]["has_text"] is False
    csv = expect(await upload(world.member, a, "figures.csv", b"city;arrivals\nAntwerpen;1200\n"), 201)
    assert csv["file"]["content_type"] == "text/csv"
    response = await world.member.get(f"/api/resources/{csv['id']}/download")
    assert response.headers["content-type"] == "text/csv; charset=utf-8"


async def test_bad_uploads_are_refused_and_leave_nothing_behind(world, db, settings):
    a = world.space_a["id"]
    before = sorted(p for p in files_dir(settings).rglob("*") if p.is_file()) if files_dir(settings).exists() else []
    cap = settings.upload_max_bytes
    body = expect(await upload(world.member, a, "huge.pdf", b"%PDF-1.4\n" + b"0" * cap), 413)
    assert body["error"]["code"] == "file_too_large"

    async def chunked():
        yield b'--b\r\nContent-Disposition: form-data; name="file"; filename="huge.txt"\r\n\r\n'
        for _ in range(cap // (1 << 20) + 1):
            yield b"a" * (1 << 20)
        yield b"\r\n--b--\r\n"

    response = await world.member.post(
        f"/api/spaces/{a}/resources", content=chunked(), headers={"Content-Type": "multipart/form-data; boundary=b"}
    )
    assert response.status_code == 413

    assert expect(await upload(world.member, a, "empty.pdf", b""), 422)["error"]["code"] == "empty_file"
    elf = b"\x7fELF\x02\x01\x01\x00" + b"\x00" * 64 + b"payload"
    windows = b"MZ\x90\x00\x03\x00\x00\x00\x04\x00" + b"\x00" * 120 + b"This program cannot be run in DOS mode"
    html = b"<!DOCTYPE html><html><body><script>alert(document.cookie)</script></body></html>"
    svg = b'<svg xmlns="http://www.w3.org/2000/svg" onload="alert(1)"/>'
    for name, content in (
        ("report.pdf", elf),
        ("report.pdf", windows),
        ("photo.png", html),
        ("logo.png", svg),
        ("archive.docx", b"PK\x03\x04" + b"\x00" * 40),
    ):
        body = expect(await upload(world.member, a, name, content, "application/pdf"), 422)
        assert body["error"]["code"] == "file_type_not_allowed", name
        assert "file" in body["error"]["fields"]
    expect(
        await world.member.post(
            f"/api/spaces/{a}/resources", data={"title": "no file"}, files={"other": ("a.txt", b"hello", "text/plain")}
        ),
        422,
    )
    expect(
        await world.member.post(
            f"/api/spaces/{a}/resources",
            data={"title": "no file"},
            headers={"Content-Type": "multipart/form-data; boundary=zz"},
        ),
        400,
    )
    expect(await upload(world.member, a, "a.txt", b"hello", themes="astrology"), 422)
    expect(await upload(world.member, a, "a.txt", b"hello", colour="blue"), 422)
    after = sorted(p for p in files_dir(settings).rglob("*") if p.is_file())
    assert after == before, "a refused upload left a file behind"
    assert (await db.scalar(select(Resource.id).limit(1))) is None

    pdf = pdf_bytes("traversal")
    for raw, expected in (
        ("../../../etc/passwd.pdf", "passwd.pdf"),
        ("..\\..\\boot.ini.pdf", "boot.ini.pdf"),
        ("/abs/path/x.pdf", "x.pdf"),
        ("..", "file.pdf"),
        ("evil.exe", "evil.exe.pdf"),
        ("a<b>c|d:e*.pdf", "a_b_c_d_e_.pdf"),
        (".htaccess", "htaccess.pdf"),
    ):
        created = expect(await upload(world.member, a, raw, pdf), 201)
        assert created["file"]["name"] == expected, raw
    names = [p.name for p in files_dir(settings).rglob("*") if p.is_file()]
    assert all(len(name) == 64 for name in names), names


async def test_role_matrix_for_resources_and_downloads(world):
    a, net = world.space_a["id"], world.network["id"]
    file = expect(await upload(world.member, a, "plan.txt", b"housing plan"), 201)
    link = expect(
        await world.member.post(
            f"/api/spaces/{a}/resources", json={"kind": "link", "title": "Hub", "url": "https://example.org/"}
        ),
        201,
    )
    for client in (world.member, world.bearer, world.moderator, world.admin):
        expect(await client.get(f"/api/resources/{file['id']}"), 200)
        assert (await client.get(f"/api/resources/{file['id']}/download")).status_code == 200
        expect(await client.get(f"/api/spaces/{a}/resources"), 200)
    for client in (world.other, world.outsider):
        for path in (
            f"/api/resources/{file['id']}",
            f"/api/resources/{file['id']}/download",
            f"/api/resources/{link['id']}",
            f"/api/spaces/{a}/resources",
            f"/api/resources/{file['id']}/versions",
        ):
            expect(await client.get(path), 404)
        expect(await client.patch(f"/api/resources/{file['id']}", json={"title": "mine"}), 404)
        expect(await client.delete(f"/api/resources/{file['id']}"), 404)
        expect(await upload(client, a, "x.txt", b"x"), 404)
    expect(await world.anonymous.get(f"/api/resources/{file['id']}/download"), 401)
    expect(await world.anonymous.get(f"/api/resources/{file['id']}"), 401)
    expect(await world.member.get(f"/api/resources/{link['id']}/download"), 404)
    expect(await world.member.get("/api/resources/999999/download"), 404)
    # A network space is readable by every signed-in user, but only members add to it.
    shared = expect(await upload(world.admin, net, "open.txt", b"open data"), 201)
    assert (await world.outsider.get(f"/api/resources/{shared['id']}/download")).content == b"open data"
    expect(await upload(world.outsider, net, "x.txt", b"x"), 403)
    expect(
        await world.outsider.post(
            f"/api/spaces/{net}/resources", json={"kind": "link", "title": "x", "url": "https://example.org/"}
        ),
        403,
    )
    # Cookie sessions need the CSRF header for uploads too.
    del world.member.http.headers["X-CSRF-Token"]
    expect(await upload(world.member, a, "x.txt", b"x"), 403)


async def test_edits_keep_versions_and_only_moderators_feature(world, clients, db):
    a = world.space_a["id"]
    record = expect(await world.member.post(f"/api/spaces/{a}/resources", json=practice(world.cities[0]["id"])), 201)
    path = f"/api/resources/{record['id']}"
    edited = expect(
        await world.member.patch(
            path, json={"title": "Welcome desks, revised", "lessons_learned": "Involve the libraries"}
        ),
        200,
    )
    assert edited["version"] == 2 and edited["practice"]["lessons_learned"] == "Involve the libraries"
    versions = expect(await world.member.get(f"{path}/versions"), 200)["items"]
    assert [v["version"] for v in versions] == [1]
    assert versions[0]["snapshot"]["title"] == "Welcome desks in the town hall"
    assert versions[0]["snapshot"]["details"]["lessons_learned"] == "Start with two agencies"
    assert versions[0]["edited_by"]["id"] == world.member.user["id"]

    expect(await world.member.patch(path, json={"featured": True}), 403)
    expect(await world.member.patch(path, json={"review_status": "reviewed"}), 403)
    expect(await world.member.patch(path, json={"url": "https://example.org"}), 422)
    expect(await world.member.patch(path, json={"summary": ""}), 422)
    expect(await world.member.patch(path, json={"title": None}), 422)
    colleague = await invite_user(world.admin, clients, a, "colleague@danang.test", "Colleague")
    expect(await colleague.patch(path, json={"title": "Not mine"}), 403)
    expect(await colleague.delete(path), 403)

    featured = expect(await world.moderator.patch(path, json={"featured": True, "review_status": "reviewed"}), 200)
    assert featured["featured"] and featured["practice"]["review_status"] == "reviewed" and featured["version"] == 3
    listed = expect(await world.member.get(f"/api/spaces/{a}/resources", params={"featured": "true"}), 200)
    assert [r["id"] for r in listed["items"]] == [record["id"]]
    audit = expect(await world.moderator.get(f"/api/spaces/{a}/audit"), 200)["items"]
    assert audit[0]["action"] == "resource.featured" and audit[0]["target_id"] == record["id"]

    kinds = [e.kind for e in (await db.scalars(select(Event).where(Event.space_id == a).order_by(Event.id))).all()]
    assert kinds.count("resource.created") == 1 and kinds.count("resource.updated") == 2
    updated = (await db.scalars(select(Event).where(Event.kind == "resource.updated").order_by(Event.id))).all()
    assert sorted(updated[0].data["changed"]) == ["lessons_learned", "title"] and updated[0].data["id"] == record["id"]


async def test_deleting_a_file_removes_it_from_storage_unless_shared(world, db, settings):
    a = world.space_a["id"]
    first = expect(await upload(world.member, a, "one.txt", b"same bytes"), 201)
    second = expect(await upload(world.moderator, a, "two.txt", b"same bytes"), 201)
    assert first["file"]["sha256"] == second["file"]["sha256"]
    key = first["file"]["sha256"]
    blob = files_dir(settings) / key[:2] / key[2:4] / key
    expect(await world.member.delete(f"/api/resources/{first['id']}"), 204)
    assert blob.exists()
    expect(await world.member.get(f"/api/resources/{first['id']}"), 404)
    expect(await world.moderator.delete(f"/api/resources/{second['id']}"), 204)
    assert not blob.exists()
    deleted = (await db.scalars(select(Event).where(Event.kind == "resource.deleted").order_by(Event.id))).all()
    assert [e.data for e in deleted] == [
        {"id": first["id"], "space_id": a, "kind": "file"},
        {"id": second["id"], "space_id": a, "kind": "file"},
    ]


async def test_adaptations_cross_spaces_without_revealing_unreadable_ones(world):
    a, b, net = world.space_a["id"], world.space_b["id"], world.network["id"]
    _antwerp, danang, toronto = (c["id"] for c in world.cities)
    origin = expect(
        await world.admin.post(f"/api/spaces/{net}/resources", json=practice(toronto, title="Newcomer library cards")),
        201,
    )
    adapted = expect(
        await world.member.post(
            f"/api/spaces/{a}/resources",
            json=practice(danang, title="Library cards in Da Nang", adapted_from=[origin["id"]]),
        ),
        201,
    )
    assert [r["id"] for r in adapted["adapted_from"]] == [origin["id"]]
    in_b = expect(
        await world.other.post(f"/api/spaces/{b}/resources", json=practice(toronto, title="Toronto version")), 201
    )

    # Space B's member cannot see space A's record, so cannot link to it, and never learns of it.
    expect(await world.other.put(f"/api/resources/{in_b['id']}/adapted-from/{adapted['id']}"), 404)
    expect(await world.member.put(f"/api/resources/{adapted['id']}/adapted-from/{in_b['id']}"), 404)
    expect(await world.member.post(f"/api/spaces/{a}/resources", json=practice(danang, adapted_from=[in_b["id"]])), 404)
    expect(await world.admin.put(f"/api/resources/{in_b['id']}/adapted-from/{adapted['id']}"), 200)
    assert expect(await world.other.get(f"/api/resources/{in_b['id']}"), 200)["adapted_from"] == []
    assert expect(await world.other.get(f"/api/resources/{origin['id']}"), 200)["adapted_by"] == []
    seen_by_member = expect(await world.member.get(f"/api/resources/{origin['id']}"), 200)
    assert [r["id"] for r in seen_by_member["adapted_by"]] == [adapted["id"]]

    link = expect(
        await world.member.post(
            f"/api/spaces/{a}/resources", json={"kind": "link", "title": "x", "url": "https://example.org"}
        ),
        201,
    )
    expect(await world.member.put(f"/api/resources/{adapted['id']}/adapted-from/{link['id']}"), 422)
    expect(await world.member.put(f"/api/resources/{adapted['id']}/adapted-from/{adapted['id']}"), 422)
    removed = expect(await world.member.delete(f"/api/resources/{adapted['id']}/adapted-from/{origin['id']}"), 200)
    assert removed["adapted_from"] == []


async def test_a_thread_becomes_a_practice_record_linked_to_it(world, clients):
    a = world.space_a["id"]
    thread = expect(
        await world.member.post(
            f"/api/spaces/{a}/threads",
            json={
                "title": "How we run welcome desks",
                "themes": ["integration"],
                "body": "We started with two agencies sharing one counter.",
            },
        ),
        201,
    )
    draft = expect(await world.member.get(f"/api/threads/{thread['id']}/practice-draft"), 200)
    assert draft == {
        "title": "How we run welcome desks",
        "summary": "We started with two agencies sharing one counter.",
        "city_id": world.cities[1]["id"],
        "themes": ["integration"],
        "language": "vi",
        "source_thread_id": thread["id"],
        "missing": [],
    }
    record = expect(
        await world.member.post(
            f"/api/threads/{thread['id']}/practice", json={"gcm_objectives": [16], "language": "en"}
        ),
        201,
    )
    assert record["kind"] == "practice" and record["source_thread_id"] == thread["id"]
    assert record["summary"] == draft["summary"] and record["language"] == "en"
    assert record["practice"]["gcm_objectives"] == [16]
    expect(await world.other.get(f"/api/threads/{thread['id']}/practice-draft"), 404)
    expect(await world.other.post(f"/api/threads/{thread['id']}/practice", json={}), 404)

    # Nothing in a bare thread gives a city or themes: the missing fields are named.
    net = world.network["id"]
    nomad = await invite_user(world.admin, clients, net, "nomad@example.test", "No City")
    bare = expect(await nomad.post(f"/api/spaces/{net}/threads", json={"title": "Idea", "body": "Just an idea"}), 201)
    draft = expect(await nomad.get(f"/api/threads/{bare['id']}/practice-draft"), 200)
    assert set(draft["missing"]) == {"city_id", "themes", "language"}
    body = expect(await nomad.post(f"/api/threads/{bare['id']}/practice", json={}), 422)
    assert set(body["error"]["fields"]) == {"city_id", "themes", "language"}
    expect(
        await nomad.post(
            f"/api/threads/{bare['id']}/practice",
            json={"city_id": world.cities[0]["id"], "themes": ["education"], "language": "nl"},
        ),
        201,
    )


async def test_moderators_curate_collections(world):
    a, b = world.space_a["id"], world.space_b["id"]
    record = expect(await world.member.post(f"/api/spaces/{a}/resources", json=practice(world.cities[0]["id"])), 201)
    expect(await world.member.post(f"/api/spaces/{a}/collections", json={"name": "Starter kit"}), 403)
    expect(await world.other.post(f"/api/spaces/{a}/collections", json={"name": "Starter kit"}), 404)
    kit = expect(await world.moderator.post(f"/api/spaces/{a}/collections", json={"name": "Starter kit"}), 201)
    kit = expect(await world.moderator.put(f"/api/collections/{kit['id']}/resources/{record['id']}"), 200)
    assert kit["resource_ids"] == [record["id"]]
    foreign = expect(
        await world.other.post(
            f"/api/spaces/{b}/resources", json={"kind": "link", "title": "B", "url": "https://example.org"}
        ),
        201,
    )
    expect(await world.moderator.put(f"/api/collections/{kit['id']}/resources/{foreign['id']}"), 404)
    expect(await world.member.put(f"/api/collections/{kit['id']}/resources/{record['id']}"), 403)
    listed = expect(await world.member.get(f"/api/spaces/{a}/resources", params={"collection": kit["id"]}), 200)
    assert [r["id"] for r in listed["items"]] == [record["id"]]
    assert expect(await world.member.get(f"/api/resources/{record['id']}"), 200)["collection_ids"] == [kit["id"]]
    assert expect(await world.member.get(f"/api/spaces/{a}/collections"), 200)["items"][0]["name"] == "Starter kit"
    renamed = expect(await world.moderator.patch(f"/api/collections/{kit['id']}", json={"name": "Kit"}), 200)
    assert renamed["name"] == "Kit"
    emptied = expect(await world.moderator.delete(f"/api/collections/{kit['id']}/resources/{record['id']}"), 200)
    assert emptied["resource_ids"] == []
    expect(await world.other.get(f"/api/spaces/{a}/collections"), 404)
    expect(await world.moderator.delete(f"/api/collections/{kit['id']}"), 204)
    expect(await world.moderator.patch(f"/api/collections/{kit['id']}", json={"name": "Gone"}), 404)


async def test_openapi_documents_the_multipart_upload(world):
    document = expect(await world.anonymous.get("/api/openapi.json"), 200)
    create = document["paths"]["/api/spaces/{space_id}/resources"]["post"]
    assert set(create["requestBody"]["content"]) == {"application/json", "multipart/form-data"}
    assert "413" in create["responses"]
    for path in (
        "/api/resources/{resource_id}/download",
        "/api/spaces/{space_id}/audit",
        "/api/flags/{flag_id}/resolve",
        "/api/threads/{thread_id}/practice",
    ):
        assert path in document["paths"], path
