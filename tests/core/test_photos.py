"""Photos in the database: scanning, keep decisions, pending deletions and revert."""

from __future__ import annotations

import json
import os
from pathlib import Path

import pytest
from hypothesis import given
from hypothesis import strategies as st

from photojobs.core.db.models import Photo
from photojobs.core.formats import PhotoFiles
from photojobs.core.library import Library, ProjectInfo
from photojobs.core.marks.marking import change_tags
from photojobs.core.photos import (
    SCAN_BATCH,
    KeepDecision,
    PendingCounts,
    PhotoRecord,
    ScanResult,
    files_json,
    iter_records,
    list_folder,
    pending_counts,
    photos_of,
    revert,
    scan_project,
    set_keep,
)


@pytest.fixture
def project(library: Library) -> ProjectInfo:
    return library.create_project("Shoot")


def touch(folder: Path, *names: str) -> None:
    for name in names:
        (folder / name).write_bytes(b"")


def scan(library: Library, project: ProjectInfo) -> ScanResult:
    with library.db.write() as s:
        return scan_project(s, project.id, project.path)


def photos(library: Library, project: ProjectInfo, pending: bool = False) -> dict[str, PhotoRecord]:
    with library.db.read() as s:
        return {p.base: p for p in photos_of(s, project.id, pending_only=pending)}


def keep(library: Library, project: ProjectInfo, decision: KeepDecision, *bases: str) -> list[str]:
    with library.db.write() as s:
        return set_keep(s, project.id, list(bases), decision)


def counts(library: Library, project: ProjectInfo) -> PendingCounts:
    with library.db.read() as s:
        return pending_counts(s, project.id)


def flags(p: PhotoRecord) -> tuple[bool, bool, bool, bool, bool]:
    return (p.jpg_available, p.raw_available, p.other_available, p.keep_jpg, p.keep_raw)


def test_scan_groups_files_into_photos(library: Library, project: ProjectInfo) -> None:
    touch(project.path, "A.JPG", "A.ARW", "A.ARW.xmp", "B.jpeg", "C.DNG", "D.tif", "E.Jpg",
          "E.png", "notes.txt", "lone.xmp")  # fmt: skip
    (project.path / "sub").mkdir()
    (project.path / ".thumb").mkdir()
    touch(project.path, ".hidden.JPG")
    result = scan(library, project)
    assert sorted(result.added) == ["A", "B", "C", "D", "E"]
    assert result.unknown == ["lone.xmp", "notes.txt", "sub/"]
    rows = photos(library, project)
    assert rows["A"].files == ("A.ARW", "A.ARW.xmp", "A.JPG")
    assert flags(rows["A"]) == (True, True, False, True, True)
    assert flags(rows["B"]) == (True, False, False, True, False)
    assert flags(rows["C"]) == (False, True, False, False, True)
    assert flags(rows["D"]) == (False, False, True, False, False)
    assert flags(rows["E"]) == (True, False, True, True, False)
    assert all(not p.pending for p in rows.values()), "everything is kept after a scan"
    assert rows["A"].thumbnail_status == "pending" and rows["A"].date_taken is None


def test_scan_twice_changes_nothing(library: Library, project: ProjectInfo) -> None:
    touch(project.path, "A.JPG", "A.ARW")
    scan(library, project)
    first = photos(library, project)
    again = scan(library, project)
    assert (again.added, again.updated, again.removed) == ([], [], [])
    assert photos(library, project) == first


def test_scan_of_more_photos_than_one_batch(library: Library, project: ProjectInfo) -> None:
    n = 2 * SCAN_BATCH + 7  # two full batches and a short one
    touch(project.path, *(f"P{i:05d}.JPG" for i in range(n)))
    touch(project.path, *(f"P{i:05d}.ARW" for i in range(0, n, 3)))
    result = scan(library, project)
    assert result.added == [f"P{i:05d}" for i in range(n)]
    rows = photos(library, project)
    assert len(rows) == n and len({p.id for p in rows.values()}) == n
    for i in (0, 1, SCAN_BATCH, n - 1):
        raw = i % 3 == 0
        assert flags(rows[f"P{i:05d}"]) == (True, raw, False, True, raw)
    keep(library, project, KeepDecision.JPG_ONLY, "P00000", "P02001")
    last = f"P{n - 1:05d}"
    touch(project.path, "P01501.ARW", f"{last}.ARW")  # a RAW arrives: kept, JPG decision too
    (project.path / "P00003.ARW").unlink()
    for i in (5, SCAN_BATCH + 4, n - 2):  # JPG-only: gone from batches 1, 2 and 3
        (project.path / f"P{i:05d}.JPG").unlink()
    again = scan(library, project)
    assert again.added == []
    assert sorted(again.updated) == ["P00003", "P01501", last]
    assert sorted(again.removed) == sorted(f"P{i:05d}" for i in (5, SCAN_BATCH + 4, n - 2))
    after = photos(library, project)
    assert len(after) == n - 3
    assert flags(after["P01501"]) == (True, True, False, True, True)
    assert flags(after[last]) == (True, True, False, True, True)
    assert flags(after["P00003"]) == (True, False, False, True, True), "not reset either"
    assert after["P00003"].files == ("P00003.JPG",)
    assert flags(after["P00000"]) == (True, True, False, True, False), "a decision stays"
    assert after["P02002"] == rows["P02002"], "an unchanged photo is left alone"
    assert scan(library, project) == ScanResult()


def test_scan_of_real_sample_photos(library: Library, project: ProjectInfo, sample) -> None:
    sample("IMG_0001.JPG", project.path)
    sample("RAWFULL_0001.DNG", project.path, as_name="IMG_0001.DNG")
    sample("IMG_0002.JPG", project.path, as_name="Été à Paris.jpg")
    scan(library, project)
    rows = photos(library, project)
    assert rows["IMG_0001"].files == ("IMG_0001.DNG", "IMG_0001.JPG")
    assert flags(rows["Été à Paris"]) == (True, False, False, True, False)


def test_names_that_are_not_utf8_are_left_alone_and_reported(
    library: Library, project: ProjectInfo
) -> None:
    raw_name = os.fsencode(project.path) + b"/Caf\xe9.JPG"  # Latin-1 from an old card
    with open(raw_name, "wb") as f:
        f.write(b"bytes")
    touch(project.path, "OK.JPG")
    result = scan(library, project)
    assert result.added == ["OK"]
    assert len(result.unknown) == 1 and result.unknown[0].startswith("Caf")
    result.unknown[0].encode("utf-8")  # printable and storable
    with open(raw_name, "rb") as f:
        assert f.read() == b"bytes"


def test_keep_decisions(library: Library, project: ProjectInfo) -> None:
    touch(project.path, *(f"{b}.{e}" for b in "ABCD" for e in ("JPG", "ARW")))
    scan(library, project)
    assert keep(library, project, KeepDecision.JPG_ONLY, "A") == []
    assert keep(library, project, KeepDecision.RAW_ONLY, "B") == []
    assert keep(library, project, KeepDecision.NONE, "C") == []
    assert keep(library, project, KeepDecision.NONE, "D") == []
    assert keep(library, project, KeepDecision.BOTH, "D") == []
    rows = photos(library, project)
    assert (rows["A"].keep_jpg, rows["A"].keep_raw) == (True, False)
    assert (rows["B"].keep_jpg, rows["B"].keep_raw) == (False, True)
    assert (rows["C"].keep_jpg, rows["C"].keep_raw) == (False, False)
    assert (rows["D"].keep_jpg, rows["D"].keep_raw) == (True, True)
    assert [b for b, p in rows.items() if p.pending] == ["A", "B", "C"]
    assert (rows["A"].pending_jpg, rows["A"].pending_raw) == (False, True)


def test_a_decision_for_a_missing_format_is_refused_by_name_others_apply(
    library: Library, project: ProjectInfo
) -> None:
    touch(project.path, "JPG_ONLY.JPG", "BOTH_1.JPG", "BOTH_1.ARW", "RAW_ONLY.NEF", "PNG.png")
    scan(library, project)
    errors = keep(library, project, KeepDecision.RAW_ONLY, "BOTH_1", "JPG_ONLY", "RAW_ONLY", "X")
    assert errors == [
        "JPG_ONLY: has no RAW file to keep",
        "X: no such photo in this project",
    ]
    errors = keep(library, project, KeepDecision.JPG_ONLY, "RAW_ONLY")
    assert errors == ["RAW_ONLY: has no JPG file to keep"]
    errors = keep(library, project, KeepDecision.BOTH, "JPG_ONLY", "PNG")
    assert errors == ["JPG_ONLY: has no RAW file to keep", "PNG: has no JPG or RAW file to keep"]
    assert keep(library, project, KeepDecision.NONE, "PNG") == [
        "PNG: has no JPG or RAW file to discard"
    ]
    rows = photos(library, project)
    assert (rows["BOTH_1"].keep_jpg, rows["BOTH_1"].keep_raw) == (False, True)
    assert (rows["JPG_ONLY"].keep_jpg, rows["RAW_ONLY"].keep_raw) == (True, True)
    assert [b for b, p in rows.items() if p.pending] == ["BOTH_1"]


def test_pending_counts_and_pending_listing(library: Library, project: ProjectInfo) -> None:
    touch(project.path, "A.JPG", "A.ARW", "B.JPG", "B.ARW", "C.JPG", "D.CR3", "E.JPG")
    scan(library, project)
    assert counts(library, project) == PendingCounts(0, 0, 0)
    keep(library, project, KeepDecision.JPG_ONLY, "A", "C")  # C has no RAW: nothing pending
    keep(library, project, KeepDecision.NONE, "B", "D")
    assert counts(library, project) == PendingCounts(photos=3, jpg=1, raw=3)
    assert sorted(photos(library, project, pending=True)) == ["A", "B", "D"]
    [listed] = [p for p in library.list_projects() if p.id == project.id]
    assert (listed.photo_count, listed.pending_count) == (5, 3)


def test_revert_restores_availability_and_touches_no_file(
    library: Library, project: ProjectInfo
) -> None:
    touch(project.path, "A.JPG", "A.ARW", "B.JPG", "C.NEF", "C.xmp")
    (project.path / "A.JPG").write_bytes(b"jpeg bytes")
    scan(library, project)
    keep(library, project, KeepDecision.RAW_ONLY, "A")
    keep(library, project, KeepDecision.NONE, "B", "C")
    before = {p.name: (p.stat().st_mtime_ns, p.read_bytes()) for p in project.path.iterdir()}
    with library.db.write() as s:
        assert revert(s, project.id) == 3
    after = {p.name: (p.stat().st_mtime_ns, p.read_bytes()) for p in project.path.iterdir()}
    assert after == before
    rows = photos(library, project)
    for p in rows.values():
        assert (p.keep_jpg, p.keep_raw) == (p.jpg_available, p.raw_available)
    assert counts(library, project) == PendingCounts(0, 0, 0)
    with library.db.write() as s:
        assert revert(s, project.id) == 0


def test_revert_of_some_photos_only(library: Library, project: ProjectInfo) -> None:
    touch(project.path, "A.JPG", "B.JPG")
    scan(library, project)
    keep(library, project, KeepDecision.NONE, "A", "B")
    rows = photos(library, project)
    with library.db.write() as s:
        assert revert(s, project.id, [rows["A"].id]) == 1
    assert sorted(photos(library, project, pending=True)) == ["B"]


def test_revert_is_per_project(library: Library, project: ProjectInfo) -> None:
    other = library.create_project("Other")
    touch(project.path, "A.JPG")
    touch(other.path, "A.JPG")
    scan(library, project)
    scan(library, other)
    keep(library, project, KeepDecision.NONE, "A")
    keep(library, other, KeepDecision.NONE, "A")
    with library.db.write() as s:
        revert(s, project.id)
    assert photos(library, other, pending=True).keys() == {"A"}


def test_rescan_after_a_raw_arrives_keeps_the_jpg_decision(
    library: Library, project: ProjectInfo
) -> None:
    touch(project.path, "A.JPG", "B.JPG")
    scan(library, project)
    keep(library, project, KeepDecision.NONE, "A")
    touch(project.path, "A.ARW", "B.ARW")
    result = scan(library, project)
    assert sorted(result.updated) == ["A", "B"]
    rows = photos(library, project)
    assert flags(rows["A"]) == (True, True, False, False, True), "the JPG stays discarded"
    assert flags(rows["B"]) == (True, True, False, True, True)
    assert rows["A"].files == ("A.ARW", "A.JPG")


def test_a_rescan_never_resets_a_decision(library: Library, project: ProjectInfo) -> None:
    touch(project.path, "A.JPG", "A.ARW", "B.JPG", "B.ARW")
    scan(library, project)
    keep(library, project, KeepDecision.JPG_ONLY, "A")
    keep(library, project, KeepDecision.NONE, "B")
    touch(project.path, "A.xmp", "C.JPG")
    (project.path / "B.JPG").write_bytes(b"edited")
    for _ in range(2):
        scan(library, project)
        rows = photos(library, project)
        assert (rows["A"].keep_jpg, rows["A"].keep_raw) == (True, False)
        assert (rows["B"].keep_jpg, rows["B"].keep_raw) == (False, False)
        assert rows["A"].files == ("A.ARW", "A.JPG", "A.xmp")


def test_a_format_removed_outside_the_app_is_no_longer_pending(
    library: Library, project: ProjectInfo
) -> None:
    touch(project.path, "A.JPG", "A.ARW")
    scan(library, project)
    keep(library, project, KeepDecision.JPG_ONLY, "A")
    (project.path / "A.ARW").unlink()
    scan(library, project)
    row = photos(library, project)["A"]
    assert (row.raw_available, row.pending) == (False, False)
    assert counts(library, project) == PendingCounts(0, 0, 0)


def test_a_photo_whose_files_all_vanished_disappears(
    library: Library, project: ProjectInfo
) -> None:
    touch(project.path, "A.JPG", "A.ARW", "B.JPG")
    scan(library, project)
    (project.path / "A.JPG").unlink()
    (project.path / "A.ARW").unlink()
    result = scan(library, project)
    assert result.removed == ["A"]
    assert list(photos(library, project)) == ["B"]


def test_a_photo_left_with_only_a_sidecar_disappears_and_the_sidecar_is_unknown(
    library: Library, project: ProjectInfo
) -> None:
    touch(project.path, "A.JPG", "A.xmp")
    scan(library, project)
    (project.path / "A.JPG").unlink()
    result = scan(library, project)
    assert (result.removed, result.unknown) == (["A"], ["A.xmp"])
    assert (project.path / "A.xmp").exists()


def test_list_folder_ignores_hidden_entries(project: ProjectInfo) -> None:
    touch(project.path, ".JPG", ".DS_Store", "._A.JPG", "A.JPG")
    (project.path / ".trash").mkdir()
    listing = list_folder(project.path)
    assert list(listing.photos) == ["A"]
    assert listing.unknown == []


def test_photo_json_shape(library: Library, project: ProjectInfo) -> None:
    touch(project.path, "A.JPG", "A.ARW")
    scan(library, project)
    row = photos(library, project)["A"]
    assert row.as_json() == {
        "id": row.id, "base": "A", "files": ["A.ARW", "A.JPG"], "jpg_available": True,
        "raw_available": True, "other_available": False, "keep_jpg": True, "keep_raw": True,
        "pending": False, "thumbnail_status": "pending", "preview_status": "pending",
        "date_taken": None, "rating": 0, "flag": "none", "label": "none", "tags": [],
    }  # fmt: skip


def test_records_read_in_small_batches_keep_natural_order_and_tags(
    library: Library, project: ProjectInfo
) -> None:
    touch(project.path, "SLOW_10.JPG", "SLOW_2.JPG", "slow_3.JPG", "A.JPG", "B.ARW")
    scan(library, project)
    with library.db.write() as s:
        ids = {p.base: p.id for p in photos_of(s, project.id)}
        change_tags(s, project.id, ["SLOW_10"], add=["Places|Paris"], remove=[])
    with library.db.read() as s:
        batched = list(iter_records(s, [Photo.project_id == project.id], batch=2))
        assert batched == photos_of(s, project.id)
    assert [p.base for p in batched] == ["A", "B", "SLOW_2", "slow_3", "SLOW_10"]
    assert [p.id for p in batched] == [ids[p.base] for p in batched]
    assert batched[-1].tags == ("Places|Paris",)


@given(st.lists(st.text(min_size=1, max_size=12), max_size=6))
def test_files_json_is_what_json_dumps_writes(names: list[str]) -> None:
    """Rows written by older versions hold json.dumps' text; a different spelling of the
    same names would make every photo look out of step with its folder."""
    files = PhotoFiles("P", jpg=names)
    assert files_json(files) == json.dumps(sorted(names), ensure_ascii=False)
