"""Photographer-readable errors for image files that cannot be used."""

from __future__ import annotations

import errno
import os
from pathlib import Path

_SIGNATURES: tuple[tuple[bytes, str], ...] = (
    (b"\xff\xd8\xff", "a JPEG image"),
    (b"\x89PNG\r\n\x1a\n", "a PNG image"),
    (b"II*\x00", "a TIFF or RAW file"),
    (b"MM\x00*", "a TIFF or RAW file"),
    (b"GIF8", "a GIF image"),
    (b"%PDF", "a PDF document"),
    (b"PK\x03\x04", "a ZIP archive"),
    (b"BM", "a BMP image"),
)

_EXPECTED_BY_SUFFIX = {
    ".jpg": "JPEG",
    ".jpeg": "JPEG",
    ".png": "PNG",
    ".tif": "TIFF",
    ".tiff": "TIFF",
    ".webp": "WebP",
    ".heic": "HEIF",
    ".heif": "HEIF",
}


class ImageError(Exception):
    """An image file could not be used; str() names the file and says why in plain words."""

    def __init__(self, path: Path | str, reason: str) -> None:
        self.path = Path(path)
        self.reason = reason
        super().__init__(f"{self.path.name}: {reason}")

    def __reduce__(self) -> tuple[type[ImageError], tuple[Path, str]]:
        # Keeps the error intact when it crosses a process pool boundary.
        return (type(self), (self.path, self.reason))


def os_error_reason(exc: OSError) -> str:
    """Say what went wrong opening or reading a file, without errno jargon."""
    if exc.errno == errno.ENOENT:
        return "file not found"
    if exc.errno in (errno.EACCES, errno.EPERM):
        return "cannot read file: permission denied"
    if exc.errno == errno.EISDIR:
        return "this is a folder, not a file"
    return f"cannot read file: {exc.strerror or exc}"


def too_large_reason(pixels: int, limit: int) -> str:
    """Reason for refusing an image whose pixel count could exhaust memory."""
    return f"image is too large ({_megapixels(pixels)} megapixels, limit {_megapixels(limit)})"


def _megapixels(pixels: int) -> str:
    value = pixels / 1_000_000
    return f"{value:.1f}" if value < 10 else f"{value:.0f}"


def describe_content(head: bytes) -> str:
    """Guess what a file really holds from its first bytes, for error messages."""
    for signature, name in _SIGNATURES:
        if head.startswith(signature):
            return name
    if head[4:8] == b"ftyp":
        return "a HEIF/AVIF image or a video"
    if head[:4] == b"RIFF" and head[8:12] == b"WEBP":
        return "a WebP image"
    stripped = head.lstrip().lower()
    if stripped.startswith((b"<!doctype html", b"<html")):
        return "a web page"
    if _looks_like_text(head):
        return "text"
    return "unrecognised data"


def _looks_like_text(head: bytes) -> bool:
    try:
        text = head.decode("utf-8")
    except UnicodeDecodeError as exc:
        # A multi-byte character cut off at the end of the sample is still text.
        if exc.start < len(head) - 3:
            return False
        text = head[: exc.start].decode("utf-8")
    printable = sum(ch.isprintable() or ch in "\r\n\t" for ch in text)
    return bool(text) and printable / len(text) > 0.95


NO_DECODER = "HEIF/HEIC images cannot be read: no HEIF decoder is installed"


class UnsupportedFormat(ImageError):
    """A real image in a format this installation cannot decode (not a broken file)."""


def not_an_image_error(path: Path, head: bytes) -> ImageError:
    reason = not_an_image_reason(path, head)
    return (UnsupportedFormat if reason == NO_DECODER else ImageError)(path, reason)


def not_an_image_reason(path: Path, head: bytes) -> str:
    """Reason for a file whose content no image reader recognises."""
    expected = _EXPECTED_BY_SUFFIX.get(path.suffix.lower(), "supported")
    content = describe_content(head)
    if expected == "HEIF" and content.startswith("a HEIF"):
        return NO_DECODER
    if content.startswith(f"a {expected} "):
        return "image is truncated or corrupt"  # the right kind of file, but unreadable
    return f"not a {expected} image (it looks like {content})"


def read_head(path: Path, size: int = 512) -> bytes:
    """First bytes of a file for sniffing; empty when the file cannot be read."""
    try:
        with open(path, "rb") as f:
            return f.read(size)
    except OSError:
        return b""


def check_readable(path: Path) -> int:
    """Fail early, with a clear reason, on a missing, empty or unreadable file; return its size."""
    try:
        with open(path, "rb") as f:
            size = os.fstat(f.fileno()).st_size
            f.read(1)
    except OSError as exc:
        raise ImageError(path, os_error_reason(exc)) from exc
    if size == 0:
        raise ImageError(path, "file is empty")
    return size
