"""The viewer: one photo large, its keep decision at hand, the neighbours read ahead."""

from __future__ import annotations

from pathlib import Path

from PySide6.QtCore import QSize, QSizeF, Qt, Signal
from PySide6.QtWidgets import (
    QButtonGroup,
    QFrame,
    QHBoxLayout,
    QLabel,
    QPushButton,
    QVBoxLayout,
    QWidget,
)

from photojobs.core.catalog import Database
from photojobs.core.catalog.photo_details import PhotoDetails, load_details
from photojobs.core.decisions import EFFECTS, SHORT_WORDS
from photojobs.core.paths import derivative_path
from photojobs.core.photos import KeepDecision
from photojobs.ui.grid.model import PhotoGridModel
from photojobs.ui.viewer.canvas import ImageCanvas
from photojobs.ui.viewer.images import ORIGINAL, PREVIEW, ImageCache
from photojobs.ui.viewer.info import InfoPanel
from photojobs.ui.viewer.marks_badge import MarksBadge

# Read ahead in the direction photographers flip most (forwards), and one back.
READ_AHEAD = (1, -1, 2, 3)

KEEP_BUTTONS = tuple(
    (d, SHORT_WORDS[d], EFFECTS[d])
    for d in (KeepDecision.JPG_ONLY, KeepDecision.BOTH, KeepDecision.RAW_ONLY, KeepDecision.NONE)
)
BAR_STYLE = (
    "QFrame#viewerBar { background: #2b2b2b; }"
    "QFrame#viewerBar QLabel { color: #e6e6e6; }"
    "QFrame#viewerBar QPushButton { color: #e6e6e6; background: #3c3c3c; border: 1px solid #555;"
    " border-radius: 4px; padding: 4px 12px; }"
    "QFrame#viewerBar QPushButton:checked { background: #2f6db5; border-color: #5b95d9; }"
    "QFrame#viewerBar QPushButton#discard:checked { background: #b23b37; border-color: #d6605b; }"
    "QFrame#viewerBar QPushButton:disabled { color: #6a6a6a; background: #303030;"
    " border-color: #3c3c3c; }"
)


def _bar() -> tuple[QFrame, QHBoxLayout]:
    frame = QFrame()
    frame.setObjectName("viewerBar")
    frame.setStyleSheet(BAR_STYLE)
    layout = QHBoxLayout(frame)
    layout.setContentsMargins(10, 6, 10, 6)
    return frame, layout


def _button(text: str, tip: str = "") -> QPushButton:
    button = QPushButton(text)
    button.setToolTip(tip)
    button.setFocusPolicy(Qt.FocusPolicy.NoFocus)  # the arrows stay with the photo
    return button


class ViewerPanel(QWidget):
    decision_requested = Signal(object)  # KeepDecision
    step_requested = Signal(int)
    close_requested = Signal()
    photo_shown = Signal(int)  # photo id, once its picture is on screen
    row_changed = Signal(int)  # after a refresh: where the photo shown is in the list now

    def __init__(self, db: Database, model: PhotoGridModel, parent: QWidget | None = None):
        super().__init__(parent)
        self.db, self.model = db, model
        self.project_dir: Path | None = None
        self.row = -1
        self.details: PhotoDetails | None = None
        self.cache = ImageCache(self)
        self.canvas = ImageCanvas(self)
        self.info = InfoPanel(self)
        self.name_label = QLabel()
        self.name_label.setStyleSheet("font-weight: 600;")
        self.position_label = QLabel()
        self.marks_badge = MarksBadge(self)
        self.zoom_label = QLabel()
        self.back_button = _button("◀ Grid", "Back to the grid (Esc)")
        self.fit_button = _button("Fit", "Fit to the window")
        self.actual_button = _button("100%", "One photo pixel on one screen pixel")
        self.info_button = _button("Info", "Show or hide the photo's details")
        self.info_button.setCheckable(True)
        self.info_button.setChecked(True)
        self.previous_button = _button("◀", "Previous photo")
        self.next_button = _button("▶", "Next photo")
        self.keep_buttons: dict[KeepDecision, QPushButton] = {}
        self._keep_group = QButtonGroup(self)
        self._keep_group.setExclusive(True)
        top, top_row = _bar()
        for w in (self.back_button, self.name_label, self.marks_badge, self.position_label):
            top_row.addWidget(w)
        top_row.addStretch(1)
        for w in (self.zoom_label, self.fit_button, self.actual_button, self.info_button):
            top_row.addWidget(w)
        bottom, bottom_row = _bar()
        bottom_row.addWidget(self.previous_button)
        bottom_row.addStretch(1)
        bottom_row.addWidget(QLabel("Keep:"))
        for decision, text, tip in KEEP_BUTTONS:
            button = _button(text, tip)
            button.setCheckable(True)
            button.setObjectName("discard" if decision is KeepDecision.NONE else "")
            button.clicked.connect(lambda _=False, d=decision: self.decision_requested.emit(d))
            self._keep_group.addButton(button)
            self.keep_buttons[decision] = button
            bottom_row.addWidget(button)
        bottom_row.addStretch(1)
        bottom_row.addWidget(self.next_button)
        middle = QHBoxLayout()
        middle.setSpacing(0)
        middle.addWidget(self.canvas, 1)
        middle.addWidget(self.info)
        layout = QVBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.setSpacing(0)
        layout.addWidget(top)
        layout.addLayout(middle, 1)
        layout.addWidget(bottom)
        self.back_button.clicked.connect(self.close_requested)
        self.fit_button.clicked.connect(self.zoom_fit)
        self.actual_button.clicked.connect(self.zoom_100)
        self.info_button.toggled.connect(self.info.setVisible)
        self.previous_button.clicked.connect(lambda: self.step_requested.emit(-1))
        self.next_button.clicked.connect(lambda: self.step_requested.emit(1))
        self.canvas.zoom_changed.connect(self._zoom_changed)
        self.canvas.resized.connect(self._canvas_resized)
        self.cache.image_ready.connect(self._image_ready)

    def show_key_hints(self, keys: dict[KeepDecision, str]) -> None:
        """Print each keep button's key on it, so the keyboard is learnt while clicking."""
        for decision, text, tip in KEEP_BUTTONS:
            button, key = self.keep_buttons[decision], keys.get(decision)
            button.setText(f"{text}  ·  {key}" if key else text)
            button.setToolTip(f"{tip} ({key})" if key else tip)

    # -- showing a photo ---------------------------------------------------------------------

    def show_row(self, row: int, project_dir: Path | None) -> None:
        if project_dir != self.project_dir:
            self.cache.clear()
            self.project_dir = project_dir
        self.row = row
        photo = self.model.photo(row)
        self.details = load_details(self.db, photo.id) if photo else None
        self._show_details()
        self._show_picture(keep_view=False)
        self._read_ahead()

    def refresh(self) -> None:
        """Re-read the photo after live changes (a decision, a preview made meanwhile)."""
        if self.details is None:
            return
        before = self.details
        row = self.model.row_of(before.id)
        row = row if row >= 0 else min(self.row, self.model.rowCount() - 1)  # filtered away
        photo = self.model.photo(row)
        self.row = row
        self.details = load_details(self.db, photo.id) if photo else None
        self._show_details()
        if self.details is None or self.details.id != before.id:
            self._show_picture(keep_view=False)
        else:
            loaded = self.cache.get(self.details.id)
            if (
                loaded is None
                or loaded.stand_in
                or self.details.preview_status != before.preview_status
            ):
                self.cache.forget(self.details.id)  # a better picture may be on disk now
                self._request(self.details.id, self.details.base, urgent=True)
        self._read_ahead()  # neighbours whose files changed are read again
        self.row_changed.emit(self.row)

    def _show_details(self) -> None:
        d = self.details
        self.info.show_details(d)
        self.name_label.setText(d.base if d else "")
        count = self.model.rowCount()
        self.position_label.setText(f"{self.row + 1} of {count}" if d else "")
        self.marks_badge.show_marks(self.model.photo(self.row) if d else None)
        self.previous_button.setEnabled(self.row > 0)
        self.next_button.setEnabled(0 <= self.row < count - 1)
        allowed = {
            KeepDecision.JPG_ONLY: bool(d and d.jpg),
            KeepDecision.BOTH: bool(d and d.jpg and d.raw),
            KeepDecision.RAW_ONLY: bool(d and d.raw),
            KeepDecision.NONE: bool(d and (d.jpg or d.raw)),
        }
        current = self._current_decision()
        for decision, button in self.keep_buttons.items():
            button.setEnabled(allowed[decision])
            button.setChecked(decision is current)
        if current is None and (checked := self._keep_group.checkedButton()):
            self._keep_group.setExclusive(False)
            checked.setChecked(False)
            self._keep_group.setExclusive(True)

    def _current_decision(self) -> KeepDecision | None:
        if self.details is None:
            return None
        return self.details.kept

    def _show_picture(self, keep_view: bool) -> None:
        d = self.details
        if d is None:
            self.canvas.show_message("No photo")
            return
        loaded = self.cache.get(d.id, ORIGINAL) if keep_view else None
        loaded = loaded or self.cache.get(d.id)
        if loaded is None:
            missing = self.cache.is_missing(d.id)
            self.canvas.show_message(
                "No preview for this photo yet." if missing else "Loading the preview…"
            )
            self._request(d.id, d.base, urgent=True)
            return
        full = self._full_size(loaded.pixmap.size())
        self.canvas.show_picture(loaded.pixmap, full, keep_view, loaded.fitted)
        self.photo_shown.emit(d.id)

    def _full_size(self, picture: QSize) -> QSizeF:
        """The original's upright size from the database, or the picture's own."""
        w, h = picture.width(), picture.height()
        d = self.details
        if d and d.width and d.height and (d.width >= d.height) == (w >= h):
            return QSizeF(d.width, d.height)
        return QSizeF(w, h)

    def _request(self, photo_id: int, base: str, urgent: bool = False) -> None:
        if self.project_dir is None:
            return
        paths = (
            derivative_path(self.project_dir, "preview", base),
            derivative_path(self.project_dir, "thumbnail", base),  # while the preview is made
        )
        self.cache.request(photo_id, PREVIEW, paths, urgent)

    def _canvas_resized(self) -> None:
        """Previews read from now on are also scaled to fit the new size off the GUI thread."""
        dpr = self.canvas.devicePixelRatioF()
        self.cache.screen_box = QSize(
            round(self.canvas.width() * dpr), round(self.canvas.height() * dpr)
        )

    def _read_ahead(self) -> None:
        for delta in READ_AHEAD:
            photo = self.model.photo(self.row + delta) if self.row + delta >= 0 else None
            if photo is not None:
                self._request(photo.id, photo.base)

    def _image_ready(self, photo_id: int, kind: str) -> None:
        if self.details is None or photo_id != self.details.id:
            return
        self._show_picture(keep_view=kind == ORIGINAL or self.canvas.pixmap is not None)

    # -- zoom and info ----------------------------------------------------------------------

    def zoom_in(self) -> None:
        self.canvas.zoom_in()

    def zoom_out(self) -> None:
        self.canvas.zoom_out()

    def zoom_fit(self) -> None:
        self.canvas.zoom_fit()

    def zoom_100(self) -> None:
        self.canvas.zoom_100()

    def toggle_info(self) -> None:
        self.info_button.toggle()

    def _zoom_changed(self) -> None:
        d, pixmap = self.details, self.canvas.pixmap
        if d is None or pixmap is None:
            self.zoom_label.setText("")
            return
        percent = self.canvas.zoom_percent()
        text = f"Fit ({percent:.0f}%)" if self.canvas.fit else f"{percent:.0f}%"
        sharper_needed = self.canvas.picture_rect().width() * self.devicePixelRatioF() > (
            pixmap.width() * 1.05
        )
        if sharper_needed and self.cache.get(d.id, ORIGINAL) is None:
            if self.cache.is_missing(d.id, ORIGINAL):
                text += " · from the preview (the original could not be read)"
            elif d.jpg_name and self.project_dir is not None:
                self.cache.request(d.id, ORIGINAL, (self.project_dir / d.jpg_name,), urgent=True)
                text += " · loading the original…"
            else:
                text += " · from the preview (no JPG)"
        self.zoom_label.setText(text)

    def shutdown(self) -> None:
        self.cache.shutdown()
