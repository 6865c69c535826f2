"""Projects on disk and in the database: create, list, rename, delete, adopt, find."""

from __future__ import annotations

import os
import shutil
from pathlib import Path

import pytest
import yaml
from sqlalchemy import func, select

from photojobs.core.config import Config
from photojobs.core.db.models import Job, Photo
from photojobs.core.library import Library, LibraryError
from photojobs.core.manifest import Manifest, read_manifest, write_manifest
from photojobs.core.photos import scan_project

OLD_ID = "6f1d2c3b-4a5e-4f60-8a7b-9c0d1e2f3a4b"
OLD_CREATED = "2019-07-14T08:30:00+00:00"


def touch(folder: Path, *names: str) -> None:
    for name in names:
        (folder / name).write_bytes(name.encode())


def scan(library: Library, project_id: str) -> None:
    with library.db.write() as s:
        scan_project(s, project_id, library.find_project(project_id).path)


def photo_count(library: Library, project_id: str) -> int:
    with library.db.read() as s:
        return s.scalar(select(func.count()).where(Photo.project_id == project_id)) or 0


def snapshot(folder: Path) -> dict[str, bytes]:
    return {
        str(p.relative_to(folder)): p.read_bytes() for p in sorted(folder.rglob("*")) if p.is_file()
    }


# -- create, list, find -----------------------------------------------------------------------


def test_create_writes_folder_manifest_and_row(library: Library) -> None:
    p = library.create_project("Wedding 2024")
    assert p.folder == "Wedding 2024"
    assert p.path == library.root / "Wedding 2024" and p.path.is_dir()
    m = read_manifest(p.path)
    assert (m.id, m.name, m.version) == (p.id, "Wedding 2024", 1)
    assert [x.id for x in library.list_projects()] == [p.id]


def test_create_from_an_unsafe_name_keeps_the_display_name(library: Library) -> None:
    p = library.create_project('  Smith/Jones: "big day"?  ')
    assert p.name == 'Smith/Jones: "big day"?'
    assert p.folder == "Smith Jones big day"
    assert p.path.parent == library.root
    assert read_manifest(p.path).name == p.name


def test_create_collisions_get_numbered(library: Library) -> None:
    folders = [library.create_project(n).folder for n in ("Party", "party", "PARTY?", "Party")]
    assert folders == ["Party", "party (2)", "PARTY (3)", "Party (4)"]
    assert len({p.id for p in library.list_projects()}) == 4


def test_create_refuses_an_empty_name(library: Library) -> None:
    with pytest.raises(LibraryError, match="needs a name"):
        library.create_project("   ")
    assert library.list_projects() == []


def test_list_is_sorted_by_name_with_counts(library: Library) -> None:
    b = library.create_project("beta")
    library.create_project("Alpha")
    touch(b.path, "1.JPG", "1.ARW", "2.JPG")
    scan(library, b.id)
    listed = library.list_projects()
    assert [p.name for p in listed] == ["Alpha", "beta"]
    assert (listed[1].photo_count, listed[1].pending_count) == (2, 0)
    assert listed[1].as_json(counts=True) == {
        "id": b.id, "name": "beta", "folder": "beta", "path": str(b.path),
        "photo_count": 2, "pending_count": 0,
    }  # fmt: skip


def test_find_project_by_id_folder_and_name(library: Library) -> None:
    p = library.create_project("Trip: Rome")
    assert p.folder == "Trip Rome"
    assert library.find_project(p.id).id == p.id
    assert library.find_project("Trip Rome").id == p.id
    assert library.find_project("Trip: Rome").id == p.id
    assert library.find_project("trip: ROME").id == p.id
    with pytest.raises(LibraryError, match="no project 'Paris'"):
        library.find_project("Paris")


def test_find_project_with_an_ambiguous_name_asks_for_folder_or_id(library: Library) -> None:
    a = library.create_project("Same")
    b = library.create_project("same")
    with pytest.raises(LibraryError, match="several projects"):
        library.find_project("SAME")
    assert library.find_project("Same").id == a.id  # the folder name wins
    assert library.find_project(b.folder).id == b.id


# -- rename -------------------------------------------------------------------------------------


def test_rename_moves_the_folder_and_renames_together(library: Library) -> None:
    p = library.create_project("Draft")
    touch(p.path, "A.JPG", "A.ARW")
    scan(library, p.id)
    before = snapshot(p.path)
    created = read_manifest(p.path).created_at
    r = library.rename_project("Draft", "Final / selects")
    assert (r.id, r.name, r.folder) == (p.id, "Final / selects", "Final selects")
    assert not p.path.exists()
    assert {k: v for k, v in snapshot(r.path).items() if k != ".project.yaml"} == {
        k: v for k, v in before.items() if k != ".project.yaml"
    }
    m = read_manifest(r.path)
    assert (m.id, m.name, m.created_at) == (p.id, "Final / selects", created)
    assert photo_count(library, p.id) == 1
    assert [x.folder for x in library.list_projects()] == ["Final selects"]


def test_rename_keeps_created_at_of_an_adopted_project(library: Library) -> None:
    folder = library.root / "Old shoot"
    folder.mkdir()
    write_manifest(folder, Manifest(name="Old shoot", id=OLD_ID, created_at=OLD_CREATED))
    library.adopt_folders()
    library.rename_project(OLD_ID, "New: name")
    assert read_manifest(library.root / "New name").created_at == OLD_CREATED


def test_rename_to_a_case_only_change(library: Library) -> None:
    p = library.create_project("wedding")
    touch(p.path, "A.JPG")
    r = library.rename_project(p.id, "Wedding")
    assert (r.name, r.folder) == ("Wedding", "Wedding")
    assert sorted(os.listdir(library.root)) == [".photojobs", "Wedding"]
    assert (library.root / "Wedding" / "A.JPG").read_bytes() == b"A.JPG"


def test_rename_keeps_the_folder_when_only_unsafe_characters_change(library: Library) -> None:
    p = library.create_project("Rome")
    r = library.rename_project(p.id, "Rome?")
    assert (r.name, r.folder) == ("Rome?", "Rome")
    assert read_manifest(r.path).name == "Rome?"


def test_rename_into_a_colliding_name_gets_a_number(library: Library) -> None:
    a = library.create_project("Alpha")
    b = library.create_project("Beta")
    touch(a.path, "a.JPG")
    r = library.rename_project(b.id, "alpha")
    assert (r.name, r.folder) == ("alpha", "alpha (2)")
    assert library.find_project(a.id).folder == "Alpha"
    assert (a.path / "a.JPG").read_bytes() == b"a.JPG"
    assert read_manifest(a.path).id == a.id


def test_rename_refuses_an_empty_name(library: Library) -> None:
    p = library.create_project("Keep me")
    with pytest.raises(LibraryError):
        library.rename_project(p.id, "  ")
    assert library.find_project(p.id).name == "Keep me" and p.path.is_dir()


# -- delete -------------------------------------------------------------------------------------


def test_delete_moves_the_folder_into_the_library_trash(library: Library) -> None:
    p = library.create_project("Gone")
    touch(p.path, "A.JPG", "A.ARW", "notes.txt")
    (p.path / ".thumb").mkdir()
    touch(p.path / ".thumb", "A.jpg")
    scan(library, p.id)
    with library.db.write() as s:
        s.add(Job(type="folder_check", project_id=p.id, available_at=0.0, created_at=0.0))
    before = snapshot(p.path)
    target = library.delete_project("Gone")
    assert target is not None and not p.path.exists()
    assert target.parent == library.root / ".trash", "outside .photojobs/"
    assert snapshot(target) == before, "every file byte-identical"
    assert library.list_projects() == []
    assert photo_count(library, p.id) == 1, "kept until the project is restored or emptied"
    with library.db.read() as s:
        job = s.scalars(select(Job)).one()
        assert (job.status, job.error) == ("canceled", "project deleted")
    library.adopt_folders()
    assert library.list_projects() == [], "the library trash is never adopted"
    with pytest.raises(LibraryError, match="no project"):
        library.find_project(p.id)


def test_deleting_two_projects_of_the_same_folder_name_keeps_both(library: Library) -> None:
    first = library.delete_project(library.create_project("Twice").id)
    second = library.delete_project(library.create_project("Twice").id)
    assert first != second
    assert first.is_dir() and second.is_dir()
    assert read_manifest(first).id != read_manifest(second).id


def test_delete_unknown_project(library: Library) -> None:
    with pytest.raises(LibraryError, match="no project"):
        library.delete_project("nothing")


# -- adoption -----------------------------------------------------------------------------------


def test_adopt_folder_with_a_manifest(library: Library) -> None:
    folder = library.root / "from another machine"
    folder.mkdir()
    write_manifest(folder, Manifest(name="Shoot: Paris", id=OLD_ID, created_at=OLD_CREATED))
    adopted = library.adopt_folders()
    assert [(p.id, p.name, p.folder) for p in adopted] == [
        (OLD_ID, "Shoot: Paris", "from another machine")
    ]
    assert library.find_project("Shoot: Paris").id == OLD_ID
    assert read_manifest(folder).created_at == OLD_CREATED
    assert library.adopt_folders() == [], "adopting twice adds nothing"


def test_adopt_folder_without_a_manifest_writes_one(tmp_path: Path, config: Config) -> None:
    root = tmp_path / "lib"
    (root / "Holiday 2023").mkdir(parents=True)
    touch(root / "Holiday 2023", "IMG_1.JPG")
    (root / ".hidden").mkdir()
    (root / "loose.JPG").write_bytes(b"x")
    lib = Library.open(root, config)
    try:
        [p] = lib.list_projects()
        assert (p.name, p.folder, p.manifest_error) == ("Holiday 2023", "Holiday 2023", None)
        assert read_manifest(root / "Holiday 2023").id == p.id
        assert (root / "Holiday 2023" / "IMG_1.JPG").read_bytes() == b"IMG_1.JPG"
    finally:
        lib.close()


def test_a_copied_folder_with_a_duplicate_id_gets_a_new_id(library: Library) -> None:
    p = library.create_project("Original")
    touch(p.path, "A.JPG")
    shutil.copytree(p.path, library.root / "Original copy")
    [copy] = library.adopt_folders()
    assert copy.id != p.id and copy.folder == "Original copy" and copy.name == "Original"
    assert read_manifest(library.root / "Original copy").id == copy.id
    assert read_manifest(p.path).id == p.id, "the original keeps its id"
    assert library.find_project(p.id).folder == "Original"


def test_a_folder_renamed_outside_the_app_keeps_its_project(tmp_path: Path, config: Config) -> None:
    root = tmp_path / "lib"
    lib = Library.open(root, config)
    p = lib.create_project("Before")
    touch(p.path, "A.JPG", "A.ARW")
    scan(lib, p.id)
    lib.close()
    os.rename(root / "Before", root / "After (renamed in Finder)")
    lib = Library.open(root, config)
    try:
        [q] = lib.list_projects()
        assert (q.id, q.folder, q.name) == (p.id, "After (renamed in Finder)", "Before")
        assert q.photo_count == 1 and q.manifest_error is None
    finally:
        lib.close()


def test_a_missing_folder_is_listed_with_a_reason_until_it_returns(library: Library) -> None:
    p = library.create_project("Away")
    os.rename(p.path, library.root.parent / "elsewhere")
    library.adopt_folders()
    assert library.find_project(p.id).manifest_error == "the project folder is missing"
    os.rename(library.root.parent / "elsewhere", p.path)
    library.adopt_folders()
    assert library.find_project(p.id).manifest_error is None


@pytest.mark.parametrize(
    "text",
    [
        "name: [broken\n",
        "- not\n- a mapping\n",
        "name: no id here\n",
        "name: !!python/object/apply:os.system ['echo pwned']\nid: " + OLD_ID + "\n",
        "name: x\nid: " + OLD_ID + "\nversion: [1]\n",
    ],
)
def test_a_corrupt_manifest_still_lists_the_project(library: Library, text: str) -> None:
    folder = library.root / "Broken"
    folder.mkdir()
    (folder / ".project.yaml").write_text(text, "utf-8")
    library.adopt_folders()
    [p] = library.list_projects()
    assert (p.name, p.folder) == ("Broken", "Broken")
    assert p.manifest_error and str(folder / ".project.yaml") in p.manifest_error
    assert p.as_json(counts=True)["manifest_error"] == p.manifest_error
    assert (folder / ".project.yaml").read_text("utf-8") == text, "left for the user to see"
    assert library.find_project("Broken").id == p.id


def test_a_corrupt_manifest_survives_reopening(tmp_path: Path, config: Config) -> None:
    root = tmp_path / "lib"
    (root / "Broken").mkdir(parents=True)
    (root / "Broken" / ".project.yaml").write_text("{{{", "utf-8")
    for _ in range(2):
        lib = Library.open(root, config)
        try:
            [p] = lib.list_projects()
            assert p.manifest_error
        finally:
            lib.close()


def test_open_refuses_a_file_as_library(tmp_path: Path, config: Config) -> None:
    (tmp_path / "file").write_text("x")
    with pytest.raises(LibraryError, match="must be a folder"):
        Library.open(tmp_path / "file", config)


def test_manifest_written_on_create_is_readable_yaml(library: Library) -> None:
    p = library.create_project("Ünïcode ✓")
    data = yaml.safe_load((p.path / ".project.yaml").read_text("utf-8"))
    assert data["name"] == "Ünïcode ✓" and data["id"] == p.id


def test_a_library_path_with_url_characters_opens_in_place(tmp_path: Path, config) -> None:
    """'?' and '#' are plain characters in a folder name, not a URL query or fragment."""
    root = tmp_path / "What? #1 library"
    lib = Library.open(root, config)
    try:
        project = lib.create_project("Shoot")
        assert (root / ".photojobs" / "library.db").is_file()
        assert sorted(p.name for p in tmp_path.iterdir()) == ["What? #1 library"]
        assert lib.find_project(project.id).path.parent == root
    finally:
        lib.close()


def test_a_project_with_a_running_job_is_not_renamed_or_deleted(library: Library) -> None:
    """A commit half done must not lose its folder under it."""
    from photojobs.core.jobs.store import JobStore

    project = library.create_project("Busy")
    store = JobStore(library.db, library.config)
    job = store.enqueue("file_removal", project_id=project.id, source="user")
    store.claim("worker")
    with pytest.raises(LibraryError, match="while its jobs run \\(Removing files\\)"):
        library.rename_project(project.id, "Elsewhere")
    with pytest.raises(LibraryError, match="cannot be deleted"):
        library.delete_project(project.id)
    assert project.path.is_dir()
    store.complete(job.id, "worker")
    assert library.rename_project(project.id, "Elsewhere").folder == "Elsewhere"


def test_deleting_a_project_announces_the_queued_jobs_it_cancels(library: Library) -> None:
    """The window must hear of them, or the Processes dock shows them Waiting for ever."""
    from photojobs.core.jobs import queries
    from photojobs.core.jobs.events import Event, JobEvent, TaskEvent
    from photojobs.core.jobs.store import JobStore

    project = library.create_project("Leaving")
    other = library.create_project("Staying")
    store = JobStore(library.db, library.config)
    leaving, _ = store.start_task("maintenance", project_id=project.id)
    staying, _ = store.start_task("maintenance", project_id=other.id)
    heard: list[Event] = []

    assert library.delete_project(project.id, announce=heard.append) is not None

    jobs = [e for e in heard if isinstance(e, JobEvent)]
    tasks = [e for e in heard if isinstance(e, TaskEvent)]
    assert [(e.task_id, e.status, e.error) for e in jobs] == [
        (leaving, "canceled", "project deleted")
    ]
    assert [(e.task_id, e.status) for e in tasks] == [(leaving, "canceled")]
    assert queries.get_task(library.db, leaving).status.value == "canceled"  # type: ignore[union-attr]
    assert queries.get_task(library.db, staying).status.value == "queued"  # type: ignore[union-attr]
