"""Starting a commit or a restore, and reading a project's trash: one path for GUI and CLI."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from sqlalchemy import select

from photojobs.core.db.models import Job, TrashEntry
from photojobs.core.jobs.model import JobStatus
from photojobs.core.jobs.store import JobStore
from photojobs.core.library import Library, LibraryError, ProjectInfo
from photojobs.core.photos import PendingCounts, pending_counts
from photojobs.core.trash import CONFIRMED


class NothingToCommit(LibraryError):
    pass


@dataclass(frozen=True)
class CommitStarted:
    task_id: str
    pending: PendingCounts
    created: bool  # False when a commit of this project was already queued or running

    def as_json(self) -> dict[str, Any]:
        return {
            "task_id": self.task_id,
            "pending": self.pending.photos,
            "pending_jpg": self.pending.jpg,
            "pending_raw": self.pending.raw,
            "already_running": not self.created,
        }


def start_commit(lib: Library, store: JobStore, project: ProjectInfo) -> CommitStarted:
    """The commit already queued or running for this project, or a new one. Nothing is
    created when nothing is pending (no canceled task is left in the Processes dock)."""
    with lib.db.read() as s:
        counts = pending_counts(s, project.id)
        running = s.scalar(
            select(Job.task_id)
            .where(
                Job.task_type == "change_commit",
                Job.project_id == project.id,
                Job.status.in_((JobStatus.QUEUED.value, JobStatus.RUNNING.value)),
            )
            .limit(1)
        )
    if running:
        return CommitStarted(running, counts, False)
    if counts.photos == 0:
        raise NothingToCommit(f"nothing to commit in '{project.name}': no deletions are pending")
    task_id, created = store.start_task("change_commit", project_id=project.id)
    return CommitStarted(task_id, counts, created)


def start_restore(
    store: JobStore,
    project: ProjectInfo,
    *,
    commit_task_id: str | None = None,
    names: list[str] | None = None,
    entry_ids: list[int] | None = None,
    everything: bool = False,
) -> str:
    payload: dict[str, Any] = {}
    if commit_task_id:
        payload["commit_task_id"] = commit_task_id
    elif names:
        payload["names"] = names
    elif entry_ids:
        payload["entry_ids"] = entry_ids
    elif everything:
        payload["all"] = True
    else:
        raise LibraryError("say what to restore: a commit, file names, or everything")
    task_id, _ = store.start_task("restore", project_id=project.id, payload=payload)
    return task_id


def trash_listing(lib: Library, project: ProjectInfo) -> list[dict[str, Any]]:
    with lib.db.read() as s:
        rows = s.scalars(
            select(TrashEntry)
            .where(TrashEntry.project_id == project.id, TrashEntry.status == CONFIRMED)
            .order_by(TrashEntry.trashed_at.desc(), TrashEntry.id.desc())
        ).all()
        return [
            {
                "id": r.id,
                "original_name": r.original_name,
                "trash_path": str(project.path / ".trash" / r.trash_name),
                "trashed_at": r.trashed_at,
                "task_id": r.task_id,
                "photo_base": r.photo_base,
                "size": r.size,
            }
            for r in rows
        ]
