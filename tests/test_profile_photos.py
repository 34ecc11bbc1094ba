"""Profile photos through the API: set, read back re-encoded without metadata, shown only to those who
may see that field of the person, removed; bad files refused with a field code (issue 15)."""

from __future__ import annotations

import io

from PIL import Image

from tests.harness import expect


def jpeg_with_location(size=(900, 600), colour=(20, 90, 200)) -> bytes:
    exif = Image.Exif()
    exif[0x010F] = "PhoneCam"
    exif[0x8825] = {1: "N", 2: (51.0, 13.0, 0.0), 3: "E", 4: (4.0, 24.0, 0.0)}  # GPS: Antwerp
    buffer = io.BytesIO()
    Image.new("RGB", size, colour).save(buffer, format="JPEG", exif=exif)
    return buffer.getvalue()


async def put_photo(client, content: bytes, name="me.jpg", content_type="image/jpeg", headers=None, **data):
    files = {"file": (name, content, content_type)}
    return await client.put("/api/me/photo", files=files, data=data, headers=headers)


async def test_a_photo_is_re_encoded_square_without_its_location_and_read_by_colleagues(world):
    mine = expect(await put_photo(world.member, jpeg_with_location()), 200)
    url = mine["photo_url"]
    assert url.startswith(f"/api/people/{world.member.user['id']}/photo?v=")
    for client in (world.member, world.moderator, world.other):  # network visibility by default
        response = await client.get(url)
        assert response.status_code == 200 and response.headers["content-type"] == "image/webp"
        assert response.headers["x-content-type-options"] == "nosniff"
        image = Image.open(io.BytesIO(response.content))
        assert image.format == "WEBP" and image.size == (256, 256) and len(image.getexif()) == 0
        assert b"PhoneCam" not in response.content
    small = await world.moderator.get(url + "&size=64")
    assert Image.open(io.BytesIO(small.content)).size == (64, 64)
    seen = expect(await world.other.get(f"/api/people/{world.member.user['id']}"), 200)
    assert seen["photo_url"] == url
    listed = expect(await world.moderator.get("/api/people", params={"q": world.member.user["name"]}), 200)
    assert any(p["photo_url"] == url for p in listed["items"])
    # A new photo is a new address.
    other = expect(await put_photo(world.member, jpeg_with_location((300, 500), (200, 40, 40))), 200)
    assert other["photo_url"] != url


async def test_only_who_may_see_the_photo_field_gets_it(world):
    expect(await put_photo(world.member, jpeg_with_location()), 200)
    member_id = world.member.user["id"]
    expect(await world.member.patch("/api/me", json={"visibility": {"photo": "spaces"}}), 200)
    far = expect(await world.other.get(f"/api/people/{member_id}"), 200)  # shares no space
    assert far["photo_url"] is None
    refused = await world.other.get(f"/api/people/{member_id}/photo")
    assert refused.status_code == 404 and refused.json()["error"]["code"] == "no_photo"
    assert (await world.moderator.get(f"/api/people/{member_id}/photo")).status_code == 200  # shares space A
    assert (await world.anonymous.get(f"/api/people/{member_id}/photo")).status_code == 401
    # Removed: nobody reads it any more.
    cleared = expect(await world.member.delete("/api/me/photo"), 200)
    assert cleared["photo_url"] is None
    assert (await world.moderator.get(f"/api/people/{member_id}/photo")).status_code == 404
    assert (await world.moderator.get(f"/api/people/{world.moderator.user['id']}/photo")).status_code == 404


async def test_bad_files_are_refused_and_the_old_photo_stays(world):
    before = expect(await put_photo(world.member, jpeg_with_location()), 200)["photo_url"]
    cases = [
        (b"%PDF-1.4 not a picture", "file", "not_a_photo", 422),
        (b"<svg xmlns='http://www.w3.org/2000/svg'><script>alert(1)</script></svg>", "file", "not_a_photo", 422),
        (b"", "file", "empty_file", 422),
    ]
    for content, field, code, status in cases:
        response = await put_photo(world.member, content, headers={"Prefer": "errors=coded"})
        error = expect(response, status)["error"]
        assert error["fields"][field]["code"] == code, error
    too_big = await put_photo(world.member, b"\xff\xd8" + b"0" * (5 * 1024 * 1024 + 10))
    assert too_big.status_code == 413 and too_big.json()["error"]["code"] == "file_too_large"
    extra = await put_photo(world.member, jpeg_with_location(), caption="me")
    assert extra.status_code == 422 and "caption" in extra.json()["error"]["fields"]
    assert expect(await world.member.get("/api/me"), 200)["photo_url"] == before
