"""The viewer's marks beside the photo's name: stars, pick/reject and the colour label."""

from __future__ import annotations

from PySide6.QtCore import QSize
from PySide6.QtGui import QPainter, QPaintEvent
from PySide6.QtWidgets import QWidget

from photojobs.core.catalog.photo_rows import PhotoRow
from photojobs.core.marks import ColorLabel, Flag
from photojobs.ui.grid.marks_paint import marks_width, paint_marks

SIZE = 14


class MarksBadge(QWidget):
    def __init__(self, parent: QWidget | None = None):
        super().__init__(parent)
        self.rating, self.flag, self.label = 0, Flag.NONE, ColorLabel.NONE
        self.setAccessibleName("Rating, flag and label")

    def show_marks(self, photo: PhotoRow | None) -> None:
        marks = (
            (photo.rating, photo.flag, photo.label) if photo else (0, Flag.NONE, ColorLabel.NONE)
        )
        self.rating, self.flag, self.label = marks
        words = [f"{self.rating} star{'s' if self.rating != 1 else ''}"] if self.rating else []
        words += [w.value for w in (self.flag, self.label) if w.value != "none"]
        self.setToolTip(", ".join(words))
        self.setFixedSize(self.sizeHint())
        self.update()

    def sizeHint(self) -> QSize:
        return QSize(marks_width(self.rating, self.flag, self.label, SIZE), SIZE + 6)

    def paintEvent(self, event: QPaintEvent) -> None:
        painter = QPainter(self)
        paint_marks(painter, 0, 0, self.rating, self.flag, self.label, SIZE)
