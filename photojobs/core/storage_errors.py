"""What a failure of the disk or of the library database means for a person.

A full disk, a damaged database and a database another program holds locked are not bugs
of one job or one photo: they are said in one plain sentence with what to do, wherever
they surface (a job, a CLI command, the window), instead of a SQLAlchemy traceback.
"""

from __future__ import annotations

import errno
import sqlite3

DISK_FULL_ERRNOS = frozenset({errno.ENOSPC, getattr(errno, "EDQUOT", errno.ENOSPC)})
# sqlite3 result codes (primary code in the low byte of an extended one).
_SQLITE_BUSY, _SQLITE_LOCKED, _SQLITE_CORRUPT, _SQLITE_FULL, _SQLITE_NOTADB = 5, 6, 11, 13, 26

DISK_FULL = "disk full"
DAMAGED = "damaged"
BUSY = "busy"

DISK_FULL_MESSAGE = "the disk holding the library is full; free some space and run it again"
BUSY_MESSAGE = (
    "the library is busy: another program is writing to its database; try again when it "
    "has finished"
)


class DiskFullError(OSError):
    """A job stopped because the library's disk is full: not the fault of any one photo."""

    def __init__(self, detail: str = "") -> None:
        super().__init__(errno.ENOSPC, DISK_FULL_MESSAGE + (f" ({detail})" if detail else ""))

    def __str__(self) -> str:
        return str(self.strerror)


def _sqlite_error(exc: BaseException) -> sqlite3.Error | None:
    """The sqlite3 error behind `exc` (SQLAlchemy wraps it in `.orig`), if any."""
    seen: BaseException | None = exc
    for _ in range(5):
        if seen is None:
            return None
        if isinstance(seen, sqlite3.Error):
            return seen
        orig = getattr(seen, "orig", None)
        seen = orig if isinstance(orig, BaseException) else seen.__cause__
    return None


def storage_problem(exc: BaseException) -> str | None:
    """DISK_FULL, DAMAGED, BUSY, or None for anything else."""
    if isinstance(exc, OSError) and exc.errno in DISK_FULL_ERRNOS:
        return DISK_FULL
    error = _sqlite_error(exc)
    if error is None:
        return None
    code = (getattr(error, "sqlite_errorcode", 0) or 0) & 0xFF
    text = str(error).lower()
    if code == _SQLITE_FULL or "database or disk is full" in text:
        return DISK_FULL
    if code in (_SQLITE_CORRUPT, _SQLITE_NOTADB) or "malformed" in text or "not a database" in text:
        return DAMAGED
    if code in (_SQLITE_BUSY, _SQLITE_LOCKED) or "database is locked" in text:
        return BUSY
    return None


def is_disk_full(exc: BaseException) -> bool:
    return storage_problem(exc) == DISK_FULL


def stall_message(exc: BaseException) -> str:
    """Why the job queue stopped, for the person: the cause and what to do."""
    problem = storage_problem(exc)
    if problem == DISK_FULL:
        return "the disk holding the library is full; free some space"
    if problem == DAMAGED:
        return damaged_message()
    if problem == BUSY:
        return BUSY_MESSAGE
    return f"the job queue could not be written ({type(exc).__name__}: {exc})"


def damaged_message(db_path: object | None = None) -> str:
    """The database is damaged; the folders are the truth, so nothing in them is lost."""
    where = f" ({db_path})" if db_path else ""
    return (
        f"the library database is damaged{where}; your photos are safe in their project "
        "folders. Rebuild it from the folders with `photojobs-cli library rebuild` (decisions "
        "and trash records kept where still readable), or copy back a backup from "
        ".photojobs/backups/"
    )


def describe(exc: BaseException, db_path: object | None = None) -> str | None:
    """One sentence for a storage failure (full, damaged, busy), or None for anything else."""
    problem = storage_problem(exc)
    if problem == DISK_FULL:
        return DISK_FULL_MESSAGE
    if problem == DAMAGED:
        return damaged_message(db_path)
    if problem == BUSY:
        return BUSY_MESSAGE
    return None
