"""Non-modal toasts in the window's bottom-right corner.

At most three are stacked (the oldest without an action gives way), each dismisses itself
after a while (errors stay longer), waits while the pointer rests on it, and can carry one
action.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence

from PySide6.QtCore import QElapsedTimer, QEvent, QObject, QRectF, Qt, QTimer, Signal
from PySide6.QtGui import QColor, QEnterEvent, QPainter, QPaintEvent, QPalette
from PySide6.QtWidgets import (
    QFrame,
    QHBoxLayout,
    QLabel,
    QMainWindow,
    QPushButton,
    QToolButton,
    QVBoxLayout,
    QWidget,
)

from photojobs.ui.icons import KIND_COLORS, status_icon

KINDS = ("success", "info", "warning", "error")
TIMEOUT_MS = {"success": 6000, "info": 5000, "warning": 9000, "error": 16000}
MAX_VISIBLE = 3
MARGIN, SPACING, WIDTH = 16, 8, 380
Action = tuple[str, Callable[[], object]]

SURFACE, TEXT, MUTED_TEXT = QColor("#2d3139"), QColor("#eef0f3"), QColor("#b9bec7")
SHADOW = 6  # px around the card for a soft shadow, painted by hand (no graphics effect)
BUTTON_STYLE = (
    "QPushButton { color: %(accent)s; background: transparent; border: 1px solid %(accent)s;"
    " border-radius: 4px; padding: 3px 10px; font-weight: 600; }"
    "QPushButton:hover { background: rgba(255, 255, 255, 0.08); }"
)


class Toast(QFrame):
    dismissed = Signal(object)

    def __init__(
        self,
        parent: QWidget,
        text: str,
        kind: str = "info",
        *,
        title: str | None = None,
        action: Action | None = None,
        timeout_ms: int | None = None,
    ):
        super().__init__(parent)
        self.kind = kind if kind in KINDS else "info"
        self.title, self.text, self.action = title, text, action
        self.setObjectName("toast")
        self.accent = KIND_COLORS[self.kind]
        self.setFixedWidth(WIDTH + 2 * SHADOW)
        palette = self.palette()
        for role, color in (
            (QPalette.ColorRole.WindowText, TEXT),
            (QPalette.ColorRole.ButtonText, MUTED_TEXT),
            (QPalette.ColorRole.Text, TEXT),
        ):
            palette.setColor(role, color)
        self.setPalette(palette)
        icon = QLabel(self)
        icon.setPixmap(status_icon(self.kind).pixmap(20, 20))
        icon.setAlignment(Qt.AlignmentFlag.AlignTop)
        words = QVBoxLayout()
        words.setSpacing(2)
        if title:
            heading = QLabel(title, self)
            heading.setObjectName("toastTitle")
            bold = heading.font()
            bold.setBold(True)
            heading.setFont(bold)
            words.addWidget(heading)
        self.body = QLabel(text, self)
        self.body.setWordWrap(True)
        self.body.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
        words.addWidget(self.body)
        row = QHBoxLayout(self)
        row.setContentsMargins(12 + SHADOW, 10 + SHADOW, 8 + SHADOW, 10 + SHADOW)
        row.setSpacing(10)
        row.addWidget(icon)
        row.addLayout(words, 1)
        self.action_button: QPushButton | None = None
        if action is not None:
            self.action_button = QPushButton(action[0], self)
            self.action_button.setStyleSheet(BUTTON_STYLE % {"accent": self.accent.name()})
            self.action_button.setCursor(Qt.CursorShape.PointingHandCursor)
            self.action_button.clicked.connect(self.trigger)
            row.addWidget(self.action_button, 0, Qt.AlignmentFlag.AlignVCenter)
        self.close_button = QToolButton(self)
        self.close_button.setText("✕")
        self.close_button.setAutoRaise(True)
        self.close_button.setToolTip("Dismiss")
        self.close_button.clicked.connect(self.dismiss)
        row.addWidget(self.close_button, 0, Qt.AlignmentFlag.AlignTop)
        self.remaining_ms = timeout_ms or TIMEOUT_MS[self.kind]
        self._timer = QTimer(self)
        self._timer.setSingleShot(True)
        self._timer.timeout.connect(self.dismiss)
        self._clock = QElapsedTimer()
        self.paused = False
        self.done = False
        self.adjustSize()

    def paintEvent(self, _event: QPaintEvent) -> None:
        """A dark card with the kind's accent on the left, over a soft hand-drawn shadow."""
        painter = QPainter(self)
        painter.setRenderHint(QPainter.RenderHint.Antialiasing)
        painter.setPen(Qt.PenStyle.NoPen)
        card = QRectF(self.rect()).adjusted(SHADOW, SHADOW, -SHADOW, -SHADOW)
        for step in range(SHADOW, 0, -1):
            painter.setBrush(QColor(0, 0, 0, 10 + 4 * (SHADOW - step)))
            painter.drawRoundedRect(
                card.adjusted(-step, -step + 2, step, step + 2), 8 + step, 8 + step
            )
        painter.setBrush(SURFACE)
        painter.drawRoundedRect(card, 8, 8)
        painter.setBrush(self.accent)
        painter.setClipRect(QRectF(card.left(), card.top(), 4, card.height()))
        painter.drawRoundedRect(card, 8, 8)

    def start(self) -> None:
        self._clock.start()
        self._timer.start(self.remaining_ms)

    def pause(self) -> None:
        if self._timer.isActive():
            self.remaining_ms = max(0, self.remaining_ms - int(self._clock.elapsed()))
            self._timer.stop()
            self.paused = True

    def resume(self) -> None:
        if self.paused and not self.done:
            self.paused = False
            self.remaining_ms = max(self.remaining_ms, 1500)  # time to read it again
            self.start()

    def enterEvent(self, event: QEnterEvent) -> None:
        self.pause()
        super().enterEvent(event)

    def leaveEvent(self, event: QEvent) -> None:
        self.resume()
        super().leaveEvent(event)

    def trigger(self) -> None:
        if self.action is not None and not self.done:
            self.dismiss()
            self.action[1]()

    def dismiss(self) -> None:
        if self.done:
            return
        self.done = True
        self._timer.stop()
        self.hide()
        self.dismissed.emit(self)
        self.deleteLater()


class ToastStack(QObject):
    """The toasts of one window, newest at the bottom; `of(window)` finds or makes it."""

    shown = Signal(object)  # Toast

    def __init__(self, window: QWidget, avoid: Sequence[QWidget] = ()):
        super().__init__(window)
        self.setObjectName("toastStack")
        self.window = window
        self.avoid = list(avoid)  # widgets toasts stay above when visible (a commit bar)
        self.toasts: list[Toast] = []
        window.installEventFilter(self)

    @staticmethod
    def of(window: QWidget) -> ToastStack:
        found = window.findChild(QObject, "toastStack")
        return found if isinstance(found, ToastStack) else ToastStack(window)

    def show(
        self,
        text: str,
        kind: str = "info",
        *,
        title: str | None = None,
        action: Action | None = None,
        timeout_ms: int | None = None,
    ) -> Toast:
        toast = Toast(self.window, text, kind, title=title, action=action, timeout_ms=timeout_ms)
        toast.dismissed.connect(self._dismissed)
        self.toasts.append(toast)
        while len(self.toasts) > MAX_VISIBLE:
            # a toast that offers an action (Undo) outlives the plain words around it
            plain = [t for t in self.toasts[:-1] if t.action is None]
            (plain[0] if plain else self.toasts[0]).dismiss()
        toast.show()
        toast.raise_()
        toast.start()
        self.relayout()
        self.shown.emit(toast)
        return toast

    def dismiss_all(self) -> None:
        for toast in list(self.toasts):
            toast.dismiss()

    def _dismissed(self, toast: Toast) -> None:
        if toast in self.toasts:
            self.toasts.remove(toast)
            self.relayout()

    def relayout(self) -> None:
        right = self.window.width() - MARGIN + SHADOW
        bottom = self.window.height() - MARGIN + SHADOW
        if isinstance(self.window, QMainWindow) and self.window.statusBar().isVisible():
            bottom -= self.window.statusBar().height()
        for widget in self.avoid:
            if widget.isVisible() and widget.window() is self.window:
                top_left = widget.mapTo(self.window, widget.rect().topLeft())
                if top_left.x() + widget.width() > right - WIDTH - SHADOW:
                    bottom = min(bottom, top_left.y() - MARGIN // 2)
        for toast in reversed(self.toasts):
            toast.adjustSize()
            toast.move(right - toast.width(), bottom - toast.height())
            toast.raise_()
            bottom -= toast.height() - 2 * SHADOW + SPACING

    def eventFilter(self, watched: QObject, event: QEvent) -> bool:
        if "window" not in self.__dict__:
            # A window being torn down can outlive this object's Python side; PySide then
            # hands events to a bare wrapper without our attributes. Stop listening.
            watched.removeEventFilter(self)
            return False
        moved = (QEvent.Type.Resize, QEvent.Type.Show, QEvent.Type.Hide)
        if (watched is self.window or watched in self.avoid) and event.type() in moved:
            self.relayout()
        return False
