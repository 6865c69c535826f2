"""Thumbnails and previews made while an import still copies.

A copy from a card is disk-bound and leaves the cores idle; the derivatives job after it
idles the disk. So each photo, once all of its image files on the card are copied, goes to the
process's image pool at once, through the derivatives job's own render (one decode, the
same source and fingerprint), and what it made is recorded by the import's thread the way
that job records its own: the job that follows finds those photos made and skips them.

Whatever cannot be done well here is left to that job, which then does and reports it as
it always did: a photo whose render failed, one still waiting when the copy ends, one the
disk has no room for. The copy of the originals always comes first.
"""

from __future__ import annotations

import logging
import os
import shutil
from collections import Counter, deque
from collections.abc import Iterable, Sequence
from concurrent.futures import FIRST_COMPLETED, CancelledError, Future, wait
from pathlib import Path

from photojobs.core.config import worker_count
from photojobs.core.formats import FileClass, classify, split_name
from photojobs.core.handlers.derivative_work import Outcome, Work, fingerprint_of, render
from photojobs.core.handlers.derivative_work import sources_of as _sources
from photojobs.core.handlers.derivatives import derivative_specs
from photojobs.core.imaging.pool import image_pool
from photojobs.core.jobs.context import JobContext
from photojobs.core.storage_errors import is_disk_full

log = logging.getLogger(__name__)

IMAGES = (FileClass.JPG, FileClass.RAW, FileClass.OTHER)
NO_ROW_YET = 0  # a photo copied a moment ago may have no row: its outcome is recorded by base
# Kept free for the database and its journal on top of the copies still to come.
DATABASE_ROOM = 4 << 20
# The first photos of an import fill the grid the photographer is looking at: for these the
# copy waits for their renders (every thread renders meanwhile), so each shows its real
# thumbnail moments after its copy instead of behind a queue that the copy outruns.
FIRST_SCREEN = 40


class DerivativesWhileCopying:
    """The renders of one import job: handed out as photos are copied, at most one fewer
    than the pool's threads at a time (at least one), so the copy keeps a core and memory
    stays bounded; for the first screenful every thread, with the copy waiting for them
    (`FIRST_SCREEN`). Collected and handed back (`take_made`) on the job's thread."""

    def __init__(
        self, ctx: JobContext, project_dir: Path, sources: Sequence[str], names: Iterable[str]
    ):
        workers = worker_count(ctx.config)
        self.pool = image_pool(workers)
        self.workers, self.window = workers, max(1, workers - 1)
        self.specs = derivative_specs(ctx)
        self.limit = int(ctx.config.get("processing.max_image_pixels"))
        self.project_dir = project_dir
        # Photos already in the folder (a completion, an overwrite, a resumed import) are
        # the derivatives job's: it knows whether their source changed.
        self.present = {split_name(n)[0] for n in names}
        self.sizes = {s: _size(s) for s in sources}
        self.still_to_copy = sum(self.sizes.values())  # bytes
        self.to_copy = Counter(_base(s) for s in sources if classify(Path(s).name) in IMAGES)
        # What one render may write at most (both outputs uncompressed), to leave the
        # copies still to come their room.
        self.render_room = sum(3 * s.max_dim * s.max_dim for s in self.specs)
        self.files: dict[str, list[str]] = {}  # photo base -> image files copied in
        self.photos_of: dict[str, set[str]] = {}  # a source's base -> photo bases copied in
        self.ready: deque[str] = deque()  # photos whose files are all in, waiting for a thread
        self.running: list[tuple[str, Future[Outcome]]] = []
        self.made: list[Outcome] = []
        self.started: set[str] = set()  # handed to the pool: no stand-in may replace theirs
        self.first_screen: set[str] = set()  # the first FIRST_SCREEN of them
        self.stopped = False  # the disk is full: no more renders in this job

    def file_done(self, source: str, copied_as: str | None) -> None:
        """One item of the import is over (copied, skipped or failed)."""
        self.still_to_copy -= self.sizes.pop(source, 0)
        if classify(Path(source).name) in IMAGES:
            self._count(source, copied_as)
        self.pump()
        self._keep_pace()

    def _keep_pace(self) -> None:
        """While the first screenful renders, the copy goes at the renders' pace: a few
        seconds more of copy on 2 cores, and no thumbnail of the first screen waits behind
        photos copied after it."""
        while self.ready and self.running and self._first_screen() and not self.stopped:
            wait([future for _, future in self.running], return_when=FIRST_COMPLETED)
            self.pump()

    def _first_screen(self) -> bool:
        return len(self.started) < FIRST_SCREEN

    def _count(self, source: str, copied_as: str | None) -> None:
        """A RAW comes before its JPG on the card (`.ARW` < `.JPG`), so a photo waits for
        the last image file of its name: rendered from the RAW, it would be made again from
        the JPG by the derivatives job."""
        key = _base(source)
        if copied_as is not None and classify(copied_as) in IMAGES:
            base = split_name(copied_as)[0]
            if base not in self.present:
                self.files.setdefault(base, []).append(copied_as)
                self.photos_of.setdefault(key, set()).add(base)
        self.to_copy[key] -= 1
        if self.to_copy[key] <= 0:
            self.ready.extend(sorted(self.photos_of.pop(key, ())))

    def pump(self) -> None:
        """Collect finished renders and start waiting ones while there is a free thread."""
        running, self.running = self.running, []
        for base, future in running:
            if future.done():
                self._collect(base, future)
            else:
                self.running.append((base, future))
        window = self.workers if self._first_screen() else self.window
        while self.ready and len(self.running) < window and not self.stopped:
            base = self.ready.popleft()
            if base in self.started:  # two names on the card led to it (a renamed copy)
                continue
            if not self._room_for_one_more():
                continue  # left for the derivatives job, like a photo never started
            work = self._work(base)
            if work is None:
                continue
            if self._first_screen():
                self.first_screen.add(base)
            self.started.add(base)
            future = self.pool.submit(
                render, work, self.specs, self.project_dir, self.limit, False, False
            )
            self.running.append((base, future))

    @property
    def has_made(self) -> bool:
        return bool(self.made)

    @property
    def first_screen_made(self) -> bool:
        """A photo of the first screenful is made: record it now, not at the next tick."""
        return any(outcome.base in self.first_screen for outcome in self.made)

    def take_made(self) -> list[Outcome]:
        """The photos made since the last call, for the job's thread to record."""
        made, self.made = self.made, []
        return made

    def finish(self) -> None:
        """The copy is over: start nothing more, and wait for the renders handed out (at
        most a window's worth, some perhaps queued behind another job's few)."""
        self.ready.clear()
        running, self.running = self.running, []
        for base, future in running:
            self._collect(base, future)

    def abandon(self) -> None:
        """The job stops (a cancel, a full disk): drop the renders not started, wait for
        those running (their files are being written), so nothing writes after the job."""
        self.ready.clear()
        running, self.running = self.running, []
        for base, future in running:
            if not future.cancel():
                self._collect(base, future)

    def _work(self, base: str) -> Work | None:
        sources = _sources(self.project_dir, sorted(self.files.get(base, ())))
        fingerprint = fingerprint_of(sources)
        if fingerprint is None:
            return None
        return Work(NO_ROW_YET, base, sources, fingerprint)

    def _collect(self, base: str, future: Future[Outcome]) -> None:
        try:
            outcome = future.result()
        except CancelledError:
            return
        except Exception as e:  # not the import's failure: the photo waits for its job
            if is_disk_full(e):
                self.stopped = True
            log.info("%s: its derivatives are left for the derivatives job (%s)", base, e)
            return
        if outcome.status == "generated":
            self.made.append(outcome)

    def _room_for_one_more(self) -> bool:
        """The copies still to come, the renders running and this one fit on the disk."""
        try:
            free = shutil.disk_usage(self.project_dir).free
        except OSError:
            return False
        needed = self.still_to_copy + DATABASE_ROOM + (len(self.running) + 1) * self.render_room
        return free >= needed


def _base(source: str) -> str:
    return split_name(Path(source).name)[0]


def _size(source: str) -> int:
    try:
        return os.stat(source).st_size
    except OSError:
        return 0
