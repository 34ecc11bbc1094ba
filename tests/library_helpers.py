"""Real documents made in the test, and shortcuts for the library's routes."""

from __future__ import annotations

import io

PRACTICE = {
    "kind": "practice",
    "title": "Welcome desks in the town hall",
    "summary": "A one-stop desk where newcomers register, find housing help and language classes.",
    "city_id": None,
    "themes": ["integration", "housing"],
    "language": "en",
    "city_size": "large",
    "gcm_objectives": [15, 16],
    "period_start": "2019-03",
    "status": "ongoing",
    "purpose": "Shorten the first weeks.",
    "process": "Three agencies share one counter.",
    "partners": "OCMW, VDAB",
    "results": "Waiting time halved",
    "evidence": "City survey 2022",
    "transfer_conditions": "A shared case system",
    "lessons_learned": "Start with two agencies",
    "contact": "welcome@antwerpen.test",
}


def pdf_bytes(text: str) -> bytes:
    from reportlab.pdfgen import canvas

    buffer = io.BytesIO()
    page = canvas.Canvas(buffer)
    page.drawString(72, 720, text)
    page.showPage()
    page.save()
    return buffer.getvalue()


def docx_bytes(text: str) -> bytes:
    import docx

    document = docx.Document()
    document.add_heading("Practice note", level=1)
    document.add_paragraph(text)
    table = document.add_table(rows=1, cols=2)
    table.rows[0].cells[0].text = "budget"
    table.rows[0].cells[1].text = "tabular cell text"
    buffer = io.BytesIO()
    document.save(buffer)
    return buffer.getvalue()


def png_bytes() -> bytes:
    from PIL import Image

    buffer = io.BytesIO()
    Image.new("RGB", (2, 2), (200, 30, 30)).save(buffer, "PNG")
    return buffer.getvalue()


async def upload(
    client, space_id: int, name: str, content: bytes, content_type: str = "application/octet-stream", **fields
):
    return await client.post(
        f"/api/spaces/{space_id}/resources", files={"file": (name, content, content_type)}, data=fields
    )


def practice(city_id: int, **changes) -> dict:
    return {**PRACTICE, "city_id": city_id, **changes}
