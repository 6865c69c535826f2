"""A project of real photos in tmp_path whose jobs run synchronously through the core
runner (no Qt): claim, run, repeat until the queue is empty."""

from __future__ import annotations

import hashlib
import json
import shutil
import sqlite3
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from sqlalchemy import update

from photojobs.core.commits import CommitStarted, start_commit, start_restore
from photojobs.core.db.models import Photo
from photojobs.core.handlers import default_registry
from photojobs.core.jobs.context import JobContext
from photojobs.core.jobs.model import JobRecord
from photojobs.core.jobs.runner import run_job
from photojobs.core.jobs.store import JobStore, new_worker_id
from photojobs.core.library import Library, ProjectInfo
from photojobs.core.photos import KeepDecision, PhotoRecord, ScanResult, photos_of, scan_project
from photojobs.core.photos import set_keep as set_keep_flags

DATA = Path(__file__).parents[2] / "data"
MAX_JOBS = 200  # a run that claims more than this is looping: fail instead of hanging
LATER = 24 * 3600.0  # claim as if a day had passed, so retries after a backoff run too


def blake(path: Path) -> str:
    return hashlib.blake2b(path.read_bytes()).hexdigest()


@dataclass
class Shoot:
    lib: Library
    project: ProjectInfo
    events: list[Any] = field(default_factory=list)

    @property
    def dir(self) -> Path:
        return self.project.path

    @property
    def trash(self) -> Path:
        return self.dir / ".trash"

    @property
    def store(self) -> JobStore:
        return JobStore(self.lib.db, self.lib.config)

    # -- files ----------------------------------------------------------------------------

    def add(self, name: str, sample: str = "IMG_0001.JPG") -> Path:
        target = self.dir / name
        shutil.copyfile(DATA / sample, target)
        return target

    def pair(self, base: str, jpg: str = "IMG_0001.JPG", raw: str = "RAWFULL_0001.DNG") -> None:
        self.add(f"{base}.JPG", jpg)
        self.add(f"{base}.DNG", raw)

    def files(self) -> list[str]:
        """The visible top-level files: originals and unknown files, not `.project.yaml`."""
        return sorted(
            p.name for p in self.dir.iterdir() if p.is_file() and not p.name.startswith(".")
        )

    def originals(self) -> dict[str, str]:
        return {name: blake(self.dir / name) for name in self.files()}

    def stats(self) -> dict[str, tuple[int, int, str]]:
        """mtime, size and hash of each visible file: what 'untouched' means."""
        found = {}
        for name in self.files():
            st = (self.dir / name).stat()
            found[name] = (st.st_mtime_ns, st.st_size, blake(self.dir / name))
        return found

    def trashed(self) -> list[str]:
        return sorted(p.name for p in self.trash.iterdir()) if self.trash.exists() else []

    def thumb(self, base: str) -> Path:
        return self.dir / ".thumb" / f"{base}.jpg"

    def preview(self, base: str) -> Path:
        return self.dir / ".preview" / f"{base}.jpg"

    # -- database -------------------------------------------------------------------------

    def scan(self) -> ScanResult:
        with self.lib.db.write() as s:
            return scan_project(s, self.project.id, self.dir)

    def keep(self, decision: KeepDecision, *bases: str) -> None:
        with self.lib.db.write() as s:
            assert set_keep_flags(s, self.project.id, list(bases), decision) == []

    def made(self, *bases: str) -> None:
        """Mark these photos' derivatives as made, as a finished derivatives run leaves
        them (a photo left pending is one maintenance makes them for)."""
        with self.lib.db.write() as s:
            s.execute(
                update(Photo)
                .where(Photo.project_id == self.project.id, Photo.base.in_(bases))
                .values(thumbnail_status="generated", preview_status="generated")
            )

    def photos(self) -> dict[str, PhotoRecord]:
        with self.lib.db.read() as s:
            return {p.base: p for p in photos_of(s, self.project.id)}

    def photo(self, base: str) -> PhotoRecord | None:
        return self.photos().get(base)

    def rows(self, table: str, where: str = "1", *params: Any) -> list[dict[str, Any]]:
        """Read a table with plain sqlite3, independent of the ORM and the code under test."""
        conn = sqlite3.connect(self.lib.db.path)
        conn.row_factory = sqlite3.Row
        try:
            found = conn.execute(f"SELECT * FROM {table} WHERE {where} ORDER BY id", params)
            return [dict(r) for r in found]
        finally:
            conn.close()

    def entries(self) -> list[dict[str, Any]]:
        return self.rows("trash_entries")

    def jobs(self, task_id: str | None = None, job_type: str | None = None) -> list[dict[str, Any]]:
        found = self.rows("jobs")
        return [
            dict(j, payload=json.loads(j["payload_json"]))
            for j in found
            if (task_id is None or j["task_id"] == task_id)
            and (job_type is None or j["type"] == job_type)
        ]

    def items(self, job_id: int) -> dict[str, dict[str, Any]]:
        return {r["key"]: r for r in self.rows("job_items", "job_id = ?", job_id)}

    def only_job(self, task_id: str | None, job_type: str) -> dict[str, Any]:
        found = self.jobs(task_id, job_type)
        assert len(found) == 1, found
        return found[0]

    # -- tasks ----------------------------------------------------------------------------

    def commit(self) -> str:
        started: CommitStarted = start_commit(self.lib, self.store, self.project)
        assert started.created
        return started.task_id

    def restore(self, **which: Any) -> str:
        return start_restore(self.store, self.project, **which)

    def run_next(self, clock: Callable[[], float] = time.time) -> JobRecord | None:
        """Claim the most urgent job and run it to its end; None when the queue is empty."""
        store, worker = self.store, new_worker_id()
        job = store.claim(worker, now=time.time() + LATER)
        if job is not None:
            ctx = JobContext(self.lib, store, job, self.events.append, clock=clock)
            run_job(ctx, default_registry(), worker)
        return job

    def run_all(self, clock: Callable[[], float] = time.time) -> list[JobRecord]:
        """Run every queued job, follow-ups included; returns the jobs in the order run."""
        ran: list[JobRecord] = []
        while (job := self.run_next(clock)) is not None:
            ran.append(job)
            assert len(ran) < MAX_JOBS, f"still claiming jobs after {MAX_JOBS}: {ran[-3:]}"
        return ran

    def run_one(self, job_type: str, **kwargs: Any) -> dict[str, Any]:
        """Enqueue one job of this project outside any task, run the queue, return its row."""
        kwargs.setdefault("source", "user")
        job = self.store.enqueue(job_type, project_id=self.project.id, **kwargs)
        self.run_all()
        return self.rows("jobs", "id = ?", job.id)[0]
