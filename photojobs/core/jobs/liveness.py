"""Is the process that claimed a job still alive?

Each worker process holds an exclusive lock on its own file in `.photojobs/workers/`. The
operating system drops the lock when the process ends, however it ends (SIGKILL, a crash,
a power cut), so a lock that another process can take belongs to a dead worker, even when
its pid now names an unrelated process after a reboot. A pid alone proves nothing, and
`os.kill(pid, 0)` does not exist on Windows. flock on Linux and macOS, msvcrt on Windows.
"""

from __future__ import annotations

import contextlib
import logging
import os
import socket
import sys
import threading
import uuid
from pathlib import Path

log = logging.getLogger(__name__)

WORKERS_DIR = "workers"  # inside the library's `.photojobs/`
DEAD, ALIVE_ELSEWHERE, UNKNOWN = "dead", "alive elsewhere", "unknown"

_held: set[str] = set()  # worker ids whose lock this process holds
_held_lock = threading.Lock()


def new_worker_id() -> str:
    """host:pid:token; the token names the worker's lock file, the rest is for people."""
    return f"{socket.gethostname()}:{os.getpid()}:{uuid.uuid4().hex[:12]}"


def lock_path(folder: Path, worker_id: str) -> Path | None:
    """The lock file of a worker id, or None for an id not made by `new_worker_id`."""
    token = worker_id.rpartition(":")[2]
    if worker_id.count(":") < 2 or not token.isalnum() or not token.isascii():
        return None
    return folder / f"{token}.lock"


class WorkerLock:
    """Held by a worker from before its first claim until it stops."""

    def __init__(self, folder: Path, worker_id: str):
        self.folder, self.worker_id = folder, worker_id
        self._fd: int | None = None

    @property
    def held(self) -> bool:
        return self._fd is not None

    def acquire(self) -> None:
        """Take the lock; without one (a read-only folder) other processes fall back on the
        heartbeat, so this warns instead of refusing to work."""
        path = lock_path(self.folder, self.worker_id)
        if self._fd is not None or path is None:
            return
        try:
            self.folder.mkdir(parents=True, exist_ok=True)
            fd = os.open(path, os.O_RDWR | os.O_CREAT, 0o644)
        except OSError as e:
            log.warning("cannot create the worker lock %s: %s", path, e.strerror or e)
            return
        if not _try_lock(fd):
            os.close(fd)
            log.warning("worker lock %s is held by another process", path)
            return
        os.write(fd, f"{self.worker_id}\n".encode())
        self._fd = fd
        with _held_lock:
            _held.add(self.worker_id)

    def release(self, remove_file: bool = True) -> None:
        """Stopped: the file goes when its jobs were released or finished; kept, and free,
        it tells the next process at once that this worker's running jobs are orphans."""
        if self._fd is None:
            return
        with _held_lock:
            _held.discard(self.worker_id)
        fd, self._fd = self._fd, None
        _unlock(fd)
        os.close(fd)
        path = lock_path(self.folder, self.worker_id)
        if path is not None and remove_file:
            with contextlib.suppress(OSError):
                path.unlink()


def worker_state(folder: Path, worker_id: str | None) -> str:
    """DEAD: a worker of this machine whose lock is free (its file is removed now);
    ALIVE_ELSEWHERE: another process holds it; UNKNOWN: this process, another machine,
    or no lock file (an older version): the heartbeat's age decides."""
    if not worker_id or worker_id.partition(":")[0] != socket.gethostname():
        return UNKNOWN
    with _held_lock:
        if worker_id in _held:
            return UNKNOWN
    path = lock_path(folder, worker_id)
    if path is None:
        return UNKNOWN
    try:
        fd = os.open(path, os.O_RDWR)
    except FileNotFoundError:
        return UNKNOWN
    except OSError:  # cannot open it to test: not proof of death
        return ALIVE_ELSEWHERE
    try:
        if not _try_lock(fd):
            return ALIVE_ELSEWHERE
        _unlock(fd)
    finally:
        os.close(fd)
    with contextlib.suppress(OSError):
        path.unlink()  # after closing: Windows cannot remove an open file
    return DEAD


def live_workers(folder: Path) -> int:
    """How many worker processes (of any id) hold their lock in `folder` right now."""
    alive = 0
    for path in folder.glob("*.lock") if folder.is_dir() else ():
        try:
            fd = os.open(path, os.O_RDWR)
        except OSError:
            continue
        try:
            if _try_lock(fd):
                _unlock(fd)
            else:
                alive += 1
        finally:
            os.close(fd)
    return alive


if sys.platform == "win32":
    import msvcrt

    def _try_lock(fd: int) -> bool:
        os.lseek(fd, 0, os.SEEK_SET)
        try:
            msvcrt.locking(fd, msvcrt.LK_NBLCK, 1)
        except OSError:
            return False
        return True

    def _unlock(fd: int) -> None:
        os.lseek(fd, 0, os.SEEK_SET)
        with contextlib.suppress(OSError):
            msvcrt.locking(fd, msvcrt.LK_UNLCK, 1)

else:
    import fcntl

    def _try_lock(fd: int) -> bool:
        # flock, not fcntl record locks: those belong to the process, so a second open
        # in the same process would take them and see a live worker as dead.
        try:
            fcntl.flock(fd, fcntl.LOCK_EX | fcntl.LOCK_NB)
        except OSError:
            return False
        return True

    def _unlock(fd: int) -> None:
        with contextlib.suppress(OSError):
            fcntl.flock(fd, fcntl.LOCK_UN)
