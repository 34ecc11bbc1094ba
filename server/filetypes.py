"""What an uploaded file really is, judged from its bytes, never from its name.

Only the types a library needs are allowed (documents, spreadsheets, presentations, CSV,
plain text, raster images). Markup (HTML, SVG, XML) and anything executable are refused
because a browser or an office suite could run them. Containers are opened and checked:
a ZIP is only an Office or OpenDocument file if its parts say so.
"""

from __future__ import annotations

import re
import unicodedata
import zipfile
from dataclasses import dataclass
from pathlib import Path, PurePath

import puremagic

PDF = "application/pdf"
DOCX = "application/vnd.openxmlformats-officedocument.wordprocessingml.document"
XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
PPTX = "application/vnd.openxmlformats-officedocument.presentationml.presentation"
DOC, XLS, PPT = "application/msword", "application/vnd.ms-excel", "application/vnd.ms-powerpoint"
ODT = "application/vnd.oasis.opendocument.text"
ODS = "application/vnd.oasis.opendocument.spreadsheet"
ODP = "application/vnd.oasis.opendocument.presentation"
CSV, TEXT = "text/csv", "text/plain"

# Allowed type → (its extensions, the first one is added to a name that has none of them).
ALLOWED: dict[str, tuple[str, ...]] = {
    PDF: (".pdf",),
    DOCX: (".docx",),
    XLSX: (".xlsx",),
    PPTX: (".pptx",),
    DOC: (".doc",),
    XLS: (".xls",),
    PPT: (".ppt",),
    ODT: (".odt",),
    ODS: (".ods",),
    ODP: (".odp",),
    CSV: (".csv",),
    TEXT: (".txt", ".text", ".md"),
    "image/png": (".png",),
    "image/jpeg": (".jpg", ".jpeg"),
    "image/gif": (".gif",),
    "image/webp": (".webp",),
}

IMAGES = {"image/png", "image/jpeg", "image/gif", "image/webp"}
OOXML_PARTS = {"word/document.xml": DOCX, "xl/workbook.xml": XLSX, "ppt/presentation.xml": PPTX}
ODF_TYPES = {ODT, ODS, ODP}
OLE_SIGNATURE = bytes.fromhex("D0CF11E0A1B11AE1")
OLE_STREAMS = {"WordDocument": DOC, "Workbook": XLS, "Book": XLS, "PowerPoint Document": PPT}
MARKUP = re.compile(rb"^\s*(<\?xml|<!doctype|<html|<svg|<script|<head|<body|<iframe|<!--)", re.IGNORECASE)
# Control characters other than tab, line feed, form feed and carriage return (category Cc).
CONTROLS = re.compile(r"[\x00-\x08\x0b\x0e-\x1f\x7f-\x9f]")
# A ZIP's directory is parsed whole before any entry is read: an upload with hundreds of
# thousands of tiny entries would cost seconds and hundreds of megabytes to list.
ZIP_MAX_ENTRIES = 10_000
# Above this size an entry must not inflate more than ZIP_MAX_RATIO times its compressed size;
# real document XML stays well under it, a bomb of repeated bytes is a thousand times over.
ZIP_RATIO_FROM = 1024 * 1024
ZIP_MAX_RATIO = 100
MIMETYPE_MAX_BYTES = 100


class NotAllowed(Exception):
    """The content is not one of the allowed types; the message says what it looks like."""


class ZipTooLarge(Exception):
    """A ZIP container would inflate past its bounds; nothing of it was inflated."""


def open_zip(path: Path) -> zipfile.ZipFile:
    """The ZIP at path, once its end record shows a directory we are willing to parse."""
    with open(path, "rb") as handle:
        end = zipfile._EndRecData(handle)  # the stdlib's own reader of the end record
    if end is None:
        raise zipfile.BadZipFile("no end of central directory")
    if end[zipfile._ECD_ENTRIES_TOTAL] > ZIP_MAX_ENTRIES:
        raise ZipTooLarge(f"more than {ZIP_MAX_ENTRIES} entries")
    return zipfile.ZipFile(path)


def check_inflated(archive: zipfile.ZipFile, max_bytes: int) -> None:
    """Refuse a container whose entries, alone or together, would inflate past max_bytes, or
    whose large entries compress suspiciously well. The sizes are the directory's: zipfile
    never inflates an entry past its declared size (a lying entry fails its CRC check)."""
    total = 0
    for info in archive.infolist():
        total += info.file_size
        if total > max_bytes:
            raise ZipTooLarge(f"inflates to more than {max_bytes} bytes")
        if info.file_size > ZIP_RATIO_FROM and info.file_size > ZIP_MAX_RATIO * max(info.compress_size, 1):
            raise ZipTooLarge(f"{info.filename} compresses more than {ZIP_MAX_RATIO} to 1")


@dataclass(frozen=True)
class Detected:
    content_type: str
    extensions: tuple[str, ...]


def _magic_guess(head: bytes) -> str:
    try:
        match = puremagic.magic_string(head)[0]
    except (puremagic.PureError, IndexError, ValueError):
        return "unknown"
    return match.mime_type or match.name or match.extension or "unknown"


def _zip_type(path: Path) -> str | None:
    try:
        with open_zip(path) as archive:
            names = set(archive.namelist())
            if "mimetype" in names:
                # Read no more than the longest type name could need, however much it inflates to.
                with archive.open("mimetype") as entry:
                    declared = entry.read(MIMETYPE_MAX_BYTES).decode("ascii", "replace").strip()
                return declared if declared in ODF_TYPES else None
            if "[Content_Types].xml" in names:
                for part, content_type in OOXML_PARTS.items():
                    if part in names:
                        return content_type
    except (zipfile.BadZipFile, ZipTooLarge, OSError, KeyError, RuntimeError, ValueError):
        return None
    return None


def _ole_type(path: Path) -> str | None:
    # Stream names sit in the compound file's directory as UTF-16LE; scanning for them is
    # enough to tell Word from Excel from PowerPoint without parsing the whole format.
    data = path.read_bytes()
    for stream, content_type in OLE_STREAMS.items():
        if stream.encode("utf-16-le") in data:
            return content_type
    return None


def _text_type(path: Path, name: str) -> str | None:
    data = path.read_bytes()
    if b"\x00" in data:
        return None
    try:
        text = data.decode("utf-8-sig")
    except UnicodeDecodeError:
        try:
            text = data.decode("cp1252")
        except UnicodeDecodeError:
            return None
    if MARKUP.match(data.lstrip(b"\xef\xbb\xbf")):
        return None
    # A regular expression counts at C speed: a per-character loop over a 25 MB upload would
    # hold the interpreter for seconds.
    controls = len(text) - len(CONTROLS.sub("", text))
    if controls > len(text) // 100:
        return None
    # Both are harmless text; the name only chooses which of the two to call it.
    return CSV if PurePath(name).suffix.lower() == ".csv" else TEXT


def detect(path: Path, head: bytes, name: str) -> Detected:
    """The allowed type of the file at path, or NotAllowed saying what it seems to be."""
    content_type: str | None = None
    if head.startswith(b"%PDF-"):
        content_type = PDF
    elif head.startswith(b"PK\x03\x04"):
        content_type = _zip_type(path)
    elif head.startswith(OLE_SIGNATURE):
        content_type = _ole_type(path)
    elif head.startswith(b"\x89PNG\r\n\x1a\n"):
        content_type = "image/png"
    elif head.startswith(b"\xff\xd8\xff"):
        content_type = "image/jpeg"
    elif head[:6] in (b"GIF87a", b"GIF89a"):
        content_type = "image/gif"
    elif head[:4] == b"RIFF" and head[8:12] == b"WEBP":
        content_type = "image/webp"
    else:
        content_type = _text_type(path, name)
    if content_type is None:
        # A ZIP that is no Office or OpenDocument file: the magic database would name it by its
        # first entry's signature ("…wordprocessingml.document"), which tells the uploader nothing.
        guess = "a ZIP archive" if head.startswith(b"PK\x03\x04") else _magic_guess(head)
        raise NotAllowed(f"This file's content is not an allowed type (it looks like {guess}).")
    return Detected(content_type, ALLOWED[content_type])


UNSAFE_CHARS = re.compile(r'[\x00-\x1f\x7f<>:"/\\|?*]')
# Zero-width non-joiner and joiner spell Persian, Indic scripts and emoji and cannot reorder text.
KEPT_FORMAT_CHARS = "\u200c\u200d"


def strip_format_chars(text: str) -> str:
    """text without Unicode format characters (category Cf): bidi overrides and isolates
    (invoice, U+202E, fdp.txt shows as `invoicetxt.pdf`), zero-width spaces, soft
    hyphens and tags, which make one name look like another."""
    return "".join(ch for ch in text if ch in KEPT_FORMAT_CHARS or unicodedata.category(ch) != "Cf")


def safe_name(raw: str, detected: Detected) -> str:
    """A display and download name: no directories, no control or reserved characters, no
    leading dots, at most 200 characters, ending in an extension that matches the content."""
    name = strip_format_chars(unicodedata.normalize("NFC", raw or ""))
    name = name.replace("\\", "/").rsplit("/", 1)[-1]
    name = UNSAFE_CHARS.sub("_", name).strip().lstrip(".").strip()
    name = re.sub(r"\s+", " ", name)
    stem, suffix = (name.rsplit(".", 1) + [""])[:2] if "." in name else (name, "")
    suffix = "." + suffix.lower() if suffix else ""
    if suffix not in detected.extensions:
        stem, suffix = name, detected.extensions[0]
    stem = stem[: 200 - len(suffix)].rstrip(" .") or "file"
    return stem + suffix
