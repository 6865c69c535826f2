"""The grid's view: where each photo sits follows from its row, so opening, selecting and
painting cost what shows on screen, whatever the number of photos; keys, Shift and the band
select as on a contact sheet."""

from __future__ import annotations

from typing import Any

import pytest
from PySide6.QtCore import QAbstractListModel, QModelIndex, QPoint, QSize, Qt
from PySide6.QtWidgets import QAbstractItemView

from photojobs.ui.grid.view import SPACING, PhotoGridView

CELL = QSize(100, 120)


class Names(QAbstractListModel):
    """n rows; counts how often the view asks for an index or data."""

    def __init__(self, n: int):
        super().__init__()
        self.n, self.asked = n, 0

    def rowCount(self, parent: Any = QModelIndex()) -> int:  # noqa: B008
        return 0 if parent.isValid() else self.n

    def index(self, row: int, column: int = 0, parent: Any = QModelIndex()) -> QModelIndex:  # noqa: B008
        self.asked += 1
        return super().index(row, column, parent)

    def data(self, index: Any, role: int = Qt.ItemDataRole.DisplayRole) -> Any:
        return f"P{index.row()}" if role == Qt.ItemDataRole.DisplayRole else None

    def become(self, n: int) -> None:
        self.beginResetModel()
        self.n = n
        self.endResetModel()


@pytest.fixture
def view(qtbot) -> PhotoGridView:
    view = PhotoGridView()
    qtbot.addWidget(view)
    view.setGridSize(CELL)
    view.resize(4 * (CELL.width() + SPACING) + 60, 3 * (CELL.height() + SPACING) + 10)
    view.show()
    qtbot.waitExposed(view)
    return view


def shown(view: PhotoGridView, n: int) -> Names:
    model = Names(n)
    view.setModel(model)
    view.viewport().repaint()
    return model


def test_a_cell_is_where_its_row_says(view: PhotoGridView) -> None:
    model = shown(view, 30)
    assert view.columns() == 4
    for row in range(12):
        rect = view.visualRect(model.index(row))
        line, column = divmod(row, 4)
        assert (rect.x(), rect.y()) == (
            SPACING + column * (CELL.width() + SPACING),
            SPACING + line * (CELL.height() + SPACING),
        )
        assert view.indexAt(rect.center()).row() == row
    gap = view.visualRect(model.index(0)).topRight() + QPoint(1, 5)  # between two cells
    assert not view.indexAt(gap).isValid()
    right = QPoint(view.viewport().width() - 5, 10)  # past the last column
    assert not view.indexAt(right).isValid()


def test_opening_many_photos_asks_only_for_what_shows(view: PhotoGridView) -> None:
    """QListView laid out every cell of a reset, an index per row: 1 s at 100k photos."""
    model = shown(view, 0)
    model.become(50_000)
    view.viewport().repaint()
    view.selectionModel().setCurrentIndex(
        model.index(0), view.selectionModel().SelectionFlag.ClearAndSelect
    )
    view.selectAll()
    view.viewport().repaint()
    assert model.asked < 500, f"{model.asked} indexes for a screen of 12 cells"
    assert view.verticalScrollBar().maximum() > 12_000 * CELL.height()


def test_arrows_home_and_end_move_across_lines(view: PhotoGridView, qtbot) -> None:
    model = shown(view, 10)  # lines of 4: rows 0-3, 4-7, 8-9
    view.setFocus()
    view.setCurrentIndex(model.index(0))
    steps = [
        (Qt.Key.Key_Right, 1), (Qt.Key.Key_Down, 5), (Qt.Key.Key_Down, 9),
        (Qt.Key.Key_Down, 9), (Qt.Key.Key_Up, 5), (Qt.Key.Key_Left, 4), (Qt.Key.Key_Left, 3),
        (Qt.Key.Key_End, 9), (Qt.Key.Key_Home, 0), (Qt.Key.Key_Up, 0),
    ]  # fmt: skip
    for key, row in steps:
        qtbot.keyClick(view, key)
        assert view.currentIndex().row() == row, Qt.Key(key).name
    view.setCurrentIndex(model.index(7))
    qtbot.keyClick(view, Qt.Key.Key_Down)  # the line below is short: its last photo
    assert view.currentIndex().row() == 9


def test_shift_selects_in_reading_order(view: PhotoGridView, qtbot) -> None:
    model = shown(view, 20)
    view.setFocus()
    qtbot.mouseClick(
        view.viewport(), Qt.MouseButton.LeftButton, pos=view.visualRect(model.index(2)).center()
    )
    qtbot.keyClick(view, Qt.Key.Key_Down, Qt.KeyboardModifier.ShiftModifier)
    assert sorted(i.row() for i in view.selectedIndexes()) == [2, 3, 4, 5, 6]
    qtbot.mouseClick(
        view.viewport(),
        Qt.MouseButton.LeftButton,
        Qt.KeyboardModifier.ShiftModifier,
        view.visualRect(model.index(9)).center(),
    )
    assert sorted(i.row() for i in view.selectedIndexes()) == list(range(2, 10))


def test_a_band_from_an_empty_spot_selects_the_cells_it_touches(view: PhotoGridView, qtbot) -> None:
    model = shown(view, 20)
    start = QPoint(view.viewport().width() - 10, 5)  # right of the last column
    end = view.visualRect(model.index(6)).center()  # line 1, column 2
    qtbot.mousePress(view.viewport(), Qt.MouseButton.LeftButton, pos=start)
    qtbot.mouseMove(view.viewport(), end)
    qtbot.mouseRelease(view.viewport(), Qt.MouseButton.LeftButton, pos=end)
    assert sorted(i.row() for i in view.selectedIndexes()) == [2, 3, 6, 7]


def test_a_wider_window_keeps_the_first_photo_in_view(view: PhotoGridView, qtbot) -> None:
    model = shown(view, 400)
    view.scrollTo(model.index(200), QAbstractItemView.ScrollHint.PositionAtTop)
    first = view.indexAt(QPoint(SPACING + 5, SPACING + 5)).row()
    assert first == 200
    view.resize(view.width() + 2 * (CELL.width() + SPACING), view.height())
    qtbot.wait(10)
    assert view.columns() == 6
    top_left = view.indexAt(QPoint(SPACING + 5, SPACING + 5)).row()
    assert top_left <= 200 < top_left + view.columns()
