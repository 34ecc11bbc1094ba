"""Small documents for the demo library, generated at load time with what the project already
depends on: python-docx for Word, and a hand-written one-page PDF (the standard Helvetica font
needs no embedding, so a text page is a few objects)."""

from __future__ import annotations

import io


def docx(lines: list[str]) -> bytes:
    from docx import Document

    document = Document()
    document.add_heading(lines[0], level=1)
    for line in lines[1:]:
        document.add_paragraph(line)
    out = io.BytesIO()
    document.save(out)
    return out.getvalue()


def _pdf_text(line: str) -> bytes:
    # WinAnsiEncoding covers the accents of the demo's French and Spanish.
    escaped = line.replace("\\", "\\\\").replace("(", "\\(").replace(")", "\\)")
    return escaped.encode("cp1252", errors="replace")


def pdf(lines: list[str]) -> bytes:
    stream = b"BT /F1 16 Tf 56 780 Td (" + _pdf_text(lines[0]) + b") Tj /F1 11 Tf 0 -30 Td 15 TL"
    for line in lines[1:]:
        stream += b" (" + _pdf_text(line) + b") ' "
    stream += b" ET"
    objects = [
        b"<< /Type /Catalog /Pages 2 0 R >>",
        b"<< /Type /Pages /Kids [3 0 R] /Count 1 >>",
        b"<< /Type /Page /Parent 2 0 R /MediaBox [0 0 595 842] /Resources << /Font << /F1 4 0 R >> >> "
        b"/Contents 5 0 R >>",
        b"<< /Type /Font /Subtype /Type1 /BaseFont /Helvetica /Encoding /WinAnsiEncoding >>",
        b"<< /Length " + str(len(stream)).encode() + b" >>\nstream\n" + stream + b"\nendstream",
    ]
    out, offsets = bytearray(b"%PDF-1.4\n"), []
    for number, body in enumerate(objects, 1):
        offsets.append(len(out))
        out += f"{number} 0 obj\n".encode() + body + b"\nendobj\n"
    xref = len(out)
    out += f"xref\n0 {len(objects) + 1}\n0000000000 65535 f \n".encode()
    out += b"".join(f"{offset:010d} 00000 n \n".encode() for offset in offsets)
    out += f"trailer\n<< /Size {len(objects) + 1} /Root 1 0 R >>\nstartxref\n{xref}\n%%EOF\n".encode()
    return bytes(out)
