"""Checking an uploaded document by its content, never by its name, before anything is stored."""

from __future__ import annotations

import hashlib
import io
import warnings
from dataclasses import dataclass

from PIL import Image, UnidentifiedImageError
from pypdf import PdfReader
from pypdf.errors import PdfReadError

MAX_BYTES = 5 * 1024 * 1024
MAX_PIXELS = 40_000_000  # a phone photo is 12-50 MP; a decompression bomb claims billions
LONG_SIDE = 2000  # enough to read any document; a 12 MP photo shrinks about 8-fold

_PDF = b"%PDF-"
_JPEG = b"\xff\xd8\xff"
_PNG = b"\x89PNG\r\n\x1a\n"


class UploadRefused(Exception):
    def __init__(self, code: str):
        super().__init__(code)
        self.code = code  # empty, too_large, bad_name, bad_type, damaged, too_many_pixels


@dataclass(frozen=True)
class CheckedUpload:
    data: bytes
    content_type: str
    extension: str
    name: str
    sha256: str


def check_upload(name: str, data: bytes, *, max_bytes: int = MAX_BYTES) -> CheckedUpload:
    """The document as it will be stored (images reduced, metadata dropped), or UploadRefused."""
    if any(part in (name or "") for part in ("/", "\\", "\x00")) or (name or "").startswith(".."):
        raise UploadRefused("bad_name")
    if not data:
        raise UploadRefused("empty")
    if len(data) > max_bytes:
        raise UploadRefused("too_large")
    if data.startswith(_PDF):
        _check_pdf(data)
        content_type, extension = "application/pdf", "pdf"
    elif data.startswith(_JPEG) or data.startswith(_PNG):
        data, content_type, extension = _reduce_image(data)
    else:
        raise UploadRefused("bad_type")
    return CheckedUpload(
        data=data,
        content_type=content_type,
        extension=extension,
        name=(name or "berkas")[-100:],
        sha256=hashlib.sha256(data).hexdigest(),
    )


def _check_pdf(data: bytes) -> None:
    try:
        reader = PdfReader(io.BytesIO(data), strict=False)
        if len(reader.pages) < 1:
            raise UploadRefused("damaged")
    except (PdfReadError, ValueError, KeyError, TypeError, OSError) as exc:
        raise UploadRefused("damaged") from exc


def _reduce_image(data: bytes) -> tuple[bytes, str, str]:
    try:
        with warnings.catch_warnings():
            # Pillow warns about huge images rather than refusing them: make that a refusal.
            warnings.simplefilter("error", Image.DecompressionBombWarning)
            probe = Image.open(io.BytesIO(data))
        with probe:
            width, height = probe.size  # read from the header: nothing decoded yet
            if width * height > MAX_PIXELS:
                raise UploadRefused("too_many_pixels")
            probe.verify()
        with Image.open(io.BytesIO(data)) as image:
            # JPEG can decode straight to a smaller size: a 40 MP photo never fills memory in full.
            image.draft("RGB", (LONG_SIDE, LONG_SIDE))
            image.load()
            image.thumbnail((LONG_SIDE, LONG_SIDE))
            out = io.BytesIO()
            if image.mode in ("RGBA", "LA", "P"):
                image.save(out, "PNG", optimize=True)
                return out.getvalue(), "image/png", "png"
            # Re-encoding also drops EXIF (GPS position, phone model): data the office does not need.
            image.convert("RGB").save(out, "JPEG", quality=85, optimize=True)
            return out.getvalue(), "image/jpeg", "jpg"
    except UploadRefused:
        raise
    except (Image.DecompressionBombError, Image.DecompressionBombWarning) as exc:
        raise UploadRefused("too_many_pixels") from exc
    except (UnidentifiedImageError, OSError, SyntaxError, ValueError) as exc:
        raise UploadRefused("damaged") from exc
