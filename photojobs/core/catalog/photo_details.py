"""Everything the viewer shows about one photo, read in one row."""

from __future__ import annotations

import json
from dataclasses import dataclass

from photojobs.core.db import Database
from photojobs.core.db.models import Photo
from photojobs.core.formats import FileClass, classify


@dataclass(frozen=True)
class PhotoDetails:
    id: int
    base: str
    files: tuple[str, ...]
    jpg: bool
    raw: bool
    keep_jpg: bool
    keep_raw: bool
    preview_status: str
    date_taken: str | None
    camera_make: str | None
    camera_model: str | None
    lens: str | None
    width: int | None
    height: int | None
    iso: int | None
    exposure_time: str | None
    aperture: float | None
    focal_length: float | None

    @property
    def jpg_name(self) -> str | None:
        return next((f for f in self.files if classify(f) is FileClass.JPG), None)

    @property
    def keeps(self) -> tuple[bool, bool]:
        """(keeps the JPG, keeps the RAW), counting only the files it has."""
        return self.jpg and self.keep_jpg, self.raw and self.keep_raw

    @property
    def decision(self) -> str:
        keeps_jpg, keeps_raw = self.keeps
        if keeps_jpg == self.jpg and keeps_raw == self.raw:
            return "Keep everything"
        if keeps_jpg:
            return "Keep JPG only"
        if keeps_raw:
            return "Keep RAW only"
        return "Discard"


def load_details(db: Database, photo_id: int) -> PhotoDetails | None:
    """One row, read on the GUI thread like a page of the grid (no file is touched)."""
    with db.read() as s:
        p = s.get(Photo, photo_id)
        if p is None:
            return None
        return PhotoDetails(
            p.id,
            p.base,
            tuple(json.loads(p.files_json)),
            p.jpg_available,
            p.raw_available,
            p.keep_jpg,
            p.keep_raw,
            p.preview_status,
            p.date_taken,
            p.camera_make,
            p.camera_model,
            p.lens,
            p.width,
            p.height,
            p.iso,
            p.exposure_time,
            p.aperture,
            p.focal_length,
        )
