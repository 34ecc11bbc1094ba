"""Profile photo sanitising: re-encoded, bounded, no metadata, hostile input refused."""

import io

import pytest
from PIL import Image

from server.services import photos
from server.services.photos import PhotoRejected, normalize_photo


def _jpeg_with_gps(size=(800, 600)) -> bytes:
    exif = Image.Exif()
    exif[0x010F] = "SpyCam"  # Make
    exif[0x8825] = {1: "N", 2: (50.0, 3.0, 0.0), 3: "E", 4: (19.0, 56.0, 0.0)}  # GPS IFD
    buffer = io.BytesIO()
    Image.new("RGB", size, (200, 30, 30)).save(buffer, format="JPEG", exif=exif)
    data = buffer.getvalue()
    assert Image.open(io.BytesIO(data)).getexif().get_ifd(0x8825), "fixture must carry GPS"
    return data


def test_exif_gps_is_gone_and_sizes_are_bounded():
    result = normalize_photo(_jpeg_with_gps() + b"trailing payload")
    assert sorted(result) == [64, 256]
    for edge, data in result.items():
        image = Image.open(io.BytesIO(data))
        assert image.format == "WEBP"
        assert image.size == (edge, edge)
        assert len(image.getexif()) == 0
        assert "exif" not in image.info and "xmp" not in image.info and "icc_profile" not in image.info
        assert b"SpyCam" not in data and b"trailing payload" not in data


@pytest.mark.parametrize(
    ("data", "reason"),
    [
        (b"", "photo_empty"),
        (b"%PDF-1.4 not an image", "photo_not_image"),
        (b"\xff\xd8\xff\xe0 truncated jpeg", "photo_not_image"),
        (b"x" * (photos.MAX_BYTES + 1), "photo_too_large"),
    ],
)
def test_bad_input_is_refused_with_a_code(data, reason):
    with pytest.raises(PhotoRejected) as caught:
        normalize_photo(data)
    assert caught.value.reason == reason


def test_decompression_bomb_is_refused_before_decoding():
    buffer = io.BytesIO()
    Image.new("1", (8000, 8000)).save(buffer, format="PNG")  # 64 Mpx in a few kilobytes
    assert len(buffer.getvalue()) < 100_000
    with pytest.raises(PhotoRejected) as caught:
        normalize_photo(buffer.getvalue())
    assert caught.value.reason == "photo_too_many_pixels"
