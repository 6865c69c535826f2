"""Small icons drawn in code: job statuses, toast kinds, and the app's aperture mark.

Drawn once and cached, so `data()` and `paint()` only look them up. The app mark comes
from `resources/photojobs.svg` when it is there, else it is drawn here.
"""

from __future__ import annotations

import math
from functools import cache

from PySide6.QtCore import QPointF, QRectF, Qt
from PySide6.QtGui import QColor, QIcon, QPainter, QPainterPath, QPen, QPixmap, QPolygonF

from photojobs.resources import resources_root

SUCCESS = QColor("#2e9d5b")
INFO = QColor("#3b82c4")
WARNING = QColor("#d99a1e")
ERROR = QColor("#cf4338")
MUTED = QColor("#8a8f98")

KIND_COLORS = {"success": SUCCESS, "info": INFO, "warning": WARNING, "error": ERROR}
STATUS_COLORS = {
    "queued": MUTED,
    "running": INFO,
    "completed": SUCCESS,
    "failed": ERROR,
    "canceled": MUTED,
}
_SIZES = (16, 24, 32, 48)


def _canvas(size: int) -> tuple[QPixmap, QPainter]:
    pixmap = QPixmap(size, size)
    pixmap.fill(Qt.GlobalColor.transparent)
    painter = QPainter(pixmap)
    painter.setRenderHint(QPainter.RenderHint.Antialiasing)
    painter.scale(size / 16.0, size / 16.0)  # draw on a 16x16 grid
    return pixmap, painter


def _glyph(painter: QPainter, name: str) -> None:
    white = QPen(QColor("white"), 1.8, Qt.PenStyle.SolidLine, Qt.PenCapStyle.RoundCap)
    white.setJoinStyle(Qt.PenJoinStyle.RoundJoin)
    painter.setPen(white)
    painter.setBrush(Qt.BrushStyle.NoBrush)
    if name in ("completed", "success"):
        painter.drawPolyline(QPolygonF([QPointF(4.5, 8.3), QPointF(7, 10.8), QPointF(11.5, 5.5)]))
    elif name in ("failed", "error"):
        painter.drawLine(QPointF(5.3, 5.3), QPointF(10.7, 10.7))
        painter.drawLine(QPointF(10.7, 5.3), QPointF(5.3, 10.7))
    elif name == "canceled":
        painter.drawLine(QPointF(4.8, 8), QPointF(11.2, 8))
    elif name == "running":
        painter.setBrush(QColor("white"))
        painter.setPen(Qt.PenStyle.NoPen)
        painter.drawPolygon(QPolygonF([QPointF(6.2, 4.8), QPointF(11.2, 8), QPointF(6.2, 11.2)]))
    elif name == "warning":
        painter.drawLine(QPointF(8, 4.4), QPointF(8, 8.8))
        painter.drawPoint(QPointF(8, 11.4))
    elif name == "info":
        painter.drawLine(QPointF(8, 7.2), QPointF(8, 11.4))
        painter.drawPoint(QPointF(8, 4.6))


@cache
def status_icon(name: str) -> QIcon:
    """A round badge for a job status or a toast kind ('queued' is a hollow ring)."""
    color = STATUS_COLORS.get(name) or KIND_COLORS.get(name) or MUTED
    icon = QIcon()
    for size in _SIZES:
        pixmap, painter = _canvas(size)
        if name == "queued":
            painter.setPen(QPen(color, 1.6))
            painter.setBrush(Qt.BrushStyle.NoBrush)
            painter.drawEllipse(QRectF(2.5, 2.5, 11, 11))
            painter.setPen(QPen(color, 1.4, Qt.PenStyle.SolidLine, Qt.PenCapStyle.RoundCap))
            painter.drawLine(QPointF(8, 5.2), QPointF(8, 8.2))
            painter.drawLine(QPointF(8, 8.2), QPointF(10, 9.6))
        else:
            painter.setPen(Qt.PenStyle.NoPen)
            painter.setBrush(color)
            painter.drawEllipse(QRectF(1.5, 1.5, 13, 13))
            _glyph(painter, name)
        painter.end()
        icon.addPixmap(pixmap)
    return icon


def _aperture(painter: QPainter) -> None:
    painter.setPen(Qt.PenStyle.NoPen)
    painter.setBrush(QColor("#1f2a36"))
    painter.drawRoundedRect(QRectF(0.5, 0.5, 15, 15), 3, 3)
    painter.setBrush(QColor("#2f6fb0"))
    painter.drawEllipse(QRectF(2.75, 2.75, 10.5, 10.5))
    centre, outer, inner = QPointF(8, 8), 4.9, 1.9
    painter.setBrush(QColor(255, 255, 255, 235))
    for k in range(5):
        a0 = math.radians(k * 72 - 90)
        a1 = math.radians(k * 72 - 40)
        path = QPainterPath()
        path.moveTo(centre + QPointF(inner * math.cos(a0), inner * math.sin(a0)))
        path.lineTo(centre + QPointF(outer * math.cos(a0), outer * math.sin(a0)))
        path.lineTo(centre + QPointF(outer * math.cos(a1), outer * math.sin(a1)))
        path.closeSubpath()
        painter.drawPath(path)


def _resource_icon() -> QIcon | None:
    for name in ("photojobs.svg", "photojobs.png"):
        path = resources_root() / name
        if path.is_file():
            icon = QIcon(str(path))
            if not icon.pixmap(32, 32).isNull():
                return icon
    return None


@cache
def app_icon(busy: bool = False) -> QIcon:
    """The aperture mark (resources/photojobs.svg when present, else drawn here); the busy
    variant carries an amber dot, for the tray while work runs."""
    base = _resource_icon()
    icon = QIcon()
    for size in (*_SIZES, 64, 128):
        if base is not None:
            pixmap = base.pixmap(size, size)
            painter = QPainter(pixmap)
            painter.setRenderHint(QPainter.RenderHint.Antialiasing)
            painter.scale(size / 16.0, size / 16.0)
        else:
            pixmap, painter = _canvas(size)
            _aperture(painter)
        if busy:
            painter.setPen(QPen(QColor("white"), 1.0))
            painter.setBrush(QColor("#f0a020"))
            painter.drawEllipse(QRectF(9.0, 9.0, 6.5, 6.5))
        painter.end()
        icon.addPixmap(pixmap)
    return icon
