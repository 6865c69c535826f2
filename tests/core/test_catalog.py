"""The catalog's queries: what the screens read, as plain records, from a real library."""

from __future__ import annotations

import pytest
from sqlalchemy import update

from photojobs.core.catalog.marks import TagCount, filter_choices, tag_completions, tag_counts
from photojobs.core.catalog.photo_details import load_details
from photojobs.core.catalog.projects import project_names
from photojobs.core.catalog.trash import files_trashed_by
from photojobs.core.db.models import Photo, TrashEntry
from photojobs.core.library import Library, ProjectInfo
from photojobs.core.marks import change_tags
from photojobs.core.photos import scan_project
from photojobs.core.trash import CONFIRMED, PENDING


def shoot(library: Library, name: str, bases: tuple[str, ...]) -> ProjectInfo:
    p = library.create_project(name)
    for base in bases:
        (p.path / f"{base}.JPG").write_bytes(b"\xff\xd8\xff")
    with library.db.write() as s:
        scan_project(s, p.id, p.path)
    return p


@pytest.fixture
def two(library: Library) -> tuple[ProjectInfo, ProjectInfo]:
    a, b = shoot(library, "Wedding", ("A", "B", "C")), shoot(library, "Portraits", ("D",))
    with library.db.write() as s:
        change_tags(s, a.id, ["A", "B"], add=["Places|Paris"])
        change_tags(s, a.id, ["C"], add=["cat"])
        change_tags(s, b.id, ["D"], add=["dog"])
        s.execute(
            update(Photo)
            .where(Photo.base == "A")
            .values(camera_model="ILCE-7M3", lens="FE 35mm", date_taken="2023-06-17T14:32:05")
        )
        s.execute(update(Photo).where(Photo.base == "B").values(date_taken="2023-06-15T08:00:00"))
        s.execute(update(Photo).where(Photo.base == "D").values(camera_model="X-T4", lens="XF"))
    return a, b


def test_filter_choices_are_the_projects_own(
    library: Library, two: tuple[ProjectInfo, ProjectInfo]
) -> None:
    a, b = two
    choices = filter_choices(library.db, a.id)
    assert choices.tags == ("Places|Paris", "cat")
    assert choices.cameras == ("ILCE-7M3",), "the other project's camera is not offered"
    assert choices.lenses == ("FE 35mm",)
    assert choices.days == ("2023-06-15", "2023-06-17"), "oldest first, one per day"
    assert filter_choices(library.db, b.id).tags == ("dog",)


def test_tag_counts_and_completions(library: Library, two: tuple[ProjectInfo, ProjectInfo]) -> None:
    a, _b = two
    assert tag_counts(library.db, a.id) == [TagCount("Places|Paris", 2), TagCount("cat", 1)]
    assert tag_completions(library.db, "d") == ["dog"], "completions span the library"


def test_project_names_and_details(library: Library, two: tuple[ProjectInfo, ProjectInfo]) -> None:
    a, b = two
    assert project_names(library.db) == {a.id: "Wedding", b.id: "Portraits"}
    with library.db.read() as s:
        photo_id = s.query(Photo.id).filter(Photo.base == "A").scalar()
    details = load_details(library.db, photo_id)
    assert details is not None
    assert (details.base, details.camera_model, details.files) == ("A", "ILCE-7M3", ("A.JPG",))
    assert details.decision == "Keep everything"
    assert load_details(library.db, 10_000) is None


def test_files_trashed_by_counts_only_what_the_task_really_moved(
    library: Library, two: tuple[ProjectInfo, ProjectInfo]
) -> None:
    a, _b = two

    def entry(name: str, status: str, task_id: str) -> TrashEntry:
        return TrashEntry(
            project_id=a.id,
            photo_base=name,
            original_name=f"{name}.JPG",
            trash_name=f"{name}.JPG",
            status=status,
            trashed_at=1.0,
            task_id=task_id,
        )

    with library.db.write() as s:
        s.add_all([entry("A", CONFIRMED, "t1"), entry("B", CONFIRMED, "t1")])
        s.add_all([entry("C", PENDING, "t1"), entry("A", CONFIRMED, "t2")])
    assert files_trashed_by(library.db, "t1") == 2, "a half step is not counted"
    assert files_trashed_by(library.db, "t3") == 0
