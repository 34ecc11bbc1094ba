"""Uploads an attacker crafts: document bombs cost at most the extraction budget and never slow
other requests; file names cannot hide their real extension behind bidi controls.

The bombs are made here, small on the wire and bounded so each test takes a few seconds;
the server of this module has a small budget so that its limits are reached quickly.
"""

from __future__ import annotations

import asyncio
import io
import time
import tracemalloc
import zipfile
import zlib
from dataclasses import replace
from pathlib import Path
from urllib.parse import quote

import pytest

from server import extract, filetypes
from tests.harness import ServerThread, expect
from tests.library_helpers import docx_bytes, pdf_bytes, png_bytes, upload

CPU_SECONDS = 2
MAX_INFLATED = 16 * 1024 * 1024


@pytest.fixture(scope="module")
def server(settings, database_url):
    limited = replace(settings, extract_cpu_seconds=CPU_SECONDS, extract_max_inflated_bytes=MAX_INFLATED)
    thread = ServerThread(limited, database_url).start()
    yield thread
    thread.stop()


def docx_bomb(path: Path, inflated: int, compression: int = zipfile.ZIP_DEFLATED) -> bytes:
    """A real Word package whose document.xml holds `inflated` bytes of paragraphs."""
    paragraph = b"<w:p><w:r><w:t>bomb</w:t></w:r></w:p>" * 1000
    with zipfile.ZipFile(io.BytesIO(docx_bytes("template"))) as template:
        parts = {name: template.read(name) for name in template.namelist()}
    head, _, _ = parts.pop("word/document.xml").partition(b"<w:body>")
    with zipfile.ZipFile(path, "w", compression) as archive:
        for name, data in parts.items():
            archive.writestr(name, data)
        with archive.open("word/document.xml", "w") as entry:
            entry.write(head + b"<w:body>")
            for _ in range(inflated // len(paragraph)):
                entry.write(paragraph)
            entry.write(b"</w:body></w:document>")
    return path.read_bytes()


def pdf_bomb(pages: int, repeats: int) -> bytes:
    """A PDF whose pages all draw one content stream of `repeats` tiny text runs (a few KB)."""
    content = zlib.compress(b"BT /F1 1 Tf 1 0 0 1 0 0 Tm (a) Tj ET\n" * repeats, 9)
    font = b"/Resources << /Font << /F1 << /Type /Font /Subtype /Type1 /BaseFont /Helvetica >> >> >>"
    kids = " ".join(f"{4 + i} 0 R" for i in range(pages))
    objects = [
        b"<< /Type /Catalog /Pages 2 0 R >>",
        f"<< /Type /Pages /Kids [{kids}] /Count {pages} >>".encode(),
        b"<< /Length %d /Filter /FlateDecode >>\nstream\n" % len(content) + content + b"\nendstream",
    ] + [b"<< /Type /Page /Parent 2 0 R /MediaBox [0 0 612 792] /Contents 3 0 R " + font + b" >>"] * pages
    out, offsets = bytearray(b"%PDF-1.4\n"), []
    for number, body in enumerate(objects, 1):
        offsets.append(len(out))
        out += b"%d 0 obj\n" % number + body + b"\nendobj\n"
    xref = len(out)
    out += b"xref\n0 %d\n0000000000 65535 f \n" % (len(objects) + 1)
    out += b"".join(b"%010d 00000 n \n" % offset for offset in offsets)
    out += b"trailer\n<< /Size %d /Root 1 0 R >>\nstartxref\n%d\n%%%%EOF\n" % (len(objects) + 1, xref)
    return bytes(out)


async def test_a_docx_bomb_is_stored_without_text_and_the_uploader_told(world, tmp_path):
    bomb = docx_bomb(tmp_path / "bomb.docx", 4 * MAX_INFLATED)
    assert len(bomb) < 300_000
    started = time.monotonic()
    response = await world.member.http.post(
        f"/api/spaces/{world.space_a['id']}/resources", files={"file": ("notes.docx", bomb)}, timeout=15
    )
    created = expect(response, 201)
    assert time.monotonic() - started < 10
    assert created["text_extracted"] is False and created["text_status"] == "over_budget"
    assert created["file"]["has_text"] is False and created["file"]["content_type"] == filetypes.DOCX
    # Stored all the same, byte for byte.
    download = await world.member.get(created["file"]["download_url"])
    assert download.content == bomb
    # A document within the budget is read as before.
    fine = expect(await upload(world.member, world.space_a["id"], "fine.docx", docx_bytes("ordinary words")), 201)
    assert fine["text_extracted"] is True and fine["text_status"] == "extracted" and fine["file"]["has_text"]


async def test_a_pdf_bomb_costs_the_budget_and_other_requests_stay_quick(world):
    bomb = pdf_bomb(pages=20, repeats=20_000)  # about 2 s of CPU a page, 40 s in all
    assert len(bomb) < 10_000
    space = world.space_a["id"]
    latencies: list[float] = []

    async def poll(done: asyncio.Event) -> None:
        while not done.is_set():
            started = time.monotonic()
            expect(await world.member.get(f"/api/spaces/{space}/resources"), 200)
            latencies.append(time.monotonic() - started)
            await asyncio.sleep(0.05)

    done = asyncio.Event()
    poller = asyncio.create_task(poll(done))
    await asyncio.sleep(0.3)  # the poller is warm before the bomb arrives
    started = time.monotonic()
    response = await world.member.http.post(
        f"/api/spaces/{space}/resources", files={"file": ("report.pdf", bomb)}, timeout=20
    )
    elapsed = time.monotonic() - started
    done.set()
    await poller
    created = expect(response, 201)
    assert created["text_status"] == "over_budget" and created["text_extracted"] is False
    # Over its CPU seconds or, on a busy machine, its wall-clock deadline: killed either way.
    assert elapsed < CPU_SECONDS * extract.WALL_FACTOR + extract.WALL_MARGIN + 3
    assert len(latencies) >= 10, latencies
    assert max(latencies) < 1.0, latencies
    # The killed worker is replaced: the next document is read.
    fine = expect(await upload(world.member, space, "fine.pdf", pdf_bytes("budget respected")), 201)
    assert fine["text_status"] == "extracted" and fine["file"]["has_text"]
    found = expect(await world.member.get(f"/api/resources/{fine['id']}"), 200)
    assert found["file"]["has_text"] is True


async def test_a_worker_over_its_memory_budget_is_stopped(tmp_path):
    # Stored, not deflated: no ratio to give it away, only its size once parsed.
    path = tmp_path / "large.docx"
    docx_bomb(path, 32 * 1024 * 1024, zipfile.ZIP_STORED)
    small = extract.Budget(cpu_seconds=10, memory_bytes=128 * 1024 * 1024, max_inflated_bytes=1 << 30)
    started = time.monotonic()
    result = await extract.extract(path, filetypes.DOCX, small)
    assert result.status == extract.OVER_BUDGET and result.text == ""
    assert time.monotonic() - started < 10
    # The same budget reads an ordinary document.
    path.write_bytes(docx_bytes("within the budget"))
    ordinary = await extract.extract(path, filetypes.DOCX, small)
    assert ordinary.status == extract.EXTRACTED and "within the budget" in ordinary.text


def test_the_opendocument_mimetype_entry_is_read_no_further_than_a_type_name(tmp_path):
    path = tmp_path / "bomb.odt"
    with zipfile.ZipFile(path, "w", zipfile.ZIP_DEFLATED) as archive:
        with archive.open("mimetype", "w") as entry:
            entry.write(filetypes.ODT.encode())
            for _ in range(64):
                entry.write(b" " * (1024 * 1024))
    tracemalloc.start()
    try:
        detected = filetypes.detect(path, path.read_bytes()[:8192], "bomb.odt")
        _, peak = tracemalloc.get_traced_memory()
    finally:
        tracemalloc.stop()
    assert detected.content_type == filetypes.ODT
    assert peak < 4 * 1024 * 1024


async def test_a_bare_zip_is_refused_as_a_zip_archive(world, tmp_path):
    path = tmp_path / "file.zip"
    with zipfile.ZipFile(path, "w") as archive:
        archive.writestr("a.txt", "a")
    response = await upload(world.member, world.space_a["id"], "file.zip", path.read_bytes())
    error = expect(response, 422)["error"]
    assert error["code"] == "file_type_not_allowed" and "looks like a ZIP archive" in error["message"]


async def test_a_zip_with_too_many_entries_is_not_listed(world, tmp_path):
    path = tmp_path / "many.docx"
    with zipfile.ZipFile(path, "w", zipfile.ZIP_STORED) as archive:
        archive.writestr("[Content_Types].xml", "<Types/>")
        archive.writestr("word/document.xml", "<w:document/>")
        for number in range(filetypes.ZIP_MAX_ENTRIES):
            archive.writestr(f"{number}", b"")
    response = await upload(world.member, world.space_a["id"], "many.docx", path.read_bytes())
    assert expect(response, 422)["error"]["code"] == "file_type_not_allowed"


async def test_format_characters_are_stripped_from_stored_names(world):
    space = world.space_a["id"]
    spoof = "invoice\u202efdp.txt"  # shows as "invoicetxt.pdf"
    created = expect(await upload(world.member, space, spoof, b"plain words\n"), 201)
    assert created["file"]["name"] == "invoicefdp.txt" and created["title"] == "invoicefdp.txt"
    assert created["text_status"] == "extracted"
    download = await world.member.get(created["file"]["download_url"])
    assert quote("\u202e") not in download.headers["content-disposition"]
    # A title taken over from the file name by the browser is cleaned the same way; joiners,
    # which spell Persian and emoji, stay.
    named = expect(
        await upload(
            world.member, space, "a\u2066b\u200b.txt", b"words\n", title="\u202bReport\u2069 \u0646\u200c\u0627"
        ),
        201,
    )
    assert named["file"]["name"] == "ab.txt"
    assert named["title"] == "Report \u0646\u200c\u0627"
    only_controls = expect(await upload(world.member, space, "memo.txt", b"words\n", title="\u202e\u202c"), 201)
    assert only_controls["title"] == "memo.txt"
    image = expect(await upload(world.member, space, "photo.png", png_bytes()), 201)
    assert image["text_status"] == "not_extracted" and image["text_extracted"] is False
