"""`photojobs --quit-after-first-paint`: measure start-up to the first painted window.

Prints the time since the process started (from /proc on Linux, else since this module
was imported) when the main window first paints, then quits the application.
"""

from __future__ import annotations

import os
import sys
import time

from PySide6.QtCore import QEvent, QObject, QTimer
from PySide6.QtWidgets import QApplication, QWidget

_IMPORTED_AT = time.perf_counter()


def seconds_since_process_start() -> tuple[float, str]:
    """Seconds and what they are measured from."""
    try:
        with open("/proc/self/stat", encoding="ascii") as f:
            start_ticks = int(f.read().rsplit(")", 1)[1].split()[19])
        with open("/proc/uptime", encoding="ascii") as f:
            uptime = float(f.read().split()[0])
        return uptime - start_ticks / os.sysconf("SC_CLK_TCK"), "process start"
    except (OSError, ValueError, IndexError, AttributeError):
        return time.perf_counter() - _IMPORTED_AT, "start-up probe import"


class _FirstPaint(QObject):
    def eventFilter(self, watched: QObject, event: QEvent) -> bool:
        if event.type() == QEvent.Type.Paint:
            watched.removeEventFilter(self)
            seconds, since = seconds_since_process_start()
            print(f"first paint: {seconds * 1000:.0f} ms after {since}", file=sys.stderr)
            QTimer.singleShot(0, QApplication.quit)
        return False


def quit_after_first_paint(window: QWidget) -> None:
    probe = _FirstPaint(window)
    window.installEventFilter(probe)
