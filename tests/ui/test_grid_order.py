"""The grid keeps still what a person looks at: rows arriving or re-sorted around the
current photo leave it current and at its place on screen; names sort as people count."""

from __future__ import annotations

import time

import pytest
from PySide6.QtCore import QModelIndex
from sqlalchemy import update

from photojobs.core.catalog.photo_rows import PhotoFilter, SortOrder, photo_ids
from photojobs.core.db.models import Photo
from photojobs.core.formats import PhotoFiles
from photojobs.core.library import Library, ProjectInfo
from photojobs.core.photos import new_photo, photos_of
from photojobs.ui.grid.panel import GridPanel
from tests.ui.waiting import settled


def add_photos(library: Library, project: ProjectInfo, dated: dict[str, str | None]) -> None:
    """Photo rows as an import makes them: files named, date taken known."""
    now = time.time()
    with library.db.write() as s:
        for base, date in dated.items():
            files = PhotoFiles(base)
            files.jpg.append(f"{base}.JPG")
            row = new_photo(project.id, files, now)
            row.date_taken = date
            s.add(row)


def late(n: int) -> str:
    return f"2023-08-17T10:{n // 60:02}:{n % 60:02}+00:00"


def early(n: int) -> str:
    return f"2023-06-15T08:{n // 60:02}:{n % 60:02}+00:00"


@pytest.fixture
def project(library: Library) -> ProjectInfo:
    project = library.create_project("Shoot")
    add_photos(library, project, {f"LATE_{n:03}": late(n) for n in range(120)})
    return project


def on_screen(panel: GridPanel) -> tuple[int, int]:
    """(photo id, top on screen) of the current photo, which must be in view."""
    index = panel.view.currentIndex()
    assert index.isValid()
    rect = panel.view.visualRect(index)
    assert rect.isValid() and panel.view.viewport().rect().contains(rect), "out of view"
    return panel.model.photo_id(index.row()), rect.top()


def test_photos_arriving_above_leave_the_current_photo_where_it_is(
    qtmodeltester, panel: GridPanel, library: Library, project: ProjectInfo
) -> None:
    panel.select_row(60)
    before = on_screen(panel)

    add_photos(library, project, {f"EARLY_{n:03}": early(n) for n in range(90)})
    panel.model.photos_changed()
    settled(panel.model)
    assert panel.model.rowCount() == 210
    assert on_screen(panel) == before
    qtmodeltester.check(panel.model)

    # Dates that arrive late move rows: the current photo stays put all the same.
    with library.db.write() as s:
        s.execute(
            update(Photo)
            .where(Photo.base.in_([f"LATE_{n:03}" for n in range(100, 120)]))
            .values(date_taken=early(200))
        )
    panel.model.photos_changed()
    settled(panel.model)
    assert on_screen(panel) == before
    assert len(panel.view.selectionModel().selectedIndexes()) == 1


def test_a_new_order_keeps_the_current_photo_current_and_in_view(
    panel: GridPanel, library: Library, project: ProjectInfo
) -> None:
    add_photos(library, project, {f"EARLY_{n:03}": early(n) for n in range(90)})
    panel.model.photos_changed()
    settled(panel.model)
    panel.select_row(20)  # an early photo: by name it goes to the top
    photo, _ = on_screen(panel)

    panel.sort_box.setCurrentText(SortOrder.NAME.value)
    settled(panel.model)
    assert on_screen(panel)[0] == photo
    panel.view.scrollToBottom()
    panel.sort_box.setCurrentText(SortOrder.DATE.value)
    settled(panel.model)
    assert on_screen(panel)[0] == photo
    assert panel.view.currentIndex() != QModelIndex()


def test_names_sort_as_people_count(library: Library) -> None:
    project = library.create_project("Slow")
    names = ["SLOW_10", "SLOW_2", "slow_3", "SLOW_1", "SLOW_100", "SLOW_02", "FAST"]
    add_photos(library, project, dict.fromkeys(names))
    expected = ["FAST", "SLOW_1", "SLOW_02", "SLOW_2", "slow_3", "SLOW_10", "SLOW_100"]

    ids = photo_ids(library.db, project.id, PhotoFilter.ALL, SortOrder.NAME)
    with library.db.read() as s:
        listed = photos_of(s, project.id)
    by_id = {p.id: p.base for p in listed}
    assert [by_id[i] for i in ids] == expected
    assert [p.base for p in listed] == expected  # as `photojobs-cli photos` lists them
    undated_last = photo_ids(library.db, project.id, PhotoFilter.ALL, SortOrder.DATE)
    assert [by_id[i] for i in undated_last] == expected  # no dates: by name, naturally
