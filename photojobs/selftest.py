"""`photojobs --self-test`: prove an installation works, from source or frozen.

Imports the bundled sample photos into a temporary library through the real task and
worker loop, commits a discard, restores it, and checks the files at each step.
Nothing outside the temporary folder is read or written (no user config, no QSettings).
"""

from __future__ import annotations

import hashlib
import logging
import os
import sys
import tempfile
import time
import traceback
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import TYPE_CHECKING

from photojobs import APP_NAME, __version__
from photojobs.core.commits import trash_listing
from photojobs.core.config import Config, load_defaults
from photojobs.core.jobs import queries
from photojobs.core.jobs.model import ACTIVE_STATUSES, FINAL_STATUSES, JobStatus
from photojobs.core.library import Library, ProjectInfo
from photojobs.core.paths import derivative_path
from photojobs.core.photos import KeepDecision, PhotoRecord, photos_of
from photojobs.core.project_import import analyse_for_project
from photojobs.resources import app_icon_path, is_frozen, sample_photos

if TYPE_CHECKING:
    from photojobs.runtime.session import LibrarySession

TASK_TIMEOUT_S = 60.0


class CheckFailed(Exception):
    """A self-test expectation did not hold; the message is the reason shown."""


def check(condition: object, reason: str) -> None:
    if not condition:
        raise CheckFailed(reason)


def digest(path: Path) -> str:
    return hashlib.sha256(path.read_bytes()).hexdigest()


class Report:
    def __init__(self, out: Callable[[str], None]):
        self.out = out
        self.started = time.perf_counter()
        self.passed = 0

    @contextmanager
    def step(self, title: str) -> Iterator[None]:
        t0 = time.perf_counter()
        try:
            yield
        except Exception as e:
            reason = str(e) if isinstance(e, CheckFailed) else f"{type(e).__name__}: {e}"
            if not isinstance(e, CheckFailed):
                traceback.print_exc()
            self.out(f"  FAIL {time.perf_counter() - t0:6.2f} s  {title}: {reason}")
            raise CheckFailed(f"{title}: {reason}") from e
        self.passed += 1
        self.out(f"  OK   {time.perf_counter() - t0:6.2f} s  {title}")


def use_offscreen_without_display() -> None:
    """Before any QGuiApplication: a self-test on a server or in CI has no screen."""
    headless = sys.platform.startswith("linux") and not (
        os.environ.get("DISPLAY") or os.environ.get("WAYLAND_DISPLAY")
    )
    if headless:
        os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")


def run_self_test(out: Callable[[str], None] | None = None) -> int:
    """0 when every step passed; 1 with the failing step's reason printed."""
    out = out or (lambda line: print(line, flush=True))
    use_offscreen_without_display()
    logging.basicConfig(level=logging.WARNING, format="%(levelname)s %(name)s: %(message)s")
    from PySide6.QtCore import qVersion
    from PySide6.QtWidgets import QApplication

    _app = QApplication.instance() or QApplication(sys.argv[:1])
    kind = "frozen" if is_frozen() else "source"
    platform = QApplication.platformName()
    out(f"{APP_NAME} {__version__} self-test ({kind}, Qt {qVersion()} {platform})")
    report = Report(out)
    try:
        with tempfile.TemporaryDirectory(
            prefix="photojobs-selftest-", ignore_cleanup_errors=True
        ) as tmp:
            _run_steps(report, Path(tmp))
    except CheckFailed as e:
        print(f"{APP_NAME} self-test FAILED: {e}", file=sys.stderr, flush=True)
        return 1
    out(f"Self-test passed: {report.passed} steps in {time.perf_counter() - report.started:.2f} s")
    return 0


def _run_steps(report: Report, tmp: Path) -> None:
    from photojobs.runtime.session import LibrarySession

    with report.step("Qt modules, plugins and the app icon"):
        samples = _check_qt_and_resources()
    with report.step("LibRaw demosaics the RAW sample"):
        _check_libraw(samples)
    with report.step("open a temporary library and start its jobs process"):
        library = Library.open(tmp / "library", Config(load_defaults()))
        session = LibrarySession(library, jobs_process=True)  # as the window runs jobs
        project = session.create_project("Self-test")
        session.start(with_scheduler=False)
    try:
        with report.step(f"import {len(samples)} sample files (upload_processing)"):
            photos = _import(session, project, samples)
        with report.step(f"thumbnails and previews of {len(photos)} photos"):
            _check_derivatives(library, project, photos)
        pair = next((p for p in photos if p.jpg_available and p.raw_available), None)
        check(pair is not None, "no RAW+JPG pair among the samples")
        assert pair is not None
        with report.step(f"discard {pair.base} (JPG+RAW) and commit to .trash"):
            commit_id = _commit(session, project, pair)
        with report.step(f"restore the commit: {pair.base} back, byte-identical"):
            _restore(session, project, pair, commit_id, samples)
    finally:
        session.stop()
        library.close()


def _check_qt_and_resources() -> list[Path]:
    from PySide6.QtGui import QIcon
    from PySide6.QtNetwork import QLocalServer
    from PySide6.QtSvg import QSvgRenderer

    check(QSvgRenderer(str(app_icon_path())).isValid(), "the app icon SVG does not load")
    check(not QIcon(str(app_icon_path())).pixmap(64, 64).isNull(), "no SVG icon engine plugin")
    check(QLocalServer is not None, "QtNetwork missing")
    samples = sample_photos()
    check(len(samples) >= 3, f"expected bundled sample photos, found {len(samples)}")
    return samples


def _check_libraw(samples: list[Path]) -> None:
    from photojobs.core.imaging.raw import is_raw, open_raw

    raws = [p for p in samples if is_raw(p)]
    check(raws, "no RAW file among the samples")
    with open_raw(raws[0]) as raw:
        pixels = raw.postprocess(half_size=True, output_bps=8)
    check(min(pixels.shape[:2]) >= 100, f"{raws[0].name} decodes to {pixels.shape}")


def _run_until_idle(session: LibrarySession, task_id: str) -> None:
    """Run the event loop until the task has finished and the worker loop has no work."""
    from PySide6.QtCore import QEventLoop, QTimer

    db, config = session.library.db, session.library.config
    deadline = time.monotonic() + TASK_TIMEOUT_S
    wait = QEventLoop()

    def done() -> bool:
        task = queries.get_task(db, task_id)
        busy = queries.list_jobs(db, config, statuses=ACTIVE_STATUSES, show_maintenance=True)
        finished = task is not None and task.status in FINAL_STATUSES
        return finished and not busy and session.loop.active_slots() == 0

    def tick() -> None:
        if done() or time.monotonic() > deadline:
            wait.quit()

    timer = QTimer()
    timer.setInterval(20)
    timer.timeout.connect(tick)
    timer.start()
    wait.exec()
    timer.stop()
    task = queries.get_task(db, task_id)
    check(task is not None, f"task {task_id} vanished")
    assert task is not None
    errors = "; ".join(f"{j.type}: {j.error}" for j in task.jobs if j.error)
    check(
        task.status in FINAL_STATUSES,
        f"{task.task_type} still {task.status.value} after the timeout",
    )
    check(
        task.status == JobStatus.COMPLETED,
        f"{task.task_type} ended {task.status.value}" + (f" ({errors})" if errors else ""),
    )


def _photos(library: Library, project: ProjectInfo) -> dict[str, PhotoRecord]:
    with library.db.read() as s:
        return {p.base: p for p in photos_of(s, project.id)}


def _import(
    session: LibrarySession, project: ProjectInfo, samples: list[Path]
) -> list[PhotoRecord]:
    library = session.library
    to_copy = analyse_for_project(library, project, samples).to_copy("skip")
    check(len(to_copy) == len(samples), f"analysis accepts {len(to_copy)} of {len(samples)} files")
    task_id = session.start_import(project, {c.source: c.verdict for c in to_copy}, "skip")
    _run_until_idle(session, task_id)
    for src in samples:
        copied = project.path / src.name
        check(copied.is_file(), f"{src.name} was not copied in")
        check(digest(copied) == digest(src), f"{src.name} differs from the sample")
    photos = _photos(library, project)
    bases = {s.stem for s in samples}
    check(set(photos) == bases, f"photos {sorted(photos)}, expected {sorted(bases)}")
    return list(photos.values())


def _check_derivatives(library: Library, project: ProjectInfo, photos: list[PhotoRecord]) -> None:
    from PIL import Image

    for kind in ("thumbnail", "preview"):
        limit = int(library.config.get(f"processing.{kind}.max_dim"))
        for photo in photos:
            path = derivative_path(project.path, kind, photo.base)
            check(path.is_file(), f"no {kind} for {photo.base}")
            with Image.open(path) as im:
                check(max(im.size) <= limit, f"{kind} of {photo.base} is {im.size}")


def _commit(session: LibrarySession, project: ProjectInfo, pair: PhotoRecord) -> str:
    errors = session.decide(project.id, [pair.base], KeepDecision.NONE)
    check(not errors, f"decision refused: {errors}")
    started = session.commit(project)
    _run_until_idle(session, started.task_id)
    left = {p.name for p in project.path.iterdir() if p.is_file()}
    check(not set(pair.files) & left, f"still in the project: {sorted(set(pair.files) & left)}")
    trashed = {e["original_name"] for e in trash_listing(session.library, project)}
    check(set(pair.files) <= trashed, f"not in the trash: {sorted(set(pair.files) - trashed)}")
    for e in trash_listing(session.library, project):
        check(Path(e["trash_path"]).is_file(), f"{e['trash_path']} is missing")
    check(pair.base not in _photos(session.library, project), f"{pair.base} is still listed")
    thumb = derivative_path(project.path, "thumbnail", pair.base)
    check(not thumb.exists(), f"the thumbnail of {pair.base} was kept")
    return str(started.task_id)


def _restore(
    session: LibrarySession,
    project: ProjectInfo,
    pair: PhotoRecord,
    commit_id: str,
    samples: list[Path],
) -> None:
    _run_until_idle(session, session.restore(project, commit_task_id=commit_id))
    by_name = {s.name: s for s in samples}
    for name in pair.files:
        back = project.path / name
        check(back.is_file(), f"{name} was not restored")
        check(digest(back) == digest(by_name[name]), f"{name} is not byte-identical")
    check(not trash_listing(session.library, project), "the trash still lists entries")
    restored = _photos(session.library, project).get(pair.base)
    check(restored is not None, f"{pair.base} is not listed again")
    assert restored is not None
    check(restored.keep_jpg and restored.keep_raw, f"{pair.base} is not kept in full again")
