"""Starting a commit or a restore, and reading a project's trash: one path for GUI and CLI."""

from __future__ import annotations

import json
from dataclasses import dataclass
from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session

from photojobs.core.db.models import Job, Photo, TrashEntry
from photojobs.core.jobs.model import ACTIVE_STATUSES
from photojobs.core.jobs.store import JobStore
from photojobs.core.library import Library, LibraryError, ProjectInfo
from photojobs.core.photos import PendingCounts, pending_clause
from photojobs.core.trash import CONFIRMED


class NothingToCommit(LibraryError):
    pass


@dataclass(frozen=True)
class Workset:
    """What a commit moves, fixed when the photographer confirms it: the photos whose JPG,
    and those whose RAW, they chose not to keep. Decisions made later wait for the next."""

    jpg: frozenset[int] = frozenset()
    raw: frozenset[int] = frozenset()

    @property
    def photo_ids(self) -> frozenset[int]:
        return self.jpg | self.raw

    @property
    def counts(self) -> PendingCounts:
        return PendingCounts(len(self.photo_ids), len(self.jpg), len(self.raw))

    def drops(self, photo_id: int) -> tuple[bool, bool]:
        """(drop JPG, drop RAW) as confirmed for this photo."""
        return photo_id in self.jpg, photo_id in self.raw

    def as_payload(self) -> dict[str, list[int]]:
        return {"jpg": sorted(self.jpg), "raw": sorted(self.raw)}

    @staticmethod
    def of_payload(data: dict[str, Any]) -> Workset:
        return Workset(frozenset(data.get("jpg", ())), frozenset(data.get("raw", ())))


def pending_workset(session: Session, project_id: str) -> Workset:
    """Every deletion pending in the project now: what a confirmation dialog shows."""
    rows = session.execute(
        select(
            Photo.id, Photo.jpg_available & ~Photo.keep_jpg, Photo.raw_available & ~Photo.keep_raw
        ).where(Photo.project_id == project_id, pending_clause())
    ).all()
    return Workset(
        frozenset(i for i, jpg, _ in rows if jpg), frozenset(i for i, _, raw in rows if raw)
    )


def decided_since(session: Session, project_id: str, workset: Workset) -> PendingCounts:
    """Deletions pending now that the confirmed workset does not hold (they wait)."""
    now = pending_workset(session, project_id)
    later = Workset(now.jpg - workset.jpg, now.raw - workset.raw)
    return later.counts


@dataclass(frozen=True)
class CommitStarted:
    task_id: str
    pending: PendingCounts
    created: bool  # False when a commit of this project was already queued or running
    workset: Workset = Workset()

    def as_json(self) -> dict[str, Any]:
        return {
            "task_id": self.task_id,
            "pending": self.pending.photos,
            "pending_jpg": self.pending.jpg,
            "pending_raw": self.pending.raw,
            "already_running": not self.created,
        }


def start_commit(
    lib: Library, store: JobStore, project: ProjectInfo, workset: Workset | None = None
) -> CommitStarted:
    """The commit already queued or running for this project, or a new one that moves
    exactly `workset` (what the person confirmed; by default everything pending now).
    Nothing is created when nothing is to move (no canceled task is left in the dock)."""
    with lib.db.read() as s:
        if workset is None:
            workset = pending_workset(s, project.id)
        counts = workset.counts
        running = s.scalar(
            select(Job.task_id)
            .where(
                Job.task_type == "change_commit",
                Job.project_id == project.id,
                Job.status.in_(ACTIVE_STATUSES),
            )
            .limit(1)
        )
    if running:
        return CommitStarted(running, counts, False, _confirmed(lib, running))
    if counts.photos == 0:
        raise NothingToCommit(f"nothing to commit in '{project.name}': no deletions are pending")
    task_id, created = store.start_task(
        "change_commit", project_id=project.id, payload={"confirmed": workset.as_payload()}
    )
    return CommitStarted(task_id, counts, created, workset)


def _confirmed(lib: Library, task_id: str) -> Workset:
    """The workset a queued or running commit confirmed."""
    with lib.db.read() as s:
        text = s.scalar(
            select(Job.payload_json)
            .where(Job.task_id == task_id, Job.type == "file_removal")
            .limit(1)
        )
    payload = json.loads(text or "{}")
    return Workset.of_payload(payload.get("confirmed") or {})


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
