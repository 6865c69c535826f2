"""Revert (flags only) and restore (the Undo of a commit): files come back byte-identical
under their own names, or not at all; nothing in the project is ever overwritten."""

from __future__ import annotations

import os
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from handler_kit import Shoot, blake
from PIL import Image

from photojobs.core.library import LibraryError
from photojobs.core.photos import KeepDecision, revert

DECISIONS = {"R": KeepDecision.RAW_ONLY, "J": KeepDecision.JPG_ONLY, "N": KeepDecision.NONE}


def culled(shoot: Shoot) -> dict[str, str]:
    """Four photos: one per decision, and K kept whole; thumbnails made; returns hashes."""
    for i, base in enumerate(("R", "J", "N", "K"), 1):
        shoot.pair(base, f"IMG_000{i}.JPG", "RAWFULL_0001.DNG" if i % 2 else "RAWFULL_0002.DNG")
    (shoot.dir / "J.DNG.xmp").write_text("<x:xmpmeta/>")
    shoot.scan()
    shoot.store.start_task("generate_derivatives", project_id=shoot.project.id)
    shoot.run_all()
    for base, decision in DECISIONS.items():
        shoot.keep(decision, base)
    return shoot.originals()


def test_revert_puts_the_flags_back_and_touches_no_file(shoot: Shoot) -> None:
    culled(shoot)
    before = shoot.stats()
    thumbs = {p.name: p.stat().st_mtime_ns for p in (shoot.dir / ".thumb").iterdir()}

    with shoot.lib.db.write() as s:
        assert revert(s, shoot.project.id, [shoot.photos()["R"].id]) == 1
    assert [b for b, p in shoot.photos().items() if p.pending] == ["J", "N"]
    with shoot.lib.db.write() as s:
        assert revert(s, shoot.project.id) == 2

    for p in shoot.photos().values():
        assert (p.keep_jpg, p.keep_raw) == (p.jpg_available, p.raw_available) == (True, True)
    assert shoot.stats() == before
    assert {p.name: p.stat().st_mtime_ns for p in (shoot.dir / ".thumb").iterdir()} == thumbs
    assert shoot.jobs(job_type="file_removal") == [] and shoot.entries() == []
    assert not shoot.trash.exists()


def test_restoring_a_commit_brings_everything_back(shoot: Shoot) -> None:
    before = culled(shoot)
    files = {b: p.files for b, p in shoot.photos().items()}
    task = shoot.commit()
    shoot.run_all()
    assert set(shoot.photos()) == {"R", "J", "K"}
    assert not shoot.thumb("N").exists()

    undo = shoot.restore(commit_task_id=task)
    shoot.run_all()

    assert shoot.originals() == before
    assert shoot.trashed() == []
    assert {e["status"] for e in shoot.entries()} == {"restored"}
    photos = shoot.photos()
    assert {b: p.files for b, p in photos.items()} == files
    for p in photos.values():
        assert (p.jpg_available, p.raw_available, p.keep_jpg, p.keep_raw) == (True,) * 4
        assert not p.pending
    remake = shoot.only_job(undo, "generate_derivatives")
    assert remake["status"] == "completed"
    # R's JPG and all of N came back; J's JPG never left, so its thumbnails stand.
    assert sorted(remake["payload"]["bases"]) == ["N", "R"]
    for base in ("R", "N"):
        with Image.open(shoot.thumb(base)) as im:
            assert im.width > im.height, f"{base}: made from its landscape JPG again"
        assert photos[base].thumbnail_status == "generated"
    assert {j["status"] for j in shoot.jobs(undo)} == {"completed"}
    assert {j["source"] for j in shoot.jobs(undo, "restore_files")} == {"user"}


def test_restoring_selected_names_brings_back_only_those(shoot: Shoot) -> None:
    before = culled(shoot)
    shoot.commit()
    shoot.run_all()

    shoot.restore(names=["J.DNG", "N.JPG"])
    shoot.run_all()

    assert sorted(e["original_name"] for e in shoot.entries() if e["status"] == "confirmed") == [
        "J.DNG.xmp",
        "N.DNG",
        "R.JPG",
    ]
    for name in ("J.DNG", "N.JPG"):
        assert blake(shoot.dir / name) == before[name]
    j, n = shoot.photo("J"), shoot.photo("N")
    assert j is not None and n is not None
    assert j.files == ("J.DNG", "J.JPG") and not j.pending
    assert n.files == ("N.JPG",) and (n.keep_jpg, n.raw_available) == (True, False)
    assert shoot.thumb("N").exists()


def test_restoring_a_name_trashed_twice_brings_back_the_latest(shoot: Shoot) -> None:
    shoot.pair("A", "IMG_0001.JPG")
    shoot.scan()
    shoot.keep(KeepDecision.RAW_ONLY, "A")
    shoot.commit()
    shoot.run_all()
    second = blake(shoot.add("A.JPG", "IMG_0002.JPG"))
    shoot.scan()
    shoot.keep(KeepDecision.RAW_ONLY, "A")
    shoot.commit()
    shoot.run_all()
    older, latest = shoot.entries()

    undo = shoot.restore(names=["A.JPG"])
    shoot.run_all()

    assert blake(shoot.dir / "A.JPG") == second
    restored = shoot.only_job(undo, "restore_files")
    assert [i["status"] for i in shoot.items(restored["id"]).values()] == ["done"]
    assert [e["status"] for e in shoot.entries()] == ["confirmed", "restored"]
    assert (shoot.trash / older["trash_name"]).exists()
    assert not (shoot.trash / latest["trash_name"]).exists()


def test_restoring_everything_empties_the_trash(shoot: Shoot) -> None:
    before = culled(shoot)
    shoot.commit()
    shoot.run_all()
    shoot.keep(KeepDecision.JPG_ONLY, "K")
    shoot.commit()
    shoot.run_all()
    assert len({e["task_id"] for e in shoot.entries()}) == 2

    shoot.restore(everything=True)
    shoot.run_all()

    assert shoot.originals() == before
    assert shoot.trashed() == []
    assert not any(p.pending for p in shoot.photos().values())


def test_a_restore_conflict_overwrites_nothing(shoot: Shoot) -> None:
    before = culled(shoot)
    task = shoot.commit()
    shoot.run_all()
    newcomer = shoot.add("R.JPG", "IMG_0008.JPG")  # a new file took the original name
    newcomer_hash = blake(newcomer)
    (entry,) = [e for e in shoot.entries() if e["original_name"] == "R.JPG"]

    undo = shoot.restore(commit_task_id=task)
    shoot.run_all()

    assert blake(newcomer) == newcomer_hash, "the file in the project was not overwritten"
    assert blake(shoot.trash / entry["trash_name"]) == before["R.JPG"]
    assert shoot.rows("trash_entries", "id = ?", entry["id"])[0]["status"] == "confirmed"
    restored = shoot.only_job(undo, "restore_files")
    assert restored["status"] == "completed"
    items = shoot.items(restored["id"])
    assert items["R.JPG"]["status"] == "failed"
    assert (items["R.JPG"]["name"], items["R.JPG"]["message"]) == (
        "R.JPG", "a file with this name is already in the project (not overwritten)",
    )  # fmt: skip
    others = {k: i["status"] for k, i in items.items() if k != "R.JPG"}
    assert others == {"J.DNG": "done", "J.DNG.xmp": "done", "N.JPG": "done", "N.DNG": "done"}
    assert shoot.originals() == before | {"R.JPG": newcomer_hash}


def test_a_restore_must_say_what_to_restore(shoot: Shoot) -> None:
    with pytest.raises(LibraryError, match="say what to restore"):
        shoot.restore()
    assert shoot.jobs() == []


def test_a_restored_raw_beside_a_jpg_that_never_left_keeps_its_thumbnails(
    shoot: Shoot,
) -> None:
    culled(shoot)
    shoot.keep(KeepDecision.BOTH, "R", "N")  # only J's RAW (and its sidecar) go
    made = {p.name: p.stat().st_mtime_ns for p in (shoot.dir / ".thumb").iterdir()}
    task = shoot.commit()
    shoot.run_all()

    undo = shoot.restore(commit_task_id=task)
    shoot.run_all()

    assert sorted(shoot.files()) == sorted(
        ["R.JPG", "R.DNG", "J.JPG", "J.DNG", "J.DNG.xmp", "N.JPG", "N.DNG", "K.JPG", "K.DNG"]
    )
    assert shoot.jobs(undo, "generate_derivatives") == [], "nothing to draw again"
    assert {p.name: p.stat().st_mtime_ns for p in (shoot.dir / ".thumb").iterdir()} == made
    assert shoot.photos()["J"].thumbnail_status == "generated"


def test_a_restore_lists_the_project_folder_once_however_many_files(
    shoot: Shoot, monkeypatch: pytest.MonkeyPatch
) -> None:
    for i in range(30):
        shoot.pair(f"P{i:02d}")
    shoot.scan()
    shoot.keep(KeepDecision.JPG_ONLY, *(f"P{i:02d}" for i in range(30)))
    task = shoot.commit()
    shoot.run_all()
    listings: list[str] = []
    real_scandir, real_listdir, real_iterdir = os.scandir, os.listdir, Path.iterdir

    def scandir(path: Any = ".") -> Any:
        listings.append(str(path))
        return real_scandir(path)

    def listdir(path: Any = ".") -> list[str]:
        listings.append(str(path))
        return real_listdir(path)

    def iterdir(self: Path) -> Iterator[Path]:
        listings.append(str(self))
        return real_iterdir(self)

    monkeypatch.setattr(os, "scandir", scandir)
    monkeypatch.setattr(os, "listdir", listdir)
    monkeypatch.setattr(Path, "iterdir", iterdir)
    shoot.restore(commit_task_id=task)
    ran = shoot.run_next()

    assert ran is not None and ran.type == "restore_files"

    assert len(shoot.trashed()) == 0
    # One listing to check names are free, one to read the photos back: not one per file.
    assert listings.count(str(shoot.dir)) <= 2, listings
