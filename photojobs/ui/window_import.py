"""Photos into a project from the window: File ▸ Import, and files or folders dropped on
the window (onto a project in the list: into that project; anywhere else: the one shown).
The analysis runs off the GUI thread, then the import dialog asks (import_dialog.py)."""

from __future__ import annotations

from pathlib import Path
from typing import TYPE_CHECKING

from PySide6.QtCore import QEvent, QObject
from PySide6.QtGui import QDragEnterEvent, QDragMoveEvent, QDropEvent
from PySide6.QtWidgets import QFileDialog, QMessageBox

from photojobs.core.library import ProjectInfo
from photojobs.ui.import_dialog import dropped_paths

if TYPE_CHECKING:
    from photojobs.ui.main_window import MainWindow

_DRAGS = (QEvent.Type.DragEnter, QEvent.Type.DragMove)


class WindowImport(QObject):
    def __init__(self, window: MainWindow):
        super().__init__(window)
        self.window = window
        window.setAcceptDrops(True)
        window.installEventFilter(self)

    def import_files(self) -> None:
        paths, _ = QFileDialog.getOpenFileNames(self.window, "Import photos")
        self.start([Path(p) for p in paths])

    def import_folder(self) -> None:
        folder = QFileDialog.getExistingDirectory(self.window, "Import a folder of photos")
        if folder:
            self.start([Path(folder)])

    def start(self, paths: list[Path], project: ProjectInfo | None = None) -> None:
        project = project or self.window.project
        if not paths:
            return
        if project is None:
            QMessageBox.information(
                self.window, "Import photos", "Create a project for this shoot first, then import."
            )
            return
        self.window.importer.start(project, paths)

    def eventFilter(self, watched: QObject, event: QEvent) -> bool:
        if watched is not self.window:
            return False
        if event.type() in _DRAGS and isinstance(event, QDragEnterEvent | QDragMoveEvent):
            if dropped_paths(event.mimeData()):
                event.acceptProposedAction()
                return True
        elif event.type() == QEvent.Type.Drop and isinstance(event, QDropEvent):
            return self._dropped(event)
        return False

    def _dropped(self, event: QDropEvent) -> bool:
        paths = dropped_paths(event.mimeData())
        if not paths:
            return False
        event.acceptProposedAction()
        view = self.window.projects.view
        where = view.viewport().mapFrom(self.window, event.position().toPoint())
        row = view.indexAt(where).row() if view.viewport().rect().contains(where) else -1
        projects = self.window.projects.model.projects
        self.start(paths, projects[row] if 0 <= row < len(projects) else None)
        return True
