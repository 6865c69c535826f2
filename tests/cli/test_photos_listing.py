"""`photojobs-cli photos`, written one photo at a time: the same JSON document as before,
every row of the database in it, in natural order."""

from __future__ import annotations

import json
import sqlite3
from pathlib import Path
from typing import Any

import pytest
from cli_kit import Cli

from photojobs.core.config import load_config
from photojobs.core.library import Library
from photojobs.core.marks.marking import change_tags, set_rating
from photojobs.core.paths import DATA_DIR
from photojobs.core.photos import KeepDecision, scan_project, set_keep


@pytest.fixture
def cli(tmp_path: Path) -> Cli:
    """A library made in this process (a CLI start per step is slow on a busy machine);
    only the listing runs as a subprocess."""
    cli = Cli(tmp_path)
    lib = Library.open(cli.lib, load_config())
    shoot = lib.create_project("Shoot")
    lib.create_project("Empty")
    for name in ("IMG_10.JPG", "IMG_10.ARW", "IMG_2.JPG", "img_11.jpg", "Été.jpg", "A.NEF"):
        (shoot.path / name).write_bytes(name.encode())
    with lib.db.write() as s:
        scan_project(s, shoot.id, shoot.path)
        set_rating(s, shoot.id, ["IMG_2"], 4)
        change_tags(s, shoot.id, ["IMG_2", "Été"], add=["Places|Paris", "Family"])
        assert set_keep(s, shoot.id, ["IMG_10"], KeepDecision.JPG_ONLY) == []
    lib.close()
    return cli


def rows_in_database(cli: Cli) -> dict[str, dict[str, Any]]:
    """Each photo as the listing must show it, read with plain sqlite3."""
    con = sqlite3.connect(cli.lib / DATA_DIR / "library.db")
    con.row_factory = sqlite3.Row
    tags: dict[int, list[str]] = {}
    for photo_id, name in con.execute(
        "SELECT photo_id, name FROM photo_tags JOIN tags ON tags.id = tag_id"
    ):
        tags.setdefault(photo_id, []).append(name)
    found = {}
    for r in con.execute("SELECT * FROM photos"):
        jpg, raw, keep_jpg, keep_raw = (
            bool(r[k]) for k in ("jpg_available", "raw_available", "keep_jpg", "keep_raw")
        )
        found[r["base"]] = {
            "id": r["id"], "base": r["base"], "files": json.loads(r["files_json"]),
            "jpg_available": jpg, "raw_available": raw,
            "other_available": bool(r["other_available"]), "keep_jpg": keep_jpg,
            "keep_raw": keep_raw, "pending": (jpg and not keep_jpg) or (raw and not keep_raw),
            "thumbnail_status": r["thumbnail_status"], "preview_status": r["preview_status"],
            "date_taken": r["date_taken"], "rating": r["rating"], "flag": r["flag"],
            "label": r["color_label"], "tags": sorted(tags.get(r["id"], [])),
        }  # fmt: skip
    con.close()
    return found


def test_the_json_listing_parses_and_holds_every_row_in_natural_order(cli: Cli) -> None:
    proc = cli.run("photos", "Shoot", "--json")
    assert proc.returncode == 0 and proc.stderr == ""
    listed = json.loads(proc.stdout)
    rows = rows_in_database(cli)
    assert [p["base"] for p in listed] == ["A", "IMG_2", "IMG_10", "img_11", "Été"]
    assert listed == [rows[p["base"]] for p in listed]
    assert listed[1]["tags"] == ["Family", "Places|Paris"] and listed[1]["rating"] == 4
    assert listed[2]["pending"] is True
    # Byte for byte the document json.dump wrote when the listing was built whole.
    assert proc.stdout == json.dumps(listed, ensure_ascii=False, indent=2) + "\n"


def test_an_empty_listing_is_an_empty_array_and_a_filter_says_what_matched_nothing(
    cli: Cli,
) -> None:
    proc = cli.run("photos", "Empty", "--json")
    assert proc.returncode == 0 and proc.stdout == "[]\n"
    assert cli.run("photos", "Empty").stdout == ""
    assert (
        cli.run("photos", "Shoot", "--min-rating", "5").stdout == "No photo matches: rating ≥ 5\n"
    )
    pending = cli.run("photos", "Shoot", "--pending").stdout.splitlines()
    assert [line.split("\t")[:3] for line in pending] == [
        ["IMG_10", "IMG_10.ARW IMG_10.JPG", "pending"]
    ]
