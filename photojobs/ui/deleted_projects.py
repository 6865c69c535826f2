"""The library trash: deleted projects, brought back or deleted for ever from here."""

from __future__ import annotations

import time

from PySide6.QtCore import Qt, Signal
from PySide6.QtWidgets import (
    QAbstractItemView,
    QDialog,
    QDialogButtonBox,
    QLabel,
    QListWidget,
    QListWidgetItem,
    QMessageBox,
    QPushButton,
    QVBoxLayout,
    QWidget,
)

from photojobs.core.jobs.events import TaskEvent
from photojobs.core.jobs.model import JobStatus
from photojobs.core.library import LibraryError
from photojobs.runtime.session import LibrarySession

ProjectIdRole = Qt.ItemDataRole.UserRole + 1
ProjectNameRole = Qt.ItemDataRole.UserRole + 2
DAY = 86_400


def _when(timestamp: float) -> str:
    return time.strftime("%d %b %Y", time.localtime(timestamp))


class DeletedProjectsDialog(QDialog):
    restored = Signal(str)  # project id

    def __init__(self, session: LibrarySession, parent: QWidget | None = None):
        super().__init__(parent)
        self.session = session
        self.purging: dict[str, list[str]] = {}  # task id -> project ids
        self.setWindowTitle("Deleted projects")
        self.resize(560, 380)
        days = float(session.library.config.get("maintenance.trash_retention_days"))
        self.days = days
        intro = QLabel(
            f"Deleted projects wait in the library's .trash folder for {days:g} days after "
            "they were deleted, with every photo and decision; then they are deleted for good."
        )
        intro.setWordWrap(True)
        self.list = QListWidget(self)
        self.list.setAccessibleName("Deleted projects")
        self.list.setSelectionMode(QAbstractItemView.SelectionMode.SingleSelection)
        self.message = QLabel()
        self.message.setWordWrap(True)
        buttons = QDialogButtonBox(QDialogButtonBox.StandardButton.Close)
        self.restore_button = QPushButton("Restore")
        self.purge_button = QPushButton("Delete permanently…")
        buttons.addButton(self.restore_button, QDialogButtonBox.ButtonRole.ActionRole)
        buttons.addButton(self.purge_button, QDialogButtonBox.ButtonRole.DestructiveRole)
        buttons.rejected.connect(self.reject)
        layout = QVBoxLayout(self)
        layout.addWidget(intro)
        layout.addWidget(self.list, 1)
        layout.addWidget(self.message)
        layout.addWidget(buttons)
        self.restore_button.clicked.connect(self.restore)
        self.purge_button.clicked.connect(self.purge)
        self.list.itemSelectionChanged.connect(self._update_buttons)
        session.signals.task_changed.connect(self._task_changed)
        self.reload()

    def reload(self) -> None:
        hidden = {i for ids in self.purging.values() for i in ids}
        self.list.clear()
        for d in self.session.deleted_projects():
            if d.id in hidden:
                continue
            until = _when(d.deleted_at + self.days * DAY)
            item = QListWidgetItem(
                f"{d.name}\n{d.photo_count} photos · deleted {_when(d.deleted_at)} · kept "
                f"until {until}"
            )
            item.setData(ProjectIdRole, d.id)
            item.setData(ProjectNameRole, d.name)
            item.setToolTip(str(d.path))
            self.list.addItem(item)
        if self.list.count() == 0 and not self.message.text():
            self.message.setText("No deleted projects.")
        self._update_buttons()

    def selected_id(self) -> str | None:
        items = self.list.selectedItems()
        return items[0].data(ProjectIdRole) if items else None

    def select(self, project_id: str) -> None:
        for row in range(self.list.count()):
            if self.list.item(row).data(ProjectIdRole) == project_id:
                self.list.setCurrentRow(row)

    def _update_buttons(self) -> None:
        selected = self.selected_id() is not None
        self.restore_button.setEnabled(selected)
        self.purge_button.setEnabled(selected)

    def restore(self) -> None:
        project_id = self.selected_id()
        if project_id is None:
            return
        try:
            project = self.session.restore_project(project_id)
        except (LibraryError, OSError) as e:
            self.message.setText(str(e))
            return
        self.message.setText(f"“{project.name}” is back in the projects list.")
        self.reload()
        self.restored.emit(project.id)

    def purge(self, confirmed: bool = False) -> None:
        project_id = self.selected_id()
        if project_id is None:
            return
        name = self.list.selectedItems()[0].data(ProjectNameRole)
        if not confirmed:
            answer = QMessageBox.warning(
                self,
                "Delete permanently",
                f"Delete “{name}” and every photo in it for ever?\n\nThis cannot be undone.",
                QMessageBox.StandardButton.Yes | QMessageBox.StandardButton.Cancel,
                QMessageBox.StandardButton.Cancel,
            )
            if answer != QMessageBox.StandardButton.Yes:
                return
        task_id = self.session.purge_projects([project_id])
        self.purging[task_id] = [project_id]
        self.message.setText(f"Deleting “{name}”…")
        self.reload()

    def _task_changed(self, event: TaskEvent) -> None:
        if event.task_id in self.purging and event.finished:
            del self.purging[event.task_id]
            self.message.setText(
                "Deleted." if event.status == JobStatus.COMPLETED else event.error or ""
            )
            self.reload()
