"""The Processes model: tasks as top-level rows, their jobs as children.

Loaded once from the database, then changed only by the worker's events: a new task is
inserted at the top, a follow-up job under its task, and progress or status becomes a
`dataChanged` for the cells and roles that moved. There is no reset after loading.
"""

from __future__ import annotations

import time
from collections.abc import Callable, Iterable
from typing import Any

from PySide6.QtCore import (
    QAbstractItemModel,
    QModelIndex,
    QObject,
    QPersistentModelIndex,
    Qt,
    QTimer,
    Signal,
    Slot,
)

from photojobs.core.jobs.events import JobEvent, TaskEvent
from photojobs.core.jobs.model import USER, JobRecord
from photojobs.core.jobs.store import JobStore
from photojobs.core.library import Library
from photojobs.runtime.signals import JobSignals
from photojobs.ui.processes import cells
from photojobs.ui.processes.history import beyond_history, load_history, read_jobs
from photojobs.ui.processes.roles import (
    HEADERS,
    ROLES_BY_COLUMN,
    TIP,
    Column,
    D,
)
from photojobs.ui.processes.rows import JobRow, TaskRow

Index = QModelIndex | QPersistentModelIndex
ROOT = QModelIndex()


class ProcessesModel(QAbstractItemModel):
    active_count_changed = Signal(int)  # user tasks queued or running

    def __init__(
        self,
        library: Library,
        *,
        history: int | None = None,
        cleared_before: float | None = None,
        clock: Callable[[], float] = time.time,
        show_maintenance: bool | None = None,
        parent: QObject | None = None,
    ):
        super().__init__(parent)
        self.library, self.clock = library, clock
        if show_maintenance is None:
            show_maintenance = bool(library.config.get("ui.include_maintenance_jobs"))
        self.show_maintenance = show_maintenance
        self.store = JobStore(library.db, library.config)
        self.history = int(history or library.config.get("ui.processes_history"))
        self._tasks: list[TaskRow] = []
        self._by_key: dict[str, TaskRow] = {}
        self._by_serial: dict[int, TaskRow] = {}
        self._active: set[TaskRow] = set()
        self._rows: dict[TaskRow, int] | None = None
        self.projects = cells.ProjectNames(library.db)
        for task in load_history(library, self.history, cleared_before, show_maintenance):
            self._add_task(len(self._tasks), task)
        self._ticker = QTimer(self)
        self._ticker.setInterval(1000)
        self._ticker.timeout.connect(self._tick)
        self._keep_ticking()
        self._count = self.active_user_tasks()

    def connect_signals(self, signals: JobSignals) -> None:
        signals.job_changed.connect(self.on_job_event)
        signals.task_changed.connect(self.on_task_event)

    # -- reading ------------------------------------------------------------------------------

    def task(self, key: str) -> TaskRow | None:
        return self._by_key.get(key)

    def tasks(self) -> list[TaskRow]:
        return list(self._tasks)

    def task_index(self, key: str, column: int = 0) -> QModelIndex:
        task = self._by_key.get(key)
        return QModelIndex() if task is None else self.createIndex(self._row_of(task), column, 0)

    def row_at(self, index: Index) -> tuple[TaskRow | None, JobRow | None]:
        """The task of a row, and the job when the row is a job's."""
        if not index.isValid():
            return None, None
        if index.internalId() == 0:
            return self._tasks[index.row()], None
        task = self._by_serial.get(index.internalId())
        return task, (task.jobs[index.row()] if task else None)

    def finished_count(self) -> int:
        return len(self._tasks) - len(self._active)

    def active_user_tasks(self) -> int:
        return sum(1 for t in self._active if t.source == USER)

    def busy_indexes(self) -> list[QModelIndex]:
        """Progress cells of running rows with no known total (drawn as a busy bar)."""
        found = []
        for task in self._active:
            row = self._row_of(task)
            if cells.is_busy(task.record):
                found.append(self.createIndex(row, Column.PROGRESS, 0))
            for j, job in enumerate(task.jobs):
                if cells.is_busy(job.job):
                    found.append(self.createIndex(j, Column.PROGRESS, task.serial))
        return found

    # -- QAbstractItemModel -------------------------------------------------------------------

    def index(self, row: int, column: int, parent: Index = ROOT) -> QModelIndex:
        if row < 0 or not 0 <= column < len(HEADERS):
            return QModelIndex()
        if not parent.isValid():
            return self.createIndex(row, column, 0) if row < len(self._tasks) else QModelIndex()
        if parent.internalId() != 0 or parent.column() != 0:
            return QModelIndex()  # jobs have no children
        task = self._tasks[parent.row()]
        return self.createIndex(row, column, task.serial) if row < len(task.jobs) else QModelIndex()

    def parent(self, index: Index = ROOT) -> QModelIndex:  # type: ignore[override]
        if not index.isValid() or index.internalId() == 0:
            return QModelIndex()
        task = self._by_serial.get(index.internalId())
        return QModelIndex() if task is None else self.createIndex(self._row_of(task), 0, 0)

    def rowCount(self, parent: Index = ROOT) -> int:
        if not parent.isValid():
            return len(self._tasks)
        if parent.column() > 0 or parent.internalId() != 0:
            return 0
        return len(self._tasks[parent.row()].jobs)

    def columnCount(self, parent: Index = ROOT) -> int:
        return len(HEADERS)

    def headerData(self, section: int, orientation: Qt.Orientation, role: int = D) -> Any:
        if orientation == Qt.Orientation.Horizontal and role == D and 0 <= section < len(HEADERS):
            return HEADERS[section]
        return None

    def flags(self, index: Index) -> Qt.ItemFlag:
        if not index.isValid():
            return Qt.ItemFlag.NoItemFlags
        return Qt.ItemFlag.ItemIsEnabled | Qt.ItemFlag.ItemIsSelectable

    def data(self, index: Index, role: int = D) -> Any:
        task, job = self.row_at(index)
        if task is None or task.record is None:
            return None
        return cells.value(self, task, job, Column(index.column()), role)

    # -- events -------------------------------------------------------------------------------

    @Slot(object)
    def on_job_event(self, e: JobEvent) -> None:
        key = e.task_id or f"job-{e.job_id}"
        task = self._by_key.get(key)
        if task is None:
            self._insert_from_db(key)
            return
        job = task.job_row(e.job_id)
        if job is None:
            # A job of the task not seen yet: read all of them (a short read), so a
            # follow-up queued beside it is known too. Otherwise a commit whose hidden
            # maintenance step finished before its follow-up (new thumbnails) was claimed
            # read Completed, then Running again.
            self.sync(task.key)
            return
        before = cells.snapshot(job.job)
        if job.apply(e, self.clock()):
            self._cells_changed(task, job, before, cells.snapshot(job.job))
            self._update_task(task, lambda: None)

    @Slot(object)
    def on_task_event(self, e: TaskEvent) -> None:
        task = self._by_key.get(e.task_id)
        if task is None:
            self._insert_from_db(e.task_id)
            return
        r = task.truth()
        seen = (r.status.value, r.progress_done, r.progress_total) if r else None
        if seen != (e.status, e.progress_done, e.progress_total):
            self.sync(task.key)  # an event we missed or saw out of order: read the truth

    def sync(self, key: str) -> None:
        """Bring one task in line with the database (a short read of its jobs)."""
        task = self._by_key.get(key)
        fresh = read_jobs(self.library, self.store, key)
        if task is None or not fresh:
            return

        def apply() -> None:
            for record in fresh:
                job = task.job_row(record.id)
                if job is None:
                    self._append_job(task, record)
                elif job.job != record:
                    before = cells.snapshot(job.job)
                    job.job = record
                    self._cells_changed(task, job, before, cells.snapshot(record))

        self._update_task(task, apply)

    def set_show_maintenance(self, show: bool) -> None:
        """Maintenance shown or hidden: a task's progress counts the jobs a person sees."""
        if show == self.show_maintenance:
            return
        self.show_maintenance = show
        for task in self._tasks:
            self._update_task(task, lambda task=task: setattr(task, "show_maintenance", show))

    def forget_projects(self) -> None:
        """Project names changed: forget them and repaint the name column."""
        self.projects.forget()
        if self._tasks:
            last = len(self._tasks) - 1
            self.dataChanged.emit(self.index(0, 0), self.index(last, 0), [D, TIP])

    # -- removing -----------------------------------------------------------------------------

    def clear_finished(self) -> int:
        finished = [t for t in self._tasks if not t.active]
        self._remove(finished)
        return len(finished)

    def _trim(self) -> None:
        self._remove(beyond_history(self._tasks, self.history))

    def _remove(self, tasks: Iterable[TaskRow]) -> None:
        rows = sorted(self._row_of(t) for t in tasks)
        for first, last in reversed(cells.runs(rows)):  # bottom first: rows above stay put
            self.beginRemoveRows(ROOT, first, last)
            for task in self._tasks[first : last + 1]:
                del self._by_key[task.key], self._by_serial[task.serial]
                self._active.discard(task)
            del self._tasks[first : last + 1]
            self._rows = None
            self.endRemoveRows()

    # -- internals ----------------------------------------------------------------------------

    def _row_of(self, task: TaskRow) -> int:
        """Rows by task, rebuilt after an insert or a removal shifted them."""
        if self._rows is None:
            self._rows = {t: row for row, t in enumerate(self._tasks)}
        return self._rows[task]

    def _insert_from_db(self, key: str) -> None:
        records = read_jobs(self.library, self.store, key)
        if not records:
            return
        task = TaskRow.of(key, records, self.show_maintenance)
        self.beginInsertRows(ROOT, 0, 0)
        self._add_task(0, task)
        self.endInsertRows()
        self._after_status(was_active=True, task=task)  # one that ended already trims

    def _add_task(self, row: int, task: TaskRow) -> None:
        self._tasks.insert(row, task)
        self._rows = None
        self._by_key[task.key], self._by_serial[task.serial] = task, task
        if task.active:
            self._active.add(task)

    def _append_job(self, task: TaskRow, record: JobRecord) -> None:
        parent = self.createIndex(self._row_of(task), 0, 0)
        row = len(task.jobs)
        self.beginInsertRows(parent, row, row)
        task.add(record)
        self.endInsertRows()

    def _update_task(self, task: TaskRow, change: Callable[[], None]) -> None:
        before = cells.snapshot(task.record, task.cancel_asked)
        was_active = task.active
        change()
        task.refresh(self.clock())
        self._cells_changed(task, None, before, cells.snapshot(task.record, task.cancel_asked))
        self._after_status(was_active, task)

    def _after_status(self, was_active: bool, task: TaskRow) -> None:
        if task.active:
            self._active.add(task)
        else:
            self._active.discard(task)
        if was_active and not task.active:
            self._trim()
        self._keep_ticking()
        if (count := self.active_user_tasks()) != self._count:
            self._count = count
            self.active_count_changed.emit(count)

    def _keep_ticking(self) -> None:
        """The clock only runs while something does."""
        if self._active and not self._ticker.isActive():
            self._ticker.start()
        elif not self._active:
            self._ticker.stop()

    def mark_canceling(self, task: TaskRow) -> None:
        self._update_task(task, lambda: setattr(task, "cancel_asked", True))

    def _cells_changed(
        self, task: TaskRow, job: JobRow | None, before: tuple, after: tuple
    ) -> None:
        if before == after:
            return
        row = self._row_of(task) if job is None else task.jobs.index(job)
        internal = 0 if job is None else task.serial
        for first, last in cells.runs(cells.changed_columns(before, after)):
            roles = sorted({r for c in range(first, last + 1) for r in ROLES_BY_COLUMN[Column(c)]})
            self.dataChanged.emit(
                self.createIndex(row, first, internal), self.createIndex(row, last, internal), roles
            )

    @Slot()
    def _tick(self) -> None:
        """Running rows: the duration and the time left move on with the clock."""
        for task in list(self._active):
            row = self._row_of(task)
            first = self.createIndex(row, Column.DURATION, 0)
            self.dataChanged.emit(first, self.createIndex(row, Column.ETA, 0), [D])
            for j, job in enumerate(task.jobs):
                if job.job.status.value == "running":
                    index = self.createIndex(j, Column.DURATION, task.serial)
                    self.dataChanged.emit(index, index, [D])
