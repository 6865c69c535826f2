"""The Processes dock, its model and filter, and the toasts that announce finished tasks.

`install_processes(window, session)` is the one call the main window makes."""

from __future__ import annotations

import hashlib
import time
from dataclasses import dataclass

from PySide6.QtCore import QObject, QSettings, Qt, Slot
from PySide6.QtWidgets import QMainWindow, QWidget

from photojobs.core.jobs.events import TaskEvent
from photojobs.core.jobs.model import ACTIVE_STATUSES, USER
from photojobs.core.library import Library
from photojobs.runtime.session import LibrarySession
from photojobs.ui.processes.announcer import AnnouncedTasks, Announcement, TaskAnnouncer
from photojobs.ui.processes.dock import DOCK_WIDTH, ProcessesDock
from photojobs.ui.processes.model import ProcessesModel
from photojobs.ui.toasts import Toast, ToastStack


@dataclass
class Processes:
    model: ProcessesModel
    dock: ProcessesDock
    announcer: TaskAnnouncer
    remembered: AnnouncedTasks
    toasts: ToastStack


def settings_group(library: Library) -> str:
    """Per library: job ids (and so `job-<id>` keys) repeat from one library to the next."""
    digest = hashlib.sha1(str(library.root.resolve()).encode()).hexdigest()[:12]
    return f"processes/{digest}"


def install_processes(
    window: QMainWindow, session: LibrarySession, settings: QSettings | None = None
) -> Processes:
    settings = settings if settings is not None else QSettings()
    group = settings_group(session.library)
    cleared = settings.value(f"{group}/cleared_before", None)
    model = ProcessesModel(
        session.library, cleared_before=float(cleared) if cleared else None, parent=window
    )
    model.connect_signals(session.signals)
    session.projects_changed.connect(model.forget_projects)
    show = bool(session.library.config.get("ui.include_maintenance_jobs"))
    dock = ProcessesDock(model, session.loop, show, window)
    window.addDockWidget(Qt.DockWidgetArea.RightDockWidgetArea, dock)
    window.resizeDocks([dock], [DOCK_WIDTH], Qt.Orientation.Horizontal)  # until a saved layout
    if (menu := getattr(window, "view_menu", None)) is not None:
        menu.addSeparator()
        menu.addAction(dock.toggleViewAction())
    toasts = ToastStack.of(window)
    avoid = getattr(window, "commit_bar", None)
    toasts.avoid = [avoid] if isinstance(avoid, QWidget) else []
    for widget in toasts.avoid:  # the commit bar appearing pushes the toasts up
        widget.installEventFilter(toasts)
    remembered = AnnouncedTasks(settings, group)
    remembered.add(t.key for t in model.tasks() if not t.active and t.source == USER)
    announcer = TaskAnnouncer(session, remembered, dock.show_details, window)
    announcer.connect_signals()
    notes = AnnouncementToasts(toasts, window)
    session.signals.task_changed.connect(notes.task_changed)
    announcer.announced.connect(notes.show)
    dock.retried.connect(remembered.discard)
    dock.cleared.connect(lambda _n: settings.setValue(f"{group}/cleared_before", time.time()))
    return Processes(model, dock, announcer, remembered, toasts)


class AnnouncementToasts(QObject):
    """Announcements as toasts. A note that lasts `until_next` (a commit's Undo) is
    dismissed as soon as another task of that type starts."""

    def __init__(self, toasts: ToastStack, parent: QObject | None = None):
        super().__init__(parent)
        self.toasts = toasts
        self.waiting: dict[Toast, Announcement] = {}

    def show(self, note: Announcement) -> Toast:
        toast = self.toasts.show(
            note.text, note.kind, title=note.title, action=note.action, timeout_ms=note.timeout_ms
        )
        if note.until_next:
            self.waiting[toast] = note
            toast.dismissed.connect(lambda t: self.waiting.pop(t, None))
        return toast

    @Slot(object)
    def task_changed(self, event: TaskEvent) -> None:
        if event.status not in ACTIVE_STATUSES:
            return
        for toast, note in list(self.waiting.items()):
            if note.until_next == event.task_type and note.key != event.task_id:
                toast.dismiss()


__all__ = ["Processes", "ProcessesDock", "ProcessesModel", "install_processes"]
