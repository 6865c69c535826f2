"""One open library with its worker loop and scheduler, and the photographer's actions.

QtCore only, so the CLI, the GUI and tests share it. Actions are short database writes;
anything slow becomes a task on the worker loop.
"""

from __future__ import annotations

from collections.abc import Sequence

from PySide6.QtCore import QObject, Signal

from photojobs.core.commits import CommitStarted, start_commit, start_restore
from photojobs.core.handlers import default_registry
from photojobs.core.jobs.events import PhotosChanged
from photojobs.core.jobs.registry import HandlerRegistry
from photojobs.core.library import Library, ProjectInfo
from photojobs.core.photos import KeepDecision, PendingCounts, pending_counts, revert, set_keep
from photojobs.runtime.scheduler import MaintenanceScheduler
from photojobs.runtime.worker import WorkerLoop


class LibrarySession(QObject):
    projects_changed = Signal()
    decisions_changed = Signal(str, list)  # project id, photo ids

    def __init__(
        self,
        library: Library,
        registry: HandlerRegistry | None = None,
        parent: QObject | None = None,
    ):
        super().__init__(parent)
        self.library = library
        self.loop = WorkerLoop(library, registry or default_registry(), self)
        self.scheduler = MaintenanceScheduler(self.loop, self)
        self.signals = self.loop.signals
        self.store = self.loop.store

    def start(self, with_scheduler: bool = True) -> None:
        self.loop.start()
        if with_scheduler:
            self.scheduler.start()

    def stop(self) -> None:
        self.scheduler.stop()
        self.loop.stop()

    # -- projects ------------------------------------------------------------------------

    def projects(self) -> list[ProjectInfo]:
        return self.library.list_projects()

    def create_project(self, name: str) -> ProjectInfo:
        project = self.library.create_project(name)
        self.projects_changed.emit()
        return project

    def rename_project(self, project_id: str, name: str) -> ProjectInfo:
        project = self.library.rename_project(project_id, name)
        self.projects_changed.emit()
        return project

    def delete_project(self, project_id: str) -> None:
        self.library.delete_project(project_id)
        self.projects_changed.emit()

    # -- decisions -----------------------------------------------------------------------

    def decide(self, project_id: str, bases: Sequence[str], decision: KeepDecision) -> list[str]:
        """Written at once, so a decision survives a crash; returns refusals by photo."""
        with self.library.db.write() as s:
            errors = set_keep(s, project_id, list(bases), decision)
        self._decided(project_id)
        return errors

    def revert(self, project_id: str, photo_ids: Sequence[int] | None = None) -> int:
        with self.library.db.write() as s:
            n = revert(s, project_id, photo_ids)
        self._decided(project_id)
        return n

    def pending(self, project_id: str) -> PendingCounts:
        with self.library.db.read() as s:
            return pending_counts(s, project_id)

    def _decided(self, project_id: str) -> None:
        self.decisions_changed.emit(project_id, [])
        self.signals.photos_changed.emit(PhotosChanged(project_id))

    # -- tasks ---------------------------------------------------------------------------

    def commit(self, project: ProjectInfo) -> CommitStarted:
        started = start_commit(self.library, self.store, project)
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
