"""A project's trash: what each commit moved away, and putting it back."""

from __future__ import annotations

import time
from collections import defaultdict
from typing import Any

from PySide6.QtCore import QModelIndex, Qt, Signal
from PySide6.QtWidgets import (
    QAbstractItemView,
    QDialog,
    QDialogButtonBox,
    QHeaderView,
    QLabel,
    QPushButton,
    QTableWidget,
    QTableWidgetItem,
    QVBoxLayout,
    QWidget,
)

from photojobs.core.commits import trash_listing
from photojobs.core.jobs.events import TaskEvent
from photojobs.core.jobs.model import JobStatus
from photojobs.core.library import ProjectInfo
from photojobs.runtime.session import LibrarySession

COLUMNS = ("File", "Trashed", "Commit", "Size", "Kept until")
EntryIdRole = Qt.ItemDataRole.UserRole + 1
CommitRole = Qt.ItemDataRole.UserRole + 2
DAY = 86_400


def _when(timestamp: float) -> str:
    return time.strftime("%d %b %Y, %H:%M", time.localtime(timestamp))


def _size(n: int | None) -> str:
    if n is None:
        return "—"
    return f"{n / 1e6:.1f} MB" if n >= 1e5 else f"{n / 1e3:.0f} KB"


class TrashDialog(QDialog):
    restore_started = Signal(str)  # task id

    def __init__(
        self, session: LibrarySession, project: ProjectInfo, parent: QWidget | None = None
    ):
        super().__init__(parent)
        self.session, self.project = session, project
        self.restoring: dict[str, int] = {}  # task id -> files it restores
        self.commit_names: dict[str, str] = {}
        self.setWindowTitle(f"Trash of “{project.name}”")
        self.resize(760, 460)
        days = session.library.config.get("maintenance.trash_retention_days")
        self.days = float(days)
        intro = QLabel(
            f"Files your commits moved to this project's trash. They can be restored for "
            f"{days:g} days after they were trashed; after that they are deleted for good."
        )
        intro.setWordWrap(True)
        self.table = QTableWidget(0, len(COLUMNS))
        self.table.setHorizontalHeaderLabels(COLUMNS)
        self.table.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectRows)
        self.table.setSelectionMode(QAbstractItemView.SelectionMode.ExtendedSelection)
        self.table.setEditTriggers(QAbstractItemView.EditTrigger.NoEditTriggers)
        self.table.verticalHeader().hide()
        self.table.horizontalHeader().setSectionResizeMode(0, QHeaderView.ResizeMode.Stretch)
        self.table.setAlternatingRowColors(True)
        self.message = QLabel()
        self.message.setWordWrap(True)
        buttons = QDialogButtonBox(QDialogButtonBox.StandardButton.Close)
        self.close_button = buttons.button(QDialogButtonBox.StandardButton.Close)
        self.restore_button = QPushButton("Restore selected")
        self.restore_commit_button = QPushButton("Restore whole commit")
        self.restore_commit_button.setToolTip("Every file the selected row's commit moved away")
        for bulk in (self.restore_button, self.restore_commit_button):
            # A bulk action is clicked, never reached by a stray Enter (a QPushButton in a
            # QDialog becomes the default button whenever it has the focus).
            bulk.setAutoDefault(False)
            bulk.setDefault(False)
        buttons.addButton(self.restore_button, QDialogButtonBox.ButtonRole.ActionRole)
        buttons.addButton(self.restore_commit_button, QDialogButtonBox.ButtonRole.ActionRole)
        buttons.rejected.connect(self.reject)
        layout = QVBoxLayout(self)
        layout.addWidget(intro)
        layout.addWidget(self.table, 1)
        layout.addWidget(self.message)
        layout.addWidget(buttons)
        self.restore_button.clicked.connect(self.restore_selected)
        self.restore_commit_button.clicked.connect(self.restore_commit)
        self.table.itemSelectionChanged.connect(self._update_buttons)
        session.signals.task_changed.connect(self._task_changed)
        self.reload()

    def reload(self) -> None:
        """Read the listing again (a restore or a maintenance run changed it). Rows move, so
        the selection is dropped: it would otherwise land on files nobody chose."""
        entries = trash_listing(self.session.library, self.project)
        self.table.clearSelection()
        commits: dict[str | None, list[dict[str, Any]]] = defaultdict(list)
        for e in entries:
            commits[e["task_id"]].append(e)
        # numbered oldest first among the commits that still have files in the trash
        order = sorted(
            (k for k in commits if k), key=lambda k: min(e["trashed_at"] for e in commits[k])
        )
        self.commit_names = {
            k: f"Commit {n} ({len(commits[k])} file{'s' if len(commits[k]) != 1 else ''})"
            for n, k in enumerate(order, 1)
        }
        self.table.setSortingEnabled(False)
        self.table.setRowCount(len(entries))
        for row, e in enumerate(entries):
            cells = (
                e["original_name"],
                _when(e["trashed_at"]),
                self.commit_names.get(e["task_id"], "—"),
                _size(e["size"]),
                _when(e["trashed_at"] + self.days * DAY),
            )
            for column, text in enumerate(cells):
                item = QTableWidgetItem(text)
                item.setData(EntryIdRole, e["id"])
                item.setData(CommitRole, e["task_id"])
                item.setToolTip(f"{e['trash_path']}\nphoto {e['photo_base']}")
                self.table.setItem(row, column, item)
        self.table.resizeColumnsToContents()
        self.table.horizontalHeader().setSectionResizeMode(0, QHeaderView.ResizeMode.Stretch)
        if not entries:
            self.message.setText("The trash is empty.")
        self._update_buttons()

    def selected_entry_ids(self) -> list[int]:
        rows = sorted({i.row() for i in self.table.selectionModel().selectedRows()})
        return [int(self.table.item(r, 0).data(EntryIdRole)) for r in rows]

    def _selected_commit(self) -> str | None:
        rows = self.table.selectionModel().selectedRows()
        return self.table.item(rows[0].row(), 0).data(CommitRole) if rows else None

    def select_entries(self, entry_ids: list[int]) -> None:
        self.table.clearSelection()
        for row in range(self.table.rowCount()):
            if self.table.item(row, 0).data(EntryIdRole) in entry_ids:
                self._add_row(row)

    def _add_row(self, row: int) -> None:
        model = self.table.selectionModel()
        index = self.table.model().index(row, 0)
        model.select(index, model.SelectionFlag.Select | model.SelectionFlag.Rows)

    def _update_buttons(self) -> None:
        ids = self.selected_entry_ids()
        self.restore_button.setEnabled(bool(ids))
        self.restore_button.setText(f"Restore {len(ids)} file(s)" if ids else "Restore selected")
        commit = self._selected_commit()
        self.restore_commit_button.setEnabled(commit is not None)
        name = self.commit_names.get(commit, "") if commit else ""
        self.restore_commit_button.setText(
            f"Restore all of {name}" if name else "Restore whole commit"
        )

    def restore_selected(self) -> None:
        ids = self.selected_entry_ids()
        if ids:
            self._started(self.session.restore(self.project, entry_ids=ids), len(ids))

    def restore_commit(self) -> None:
        commit = self._selected_commit()
        if commit:
            rows = [r for r in range(self.table.rowCount()) if self._commit_of(r) == commit]
            self._started(self.session.restore(self.project, commit_task_id=commit), len(rows))

    def _commit_of(self, row: int) -> str | None:
        return self.table.item(row, 0).data(CommitRole)

    def _started(self, task_id: str, n: int) -> None:
        self.restoring[task_id] = n
        self._rest()
        self.message.setText(
            f"Restoring {n} file(s)… they reappear in the grid when the restore is done."
        )
        self.restore_started.emit(task_id)

    def _task_changed(self, event: TaskEvent) -> None:
        if event.task_id in self.restoring and event.finished:
            n = self.restoring.pop(event.task_id)
            files = f"{n} file{'s' if n != 1 else ''}"
            self.message.setText(
                f"Restored {files}: they are back in the project."
                if event.status == JobStatus.COMPLETED
                else f"The restore of {files} {event.status}; see the Processes dock."
            )
            self.reload()
            self._rest()

    def _rest(self) -> None:
        """Nothing chosen and the focus on the list: Enter can restore nothing more."""
        self.table.clearSelection()
        self.table.setCurrentIndex(QModelIndex())
        self.table.setFocus(Qt.FocusReason.OtherFocusReason)
