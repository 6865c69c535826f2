"""The job engine's own overhead: no-op jobs per second through the real worker loop, and the
per-item cost of an itemised job. Prints numbers; asserts nothing.

    python benchmarks/bench_queue.py [--jobs 2000] [--items 2000]
"""

from __future__ import annotations

import argparse
import os
import sqlite3
import tempfile
import time
from pathlib import Path

os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")

from PySide6.QtCore import QCoreApplication, QTimer

from photojobs.core.config import load_config
from photojobs.core.handlers import default_registry
from photojobs.core.jobs.context import JobContext
from photojobs.core.jobs.model import JobRecord
from photojobs.core.jobs.store import JobStore
from photojobs.core.library import Library
from photojobs.runtime.worker import WorkerLoop


def run_until_idle(lib: Library, registry=None) -> float:
    app = QCoreApplication.instance() or QCoreApplication([])
    loop = WorkerLoop(lib, registry or default_registry())
    loop.idle.connect(app.quit)
    QTimer.singleShot(600_000, app.quit)
    t0 = time.perf_counter()
    loop.start()
    app.exec()
    elapsed = time.perf_counter() - t0
    loop.stop()
    return elapsed


def bench_noop(root: Path, n: int) -> None:
    lib = Library.open(root / "noop", load_config())
    store = JobStore(lib.db, lib.config)
    t0 = time.perf_counter()
    for _ in range(n):
        store.enqueue("diagnostic_noop", source="user")
    enqueue_s = time.perf_counter() - t0
    elapsed = run_until_idle(lib)
    print(f"enqueue:            {n / enqueue_s:8.0f} jobs/s ({enqueue_s * 1e3 / n:.2f} ms each)")
    print(f"no-op jobs (loop):  {n / elapsed:8.0f} jobs/s ({elapsed * 1e3 / n:.2f} ms each)")
    lib.close()


def bench_items(root: Path, n: int) -> None:
    lib = Library.open(root / "items", load_config())
    store = JobStore(lib.db, lib.config)
    registry = default_registry()

    def items_only(ctx: JobContext, job: JobRecord) -> None:
        items = ctx.pending_items()
        for i, (key, photo_id) in enumerate(items, 1):
            ctx.check_cancelled()
            ctx.item(key, "done", photo_id=photo_id)
            ctx.progress(i, len(items))

    registry.register("bench_items", items_only)
    store.enqueue_with_items("bench_items", [(f"item-{i}", None) for i in range(n)], source="user")
    elapsed = run_until_idle(lib, registry)
    print(f"itemised job:       {elapsed * 1e3 / n:8.3f} ms per item ({n} items)")
    lib.close()


def bench_raw_sqlite(root: Path, n: int) -> None:
    """The floor: claim+complete pairs on a bare connection (WAL, synchronous=NORMAL)."""
    con = sqlite3.connect(root / "raw.db", isolation_level=None)
    con.execute("PRAGMA journal_mode=WAL")
    con.execute("PRAGMA synchronous=NORMAL")
    con.execute("CREATE TABLE q (id INTEGER PRIMARY KEY, status TEXT, priority INT)")
    con.execute("CREATE INDEX qs ON q (status, priority DESC, id)")
    con.executemany("INSERT INTO q (status, priority) VALUES ('queued', 50)", [()] * n)
    t0 = time.perf_counter()
    for _ in range(n):
        con.execute("BEGIN IMMEDIATE")
        row = con.execute(
            "SELECT id FROM q WHERE status='queued' ORDER BY priority DESC, id LIMIT 1"
        ).fetchone()
        con.execute("UPDATE q SET status='running' WHERE id=?", row)
        con.execute("COMMIT")
        con.execute("BEGIN IMMEDIATE")
        con.execute("UPDATE q SET status='completed' WHERE id=?", row)
        con.execute("COMMIT")
    elapsed = time.perf_counter() - t0
    print(f"raw sqlite floor:   {n / elapsed:8.0f} claim+complete pairs/s")


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--jobs", type=int, default=2000)
    parser.add_argument("--items", type=int, default=2000)
    args = parser.parse_args()
    print(f"PhotoJobs queue benchmark on {os.cpu_count()} cores")
    with tempfile.TemporaryDirectory() as tmp:
        root = Path(tmp)
        bench_raw_sqlite(root, args.jobs)
        bench_noop(root, args.jobs)
        bench_items(root, args.items)


if __name__ == "__main__":
    main()
