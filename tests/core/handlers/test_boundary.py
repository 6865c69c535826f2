"""A library can come from someone else: names read from its database (trash journal,
photo rows) are checked to stay inside their project before any file is touched."""

from __future__ import annotations

import json
import sqlite3
import time
from pathlib import Path

from handler_kit import Shoot

from photojobs.core.photos import KeepDecision

DAY = 86_400.0


def tamper(shoot: Shoot, sql: str, *params: object) -> None:
    """Write the database as another program (or a hostile copy of the library) would."""
    conn = sqlite3.connect(shoot.lib.db.path)
    try:
        conn.execute(sql, params)
        conn.commit()
    finally:
        conn.close()


def committed(shoot: Shoot, base: str) -> dict[str, object]:
    shoot.add(f"{base}.JPG")
    shoot.scan()
    shoot.keep(KeepDecision.NONE, base)
    shoot.commit()
    shoot.run_all()
    (entry,) = [e for e in shoot.entries() if e["photo_base"] == base]
    return entry


def test_maintenance_never_deletes_where_a_trash_name_leads_outside(
    shoot: Shoot, tmp_path: Path
) -> None:
    entry = committed(shoot, "A")
    victim = tmp_path / "victim"  # <library>/Shoot/.trash/../../../victim
    victim.write_bytes(b"someone else's file")
    tamper(
        shoot,
        "UPDATE trash_entries SET trash_name = ?, trashed_at = ? WHERE id = ?",
        "../../../victim",
        time.time() - 400 * DAY,
        entry["id"],
    )

    job = shoot.run_one("trash_maintenance")

    assert victim.read_bytes() == b"someone else's file"
    assert (shoot.trash / str(entry["trash_name"])).exists(), "the real trash file is kept too"
    item = shoot.items(job["id"])["../../../victim"]
    assert item["status"] == "failed"
    assert "not deleted" in item["message"] and "not a plain name" in item["message"]
    assert shoot.entries()[0]["status"] == "confirmed"


def test_a_restore_never_writes_where_an_original_name_leads_outside(
    shoot: Shoot, tmp_path: Path
) -> None:
    entry = committed(shoot, "A")
    tamper(shoot, "UPDATE trash_entries SET original_name = ? WHERE id = ?", "../../x", entry["id"])

    task = shoot.restore(everything=True)
    shoot.run_all()

    assert not (tmp_path / "x").exists() and not (shoot.dir.parent / "x").exists()
    assert (shoot.trash / str(entry["trash_name"])).exists()
    restore = shoot.only_job(task, "restore_files")
    item = shoot.items(restore["id"])["../../x"]
    assert item["status"] == "failed" and "leads outside the project" in item["message"]
    assert shoot.entries()[0]["status"] == "confirmed"


def test_a_restore_never_moves_a_file_from_outside_the_trash(shoot: Shoot, tmp_path: Path) -> None:
    entry = committed(shoot, "A")
    outside = tmp_path / "outside.JPG"
    outside.write_bytes(b"not in the trash")
    (shoot.trash / "link.JPG").symlink_to(outside)
    tamper(shoot, "UPDATE trash_entries SET trash_name = ? WHERE id = ?", "link.JPG", entry["id"])

    shoot.restore(everything=True)
    shoot.run_all()

    assert outside.read_bytes() == b"not in the trash"
    assert not (shoot.dir / "A.JPG").exists()
    assert shoot.entries()[0]["status"] == "confirmed"


def test_a_photo_base_from_the_database_never_leads_derivatives_outside(
    shoot: Shoot, tmp_path: Path
) -> None:
    shoot.add("B.JPG")
    shoot.scan()
    (shoot.dir / ".thumb").mkdir()
    victim = tmp_path / "victim.jpg"  # <library>/Shoot/.thumb/../../../victim.jpg
    victim.write_bytes(b"someone else's picture")
    tamper(
        shoot,
        "UPDATE photos SET base = ?, files_json = ?",
        "../../../victim",
        json.dumps(["B.JPG"]),
    )

    shoot.store.start_task("generate_derivatives", project_id=shoot.project.id)
    shoot.run_all()
    tamper(shoot, "UPDATE photos SET files_json = '[]'")
    shoot.run_one("manifest_cleaning")

    assert victim.read_bytes() == b"someone else's picture", "neither overwritten nor deleted"
    assert not (tmp_path / "victim.jpg.tmp").exists()
    assert sorted(p.name for p in tmp_path.iterdir()) == ["library", "victim.jpg"]
