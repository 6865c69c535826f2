"""Rebuild a damaged library database from the project folders, which are the truth.

The damaged file is kept aside (never deleted). A fresh database is made, every row that
can still be read from the damaged copy is carried over (projects, photos with their
decisions and capture facts, tags, the trash journal), then the folders are adopted and
scanned: what the damaged copy lost comes back from the disk, minus decisions and history.
Queued jobs are not carried over; maintenance remakes missing thumbnails.
"""

from __future__ import annotations

import logging
import os
import sqlite3
import time
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path

from photojobs.core.config import Config
from photojobs.core.db import Database
from photojobs.core.jobs.liveness import WORKERS_DIR, live_workers
from photojobs.core.library import Library, LibraryError
from photojobs.core.paths import DATA_DIR
from photojobs.core.photos import scan_project

log = logging.getLogger(__name__)

DB_NAME = "library.db"
KEPT_DIR = "damaged"  # inside `.photojobs/`
# Parents before children, so every reference a row makes is already there.
SALVAGED = ("projects", "photos", "tags", "photo_tags", "trash_entries")
CHUNK = 256  # rows read at once; a chunk that meets a damaged page is read row by row


@dataclass
class RebuildReport:
    kept_at: Path
    projects: int = 0
    photos: int = 0
    salvaged: dict[str, int] = field(default_factory=dict)
    unreadable: list[str] = field(default_factory=list)  # tables the damage took whole

    def as_json(self) -> dict[str, object]:
        return {
            "damaged_copy": str(self.kept_at),
            "projects": self.projects,
            "photos": self.photos,
            "salvaged": self.salvaged,
            "unreadable_tables": self.unreadable,
        }


def rebuild_database(root: Path, config: Config) -> RebuildReport:
    """Move the database aside, make a new one from what is readable and from the folders."""
    data = root / DATA_DIR
    db_path = data / DB_NAME
    if not db_path.is_file():
        raise LibraryError(f"{root}: no library database to rebuild")
    _refuse_while_running(data / WORKERS_DIR)
    kept = _move_aside(db_path)
    report = RebuildReport(kept)
    fresh = Database(db_path)
    fresh.dispose()
    _salvage(kept, db_path, report)
    lib = Library.open(root, config)  # adopts the folders the salvage did not know
    try:
        for project in lib.list_projects():
            if project.path.is_dir():
                with lib.db.write() as s:
                    scan_project(s, project.id, project.path)
        projects = lib.list_projects()
        report.projects = len(projects)
        report.photos = sum(p.photo_count for p in projects)
    finally:
        lib.close()
    log.info("library database rebuilt; the damaged one is kept at %s", kept)
    return report


def _refuse_while_running(workers: Path) -> None:
    """A running PhotoJobs would go on writing into the file being moved away."""
    if live_workers(workers):
        raise LibraryError(
            "PhotoJobs is running on this library (the window or `photojobs-cli run`); "
            "close it, then rebuild"
        )


def _move_aside(db_path: Path) -> Path:
    """`.photojobs/damaged/library-<time>.db`, with its -wal and -shm beside it."""
    folder = db_path.parent / KEPT_DIR
    folder.mkdir(exist_ok=True)
    stamp = time.strftime("%Y%m%d-%H%M%S")
    target = folder / f"{db_path.stem}-{stamp}.db"
    n = 1
    while target.exists():
        n += 1
        target = folder / f"{db_path.stem}-{stamp}-{n}.db"
    for suffix in ("-wal", "-shm"):
        side = db_path.with_name(db_path.name + suffix)
        if side.exists():
            os.replace(side, target.with_name(target.name + suffix))
    os.replace(db_path, target)
    return target


def _salvage(damaged: Path, fresh: Path, report: RebuildReport) -> None:
    src = sqlite3.connect(damaged)
    dst = sqlite3.connect(fresh, isolation_level=None)
    try:
        dst.execute("PRAGMA foreign_keys=ON")
        for table in SALVAGED:
            columns = _shared_columns(src, dst, table)
            if columns is None:
                report.unreadable.append(table)
                continue
            report.salvaged[table] = _copy(src, dst, table, columns)
    finally:
        src.close()
        dst.close()


def _shared_columns(
    src: sqlite3.Connection, dst: sqlite3.Connection, table: str
) -> list[str] | None:
    """Columns both schemas have; None when the damaged copy's table cannot be read at all."""
    wanted = [r[1] for r in dst.execute(f'PRAGMA table_info("{table}")')]
    try:
        present = {r[1] for r in src.execute(f'PRAGMA table_info("{table}")')}
        src.execute(f'SELECT count(*) FROM (SELECT 1 FROM "{table}" LIMIT 1)').fetchone()
    except sqlite3.DatabaseError:
        return None
    shared = [c for c in wanted if c in present]
    return shared or None


def _copy(src: sqlite3.Connection, dst: sqlite3.Connection, table: str, columns: list[str]) -> int:
    names = ", ".join(f'"{c}"' for c in columns)
    insert = f'INSERT OR IGNORE INTO "{table}" ({names}) VALUES ({", ".join("?" * len(columns))})'
    photo_id = columns.index("photo_id") if table == "trash_entries" else None
    copied = 0
    dst.execute("BEGIN")
    for row in _readable_rows(src, table, names):
        values = list(row)
        if photo_id is not None and values[photo_id] is not None:
            known = dst.execute("SELECT 1 FROM photos WHERE id = ?", (values[photo_id],))
            if known.fetchone() is None:
                values[photo_id] = None  # its photo row was lost: the entry still counts
        try:
            copied += dst.execute(insert, values).rowcount
        except sqlite3.IntegrityError:
            continue  # refers to a row the damage took
    dst.execute("COMMIT")
    return copied


def _readable_rows(src: sqlite3.Connection, table: str, names: str) -> Iterator[tuple[object, ...]]:
    """Every row that can still be read, by rowid ranges; a range that meets a damaged page
    is read one row at a time, so the damage costs only the rows it took."""
    select = f'SELECT {names} FROM "{table}"'
    try:
        top = src.execute(f'SELECT max(rowid) FROM "{table}"').fetchone()[0]
    except sqlite3.DatabaseError:
        top = None
    if top is None:  # empty, or the end of the table is unreadable: read until the damage
        try:
            yield from src.execute(select)
        except sqlite3.DatabaseError:
            return
        return
    for start in range(1, int(top) + 1, CHUNK):
        end = start + CHUNK - 1
        try:
            rows = src.execute(f"{select} WHERE rowid BETWEEN ? AND ?", (start, end)).fetchall()
        except sqlite3.DatabaseError:
            rows = []
            for rowid in range(start, min(end, int(top)) + 1):
                try:
                    rows += src.execute(f"{select} WHERE rowid = ?", (rowid,)).fetchall()
                except sqlite3.DatabaseError:
                    continue
        yield from rows
