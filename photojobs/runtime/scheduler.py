"""Maintenance on a timer: one `maintenance` task per project, never stacked."""

from __future__ import annotations

import logging

from PySide6.QtCore import QObject, QTimer, Signal, Slot

from photojobs.core import library_trash
from photojobs.core.library import LibraryError
from photojobs.runtime.worker_process import JobRunner

log = logging.getLogger(__name__)


class MaintenanceScheduler(QObject):
    scheduled = Signal(list)  # task ids started this round

    def __init__(self, loop: JobRunner, parent: QObject | None = None):
        super().__init__(parent)
        self.loop = loop
        cfg = loop.library.config
        self._interval_ms = int(cfg.get("maintenance.interval_minutes")) * 60_000
        self._timer = QTimer(self)
        self._timer.setSingleShot(True)
        self._timer.timeout.connect(self.run_now)
        self._first_delay_ms = int(float(cfg.get("maintenance.first_run_delay_seconds")) * 1000)

    def start(self) -> None:
        self._timer.start(self._first_delay_ms)

    def stop(self) -> None:
        self._timer.stop()

    @Slot()
    def run_now(self) -> list[str]:
        """Start maintenance for every project that has none queued or running, and for the
        library trash (deleted projects past the retention) when it holds any."""
        started = []
        try:
            for project in self.loop.library.list_projects():
                task_id = self.loop.start_task("maintenance", project_id=project.id)
                started.append(task_id)
            if library_trash.pending_work(self.loop.library):
                started.append(self.loop.start_task("library_maintenance"))
            started.append(self.loop.start_task("history_cleaning"))
        except LibraryError:
            log.exception("maintenance scheduling failed")
        finally:
            self._timer.start(self._interval_ms)
        self.scheduled.emit(started)
        return started
