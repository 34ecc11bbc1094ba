"""Profile photos: decode an upload and re-encode it small, so nothing of the original file survives.

Re-encoding (rather than stripping tags) is the point: EXIF GPS, XMP, ICC profiles and any payload hidden
after the image data are all dropped because only decoded pixels are written back out.
"""

from __future__ import annotations

import io

import anyio
from PIL import Image, ImageOps
from sqlalchemy.ext.asyncio import AsyncSession

from server.db.models import User
from server.errors import NotFound
from server.services.profiles import may_see_field, standing
from server.storage import Storage

SIZES = (256, 64)
MAX_BYTES = 5 * 1024 * 1024
# Decompression-bomb guard: a small file may declare a huge canvas; refuse before decoding the pixels.
MAX_PIXELS = 40_000_000


class PhotoRejected(ValueError):
    """The upload is not a usable photo; `reason` is a stable code the route turns into a 4xx."""

    def __init__(self, reason: str) -> None:
        super().__init__(reason)
        self.reason = reason


def normalize_photo(data: bytes) -> dict[int, bytes]:
    """Return {edge: WebP bytes} for each size in SIZES, square-cropped, metadata-free."""
    if not data:
        raise PhotoRejected("photo_empty")
    if len(data) > MAX_BYTES:
        raise PhotoRejected("photo_too_large")
    try:
        with Image.open(io.BytesIO(data)) as probe:
            if probe.format not in {"JPEG", "PNG", "WEBP", "GIF"}:
                raise PhotoRejected("photo_not_image")
            width, height = probe.size
            if width * height > MAX_PIXELS:
                raise PhotoRejected("photo_too_many_pixels")
            probe.load()
            image = ImageOps.exif_transpose(probe).convert("RGB")
    except PhotoRejected:
        raise
    except (OSError, SyntaxError, ValueError, Image.DecompressionBombError) as exc:
        raise PhotoRejected("photo_not_image") from exc
    out: dict[int, bytes] = {}
    for edge in SIZES:
        fitted = ImageOps.fit(image, (edge, edge), Image.Resampling.LANCZOS)
        buffer = io.BytesIO()
        fitted.save(buffer, format="WEBP", quality=85)
        out[edge] = buffer.getvalue()
    return out


async def set_photo(db: AsyncSession, user: User, store: Storage, data: bytes) -> User:
    """Re-encode `data` and make it the user's photo; the upload itself is never stored."""
    sizes = await anyio.to_thread.run_sync(normalize_photo, data)
    keys = {}
    for edge, encoded in sizes.items():
        blob = store.begin()
        try:
            blob.write(encoded)
            keys[edge] = blob.commit()
        except BaseException:
            blob.discard()
            raise
    user.photo_key, user.photo_small_key = keys[SIZES[0]], keys[SIZES[1]]
    await db.flush()
    return user


async def clear_photo(db: AsyncSession, user: User) -> User:
    # The blobs stay: content-addressed, another person may have uploaded the same picture.
    user.photo_key = user.photo_small_key = None
    await db.flush()
    return user


async def photo_key(db: AsyncSession, viewer: User, person_id: int, small: bool) -> str:
    """The storage key of the photo the viewer may see; NotFound when there is none or they may not."""
    person = await db.get(User, person_id)
    if person is None or not person.photo_key:
        raise NotFound("No such photo.", code="no_photo")
    seen, shared = await standing(db, viewer, person)
    if not seen or not may_see_field(viewer, person, shared, "photo"):
        raise NotFound("No such photo.", code="no_photo")
    return person.photo_small_key if small else person.photo_key
