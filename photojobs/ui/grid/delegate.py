"""Paints one photo cell: thumbnail (or a placeholder), name, formats, the decision and the
marks (stars, pick/reject, colour label along the bottom of the picture)."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

from PySide6.QtCore import QModelIndex, QPersistentModelIndex, QRect, QSize, Qt
from PySide6.QtGui import QColor, QFont, QPaintDevice, QPainter, QPen
from PySide6.QtWidgets import QStyle, QStyledItemDelegate, QStyleOptionViewItem, QWidget

from photojobs.core.catalog.photo_rows import PhotoRow
from photojobs.core.marks import Flag
from photojobs.core.paths import derivative_path
from photojobs.core.photos import KeepDecision
from photojobs.ui.grid.marks_paint import paint_marks
from photojobs.ui.grid.model import PhotoRowRole
from photojobs.ui.grid.placeholder import Placeholder, paint_placeholder, placeholder_for
from photojobs.ui.grid.thumbnails import ThumbnailLoader

LABEL_HEIGHT = 22
PADDING = 6
DISCARD = QColor(214, 69, 65)
KEEP_PARTIAL = QColor(230, 160, 40)
BADGE = QColor(0, 0, 0, 150)
REJECT_WASH = QColor(255, 255, 255, 120)  # a reject fades out; a discard goes dark and crossed
MARK_SIZE = 12


class PhotoDelegate(QStyledItemDelegate):
    def __init__(
        self,
        loader: ThumbnailLoader,
        project_dir: Callable[[], Path | None],
        parent: QWidget | None = None,
    ):
        super().__init__(parent)
        self.loader = loader
        self.project_dir = project_dir  # () -> the shown project's folder, or None
        self.cell = 192

    def cell_size(self) -> QSize:
        return QSize(self.cell + 2 * PADDING, self.cell + LABEL_HEIGHT + 2 * PADDING)

    def sizeHint(
        self, option: QStyleOptionViewItem, index: QModelIndex | QPersistentModelIndex
    ) -> QSize:
        return self.cell_size()

    def paint(
        self,
        painter: QPainter,
        option: QStyleOptionViewItem,
        index: QModelIndex | QPersistentModelIndex,
    ) -> None:
        painter.save()
        rect = option.rect  # type: ignore[attr-defined]
        selected = bool(option.state & QStyle.StateFlag.State_Selected)  # type: ignore[attr-defined]
        palette = option.palette  # type: ignore[attr-defined]
        painter.fillRect(rect, palette.highlight() if selected else palette.base())
        row: PhotoRow | None = index.data(PhotoRowRole)
        box = QRect(rect.x() + PADDING, rect.y() + PADDING, self.cell, self.cell)
        if row is None:
            painter.fillRect(box, palette.alternateBase())
            painter.restore()
            return
        self._paint_image(painter, box, row, option)
        self._paint_badges(painter, box, row)
        text_rect = QRect(rect.x() + PADDING, box.bottom() + 2, self.cell, LABEL_HEIGHT)
        painter.setPen(palette.highlightedText().color() if selected else palette.text().color())
        metrics = painter.fontMetrics()
        painter.drawText(
            text_rect,
            Qt.AlignmentFlag.AlignCenter,
            metrics.elidedText(row.base, Qt.TextElideMode.ElideMiddle, self.cell),
        )
        painter.restore()

    def _paint_image(
        self, painter: QPainter, box: QRect, row: PhotoRow, option: QStyleOptionViewItem
    ) -> None:
        folder: Path | None = self.project_dir()
        pixmap = None
        # A pending photo may already have the camera's own thumbnail as a stand-in.
        if folder is not None and row.thumbnail_status in ("generated", "pending"):
            dpr = painter.device().devicePixelRatioF()
            path = derivative_path(folder, "thumbnail", row.base)
            pixmap = self.loader.pixmap(row.id, path, self.cell, dpr)
        if pixmap is None:
            paint_placeholder(painter, box, self.placeholder(row, painter.device()))
        else:
            size = pixmap.deviceIndependentSize().toSize()
            x = box.x() + (box.width() - size.width()) // 2
            y = box.y() + (box.height() - size.height()) // 2
            painter.drawPixmap(x, y, pixmap)
        if row.flag is Flag.REJECT:
            painter.fillRect(box, REJECT_WASH)
        if row.pending and not (row.keep_jpg or row.keep_raw):
            painter.fillRect(box, QColor(0, 0, 0, 110))
            pen = QPen(DISCARD, 4)
            painter.setPen(pen)
            m = box.width() // 4
            painter.drawLine(box.left() + m, box.top() + m, box.right() - m, box.bottom() - m)
            painter.drawLine(box.right() - m, box.top() + m, box.left() + m, box.bottom() - m)

    def placeholder(self, row: PhotoRow, device: QPaintDevice | None = None) -> Placeholder:
        """Loading (being made, or being read) or no preview (with the reason)."""
        dpr = device.devicePixelRatioF() if device is not None else 1.0
        return placeholder_for(row, self.loader.unreadable(row.id, self.cell, dpr))

    def _paint_badges(self, painter: QPainter, box: QRect, row: PhotoRow) -> None:
        font = QFont(painter.font())
        font.setPointSizeF(max(7.0, font.pointSizeF() * 0.85))
        font.setBold(True)
        painter.setFont(font)
        self._badge(painter, box.left() + 4, box.top() + 4, row.formats, BADGE)
        if row.decision:
            colour = DISCARD if row.kept is KeepDecision.NONE else KEEP_PARTIAL
            width = painter.fontMetrics().horizontalAdvance(row.decision) + 10
            self._badge(painter, box.right() - width - 3, box.top() + 4, row.decision, colour)
        y = box.bottom() - MARK_SIZE - 6 - 3
        paint_marks(painter, box.left() + 4, y, row.rating, row.flag, row.label, MARK_SIZE)

    @staticmethod
    def _badge(painter: QPainter, x: int, y: int, text: str, colour: QColor) -> None:
        width = painter.fontMetrics().horizontalAdvance(text) + 10
        rect = QRect(x, y, width, painter.fontMetrics().height() + 4)
        painter.setPen(Qt.PenStyle.NoPen)
        painter.setBrush(colour)
        painter.drawRoundedRect(rect, 4, 4)
        painter.setPen(QColor("white"))
        painter.drawText(rect, Qt.AlignmentFlag.AlignCenter, text)
