"""One open library with its worker loop and scheduler, and the photographer's actions.

QtCore only, so the CLI, the GUI and tests share it. Actions are short database writes;
anything slow becomes a task on the worker loop.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Sequence
from pathlib import Path

from PySide6.QtCore import QObject, Signal

from photojobs.core import library_trash
from photojobs.core.catalog import Session
from photojobs.core.commits import (
    CommitStarted,
    Workset,
    decided_since,
    pending_workset,
    start_commit,
    start_restore,
)
from photojobs.core.config import Config
from photojobs.core.decision_history import DecisionHistory, DecisionStep
from photojobs.core.decision_history import Flags as KeepFlags
from photojobs.core.handlers import default_registry
from photojobs.core.jobs.events import PhotosChanged, TaskEvent
from photojobs.core.jobs.registry import HandlerRegistry
from photojobs.core.library import Library, ProjectInfo
from photojobs.core.library_trash import DeletedProject
from photojobs.core.marks import (
    ColorLabel,
    Flag,
    Marks,
    MarksChange,
    change_tags,
    discard_rejected,
    put_marks,
    rejected_to_discard,
    set_flag,
    set_label,
    set_rating,
)
from photojobs.core.photos import (
    KeepDecision,
    PendingCounts,
    keep_flags,
    pending_counts,
    set_keep,
    set_keep_flags,
)
from photojobs.runtime.scheduler import MaintenanceScheduler
from photojobs.runtime.worker import WorkerLoop
from photojobs.runtime.worker_process import JobRunner, WorkerProcess


class LibrarySession(QObject):
    projects_changed = Signal()
    decisions_changed = Signal(str, list)  # project id, photo ids
    history_changed = Signal(str)  # project id: what Undo and Redo would do has changed

    def __init__(
        self,
        library: Library,
        registry: HandlerRegistry | None = None,
        parent: QObject | None = None,
        jobs_process: bool = False,
        log_file: Path | None = None,
    ):
        """`jobs_process`: run jobs in a process of their own (the window does: a long
        job's Python then never holds the lock the window paints with); otherwise on this
        process's threads (the CLI's `run`, the tests' custom handlers)."""
        super().__init__(parent)
        self.library = library
        self.log_file = log_file
        self.loop: JobRunner
        if jobs_process:
            if registry is not None:
                raise ValueError("the jobs process runs the default handlers only")
            self.loop = WorkerProcess(library, log_file, self)
        else:
            self.loop = WorkerLoop(library, registry or default_registry(), self)
        self.scheduler = MaintenanceScheduler(self.loop, self)
        self.signals = self.loop.signals
        self.store = self.loop.store
        self.history = DecisionHistory()
        self._commits: dict[str, tuple[str, frozenset[int]]] = {}  # task -> project, photos
        self.signals.task_changed.connect(self._task_changed)

    def start(self, with_scheduler: bool = True) -> None:
        self.loop.start()
        if with_scheduler:
            self.scheduler.start()

    def stop(self) -> None:
        self.scheduler.stop()
        self.loop.stop()

    def apply_config(self, config: Config) -> None:
        """Saved settings: the next jobs read them (sizes, workers, retention)."""
        self.library.config = config
        self.loop.apply_config(config)

    # -- projects ------------------------------------------------------------------------

    def projects(self, counted: bool = True) -> list[ProjectInfo]:
        return self.library.list_projects(counted)

    def create_project(self, name: str) -> ProjectInfo:
        project = self.library.create_project(name)
        self.projects_changed.emit()
        return project

    def rename_project(self, project_id: str, name: str) -> ProjectInfo:
        project = self.library.rename_project(project_id, name)
        self.projects_changed.emit()
        return project

    def delete_project(self, project_id: str) -> None:
        self.library.delete_project(project_id, announce=self.loop.relay_event)
        self.projects_changed.emit()

    def deleted_projects(self) -> list[DeletedProject]:
        return library_trash.deleted_projects(self.library)

    def restore_project(self, project_id: str) -> ProjectInfo:
        """A rename back into the library; maintenance then looks at its folder again."""
        project = library_trash.restore_project(self.library, project_id, scan=False)
        self.loop.start_task("maintenance", project_id=project.id)
        self.projects_changed.emit()
        return project

    def purge_projects(self, project_ids: Sequence[str]) -> str:
        """Deleting folders of photos takes time: a task, not a wait on this thread."""
        payload = {"project_ids": list(project_ids)}
        return self.loop.start_task("empty_library_trash", payload=payload)

    # -- decisions -----------------------------------------------------------------------

    def decide(
        self, project_id: str, bases: Sequence[str], decision: KeepDecision, label: str = ""
    ) -> list[str]:
        """Written at once, so a decision survives a crash, and recorded as one undo step;
        returns refusals by photo."""
        with self.library.db.write() as s:
            before = keep_flags(s, project_id, bases=bases)
            errors = set_keep(s, project_id, list(bases), decision)
            s.flush()
            after = keep_flags(s, project_id, bases=bases)
        changed = self._record(project_id, label or decision.value, before, after)
        if changed:
            self._decided(project_id, changed)
        return errors

    def revert(self, project_id: str) -> int:
        """Every pending decision back to "keep"; one undo step brings them all back."""
        with self.library.db.write() as s:
            before = keep_flags(s, project_id, pending_only=True)
            after = {i: (True, True) for i in before}  # "keep" for each format it has
            set_keep_flags(s, project_id, after)
        if self._record(project_id, "Revert all decisions", before, after):
            self._decided(project_id, before)
        return len(before)

    def undo(self, project_id: str) -> DecisionStep | None:
        """Sets back the photos of the last decision; None when there is nothing to undo."""
        step = self.history.next_undo(project_id)
        if step is not None:
            self._apply_step(project_id, step.before, step.marks_before)
            self.history.undone(project_id)
            self._decided(project_id, step.photo_ids)
        return step

    def redo(self, project_id: str) -> DecisionStep | None:
        step = self.history.next_redo(project_id)
        if step is not None:
            self._apply_step(project_id, step.after, step.marks_after)
            self.history.redone(project_id)
            self._decided(project_id, step.photo_ids)
        return step

    def _apply_step(
        self, project_id: str, flags: dict[int, KeepFlags], marks: dict[int, Marks]
    ) -> None:
        with self.library.db.write() as s:
            set_keep_flags(s, project_id, flags)
            put_marks(s, project_id, marks)

    # -- marks: rating, flag, colour label, tags ----------------------------------------------

    def rate(self, project_id: str, bases: Sequence[str], rating: int) -> list[str]:
        """Each mark is one undo step, like a keep decision; returns refusals by photo."""
        label = f"Rating {rating}" if rating else "Clear rating"
        return self._mark(project_id, label, lambda s: set_rating(s, project_id, bases, rating))

    def flag(self, project_id: str, bases: Sequence[str], flag: Flag) -> list[str]:
        label = {Flag.PICK: "Pick", Flag.REJECT: "Reject", Flag.NONE: "Unflag"}[flag]
        return self._mark(project_id, label, lambda s: set_flag(s, project_id, bases, flag))

    def label(self, project_id: str, bases: Sequence[str], label: ColorLabel) -> list[str]:
        words = "No label" if label is ColorLabel.NONE else f"Label {label.value}"
        return self._mark(project_id, words, lambda s: set_label(s, project_id, bases, label))

    def tag(
        self,
        project_id: str,
        bases: Sequence[str],
        add: Sequence[str] = (),
        remove: Sequence[str] = (),
    ) -> list[str]:
        """Raises MarkError on a malformed tag (nothing is written then)."""
        words = f"Tag {', '.join(add)}" if add else f"Untag {', '.join(remove)}"
        return self._mark(
            project_id, words, lambda s: change_tags(s, project_id, bases, add, remove)
        )

    def discard_rejected(self, project_id: str) -> int:
        """Every rejected photo becomes a discard, in one undo step; returns how many."""
        with self.library.db.write() as s:
            before, after = discard_rejected(s, project_id)
        changed = self._record(project_id, "Discard rejected photos", before, after)
        if changed:
            self._decided(project_id, changed)
        return len(changed)

    def rejected_to_discard(self, project_id: str) -> int:
        """How many photos `discard_rejected` would change: what its question says."""
        with self.library.db.read() as s:
            return rejected_to_discard(s, project_id)

    def _mark(
        self, project_id: str, label: str, change: Callable[[Session], MarksChange]
    ) -> list[str]:
        with self.library.db.write() as s:
            done = change(s)
        if done.before:
            step = DecisionStep(label, {}, {}, dict(done.before), dict(done.after))
            self.history.record(project_id, step)
            self._decided(project_id, done.photo_ids)
        return list(done.errors)

    def pending(self, project_id: str) -> PendingCounts:
        with self.library.db.read() as s:
            return pending_counts(s, project_id)

    def pending_workset(self, project_id: str) -> Workset:
        """What a commit confirmed now would move."""
        with self.library.db.read() as s:
            return pending_workset(s, project_id)

    def decided_since(self, project_id: str, workset: Workset) -> PendingCounts:
        """Pending decisions that a running commit (of `workset`) leaves for the next one."""
        with self.library.db.read() as s:
            return decided_since(s, project_id, workset)

    def _record(
        self,
        project_id: str,
        label: str,
        before: dict[int, tuple[bool, bool]],
        after: dict[int, tuple[bool, bool]],
    ) -> list[int]:
        """One undo step for the photos whose flags changed; returns those photos."""
        changed = [i for i in before if before[i] != after.get(i, before[i])]
        if changed:
            was = {i: before[i] for i in changed}
            self.history.record(
                project_id, DecisionStep(label, was, {i: after[i] for i in changed})
            )
        return changed

    def _decided(self, project_id: str, photo_ids: Iterable[int]) -> None:
        ids = tuple(photo_ids)
        self.decisions_changed.emit(project_id, list(ids))
        self.signals.photos_changed.emit(PhotosChanged(project_id, ids))
        self.history_changed.emit(project_id)

    def _task_changed(self, event: TaskEvent) -> None:
        """A finished commit takes its photos out of the undo history."""
        if event.task_id in self._commits and event.finished:
            project_id, photo_ids = self._commits.pop(event.task_id)
            self.history.forget(project_id, photo_ids)
            self.history_changed.emit(project_id)

    # -- tasks ---------------------------------------------------------------------------

    def commit(self, project: ProjectInfo, workset: Workset | None = None) -> CommitStarted:
        """Moves exactly `workset` (what the person confirmed), or all that is pending."""
        return self.follow_commit(project, self.queue_commit(project, workset))

    def queue_commit(self, project: ProjectInfo, workset: Workset | None = None) -> CommitStarted:
        """The database half of `commit`, safe on any thread (a big workset is a big write);
        hand its result to `follow_commit` on the GUI thread."""
        return start_commit(self.library, self.store, project, workset)

    def follow_commit(self, project: ProjectInfo, started: CommitStarted) -> CommitStarted:
        """Announces a commit `queue_commit` stored and wakes the worker loop."""
        if started.created:
            self._commits[started.task_id] = (project.id, started.workset.photo_ids)
        self.loop.announce_task(started.task_id)
        self.loop.poke()
        return started

    def restore(self, project: ProjectInfo, **which: object) -> str:
        task_id = start_restore(self.store, project, **which)  # type: ignore[arg-type]
        self.loop.announce_task(task_id)
        self.loop.poke()
        return task_id

    def start_import(self, project: ProjectInfo, sources: dict[str, str], policy: str) -> str:
        """`sources`: path -> verdict for every file to copy (from the analysis)."""
        return self.loop.start_task(
            "upload_processing",
            project_id=project.id,
            payload={"on_duplicate": policy, "verdicts": sources},
            items=[(path, None) for path in sources],
        )

    def make_derivatives(
        self, project: ProjectInfo, bases: Sequence[str] = (), force: bool = False
    ) -> str:
        return self.loop.start_task(
            "generate_derivatives",
            project_id=project.id,
            payload={"bases": list(bases), "force": force},
        )
