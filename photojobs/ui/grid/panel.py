"""The grid panel: filter and sort bar, thumbnail size slider, and the list view."""

from __future__ import annotations

from pathlib import Path

from PySide6.QtCore import QItemSelectionModel, QSettings, Qt, Signal
from PySide6.QtWidgets import (
    QAbstractItemView,
    QComboBox,
    QHBoxLayout,
    QLabel,
    QListView,
    QSlider,
    QStackedWidget,
    QVBoxLayout,
    QWidget,
)

from photojobs.core.db import Database
from photojobs.core.paths import THUMB_DIR
from photojobs.ui.grid.delegate import PhotoDelegate
from photojobs.ui.grid.model import PhotoGridModel
from photojobs.ui.grid.no_match import NoMatch
from photojobs.ui.grid.rows import PhotoFilter, PhotoRow, SortOrder
from photojobs.ui.grid.thumbnails import ThumbnailLoader


class PhotoGridView(QListView):
    def __init__(self, parent: QWidget | None = None):
        super().__init__(parent)
        self.setViewMode(QListView.ViewMode.IconMode)
        self.setResizeMode(QListView.ResizeMode.Adjust)
        self.setMovement(QListView.Movement.Static)
        self.setUniformItemSizes(True)
        self.setLayoutMode(QListView.LayoutMode.Batched)
        self.setBatchSize(500)
        self.setSelectionMode(QAbstractItemView.SelectionMode.ExtendedSelection)
        self.setVerticalScrollMode(QAbstractItemView.ScrollMode.ScrollPerPixel)
        self.setSpacing(2)
        self.setWrapping(True)


class GridPanel(QWidget):
    photo_activated = Signal(int)  # row
    selection_changed = Signal()

    def __init__(self, db: Database, thumbnail_size: int, parent: QWidget | None = None):
        super().__init__(parent)
        self.project_dir: Path | None = None
        self.model = PhotoGridModel(db, self)
        self.loader = ThumbnailLoader(self)
        self.view = PhotoGridView(self)
        self.delegate = PhotoDelegate(self.loader, self._thumb_dir, self.view)
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
        self.no_match = NoMatch(self)
        self.body = QStackedWidget(self)
        self.body.addWidget(self.view)
        self.body.addWidget(self.no_match)
        layout.addWidget(self.body, 1)
        self.no_match.clear_clicked.connect(self.clear_filter)
        self.filter_box.currentIndexChanged.connect(self._filter_changed)
        self.sort_box.currentIndexChanged.connect(self._filter_changed)
        self.size_slider.valueChanged.connect(self.set_thumbnail_size)
        self.view.activated.connect(lambda index: self.photo_activated.emit(index.row()))
        self.loader.thumbnail_ready.connect(self._thumbnail_ready)
        self.view.selectionModel().selectionChanged.connect(self.selection_changed)
        self.model.rowsInserted.connect(self._update_count)
        self.model.rowsRemoved.connect(self._update_count)
        self.model.modelReset.connect(self._update_count)
        settings = QSettings()  # the photographer's last choices win over the config default
        thumbnail_size = int(settings.value("grid/thumbnail_size", thumbnail_size))
        order = str(settings.value("grid/sort", SortOrder.DATE.value))
        if order in [o.value for o in SortOrder]:
            self.sort_box.setCurrentText(order)
        self.size_slider.setValue(thumbnail_size)
        self.set_thumbnail_size(thumbnail_size)

    def _thumb_dir(self) -> Path | None:
        return self.project_dir / THUMB_DIR if self.project_dir else None

    def show_project(self, project_id: str | None, folder: Path | None) -> None:
        self.project_dir = folder
        self.loader.clear()
        self.model.show_project(project_id)
        if self.model.rowCount():
            self.select_row(0)

    def set_thumbnail_size(self, size: int) -> None:
        QSettings().setValue("grid/thumbnail_size", size)
        self.delegate.cell = size
        self.view.setGridSize(self.delegate.cell_size())
        self.view.scheduleDelayedItemsLayout()

    def _filter_changed(self) -> None:
        self.model.set_filter(
            list(PhotoFilter)[self.filter_box.currentIndex()],
            list(SortOrder)[self.sort_box.currentIndex()],
        )
        QSettings().setValue("grid/sort", self.sort_box.currentText())
        self._update_count()

    def _update_count(self) -> None:
        n = self.model.rowCount()
        self.count_label.setText(f"{n} photo{'s' if n != 1 else ''}")
        filtered = self.model.project_id is not None and self.model.filter is not PhotoFilter.ALL
        if filtered and n == 0:
            self.no_match.show_for(self.model.filter.value, self.model.total())
            self.body.setCurrentWidget(self.no_match)
        else:
            self.body.setCurrentWidget(self.view)

    def clear_filter(self) -> None:
        """Back to every photo of the project (the no-match page's button)."""
        self.filter_box.setCurrentIndex(list(PhotoFilter).index(PhotoFilter.ALL))
        self.view.setFocus()

    def _thumbnail_ready(self, photo_id: int) -> None:
        row = self.model.row_of(photo_id)
        if row >= 0:
            self.view.update(self.model.index(row))

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

    def selected_photos(self) -> list[PhotoRow]:
        rows = sorted(i.row() for i in self.view.selectionModel().selectedIndexes())
        if not rows and self.current_row() >= 0:
            rows = [self.current_row()]
        return [p for r in rows if (p := self.model.photo(r)) is not None]
