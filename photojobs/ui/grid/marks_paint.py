"""Stars, the pick/reject flag and the colour dot, drawn as shapes (no font glyphs, so they
look the same on every system); shared by the grid cell and the viewer's bar."""

from __future__ import annotations

import math

from PySide6.QtCore import QPointF, QRect, QRectF, Qt
from PySide6.QtGui import QColor, QPainter, QPainterPath, QPen, QPolygonF

from photojobs.core.marks import ColorLabel, Flag

LABEL_COLOURS = {
    ColorLabel.RED: QColor(220, 60, 55),
    ColorLabel.YELLOW: QColor(240, 200, 40),
    ColorLabel.GREEN: QColor(70, 180, 80),
    ColorLabel.BLUE: QColor(60, 130, 230),
    ColorLabel.PURPLE: QColor(150, 90, 200),
}
STAR = QColor(255, 205, 60)
PICK = QColor(255, 255, 255)
REJECT = QColor(235, 80, 75)
GROUND = QColor(0, 0, 0, 150)


def star_polygon(centre: QPointF, radius: float) -> QPolygonF:
    points = []
    for i in range(10):
        r = radius if i % 2 == 0 else radius * 0.45
        angle = -math.pi / 2 + i * math.pi / 5
        points.append(QPointF(centre.x() + r * math.cos(angle), centre.y() + r * math.sin(angle)))
    return QPolygonF(points)


def marks_width(rating: int, flag: Flag, label: ColorLabel, size: int) -> int:
    """How wide `paint_marks` draws, so a caller can right-align it; 0 when nothing."""
    parts = (rating > 0) + (flag is not Flag.NONE) + (label is not ColorLabel.NONE)
    if not parts:
        return 0
    shapes = rating + (flag is not Flag.NONE) + (label is not ColorLabel.NONE)
    return shapes * size + (parts + 1) * (size // 3)


def paint_marks(
    painter: QPainter, x: int, y: int, rating: int, flag: Flag, label: ColorLabel, size: int
) -> None:
    """One dark pill at (x, y), `size` high inside: stars, then the flag, then the dot."""
    width = marks_width(rating, flag, label, size)
    if not width:
        return
    gap = size // 3
    painter.save()
    painter.setRenderHint(QPainter.RenderHint.Antialiasing)
    painter.setPen(Qt.PenStyle.NoPen)
    painter.setBrush(GROUND)
    pill = QRect(x, y, width, size + 6)
    painter.drawRoundedRect(pill, pill.height() / 2, pill.height() / 2)
    cy = pill.center().y() + 0.5
    cx = x + gap
    painter.setBrush(STAR)
    for _ in range(rating):
        painter.drawPolygon(star_polygon(QPointF(cx + size / 2, cy), size / 2))
        cx += size
    if rating:
        cx += gap
    if flag is not Flag.NONE:
        paint_flag(painter, QRectF(cx, cy - size / 2, size, size), flag)
        cx += size + gap
    if label is not ColorLabel.NONE:
        painter.setPen(QPen(QColor(255, 255, 255, 200), 1))
        painter.setBrush(LABEL_COLOURS[label])
        painter.drawEllipse(QRectF(cx + 1, cy - size / 2 + 1, size - 2, size - 2))
    painter.restore()


def paint_flag(painter: QPainter, box: QRectF, flag: Flag) -> None:
    """A white pennant for a pick; a red one crossed out for a reject."""
    colour = PICK if flag is Flag.PICK else REJECT
    pole = box.left() + box.width() * 0.2
    painter.setPen(QPen(colour, max(1.5, box.width() / 9)))
    painter.drawLine(QPointF(pole, box.top()), QPointF(pole, box.bottom()))
    path = QPainterPath(QPointF(pole, box.top()))
    path.lineTo(box.right(), box.top() + box.height() * 0.25)
    path.lineTo(pole, box.top() + box.height() * 0.55)
    path.closeSubpath()
    painter.setPen(Qt.PenStyle.NoPen)
    painter.setBrush(colour)
    painter.drawPath(path)
    if flag is Flag.REJECT:
        painter.setPen(QPen(QColor("white"), max(1.5, box.width() / 8)))
        m = box.width() * 0.3
        painter.drawLine(
            QPointF(box.left() + m, box.bottom() - 2 * m), QPointF(box.right(), box.bottom())
        )
        painter.drawLine(
            QPointF(box.left() + m, box.bottom()), QPointF(box.right(), box.bottom() - 2 * m)
        )
