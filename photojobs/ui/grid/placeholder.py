"""What a cell shows while it has no picture: a quiet tile while the thumbnail is being
made or read, and a "No preview" card with the reason when there will be none."""

from __future__ import annotations

from dataclasses import dataclass

from PySide6.QtCore import QRect, QRectF, Qt
from PySide6.QtGui import QColor, QFont, QPainter, QPen

from photojobs.core.catalog.photo_rows import PhotoRow

LOADING, NO_PREVIEW = "loading", "no_preview"
REASONS = {
    "failed": "Cannot read this photo",
    "not_supported": "Format not supported",
    "missing": "File missing",
}
LOADING_FILL = QColor(128, 128, 128, 38)
LOADING_MARK = QColor(128, 128, 128, 110)
MISSING_FILL = QColor(52, 52, 56)
MISSING_TEXT = QColor(215, 215, 220)
MISSING_MUTED = QColor(160, 160, 168)
ERROR_MARK = QColor(214, 69, 65)


@dataclass(frozen=True)
class Placeholder:
    kind: str  # LOADING | NO_PREVIEW
    reason: str = ""
    detail: str = ""  # the error the derivative job recorded, for the tooltip


def placeholder_for(row: PhotoRow, unreadable: bool) -> Placeholder:
    """`unreadable`: the thumbnail file was said to exist but could not be read."""
    if row.thumbnail_status in REASONS:
        return Placeholder(NO_PREVIEW, REASONS[row.thumbnail_status], row.thumbnail_error or "")
    if row.thumbnail_status == "generated" and unreadable:
        return Placeholder(NO_PREVIEW, "Thumbnail unreadable", "it is made again at the next check")
    return Placeholder(LOADING)


def paint_placeholder(painter: QPainter, box: QRect, placeholder: Placeholder) -> None:
    painter.save()
    painter.setRenderHint(QPainter.RenderHint.Antialiasing)
    if placeholder.kind == LOADING:
        _paint_loading(painter, box)
    else:
        _paint_no_preview(painter, box, placeholder.reason)
    painter.restore()


def _paint_loading(painter: QPainter, box: QRect) -> None:
    """A faint tile with three dots: something is on its way."""
    painter.fillRect(box, LOADING_FILL)
    painter.setPen(Qt.PenStyle.NoPen)
    painter.setBrush(LOADING_MARK)
    r = max(2.0, box.width() / 60)
    centre = QRectF(box).center()
    for dx in (-4 * r, 0.0, 4 * r):
        painter.drawEllipse(centre.x() + dx - r, centre.y() - r, 2 * r, 2 * r)


def _paint_no_preview(painter: QPainter, box: QRect, reason: str) -> None:
    """A dark card, a crossed-out picture and the words: nothing more will come."""
    painter.fillRect(box, MISSING_FILL)
    side = min(box.width(), box.height()) / 4
    icon = QRectF(0, 0, side, side * 0.78)
    icon.moveCenter(QRectF(box).center())
    icon.moveTop(box.top() + box.height() * 0.22)
    painter.setPen(QPen(MISSING_MUTED, max(1.5, side / 16)))
    painter.setBrush(Qt.BrushStyle.NoBrush)
    painter.drawRoundedRect(icon, side / 10, side / 10)
    painter.drawLine(icon.bottomLeft(), icon.center())  # a mountain in the frame
    painter.setPen(QPen(ERROR_MARK, max(2.0, side / 12)))
    painter.drawLine(icon.topRight(), icon.bottomLeft())
    font = QFont(painter.font())
    font.setBold(True)
    painter.setFont(font)
    painter.setPen(MISSING_TEXT)
    line = painter.fontMetrics().height()
    text = QRect(box.left() + 6, int(icon.bottom()) + line // 2, box.width() - 12, line)
    painter.drawText(text, Qt.AlignmentFlag.AlignCenter, "No preview")
    font.setBold(False)
    font.setPointSizeF(max(7.0, font.pointSizeF() * 0.85))
    painter.setFont(font)
    painter.setPen(MISSING_MUTED)
    below = QRect(text.left(), text.bottom() + 2, text.width(), box.bottom() - text.bottom() - 4)
    flags = Qt.AlignmentFlag.AlignHCenter | Qt.AlignmentFlag.AlignTop | Qt.TextFlag.TextWordWrap
    painter.drawText(below, int(flags), reason)
