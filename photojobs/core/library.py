"""A library folder: its database, its project folders, and keeping the two in step."""

from __future__ import annotations

import logging
import os
import time
import uuid
from dataclasses import dataclass
from pathlib import Path

import platformdirs
from sqlalchemy import case, func, select, update
from sqlalchemy.orm import Session

from photojobs import APP_NAME
from photojobs.core.config import Config, load_config
from photojobs.core.crash_points import crash_point
from photojobs.core.db import Database
from photojobs.core.db.models import Job, Photo, Project, SkippedFolder
from photojobs.core.jobs.events import EventSink, discard
from photojobs.core.jobs.labels import job_label
from photojobs.core.jobs.runner import announce_jobs
from photojobs.core.jobs.store import JobStore
from photojobs.core.manifest import (
    Manifest,
    ManifestError,
    project_name_problem,
    read_manifest,
    write_manifest,
)
from photojobs.core.paths import (
    DATA_DIR,
    TRASH_DIR,
    UnsafePathError,
    inside,
    is_plain_name,
    project_subdir,
    safe_folder_name,
    unique_folder_name,
)
from photojobs.core.photos import pending_clause

log = logging.getLogger(__name__)

LIBRARY_ENV = "PHOTOJOBS_LIBRARY"
LIVE = Project.deleted_at.is_(None)  # not waiting in the library trash
STAMP = "%Y%m%d-%H%M%S"  # added to a deleted project's folder name in the library trash


class LibraryError(RuntimeError):
    """A library or project operation cannot be done; the message says why."""


@dataclass(frozen=True)
class ProjectInfo:
    id: str
    name: str
    folder: str
    path: Path
    created_at: float
    manifest_error: str | None = None
    photo_count: int = 0
    pending_count: int = 0

    def as_json(self, counts: bool = False) -> dict[str, object]:
        out: dict[str, object] = {
            "id": self.id,
            "name": self.name,
            "folder": self.folder,
            "path": str(self.path),
        }
        if counts:
            out |= {"photo_count": self.photo_count, "pending_count": self.pending_count}
            if self.manifest_error:
                out["manifest_error"] = self.manifest_error
        return out


def default_library_path() -> Path:
    env = os.environ.get(LIBRARY_ENV)
    if env:
        return Path(env).expanduser()
    return Path(platformdirs.user_pictures_dir()) / APP_NAME


class Library:
    def __init__(self, root: Path, db: Database, config: Config):
        self.root = root
        self.db = db
        self.config = config
        self.newly_skipped: list[tuple[str, str]] = []  # by the last adopt_folders

    @classmethod
    def open(cls, root: Path | None = None, config: Config | None = None) -> Library:
        """Open (creating if needed) the library at `root` and adopt unknown project folders."""
        root = Path(root or default_library_path()).expanduser().absolute()
        if root.exists() and not root.is_dir():
            raise LibraryError(f"{root}: the library must be a folder, this is a file")
        try:
            (root / DATA_DIR).mkdir(parents=True, exist_ok=True)
        except OSError as e:
            raise LibraryError(f"{root}: cannot create the library folder ({e.strerror})") from e
        lib = cls(root, Database(root / DATA_DIR / "library.db"), config or load_config())
        lib.adopt_folders()
        from photojobs.core import library_trash  # it builds on this module

        library_trash.settle(lib)
        return lib

    @classmethod
    def attach(cls, root: Path, config: Config) -> Library:
        """An open library seen from a second process of the same session (the jobs
        process): no folder adoption or trash settling, the window's process did those."""
        database = root / DATA_DIR / "library.db"
        if not database.is_file():
            raise LibraryError(f"{root}: no library database at {database}")
        return cls(root, Database(database), config)

    def close(self) -> None:
        self.db.dispose()

    @property
    def data_dir(self) -> Path:
        return self.root / DATA_DIR

    def project_path(self, project: ProjectInfo | str) -> Path:
        folder = project.folder if isinstance(project, ProjectInfo) else project
        return self.root / folder

    def checked_path(self, project: ProjectInfo) -> Path:
        """The project's folder, for work that writes, moves or deletes in it: one folder
        directly under the library, not a link (a known folder replaced by a link to
        elsewhere is refused, not followed). Raises LibraryError with the reason."""
        try:
            path = inside(self.root, project.folder)
        except UnsafePathError:
            raise LibraryError(_link_reason(self.root / project.folder, project.name)) from None
        if not path.is_dir():
            raise LibraryError(f"the folder of project '{project.name}' is missing")
        return path

    # -- listing and lookup -------------------------------------------------------------

    def list_projects(self, counted: bool = True) -> list[ProjectInfo]:
        """Projects by name with photo and pending counts (one pass over the photos), or
        with none when not `counted`."""
        with self.db.read() as s:
            counts = _counts(s) if counted else {}
            rows = s.scalars(select(Project).where(LIVE).order_by(func.lower(Project.name))).all()
            return [self._info(p, *counts.get(p.id, (0, 0))) for p in rows]

    def find_project(self, ref: str, counted: bool = True) -> ProjectInfo:
        """A project by id, folder name or display name (in that order of preference);
        only that project's photos are counted, and not at all when not `counted` (a job
        that only needs the folder: counting 100k photos is a scan of them)."""
        with self.db.read() as s:
            rows = s.scalars(select(Project).where(LIVE)).all()
            found = [p for p in rows if ref in (p.id, p.folder)]
            if not found:
                found = [p for p in rows if p.name.casefold() == ref.casefold()]
            if len(found) > 1:
                raise LibraryError(f"several projects are named '{ref}'; use the folder name or id")
            if not found:
                raise LibraryError(f"no project '{ref}' in {self.root}")
            project = found[0]
            if not counted:
                return self._info(project)
            return self._info(project, *_counts(s, project.id).get(project.id, (0, 0)))

    def _info(self, p: Project, photos: int = 0, pending: int = 0) -> ProjectInfo:
        return ProjectInfo(
            p.id,
            p.name,
            p.folder,
            self.root / p.folder,
            p.created_at,
            p.manifest_error,
            photos,
            pending,
        )

    # -- create, rename, delete -----------------------------------------------------------

    def create_project(self, name: str) -> ProjectInfo:
        if (problem := project_name_problem(name)) is not None:
            raise LibraryError(problem)
        folder = unique_folder_name(self.root, safe_folder_name(name), self._known_folders())
        path = self.root / folder
        manifest = Manifest.new(name.strip())
        path.mkdir()
        write_manifest(path, manifest)
        with self.db.write() as s:
            s.add(
                Project(id=manifest.id, name=manifest.name, folder=folder, created_at=time.time())
            )
        return self.find_project(manifest.id)

    def rename_project(self, ref: str, new_name: str) -> ProjectInfo:
        """Display name and folder change together; the folder moves first (see adopt)."""
        project = self.find_project(ref)
        if (problem := project_name_problem(new_name)) is not None:
            raise LibraryError(problem)
        self._refuse_while_busy(project, "renamed")
        wanted = safe_folder_name(new_name)
        folder = project.folder
        if wanted.casefold() != project.folder.casefold():
            folder = unique_folder_name(self.root, wanted, self._known_folders())
        elif wanted != project.folder:
            folder = wanted  # a change of case only
        self.checked_path(project)  # the manifest is written in it
        manifest = self._manifest_for(project, new_name.strip())
        if folder != project.folder:
            os.rename(project.path, self.root / folder)
        write_manifest(self.root / folder, manifest)
        with self.db.write() as s:
            row = s.get_one(Project, project.id)
            row.name, row.folder, row.manifest_error = new_name.strip(), folder, None
        return self.find_project(project.id)

    def delete_project(self, ref: str, *, announce: EventSink = discard) -> Path | None:
        """Move the project folder to `<library>/.trash/<folder> <stamp>`, outside
        `.photojobs/`, so losing the app's data never loses a deleted project's photos. The
        row stays (decisions, trash journal) with `deleted_at`, until it is restored or
        emptied. Its queued jobs are canceled in the same transaction and announced to
        `announce` after it (the window's worker loop), so no view waits for them. Returns
        where the folder went (None when it was missing, or a link to elsewhere, which is
        left as it is)."""
        project = self.find_project(ref)
        self._refuse_while_busy(project, "deleted")
        now = time.time()
        moved_to: Path | None = None
        with self.db.write() as s:
            canceled = list(
                s.scalars(
                    select(Job.id).where(Job.project_id == project.id, Job.status == "queued")
                )
            )
            s.execute(
                update(Job)
                .where(Job.id.in_(canceled))
                .values(status="canceled", finished_at=now, error="project deleted")
            )
            row = s.get_one(Project, project.id)
            if not is_plain_name(project.folder):  # from the database: never `../x`
                raise LibraryError(f"'{project.folder}': not a folder of this library")
            if not os.path.lexists(project.path) or project.path.is_symlink():
                s.delete(row)  # no folder of ours to keep; a link is left where it is
            else:
                trash = self.trash_dir(create=True)
                name = unique_folder_name(trash, f"{project.folder} {time.strftime(STAMP)}")
                os.rename(project.path, trash / name)
                crash_point("project:moved")  # the next open records it (library_trash.settle)
                row.folder, row.deleted_at = f"{TRASH_DIR}/{name}", now
                moved_to = trash / name
        if canceled:
            store = JobStore(self.db, self.config)
            announce_jobs(store, announce, [j for j in map(store.get, canceled) if j])
        return moved_to

    def trash_dir(self, create: bool = False) -> Path:
        """`<library>/.trash/`, where deleted projects wait; refused when it is a link."""
        try:
            return project_subdir(self.root, TRASH_DIR, create=create)
        except UnsafePathError as e:
            raise LibraryError(str(e)) from e

    def _refuse_while_busy(self, project: ProjectInfo, what: str) -> None:
        """A job running in the folder would lose its way (a commit half done, say)."""
        with self.db.read() as s:
            busy = s.scalar(
                select(Job.type).where(Job.project_id == project.id, Job.status == "running")
            )
        if busy is not None:
            raise LibraryError(
                f"'{project.name}' cannot be {what} while its jobs run ({job_label(busy)}); "
                "try again when they finish"
            )

    def _manifest_for(self, project: ProjectInfo, name: str) -> Manifest:
        try:
            created = read_manifest(project.path).created_at
        except ManifestError:
            created = time.strftime("%Y-%m-%dT%H:%M:%S+00:00", time.gmtime(project.created_at))
        return Manifest(name=name, id=project.id, created_at=created)

    def _known_folders(self) -> set[str]:
        with self.db.read() as s:
            return set(s.scalars(select(Project.folder)).all())

    # -- adoption -------------------------------------------------------------------------

    def adopt_folders(self) -> list[ProjectInfo]:
        """Add project folders that are on disk but not in the database.

        A folder whose manifest names a known project whose folder is gone is that project,
        moved or renamed outside the app (or by a rename cut short by a crash).
        """
        adopted, skipped = [], {}
        with self.db.write() as s:
            by_folder = {p.folder: p for p in s.scalars(select(Project))}
            by_id = {p.id: p for p in by_folder.values()}
            for entry in sorted(os.scandir(self.root), key=lambda e: e.name):
                if entry.name.startswith(".") or not entry.is_dir(follow_symlinks=False):
                    continue  # hidden: .photojobs, the library's .trash, anything of a tool's
                if entry.name in by_folder:
                    continue
                try:
                    row = self._adopt_one(Path(entry.path), by_id)
                except OSError as e:  # lost+found, another user's folder: not ours to use
                    skipped[entry.name] = f"cannot be read or written ({e.strerror or e})"
                    continue
                if row is not None:
                    s.add(row)
                    by_id[row.id] = by_folder[row.folder] = row
                    adopted.append(row)
            for row in by_folder.values():
                if row.deleted_at is None:
                    row.manifest_error = self._folder_problem(row) or _unless_folder(row)
            self.newly_skipped = _remember_skipped(s, skipped, time.time())
        for row in adopted:
            log.info("adopted project folder %s", row.folder)
        for name, reason in self.newly_skipped:
            log.info("skipped folder %s: %s", name, reason)
        return [self._info(r) for r in adopted]

    def skipped_folders(self) -> list[tuple[str, str]]:
        """(folder, reason) for each folder of the library root that is not a project
        because PhotoJobs cannot read or write it."""
        with self.db.read() as s:
            rows = s.scalars(select(SkippedFolder).order_by(SkippedFolder.name))
            return [(r.name, r.reason) for r in rows]

    def _folder_problem(self, row: Project) -> str | None:
        """Why a known project's folder cannot be used, as listed next to its name."""
        path = self.root / row.folder
        if path.is_symlink():
            return _link_reason(path, row.name)
        if not path.is_dir():
            return FOLDER_MISSING
        return None

    def _adopt_one(self, path: Path, by_id: dict[str, Project]) -> Project | None:
        now = time.time()
        try:
            manifest = read_manifest(path)
        except ManifestError as e:
            if path.joinpath(".project.yaml").exists():
                # Keep the broken file for the user to see; list the project with the reason.
                return Project(
                    id=str(uuid.uuid4()),
                    name=path.name,
                    folder=path.name,
                    created_at=now,
                    manifest_error=str(e),
                )
            manifest = Manifest.new(path.name)
            write_manifest(path, manifest)
            return Project(id=manifest.id, name=manifest.name, folder=path.name, created_at=now)
        known = by_id.get(manifest.id)
        if known is not None and not (self.root / known.folder).is_dir():
            # Also a deleted project moved back out of the library trash by hand.
            known.folder, known.name, known.manifest_error = path.name, manifest.name, None
            known.deleted_at = None
            return None
        if known is not None:  # a copied folder: same id twice; give the copy its own
            manifest = Manifest.new(manifest.name)
            write_manifest(path, manifest)
        return Project(id=manifest.id, name=manifest.name, folder=path.name, created_at=now)


FOLDER_MISSING = "the project folder is missing"
FOLDER_LINKED = "is a link to"


def _link_reason(path: Path, name: str) -> str:
    return (
        f"the folder of project '{name}' {FOLDER_LINKED} {os.path.realpath(path)}; PhotoJobs "
        "does not follow it (put the real folder back in the library)"
    )


def _unless_folder(row: Project) -> str | None:
    """The row's own manifest error, without a folder problem that has been fixed."""
    error = row.manifest_error
    if error == FOLDER_MISSING or (error and FOLDER_LINKED in error):
        return None
    return error


def _remember_skipped(s: Session, skipped: dict[str, str], now: float) -> list[tuple[str, str]]:
    """Record the folders skipped this time; returns those not reported before, so each is
    reported once, not by every command. A folder readable again is forgotten."""
    known = {r.name: r for r in s.scalars(select(SkippedFolder))}
    for name, row in known.items():
        if name not in skipped:
            s.delete(row)
    new = [(n, why) for n, why in skipped.items() if n not in known]
    s.add_all(SkippedFolder(name=n, reason=why, seen_at=now) for n, why in new)
    return new


def open_library(root: Path | str | None = None, config_path: Path | str | None = None) -> Library:
    return Library.open(Path(root) if root else None, load_config(config_path))


def _counts(s: Session, project_id: str | None = None) -> dict[str, tuple[int, int]]:
    """project id -> (photos, pending deletion), in one pass over the photos."""
    pending = case((pending_clause(), 1), else_=0)
    query = select(Photo.project_id, func.count(), func.sum(pending)).group_by(Photo.project_id)
    if project_id is not None:
        query = query.where(Photo.project_id == project_id)
    return {pid: (n, p or 0) for pid, n, p in s.execute(query)}
