"""The real main window offscreen: keyboard culling, commit bar, filters, live updates."""

from __future__ import annotations

import shutil
from collections.abc import Iterator
from pathlib import Path

import pytest
from PySide6.QtCore import QItemSelectionModel, Qt, QTimer
from PySide6.QtWidgets import QMessageBox
from sqlalchemy import select

from photojobs.core.catalog.photo_rows import PhotoFilter
from photojobs.core.db.models import Photo
from photojobs.core.library import Library
from photojobs.core.photos import KeepDecision, scan_project
from photojobs.runtime.session import LibrarySession
from photojobs.ui.grid.model import PhotoGridModel, PhotoRowRole
from photojobs.ui.main_window import MainWindow
from tests.ui.cull_kit import commit_through_dialog
from tests.ui.waiting import settled

DATA = Path(__file__).parents[1] / "data"


@pytest.fixture
def shoot(library: Library):
    """A project with 4 RAW+JPG pairs and 2 JPG-only photos, scanned into the database."""
    project = library.create_project("Shoot")
    for i in range(1, 7):
        shutil.copyfile(DATA / f"IMG_000{i}.JPG", project.path / f"IMG_000{i}.JPG")
        if i <= 4:
            shutil.copyfile(DATA / "RAWFULL_0002.DNG", project.path / f"IMG_000{i}.DNG")
    with library.db.write() as s:
        scan_project(s, project.id, project.path)
    return library.find_project(project.id)


@pytest.fixture
def window(qtbot, library: Library, shoot) -> Iterator[MainWindow]:
    session = LibrarySession(library)
    win = MainWindow(session)
    qtbot.addWidget(win)
    win.show()
    qtbot.waitUntil(lambda: win.grid.model.rowCount() == 6)
    yield win
    win.grid.loader.shutdown()
    session.stop()


def keep_flags(library: Library, base: str) -> tuple[bool, bool]:
    with library.db.read() as s:
        row = s.scalar(select(Photo).where(Photo.base == base))
        assert row is not None
        return row.keep_jpg, row.keep_raw


def select_rows(win: MainWindow, *rows: int) -> None:
    sel = win.grid.view.selectionModel()
    sel.clearSelection()
    for r in rows:
        sel.select(win.grid.model.index(r), QItemSelectionModel.SelectionFlag.Select)
    sel.setCurrentIndex(win.grid.model.index(rows[0]), QItemSelectionModel.SelectionFlag.NoUpdate)


def test_keyboard_culling_writes_the_database(qtbot, window: MainWindow, library: Library) -> None:
    window.grid.view.setFocus()
    select_rows(window, 0)
    base = window.grid.model.photo(0).base
    qtbot.keyClick(window.grid.view, Qt.Key.Key_J)
    assert keep_flags(library, base) == (True, False)
    qtbot.keyClick(window.grid.view, Qt.Key.Key_W)  # RAW only
    assert keep_flags(library, base) == (False, True)
    qtbot.keyClick(window.grid.view, Qt.Key.Key_Delete)
    assert keep_flags(library, base) == (False, False)
    qtbot.keyClick(window.grid.view, Qt.Key.Key_R)
    assert keep_flags(library, base) == (True, True)


def test_commit_bar_follows_decisions(qtbot, window: MainWindow, library: Library) -> None:
    assert not window.commit_bar.isVisible()
    select_rows(window, 0, 1, 2)
    window.decide(KeepDecision.NONE)
    qtbot.waitUntil(window.commit_bar.isVisible)
    assert "Pending deletions: 3" in window.commit_bar.label.text()
    assert window.commit_bar.commit_button.text() == "Commit (3)"
    select_rows(window, 3)
    window.decide(KeepDecision.JPG_ONLY)
    qtbot.waitUntil(lambda: "Pending deletions: 4" in window.commit_bar.label.text())
    QTimer.singleShot(50, lambda: answer(window.decisions.revert_dialog, "Revert 4 decisions"))
    window.revert()
    qtbot.waitUntil(lambda: not window.commit_bar.isVisible())


def answer(box: QMessageBox, text: str) -> None:
    """Click the dialog's button that reads `text`."""
    next(b for b in box.buttons() if b.text() == text).click()


def test_refused_decision_names_the_photo(qtbot, window: MainWindow) -> None:
    jpg_only = next(r for r in range(6) if window.grid.model.photo(r).formats == "JPG")
    select_rows(window, jpg_only)
    messages: list[str] = []
    window.toast = lambda text, kind="info": messages.append(text)  # type: ignore[method-assign]
    window.decide(KeepDecision.RAW_ONLY)
    base = window.grid.model.photo(jpg_only).base
    assert any(base in m and "no RAW" in m for m in messages)


def test_commit_through_the_dialog_empties_the_bar(
    qtbot, window: MainWindow, library: Library
) -> None:
    session = window.session
    session.start(with_scheduler=False)
    select_rows(window, 0, 1)
    window.decide(KeepDecision.NONE)
    qtbot.waitUntil(window.commit_bar.isVisible)
    commit_through_dialog(qtbot, window)
    qtbot.waitUntil(lambda: not window.commit_bar.isVisible(), timeout=15_000)
    qtbot.waitUntil(lambda: window.grid.model.rowCount() == 4)  # the grid follows on its timer
    trash = window.project.path / ".trash"
    assert len(list(trash.iterdir())) == 4  # two JPG + two DNG


def test_commit_cancelled_in_the_dialog_changes_nothing(qtbot, window: MainWindow) -> None:
    select_rows(window, 0)
    window.decide(KeepDecision.NONE)
    qtbot.waitUntil(window.commit_bar.isVisible)
    commit_through_dialog(qtbot, window, "Cancel")
    assert window.commit_task is None
    assert window.commit_bar.isVisible()


def test_filters(qtbot, window: MainWindow) -> None:
    panel = window.grid
    select_rows(window, 0)
    window.decide(KeepDecision.NONE)
    expected = {
        PhotoFilter.ALL: 6,
        PhotoFilter.PENDING: 1,
        PhotoFilter.KEPT: 5,
        PhotoFilter.JPG_ONLY: 2,
        PhotoFilter.RAW_ONLY: 0,
        PhotoFilter.BOTH: 4,
        PhotoFilter.MISSING_THUMBNAILS: 6,
    }
    for f, n in expected.items():
        panel.filter_box.setCurrentIndex(list(PhotoFilter).index(f))
        settled(panel.model)
        assert panel.model.rowCount() == n, f


def test_empty_library_says_what_to_do(qtbot, tmp_path: Path, config) -> None:
    lib = Library.open(tmp_path / "empty", config)
    session = LibrarySession(lib)
    win = MainWindow(session)
    qtbot.addWidget(win)
    win.show()
    assert win.stack.currentWidget() is win.empty
    assert "Create one" in win.empty.hint.text()
    win.grid.loader.shutdown()
    lib.close()


def test_grid_model_passes_modeltester_and_keeps_selection(qtbot, qtmodeltester, library, shoot):
    model = PhotoGridModel(library.db)
    model.show_project(shoot.id)
    settled(model)
    qtmodeltester.check(model)
    sel = QItemSelectionModel(model)
    chosen = model.index(3)
    chosen_id = model.photo_id(3)
    sel.select(chosen, QItemSelectionModel.SelectionFlag.Select)
    resets: list[int] = []
    model.modelReset.connect(lambda: resets.append(1))
    # a live change: one photo gains a date (moves), one new photo appears, one disappears
    shutil.copyfile(DATA / "IMG_0007.JPG", shoot.path / "IMG_0000.JPG")
    (shoot.path / "IMG_0006.JPG").unlink()
    with library.db.write() as s:
        scan_project(s, shoot.id, shoot.path)
        row = s.scalar(select(Photo).where(Photo.id == chosen_id))
        row.date_taken = "1999-01-01T00:00:00"
    model.photos_changed([chosen_id])
    settled(model)
    qtmodeltester.check(model)
    assert resets == []
    assert model.rowCount() == 6
    selected = [i.row() for i in sel.selectedIndexes()]
    assert [model.photo_id(r) for r in selected] == [chosen_id]
    assert model.photo_id(0) == chosen_id  # the dated photo sorts first


def test_rows_are_read_lazily_in_pages(qtbot, library, shoot) -> None:
    model = PhotoGridModel(library.db)
    model.show_project(shoot.id)
    settled(model)
    assert model.data(model.index(2), PhotoRowRole) is None  # not read yet: asked for
    with qtbot.waitSignal(model.dataChanged, timeout=2000):
        pass
    row = model.data(model.index(2), PhotoRowRole)
    assert row is not None and row.base.startswith("IMG_")


def test_thumbnail_size_and_sort_are_remembered(qtbot, library: Library, shoot) -> None:
    first = MainWindow(LibrarySession(library))
    qtbot.addWidget(first)
    first.grid.size_slider.setValue(300)
    first.grid.sort_box.setCurrentText("Name")
    settled(first.grid.model)
    first.grid.loader.shutdown()
    second = MainWindow(LibrarySession(library))
    qtbot.addWidget(second)
    assert second.grid.size_slider.value() == 300
    assert second.grid.delegate.cell == 300
    assert second.grid.sort_box.currentText() == "Name"
    second.grid.loader.shutdown()
