"""The grid's view: cells of one size, row after row as wide as the window.

Where a photo sits follows from its place in the list (line = row // columns), so nothing
is laid out photo by photo. QListView lays out every cell after each reset, asking the
model for an index per row: a second of the GUI thread at 100k photos on each open, sort
or filter. Here opening, sorting, scrolling and selecting cost what is on screen.

Selection follows the reading order: a Shift+click or Shift+arrow selects every photo
between the two, as in a contact sheet; dragging from an empty spot draws a band and
selects what it touches.
"""

from __future__ import annotations

from typing import Any

from PySide6.QtCore import (
    QItemSelection,
    QItemSelectionModel,
    QModelIndex,
    QPersistentModelIndex,
    QPoint,
    QRect,
    QSize,
    Qt,
)
from PySide6.QtGui import QCursor, QMouseEvent, QPainter, QPaintEvent, QRegion
from PySide6.QtWidgets import (
    QAbstractItemView,
    QRubberBand,
    QStyle,
    QStyleOptionViewItem,
    QWidget,
)

SPACING = 2
Index = QModelIndex | QPersistentModelIndex
Action = QAbstractItemView.CursorAction


class PhotoGridView(QAbstractItemView):
    def __init__(self, parent: QWidget | None = None):
        super().__init__(parent)
        self._cell = QSize(100, 100)
        self._laid_columns = 1  # the columns of the last layout
        self._band = QRubberBand(QRubberBand.Shape.Rectangle, self.viewport())
        self._band_from: QPoint | None = None  # in content coordinates
        self.setSelectionMode(QAbstractItemView.SelectionMode.ExtendedSelection)
        self.setVerticalScrollMode(QAbstractItemView.ScrollMode.ScrollPerPixel)
        self.setHorizontalScrollBarPolicy(Qt.ScrollBarPolicy.ScrollBarAlwaysOff)
        self.setEditTriggers(QAbstractItemView.EditTrigger.NoEditTriggers)
        self.viewport().setAttribute(Qt.WidgetAttribute.WA_Hover)

    # -- geometry ----------------------------------------------------------------------------

    def setGridSize(self, size: QSize) -> None:
        """Every cell's size (the thumbnail slider); the first photo in view stays in view."""
        first = self._first_visible_row()
        self._cell = QSize(size)
        self._laid_columns = self.columns()
        self._relayout(first)

    def gridSize(self) -> QSize:
        return QSize(self._cell)

    def columns(self) -> int:
        return max(1, (self.viewport().width() - SPACING) // (self._cell.width() + SPACING))

    def _count(self) -> int:
        model = self.model()
        return 0 if model is None else model.rowCount(self.rootIndex())

    def _line_height(self) -> int:
        return self._cell.height() + SPACING

    def _cell_rect(self, row: int) -> QRect:
        """Where the cell of `row` is in the content (not scrolled)."""
        line, column = divmod(row, self.columns())
        x = SPACING + column * (self._cell.width() + SPACING)
        y = SPACING + line * self._line_height()
        return QRect(x, y, self._cell.width(), self._cell.height())

    def _content_height(self) -> int:
        lines = -(-self._count() // self.columns())
        return SPACING + lines * self._line_height()

    def _row_at(self, point: QPoint, *, nearest: bool = False) -> int:
        """The row whose cell holds `point` (content coordinates), or -1. `nearest`: the
        closest cell instead, for the two ends of a Shift selection."""
        n = self._count()
        if n == 0:
            return -1
        cols, width = self.columns(), self._cell.width() + SPACING
        line, y_in = divmod(point.y() - SPACING, self._line_height())
        column, x_in = divmod(point.x() - SPACING, width)
        if not nearest and (line < 0 or column < 0 or column >= cols):
            return -1
        if not nearest and (y_in >= self._cell.height() or x_in >= self._cell.width()):
            return -1
        row = max(0, line) * cols + min(max(0, column), cols - 1)
        if row >= n:
            return n - 1 if nearest else -1
        return row

    def _visible_rows(self, rect: QRect) -> range:
        """Rows whose cells may meet `rect` (viewport coordinates)."""
        top = rect.top() + self.verticalOffset()
        first_line = max(0, (top - SPACING) // self._line_height())
        last_line = max(0, (top + rect.height() - SPACING) // self._line_height())
        cols = self.columns()
        return range(first_line * cols, min(self._count(), (last_line + 1) * cols))

    def _first_visible_row(self) -> int:
        """The first photo of the line mostly in view at the top, counted with the columns
        the scroll position was set with (the viewport may already have its new width)."""
        line = (self.verticalOffset() + self._line_height() // 2) // self._line_height()
        row = line * self._laid_columns
        return row if row < self._count() else -1

    def _relayout(self, keep_row: int = -1) -> None:
        self.updateGeometries()
        if keep_row >= 0 and keep_row < self._count():
            self.verticalScrollBar().setValue(self._cell_rect(keep_row).top() - SPACING)
        self.viewport().update()

    # -- QAbstractItemView -------------------------------------------------------------------

    def visualRect(self, index: Index) -> QRect:
        if not index.isValid() or index.row() >= self._count():
            return QRect()
        return self._cell_rect(index.row()).translated(0, -self.verticalOffset())

    def indexAt(self, point: QPoint) -> QModelIndex:
        row = self._row_at(point + QPoint(0, self.verticalOffset()))
        model = self.model()
        return QModelIndex() if row < 0 or model is None else model.index(row, 0, self.rootIndex())

    def scrollTo(
        self,
        index: Index,
        hint: QAbstractItemView.ScrollHint = QAbstractItemView.ScrollHint.EnsureVisible,
    ) -> None:
        if not index.isValid():
            return
        cell = self._cell_rect(index.row())
        bar, height = self.verticalScrollBar(), self.viewport().height()
        top, above = bar.value(), cell.top() - SPACING
        Hint = QAbstractItemView.ScrollHint
        if hint == Hint.PositionAtTop:
            bar.setValue(above)
        elif hint == Hint.PositionAtBottom:
            bar.setValue(cell.bottom() + SPACING - height)
        elif hint == Hint.PositionAtCenter:
            bar.setValue(cell.center().y() - height // 2)
        elif cell.top() < top:
            bar.setValue(above)
        elif cell.bottom() >= top + height:
            bar.setValue(cell.bottom() + SPACING + 1 - height)

    def horizontalOffset(self) -> int:
        return 0

    def verticalOffset(self) -> int:
        return self.verticalScrollBar().value()

    def isIndexHidden(self, index: Index) -> bool:
        return False

    def moveCursor(self, action: Action, modifiers: Qt.KeyboardModifier) -> QModelIndex:
        n, model = self._count(), self.model()
        if n == 0 or model is None:
            return QModelIndex()
        current = self.currentIndex()
        if not current.isValid():
            return model.index(0, 0, self.rootIndex())
        row, cols = current.row(), self.columns()
        page = cols * max(1, self.viewport().height() // self._line_height())
        last_line_starts = (n - 1) // cols * cols
        target = {
            Action.MoveLeft: row - 1,
            Action.MovePrevious: row - 1,
            Action.MoveRight: row + 1,
            Action.MoveNext: row + 1,
            Action.MoveUp: row - cols if row >= cols else row,
            # down from the line above the last reaches the last photo even where the
            # last line is short; down on the last line stays
            Action.MoveDown: min(row + cols, n - 1) if row < last_line_starts else row,
            Action.MovePageUp: max(row - page, row % cols),
            Action.MovePageDown: min(row + page, n - 1),
            Action.MoveHome: 0,
            Action.MoveEnd: n - 1,
        }.get(action, row)
        return model.index(min(max(target, 0), n - 1), 0, self.rootIndex())

    def setSelection(self, rect: QRect, command: QItemSelectionModel.SelectionFlag) -> None:
        """A band selects the cells it touches; a click, Shift+click or Shift+arrow selects
        in reading order from the rectangle's first corner to its second."""
        model, selection_model = self.model(), self.selectionModel()
        if model is None or selection_model is None:
            return
        offset = QPoint(0, self.verticalOffset())
        selection = QItemSelection()
        if self._band_from is not None:
            for first, last in self._band_rows(rect.normalized().translated(offset)):
                selection.select(model.index(first, 0), model.index(last, 0))
        else:
            start = self._row_at(rect.topLeft() + offset, nearest=True)
            end = self._row_at(rect.bottomRight() + offset, nearest=True)
            if start >= 0 and end >= 0:
                first, last = sorted((start, end))
                selection.select(model.index(first, 0), model.index(last, 0))
        selection_model.select(selection, command)

    def _band_rows(self, area: QRect) -> list[tuple[int, int]]:
        """(first, last) rows per line of the cells `area` (content coordinates) meets."""
        n, cols = self._count(), self.columns()
        width = self._cell.width() + SPACING
        first_col = max(0, (area.left() - SPACING) // width)
        last_col = min(cols - 1, (area.right() - SPACING) // width)
        first_line = max(0, (area.top() - SPACING) // self._line_height())
        last_line = (area.bottom() - SPACING) // self._line_height()
        spans = []
        for line in range(first_line, last_line + 1):
            first, last = line * cols + first_col, min(n - 1, line * cols + last_col)
            if first > last or first >= n:
                break
            if self._cell_rect(first).united(self._cell_rect(last)).intersects(area):
                spans.append((first, last))
        return spans

    def visualRegionForSelection(self, selection: QItemSelection) -> QRegion:
        """Only what is on screen: a Select All of 100k photos costs a screenful."""
        region = QRegion()
        shown = self._visible_rows(self.viewport().rect())
        for selection_range in selection:
            first = max(selection_range.top(), shown.start)
            last = min(selection_range.bottom(), shown.stop - 1)
            for row in range(first, last + 1):
                region += self._cell_rect(row).translated(0, -self.verticalOffset())
        return region

    def updateGeometries(self) -> None:
        """The scroll range; when the columns change (a wider window), the first photo
        in view stays in view."""
        columns = self.columns()
        keep = self._first_visible_row() if columns != self._laid_columns else -1
        self._laid_columns = columns
        bar = self.verticalScrollBar()
        height = self.viewport().height()
        bar.setRange(0, max(0, self._content_height() - height))
        bar.setPageStep(height)
        bar.setSingleStep(max(1, self._line_height() // 3))  # one notch of the wheel: a line
        if keep >= 0:
            bar.setValue(self._cell_rect(keep).top() - SPACING)
        super().updateGeometries()

    def keyboardSearch(self, search: str) -> None:
        """No type-to-find: letters are culling keys here, and a search would read every
        photo's name on the GUI thread."""

    # -- painting ------------------------------------------------------------------------------

    def paintEvent(self, event: QPaintEvent) -> None:
        model = self.model()
        if model is None:
            return
        painter = QPainter(self.viewport())
        try:  # a delegate that raises must not leave the viewport with an active painter
            self._paint_cells(painter, model, event.rect())
        finally:
            painter.end()

    def _paint_cells(self, painter: QPainter, model: Any, area: QRect) -> None:
        option = QStyleOptionViewItem()
        self.initViewItemOption(option)
        base_state = option.state  # type: ignore[attr-defined]
        selection, current = self.selectionModel(), self.currentIndex()
        hover = self.viewport().mapFromGlobal(QCursor.pos())
        focused = self.hasFocus()
        delegate = self.itemDelegate()
        for row in self._visible_rows(area):
            index = model.index(row, 0, self.rootIndex())
            rect = self.visualRect(index)
            if not rect.intersects(area):
                continue
            option.rect = rect  # type: ignore[attr-defined]
            state = base_state
            if selection is not None and selection.isSelected(index):
                state |= QStyle.StateFlag.State_Selected
            if focused and index == current:
                state |= QStyle.StateFlag.State_HasFocus
            if self.underMouse() and rect.contains(hover):
                state |= QStyle.StateFlag.State_MouseOver
            option.state = state  # type: ignore[attr-defined]
            delegate.paint(painter, option, index)

    # -- events ------------------------------------------------------------------------------

    def mousePressEvent(self, event: QMouseEvent) -> None:
        on_photo = self.indexAt(event.position().toPoint()).isValid()
        if event.button() == Qt.MouseButton.LeftButton and not on_photo:
            self._band_from = event.position().toPoint() + QPoint(0, self.verticalOffset())
        super().mousePressEvent(event)

    def mouseMoveEvent(self, event: QMouseEvent) -> None:
        super().mouseMoveEvent(event)
        if self._band_from is not None:
            start = self._band_from - QPoint(0, self.verticalOffset())
            self._band.setGeometry(QRect(start, event.position().toPoint()).normalized())
            self._band.show()

    def mouseReleaseEvent(self, event: QMouseEvent) -> None:
        super().mouseReleaseEvent(event)
        self._band_from = None
        self._band.hide()

    # -- the model's changes ---------------------------------------------------------------------

    def setModel(self, model) -> None:  # type: ignore[no-untyped-def]
        super().setModel(model)
        if model is not None:
            for signal in (model.rowsInserted, model.rowsRemoved, model.layoutChanged):
                signal.connect(self._rows_changed)

    def _rows_changed(self, *_: object) -> None:
        self.updateGeometries()
        self.viewport().update()

    def reset(self) -> None:
        super().reset()
        self._rows_changed()
