"""The grid panel: filter and sort bar, thumbnail size slider, and the list view."""

from __future__ import annotations

from functools import partial
from pathlib import Path

from PySide6.QtCore import (
    QItemSelection,
    QItemSelectionModel,
    QModelIndex,
    QPoint,
    QSettings,
    Qt,
    Signal,
)
from PySide6.QtGui import QAction
from PySide6.QtWidgets import (
    QComboBox,
    QHBoxLayout,
    QLabel,
    QMenu,
    QSlider,
    QStackedWidget,
    QVBoxLayout,
    QWidget,
)

from photojobs.core.catalog import Database
from photojobs.core.catalog.marks import FilterChoices, filter_choices
from photojobs.core.catalog.photo_rows import MarksFilter, PhotoFilter, PhotoRow, SortOrder
from photojobs.ui.background import Background, Ticket
from photojobs.ui.grid.changes import spans
from photojobs.ui.grid.delegate import PhotoDelegate
from photojobs.ui.grid.filter_bar import MarksFilterBar, scrolling_row
from photojobs.ui.grid.model import PhotoGridModel
from photojobs.ui.grid.no_match import NoMatch
from photojobs.ui.grid.thumbnails import ThumbnailLoader
from photojobs.ui.grid.view import PhotoGridView


class GridPanel(QWidget):
    photo_activated = Signal(int)  # row
    selection_changed = Signal()
    regenerate_requested = Signal(list)  # bases whose thumbnails and previews to make again

    def __init__(self, db: Database, thumbnail_size: int, parent: QWidget | None = None):
        super().__init__(parent)
        self.project_dir: Path | None = None
        self.model = PhotoGridModel(db, self)
        self.choosing = Background(self, name="grid filter choices")
        self._choosing: Ticket[FilterChoices] | None = None
        self.loader = ThumbnailLoader(self)
        self.view = PhotoGridView(self)
        self.delegate = PhotoDelegate(self.loader, self._project_dir, self.view)
        self.view.setItemDelegate(self.delegate)
        self.view.setModel(self.model)
        self.filter_box = QComboBox()
        self.filter_box.addItems([f.value for f in PhotoFilter])
        self.filter_box.setAccessibleName("Filter photos")
        self.sort_box = QComboBox()
        self.sort_box.addItems([o.value for o in SortOrder])
        self.sort_box.setAccessibleName("Sort photos")
        self.size_slider = QSlider(Qt.Orientation.Horizontal)
        self.size_slider.setRange(96, 512)
        self.size_slider.setMinimumWidth(80)  # a narrow window keeps room for the grid
        self.size_slider.setMaximumWidth(160)
        self.size_slider.setAccessibleName("Thumbnail size")
        self.count_label = QLabel()
        bar = QHBoxLayout()
        for w in (QLabel("Show"), self.filter_box, QLabel("Sort by"), self.sort_box):
            bar.addWidget(w)
        bar.addStretch(1)
        bar.addWidget(self.count_label)
        bar.addWidget(QLabel("Size"))
        bar.addWidget(self.size_slider)
        layout = QVBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.addLayout(bar)
        self.marks_bar = MarksFilterBar(self)
        layout.addWidget(scrolling_row(self.marks_bar))
        self.no_match = NoMatch(self)
        self.body = QStackedWidget(self)
        self.body.addWidget(self.view)
        self.body.addWidget(self.no_match)
        layout.addWidget(self.body, 1)
        self.no_match.clear_clicked.connect(self.clear_filter)
        self.marks_bar.clear_button.clicked.connect(self.clear_filter)
        self.marks_bar.changed.connect(self._marks_changed)
        self.filter_box.currentIndexChanged.connect(self._filter_changed)
        self.sort_box.currentIndexChanged.connect(self._filter_changed)
        self.size_slider.valueChanged.connect(self.set_thumbnail_size)
        self.view.activated.connect(lambda index: self.photo_activated.emit(index.row()))
        self.loader.thumbnail_ready.connect(self._thumbnail_ready)
        self.view.selectionModel().selectionChanged.connect(self.selection_changed)
        self.regenerate_action = QAction("Regenerate thumbnails and previews", self)
        self.regenerate_action.triggered.connect(self._regenerate_selected)
        self.view.setContextMenuPolicy(Qt.ContextMenuPolicy.CustomContextMenu)
        self.view.customContextMenuRequested.connect(self._show_context_menu)
        self.model.rowsInserted.connect(self._update_count)
        self.model.rowsRemoved.connect(self._update_count)
        self.model.modelReset.connect(self._update_count)
        self.model.settled.connect(self._update_count)
        self._anchor: tuple[int, int] | None = None  # (photo id, y on screen) while rows move
        self.model.rowsAboutToBeInserted.connect(self._hold_view)
        self.model.rowsAboutToBeRemoved.connect(self._hold_view)
        self.model.layoutAboutToBeChanged.connect(self._hold_view)
        self.model.applied.connect(self._restore_view)  # once all of a change's steps are in
        self._kept_selection: tuple[str | None, int | None, list[int]] | None = None
        self.model.modelAboutToBeReset.connect(self._before_reset)
        self.model.modelReset.connect(self._after_reset)
        settings = QSettings()  # the photographer's last choices win over the config default
        thumbnail_size = int(settings.value("grid/thumbnail_size", thumbnail_size))
        order = str(settings.value("grid/sort", SortOrder.DATE.value))
        if order in [o.value for o in SortOrder]:
            self.sort_box.setCurrentText(order)
        self.size_slider.setValue(thumbnail_size)
        self.set_thumbnail_size(thumbnail_size)

    def _project_dir(self) -> Path | None:
        return self.project_dir

    def show_project(self, project_id: str | None, folder: Path | None) -> None:
        self.project_dir = folder
        self.loader.clear()
        self.model.show_project(project_id)
        self.refresh_choices()
        self.model.when_settled(lambda: self.select_row(0))

    def shutdown(self) -> None:
        """The window closes: no more reading, nothing left running."""
        self.choosing.shutdown()
        self.model.shutdown()
        self.loader.shutdown()

    def refresh_choices(self) -> None:
        """The tags, cameras, lenses and days the filter row offers, read on a helper thread
        (a pass over the project: ~0.1 s at 100k photos)."""
        project_id = self.model.project_id
        if project_id is None:
            self.marks_bar.set_choices([], [], [], [])
            return
        if self._choosing is not None:
            self._choosing.cancel()  # the newest question wins
        self._choosing = self.choosing.run(
            partial(filter_choices, self.model.db, project_id),
            partial(self._show_choices, project_id),
        )

    def _show_choices(self, project_id: str, c: FilterChoices) -> None:
        self._choosing = None
        if project_id == self.model.project_id:
            self.marks_bar.set_choices(list(c.tags), list(c.cameras), list(c.lenses), c.days)

    def _marks_changed(self, marks: MarksFilter) -> None:
        self.model.set_marks_filter(marks)

    def set_thumbnail_size(self, size: int) -> None:
        QSettings().setValue("grid/thumbnail_size", size)
        self.delegate.cell = size
        self.view.setGridSize(self.delegate.cell_size())

    def _filter_changed(self) -> None:
        self.model.set_filter(
            list(PhotoFilter)[self.filter_box.currentIndex()],
            list(SortOrder)[self.sort_box.currentIndex()],
        )
        QSettings().setValue("grid/sort", self.sort_box.currentText())
        self.model.when_settled(self._current_in_view)

    def _current_in_view(self) -> None:
        if self.view.currentIndex().isValid():  # a new order: the current photo stays in view
            self.view.scrollTo(self.view.currentIndex())

    # -- keeping still what a person looks at --------------------------------------------

    def _hold_view(self, *_: object) -> None:
        """Before rows move: the photo to keep where it is on screen, the current one if it
        is in view, else the first one in view."""
        if self._anchor is not None:
            return
        index = self.view.currentIndex()
        if not self._in_view(index):
            index = self._first_in_view()
        if index.isValid():
            self._anchor = (self.model.photo_id(index.row()), self.view.visualRect(index).top())

    def _restore_view(self, *_: object) -> None:
        """After rows moved (dates arrived, photos added, a new order): scroll so that the
        photo held is back at its place on screen."""
        anchor, self._anchor = self._anchor, None
        row = self.model.row_of(anchor[0]) if anchor else -1
        if anchor is None or row < 0:
            return
        rect = self.view.visualRect(self.model.index(row))
        if rect.isValid():
            bar = self.view.verticalScrollBar()
            bar.setValue(bar.value() + rect.top() - anchor[1])

    def _before_reset(self) -> None:
        """A scattered change resets the model: remember what the person had selected."""
        selection = self.view.selectionModel()
        current = self.view.currentIndex()
        self._kept_selection = (
            self.model.project_id,
            self.model.photo_id(current.row()) if current.isValid() else None,
            [
                pid  # by runs of rows: a Select All of 100k makes no index per photo
                for r in selection.selection()
                for pid in self.model.photo_ids_between(r.top(), r.bottom())
            ],
        )
        self._hold_view()

    def _after_reset(self) -> None:
        """The same project after a reset: the same photos selected and current, the view
        where it was. Another project: nothing to put back."""
        kept, self._kept_selection = self._kept_selection, None
        if kept is None or kept[0] != self.model.project_id:
            self._anchor = None
            return
        _project, current_id, selected_ids = kept
        rows = sorted(r for pid in selected_ids if (r := self.model.row_of(pid)) >= 0)
        flags = QItemSelectionModel.SelectionFlag
        if current_id is not None and (row := self.model.row_of(current_id)) >= 0:
            self.view.selectionModel().setCurrentIndex(self.model.index(row), flags.NoUpdate)
        chosen = QItemSelection()  # runs of rows, one selection: a Select All stays cheap
        for first, last in spans(rows):
            chosen.select(self.model.index(first), self.model.index(last))
        self.view.selectionModel().select(chosen, flags.Select)

    def _in_view(self, index: QModelIndex) -> bool:
        return index.isValid() and self.view.visualRect(index).intersects(
            self.view.viewport().rect()
        )

    def _first_in_view(self) -> QModelIndex:
        cell = self.view.gridSize()
        step = max(1, cell.height() // 4)
        for y in range(0, max(1, self.view.viewport().height()), step):
            index = self.view.indexAt(QPoint(cell.width() // 2, y))
            if index.isValid():
                return index
        return QModelIndex()

    def _update_count(self) -> None:
        n = self.model.rowCount()
        filtered = self.model.project_id is not None and self.model.filtered
        total = self.model.total() if filtered else n
        count = f"{n} of {total} photos" if filtered else f"{n} photo{'s' if n != 1 else ''}"
        if self.model.loading and n == 0:
            count = "Reading photos…"
        self.count_label.setText(count)
        self.marks_bar.clear_button.setVisible(filtered)
        if filtered and n == 0 and not self.model.loading:
            self.no_match.show_for(self.model.describe_filter(), total)
            self.body.setCurrentWidget(self.no_match)
        else:
            self.body.setCurrentWidget(self.view)

    def clear_filter(self) -> None:
        """Back to every photo of the project ("Clear filters", the no-match page's button)."""
        self.marks_bar.clear()
        self.filter_box.setCurrentIndex(list(PhotoFilter).index(PhotoFilter.ALL))
        self.view.setFocus()

    def _thumbnail_ready(self, photo_id: int) -> None:
        row = self.model.row_of(photo_id)
        if row >= 0:
            self.view.update(self.model.index(row))

    # -- context menu ------------------------------------------------------------------------

    def context_menu(self) -> QMenu:
        """What a right click offers for the selected photos."""
        menu = QMenu(self)
        menu.addAction(self.regenerate_action)
        self.regenerate_action.setEnabled(bool(self.selected_photos()))
        return menu

    def _show_context_menu(self, pos: QPoint) -> None:
        index = self.view.indexAt(pos)
        if index.isValid() and not self.view.selectionModel().isSelected(index):
            self.select_row(index.row())  # a right click on a photo acts on that photo
        self.context_menu().exec(self.view.viewport().mapToGlobal(pos))

    def _regenerate_selected(self) -> None:
        bases = [p.base for p in self.selected_photos()]
        if bases:
            self.regenerate_requested.emit(bases)

    # -- selection ---------------------------------------------------------------------------

    def current_row(self) -> int:
        return self.view.currentIndex().row()

    def select_row(self, row: int) -> None:
        if 0 <= row < self.model.rowCount():
            index = self.model.index(row)
            self.view.selectionModel().setCurrentIndex(
                index, QItemSelectionModel.SelectionFlag.ClearAndSelect
            )
            self.view.scrollTo(index)

    def select_rows(self, rows: list[int]) -> None:
        """These rows selected, the first one current and in view."""
        rows = [r for r in rows if 0 <= r < self.model.rowCount()]
        if not rows:
            return
        self.select_row(rows[0])
        selection = self.view.selectionModel()
        for row in rows[1:]:
            selection.select(self.model.index(row), QItemSelectionModel.SelectionFlag.Select)

    def selected_photos(self) -> list[PhotoRow]:
        rows = sorted(i.row() for i in self.view.selectionModel().selectedIndexes())
        if not rows and self.current_row() >= 0:
            rows = [self.current_row()]
        return [p for r in rows if (p := self.model.photo(r)) is not None]
