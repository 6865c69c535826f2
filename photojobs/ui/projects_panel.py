"""The projects list: names with photo and pending counts; create, rename, delete, open,
and the deleted projects waiting in the library trash."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import replace
from typing import Any

from PySide6.QtCore import (
    QAbstractListModel,
    QModelIndex,
    QPersistentModelIndex,
    Qt,
    QUrl,
    Signal,
)
from PySide6.QtGui import QAction, QDesktopServices
from PySide6.QtWidgets import (
    QInputDialog,
    QLineEdit,
    QListView,
    QMenu,
    QMessageBox,
    QVBoxLayout,
    QWidget,
)

from photojobs.core.library import LibraryError, ProjectInfo
from photojobs.runtime.session import LibrarySession
from photojobs.ui.background import Background
from photojobs.ui.deleted_projects import DeletedProjectsDialog

ProjectIdRole = Qt.ItemDataRole.UserRole + 1
NAME_FIELD_WIDTH = 400  # px: a long shoot name and the dialog's title stay whole


class ProjectsModel(QAbstractListModel):
    def __init__(self, parent: Any = None):
        super().__init__(parent)
        self.projects: list[ProjectInfo] = []
        self.counted: set[str] = set()  # projects whose counts have arrived

    def rowCount(self, parent: QModelIndex | QPersistentModelIndex = QModelIndex()) -> int:  # noqa: B008
        return 0 if parent.isValid() else len(self.projects)

    def data(self, index: QModelIndex | QPersistentModelIndex, role: int = 0) -> Any:
        if not index.isValid() or not 0 <= index.row() < len(self.projects):
            return None
        p = self.projects[index.row()]
        if role == Qt.ItemDataRole.DisplayRole:
            if p.id not in self.counted:
                return f"{p.name}\nCounting photos…"
            pending = f" · {p.pending_count} pending" if p.pending_count else ""
            return f"{p.name}\n{p.photo_count} photos{pending}"
        if role == Qt.ItemDataRole.ToolTipRole:
            return p.manifest_error or str(p.path)
        if role == ProjectIdRole:
            return p.id
        return None

    def update(self, projects: list[ProjectInfo], counted: bool = True) -> None:
        """Counts change in place; a changed list of projects is applied row by row.
        Projects listed without their counts keep the counts shown until new ones come."""
        if counted:
            self.counted = {p.id for p in projects}
        else:
            known = {p.id: p for p in self.projects if p.id in self.counted}
            projects = [
                replace(p, photo_count=k.photo_count, pending_count=k.pending_count)
                if (k := known.get(p.id)) is not None
                else p
                for p in projects
            ]
        if [p.id for p in projects] == [p.id for p in self.projects]:
            self.projects = projects
            if projects:
                self.dataChanged.emit(self.index(0), self.index(len(projects) - 1))
            return
        self.beginResetModel()  # the list itself changed (rare: create, rename, delete)
        self.projects = projects
        self.endResetModel()

    def row_of(self, project_id: str | None) -> int:
        return next((i for i, p in enumerate(self.projects) if p.id == project_id), -1)


def _library_closed(_error: BaseException) -> None:
    """The library closed while the counts were read: nothing to show."""


class ProjectsPanel(QWidget):
    project_selected = Signal(object)  # ProjectInfo | None

    def __init__(self, session: LibrarySession, parent: QWidget | None = None):
        super().__init__(parent)
        self.session = session
        self.model = ProjectsModel(self)
        self.counting = Background(self, name="project counts")
        self._counting = self._count_again = False
        self.view = QListView(self)
        self.view.setModel(self.model)
        self.view.setAccessibleName("Projects")
        self.view.setStyleSheet("QListView::item { padding: 6px 8px; }")
        self.view.setSpacing(1)
        self.view.setContextMenuPolicy(Qt.ContextMenuPolicy.CustomContextMenu)
        self.view.customContextMenuRequested.connect(self._menu)
        layout = QVBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.addWidget(self.view)
        self.view.selectionModel().currentChanged.connect(self._current_changed)
        self.new_action = QAction("New project…", self)
        self.new_action.triggered.connect(self.create_project)
        self.rename_action = QAction("Rename…", self)
        self.rename_action.triggered.connect(self.rename)
        self.delete_action = QAction("Delete…", self)
        self.delete_action.triggered.connect(self.delete)
        self.open_action = QAction("Show in file manager", self)
        self.open_action.triggered.connect(self.open_folder)
        self.name_dialog: QInputDialog | None = None
        self.deleted_action = QAction("Deleted projects…", self)
        self.deleted_action.triggered.connect(self.show_deleted)
        self.deleted_dialog: DeletedProjectsDialog | None = None

    def refresh_counts(self) -> None:
        """Counts read on a helper thread (a pass over every photo), applied when ready;
        asked again while a count is on its way, it counts once more after that one."""
        if self._counting:
            self._count_again = True
            return
        self._counting, self._count_again = True, False
        self.counting.run(self.session.projects, self._apply_counts, failed=self._not_counted)

    def _not_counted(self, error: BaseException) -> None:
        self._counting = False
        _library_closed(error)

    def _apply_counts(self, projects: list[ProjectInfo]) -> None:
        self._counting = False
        if self._count_again:
            self.refresh_counts()
        if [p.id for p in projects] == [p.id for p in self.model.projects]:
            self.model.update(projects)
        else:
            self.refresh()

    def refresh(self, select: str | None = None) -> None:
        """The list of projects now (a short read), their counts when they arrive (a pass
        over every photo of the library: 25 ms at 100k, on a helper thread)."""
        current = select or (self.current().id if self.current() else None)
        self.model.update(self.session.projects(counted=False), counted=False)
        self.refresh_counts()
        row = self.model.row_of(current)
        if row < 0 and self.model.projects:
            row = 0
        if row >= 0 and self.view.currentIndex().row() != row:
            self.view.setCurrentIndex(self.model.index(row))
        elif row < 0:
            self.project_selected.emit(None)

    def current(self) -> ProjectInfo | None:
        row = self.view.currentIndex().row()
        return self.model.projects[row] if 0 <= row < len(self.model.projects) else None

    def _current_changed(self, current: QModelIndex, _previous: QModelIndex) -> None:
        row = current.row()
        self.project_selected.emit(self.model.projects[row] if row >= 0 else None)

    def _menu(self, pos: Any) -> None:
        menu = QMenu(self)
        menu.addAction(self.new_action)
        if self.current():
            for action in (self.rename_action, self.open_action, self.delete_action):
                menu.addAction(action)
        menu.addSeparator()
        menu.addAction(self.deleted_action)
        menu.exec(self.view.viewport().mapToGlobal(pos))

    def create_project(self) -> None:
        def created(name: str) -> None:
            if name.strip():
                self._try(lambda: self.refresh(select=self.session.create_project(name).id))

        self._ask_name("New project", "Name of the shoot:", "", created)

    def rename(self) -> None:
        project = self.current()
        if project is None:
            return

        def renamed(name: str) -> None:
            if name.strip() and name != project.name:
                self._try(
                    lambda: self.refresh(select=self.session.rename_project(project.id, name).id)
                )

        self._ask_name("Rename project", f"New name for “{project.name}”:", project.name, renamed)

    def _ask_name(
        self, title: str, label: str, text: str, done: Callable[[str], None]
    ) -> QInputDialog:
        """A short title (window managers cut long ones) and the words in the label, wide
        enough for a shoot's name."""
        dialog = QInputDialog(self)
        dialog.setWindowTitle(title)
        dialog.setLabelText(label)
        dialog.setTextValue(text)
        # the dialog sizes itself to its contents (SetMinAndMaxSize): widen the field
        if (field := dialog.findChild(QLineEdit)) is not None:
            field.setMinimumWidth(NAME_FIELD_WIDTH)
        dialog.textValueSelected.connect(done)
        dialog.finished.connect(dialog.deleteLater)
        self.name_dialog = dialog
        dialog.open()
        return dialog

    def delete(self) -> None:
        project = self.current()
        if project is None:
            return
        answer = QMessageBox.question(
            self,
            "Delete project",
            f"Delete “{project.name}”?\n\nIts folder, with every photo in it, moves to the "
            "library's trash (.trash). Deleted projects… brings it back.",
        )
        if answer == QMessageBox.StandardButton.Yes:
            self._try(lambda: (self.session.delete_project(project.id), self.refresh()))

    def open_folder(self) -> None:
        project = self.current()
        if project is not None:
            QDesktopServices.openUrl(QUrl.fromLocalFile(str(project.path)))

    def show_deleted(self) -> None:
        """The library trash; a project restored there is selected here."""
        if self.deleted_dialog is None:
            self.deleted_dialog = DeletedProjectsDialog(self.session, self)
            self.deleted_dialog.restored.connect(lambda pid: self.refresh(select=pid))
        self.deleted_dialog.reload()
        self.deleted_dialog.show()
        self.deleted_dialog.raise_()

    def _try(self, action: Any) -> None:
        try:
            action()
        except (LibraryError, OSError) as e:
            QMessageBox.warning(self, "Projects", str(e))
