"""The grid at 10k and 100k photos, offscreen: opening a project, a commit's change to half
of it (rows updated in place, and rows leaving a filter), scrolling end to end, and the
rows the model keeps read. Prints numbers only, with the load average.

    python benchmarks/bench_grid_scale.py [--photos 10000 100000]
"""

from __future__ import annotations

import argparse
import os
import sqlite3
import tempfile
import time
from pathlib import Path

os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")

from PySide6.QtCore import QCoreApplication
from PySide6.QtWidgets import QApplication

from photojobs.core.catalog.photo_rows import PhotoFilter
from photojobs.core.config import load_config
from photojobs.core.library import Library
from photojobs.ui.grid.panel import GridPanel


def add_rows(lib: Library, n: int) -> str:
    project = lib.create_project(f"Shoot {n}")
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
    con.close()
    return project.id


def ms(start: float) -> str:
    return f"{(time.perf_counter() - start) * 1000:9.0f} ms"


def bench(lib: Library, n: int) -> None:
    project_id = add_rows(lib, n)
    project = lib.find_project(project_id)
    grid = GridPanel(lib.db, 128)
    grid.resize(1200, 800)
    grid.show()
    QCoreApplication.processEvents()
    t = time.perf_counter()
    grid.show_project(project.id, project.path)
    grid.view.viewport().repaint()
    QCoreApplication.processEvents()
    print(f"{n:>7} photos  open + first paint          {ms(t)}")

    with sqlite3.connect(lib.db.path) as con:
        half = [r[0] for r in con.execute("SELECT id FROM photos WHERE id % 2 = 0")]
        con.execute("UPDATE photos SET rating = 3 WHERE id % 2 = 0")
    t = time.perf_counter()
    grid.model.photos_changed(half)
    grid.view.viewport().repaint()
    QCoreApplication.processEvents()
    print(f"{n:>7} photos  half re-rated, in place       {ms(t)}")

    grid.filter_box.setCurrentText(PhotoFilter.KEPT.value)
    QCoreApplication.processEvents()
    with sqlite3.connect(lib.db.path) as con:
        con.execute("UPDATE photos SET keep_jpg = 0 WHERE id % 2 = 0")
    t = time.perf_counter()
    grid.model.photos_changed(half)
    grid.view.viewport().repaint()
    QCoreApplication.processEvents()
    print(f"{n:>7} photos  half leave the filter         {ms(t)}  ({grid.model.rowCount()} left)")

    bar = grid.view.verticalScrollBar()
    t, worst = time.perf_counter(), 0.0
    while bar.value() < bar.maximum():
        step = time.perf_counter()
        bar.setValue(bar.value() + bar.pageStep())
        grid.view.viewport().repaint()
        QCoreApplication.processEvents()
        worst = max(worst, time.perf_counter() - step)
    kept = len(grid.model._rows)  # what this benchmark is about
    print(
        f"{n:>7} photos  scroll end to end             {ms(t)}  "
        f"(slowest page {worst * 1000:.0f} ms, {kept} rows kept read)"
    )
    grid.loader.shutdown()
    grid.close()


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--photos", type=int, nargs="+", default=[10_000, 100_000])
    args = parser.parse_args()
    app = QApplication.instance() or QApplication([])
    app.setOrganizationName("PhotoJobsBench")
    load = os.getloadavg()
    print(f"grid at scale ({os.environ['QT_QPA_PLATFORM']}, {os.cpu_count()} cores, "
          f"load {load[0]:.2f} {load[1]:.2f} {load[2]:.2f})")  # fmt: skip
    with tempfile.TemporaryDirectory() as tmp:
        lib = Library.open(Path(tmp) / "library", load_config())
        for n in args.photos:
            bench(lib, n)
        lib.close()


if __name__ == "__main__":
    main()
