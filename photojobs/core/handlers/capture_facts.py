"""A photo's capture facts (date taken, camera, exposure) from its file headers.

Read where a photo row is first made (import, folder_check), so it appears with its date:
a grid sorted by date then never moves a photo when its date arrives later. A header read
costs milliseconds; a file that cannot be read gives no facts (it shows up all the same).
"""

from __future__ import annotations

import json
from dataclasses import asdict
from pathlib import Path
from typing import Any

from photojobs.core.db.models import Photo
from photojobs.core.formats import PhotoFiles
from photojobs.core.imaging import ImageError, read_metadata
from photojobs.core.photos import METADATA_COLUMNS


def read_facts(path: Path) -> dict[str, Any] | None:
    try:
        return asdict(read_metadata(path))
    except ImageError:
        return None


def facts_of_photo(
    folder: Path, files: PhotoFiles, known: dict[str, dict[str, Any] | None] | None = None
) -> dict[str, Any] | None:
    """The facts of the preferred file (JPG, RAW, other) that has any; `known` holds facts
    already read, by file name."""
    known = known or {}
    for names in (files.jpg, files.raw, files.other):
        for name in sorted(names)[:1]:
            facts = known[name] if name in known else read_facts(folder / name)
            if facts is not None:
                return facts
    return None


def apply_facts(row: Photo, m: dict[str, Any]) -> None:
    for column in METADATA_COLUMNS:
        setattr(row, column, m.get(column))
    row.metadata_json = json.dumps({"orientation": m.get("orientation")} | m.get("extra", {}))
