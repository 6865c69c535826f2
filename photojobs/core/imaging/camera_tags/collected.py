"""Tags from several blocks of one file, merged: the first EXIF block found wins, and a
camera maker's own block (Canon CIFF, Sigma's X3F properties) wins over EXIF, as in
ExifTool, since EXIF is the copy a maker added beside its native record."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

Tags = dict[int, Any]


@dataclass
class CameraTags:
    """IFD0 and Exif tags by number, the GPS IFD, and the pixel size a container states."""

    tags: Tags = field(default_factory=dict)
    gps: Tags = field(default_factory=dict)
    size: tuple[int, int] | None = None
    container: str = ""  # "jpeg", "raf", "x3f", "kyocera", "bmff" (CR3, HEIC), "exif" (the rest)

    def add(self, tags: Tags, gps: Tags | None = None, *, native: bool = False) -> None:
        for number, value in tags.items():
            if value not in (None, "", b"") and (native or number not in self.tags):
                self.tags[number] = value
        for number, value in (gps or {}).items():
            self.gps.setdefault(number, value)
