"""Receive a multipart/form-data upload straight into storage, chunk by chunk, under a size cap.

Nothing is held in memory but the small text fields, and a refused or broken upload leaves
nothing behind: the caller commits or discards the pending blob.
"""

from __future__ import annotations

from dataclasses import dataclass, field

import anyio
from python_multipart import MultipartParser
from python_multipart.exceptions import MultipartParseError
from python_multipart.multipart import parse_options_header
from starlette.requests import Request

from server import filetypes
from server.errors import BadRequest, Invalid, PayloadTooLarge, problem
from server.storage import PendingBlob, Storage

FILE_FIELD = "file"
MAX_FIELDS = 32
MAX_FIELD_BYTES = 20_000
# Room for the form's boundaries, part headers and text fields around the file itself.
FORM_OVERHEAD = 256 * 1024


@dataclass
class Upload:
    fields: dict[str, list[str]] = field(default_factory=dict)
    filename: str | None = None
    blob: PendingBlob | None = None


class _Receiver:
    def __init__(self, storage: Storage, max_bytes: int) -> None:
        self.storage, self.max_bytes = storage, max_bytes
        self.upload = Upload()
        self.header_name = self.header_value = b""
        self.disposition = b""
        self.name: str | None = None
        self.is_file = False
        self.data = bytearray()
        self.count = 0

    def on_part_begin(self) -> None:
        self.disposition, self.name, self.is_file, self.data = b"", None, False, bytearray()

    def on_header_field(self, data: bytes, start: int, end: int) -> None:
        self.header_name += data[start:end]

    def on_header_value(self, data: bytes, start: int, end: int) -> None:
        self.header_value += data[start:end]

    def on_header_end(self) -> None:
        if self.header_name.lower() == b"content-disposition":
            self.disposition = self.header_value
        self.header_name = self.header_value = b""

    def on_headers_finished(self) -> None:
        _, options = parse_options_header(self.disposition)
        if b"name" not in options:
            raise BadRequest("Each form part needs a name.", code="malformed_form")
        self.name = options[b"name"].decode("utf-8", "replace")
        self.count += 1
        if self.count > MAX_FIELDS:
            raise BadRequest(f"At most {MAX_FIELDS} form fields.", code="too_many_fields")
        if b"filename" in options:
            if self.name != FILE_FIELD or self.upload.blob is not None:
                raise Invalid(
                    "Send exactly one file, in the field named 'file'.",
                    code="one_file",
                    fields={self.name: problem("unexpected_file")},
                )
            self.is_file = True
            self.upload.filename = options[b"filename"].decode("utf-8", "replace")
            self.upload.blob = self.storage.begin()

    def on_part_data(self, data: bytes, start: int, end: int) -> None:
        if self.is_file:
            blob = self.upload.blob
            if blob.size + (end - start) > self.max_bytes:
                raise PayloadTooLarge(f"A file may be at most {self.max_bytes} bytes.", code="file_too_large")
            blob.write(data[start:end])
        else:
            self.data += data[start:end]
            if len(self.data) > MAX_FIELD_BYTES:
                raise Invalid(
                    "A form field is too long.", fields={self.name or "": problem("too_long", max=MAX_FIELD_BYTES)}
                )

    def on_part_end(self) -> None:
        if not self.is_file and self.name is not None:
            self.upload.fields.setdefault(self.name, []).append(self.data.decode("utf-8", "replace"))


async def receive(request: Request, storage: Storage, *, max_bytes: int) -> Upload:
    """Parse the request's form, writing its one file to a pending blob of `storage`."""
    declared = request.headers.get("content-length")
    if declared and declared.isdigit() and int(declared) > max_bytes + FORM_OVERHEAD:
        raise PayloadTooLarge(f"A file may be at most {max_bytes} bytes.", code="file_too_large")
    _, params = parse_options_header(request.headers.get("content-type", ""))
    boundary = params.get(b"boundary")
    if not boundary:
        raise BadRequest("A multipart form needs a boundary.", code="malformed_form")
    receiver = _Receiver(storage, max_bytes)
    callbacks = {
        name: getattr(receiver, name)
        for name in (
            "on_part_begin",
            "on_header_field",
            "on_header_value",
            "on_header_end",
            "on_headers_finished",
            "on_part_data",
            "on_part_end",
        )
    }
    parser = MultipartParser(boundary, callbacks)
    received = 0
    try:
        async for chunk in request.stream():
            received += len(chunk)
            if received > max_bytes + FORM_OVERHEAD:
                raise PayloadTooLarge(f"A file may be at most {max_bytes} bytes.", code="file_too_large")
            parser.write(chunk)
        parser.finalize()
    except MultipartParseError:
        _discard(receiver.upload)
        raise BadRequest("The multipart form is malformed.", code="malformed_form") from None
    except BaseException:
        _discard(receiver.upload)
        raise
    if receiver.upload.blob is None:
        raise Invalid("Send the file in a form field named 'file'.", fields={FILE_FIELD: problem("required")})
    return receiver.upload


async def checked_file(upload: Upload) -> tuple[filetypes.Detected, str]:
    """The type of the upload's file read from its bytes (never from its name alone), and a safe
    file name for it; 422 `empty_file` or `file_type_not_allowed` otherwise. The caller discards the
    pending blob on any error."""
    blob = upload.blob
    if blob.size == 0:
        raise Invalid("The file is empty.", code="empty_file", fields={"file": problem("empty_file")})
    try:
        detected = await anyio.to_thread.run_sync(
            filetypes.detect, blob.local_path(), blob.head(), upload.filename or ""
        )
    except filetypes.NotAllowed as refusal:
        raise Invalid(
            f"{refusal} Allowed: PDF, Word, Excel, PowerPoint, OpenDocument, CSV, plain text, PNG, JPEG, GIF, WebP.",
            code="file_type_not_allowed",
            fields={"file": problem("file_type_not_allowed")},
        ) from None
    return detected, filetypes.safe_name(upload.filename or "", detected)


def _discard(upload: Upload) -> None:
    if upload.blob is not None:
        upload.blob.discard()
