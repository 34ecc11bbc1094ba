"""Profile photos: decode an upload and re-encode it small, so nothing of the original file survives.

Re-encoding (rather than stripping tags) is the point: EXIF GPS, XMP, ICC profiles and any payload hidden
after the image data are all dropped because only decoded pixels are written back out.
"""

from __future__ import annotations

import io

from PIL import Image, ImageOps

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
