"""The Processes dock, its model and filter, and the toasts that announce finished tasks.

`install_processes(window, session)` is the one call the main window makes."""

from __future__ import annotations

import hashlib
import time
from dataclasses import dataclass

from PySide6.QtCore import QSettings, Qt
from PySide6.QtWidgets import QMainWindow, QWidget

from photojobs.core.jobs.model import USER
from photojobs.core.library import Library
from photojobs.runtime.session import LibrarySession
from photojobs.ui.processes.announcer import AnnouncedTasks, Announcement, TaskAnnouncer
from photojobs.ui.processes.dock import DOCK_WIDTH, ProcessesDock
from photojobs.ui.processes.model import ProcessesModel
from photojobs.ui.toasts import ToastStack


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
    announcer.announced.connect(lambda note: show_announcement(toasts, note))
    dock.retried.connect(remembered.discard)
    dock.cleared.connect(lambda _n: settings.setValue(f"{group}/cleared_before", time.time()))
    return Processes(model, dock, announcer, remembered, toasts)


def show_announcement(toasts: ToastStack, note: Announcement) -> None:
    toasts.show(note.text, note.kind, title=note.title, action=note.action)


__all__ = ["Processes", "ProcessesDock", "ProcessesModel", "install_processes"]
