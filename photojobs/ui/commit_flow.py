"""Commit from the window: a confirmation that lists exactly what will move, then the
commit bar following that task. What the dialog counted is what the task moves: the
workset is fixed when the person confirms, and later decisions wait for the next commit."""

from __future__ import annotations

from functools import partial
from typing import TYPE_CHECKING

from PySide6.QtCore import QObject
from PySide6.QtWidgets import QAbstractButton, QMessageBox

from photojobs.core.commits import CommitStarted, NothingToCommit, Workset
from photojobs.core.jobs.events import JobEvent, TaskEvent
from photojobs.core.photos import PendingCounts
from photojobs.ui.background import Background, Ticket
from photojobs.ui.commit_bar import CommitBar

if TYPE_CHECKING:
    from photojobs.core.library import ProjectInfo
    from photojobs.ui.main_window import MainWindow


class CommitFlow(QObject):
    def __init__(self, window: MainWindow, bar: CommitBar):
        super().__init__(window)
        self.window, self.bar, self.session = window, bar, window.session
        self.task_id: str | None = None
        self.project_id: str | None = None  # of the running commit
        self.workset = Workset()
        self.dialog: QMessageBox | None = None
        self._step = ""  # "counting", "asking" or "starting" while a commit is on its way
        self.counting = Background(self, name="pending deletions")
        self._counting: Ticket[PendingCounts] | None = None
        loop = self.session.loop
        bar.commit_clicked.connect(self.commit)
        bar.resume_clicked.connect(lambda: loop.set_paused(False))
        loop.paused_changed.connect(bar.set_paused)
        bar.set_paused(loop.paused)
        self.session.signals.task_changed.connect(self._task_changed)
        self.session.signals.job_changed.connect(self._job_changed)

    def commit(self) -> None:
        """Reads what would move on a helper thread (a pass over the project's decisions:
        tens of milliseconds at 100k photos), then asks; nothing happens twice while a
        question or a start is on its way."""
        project = self.window.project
        if project is None or self.task_id is not None or self._step:
            return
        read = partial(self.session.pending_workset, project.id)
        self._step = "counting"
        self.counting.run(read, partial(self._ask, project), failed=self._not_started)

    def _ask(self, project: ProjectInfo, workset: Workset) -> None:
        self._step = ""
        shown = self.window.project
        if shown is None or shown.id != project.id:
            return  # the person moved on to another project meanwhile
        counts = workset.counts
        if counts.photos == 0:
            self.window.toast("Nothing to commit: no deletions are pending.", "info")
            return
        days = self.window.config.get("maintenance.trash_retention_days")
        box = QMessageBox(self.window)
        box.setIcon(QMessageBox.Icon.Question)
        box.setWindowTitle("Commit changes")
        box.setText(f"Move the files of {counts.photos} photo(s) you did not keep to the trash?")
        box.setInformativeText(
            f"{counts.jpg} JPG and {counts.raw} RAW file(s) (with their sidecars) go to the "
            f"project's trash, where they stay restorable for {days} days. Decisions you make "
            "from now on wait for the next commit."
        )
        commit_button = box.addButton(
            f"Commit ({counts.photos})", QMessageBox.ButtonRole.AcceptRole
        )
        box.addButton(QMessageBox.StandardButton.Cancel)
        box.setDefaultButton(commit_button)
        box.finished.connect(partial(self._answered, box, commit_button, project, workset))
        if self.dialog is not None:
            self.dialog.deleteLater()  # the last question, kept until now for a look at it
        self.dialog = box
        self._step = "asking"
        box.open()  # window-modal, without a nested event loop

    def _answered(
        self,
        box: QMessageBox,
        commit_button: QAbstractButton,
        project: ProjectInfo,
        workset: Workset,
        _result: int,
    ) -> None:
        self._step = ""
        if box.clickedButton() is not commit_button:
            return
        store = partial(self.session.queue_commit, project, workset)  # a big write: off here
        self._step = "starting"
        self.counting.run(store, partial(self._started, project), failed=self._not_started)

    def _started(self, project: ProjectInfo, started: CommitStarted) -> None:
        self._step = ""
        started = self.session.follow_commit(project, started)
        self.task_id, self.project_id = started.task_id, project.id
        self.workset = started.workset
        self.bar.show_committing(started.workset.counts.photos or started.pending.photos)
        self.refresh()

    def _not_started(self, error: BaseException) -> None:
        self._step = ""
        if not isinstance(error, NothingToCommit):
            raise error
        self.window.toast(str(error), "info")

    def refresh(self) -> None:
        """The bar for the project shown: its commit now, and what waits for the next one
        when the count arrives (a pass over the project's decisions, on a helper thread)."""
        project = self.window.project
        committing = self.task_id is not None and project is not None
        committing = committing and project.id == self.project_id  # type: ignore[union-attr]
        self.bar.show_committing(self.workset.counts.photos if committing else 0)
        if self._counting is not None:
            self._counting.cancel()  # the newest count wins
        if project is None:
            count = partial(self.session.pending, "")
        elif committing:
            count = partial(self.session.decided_since, project.id, self.workset)
        else:
            count = partial(self.session.pending, project.id)
        shown = project.id if project else None
        self._counting = self.counting.run(count, partial(self._show_counts, shown))

    def _show_counts(self, project_id: str | None, counts: PendingCounts) -> None:
        self._counting = None
        shown = self.window.project
        if project_id == (shown.id if shown else None):
            self.bar.show_counts(counts)

    def _task_changed(self, event: TaskEvent) -> None:
        if event.task_id == self.task_id and event.finished:
            self.task_id = self.project_id = None
            self.workset = Workset()
            self.refresh()

    def _job_changed(self, event: JobEvent) -> None:
        if event.task_id == self.task_id and event.job_type == "file_removal":
            shown = self.window.project
            if shown is not None and shown.id == self.project_id:
                self.bar.show_progress(event.progress_done, event.progress_total)
