"""The viewer's flip latency and the grid's frame time while thumbnails stream in.

    python benchmarks/bench_gui_viewer.py [--corpus .bench/camera-corpus] [--photos 40]

Flip latency: a Right key press in the viewer (the real shortcut) to the next photo's
2048 px preview (made from the 24 MP corpus) painted on the canvas, with the viewer's own
read-ahead, one flip every `--interval-ms` as a photographer culls; p50, p95 and the worst.
Grid frame time: while a `generate_derivatives` task remakes every thumbnail on two
workers, the grid is repainted every 16 ms; the time of one repaint (p50, p95, worst)
and the longest gap between two (a stall of the GUI thread). Offscreen, prints numbers.
"""

from __future__ import annotations

import argparse
import os
import statistics
import tempfile
import time
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")

from PySide6.QtCore import QCoreApplication, QEvent, QObject, Qt
from PySide6.QtTest import QTest
from PySide6.QtWidgets import QApplication

from photojobs.core.config import load_config
from photojobs.core.db.models import Photo
from photojobs.core.imaging import DerivativeSpec, PhotoSources, render_derivatives
from photojobs.core.library import Library
from photojobs.core.photos import scan_project
from photojobs.runtime.session import LibrarySession
from photojobs.ui.main_window import MainWindow

ROOT = Path(__file__).resolve().parents[1]
SPECS = (DerivativeSpec("preview", 2048, 85), DerivativeSpec("thumbnail", 800, 80))


class Paints(QObject):
    """Counts paint events of a widget."""

    def __init__(self) -> None:
        super().__init__()
        self.count = 0

    def eventFilter(self, obj: QObject, event: QEvent) -> bool:
        if event.type() == QEvent.Type.Paint:
            self.count += 1
        return False


def pump(seconds: float) -> None:
    end = time.perf_counter() + seconds
    while time.perf_counter() < end:
        QCoreApplication.processEvents()
        time.sleep(0.0005)


def percentile(values: list[float], p: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, round(p / 100 * (len(ordered) - 1)))]


def project_with_derivatives(lib: Library, files: list[Path]) -> str:
    """A project of the corpus photos with their previews and thumbnails already made."""
    project = lib.create_project("Viewer")
    for path in files:
        os.link(path, project.path / path.name)

    def make(path: Path) -> None:
        targets = [
            (s, project.path / f".{s.kind.replace('thumbnail', 'thumb')}" / f"{path.stem}.jpg")
            for s in SPECS
        ]
        render_derivatives(PhotoSources(project.path / path.name, None, None), targets)

    with ThreadPoolExecutor(2) as pool:
        list(pool.map(make, files))
    with lib.db.write() as s:
        scan_project(s, project.id, project.path)
        for row in s.query(Photo).filter(Photo.project_id == project.id):
            row.thumbnail_status = row.preview_status = "generated"
    return project.id


def bench_flips(window: MainWindow, session: LibrarySession, project_id: str, interval: float):
    window.show_project(session.library.find_project(project_id))
    deadline = time.perf_counter() + 10
    while window.grid.model.loading and time.perf_counter() < deadline:  # its ids, read aside
        QCoreApplication.processEvents()
    window.grid.select_row(0)
    window.open_viewer()
    window.activateWindow()
    viewer, canvas = window.viewer, window.viewer.canvas
    paints = Paints()
    canvas.installEventFilter(paints)
    deadline = time.perf_counter() + 10
    while canvas.pixmap is None and time.perf_counter() < deadline:
        QCoreApplication.processEvents()
    pump(interval)
    latencies, misses = [], 0
    for row in range(1, window.grid.model.rowCount()):
        expected = window.grid.model.photo_id(row)
        before = paints.count
        started = time.perf_counter()
        QTest.keyClick(canvas, Qt.Key.Key_Right)
        while time.perf_counter() - started < 5:
            QCoreApplication.processEvents()
            shown = viewer.details is not None and viewer.details.id == expected
            if shown and canvas.pixmap is not None and paints.count > before:
                break
        else:
            misses += 1
            continue
        latencies.append((time.perf_counter() - started) * 1000)
        pump(interval)
    return latencies, misses


def bench_grid_streaming(window: MainWindow, session: LibrarySession, project_id: str):
    window.close_viewer()
    project = session.library.find_project(project_id)
    window.show_project(project)
    pump(0.3)
    finished: dict[str, float] = {}
    session.signals.task_changed.connect(
        lambda e: finished.setdefault(e.task_id, 0.0) if e.status == "completed" else None
    )
    viewport = window.grid.view.viewport()
    frames, gaps = [], []
    task = session.make_derivatives(project, force=True)
    last = time.perf_counter()
    while task not in finished and time.perf_counter() - last < 120:
        QCoreApplication.processEvents()
        now = time.perf_counter()
        if now - last >= 0.016:
            gaps.append((now - last) * 1000)
            viewport.repaint()
            frames.append((time.perf_counter() - now) * 1000)
            last = time.perf_counter()
        else:
            time.sleep(0.001)
    return frames, gaps


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--corpus", type=Path, default=ROOT / ".bench" / "camera-corpus")
    parser.add_argument("--photos", type=int, default=40)
    parser.add_argument("--interval-ms", type=float, default=200)
    args = parser.parse_args()
    files = sorted(args.corpus.glob("IMG_*.JPG"))[: args.photos]
    if len(files) < args.photos:
        raise SystemExit(f"{args.corpus}: {args.photos} JPEGs needed (make bench makes them)")
    app = QApplication.instance() or QApplication([])
    app.setOrganizationName("PhotoJobsBench")
    app.setApplicationName("PhotoJobsBench")
    config = load_config().with_overrides(
        {
            "processing.preview.max_dim": 2048,
            "processing.thumbnail.max_dim": 800,
            "processing.workers": 2,
            "pipeline.max_parallel_jobs": 2,
            "pipeline.priority_lane_slots": 0,
        }
    )
    with tempfile.TemporaryDirectory(dir=ROOT / ".bench") as tmp:
        lib = Library.open(Path(tmp) / "library", config)
        project_id = project_with_derivatives(lib, files)
        session = LibrarySession(lib)
        window = MainWindow(session)
        window.resize(1600, 1000)
        window.show()
        pump(0.3)
        session.start(with_scheduler=False)
        load = os.getloadavg()[0]
        latencies, misses = bench_flips(window, session, project_id, args.interval_ms / 1000)
        print(f"Viewer and grid, {os.cpu_count()} cores, load {load:.2f}, offscreen, 1600x1000")
        print(
            f"viewer flip (Right -> next 2048 px preview painted), {len(latencies)} flips "
            f"every {args.interval_ms:.0f} ms: p50 {statistics.median(latencies):.1f} ms, "
            f"p95 {percentile(latencies, 95):.1f} ms, worst {max(latencies):.1f} ms"
            + (f", {misses} never shown" if misses else "")
            + "  (goal p95 < 30 ms)"
        )
        frames, gaps = bench_grid_streaming(window, session, project_id)
        print(
            f"grid while {len(files)} thumbnails stream in ({len(frames)} frames): repaint "
            f"p50 {statistics.median(frames):.1f} ms, p95 {percentile(frames, 95):.1f} ms, "
            f"worst {max(frames):.1f} ms; longest gap between frames {max(gaps):.1f} ms"
            f"  (load {os.getloadavg()[0]:.2f})"
        )
        session.stop()
        window.grid.loader.shutdown()
        window.viewer.shutdown()
        window.close()
        lib.close()


if __name__ == "__main__":
    main()
