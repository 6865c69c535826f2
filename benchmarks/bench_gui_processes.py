"""The Processes dock under load: 1,000 tasks of history while two workers run an import.

A 5 ms QTimer probe on the GUI thread records the gaps between its ticks; the longest gap is
the longest stall a person could feel (target: under 50 ms). Also printed: the start-up load
of the history, and how often the running task's progress cell changed (smoothness).
Prints numbers; asserts nothing.

    python benchmarks/bench_gui_processes.py [--history 1000] [--items 300] [--window main]
"""

from __future__ import annotations

import argparse
import itertools
import os
import statistics
import tempfile
import time
import uuid
from pathlib import Path

os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")
SCRATCH = Path(tempfile.mkdtemp(prefix="photojobs-bench-gui-"))
os.environ["XDG_CONFIG_HOME"] = str(SCRATCH / "config")  # QSettings stay in the scratch folder

from PySide6.QtCore import QModelIndex, QTimer  # noqa: E402
from PySide6.QtWidgets import QApplication, QMainWindow, QWidget  # noqa: E402

from photojobs.core.config import load_config  # noqa: E402
from photojobs.core.db.models import Job  # noqa: E402
from photojobs.core.library import Library  # noqa: E402
from photojobs.runtime.session import LibrarySession  # noqa: E402
from photojobs.ui.processes import install_processes  # noqa: E402
from photojobs.ui.processes.roles import ProgressRole  # noqa: E402

SHAPES = [
    ("change_commit", [("file_removal", "user"), ("manifest_check", "maintenance")]),
    ("upload_processing", [("import_files", "user"), ("upload_postprocess", "user")]),
    ("maintenance", [("trash_maintenance", "maintenance"), ("folder_check", "maintenance")]),
]


def add_history(lib: Library, tasks: int, project_id: str) -> None:
    rows, start = [], time.time() - tasks * 60
    for n in range(tasks):
        task_type, steps = SHAPES[n % len(SHAPES)]
        task_id, t0 = str(uuid.uuid4()), start + n * 60
        for stage, (job_type, source) in enumerate(steps):
            rows.append(
                Job(
                    type=job_type,
                    status="completed",
                    project_id=project_id,
                    source=source,
                    task_id=task_id,
                    task_type=task_type,
                    task_stage=stage,
                    progress_done=20,
                    progress_total=20,
                    attempts=1,
                    available_at=t0,
                    created_at=t0,
                    started_at=t0 + stage,
                    finished_at=t0 + stage + 1,
                )
            )
    with lib.db.write() as s:
        s.add_all(rows)


class SlotTimer:
    """Time spent by every listener of a signal: a first slot starts the clock, a last one
    stops it (connected before and after the window's own)."""

    def __init__(self) -> None:
        self.spans: list[float] = []
        self._t0 = 0.0

    def first(self, *_: object) -> None:
        self._t0 = time.perf_counter()

    def last(self, *_: object) -> None:
        self.spans.append((time.perf_counter() - self._t0) * 1000)


class StallProbe:
    """Ticks every 5 ms on the GUI thread; a late tick means the thread was busy."""

    def __init__(self) -> None:
        self.gaps: list[float] = []
        self._last = time.perf_counter()
        self.timer = QTimer()
        self.timer.setInterval(5)
        self.timer.timeout.connect(self._tick)

    def start(self) -> None:
        self._last = time.perf_counter()
        self.timer.start()

    def _tick(self) -> None:
        now = time.perf_counter()
        self.gaps.append((now - self._last) * 1000)
        self._last = now


def main() -> int:
    parser = argparse.ArgumentParser()
    parser.add_argument("--history", type=int, default=1000)
    parser.add_argument("--items", type=int, default=300, help="items per import job")
    parser.add_argument("--seconds", type=float, default=0.01, help="work per item")
    parser.add_argument("--window", choices=("dock", "main"), default="dock")
    args = parser.parse_args()
    app = QApplication([])
    config = load_config().with_overrides(
        {"ui.processes_history": args.history, "pipeline.max_parallel_jobs": 3}
    )  # three slots, one reserved for priority work: two take the import
    lib = Library.open(SCRATCH / "Library", config)
    project = lib.create_project("Benchmark")
    add_history(lib, args.history, project.id)
    session = LibrarySession(lib)
    handling = SlotTimer()
    for signal in (session.signals.job_changed, session.signals.task_changed):
        signal.connect(handling.first)

    t0 = time.perf_counter()
    if args.window == "main":
        from photojobs.ui.main_window import MainWindow

        window: QMainWindow = MainWindow(session)
        processes = window.processes  # type: ignore[attr-defined]
    else:
        window = QMainWindow()
        window.setCentralWidget(QWidget())
        processes = install_processes(window, session)
    load_ms = (time.perf_counter() - t0) * 1000
    for signal in (session.signals.job_changed, session.signals.task_changed):
        signal.connect(handling.last)
    window.resize(1400, 900)
    window.show()
    app.processEvents()
    model = processes.model

    changes: list[float] = []

    def progress_seen(top: QModelIndex, _bottom: QModelIndex, roles: list) -> None:
        if not top.parent().isValid() and ProgressRole in roles:
            changes.append(time.perf_counter())

    model.dataChanged.connect(progress_seen)
    items = [(f"photo-{n:04d}.jpg", None) for n in range(args.items)]
    t0 = time.perf_counter()
    for _ in range(2):  # two import-sized tasks: one per worker
        session.loop.start_task(
            "diagnostic", project_id=project.id, payload={"seconds": args.seconds}, items=items
        )
    start_ms = (time.perf_counter() - t0) * 1000  # the user's click: writes every item
    probe = StallProbe()
    session.start(with_scheduler=False)
    probe.start()
    started = time.perf_counter()
    session.loop.idle.connect(app.quit)
    QTimer.singleShot(600_000, app.quit)
    app.exec()
    elapsed = time.perf_counter() - started
    probe.timer.stop()
    session.stop()

    gaps = sorted(probe.gaps)
    spacing = [b - a for a, b in itertools.pairwise(changes)]
    print(f"window:                    {args.window} ({model.rowCount()} task rows)")
    print(f"history load ({args.history} tasks): {load_ms:8.1f} ms (once, at start)")
    print(f"starting the 2 imports:    {start_ms:8.1f} ms (a click, before the probe)")
    print(f"work:                      2 × {args.items} items in {elapsed:.1f} s")
    print(f"GUI probe ticks:           {len(gaps)}")
    print(f"longest GUI stall:         {gaps[-1]:8.1f} ms  (target < 50 ms)")
    p99, median = gaps[int(len(gaps) * 0.99)], statistics.median(gaps)
    print(f"p99 / median tick gap:     {p99:8.1f} / {median:.1f} ms")
    spans = sorted(handling.spans)
    if spans:
        print(
            f"handling one job/task event: max {spans[-1]:.1f} ms, p99 "
            f"{spans[int(len(spans) * 0.99)]:.1f} ms over {len(spans)} events"
        )
    print(f"machine:                   {os.cpu_count()} CPUs, load {os.getloadavg()[0]:.1f}")
    if spacing:
        rate = len(changes) / elapsed
        print(
            f"task progress updates:     {rate:8.1f} /s, longest pause {max(spacing) * 1000:.0f} ms"
        )
    window.close()
    lib.close()
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
