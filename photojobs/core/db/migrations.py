"""Versioned schema migrations, applied at start-up after a backup copy of the database.

The version lives in `PRAGMA user_version`. Each step is plain SQL so that what a user's
database went through is readable here; `models.py` describes the result for the ORM.
"""

from __future__ import annotations

import logging
import sqlite3
import time
from pathlib import Path

from photojobs.core.natural import natural_text

log = logging.getLogger(__name__)

V1 = """
CREATE TABLE projects (
    id TEXT PRIMARY KEY,
    name TEXT NOT NULL,
    folder TEXT NOT NULL UNIQUE,
    created_at REAL NOT NULL,
    manifest_error TEXT
);
CREATE TABLE photos (
    id INTEGER PRIMARY KEY,
    project_id TEXT NOT NULL REFERENCES projects(id) ON DELETE CASCADE,
    base TEXT NOT NULL,
    files_json TEXT NOT NULL DEFAULT '[]',
    jpg_available INTEGER NOT NULL DEFAULT 0,
    raw_available INTEGER NOT NULL DEFAULT 0,
    other_available INTEGER NOT NULL DEFAULT 0,
    keep_jpg INTEGER NOT NULL DEFAULT 0,
    keep_raw INTEGER NOT NULL DEFAULT 0,
    created_at REAL NOT NULL,
    updated_at REAL NOT NULL,
    UNIQUE (project_id, base)
);
CREATE TABLE tags (
    id INTEGER PRIMARY KEY,
    name TEXT NOT NULL UNIQUE
);
CREATE TABLE photo_tags (
    photo_id INTEGER NOT NULL REFERENCES photos(id) ON DELETE CASCADE,
    tag_id INTEGER NOT NULL REFERENCES tags(id) ON DELETE CASCADE,
    PRIMARY KEY (photo_id, tag_id)
);
CREATE TABLE jobs (
    id INTEGER PRIMARY KEY,
    type TEXT NOT NULL,
    status TEXT NOT NULL DEFAULT 'queued',
    priority INTEGER NOT NULL DEFAULT 50,
    scope TEXT,
    project_id TEXT REFERENCES projects(id) ON DELETE SET NULL,
    payload_json TEXT NOT NULL DEFAULT '{}',
    progress_done INTEGER NOT NULL DEFAULT 0,
    progress_total INTEGER NOT NULL DEFAULT 0,
    attempts INTEGER NOT NULL DEFAULT 0,
    max_attempts INTEGER NOT NULL DEFAULT 3,
    available_at REAL NOT NULL,
    worker_id TEXT,
    heartbeat_at REAL,
    created_at REAL NOT NULL,
    started_at REAL,
    finished_at REAL,
    error TEXT
);
CREATE INDEX jobs_claim ON jobs (status, priority DESC, id);
CREATE TABLE job_items (
    id INTEGER PRIMARY KEY,
    job_id INTEGER NOT NULL REFERENCES jobs(id) ON DELETE CASCADE,
    photo_id INTEGER REFERENCES photos(id) ON DELETE SET NULL,
    key TEXT NOT NULL,
    status TEXT NOT NULL DEFAULT 'pending',
    message TEXT,
    updated_at REAL
);
CREATE INDEX job_items_job ON job_items (job_id, status);
CREATE TABLE trash_entries (
    id INTEGER PRIMARY KEY,
    project_id TEXT NOT NULL REFERENCES projects(id) ON DELETE CASCADE,
    photo_id INTEGER REFERENCES photos(id) ON DELETE SET NULL,
    photo_base TEXT NOT NULL,
    original_name TEXT NOT NULL,
    trash_name TEXT NOT NULL,
    size INTEGER,
    status TEXT NOT NULL DEFAULT 'pending',
    trashed_at REAL NOT NULL,
    task_id TEXT
);
CREATE INDEX trash_entries_project ON trash_entries (project_id, status);
"""

# v2: tasks and job sources (older jobs are maintenance), photo metadata and derivatives.
V2 = """
ALTER TABLE jobs ADD COLUMN source TEXT NOT NULL DEFAULT 'maintenance';
ALTER TABLE jobs ADD COLUMN task_id TEXT;
ALTER TABLE jobs ADD COLUMN task_type TEXT;
ALTER TABLE jobs ADD COLUMN task_stage INTEGER;
ALTER TABLE jobs ADD COLUMN cancel_requested INTEGER NOT NULL DEFAULT 0;
CREATE INDEX jobs_task ON jobs (task_id);
CREATE INDEX jobs_project_status ON jobs (project_id, status);
ALTER TABLE photos ADD COLUMN date_taken TEXT;
ALTER TABLE photos ADD COLUMN date_source TEXT;
ALTER TABLE photos ADD COLUMN camera_make TEXT;
ALTER TABLE photos ADD COLUMN camera_model TEXT;
ALTER TABLE photos ADD COLUMN lens TEXT;
ALTER TABLE photos ADD COLUMN width INTEGER;
ALTER TABLE photos ADD COLUMN height INTEGER;
ALTER TABLE photos ADD COLUMN iso INTEGER;
ALTER TABLE photos ADD COLUMN exposure_time TEXT;
ALTER TABLE photos ADD COLUMN aperture REAL;
ALTER TABLE photos ADD COLUMN focal_length REAL;
ALTER TABLE photos ADD COLUMN metadata_json TEXT;
ALTER TABLE photos ADD COLUMN thumbnail_status TEXT NOT NULL DEFAULT 'pending';
ALTER TABLE photos ADD COLUMN thumbnail_error TEXT;
ALTER TABLE photos ADD COLUMN preview_status TEXT NOT NULL DEFAULT 'pending';
ALTER TABLE photos ADD COLUMN preview_error TEXT;
ALTER TABLE photos ADD COLUMN source_fingerprint TEXT;
CREATE INDEX photos_project_date ON photos (project_id, date_taken);
"""

# v3: what a trashed photo was (its id, decisions and capture facts), so a restore brings
# back the same photo even when the commit removed its row.
V3 = """
ALTER TABLE trash_entries ADD COLUMN photo_json TEXT;
"""

# v4: a deleted project keeps its rows (decisions, trash journal) while its folder waits in
# `<library>/.trash/`, so a restore brings it back whole and retention counts from
# `deleted_at`; a restore is journaled like a trash move (the task that restores an entry);
# folders of the library root PhotoJobs cannot read are remembered, to be reported once.
V4 = """
ALTER TABLE projects ADD COLUMN deleted_at REAL;
ALTER TABLE trash_entries ADD COLUMN restore_task_id TEXT;
CREATE TABLE skipped_folders (
    name TEXT PRIMARY KEY,
    reason TEXT NOT NULL,
    seen_at REAL NOT NULL
);
"""


# v5, marks: the photographer's rating, flag and colour label (tags use tags / photo_tags), and
# what the XMP sidecar sync needs to apply "the newer one wins": when a mark last changed
# here, when its sidecar was last written or read, and the sidecar's mtime at that moment.
V5 = """
ALTER TABLE photos ADD COLUMN rating INTEGER NOT NULL DEFAULT 0;
ALTER TABLE photos ADD COLUMN flag TEXT NOT NULL DEFAULT 'none';
ALTER TABLE photos ADD COLUMN color_label TEXT NOT NULL DEFAULT 'none';
ALTER TABLE photos ADD COLUMN marked_at REAL;
ALTER TABLE photos ADD COLUMN sidecar_synced_at REAL;
ALTER TABLE photos ADD COLUMN sidecar_mtime_ns INTEGER;
CREATE INDEX photos_project_rating ON photos (project_id, rating);
CREATE INDEX photo_tags_tag ON photo_tags (tag_id);
"""

# v6, scale: an item report finds its row by key within its job (the v1 index was on status,
# so each report read every item of the job); deleting a photo row checks job_items and
# trash_entries for its id (foreign keys with no index scanned both tables); the Processes
# dock walks the newest jobs of one source without reading the whole history.
V6 = """
CREATE INDEX job_items_job_key ON job_items (job_id, key);
CREATE INDEX job_items_photo ON job_items (photo_id);
CREATE INDEX trash_entries_photo ON trash_entries (photo_id);
CREATE INDEX jobs_source ON jobs (source, id);
"""

# v7, the grid's order in SQL: each photo's name in natural order as text (see
# `core/natural.py`), so SQLite sorts the grid by itself (no Python sort holding the GIL
# for half a second at 100k photos) and walks an index for the order by name. The column
# is filled from Python (`fill_natural_names`), after this step and at every open.
V7 = """
ALTER TABLE photos ADD COLUMN natural_name TEXT;
CREATE INDEX photos_project_name ON photos (project_id, natural_name);
"""

# v8, the grid's default order (by date, undated last, then by name) from an index, as the
# order by name already was: at 100k photos SQLite's sort took 78 ms of a first paint that
# must come within 300 ms, the index walk 30 ms.
V8 = """
CREATE INDEX photos_project_taken_name
    ON photos (project_id, date_taken IS NULL, date_taken, natural_name);
"""

# v9: an item's file (or photo) apart from the reason. Handlers wrote one sentence,
# "b.jpg: not a photo", and readers parsed the name back off. Rows from before keep a NULL
# name and are read through `core.jobs.model.item_parts`, which splits the old sentence.
V9 = """
ALTER TABLE job_items ADD COLUMN name TEXT;
"""

MIGRATIONS: list[str] = [V1, V2, V3, V4, V5, V6, V7, V8, V9]
LATEST_VERSION = len(MIGRATIONS)


class MigrationError(RuntimeError):
    pass


def current_version(conn: sqlite3.Connection) -> int:
    return int(conn.execute("PRAGMA user_version").fetchone()[0])


def backup_copy(conn: sqlite3.Connection, db_path: Path, version: int) -> Path:
    """A consistent copy (sqlite backup API, safe under WAL) kept before changing the schema."""
    folder = db_path.parent / "backups"
    folder.mkdir(parents=True, exist_ok=True)
    stamp = time.strftime("%Y%m%d-%H%M%S")
    target = folder / f"{db_path.stem}-v{version}-{stamp}.db"
    n = 1
    while target.exists():
        n += 1
        target = folder / f"{db_path.stem}-v{version}-{stamp}-{n}.db"
    with sqlite3.connect(target) as dest:
        conn.backup(dest)
    dest.close()
    return target


def migrate(db_path: Path, target: int = LATEST_VERSION) -> int:
    """Bring the database at `db_path` to `target`; returns the version it started at."""
    conn = sqlite3.connect(db_path, isolation_level=None, timeout=30)
    try:
        conn.execute("PRAGMA journal_mode=WAL")
        start = current_version(conn)
        if start > LATEST_VERSION:
            raise MigrationError(
                f"{db_path} was written by a newer PhotoJobs (schema {start}, this one "
                f"knows {LATEST_VERSION}); update PhotoJobs to open this library"
            )
        if start >= target:
            fill_natural_names(conn)
            return start
        if start > 0:
            kept = backup_copy(conn, db_path, start)
            log.info("schema %d -> %d; backup kept at %s", start, target, kept)
        for version in range(start + 1, target + 1):
            _apply(conn, version)
        fill_natural_names(conn)
        return start
    finally:
        conn.close()


def _apply(conn: sqlite3.Connection, version: int) -> None:
    conn.execute("BEGIN IMMEDIATE")
    try:
        if current_version(conn) >= version:  # another process got here first
            conn.execute("ROLLBACK")
            return
        for statement in _statements(MIGRATIONS[version - 1]):
            conn.execute(statement)
        conn.execute(f"PRAGMA user_version = {version}")
        conn.execute("COMMIT")
    except Exception:
        conn.execute("ROLLBACK")
        raise


def fill_natural_names(conn: sqlite3.Connection) -> int:
    """Give every photo row without one its natural name (rows from before v7, or written
    by hand); how many were filled."""
    if current_version(conn) < 7:
        return 0
    rows = conn.execute(  # project by project through the index: no scan of every photo
        "SELECT p.id, p.base FROM projects j CROSS JOIN photos p"
        " ON p.project_id = j.id AND p.natural_name IS NULL"
    ).fetchall()
    if rows:  # one write transaction, only when rows lack the name
        conn.execute("BEGIN IMMEDIATE")
        try:
            conn.executemany(
                "UPDATE photos SET natural_name = ? WHERE id = ? AND natural_name IS NULL",
                [(natural_text(base), photo_id) for photo_id, base in rows],
            )
            conn.execute("COMMIT")
        except Exception:
            conn.execute("ROLLBACK")
            raise
    return len(rows)


def _statements(script: str) -> list[str]:
    return [s.strip() for s in script.split(";") if s.strip()]
