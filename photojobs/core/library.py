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
from photojobs.core.db import Database
from photojobs.core.db.models import Job, Photo, Project
from photojobs.core.jobs.labels import job_label
from photojobs.core.manifest import (
    Manifest,
    ManifestError,
    project_name_problem,
    read_manifest,
    write_manifest,
)
from photojobs.core.paths import DATA_DIR, safe_folder_name, unique_folder_name
from photojobs.core.photos import pending_clause

log = logging.getLogger(__name__)

LIBRARY_ENV = "PHOTOJOBS_LIBRARY"


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
        return lib

    def close(self) -> None:
        self.db.dispose()

    @property
    def data_dir(self) -> Path:
        return self.root / DATA_DIR

    def project_path(self, project: ProjectInfo | str) -> Path:
        folder = project.folder if isinstance(project, ProjectInfo) else project
        return self.root / folder

    # -- listing and lookup -------------------------------------------------------------

    def list_projects(self) -> list[ProjectInfo]:
        """Projects by name with photo and pending counts (one pass over the photos)."""
        with self.db.read() as s:
            counts = _counts(s)
            rows = s.scalars(select(Project).order_by(func.lower(Project.name))).all()
            return [self._info(p, *counts.get(p.id, (0, 0))) for p in rows]

    def find_project(self, ref: str) -> ProjectInfo:
        """A project by id, folder name or display name (in that order of preference);
        only that project's photos are counted."""
        with self.db.read() as s:
            rows = s.scalars(select(Project)).all()
            found = [p for p in rows if ref in (p.id, p.folder)]
            if not found:
                found = [p for p in rows if p.name.casefold() == ref.casefold()]
            if len(found) > 1:
                raise LibraryError(f"several projects are named '{ref}'; use the folder name or id")
            if not found:
                raise LibraryError(f"no project '{ref}' in {self.root}")
            project = found[0]
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
        manifest = self._manifest_for(project, new_name.strip())
        if folder != project.folder:
            os.rename(project.path, self.root / folder)
        write_manifest(self.root / folder, manifest)
        with self.db.write() as s:
            row = s.get_one(Project, project.id)
            row.name, row.folder, row.manifest_error = new_name.strip(), folder, None
        return self.find_project(project.id)

    def delete_project(self, ref: str) -> Path:
        """Move the project folder into the library's own trash; nothing is destroyed."""
        project = self.find_project(ref)
        self._refuse_while_busy(project, "deleted")
        trash = self.data_dir / "trash"
        trash.mkdir(exist_ok=True)
        stamp = time.strftime("%Y%m%d-%H%M%S")
        target = trash / unique_folder_name(trash, f"{project.folder} {stamp}")
        with self.db.write() as s:
            s.execute(
                update(Job)
                .where(Job.project_id == project.id, Job.status == "queued")
                .values(status="canceled", finished_at=time.time(), error="project deleted")
            )
            if project.path.exists():
                os.rename(project.path, target)
            s.delete(s.get_one(Project, project.id))
        return target

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
        adopted = []
        with self.db.write() as s:
            by_folder = {p.folder: p for p in s.scalars(select(Project))}
            by_id = {p.id: p for p in by_folder.values()}
            for entry in sorted(os.scandir(self.root), key=lambda e: e.name):
                if entry.name.startswith(".") or not entry.is_dir(follow_symlinks=False):
                    continue
                if entry.name in by_folder:
                    continue
                row = self._adopt_one(Path(entry.path), by_id)
                if row is not None:
                    s.add(row)
                    by_id[row.id] = by_folder[row.folder] = row
                    adopted.append(row)
            for row in by_folder.values():
                gone = not (self.root / row.folder).is_dir()
                if gone and row.manifest_error is None:
                    row.manifest_error = "the project folder is missing"
                elif not gone and row.manifest_error == "the project folder is missing":
                    row.manifest_error = None
        for row in adopted:
            log.info("adopted project folder %s", row.folder)
        return [self._info(r) for r in adopted]

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
            known.folder, known.name, known.manifest_error = path.name, manifest.name, None
            return None
        if known is not None:  # a copied folder: same id twice; give the copy its own
            manifest = Manifest.new(manifest.name)
            write_manifest(path, manifest)
        return Project(id=manifest.id, name=manifest.name, folder=path.name, created_at=now)


def open_library(root: Path | str | None = None, config_path: Path | str | None = None) -> Library:
    return Library.open(Path(root) if root else None, load_config(config_path))


def _counts(s: Session, project_id: str | None = None) -> dict[str, tuple[int, int]]:
    """project id -> (photos, pending deletion), in one pass over the photos."""
    pending = case((pending_clause(), 1), else_=0)
    query = select(Photo.project_id, func.count(), func.sum(pending)).group_by(Photo.project_id)
    if project_id is not None:
        query = query.where(Photo.project_id == project_id)
    return {pid: (n, p or 0) for pid, n, p in s.execute(query)}
