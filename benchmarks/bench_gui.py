"""GUI responsiveness: a 10,000-photo project opens, paints, scrolls end to end, and the
longest GUI-thread stall while two workers process an import. Prints numbers only.

    python benchmarks/bench_gui.py [--photos 10000] [--import-files 200]
"""

from __future__ import annotations

import argparse
import json
import os
import shutil
import sqlite3
import tempfile
import time
from pathlib import Path

os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")

from PySide6.QtCore import QCoreApplication, QEvent, QObject, QTimer
from PySide6.QtWidgets import QApplication

from photojobs.core.config import load_config
from photojobs.core.db.migrations import fill_natural_names
from photojobs.core.library import Library
from photojobs.core.project_import import analyse_for_project
from photojobs.runtime.session import LibrarySession
from photojobs.ui.main_window import MainWindow

DATA = Path(__file__).parents[1] / "tests" / "data"


class PaintProbe(QObject):
    """Notes when a widget first paints."""

    def __init__(self) -> None:
        super().__init__()
        self.painted_at: float | None = None

    def eventFilter(self, obj: QObject, event: QEvent) -> bool:
        if event.type() == QEvent.Type.Paint and self.painted_at is None:
            self.painted_at = time.perf_counter()
        return False


class StallProbe(QObject):
    """A 5 ms timer; the longest gap between its ticks is the longest GUI-thread stall."""

    def __init__(self) -> None:
        super().__init__()
        self.timer = QTimer(self)
        self.timer.setInterval(5)
        self.timer.timeout.connect(self._tick)
        self.last = time.perf_counter()
        self.worst = 0.0
        self.ticks = 0

    def start(self) -> None:
        self.last = time.perf_counter()
        self.timer.start()

    def _tick(self) -> None:
        now = time.perf_counter()
        self.worst = max(self.worst, now - self.last)
        self.last = now
        self.ticks += 1


def synthetic_project(lib: Library, n: int) -> str:
    """n photo rows with small real thumbnails, written straight into the database."""
    project = lib.create_project("Ten thousand")
    thumb_dir = project.path / ".thumb"
    thumb_dir.mkdir()
    from PIL import Image

    with Image.open(DATA / "IMG_0001.JPG") as im:
        im.thumbnail((192, 192))
        im.save(thumb_dir / "seed.jpg", quality=80)
    seed = (thumb_dir / "seed.jpg").read_bytes()
    now = time.time()
    rows = []
    for i in range(n):
        base = f"DSC_{i:05d}"
        (thumb_dir / f"{base}.jpg").write_bytes(seed)
        files = json.dumps([f"{base}.JPG", f"{base}.ARW"])
        date = f"2024-05-{1 + i // 1000:02d}T{(i // 60) % 24:02d}:{i % 60:02d}:00"
        rows.append(
            (
                project.id,
                base,
                files,
                1,
                1,
                0,
                1,
                i % 7 != 0,
                now,
                now,
                date,
                "generated",
                "generated",
            )
        )
    con = sqlite3.connect(lib.db.path)
    con.executemany(
        "INSERT INTO photos (project_id, base, files_json, jpg_available, raw_available, "
        "other_available, keep_jpg, keep_raw, created_at, updated_at, date_taken, "
        "thumbnail_status, preview_status) VALUES (?,?,?,?,?,?,?,?,?,?,?,?,?)",
        rows,
    )
    con.commit()
    fill_natural_names(con)  # what the app writes beside each name for the grid's order
    con.close()
    return project.id


def pump(seconds: float) -> None:
    end = time.perf_counter() + seconds
    while time.perf_counter() < end:
        QCoreApplication.processEvents()


def bench_open_and_scroll(session: LibrarySession, project_id: str) -> MainWindow:
    window = MainWindow(session)
    window.resize(1400, 900)
    window.show()
    pump(0.3)
    probe = PaintProbe()
    window.grid.view.viewport().installEventFilter(probe)
    t0 = time.perf_counter()
    project = session.library.find_project(project_id)
    window.projects.refresh(select=project.id)
    window.show_project(project)
    # The ids and then the rows arrive from helper threads: the first paint that counts
    # is the one after both (an earlier one paints the empty grid: "0 photos").
    while window.grid.model.loading or not window.grid.model.rowCount():
        QCoreApplication.processEvents()
    probe.painted_at = None
    window.grid.view.viewport().update()
    while probe.painted_at is None or window.grid.model.reading_rows:
        QCoreApplication.processEvents()
    probe.painted_at = None
    window.grid.view.viewport().update()
    while probe.painted_at is None:
        QCoreApplication.processEvents()
    first = (probe.painted_at - t0) * 1000
    print(f"open + first paint:    {first:7.1f} ms  ({window.grid.model.rowCount()} photos)")
    bar = window.grid.view.verticalScrollBar()
    step, worst, t0 = max(1, bar.pageStep()), 0.0, time.perf_counter()
    pages = 0
    while bar.value() < bar.maximum():
        t = time.perf_counter()
        bar.setValue(bar.value() + step)
        window.grid.view.viewport().repaint()
        QCoreApplication.processEvents()
        worst = max(worst, time.perf_counter() - t)
        pages += 1
    total = time.perf_counter() - t0
    print(
        f"scroll end to end:     {total * 1000:7.1f} ms for {pages} pages "
        f"(slowest page {worst * 1000:.1f} ms)"
    )
    return window


def bench_stall_during_import(session: LibrarySession, n_files: int, tmp: Path) -> None:
    lib = session.library
    project = lib.create_project("Import under load")
    card = tmp / "card"
    card.mkdir()
    sources = sorted(DATA.glob("IMG_*.JPG"))
    for i in range(n_files):
        shutil.copyfile(sources[i % len(sources)], card / f"CARD_{i:04d}.JPG")
    window = MainWindow(session)
    window.resize(1400, 900)
    window.show()
    window.projects.refresh(select=project.id)
    window.show_project(lib.find_project(project.id))
    pump(0.2)
    probe = StallProbe()
    analysis = analyse_for_project(lib, project, [card])
    done = {"t": None}

    def finished(event: object) -> None:
        if getattr(event, "task_type", "") == "upload_processing" and getattr(
            event, "status", ""
        ) in ("completed", "failed"):
            done["t"] = time.perf_counter()

    session.signals.task_changed.connect(finished)
    session.start(with_scheduler=False)
    probe.start()
    t0 = time.perf_counter()
    session.start_import(project, {c.source: c.verdict for c in analysis.to_copy("skip")}, "skip")
    while done["t"] is None and time.perf_counter() - t0 < 300:
        QCoreApplication.processEvents()
    pump(0.3)
    elapsed = (done["t"] or time.perf_counter()) - t0
    print(
        f"import of {n_files} JPEGs:   {elapsed:7.2f} s with 2 workers; grid shows "
        f"{window.grid.model.rowCount()} photos"
    )
    print(f"longest GUI stall:     {probe.worst * 1000:7.1f} ms over {probe.ticks} probe ticks")
    session.stop()
    window.grid.loader.shutdown()


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--photos", type=int, default=10_000)
    parser.add_argument("--import-files", type=int, default=200)
    parser.add_argument(
        "--jobs-in-window", action="store_true", help="run jobs on the window's threads (as 0.1)"
    )
    args = parser.parse_args()
    app = QApplication.instance() or QApplication([])
    app.setOrganizationName("PhotoJobsBench")
    app.setApplicationName("PhotoJobsBench")
    print(f"PhotoJobs GUI benchmark ({os.environ['QT_QPA_PLATFORM']}, {os.cpu_count()} cores)")
    with tempfile.TemporaryDirectory() as tmp:
        config = load_config().with_overrides(
            {
                "pipeline.max_parallel_jobs": 2,
                "pipeline.priority_lane_slots": 0,
                "processing.workers": 2,
            }
        )
        lib = Library.open(Path(tmp) / "library", config)
        session = LibrarySession(lib, jobs_process=not args.jobs_in_window)  # as the app
        project_id = synthetic_project(lib, args.photos)
        window = bench_open_and_scroll(session, project_id)
        window.grid.loader.shutdown()
        window.close()
        window.deleteLater()  # one window listens to the session, as in the app
        QCoreApplication.sendPostedEvents(None, QEvent.Type.DeferredDelete)
        pump(0.1)
        bench_stall_during_import(session, args.import_files, Path(tmp))
        lib.close()


if __name__ == "__main__":
    main()
