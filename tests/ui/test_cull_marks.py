"""Ratings, flags, colour labels and tags through the real window: keys on the grid's
selection and in the viewer, one undo step each, discard rejected through a real commit,
badges painted, the tags panel, combined filters, auto-advance."""

from __future__ import annotations

from collections.abc import Iterator

import pytest
from PySide6.QtCore import QDate, QLocale, QRect, QSettings, Qt, QTimer
from PySide6.QtGui import QImage
from sqlalchemy import select

from photojobs.core.catalog.photo_rows import SortOrder
from photojobs.core.db.models import Photo
from photojobs.core.library import Library
from photojobs.core.marks import ColorLabel, Flag
from photojobs.core.marks.filters import PhotoFilter as MarksFilter
from photojobs.ui.grid.delegate import PADDING
from photojobs.ui.main_window import MainWindow
from photojobs.ui.tags_panel import TagNameRole
from tests.ui.cull_kit import answer, commit_through_dialog, flags, press
from tests.ui.waiting import settled

CTRL = Qt.KeyboardModifier.ControlModifier
SHIFT = Qt.KeyboardModifier.ShiftModifier


def marks(library: Library, project_id: str) -> dict[str, tuple[int, str, str]]:
    with library.db.read() as s:
        rows = s.scalars(select(Photo).where(Photo.project_id == project_id))
        return {r.base: (r.rating, r.flag, r.color_label) for r in rows}


def base_of(win: MainWindow, row: int) -> str:
    return win.grid.model.photo(row).base


@pytest.fixture
def window(wedding_window: MainWindow) -> MainWindow:
    return wedding_window


@pytest.fixture
def no_auto_advance(window: MainWindow) -> Iterator[None]:
    """QSettings outlive a test: leave auto-advance off for the next one."""
    yield
    window.marks.auto_advance.setChecked(False)


def test_keys_rate_flag_and_label_the_selection(
    qtbot,
    window: MainWindow,
    library: Library,
) -> None:
    pid = window.project.id
    window.grid.select_rows([0, 2])
    a, c = base_of(window, 0), base_of(window, 2)
    qtbot.keyClick(window.grid.view, Qt.Key.Key_3)
    qtbot.keyClick(window.grid.view, Qt.Key.Key_P)
    qtbot.keyClick(window.grid.view, Qt.Key.Key_6)
    got = marks(library, pid)
    assert got[a] == got[c] == (3, "pick", "red")
    assert got[base_of(window, 1)] == (0, "none", "none")
    qtbot.waitUntil(lambda: window.grid.model.photo(0).rating == 3)  # the grid row re-read
    qtbot.keyClick(window.grid.view, Qt.Key.Key_6)  # the same colour again takes it off
    qtbot.keyClick(window.grid.view, Qt.Key.Key_X)
    qtbot.keyClick(window.grid.view, Qt.Key.Key_0)
    assert marks(library, pid)[a] == (0, "reject", "none")
    qtbot.keyClick(window.grid.view, Qt.Key.Key_U)
    qtbot.keyClick(window.grid.view, Qt.Key.Key_9)
    assert marks(library, pid)[c] == (0, "none", "blue")


def test_keys_mark_the_photo_in_the_viewer_and_zoom_moved_to_ctrl(
    qtbot,
    window: MainWindow,
    library: Library,
) -> None:
    window.grid.select_row(1)
    window.open_viewer()
    canvas = window.viewer.canvas
    qtbot.keyClick(canvas, Qt.Key.Key_4)
    qtbot.keyClick(canvas, Qt.Key.Key_8)
    assert marks(library, window.project.id)[base_of(window, 1)] == (4, "none", "green")
    assert marks(library, window.project.id)[base_of(window, 0)] == (0, "none", "none")
    qtbot.waitUntil(lambda: window.viewer.marks_badge.rating == 4)
    assert window.viewer.marks_badge.label is ColorLabel.GREEN
    assert window.viewer.marks_badge.width() > 0
    keys = window.config.get("keyboard_shortcuts")
    assert (keys["zoom_fit"], keys["zoom_100"]) == ("Ctrl+0", "Ctrl+1")


def test_ctrl_z_undoes_a_rating_like_a_discard_and_redo_takes_it_again(
    qtbot,
    window: MainWindow,
    library: Library,
) -> None:
    pid = window.project.id
    press(qtbot, window, 0, Qt.Key.Key_Delete)
    press(qtbot, window, 0, Qt.Key.Key_5)
    a = base_of(window, 0)
    assert marks(library, pid)[a][0] == 5 and flags(library, pid)[a] == (False, False)
    assert window.decisions.undo_action.text() == "Undo Rating 5"
    qtbot.keyClick(window.grid.view, Qt.Key.Key_Z, CTRL)
    assert marks(library, pid)[a][0] == 0
    assert flags(library, pid)[a] == (False, False), "only the rating went back"
    assert window.decisions.undo_action.text() == "Undo Discard"
    qtbot.keyClick(window.grid.view, Qt.Key.Key_Z, CTRL | SHIFT)
    assert marks(library, pid)[a][0] == 5
    qtbot.keyClick(window.grid.view, Qt.Key.Key_Z, CTRL)
    qtbot.keyClick(window.grid.view, Qt.Key.Key_Z, CTRL)
    assert marks(library, pid)[a][0] == 0 and flags(library, pid)[a] == (True, True)


def test_discard_rejected_then_commit_trashes_exactly_the_rejected_photos(
    qtbot,
    window: MainWindow,
    library: Library,
) -> None:
    session, project = window.session, window.project
    session.start(with_scheduler=False)
    window.grid.select_rows([1, 3])
    rejected = {base_of(window, 1), base_of(window, 3)}
    qtbot.keyClick(window.grid.view, Qt.Key.Key_X)
    QTimer.singleShot(0, lambda: answer(window.marks.dialog, "Discard 2 photos"))
    window.marks.actions["discard_rejected"].trigger()
    assert {b for b, f in flags(library, project.id).items() if f == (False, False)} == rejected
    assert window.decisions.undo_action.text() == "Undo Discard rejected photos (2 photos)"

    qtbot.waitUntil(lambda: window.commit_bar.commit_button.isVisible())
    commit_through_dialog(qtbot, window, "Commit (2)")
    qtbot.waitUntil(lambda: window.commit_task is None, timeout=30_000)
    trash = sorted(p.name.split("_", 1)[1] for p in (project.path / ".trash").iterdir())
    assert trash == sorted(f"{b}.{ext}" for b in rejected for ext in ("DNG", "JPG"))
    for base in {f"IMG_000{i}" for i in range(1, 5)} - rejected:
        assert (project.path / f"{base}.JPG").exists() and (project.path / f"{base}.DNG").exists()


def test_discard_rejected_with_nothing_rejected_says_so(qtbot, window: MainWindow) -> None:
    said: list[str] = []
    window.toast = lambda text, kind="info": said.append(text)  # type: ignore[method-assign]
    window.marks.actions["discard_rejected"].trigger()
    assert said == ["No rejected photo left to discard."]


def cell_box(win: MainWindow, row: int) -> QImage:
    view = win.grid.view
    rect = view.visualRect(win.grid.model.index(row))
    size = win.grid.delegate.cell
    return view.viewport().grab(QRect(rect.x() + PADDING, rect.y() + PADDING, size, size)).toImage()


def test_badges_are_painted_and_a_reject_looks_unlike_a_discard(
    qtbot,
    window: MainWindow,
) -> None:
    grid = window.grid
    # Four copies of pairs from the same few JPGs: compare each cell with itself before.
    qtbot.waitUntil(lambda: grid.view.visualRect(grid.model.index(3)).isValid())
    before = [cell_box(window, r) for r in range(4)]
    assert not any(image.isNull() for image in before)
    press(qtbot, window, 0, Qt.Key.Key_3)
    press(qtbot, window, 1, Qt.Key.Key_X)
    press(qtbot, window, 2, Qt.Key.Key_Delete)
    # Every changed row read again before the grab: a row still unread paints as loading.
    qtbot.waitUntil(
        lambda: (
            grid.model.photo(0).rating == 3
            and grid.model.photo(1).flag == Flag.REJECT
            and grid.model.photo(2).pending
        )
    )
    grid.select_row(3)  # selection colours stay off the cells compared
    grid.view.viewport().repaint()
    after = [cell_box(window, r) for r in range(4)]
    assert after[0] != before[0], "stars drawn"
    assert after[1] != before[1], "a reject is dimmed"
    assert after[2] != before[2], "a discard is crossed"
    assert after[1] != after[2]


def test_tags_panel_lists_counts_filters_and_untags(
    qtbot,
    qtmodeltester,
    window: MainWindow,
    library: Library,
) -> None:
    tags, grid = window.tags, window.grid
    qtmodeltester.check(tags.model)
    grid.select_rows([0, 1])
    tags.field.setText("Places|Paris")
    qtbot.keyClick(tags.field, Qt.Key.Key_Return)
    grid.select_row(2)
    tags.field.setText("Family")
    tags.add_button.click()
    qtbot.waitUntil(lambda: tags.model.rowCount() == 2)
    assert tags.model.tags == [("Family", 1), ("Places|Paris", 2)]
    assert tags.field.text() == "", "a tag added leaves the field empty"
    assert tags.completions.stringList() == ["Family", "Places|Paris"]
    qtmodeltester.check(tags.model)

    paris = tags.model.index(1)
    assert paris.data(TagNameRole) == "Places|Paris"
    tags.view.clicked.emit(paris)
    qtbot.waitUntil(lambda: grid.model.rowCount() == 2)
    assert grid.marks_bar.tag.currentData() == "Places|Paris"
    assert grid.count_label.text() == "2 of 4 photos"
    qtmodeltester.check(grid.model)

    grid.select_row(0)
    tags.field.setText("Places|Paris")
    tags.remove_button.click()
    qtbot.waitUntil(lambda: tags.model.tags == [("Family", 1), ("Places|Paris", 1)])
    settled(grid.model)  # the grid and the tags are read on two helpers
    assert grid.model.rowCount() == 1, "the untagged photo leaves the filtered grid"
    window.decisions.undo_action.trigger()
    qtbot.waitUntil(lambda: tags.model.tags == [("Family", 1), ("Places|Paris", 2)])
    tags.view.clicked.emit(tags.model.index(1))  # the same tag again: every photo
    qtbot.waitUntil(lambda: grid.model.rowCount() == 4)
    qtmodeltester.check(tags.model)


def test_a_malformed_tag_is_refused_with_a_reason(qtbot, window: MainWindow) -> None:
    said: list[str] = []
    window.toast = lambda text, kind="info": said.append(text)  # type: ignore[method-assign]
    window.tags.field.setText("Places||Paris")
    window.tags.add_button.click()
    assert said and "empty name or level" in said[0]
    assert window.tags.field.text() == "Places||Paris", "kept for the person to fix"


def test_combined_filters_say_why_nothing_matches_and_clear_in_one_click(
    qtbot,
    qtmodeltester,
    window: MainWindow,
) -> None:
    grid = window.grid
    bar = grid.marks_bar
    assert not bar.clear_button.isVisible()
    window.grid.select_rows([0, 1])
    qtbot.keyClick(grid.view, Qt.Key.Key_4)
    press(qtbot, window, 1, Qt.Key.Key_P)
    bar.rating.setCurrentIndex(bar.rating.findData(3))
    settled(grid.model)
    qtbot.waitUntil(lambda: grid.model.rowCount() == 2)
    assert bar.clear_button.isVisible()
    bar.flag.setCurrentIndex(bar.flag.findData(Flag.PICK))
    settled(grid.model)
    qtbot.waitUntil(lambda: grid.model.rowCount() == 1)
    assert grid.model.marks == MarksFilter(min_rating=3, flag=Flag.PICK)
    qtmodeltester.check(grid.model)
    bar.label.setCurrentIndex(bar.label.findData(ColorLabel.PURPLE))
    settled(grid.model)
    qtbot.waitUntil(lambda: grid.body.currentWidget() is grid.no_match)
    assert grid.no_match.title.text() == (
        "No photos match the filters “rating ≥ 3, flag pick, label purple”"
    )
    assert "together they hide" in grid.no_match.hint.text()
    assert window.stack.currentWidget() is grid, "a filtered project is not an empty one"
    grid.no_match.clear_button.click()
    qtbot.waitUntil(lambda: grid.model.rowCount() == 4)
    assert not grid.model.filtered and bar.label.currentIndex() == 0
    bar.flag.setCurrentIndex(bar.flag.findData(Flag.PICK))
    settled(grid.model)
    grid.filter_box.setCurrentIndex(1)  # and "Pending deletion" from the first row
    settled(grid.model)
    qtbot.waitUntil(lambda: grid.body.currentWidget() is grid.no_match)
    assert "Pending deletion, flag pick" in grid.no_match.title.text()
    bar.clear_button.click()
    qtbot.waitUntil(lambda: grid.model.rowCount() == 4)
    assert grid.filter_box.currentIndex() == 0 and grid.count_label.text() == "4 photos"


def test_auto_advance_moves_on_in_the_grid_and_the_viewer(
    qtbot,
    window: MainWindow,
    library: Library,
    no_auto_advance: None,
) -> None:
    press(qtbot, window, 0, Qt.Key.Key_2)
    assert window.grid.current_row() == 0, "off by default"
    window.marks.auto_advance.setChecked(True)
    press(qtbot, window, 0, Qt.Key.Key_2)
    assert window.grid.current_row() == 1
    qtbot.keyClick(window.grid.view, Qt.Key.Key_J)  # a keep decision advances too
    assert window.grid.current_row() == 2
    window.open_viewer()
    shown = window.viewer.details.id
    qtbot.keyClick(window.viewer.canvas, Qt.Key.Key_X)
    assert window.grid.current_row() == 3
    qtbot.waitUntil(lambda: window.viewer.details.id != shown)
    assert window.viewer.row == 3
    assert QSettings().value("cull/auto_advance", False, bool) is True


def test_days_taken_and_the_sorts_a_photographer_combines(
    qtbot, window: MainWindow, library: Library
) -> None:
    grid, bar = window.grid, window.grid.marks_bar
    project_id = grid.model.project_id
    with library.db.write() as s:  # a three-day wedding: the rehearsal, the day, the brunch
        for base, taken in (
            ("IMG_0001", "2023-06-15T08:00:00"),
            ("IMG_0002", "2023-06-15T08:01:37"),
            ("IMG_0003", "2023-06-16T10:00:00"),
            ("IMG_0004", "2023-06-17"),
        ):
            photo = s.scalars(
                select(Photo).where(Photo.project_id == project_id, Photo.base == base)
            )
            photo.one().date_taken = taken
    grid.refresh_choices()
    qtbot.waitUntil(lambda: bar.taken_from.count() == 4)  # read on a helper thread
    days = [bar.taken_from.itemData(i) for i in range(1, bar.taken_from.count())]
    assert days == ["2023-06-15", "2023-06-16", "2023-06-17"]
    assert bar.taken_from.itemText(2) == QLocale().toString(QDate(2023, 6, 16), "ddd d MMM yyyy")

    def shown() -> list[str]:
        return [grid.model.photo(r).base for r in range(grid.model.rowCount())]  # type: ignore[union-attr]

    bar.taken_from.setCurrentIndex(bar.taken_from.findData("2023-06-16"))
    settled(grid.model)
    qtbot.waitUntil(lambda: shown() == ["IMG_0003", "IMG_0004"])
    bar.taken_to.setCurrentIndex(bar.taken_to.findData("2023-06-16"))
    settled(grid.model)
    qtbot.waitUntil(lambda: shown() == ["IMG_0003"])
    bar.taken_from.setCurrentIndex(bar.taken_from.findData("2023-06-17"))  # back to front
    settled(grid.model)
    qtbot.waitUntil(lambda: shown() == ["IMG_0003", "IMG_0004"])
    assert grid.model.marks.describe() == ["taken 2023-06-16 to 2023-06-17"]
    assert bar.clear_button.isVisible()
    bar.clear_button.click()
    qtbot.waitUntil(lambda: grid.model.rowCount() == 4)

    press(qtbot, window, grid.model.row_of(_id(library, project_id, "IMG_0004")), Qt.Key.Key_5)
    press(qtbot, window, grid.model.row_of(_id(library, project_id, "IMG_0002")), Qt.Key.Key_2)
    press(qtbot, window, grid.model.row_of(_id(library, project_id, "IMG_0001")), Qt.Key.Key_7)
    grid.sort_box.setCurrentText(SortOrder.RATING.value)
    settled(grid.model)
    qtbot.waitUntil(lambda: shown() == ["IMG_0004", "IMG_0002", "IMG_0001", "IMG_0003"])
    grid.sort_box.setCurrentText(SortOrder.LABEL.value)  # 7 is yellow; the rest by date
    settled(grid.model)
    qtbot.waitUntil(lambda: shown() == ["IMG_0001", "IMG_0002", "IMG_0003", "IMG_0004"])
    grid.sort_box.setCurrentText(SortOrder.DATE.value)
    settled(grid.model)


def _id(library: Library, project_id: str, base: str) -> int:
    with library.db.read() as s:
        query = select(Photo.id).where(Photo.project_id == project_id, Photo.base == base)
        return int(s.scalar(query))
