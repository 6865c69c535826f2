"""The reconciliation jobs (manifest_check, folder_check, manifest_cleaning) and
trash_maintenance, the only job that deletes originals, against real folders."""

from __future__ import annotations

import os
import time

import yaml
from handler_kit import Shoot, blake

from photojobs.core.db.models import TrashEntry
from photojobs.core.photos import KeepDecision
from photojobs.core.trash import PENDING, move_to_trash

DAY = 86_400.0


def task_jobs(shoot: Shoot, task_id: str) -> list[tuple[str, str]]:
    return [(j["type"], j["status"]) for j in shoot.jobs(task_id)]


def test_manifest_check_follows_files_changed_outside_the_app(shoot: Shoot) -> None:
    shoot.add("A.JPG")
    shoot.pair("B")
    shoot.add("C.JPG", "IMG_0002.JPG")
    shoot.scan()
    shoot.keep(KeepDecision.JPG_ONLY, "B")
    ids = {b: p.id for b, p in shoot.photos().items()}
    shoot.add("A.ARW", "RAWFULL_0002.DNG")  # added next to a known photo
    (shoot.dir / "B.DNG").unlink()  # removed: B's pending RAW is no longer pending
    os.rename(shoot.dir / "C.JPG", shoot.dir / "D.JPG")  # renamed

    job = shoot.run_one("manifest_check", source="maintenance")

    assert job["status"] == "completed"
    photos = shoot.photos()
    a, b, c = photos["A"], photos["B"], photos["C"]
    assert (a.files, a.raw_available, a.keep_raw, a.pending) == (
        ("A.ARW", "A.JPG"),
        True,
        True,
        False,
    )
    assert (b.files, b.raw_available, b.pending) == (("B.JPG",), False, False)
    assert (c.files, c.jpg_available) == ((), False)
    assert {b: p.id for b, p in photos.items()} == ids, "manifest_check only updates rows"

    task, _ = shoot.store.start_task("maintenance", project_id=shoot.project.id)
    shoot.run_all()

    assert set(shoot.photos()) == {"A", "B", "D"}
    assert shoot.photos()["D"].files == ("D.JPG",)
    assert shoot.thumb("D").exists()
    assert {s for _, s in task_jobs(shoot, task)} == {"completed"}


def test_manifest_check_settles_trash_moves_a_crash_cut_in_half(shoot: Shoot) -> None:
    shoot.pair("M")  # the crash came after the move, before the confirmation
    shoot.pair("U", "IMG_0002.JPG", "RAWFULL_0002.DNG")  # ... or before the move
    shoot.scan()
    photos = shoot.photos()
    before = shoot.originals()
    shoot.trash.mkdir()
    with shoot.lib.db.write() as s:
        for base in ("M", "U"):
            s.add(
                TrashEntry(
                    project_id=shoot.project.id,
                    photo_id=photos[base].id,
                    photo_base=base,
                    original_name=f"{base}.JPG",
                    trash_name=f"000000{1 if base == 'M' else 2}_{base}.JPG",
                    size=1,
                    status=PENDING,
                    trashed_at=time.time(),
                    task_id="crashed-commit",
                )
            )
    os.replace(shoot.dir / "M.JPG", shoot.trash / "0000001_M.JPG")

    job = shoot.run_one("manifest_check", source="maintenance")

    assert job["status"] == "completed"
    (entry,) = shoot.entries()
    assert (entry["original_name"], entry["status"]) == ("M.JPG", "confirmed")
    assert blake(shoot.trash / "0000001_M.JPG") == before["M.JPG"]
    assert shoot.trashed() == ["0000001_M.JPG"]
    assert blake(shoot.dir / "U.JPG") == before["U.JPG"], "the move that never happened"
    m, u = shoot.photo("M"), shoot.photo("U")
    assert m is not None and u is not None
    assert (m.files, m.jpg_available) == (("M.DNG",), False)
    assert u.files == ("U.DNG", "U.JPG")
    assert shoot.items(job["id"])["trash"]["message"] == "2 interrupted trash move(s) settled"


def test_a_settled_move_stays_listed_when_a_new_file_took_the_name(shoot: Shoot) -> None:
    """Moved, then (before any restart) a new file appeared under the original name: the
    trashed original is still the journal's, listed and restorable, not left pending."""
    shoot.pair("M")
    shoot.scan()
    photo = shoot.photo("M")
    assert photo is not None
    before = shoot.originals()
    entry_id = move_to_trash(shoot.lib.db, shoot.project.id, shoot.dir, "M.JPG", "M", photo.id, "t")
    with shoot.lib.db.write() as s:
        s.get_one(TrashEntry, entry_id).status = PENDING  # the confirmation never came
    newcomer = blake(shoot.add("M.JPG", "IMG_0005.JPG"))

    shoot.run_one("manifest_check")

    (entry,) = shoot.entries()
    assert entry["status"] == "confirmed"
    assert blake(shoot.trash / entry["trash_name"]) == before["M.JPG"]
    assert blake(shoot.dir / "M.JPG") == newcomer


def test_manifest_check_rewrites_a_missing_wrong_or_corrupt_manifest(shoot: Shoot) -> None:
    manifest = shoot.dir / ".project.yaml"
    expected = yaml.safe_load(manifest.read_text())

    manifest.unlink()
    shoot.run_one("manifest_check")
    assert yaml.safe_load(manifest.read_text()) == expected | {
        "created_at": expected_created(shoot)
    }

    manifest.write_text(yaml.safe_dump(expected | {"id": "5c1e8a7e-0000-4000-8000-000000000000"}))
    job = shoot.run_one("manifest_check")
    assert yaml.safe_load(manifest.read_text())["id"] == shoot.project.id
    assert "did not match the library" in shoot.items(job["id"])[".project.yaml"]["message"]

    corrupt = b"name: [unclosed\n\x00 this is not YAML"
    manifest.write_bytes(corrupt)
    shoot.run_one("manifest_check")
    assert (shoot.dir / ".project.yaml.bad").read_bytes() == corrupt
    data = yaml.safe_load(manifest.read_text())
    assert (data["id"], data["name"]) == (shoot.project.id, "Shoot")

    untouched = manifest.stat().st_mtime_ns
    job = shoot.run_one("manifest_check")
    assert manifest.stat().st_mtime_ns == untouched and shoot.items(job["id"]) == {}


def expected_created(shoot: Shoot) -> str:
    return time.strftime("%Y-%m-%dT%H:%M:%S+00:00", time.gmtime(shoot.project.created_at))


def test_folder_check_adds_only_new_bases_and_leaves_unknown_files(shoot: Shoot) -> None:
    shoot.pair("OLD")
    shoot.scan()
    shoot.keep(KeepDecision.RAW_ONLY, "OLD")  # a decision the check must not reset
    shoot.made("OLD")
    old = shoot.photo("OLD")
    shoot.add("NEW1.JPG", "IMG_0002.JPG")
    shoot.add("NEW2.Dng", "RAWFULL_0002.DNG")
    (shoot.dir / "notes.txt").write_text("client wants B&W")
    (shoot.dir / "selects").mkdir()
    (shoot.dir / "selects" / "OLD.JPG").write_bytes(b"a copy in a sub-folder")
    (shoot.dir / "lonely.xmp").write_text("<x:xmpmeta/>")
    before = shoot.stats()

    task, _ = shoot.store.start_task("maintenance", project_id=shoot.project.id)
    shoot.run_all()

    photos = shoot.photos()
    assert set(photos) == {"OLD", "NEW1", "NEW2"}
    assert photos["OLD"] == old
    assert not photos["NEW2"].pending and photos["NEW2"].raw_available
    check = shoot.only_job(task, "folder_check")
    made = shoot.only_job(task, "generate_derivatives")
    assert made["payload"] == {"bases": ["NEW1", "NEW2"]}
    assert (made["status"], made["source"]) == ("completed", "maintenance")
    assert shoot.thumb("NEW1").exists() and shoot.thumb("NEW2").exists()
    assert not shoot.thumb("OLD").exists(), "no derivative work for a known photo"
    items = shoot.items(check["id"])
    assert {k: i["status"] for k, i in items.items()} == {
        "lonely.xmp": "skipped",
        "notes.txt": "skipped",
        "selects/": "skipped",
    }
    assert (items["notes.txt"]["name"], items["notes.txt"]["message"]) == (
        "notes.txt", "not a photo file; left where it is",
    )  # fmt: skip
    assert shoot.stats() == before
    assert (shoot.dir / "selects" / "OLD.JPG").read_bytes() == b"a copy in a sub-folder"
    assert shoot.trashed() == []

    again = shoot.run_one("folder_check", source="maintenance")
    assert again["status"] == "completed"
    assert shoot.jobs(job_type="generate_derivatives") == [made], "nothing new, nothing to make"


def test_manifest_cleaning_removes_photos_with_no_file_left(shoot: Shoot) -> None:
    shoot.pair("GONE")
    shoot.add("STAYS.JPG", "IMG_0002.JPG")
    shoot.scan()
    shoot.store.start_task("generate_derivatives", project_id=shoot.project.id)
    shoot.run_all()
    assert shoot.thumb("GONE").exists() and shoot.preview("GONE").exists()
    for name in ("GONE.JPG", "GONE.DNG"):
        (shoot.dir / name).unlink()
    shoot.run_one("manifest_check")
    assert shoot.photos()["GONE"].files == ()

    job = shoot.run_one("manifest_cleaning")

    assert set(shoot.photos()) == {"STAYS"}
    assert not shoot.thumb("GONE").exists() and not shoot.preview("GONE").exists()
    assert shoot.thumb("STAYS").exists()
    assert shoot.items(job["id"])["GONE"]["status"] == "done"
    assert any(getattr(e, "removed", False) for e in shoot.events)


def committed(shoot: Shoot, *bases: str) -> list[dict]:
    for base in bases:
        shoot.pair(base)
    shoot.scan()
    shoot.keep(KeepDecision.RAW_ONLY, *bases)
    shoot.commit()
    shoot.run_all()
    return shoot.entries()


def set_trashed_at(shoot: Shoot, entry_id: int, when: float) -> None:
    with shoot.lib.db.write() as s:
        s.get_one(TrashEntry, entry_id).trashed_at = when


def test_trash_retention_is_measured_from_trashed_at_not_mtime(shoot: Shoot) -> None:
    by_name = {e["original_name"]: e for e in committed(shoot, "RECENT", "OLD")}
    recent, old = by_name["RECENT.JPG"], by_name["OLD.JPG"]
    now = time.time()
    recent_file, old_file = (shoot.trash / e["trash_name"] for e in (recent, old))
    os.utime(recent_file, (now - 400 * DAY, now - 400 * DAY))  # a photo taken long ago
    set_trashed_at(shoot, recent["id"], now - 29 * DAY)
    set_trashed_at(shoot, old["id"], now - 31 * DAY)  # its file's mtime is today
    (shoot.trash / "stray.JPG").write_bytes(b"put here by hand")
    (shoot.trash / "old-stray.JPG").write_bytes(b"also by hand, long ago")
    os.utime(shoot.trash / "old-stray.JPG", (now - 900 * DAY, now - 900 * DAY))

    job = shoot.run_one("trash_maintenance")

    assert job["status"] == "completed"
    assert recent_file.exists() and not old_file.exists()
    statuses = {e["original_name"]: e["status"] for e in shoot.entries()}
    assert statuses == {"RECENT.JPG": "confirmed", "OLD.JPG": "deleted"}
    assert (shoot.trash / "stray.JPG").read_bytes() == b"put here by hand"
    assert (shoot.trash / "old-stray.JPG").exists()
    items = shoot.items(job["id"])
    assert items[old["trash_name"]]["status"] == "done"
    assert items["stray.JPG"]["status"] == items["old-stray.JPG"]["status"] == "skipped"
    assert "without a record; kept" in items["stray.JPG"]["message"]
    assert recent["trash_name"] not in items
    assert shoot.files() == ["OLD.DNG", "RECENT.DNG"], "originals in place are never touched"


def test_trash_retention_follows_the_jobs_clock_and_the_setting(shoot: Shoot) -> None:
    (entry,) = committed(shoot, "A")
    trashed = shoot.trash / entry["trash_name"]
    store = shoot.store

    store.enqueue("trash_maintenance", project_id=shoot.project.id)
    shoot.run_all(clock=lambda: entry["trashed_at"] + 30 * DAY - 60)
    assert trashed.exists()

    store.enqueue("trash_maintenance", project_id=shoot.project.id)
    shoot.run_all(clock=lambda: entry["trashed_at"] + 30 * DAY + 60)
    assert not trashed.exists()
    assert shoot.entries()[0]["status"] == "deleted"


def test_trash_maintenance_keeps_pending_entries(shoot: Shoot) -> None:
    shoot.pair("P")
    shoot.scan()
    photo = shoot.photo("P")
    assert photo is not None
    entry_id = move_to_trash(
        shoot.lib.db, shoot.project.id, shoot.dir, "P.JPG", "P", photo.id, None
    )
    with shoot.lib.db.write() as s:
        row = s.get_one(TrashEntry, entry_id)
        row.status, row.trashed_at = PENDING, time.time() - 365 * DAY

    shoot.run_one("trash_maintenance")

    (entry,) = shoot.entries()
    assert entry["status"] == PENDING
    assert (shoot.trash / entry["trash_name"]).exists()


def test_the_maintenance_task_is_not_stacked(shoot: Shoot) -> None:
    store = shoot.store
    first, created = store.start_task("maintenance", project_id=shoot.project.id)
    second, again = store.start_task("maintenance", project_id=shoot.project.id)

    assert (created, again) == (True, False) and second == first
    assert len(shoot.jobs()) == 1

    shoot.run_all()
    assert task_jobs(shoot, first) == [
        ("trash_maintenance", "completed"),
        ("manifest_check", "completed"),
        ("folder_check", "completed"),
        ("manifest_cleaning", "completed"),
    ]
    third, created = store.start_task("maintenance", project_id=shoot.project.id)
    assert created and third != first, "once finished, the next one may start"
