"""Text of uploaded documents, for search: PDF (pypdf), Word (python-docx), plain text and CSV.

Extraction never fails an upload: a damaged or encrypted document is stored all the same,
only without text.
"""

from __future__ import annotations

import logging
from pathlib import Path

from server import filetypes

MAX_CHARS = 1_000_000
MAX_PDF_PAGES = 500
log = logging.getLogger(__name__)


def _pdf(path: Path) -> str:
    from pypdf import PdfReader

    reader = PdfReader(path)
    if reader.is_encrypted:
        return ""
    parts, size = [], 0
    for page in reader.pages[:MAX_PDF_PAGES]:
        text = page.extract_text() or ""
        parts.append(text)
        size += len(text)
        if size > MAX_CHARS:
            break
    return "\n".join(parts)


def _docx(path: Path) -> str:
    import docx

    document = docx.Document(str(path))
    parts = [p.text for p in document.paragraphs]
    for table in document.tables:
        for row in table.rows:
            parts.append("\t".join(cell.text for cell in row.cells))
    return "\n".join(parts)


def _text(path: Path) -> str:
    data = path.read_bytes()[: MAX_CHARS * 4]
    try:
        return data.decode("utf-8-sig")
    except UnicodeDecodeError:
        return data.decode("cp1252", errors="replace")


EXTRACTORS = {filetypes.PDF: _pdf, filetypes.DOCX: _docx, filetypes.TEXT: _text, filetypes.CSV: _text}


def extract_text(path: Path, content_type: str) -> str | None:
    """The document's text (at most MAX_CHARS), '' if it has none we can read, None for
    types we do not extract from. Blocking: run it in a worker thread."""
    extractor = EXTRACTORS.get(content_type)
    if extractor is None:
        return None
    try:
        text = extractor(path)
    except Exception:  # any parser failure only means "no text"
        log.warning("could not extract text from a %s upload", content_type, exc_info=True)
        return ""
    return text.replace("\x00", "")[:MAX_CHARS]
