"""Qt-free image work: derivatives (thumbnails, previews), metadata, source fingerprints."""

from .derivatives import DerivativeResult, DerivativeSpec, render_derivatives
from .errors import ImageError, UnsupportedFormat
from .fingerprint import source_fingerprint
from .metadata import PhotoMetadata, read_metadata
from .sources import PhotoSources

__all__ = [
    "DerivativeResult",
    "DerivativeSpec",
    "ImageError",
    "PhotoMetadata",
    "PhotoSources",
    "UnsupportedFormat",
    "read_metadata",
    "render_derivatives",
    "source_fingerprint",
]
