"""Everything the viewer shows about one photo, read in one row."""

from __future__ import annotations

import json
from dataclasses import dataclass

from photojobs.core.db import Database
from photojobs.core.db.models import Photo
from photojobs.core.decisions import KEEP_EVERYTHING, WORDS, keeps_everything, kept
from photojobs.core.formats import FileClass, classify
from photojobs.core.photos import KeepDecision


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
    def kept(self) -> KeepDecision:
        """Which of its files it keeps, counting only the files it has."""
        return kept(self.jpg, self.raw, self.keep_jpg, self.keep_raw)

    @property
    def decision(self) -> str:
        if keeps_everything(self.jpg, self.raw, self.keep_jpg, self.keep_raw):
            return KEEP_EVERYTHING
        return WORDS[self.kept]


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
