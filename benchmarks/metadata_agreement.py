"""How often our metadata reader agrees with ExifTool, per field, over a folder of camera
files (for example the ExifTool project's own t/images). Prints counts and every
disagreement; needs `exiftool` on the PATH (Debian: libimage-exiftool-perl).

    python benchmarks/metadata_agreement.py FOLDER
"""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path
from typing import Any

from photojobs.core.formats import JPG_EXTENSIONS, OTHER_EXTENSIONS, RAW_EXTENSIONS
from photojobs.core.imaging import ImageError, read_metadata

FIELDS = ("date_taken", "make", "model", "orientation")
EXTENSIONS = JPG_EXTENSIONS | RAW_EXTENSIONS | OTHER_EXTENSIONS


def reference(paths: list[Path]) -> dict[str, dict[str, Any]]:
    """ExifTool's values by file path (-n: orientation as a number)."""
    cmd = ["exiftool", "-json", "-n", "-DateTimeOriginal", "-CreateDate", "-ModifyDate"]
    out = subprocess.run(
        [*cmd, "-Make", "-Model", "-Orientation", *map(str, paths)],
        capture_output=True,
        text=True,
        check=False,
    )
    rows = json.loads(out.stdout or "[]")
    found = {}
    for r in rows:
        # Our rule (docs/metadata.md) over ExifTool's values: the moment of capture, then
        # the digitisation time, then the file's EXIF modification time.
        date = r.get("DateTimeOriginal") or r.get("CreateDate") or r.get("ModifyDate")
        found[r["SourceFile"]] = {
            "date_taken": _date(date),
            "make": _text(r.get("Make")),
            "model": _text(r.get("Model")),
            "orientation": r.get("Orientation") if isinstance(r.get("Orientation"), int) else 1,
        }
    return found


def ours(path: Path) -> dict[str, Any]:
    try:
        m = read_metadata(path)
    except ImageError:
        return dict.fromkeys(FIELDS)
    date = m.date_taken if m.date_source == "exif" else None
    return {
        "date_taken": _date(date),
        "make": _text(m.camera_make),
        "model": _text(m.camera_model),
        "orientation": m.orientation or 1,
    }


def _date(value: Any) -> str | None:
    """`2023:06:17 14:32:05` and `2023-06-17T14:32:05+02:00` compare by their first 19."""
    if not isinstance(value, str) or value.startswith("0000"):
        return None
    text = value.replace("T", " ")
    return f"{text[0:4]}-{text[5:7]}-{text[8:10]} {text[11:19]}" if len(text) >= 19 else None


def _text(value: Any) -> str | None:
    return str(value).strip() or None if value is not None else None


def main(folder: str) -> int:
    paths = sorted(
        p
        for p in Path(folder).iterdir()
        if p.suffix.lower().lstrip(".") in EXTENSIONS and p.stat().st_size > 0
    )
    if not paths:
        print(f"no camera files in {folder}")
        return 1
    ref = reference(paths)
    agree = dict.fromkeys(FIELDS, 0)
    total = dict.fromkeys(FIELDS, 0)
    misses = []
    for path in paths:
        theirs, mine = ref.get(str(path), dict.fromkeys(FIELDS)), ours(path)
        for field in FIELDS:
            if theirs[field] is None and mine[field] is None:
                continue  # neither knows: nothing to compare
            total[field] += 1
            if theirs[field] == mine[field]:
                agree[field] += 1
            else:
                misses.append(
                    f"{path.name}\t{field}\texiftool={theirs[field]!r}\tours={mine[field]!r}"
                )
    print(f"{len(paths)} files in {folder}")
    for field in FIELDS:
        share = 100 * agree[field] / total[field] if total[field] else 100.0
        print(f"{field:12} {agree[field]:4}/{total[field]:<4} agree ({share:.1f}%)")
    n, of = sum(agree.values()), sum(total.values())
    print(f"{'all':12} {n:4}/{of:<4} agree ({100 * n / max(of, 1):.1f}%)")
    if misses:
        print("\ndisagreements:")
        print("\n".join(misses))
    return 0


if __name__ == "__main__":
    if len(sys.argv) != 2:
        print(__doc__)
        sys.exit(2)
    sys.exit(main(sys.argv[1]))
