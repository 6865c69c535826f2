"""Sessions over one SQLite file: WAL, foreign keys, a busy timeout, IMMEDIATE writes.

`write()` opens a session whose transaction starts with BEGIN IMMEDIATE, so two writers
never deadlock on a lock upgrade; `read()` starts a deferred one and never blocks writers.
"""

from __future__ import annotations

import sqlite3
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

from sqlalchemy import create_engine, event
from sqlalchemy.engine import Connection, Engine
from sqlalchemy.orm import Session, sessionmaker
from sqlalchemy.pool import QueuePool

from photojobs.core.db.migrations import MigrationError, migrate
from photojobs.core.storage_errors import DAMAGED, describe, storage_problem

BUSY_TIMEOUT_MS = 30_000


class DatabaseError(RuntimeError):
    """The library database cannot be opened or used; the message says why."""


class Database:
    def __init__(self, path: Path):
        self.path = Path(path)
        self.path.parent.mkdir(parents=True, exist_ok=True)
        try:
            self.migrated_from = migrate(self.path)
        except MigrationError as e:
            raise DatabaseError(str(e)) from e
        except sqlite3.DatabaseError as e:
            said = describe(e, self.path)
            raise DatabaseError(said or f"{self.path}: not a usable database ({e})") from e
        self.engine = _make_engine(self.path)
        self._writer = sessionmaker(
            self.engine.execution_options(sqlite_immediate=True), expire_on_commit=False
        )
        self._reader = sessionmaker(self.engine, expire_on_commit=False)

    @contextmanager
    def write(self) -> Iterator[Session]:
        """One unit of work in a BEGIN IMMEDIATE transaction; commits on success."""
        with self._writer() as session, session.begin():
            session.connection()  # BEGIN IMMEDIATE now, not at the first statement
            yield session

    @contextmanager
    def read(self) -> Iterator[Session]:
        with self._reader() as session, session.begin():
            yield session

    def dispose(self) -> None:
        self.engine.dispose()

    def damage(self) -> str | None:
        """What SQLite's quick check finds wrong (reads every page: for start-up of the
        window and `library check`, not for every command), or None when it is sound."""
        try:
            with self.read() as s:
                rows = [r[0] for r in s.connection().exec_driver_sql("PRAGMA quick_check")]
        except Exception as e:  # the check itself cannot read the file
            if storage_problem(e) != DAMAGED:
                raise
            return str(getattr(e, "orig", e))
        return None if rows == ["ok"] else "; ".join(str(r) for r in rows[:3])


def _make_engine(path: Path) -> Engine:
    def connect() -> sqlite3.Connection:
        # A creator, not a URL: a library folder may contain '?' or '#', which a URL reads
        # as a query or fragment.
        return sqlite3.connect(str(path), timeout=BUSY_TIMEOUT_MS / 1000, check_same_thread=False)

    engine = create_engine(
        "sqlite://", creator=connect, poolclass=QueuePool, pool_size=8, max_overflow=8
    )

    @event.listens_for(engine, "connect")
    def _on_connect(dbapi_conn: sqlite3.Connection, _record: object) -> None:
        dbapi_conn.isolation_level = None  # we issue BEGIN ourselves
        cur = dbapi_conn.cursor()
        cur.execute("PRAGMA journal_mode=WAL")
        cur.execute("PRAGMA synchronous=NORMAL")
        cur.execute("PRAGMA foreign_keys=ON")
        cur.execute(f"PRAGMA busy_timeout={BUSY_TIMEOUT_MS}")
        cur.close()

    @event.listens_for(engine, "begin")
    def _on_begin(conn: Connection) -> None:
        immediate = conn.get_execution_options().get("sqlite_immediate", False)
        conn.exec_driver_sql("BEGIN IMMEDIATE" if immediate else "BEGIN")

    return engine
