"""One picture on a dark ground: fit to the window, zoom around a point, pan by dragging.

Zoom is measured against the original's pixels, so the preview and the full-size original
can replace each other without the view jumping.
"""

from __future__ import annotations

from PySide6.QtCore import QPointF, QRectF, QSizeF, Qt, Signal
from PySide6.QtGui import QColor, QMouseEvent, QPainter, QPaintEvent, QPixmap, QWheelEvent
from PySide6.QtWidgets import QSizePolicy, QWidget

ZOOM_STEP = 1.25
MAX_ZOOM = 8.0  # 800 %: enough to judge focus on the eyes
GROUND = QColor(30, 30, 30)
MESSAGE = QColor(170, 170, 170)
# A pre-scaled picture within this many pixels of the fit size is drawn unscaled-ish.
FITTED_SLACK = 2.0


class ImageCanvas(QWidget):
    zoom_changed = Signal()
    resized = Signal()

    def __init__(self, parent: QWidget | None = None):
        super().__init__(parent)
        self.setFocusPolicy(Qt.FocusPolicy.StrongFocus)
        self.setSizePolicy(QSizePolicy.Policy.Expanding, QSizePolicy.Policy.Expanding)
        self.setMinimumSize(200, 150)
        self.setAccessibleName("Photo")
        self.pixmap: QPixmap | None = None
        self.fitted: QPixmap | None = None  # the same picture scaled to fit, made off-thread
        self.message = ""
        self.full = QSizeF(1, 1)  # the original's size in pixels, upright
        self.fit = True
        self._scale = 1.0  # screen (logical) pixels per original pixel, when not fit
        self.centre = QPointF(0.5, 0.5)  # the original's point at the middle of the view
        self._drag_from: QPointF | None = None

    # -- what is shown -------------------------------------------------------------------

    def show_picture(
        self,
        pixmap: QPixmap | None,
        full: QSizeF,
        keep_view: bool = False,
        fitted: QPixmap | None = None,
    ) -> None:
        """A new picture; keep_view when a sharper version of the same one arrives.

        `fitted`: the picture already scaled to fit the widget, drawn as it is when fit.
        """
        self.pixmap, self.fitted, self.message = pixmap, fitted, ""
        if not keep_view or full != self.full:
            self.full = QSizeF(max(1.0, full.width()), max(1.0, full.height()))
            self.fit = True
            self.centre = QPointF(self.full.width() / 2, self.full.height() / 2)
        self.unsetCursor()
        self.update()
        self.zoom_changed.emit()

    def show_message(self, text: str) -> None:
        self.pixmap, self.fitted, self.message = None, None, text
        self.update()

    # -- zoom ------------------------------------------------------------------------------

    def fit_scale(self) -> float:
        return min(self.width() / self.full.width(), self.height() / self.full.height())

    def scale(self) -> float:
        return self.fit_scale() if self.fit else self._scale

    def zoom_percent(self) -> float:
        """100 means one original pixel on one screen pixel."""
        return self.scale() * self.devicePixelRatioF() * 100

    def zoom_fit(self) -> None:
        self.fit = True
        self._changed()

    def zoom_100(self, anchor: QPointF | None = None) -> None:
        self.zoom_to(1 / self.devicePixelRatioF(), anchor)

    def zoom_in(self) -> None:
        self.zoom_to(self.scale() * ZOOM_STEP)

    def zoom_out(self) -> None:
        self.zoom_to(self.scale() / ZOOM_STEP)

    def zoom_to(self, scale: float, anchor: QPointF | None = None) -> None:
        """Zoom keeping the original's point under `anchor` (default: the middle) in place."""
        anchor = anchor if anchor is not None else QPointF(self.width() / 2, self.height() / 2)
        under = (anchor - self._origin()) / self.scale()
        limit = MAX_ZOOM / self.devicePixelRatioF()
        if scale <= self.fit_scale() * 1.001:
            self.fit = True  # smaller than the window is never useful: back to fit
        else:
            self.fit, self._scale = False, min(scale, limit)
            middle = QPointF(self.width() / 2, self.height() / 2)
            self.centre = under - (anchor - middle) / self._scale
        self._changed()

    # -- geometry -------------------------------------------------------------------------

    def _clamp(self) -> None:
        s = self.scale()
        half_w, half_h = self.width() / 2 / s, self.height() / 2 / s
        w, h = self.full.width(), self.full.height()
        x = w / 2 if w * s <= self.width() else min(max(self.centre.x(), half_w), w - half_w)
        y = h / 2 if h * s <= self.height() else min(max(self.centre.y(), half_h), h - half_h)
        self.centre = QPointF(x, y)

    def _origin(self) -> QPointF:
        """Where the original's top-left corner is drawn."""
        s = self.scale()
        if self.fit:
            return QPointF(
                (self.width() - self.full.width() * s) / 2,
                (self.height() - self.full.height() * s) / 2,
            )
        return QPointF(self.width() / 2, self.height() / 2) - self.centre * s

    def picture_rect(self) -> QRectF:
        s = self.scale()
        return QRectF(self._origin(), QSizeF(self.full.width() * s, self.full.height() * s))

    def can_pan(self) -> bool:
        rect = self.picture_rect()
        return rect.width() > self.width() + 0.5 or rect.height() > self.height() + 0.5

    def _changed(self) -> None:
        self._clamp()
        self.setCursor(
            Qt.CursorShape.OpenHandCursor if self.can_pan() else Qt.CursorShape.ArrowCursor
        )
        self.update()
        self.zoom_changed.emit()

    # -- events ---------------------------------------------------------------------------

    def paintEvent(self, event: QPaintEvent) -> None:
        painter = QPainter(self)
        painter.fillRect(self.rect(), GROUND)
        if self.pixmap is None or self.pixmap.isNull():
            painter.setPen(MESSAGE)
            painter.drawText(self.rect(), Qt.AlignmentFlag.AlignCenter, self.message)
            return
        target = self.picture_rect()
        if self._draw_fitted(painter, target):
            return
        visible = target.intersected(QRectF(self.rect()))
        if visible.isEmpty():
            return
        # draw only the visible part: at 400 % of a 24 MP original that is a small piece
        kx = self.pixmap.width() / target.width()
        ky = self.pixmap.height() / target.height()
        source = QRectF(
            (visible.x() - target.x()) * kx,
            (visible.y() - target.y()) * ky,
            visible.width() * kx,
            visible.height() * ky,
        )
        painter.setRenderHint(QPainter.RenderHint.SmoothPixmapTransform, kx > 0.5)
        painter.drawPixmap(visible, self.pixmap, source)

    def _draw_fitted(self, painter: QPainter, target: QRectF) -> bool:
        """Fit mode with a pre-scaled picture of the right size: a copy, no resampling."""
        fitted = self.fitted
        if not self.fit or fitted is None:
            return False
        dpr = self.devicePixelRatioF()
        if (
            max(
                abs(fitted.width() - target.width() * dpr),
                abs(fitted.height() - target.height() * dpr),
            )
            > FITTED_SLACK
        ):
            return False  # the window changed size since it was made
        painter.drawPixmap(target, fitted, QRectF(fitted.rect()))
        return True

    def resizeEvent(self, event: object) -> None:
        self._clamp()
        self.resized.emit()
        self.zoom_changed.emit()

    def wheelEvent(self, event: QWheelEvent) -> None:
        steps = event.angleDelta().y() / 120
        if steps:
            self.zoom_to(self.scale() * ZOOM_STEP**steps, event.position())
        event.accept()

    def mousePressEvent(self, event: QMouseEvent) -> None:
        if event.button() == Qt.MouseButton.LeftButton and self.can_pan():
            self._drag_from = event.position()
            self.setCursor(Qt.CursorShape.ClosedHandCursor)
        self.setFocus()

    def mouseMoveEvent(self, event: QMouseEvent) -> None:
        if self._drag_from is not None:
            moved = event.position() - self._drag_from
            self._drag_from = event.position()
            self.centre = self.centre - moved / self.scale()
            self._clamp()
            self.update()

    def mouseReleaseEvent(self, event: QMouseEvent) -> None:
        if self._drag_from is not None:
            self._drag_from = None
            self.setCursor(Qt.CursorShape.OpenHandCursor)

    def mouseDoubleClickEvent(self, event: QMouseEvent) -> None:
        """Double-click toggles between fit and 100 % at the point clicked."""
        if self.fit:
            self.zoom_100(event.position())
        else:
            self.zoom_fit()
