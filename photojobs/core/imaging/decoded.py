"""The decoded pixels of a photo's best source, before resizing, colour and orientation."""

from __future__ import annotations

from dataclasses import dataclass

from PIL import Image


@dataclass(frozen=True)
class DecodedImage:
    """Pixels plus what is still to be done to them to make an upright sRGB derivative."""

    image: Image.Image  # may be DCT-scaled below `source_size`, never below the request
    source_size: tuple[int, int]  # stored size at full scale: outputs never exceed it
    orientation: int  # EXIF orientation still to apply (1 when already upright)
    icc_profile: bytes | None
    source_kind: str  # "jpg" | "raw_embedded" | "raw_half" | "raw_full" | "other"
