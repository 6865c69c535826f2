"""Deleted projects wait in `<library>/.trash/`, outside `.photojobs/`: losing the app's
data never loses their photos. They are listed, restored whole, and emptied only when
asked or after the retention, counted from when they were deleted."""

from __future__ import annotations

import os
import shutil
import time
from datetime import datetime
from pathlib import Path

import pytest

from photojobs.core import library_trash
from photojobs.core.commits import trash_listing
from photojobs.core.config import Config
from photojobs.core.db.models import Project
from photojobs.core.handlers import default_registry
from photojobs.core.jobs.context import JobContext
from photojobs.core.jobs.runner import run_job
from photojobs.core.jobs.store import JobStore, new_worker_id
from photojobs.core.library import Library, LibraryError
from photojobs.core.manifest import Manifest, read_manifest, write_manifest
from photojobs.core.photos import KeepDecision, photos_of, scan_project, set_keep
from photojobs.core.trash import move_to_trash

DAY = 86_400.0


def tree(folder: Path) -> dict[str, bytes]:
    return {str(p.relative_to(folder)): p.read_bytes() for p in folder.rglob("*") if p.is_file()}


def shoot(lib: Library, name: str) -> str:
    """A project with a pair culled to RAW only and a JPG already in its own trash."""
    p = lib.create_project(name)
    for file in ("A.JPG", "A.NEF", "B.JPG"):
        (p.path / file).write_bytes(f"{name}/{file}".encode())
    with lib.db.write() as s:
        scan_project(s, p.id, p.path)
        assert set_keep(s, p.id, ["A"], KeepDecision.RAW_ONLY) == []
    move_to_trash(lib.db, p.id, p.path, "B.JPG", "B", None, "commit-1")
    return p.id


def run_library_maintenance(lib: Library, now: float, **payload: object) -> list[str]:
    store = JobStore(lib.db, lib.config)
    task = "empty_library_trash" if payload else "library_maintenance"
    store.start_task(task, payload=dict(payload))
    worker = new_worker_id()
    ran = []
    while (job := store.claim(worker, now=now + DAY)) is not None:
        run_job(
            JobContext(lib, store, job, lambda _e: None, clock=lambda: now),
            default_registry(),
            worker,
        )
        ran.append(job.type)
    return ran


def test_a_deleted_project_survives_losing_photojobs_and_comes_back(
    tmp_path: Path, config: Config
) -> None:
    lib = Library.open(tmp_path / "library", config)
    project_id = shoot(lib, "Wedding")
    before = tree(lib.find_project(project_id).path)
    target = lib.delete_project("Wedding")
    assert target is not None and target.parent == lib.root / ".trash"
    lib.close()

    shutil.rmtree(tmp_path / "library" / ".photojobs")  # "costs history, never photos"
    lib = Library.open(tmp_path / "library", config)

    assert lib.list_projects() == [], "the library trash is not adopted as a project"
    (deleted,) = library_trash.deleted_projects(lib)
    assert (deleted.name, deleted.folder, deleted.path) == ("Wedding", target.name, target)
    stamp = target.name.removeprefix("Wedding ")
    assert deleted.deleted_at == datetime.strptime(stamp, "%Y%m%d-%H%M%S").timestamp()
    restored = library_trash.restore_project(lib, "Wedding")
    assert (restored.name, restored.folder, restored.id) == ("Wedding", "Wedding", project_id)
    assert tree(restored.path) == before
    assert restored.photo_count == 1 and library_trash.deleted_projects(lib) == []
    lib.close()


def test_a_restored_project_keeps_its_decisions_and_its_trash(library: Library) -> None:
    project_id = shoot(library, "Portraits")
    library.delete_project(project_id)
    other = library.create_project("Portraits")  # its folder name is taken meanwhile

    restored = library_trash.restore_project(library, project_id)

    assert restored.id == project_id and restored.folder == "Portraits (2)"
    assert read_manifest(restored.path).id == project_id
    assert restored.pending_count == 1, "the decision on A is still there"
    with library.db.read() as s:
        (a,) = [p for p in photos_of(s, project_id) if p.base == "A"]
    assert (a.keep_jpg, a.keep_raw) == (False, True)
    (entry,) = trash_listing(library, restored)
    assert Path(entry["trash_path"]).read_bytes() == b"Portraits/B.JPG"
    assert other.path.is_dir() and {p.id for p in library.list_projects()} == {
        project_id,
        other.id,
    }


def test_deleted_projects_in_photojobs_trash_move_to_the_library_trash(
    tmp_path: Path, config: Config
) -> None:
    root = tmp_path / "library"
    legacy = root / ".photojobs" / "trash"
    old = legacy / "Old 20240102-030405"
    old.mkdir(parents=True)
    write_manifest(old, Manifest.new("Old shoot"))
    (old / "X.JPG").write_bytes(b"an old photo")
    (root / ".trash" / "Old 20240102-030405").mkdir(parents=True)  # a name already taken
    (root / ".trash" / "Old 20240102-030405" / "keep.txt").write_text("not overwritten")

    lib = Library.open(root, config)

    assert not legacy.exists()
    moved = root / ".trash" / "Old 20240102-030405 (2)"
    assert (moved / "X.JPG").read_bytes() == b"an old photo"
    assert (root / ".trash" / "Old 20240102-030405" / "keep.txt").read_text() == "not overwritten"
    by_name = {d.name: d for d in library_trash.deleted_projects(lib)}
    assert set(by_name) == {"Old shoot", "Old"}
    expected = datetime(2024, 1, 2, 3, 4, 5).timestamp()
    assert by_name["Old shoot"].deleted_at == by_name["Old"].deleted_at == expected
    assert lib.list_projects() == []
    restored = library_trash.restore_project(lib, "Old shoot")
    assert (restored.folder, restored.photo_count) == ("Old shoot", 1)
    lib.close()


def test_retention_counts_from_deletion_not_from_mtime(library: Library) -> None:
    shoot(library, "Recent")
    shoot(library, "Old")
    recent, old = (library.delete_project(n) for n in ("Recent", "Old"))
    assert recent is not None and old is not None
    now = time.time()
    deleted = {d.name: d.id for d in library_trash.deleted_projects(library)}
    with library.db.write() as s:
        s.get_one(Project, deleted["Recent"]).deleted_at = now - 29 * DAY
        s.get_one(Project, deleted["Old"]).deleted_at = now - 31 * DAY
    os.utime(recent, (now - 900 * DAY, now - 900 * DAY))  # its folder looks ancient

    assert run_library_maintenance(library, now) == ["library_trash_maintenance"]

    assert recent.is_dir() and not old.exists()
    assert [d.name for d in library_trash.deleted_projects(library)] == ["Recent"]
    assert sorted(os.listdir(library.root / ".trash")) == [recent.name]


def test_only_an_explicit_purge_empties_before_the_retention(library: Library) -> None:
    shoot(library, "Keep")
    shoot(library, "Drop")
    keep, drop = (library.delete_project(n) for n in ("Keep", "Drop"))
    assert keep is not None and drop is not None
    ids = {d.name: d.id for d in library_trash.deleted_projects(library)}

    run_library_maintenance(library, time.time())
    assert keep.is_dir() and drop.is_dir(), "nothing is old enough"
    run_library_maintenance(library, time.time(), project_ids=[ids["Drop"]])

    assert keep.is_dir() and not drop.exists()
    assert [d.name for d in library_trash.deleted_projects(library)] == ["Keep"]
    with pytest.raises(LibraryError, match="no deleted project 'Drop'"):
        library_trash.restore_project(library, "Drop")


def test_a_deleted_project_emptied_by_hand_is_forgotten(tmp_path: Path, config: Config) -> None:
    lib = Library.open(tmp_path / "library", config)
    shoot(lib, "Gone")
    target = lib.delete_project("Gone")
    assert target is not None
    lib.close()
    shutil.rmtree(target)

    lib = Library.open(tmp_path / "library", config)

    assert library_trash.deleted_projects(lib) == []
    lib.close()
