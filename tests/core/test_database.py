"""The library database: migrations from old versions, errors, locking, pragmas."""

from __future__ import annotations

import sqlite3
from collections.abc import Iterator
from pathlib import Path

import pytest
from sqlalchemy import select, text
from sqlalchemy.exc import IntegrityError

from photojobs.core.config import Config
from photojobs.core.db import LATEST_VERSION, Database, DatabaseError
from photojobs.core.db.migrations import migrate
from photojobs.core.db.models import Base, Job, Photo, Project
from photojobs.core.jobs.store import JobStore
from photojobs.core.natural import natural_text

PROJECT_ID = "2a6f7e1c-1111-4c1d-9a0a-5b2e3c4d5e6f"


@pytest.fixture
def db_path(tmp_path: Path) -> Path:
    folder = tmp_path / "library" / ".photojobs"
    folder.mkdir(parents=True)
    return folder / "library.db"


@pytest.fixture
def db(db_path: Path) -> Iterator[Database]:
    database = Database(db_path)
    yield database
    database.dispose()


def version_of(path: Path) -> int:
    conn = sqlite3.connect(path)
    try:
        return int(conn.execute("PRAGMA user_version").fetchone()[0])
    finally:
        conn.close()


def make_v1_database(path: Path) -> None:
    """A database exactly as the first schema version left it, with a little history."""
    assert migrate(path, target=1) == 0
    assert version_of(path) == 1
    conn = sqlite3.connect(path)
    with conn:
        conn.execute(
            "INSERT INTO projects (id, name, folder, created_at) VALUES (?, ?, ?, ?)",
            (PROJECT_ID, "Old project", "Old project", 1_600_000_000.0),
        )
        conn.executemany(
            "INSERT INTO photos (project_id, base, files_json, jpg_available, raw_available,"
            " keep_jpg, keep_raw, created_at, updated_at) VALUES (?, ?, ?, ?, ?, ?, ?, 1, 1)",
            [
                (PROJECT_ID, "DSC_1", '["DSC_1.ARW", "DSC_1.JPG"]', 1, 1, 1, 0),
                (PROJECT_ID, "DSC_2", '["DSC_2.JPG"]', 1, 0, 1, 0),
            ],
        )
        conn.execute(
            "INSERT INTO jobs (type, status, project_id, available_at, created_at)"
            " VALUES ('generate_derivatives', 'completed', ?, 1, 1)",
            (PROJECT_ID,),
        )
    conn.close()


def test_a_new_database_is_at_the_latest_version(db: Database, db_path: Path) -> None:
    assert db.migrated_from == 0
    assert version_of(db_path) == LATEST_VERSION
    assert not (db_path.parent / "backups").exists(), "nothing to back up in a new database"


def test_upgrade_from_the_first_version_keeps_rows_and_a_backup(db_path: Path) -> None:
    make_v1_database(db_path)
    db = Database(db_path)
    try:
        assert db.migrated_from == 1
        assert version_of(db_path) == LATEST_VERSION
        with db.read() as s:
            project = s.get_one(Project, PROJECT_ID)
            assert (project.name, project.folder) == ("Old project", "Old project")
            photos = s.scalars(select(Photo).order_by(Photo.base)).all()
            assert [(p.base, p.keep_jpg, p.keep_raw) for p in photos] == [
                ("DSC_1", True, False),
                ("DSC_2", True, False),
            ]
            assert [p.thumbnail_status for p in photos] == ["pending", "pending"]
            natural = [natural_text("DSC_1"), natural_text("DSC_2")]
            assert [p.natural_name for p in photos] == natural
            assert [p.date_taken for p in photos] == [None, None]
            job = s.scalars(select(Job)).one()
            assert (job.type, job.status, job.source, job.task_id) == (
                "generate_derivatives", "completed", "maintenance", None,
            )  # fmt: skip
    finally:
        db.dispose()

    backups = list((db_path.parent / "backups").iterdir())
    assert len(backups) == 1 and backups[0].name.startswith("library-v1-")
    assert version_of(backups[0]) == 1
    conn = sqlite3.connect(backups[0])
    try:
        assert conn.execute("SELECT count(*) FROM photos").fetchone() == (2,)
        columns = {row[1] for row in conn.execute("PRAGMA table_info(jobs)")}
        assert "source" not in columns, "the backup is the old schema, untouched"
    finally:
        conn.close()


def make_database_before_item_names(path: Path, version: int) -> int:
    """A database as schema `version` (before v9) left it, with item sentences as the
    handlers wrote them then: the file's name and the reason in one message. Returns the
    job's id."""
    assert migrate(path, target=version) == 0
    conn = sqlite3.connect(path)
    with conn:
        conn.execute(
            "INSERT INTO projects (id, name, folder, created_at) VALUES (?, 'Old', 'Old', 1)",
            (PROJECT_ID,),
        )
        job_id = conn.execute(
            "INSERT INTO jobs (type, status, project_id, source, available_at, created_at)"
            " VALUES ('restore_files', 'completed', ?, 'user', 1, 1)",
            (PROJECT_ID,),
        ).lastrowid
        conn.executemany(
            "INSERT INTO job_items (job_id, key, status, message) VALUES (?, ?, ?, ?)",
            [
                (job_id, "A.JPG", "done", None),
                (job_id, "B.JPG", "failed", "B.JPG: a file with this name is already there"),
                (job_id, "C.JPG", "failed", "not restored: the journal leads outside"),
            ],
        )
    conn.close()
    assert job_id is not None
    return job_id


@pytest.mark.parametrize("version", [7, 8])
def test_an_upgrade_reads_old_item_sentences_as_name_and_reason(
    db_path: Path, config: Config, version: int
) -> None:
    job_id = make_database_before_item_names(db_path, version)
    db = Database(db_path)
    try:
        assert db.migrated_from == version
        assert version_of(db_path) == LATEST_VERSION
        items = JobStore(db, config).items(job_id)
    finally:
        db.dispose()
    assert [(i.key, i.status, i.name, i.reason) for i in items] == [
        ("A.JPG", "done", "A.JPG", ""),
        ("B.JPG", "failed", "B.JPG", "a file with this name is already there"),
        ("C.JPG", "failed", "C.JPG", "not restored: the journal leads outside"),
    ]
    conn = sqlite3.connect(db_path)
    try:
        stored = conn.execute("SELECT name, message FROM job_items ORDER BY id").fetchall()
    finally:
        conn.close()
    assert stored[1] == (None, "B.JPG: a file with this name is already there"), "rows untouched"
    backups = list((db_path.parent / "backups").iterdir())
    assert [b.name.startswith(f"library-v{version}-") for b in backups] == [True]


def test_opening_an_up_to_date_database_makes_no_backup(db_path: Path) -> None:
    Database(db_path).dispose()
    db = Database(db_path)
    db.dispose()
    assert db.migrated_from == LATEST_VERSION
    assert not (db_path.parent / "backups").exists()


def test_new_jobs_default_to_maintenance_and_can_be_user(db: Database) -> None:
    with db.write() as s:
        s.add(Job(type="folder_check", available_at=0.0, created_at=0.0))
        s.add(Job(type="file_removal", source="user", available_at=0.0, created_at=0.0))
    with db.read() as s:
        assert sorted(s.scalars(select(Job.source))) == ["maintenance", "user"]


def test_a_database_from_a_newer_version_is_refused(db_path: Path) -> None:
    conn = sqlite3.connect(db_path)
    conn.execute(f"PRAGMA user_version = {LATEST_VERSION + 5}")
    conn.close()
    with pytest.raises(DatabaseError, match="newer PhotoJobs") as info:
        Database(db_path)
    assert str(db_path) in str(info.value)
    assert version_of(db_path) == LATEST_VERSION + 5, "left as it was"


@pytest.mark.parametrize("content", [b"this is not a database, just some text" * 100,
                                     b"SQLite format 3\x00" + b"\xff" * 4000])  # fmt: skip
def test_a_file_that_is_not_a_database_is_a_clear_error(db_path: Path, content: bytes) -> None:
    db_path.write_bytes(content)
    with pytest.raises(DatabaseError) as info:
        Database(db_path)
    assert str(db_path) in str(info.value)
    assert db_path.read_bytes() == content


def _schema(path: Path) -> dict[str, dict[str, tuple[bool, bool]]]:
    conn = sqlite3.connect(path)
    try:
        tables = [r[0] for r in conn.execute(
            "SELECT name FROM sqlite_master WHERE type='table' AND name NOT LIKE 'sqlite_%'"
        )]  # fmt: skip
        return {
            t: {
                row[1]: (bool(row[3]), bool(row[5]))  # name: (not null, primary key)
                for row in conn.execute(f"PRAGMA table_info({t})")
            }
            for t in tables
        }
    finally:
        conn.close()


def test_orm_models_match_the_migrated_schema(db: Database, db_path: Path) -> None:
    migrated = _schema(db_path)
    assert set(migrated) == set(Base.metadata.tables)
    for name, table in Base.metadata.tables.items():
        orm_columns = {c.name: (not c.nullable, c.primary_key) for c in table.columns}
        assert set(orm_columns) == set(migrated[name]), name
        for column, (not_null, pk) in orm_columns.items():
            sql_not_null, sql_pk = migrated[name][column]
            assert pk == sql_pk, f"{name}.{column} primary key"
            if not pk:  # SQLite reports a primary key column as nullable
                assert not_null == sql_not_null, f"{name}.{column} NOT NULL"


def test_orm_indexes_exist_in_the_migrated_schema(db: Database, db_path: Path) -> None:
    conn = sqlite3.connect(db_path)
    try:
        indexes = {r[0] for r in conn.execute("SELECT name FROM sqlite_master WHERE type='index'")}
    finally:
        conn.close()
    for table in Base.metadata.tables.values():
        for index in table.indexes:
            assert index.name in indexes, index.name


def test_wal_and_foreign_keys_are_on(db: Database) -> None:
    with db.read() as s:
        assert s.execute(text("PRAGMA journal_mode")).scalar() == "wal"
        assert s.execute(text("PRAGMA foreign_keys")).scalar() == 1
        assert s.execute(text("PRAGMA busy_timeout")).scalar() > 0


def test_foreign_keys_cascade(db: Database) -> None:
    with db.write() as s:
        s.add(Project(id=PROJECT_ID, name="P", folder="P", created_at=0.0))
        s.flush()
        s.add(Photo(project_id=PROJECT_ID, base="A", created_at=0.0, updated_at=0.0))
    with db.write() as s:
        s.execute(text("DELETE FROM projects"))
    with db.read() as s:
        assert s.scalars(select(Photo)).all() == []
    with pytest.raises(IntegrityError, match="FOREIGN KEY"), db.write() as s:
        s.add(Photo(project_id="no-such-project", base="B", created_at=0.0, updated_at=0.0))


def _other_connection(path: Path) -> sqlite3.Connection:
    return sqlite3.connect(path, timeout=0, isolation_level=None)


def test_write_takes_the_write_lock_at_begin(db: Database, db_path: Path) -> None:
    other = _other_connection(db_path)
    try:
        with db.write(), pytest.raises(sqlite3.OperationalError, match="locked"):
            other.execute("BEGIN IMMEDIATE")
        other.execute("BEGIN IMMEDIATE")  # free again once the unit of work ends
        other.execute("ROLLBACK")
    finally:
        other.close()


def test_write_holds_the_lock_after_a_read_inside_it(db: Database, db_path: Path) -> None:
    other = _other_connection(db_path)
    try:
        with db.write() as s:
            s.scalars(select(Project)).all()
            with pytest.raises(sqlite3.OperationalError, match="locked"):
                other.execute("BEGIN IMMEDIATE")
    finally:
        other.close()


def test_a_failed_write_rolls_back_and_releases_the_lock(db: Database, db_path: Path) -> None:
    with pytest.raises(RuntimeError), db.write() as s:
        s.add(Project(id=PROJECT_ID, name="P", folder="P", created_at=0.0))
        s.flush()
        raise RuntimeError("boom")
    with db.read() as s:
        assert s.scalars(select(Project)).all() == []
    other = _other_connection(db_path)
    other.execute("BEGIN IMMEDIATE")
    other.execute("ROLLBACK")
    other.close()


def test_read_does_not_block_a_writer(db: Database, db_path: Path) -> None:
    other = _other_connection(db_path)
    try:
        with db.read() as s:
            assert s.scalars(select(Project)).all() == []
            other.execute("BEGIN IMMEDIATE")
            other.execute(
                "INSERT INTO projects (id, name, folder, created_at) VALUES (?, 'W', 'W', 0)",
                (PROJECT_ID,),
            )
            other.execute("COMMIT")
            assert s.scalars(select(Project)).all() == [], "a read sees one snapshot"
        with db.read() as s:
            assert [p.name for p in s.scalars(select(Project))] == ["W"]
    finally:
        other.close()


@pytest.mark.parametrize(
    ("sql", "index"),
    [
        # An item report finds its row by key within its job, not among all its items.
        ("SELECT id FROM job_items WHERE job_id = 1 AND key IN ('a', 'b')", "job_items_job_key"),
        # Deleting a photo row checks these foreign keys for its id.
        ("SELECT id FROM job_items WHERE photo_id = 1", "job_items_photo"),
        ("SELECT id FROM trash_entries WHERE photo_id = 1", "trash_entries_photo"),
        # The Processes dock walks the newest jobs of one source.
        ("SELECT id FROM jobs WHERE source = 'user' ORDER BY id DESC LIMIT 50", "jobs_source"),
        # The grid by name walks an index: no sort at all.
        (
            "SELECT id FROM photos WHERE project_id = 'p' ORDER BY natural_name",
            "photos_project_name",
        ),
        # ... and by date (the default), undated last, then by name: no sort either.
        (
            "SELECT id FROM photos WHERE project_id = 'p'"
            " ORDER BY date_taken IS NULL, date_taken, natural_name",
            "photos_project_taken_name",
        ),
    ],
)
def test_lookups_that_grow_with_history_use_an_index(db_path: Path, sql: str, index: str) -> None:
    Database(db_path).dispose()
    conn = sqlite3.connect(db_path)
    try:
        plan = " ".join(str(r[3]) for r in conn.execute(f"EXPLAIN QUERY PLAN {sql}"))
    finally:
        conn.close()
    assert f"USING INDEX {index}" in plan or f"USING COVERING INDEX {index}" in plan, plan


def test_rows_written_without_a_natural_name_get_one_at_the_next_open(db_path: Path) -> None:
    """The grid orders by `natural_name`: a row an older PhotoJobs (or a hand) wrote without
    one is filled when the library opens, not left to sort first."""
    Database(db_path).dispose()
    conn = sqlite3.connect(db_path)
    with conn:
        conn.execute(
            "INSERT INTO projects (id, name, folder, created_at) VALUES ('p', 'P', 'P', 1)"
        )
        conn.executemany(
            "INSERT INTO photos (project_id, base, created_at, updated_at) VALUES ('p', ?, 1, 1)",
            [("IMG_10",), ("img_2",)],
        )
    conn.close()
    db = Database(db_path)
    try:
        with db.read() as s:
            names = {b: n for b, n in s.execute(select(Photo.base, Photo.natural_name))}
    finally:
        db.dispose()
    assert names == {"IMG_10": natural_text("IMG_10"), "img_2": natural_text("img_2")}
