"""The Processes dock: the task tree with cancel, retry, details and clear finished."""

from __future__ import annotations

from collections.abc import Callable

from PySide6.QtCore import QModelIndex, QObject, QPoint, Qt, QTimer, Signal
from PySide6.QtGui import QAction, QResizeEvent
from PySide6.QtWidgets import (
    QAbstractItemView,
    QCheckBox,
    QDockWidget,
    QHeaderView,
    QMenu,
    QMessageBox,
    QSizePolicy,
    QStyle,
    QToolBar,
    QTreeView,
    QVBoxLayout,
    QWidget,
)

from photojobs.core.jobs.labels import job_label
from photojobs.core.jobs.model import JobStatus
from photojobs.runtime.worker_process import JobRunner
from photojobs.ui.processes.delegate import ProgressDelegate
from photojobs.ui.processes.details import Details, DetailsDialog, task_details
from photojobs.ui.processes.filter import MaintenanceFilter
from photojobs.ui.processes.model import ProcessesModel
from photojobs.ui.processes.roles import Column
from photojobs.ui.processes.rows import JobRow, TaskRow

WIDTHS = {
    Column.NAME: 260,
    Column.STATUS: 96,
    Column.PROGRESS: 136,
    Column.STARTED: 52,
    Column.DURATION: 64,
}
DOCK_WIDTH = sum(WIDTHS.values()) + 130  # the names readable, "Time left" included
TIME_LEFT_WIDTH = 72  # "10 min left"
MIN_NAME_WIDTH = 140
RETRYABLE = (JobStatus.FAILED, JobStatus.CANCELED)


def ask_to_cancel(parent: QWidget, question: str, detail: str) -> bool:
    box = QMessageBox(QMessageBox.Icon.Question, "Cancel task", question, parent=parent)
    box.setInformativeText(detail)
    stop = box.addButton("Cancel task", QMessageBox.ButtonRole.AcceptRole)
    box.addButton("Keep running", QMessageBox.ButtonRole.RejectRole)
    box.exec()
    return box.clickedButton() is stop


class ProcessesDock(QDockWidget):
    retried = Signal(str)  # task key: announce its outcome again
    cleared = Signal(int)  # rows removed
    PREFERRED_WIDTH = DOCK_WIDTH

    def __init__(
        self,
        model: ProcessesModel,
        loop: JobRunner,
        show_maintenance: bool = False,
        parent: QWidget | None = None,
    ):
        super().__init__("Processes", parent)
        self.setObjectName("processesDock")
        self.model, self.loop = model, loop
        if QObject.parent(model) is None:  # model.parent() is the item model's, an index
            # The view must never outlive its model: a parentless model dies with the last
            # Python reference, while the view's delayed layout may still ask it for data.
            model.setParent(self)
        self.proxy = MaintenanceFilter(show_maintenance, self)
        model.set_show_maintenance(show_maintenance)
        self.proxy.setSourceModel(model)
        self.confirm: Callable[[str, str], bool] = lambda q, d: ask_to_cancel(self, q, d)
        self.details_dialog: DetailsDialog | None = None
        self._fitting = self._name_sized_by_hand = False
        self.tree = self._make_tree()
        self.tree.header().sectionResized.connect(self._section_resized)
        self.toolbar = self._make_toolbar(show_maintenance)
        body = QWidget(self)
        layout = QVBoxLayout(body)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.setSpacing(0)
        layout.addWidget(self.toolbar)
        layout.addWidget(self.tree, 1)
        self.setWidget(body)
        self.busy_timer = QTimer(self)
        self.busy_timer.setInterval(80)
        self.busy_timer.timeout.connect(self._animate_busy)
        self.proxy.rowsInserted.connect(self._rows_inserted)
        self.tree.selectionModel().selectionChanged.connect(self._update_actions)
        model.dataChanged.connect(self._model_changed)
        model.rowsInserted.connect(self._model_changed)
        loop.paused_changed.connect(self._paused_changed)
        self._model_changed()

    def _make_tree(self) -> QTreeView:
        tree = QTreeView(self)
        tree.setObjectName("processesTree")
        tree.setModel(self.proxy)
        tree.setItemDelegateForColumn(Column.PROGRESS, ProgressDelegate(tree))
        tree.setUniformRowHeights(True)  # no per-row measuring: 1,000 rows stay cheap
        tree.setAlternatingRowColors(True)
        tree.setSelectionMode(QAbstractItemView.SelectionMode.SingleSelection)
        tree.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectRows)
        tree.setAllColumnsShowFocus(True)
        tree.setContextMenuPolicy(Qt.ContextMenuPolicy.CustomContextMenu)
        tree.customContextMenuRequested.connect(self._menu)
        tree.doubleClicked.connect(self._double_clicked)
        header = tree.header()
        header.setStretchLastSection(True)  # a narrow dock scrolls rather than hide the names
        header.setMinimumSectionSize(40)
        header.setDefaultAlignment(Qt.AlignmentFlag.AlignLeft | Qt.AlignmentFlag.AlignVCenter)
        header.setSectionResizeMode(QHeaderView.ResizeMode.Interactive)
        for column, width in WIDTHS.items():
            header.resizeSection(column, width)
        return tree

    def _make_toolbar(self, show_maintenance: bool) -> QToolBar:
        bar = QToolBar("Processes", self)
        bar.setToolButtonStyle(Qt.ToolButtonStyle.ToolButtonTextOnly)
        self.cancel_action = bar.addAction("Cancel…", self.cancel_selected)
        self.retry_action = bar.addAction("Retry", self.retry_selected)
        self.details_action = bar.addAction("Details…", self.show_selected_details)
        self.clear_action = bar.addAction("Clear finished", self.clear_finished)
        self.cancel_action.setToolTip("Stop the selected task; finished work stays done")
        self.retry_action.setToolTip("Run the failed or canceled jobs of the selection again")
        self.clear_action.setToolTip("Remove finished tasks from this list")
        spacer = QWidget(bar)
        spacer.setSizePolicy(QSizePolicy.Policy.Expanding, QSizePolicy.Policy.Preferred)
        bar.addWidget(spacer)
        self.pause_action = QAction("Pause", self, checkable=True)
        self.pause_action.setToolTip("Let running jobs finish and start no new ones")
        self.pause_action.toggled.connect(self.loop.set_paused)
        bar.addAction(self.pause_action)
        self.maintenance_box = QCheckBox("Show maintenance jobs", bar)
        self.maintenance_box.setChecked(show_maintenance)
        self.maintenance_box.toggled.connect(self.proxy.set_show_maintenance)
        self.maintenance_box.toggled.connect(self.model.set_show_maintenance)
        bar.addWidget(self.maintenance_box)
        return bar

    def fit_columns(self, dock_width: int) -> None:
        """The name column takes what the others leave in a dock this wide (up to its own
        width), so every column shows without scrolling; a name column the photographer
        sized by hand is left alone."""
        if self._name_sized_by_hand:
            return
        style = self.tree.style()
        chrome = 2 * self.tree.frameWidth() + style.pixelMetric(
            QStyle.PixelMetric.PM_ScrollBarExtent
        )
        others = sum(w for c, w in WIDTHS.items() if c != Column.NAME) + TIME_LEFT_WIDTH
        name = max(MIN_NAME_WIDTH, dock_width - chrome - others)
        header = self.tree.header()
        self._fitting = True
        header.resizeSection(Column.NAME, min(name, WIDTHS[Column.NAME]))
        header.resizeSection(Column.ETA, TIME_LEFT_WIDTH)  # the last one stretches from here
        self._fitting = False

    def resizeEvent(self, event: QResizeEvent) -> None:
        super().resizeEvent(event)
        self.fit_columns(self.width())

    def _section_resized(self, column: int, _old: int, _new: int) -> None:
        if column == Column.NAME and not self._fitting:
            self._name_sized_by_hand = True

    # -- selection ----------------------------------------------------------------------------

    def selected(self) -> tuple[TaskRow | None, JobRow | None]:
        rows = self.tree.selectionModel().selectedRows()
        if not rows:
            return None, None
        return self.model.row_at(self.proxy.mapToSource(rows[0]))

    def select_task(self, key: str) -> bool:
        index = self.proxy.mapFromSource(self.model.task_index(key))
        if not index.isValid():
            return False
        self.tree.setCurrentIndex(index)
        self.tree.scrollTo(index)
        return True

    def _update_actions(self, *_: object) -> None:
        task, job = self.selected()
        self.cancel_action.setEnabled(bool(task and task.active and not task.cancel_asked))
        self.retry_action.setEnabled(bool(task and self._retryable(task, job)))
        self.details_action.setEnabled(task is not None)
        self.clear_action.setEnabled(self.model.finished_count() > 0)

    @staticmethod
    def _retryable(task: TaskRow, job: JobRow | None) -> list[int]:
        if job is not None:
            return [job.job.id] if job.job.status in RETRYABLE else []
        failed = [j.job.id for j in task.jobs if j.job.status == JobStatus.FAILED]
        canceled = [j.job.id for j in task.jobs if j.job.status == JobStatus.CANCELED]
        return failed or (canceled if task.status == JobStatus.CANCELED else [])

    # -- actions ------------------------------------------------------------------------------

    def cancel_selected(self) -> bool:
        task, _job = self.selected()
        if task is None or not task.active or task.record is None:
            return False
        question = f"Cancel “{task.record.label}”?"
        detail = (
            "Running jobs stop after the item they are working on. Work already done stays "
            "done, and files already moved to the trash can be restored."
        )
        if not self.confirm(question, detail):
            return False
        if task.task_id is not None:
            self.loop.cancel_task(task.task_id)
        else:
            self.loop.cancel_job(task.jobs[0].job.id)
        if task.active:
            self.model.mark_canceling(task)
        return True

    def retry_selected(self) -> int:
        task, job = self.selected()
        ids = self._retryable(task, job) if task else []
        for job_id in ids:
            self.loop.retry(job_id)
        if ids and task is not None:
            self.retried.emit(task.key)
        return len(ids)

    def show_selected_details(self) -> DetailsDialog | None:
        task, job = self.selected()
        if task is None or task.record is None:
            return None
        jobs = [job.job] if job else None
        name = task.record.label if job is None else job_label(job.job.type)
        title = f"{name}: details"
        return self._show_details(task_details(task, self.model.store, jobs, title))

    def show_details(self, key: str) -> DetailsDialog | None:
        """The details of one task, from a toast's Details button."""
        self.show()
        self.raise_()
        if not self.select_task(key):
            return None
        return self.show_selected_details()

    def _show_details(self, details: Details) -> DetailsDialog:
        if self.details_dialog is not None:
            self.details_dialog.close()
        self.details_dialog = DetailsDialog(details, self)
        self.details_dialog.show()
        return self.details_dialog

    def clear_finished(self) -> int:
        removed = self.model.clear_finished()
        self.cleared.emit(removed)
        self._update_actions()
        return removed

    # -- view upkeep --------------------------------------------------------------------------

    def _menu(self, pos: QPoint) -> None:
        if not self.tree.indexAt(pos).isValid():
            return
        menu = QMenu(self)
        for action in (self.cancel_action, self.retry_action, self.details_action):
            menu.addAction(action)
        menu.addSeparator()
        menu.addAction(self.clear_action)
        menu.exec(self.tree.viewport().mapToGlobal(pos))

    def _double_clicked(self, index: QModelIndex) -> None:
        if index.parent().isValid():
            self.show_selected_details()

    def _rows_inserted(self, parent: QModelIndex, first: int, last: int) -> None:
        """A task that starts while we watch opens, so its jobs show as they are added."""
        if parent.isValid():
            return
        for row in range(first, last + 1):
            task, _ = self.model.row_at(self.proxy.mapToSource(self.proxy.index(row, 0)))
            if task is not None and task.active:
                self.tree.expand(self.proxy.index(row, 0))

    def _model_changed(self, *_: object) -> None:
        self._update_actions()
        if not self.busy_timer.isActive() and self.model.busy_indexes():
            self.busy_timer.start()

    def _animate_busy(self) -> None:
        """Repaint only the busy cells in view; the timer stops when none is left."""
        busy = self.model.busy_indexes()
        if not busy:
            self.busy_timer.stop()
            return
        if not self.isVisible():
            return
        viewport = self.tree.viewport()
        for index in busy:
            rect = self.tree.visualRect(self.proxy.mapFromSource(index))
            if rect.isValid():
                viewport.update(rect)

    def _paused_changed(self, paused: bool) -> None:
        """Said in the dock's title too, so a paused queue is never read as idle."""
        self.pause_action.setChecked(paused)
        self.pause_action.setText("Resume" if paused else "Pause")
        self.setWindowTitle("Processes — paused" if paused else "Processes")
