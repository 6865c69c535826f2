"""The system tray: show, pause or quit; a busy icon while work runs; notifications for
tasks that end while the window is not in front; and the question when closing mid-work.
"""

from __future__ import annotations

from collections.abc import Callable

from PySide6.QtCore import QEvent, QObject
from PySide6.QtGui import QAction, QCloseEvent
from PySide6.QtWidgets import QApplication, QMenu, QMessageBox, QSystemTrayIcon, QWidget

from photojobs import APP_NAME
from photojobs.core.config import Config
from photojobs.runtime.worker_process import JobRunner
from photojobs.ui.desktop_notifications import DesktopNotifier
from photojobs.ui.icons import app_icon
from photojobs.ui.processes import Processes
from photojobs.ui.processes.announcer import Announcement, plural
from photojobs.ui.window_state import show_again

KEEP, QUIT, STAY = "keep", "quit", "stay"
ICONS = {
    "error": QSystemTrayIcon.MessageIcon.Critical,
    "warning": QSystemTrayIcon.MessageIcon.Warning,
}


class Notifier:
    """Turns an announcement into a tray message when the window is not active; successes
    only while `notify_on_success` (failures always)."""

    def __init__(
        self,
        show_message: Callable[[str, str, str], object],
        window_active: Callable[[], bool],
        notify_on_success: bool = True,
    ):
        self.show_message, self.window_active = show_message, window_active
        self.notify_on_success = notify_on_success

    def __call__(self, note: Announcement) -> bool:
        if self.window_active():
            return False
        if note.kind != "error" and not self.notify_on_success:
            return False
        self.show_message(note.title, note.text, note.kind)
        return True


def window_is_active(window: QWidget) -> bool:
    return window.isVisible() and not window.isMinimized() and window.isActiveWindow()


def ask_on_close(window: QWidget, running: int, tray: bool) -> str:
    box = QMessageBox(QMessageBox.Icon.Question, APP_NAME, "", parent=window)
    box.setText(f"{plural(running, 'task')} still running.")
    box.setInformativeText(
        ("Keep working in the tray, or quit? " if tray else "Quit anyway? ")
        + "Work that is not finished resumes the next time you open PhotoJobs."
    )
    keep = (
        box.addButton("Keep working in tray", QMessageBox.ButtonRole.AcceptRole) if tray else None
    )
    quit_button = box.addButton("Quit", QMessageBox.ButtonRole.DestructiveRole)
    box.addButton(QMessageBox.StandardButton.Cancel)
    box.setDefaultButton(keep or quit_button)
    box.exec()
    clicked = box.clickedButton()
    return KEEP if clicked is keep and keep else QUIT if clicked is quit_button else STAY


class Tray(QObject):
    """One per application. The tray icon only exists where the platform offers one; the
    notifier and the close question work either way."""

    def apply_config(self, config: Config) -> None:
        self.notifier.notify_on_success = bool(config.get("ui.notify_on_success"))

    def __init__(
        self,
        window: QWidget,
        processes: Processes,
        loop: JobRunner,
        *,
        notify_on_success: bool = True,
        quit_app: Callable[[], object] = QApplication.quit,
        available: bool | None = None,
    ):
        super().__init__(window)
        self.window, self.processes, self.loop, self.quit_app = window, processes, loop, quit_app
        self.ask: Callable[[int, bool], str] = lambda n, tray: ask_on_close(window, n, tray)
        self.quitting = False
        if available is None:
            available = QSystemTrayIcon.isSystemTrayAvailable()
        self.icon: QSystemTrayIcon | None = None
        self.menu = QMenu()
        self.show_action = self.menu.addAction("Show window", self.show_window)
        self.pause_action = QAction("Pause processing", self.menu)
        self.pause_action.triggered.connect(lambda: loop.set_paused(not loop.paused))
        self.menu.addAction(self.pause_action)
        self.menu.addSeparator()
        self.menu.addAction("Quit", self.quit)
        if available:
            self.icon = QSystemTrayIcon(app_icon(), self)
            self.icon.setContextMenu(self.menu)
            self.icon.activated.connect(self._activated)
            self.icon.show()
        # No tray (stock GNOME): the desktop's notification service says it instead.
        self.desktop = DesktopNotifier(parent=self) if self.icon is None else None
        if self.desktop is not None:
            self.desktop.clicked.connect(self.show_window)
            QApplication.instance().aboutToQuit.connect(self.desktop.stop)
        self.notifier = Notifier(
            self.show_message, lambda: window_is_active(window), notify_on_success
        )
        processes.announcer.announced.connect(self.notifier)
        processes.model.active_count_changed.connect(self._update)
        loop.paused_changed.connect(lambda _p: self._update())
        window.installEventFilter(self)
        self._update()

    def show_message(self, title: str, text: str, kind: str) -> None:
        if self.icon is not None:
            icon = ICONS.get(kind, QSystemTrayIcon.MessageIcon.Information)
            self.icon.showMessage(title, text, icon, 8000 if kind == "error" else 5000)
        elif self.desktop is not None:
            self.desktop.show(title, text, kind)

    def tooltip(self) -> str:
        running = self.processes.model.active_user_tasks()
        state = f"{plural(running, 'task')} running" if running else "Idle"
        return f"{APP_NAME} — {state}" + (" (paused)" if self.loop.paused else "")

    def _update(self, *_: object) -> None:
        self.pause_action.setText("Resume processing" if self.loop.paused else "Pause processing")
        if self.icon is not None:
            self.icon.setToolTip(self.tooltip())
            self.icon.setIcon(app_icon(self.processes.model.active_user_tasks() > 0))

    def _activated(self, reason: QSystemTrayIcon.ActivationReason) -> None:
        if reason == QSystemTrayIcon.ActivationReason.Trigger:
            self.show_window()

    def show_window(self) -> None:
        QApplication.setQuitOnLastWindowClosed(True)
        show_again(self.window)  # maximised or full screen as it was left

    def quit(self) -> None:
        """Quit from the tray: the window closes without asking, then the application."""
        self.quitting = True
        self.window.close()
        self.quit_app()

    def eventFilter(self, watched: QObject, event: QEvent) -> bool:
        if watched is self.window and event.type() == QEvent.Type.Show:
            QApplication.setQuitOnLastWindowClosed(True)  # shown again, by any route
        if watched is not self.window or event.type() != QEvent.Type.Close or self.quitting:
            return False
        running = self.processes.model.active_user_tasks()
        if running == 0 or not self.window.isVisible():
            return False
        choice = self.ask(running, self.icon is not None)
        if choice == QUIT:
            self.quitting = True
            return False
        assert isinstance(event, QCloseEvent)
        event.ignore()
        if choice == KEEP:
            QApplication.setQuitOnLastWindowClosed(False)
            self.window.hide()
            self.show_message(APP_NAME, "Still working here; your tasks keep running.", "info")
        return True


def install_tray(window: QWidget, processes: Processes, loop: JobRunner) -> Tray:
    """Called once by the application (not by tests that only need a window)."""
    if QApplication.windowIcon().isNull():
        QApplication.setWindowIcon(app_icon())
    notify = bool(loop.library.config.get("ui.notify_on_success"))
    tray = Tray(window, processes, loop, notify_on_success=notify)
    if (changed := getattr(window, "config_changed", None)) is not None:
        changed.connect(tray.apply_config)  # Settings saved: successes notified or not, now
    return tray
