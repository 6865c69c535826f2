"""The grid at 10k and 100k photos, offscreen, measured as a person feels it: how long from
the click until photos are painted, and the longest the GUI thread stood still meanwhile
(a 5 ms ticker measures its gaps), for opening a project, a filter, a sort, a change to half
of it, scrolling end to end (with the rows the model keeps read), and the real window while
a real commit of half the photos runs through the worker loop. Prints numbers only, with
the load average.

    python benchmarks/bench_grid_scale.py [--photos 10000 100000] [--no-commit]
"""

from __future__ import annotations

import argparse
import os
import sqlite3
import sys
import tempfile
import time
from collections.abc import Callable
from pathlib import Path

os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")

from PySide6.QtCore import QCoreApplication, QElapsedTimer, QEventLoop, QTimer
from PySide6.QtWidgets import QApplication

sys.path.insert(0, str(Path(__file__).parent))
from bench_scale import make_photos

from photojobs.core.catalog.photo_rows import PhotoFilter, SortOrder
from photojobs.core.config import load_config
from photojobs.core.db.migrations import fill_natural_names
from photojobs.core.library import Library
from photojobs.core.photos import KeepDecision, scan_project, set_keep
from photojobs.ui.grid.panel import GridPanel
from photojobs.ui.heap import settle_heap


class Stalls:
    """The GUI thread's longest stand-still: a 5 ms timer notes how late each tick came."""

    def __init__(self) -> None:
        self.clock = QElapsedTimer()
        self.timer = QTimer()
        self.timer.setInterval(5)
        self.timer.timeout.connect(self._tick)
        self.worst = 0.0
        self.gaps: list[float] = []

    def _tick(self) -> None:
        gap = self.clock.restart() - 5
        self.gaps.append(gap)
        self.worst = max(self.worst, gap)

    def __enter__(self) -> Stalls:
        self.worst, self.gaps = 0.0, []
        self.clock.start()
        self.timer.start()
        return self

    def __exit__(self, *_: object) -> None:
        self.timer.stop()

    def p99(self) -> float:
        gaps = sorted(self.gaps) or [0.0]
        return gaps[int(len(gaps) * 0.99) - 1 if len(gaps) > 1 else 0]


def run_until(done: Callable[[], bool], timeout: float = 600) -> None:
    deadline = time.monotonic() + timeout
    while not done() and time.monotonic() < deadline:
        QCoreApplication.processEvents(QEventLoop.ProcessEventsFlag.AllEvents, 5)


def add_rows(lib: Library, n: int) -> str:
    """n RAW+JPG photos as rows only (no files): fast to make, enough for the grid."""
    project = lib.create_project(f"Rows {n}")
    now = time.time()
    rows = [
        (project.id, f"DSC_{i:06d}", f'["DSC_{i:06d}.JPG", "DSC_{i:06d}.ARW"]', 1, 1, 0, 1, 1,
         now, now, f"2024-05-{1 + i // 10_000:02d}T{(i // 3600) % 24:02d}:{(i // 60) % 60:02d}:"
         f"{i % 60:02d}", "generated", "generated")
        for i in range(n)
    ]  # fmt: skip
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


def line(n: int, case: str, seconds: float, stalls: Stalls, extra: str = "") -> None:
    print(
        f"{n:>7} photos  {case:<32} {seconds * 1000:7.0f} ms   longest stall "
        f"{stalls.worst:5.0f} ms  p99 {stalls.p99():4.0f} ms  "
        f"over 50 ms {sum(g > 50 for g in stalls.gaps):3d}×  {extra}",
        flush=True,
    )


def painted(grid: GridPanel) -> None:
    """Until the cells on screen are painted with their rows (read on a helper thread)."""
    run_until(lambda: not grid.model.loading)
    grid.view.viewport().repaint()  # asks for the rows on screen
    run_until(lambda: not grid.model.reading_rows)
    grid.view.viewport().repaint()
    QCoreApplication.processEvents()


def bench_panel(lib: Library, n: int) -> None:
    project = lib.find_project(add_rows(lib, n))
    grid = GridPanel(lib.db, 128)
    grid.sort_box.setCurrentText(SortOrder.DATE.value)
    grid.resize(1200, 800)
    grid.show()
    QCoreApplication.processEvents()
    settle_heap()  # as the app does once its window is up

    def case(name: str, act: Callable[[], object], extra: Callable[[], str] = str) -> None:
        with Stalls() as stalls:
            t = time.perf_counter()
            act()
            painted(grid)
            seconds = time.perf_counter() - t
        line(n, name, seconds, stalls, extra())

    case("open + first paint", lambda: grid.show_project(project.id, project.path))
    case("sort by name", lambda: grid.sort_box.setCurrentText(SortOrder.NAME.value))
    case("sort by date", lambda: grid.sort_box.setCurrentText(SortOrder.DATE.value))
    with sqlite3.connect(lib.db.path) as con:
        half = [r[0] for r in con.execute("SELECT id FROM photos WHERE id % 2 = 0")]
        con.execute("UPDATE photos SET rating = 3 WHERE id % 2 = 0")
    case("half re-rated, in place", lambda: grid.model.photos_changed(half))
    case("filter: Kept", lambda: grid.filter_box.setCurrentText(PhotoFilter.KEPT.value))
    with sqlite3.connect(lib.db.path) as con:
        con.execute("UPDATE photos SET keep_jpg = 0 WHERE id % 2 = 0")
    case(
        "half leave the filter",
        lambda: grid.model.photos_changed(half),
        lambda: f"({grid.model.rowCount()} left)",
    )

    bar = grid.view.verticalScrollBar()
    with Stalls() as stalls:
        t = time.perf_counter()
        while bar.value() < bar.maximum():
            bar.setValue(bar.value() + bar.pageStep())
            grid.view.viewport().repaint()
            QCoreApplication.processEvents()
            run_until(lambda: not grid.model.reading_rows)  # each screen painted with its rows
        seconds = time.perf_counter() - t
    kept = len(grid.model._rows)  # what this benchmark is about
    line(n, "scroll end to end", seconds, stalls, f"({kept} rows kept read)")
    grid.shutdown()
    grid.close()


def bench_commit_while_open(root: Path, n: int, jobs_process: bool = True) -> None:
    """The real window on a project of n RAW+JPG photos (hard links), while the worker loop
    commits "JPG only" for half of them: every event, count and refresh of the real app.
    The jobs run in the app's jobs process, or (`jobs_process=False`, `--jobs-in-window`)
    on the window's own threads as before it, to compare."""
    from photojobs.runtime.session import LibrarySession
    from photojobs.ui.main_window import MainWindow

    lib = Library.open(root / f"library-{n}", load_config())
    project = lib.create_project(f"Commit {n}")
    make_photos(project.path, n)
    with lib.db.write() as s:
        scan_project(s, project.id, project.path)
    with sqlite3.connect(lib.db.path) as con:
        con.execute(
            "UPDATE photos SET thumbnail_status = 'generated', preview_status = 'generated'"
        )
    session = LibrarySession(lib, jobs_process=jobs_process)
    window = MainWindow(session)
    window.resize(1400, 900)
    window.show()
    settle_heap()  # as the app does once its window is up
    shown = lib.find_project(project.id)  # what the projects list hands over on a click
    with Stalls() as stalls:
        t = time.perf_counter()
        window.projects.refresh(select=project.id)
        window.show_project(shown)
        painted(window.grid)
        line(n, "window: open + first paint", time.perf_counter() - t, stalls)
    with lib.db.write() as s:
        set_keep(s, project.id, [f"P{i:06d}" for i in range(0, n, 2)], KeepDecision.JPG_ONLY)
    session.start(with_scheduler=False)
    with Stalls() as stalls:
        t = time.perf_counter()
        window.commit()  # as the commit bar's button does: count, ask, store, follow
        run_until(lambda: window.commit_dialog is not None and window.commit_dialog.isVisible())
        window.commit_dialog.defaultButton().click()  # "Commit (n)"
        run_until(lambda: window.commit_task is not None)
        task_id = window.commit_task
        idle: list[bool] = []
        session.loop.idle.connect(lambda: idle.append(True))
        run_until(lambda: bool(idle))
        painted(window.grid)
        line(
            n,
            f"window: commit of half{'' if jobs_process else ' (jobs in window)'}",
            time.perf_counter() - t,
            stalls,
            f"(task {task_id[:8]}, {window.grid.model.rowCount()} photos shown)",
        )
    session.stop()
    window.close()
    lib.close()


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--photos", type=int, nargs="+", default=[10_000, 100_000])
    parser.add_argument("--no-commit", action="store_true", help="skip the real commit case")
    parser.add_argument("--dir", type=Path, default=None, help="where the hard-linked shoot goes")
    parser.add_argument(
        "--jobs-in-window",
        action="store_true",
        help="also commit with jobs on the window's threads",
    )
    args = parser.parse_args()
    app = QApplication.instance() or QApplication([])
    app.setOrganizationName("PhotoJobsBench")
    load = os.getloadavg()
    print(f"grid at scale ({os.environ['QT_QPA_PLATFORM']}, {os.cpu_count()} cores, "
          f"load {load[0]:.2f} {load[1]:.2f} {load[2]:.2f})")  # fmt: skip
    with tempfile.TemporaryDirectory(dir=args.dir) as tmp:
        lib = Library.open(Path(tmp) / "library", load_config())
        for n in args.photos:
            bench_panel(lib, n)
        lib.close()
        if not args.no_commit:
            for n in args.photos:
                bench_commit_while_open(Path(tmp), n)
                if args.jobs_in_window:
                    bench_commit_while_open(Path(tmp), n, jobs_process=False)
    load = os.getloadavg()
    print(f"load after {load[0]:.2f} {load[1]:.2f} {load[2]:.2f}")


if __name__ == "__main__":
    main()
