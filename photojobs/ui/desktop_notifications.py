"""Notifications where there is no tray: a stock GNOME desktop has no system tray, so a
finished import or a failed commit would never be announced while the window is in the
background. There, the desktop's own notification service (freedesktop notifications over
D-Bus) is reached through `notify-send`, which every such desktop ships (libnotify); a
click on the notification raises the window.

`notify-send` runs as a QProcess: nothing waits on the GUI thread. Older versions (before
libnotify 0.7.9) know no `--action`/`--wait`: the first refusal makes us send without them.
"""

from __future__ import annotations

import shutil

from PySide6.QtCore import QObject, QProcess, Signal

from photojobs import APP_NAME

WAITING_AT_MOST = 3  # notifications still listening for a click; older ones stop listening
ACTION = "default"


class DesktopNotifier(QObject):
    clicked = Signal()

    def __init__(self, program: str | None = None, parent: QObject | None = None):
        super().__init__(parent)
        self.program = program if program is not None else shutil.which("notify-send")
        self.with_actions = True
        self._waiting: list[QProcess] = []

    @property
    def available(self) -> bool:
        return bool(self.program)

    def show(self, title: str, text: str, kind: str) -> bool:
        """Hand the notification to the desktop; False when there is no way to."""
        if not self.program:
            return False
        process = QProcess(self)
        process.setProgram(self.program)
        process.setArguments(self._arguments(title, text, kind))
        process.readyReadStandardOutput.connect(lambda: self._read(process))
        process.finished.connect(
            lambda code, _status: self._finished(process, code, title, text, kind)
        )
        self._waiting.append(process)
        while len(self._waiting) > WAITING_AT_MOST:
            self._waiting.pop(0).kill()  # stops listening; the notification itself stays
        process.start()
        return True

    def _arguments(self, title: str, text: str, kind: str) -> list[str]:
        urgency = "critical" if kind == "error" else "normal"
        args = ["--app-name", APP_NAME, "--icon", "photojobs", "--urgency", urgency]
        args += ["--expire-time", "8000" if kind == "error" else "5000"]
        if self.with_actions:
            args += ["--action", f"{ACTION}=Show {APP_NAME}", "--wait"]
        return [*args, "--", title, text]

    def _read(self, process: QProcess) -> None:
        said = bytes(process.readAllStandardOutput().data()).decode(errors="replace")
        if ACTION in said.split():
            self.clicked.emit()

    def _finished(self, process: QProcess, code: int, title: str, text: str, kind: str) -> None:
        if process in self._waiting:
            self._waiting.remove(process)
        refused = bytes(process.readAllStandardError().data()).decode(errors="replace")
        process.deleteLater()
        if code != 0 and self.with_actions and ("--action" in refused or "--wait" in refused):
            self.with_actions = False  # an older notify-send: the notification without a click
            self.show(title, text, kind)

    def stop(self) -> None:
        for process in self._waiting:
            process.kill()
            process.waitForFinished(1000)
        self._waiting.clear()
