"""One listing of a project folder for a maintenance task's two folder steps.

`manifest_check` lists the folder to update the photos it knows; `folder_check`, the next
step of the same task, needs the same listing to find the photos it does not. At 100k
photos a listing is a third of a second of Python (200,000 names grouped), so the second
step takes the first one's when it can prove the folder has not changed since:

- same task, same folder, and taken less than `MAX_AGE_S` ago;
- the folder's inode, modification and change times are what they were when it was read;
- and the folder had last changed at least `QUIET_S` before it was read. A folder's
  times move in ticks (milliseconds on most disks, two seconds on FAT): a change in the
  same tick as the one before the listing would leave them as they were. A folder quiet
  for longer than any tick before the listing cannot hide a later change that way.

Anything else, and the second step lists the folder itself, as it always did.
"""

from __future__ import annotations

import os
import threading
import time
from dataclasses import dataclass
from pathlib import Path

from photojobs.core.formats import FolderListing
from photojobs.core.jobs.model import JobRecord

QUIET_S = 5.0
MAX_AGE_S = 120.0


@dataclass(frozen=True)
class _Taken:
    task_id: str
    folder: Path
    state: tuple[int, int, int]
    at: float
    listing: FolderListing
    hidden: list[os.DirEntry[str]]


_lock = threading.Lock()
_kept: _Taken | None = None


def _state(folder: Path) -> tuple[int, int, int]:
    st = os.stat(folder)
    return st.st_ino, st.st_mtime_ns, st.st_ctime_ns


FolderState = tuple[tuple[int, int, int], float]  # the folder's times, and when they were read


def folder_state(folder: Path) -> FolderState:
    """Read just before the listing: the quiet margin counts from here, not from the
    listing's end (a slow listing must not eat into it)."""
    now = time.time()
    st = os.stat(folder)
    quiet_for = now - max(st.st_mtime, st.st_ctime)
    return (st.st_ino, st.st_mtime_ns, st.st_ctime_ns), quiet_for


def keep_for_next_step(
    job: JobRecord,
    folder: Path,
    before: FolderState,
    listing: FolderListing,
    hidden: list[os.DirEntry[str]],
) -> None:
    """After listing `folder` (its state `before` was read just before the listing)."""
    global _kept
    state, quiet_for = before
    quiet = quiet_for >= QUIET_S
    with _lock:
        _kept = None
        if job.task_id and quiet:
            _kept = _Taken(job.task_id, folder, state, time.monotonic(), listing, hidden)


def take(job: JobRecord, folder: Path) -> tuple[FolderListing, list[os.DirEntry[str]]] | None:
    """The listing the task's earlier step kept, if the folder provably has not changed;
    it is handed out once."""
    global _kept
    with _lock:
        kept, _kept = _kept, None
    if kept is None or kept.task_id != job.task_id or kept.folder != folder:
        return None
    if time.monotonic() - kept.at > MAX_AGE_S:
        return None
    try:
        state = _state(folder)
    except OSError:
        return None
    return (kept.listing, kept.hidden) if state == kept.state else None


def forget() -> None:
    global _kept
    with _lock:
        _kept = None
