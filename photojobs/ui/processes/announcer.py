"""A word when a user task ends: a toast in the window (and, through `announced`, a tray
notification). Each task is announced once, remembered across restarts in QSettings."""

from __future__ import annotations

from collections.abc import Callable, Iterable
from dataclasses import dataclass

from PySide6.QtCore import QObject, QSettings, Signal, Slot

from photojobs.core.catalog.trash import files_trashed_by
from photojobs.core.import_summary import ImportSummary, summarise_import
from photojobs.core.jobs.events import JobEvent, TaskEvent
from photojobs.core.jobs.labels import job_label
from photojobs.core.jobs.model import USER, JobStatus
from photojobs.core.jobs.queries import get_task
from photojobs.core.library import LibraryError
from photojobs.runtime.session import LibrarySession
from photojobs.ui.processes.cells import ProjectNames

REMEMBERED = 1000  # task ids kept; older ones can no longer end again
UNDO_MS = 60_000  # a commit's Undo stays this long, unless the next commit starts first


def plural(n: int, word: str) -> str:
    return f"{n} {word}" if n == 1 else f"{n} {word}s"


@dataclass(frozen=True)
class Announcement:
    key: str
    kind: str  # "success" | "error" | "info"
    title: str
    text: str
    action: tuple[str, Callable[[], object]] | None = None
    timeout_ms: int | None = None  # None: the toast's usual time for its kind
    until_next: str | None = None  # a task of this type starting ends the note


class AnnouncedTasks:
    """The task keys already announced for one library, newest last, bounded."""

    def __init__(self, settings: QSettings, group: str):
        self.settings, self.key = settings, f"{group}/announced_tasks"
        stored = str(settings.value(self.key, "") or "")
        self._keys = dict.fromkeys(k for k in stored.split() if k)

    def __contains__(self, key: str) -> bool:
        return key in self._keys

    def add(self, keys: Iterable[str]) -> None:
        for key in keys:
            self._keys.pop(key, None)
            self._keys[key] = None
        if len(self._keys) > REMEMBERED:
            self._keys = dict.fromkeys(list(self._keys)[-REMEMBERED:])
        self.settings.setValue(self.key, " ".join(self._keys))

    def discard(self, key: str) -> None:
        if self._keys.pop(key, 0) is None:
            self.settings.setValue(self.key, " ".join(self._keys))


class TaskAnnouncer(QObject):
    announced = Signal(object)  # Announcement

    def __init__(
        self,
        session: LibrarySession,
        remembered: AnnouncedTasks,
        show_details: Callable[[str], object],
        parent: QObject | None = None,
    ):
        super().__init__(parent)
        self.session, self.remembered, self.show_details = session, remembered, show_details
        self.projects = ProjectNames(session.library.db)

    def connect_signals(self) -> None:
        self.session.signals.task_changed.connect(self.on_task_event)
        self.session.signals.job_changed.connect(self.on_job_event)

    @Slot(object)
    def on_task_event(self, e: TaskEvent) -> None:
        if e.finished:
            self._ended(e.task_id, e.task_type, e.label, e.status, e.source, e.project_id, e.error)

    @Slot(object)
    def on_job_event(self, e: JobEvent) -> None:
        """A job with no task is a task of its own."""
        if e.task_id is None and e.finished:
            label = job_label(e.job_type)
            key = f"job-{e.job_id}"
            self._ended(key, e.job_type, label, e.status, e.source, e.project_id, e.error)

    def _ended(
        self,
        key: str,
        task_type: str,
        label: str,
        status: str,
        source: str,
        project_id: str | None,
        error: str | None,
    ) -> None:
        if source != USER or key in self.remembered:
            return  # maintenance never speaks; a task speaks once
        self.remembered.add([key])
        if status == JobStatus.CANCELED:
            return  # the photographer asked for it
        if status == JobStatus.FAILED:
            first_line = (error or "see the details").strip().splitlines()[0][:240]
            note = Announcement(
                key,
                "error",
                f"{label} failed",
                first_line,
                ("Details", lambda: self.show_details(key)),
            )
        else:
            note = self._success(key, task_type, label, project_id)
        self.announced.emit(note)

    def _success(
        self, key: str, task_type: str, label: str, project_id: str | None
    ) -> Announcement:
        project = self.projects.get(project_id)
        where = f" in {project}" if project else ""
        if task_type == "change_commit":
            files = files_trashed_by(self.session.library.db, key)
            text = f"{plural(files, 'file')} moved to the trash{where}."
            undo = ("Undo", self._undo(key))
            # Time to notice a mistake; the next commit's toast carries its own Undo.
            return Announcement(
                key, "success", "Files removed", text, undo, UNDO_MS, until_next=task_type
            )
        if task_type == "upload_processing":
            text = self._import_summary(key).text()
            text = f"{project}: {text}." if project else f"{text[:1].upper()}{text[1:]}."
            return Announcement(key, "success", "Upload processing completed", text)
        return Announcement(key, "success", f"{label} completed", f"Done{where}.")

    def _import_summary(self, task_id: str) -> ImportSummary:
        """New photos and files added to photos already there, from the import's items."""
        task = get_task(self.session.library.db, task_id)
        job = next((j for j in task.jobs if j.type == "import_files"), None) if task else None
        if job is None:
            return ImportSummary()
        items = [(i.key, i.status) for i in self.session.store.items(job.id)]
        policy = str(job.payload.get("on_duplicate", "skip"))
        return summarise_import(job.payload.get("verdicts", {}), policy, items)

    def _undo(self, task_id: str) -> Callable[[], object]:
        def undo() -> object:
            task = get_task(self.session.library.db, task_id)
            try:
                project = self.session.library.find_project(task.project_id or "") if task else None
            except LibraryError:
                project = None
            if project is None:
                return None
            return self.session.restore(project, commit_task_id=task_id)

        return undo
