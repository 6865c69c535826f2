"""PhotoJobs at scale beside its floor on the same disk: scan, listing, a commit of half the
photos and its restore, a clean maintenance pass, and the Processes dock's history query
after a year of jobs. Prints one table; asserts nothing.

`scan` and `photos --json` run as `photojobs-cli` child processes, so their peak memory
(ru_maxrss of that child alone) is printed beside a CLI command that does next to nothing.

    SCALE_PHOTOS=100000 python benchmarks/bench_scale.py [--dir .bench/scale]

Every photo is a RAW+JPG pair of hard links to two small files, so 100k photos cost
inodes, not gigabytes. The commit keeps the JPG of every other photo and drops its RAW
(SCALE_PHOTOS / 2 files move); the restore brings them back. Derivatives are marked made,
so maintenance has nothing to draw: the numbers are the job system's and the disk's.
"""

from __future__ import annotations

import argparse
import json
import os
import shutil
import sqlite3
import subprocess
import sys
import time
import uuid
from collections.abc import Callable
from pathlib import Path

os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")

from PySide6.QtCore import QCoreApplication, QTimer
from sqlalchemy import event

from photojobs.core.commits import start_commit, start_restore
from photojobs.core.config import load_config
from photojobs.core.handlers import default_registry
from photojobs.core.handlers.shared_listing import QUIET_S
from photojobs.core.jobs.store import JobStore
from photojobs.core.library import Library
from photojobs.core.natural import natural_text
from photojobs.core.photos import KeepDecision, set_keep
from photojobs.runtime.worker import WorkerLoop

DATA = Path(__file__).parents[1] / "tests" / "data"
# case, n, ours, floor, floor's name, peak MB of the child process (None: not measured)
Row = tuple[str, int, float, float | None, str, float | None]
YEAR_PROJECTS, YEAR_DAYS, YEAR_RUNS_PER_DAY = 10, 365, 16  # 8 h a day, every 30 minutes


def timed(fn: Callable[[], object]) -> float:
    t0 = time.perf_counter()
    fn()
    return time.perf_counter() - t0


def cli_run(cli: list[str], *args: str) -> tuple[float, float]:
    """Seconds and peak resident MB of one `photojobs-cli` child process."""
    t0 = time.perf_counter()
    child = subprocess.Popen([*cli, *args], stdout=subprocess.DEVNULL)
    _, status, usage = os.wait4(child.pid, 0)
    seconds = time.perf_counter() - t0
    child.returncode = os.waitstatus_to_exitcode(status)
    if child.returncode:
        raise subprocess.CalledProcessError(child.returncode, args)
    return seconds, usage.ru_maxrss / 1024  # KiB on Linux


def run_until_idle(lib: Library) -> None:
    app = QCoreApplication.instance() or QCoreApplication([])
    loop = WorkerLoop(lib, default_registry())
    loop.idle.connect(app.quit)
    QTimer.singleShot(6 * 3_600_000, app.quit)
    loop.start()
    app.exec()
    loop.stop()


def job_seconds(db: Path, task_id: str, job_type: str | None = None) -> float:
    """From the first start to the last finish of a task's jobs (of one type)."""
    con = sqlite3.connect(db)
    sql = "SELECT MIN(started_at), MAX(finished_at) FROM jobs WHERE task_id = ?"
    args: tuple[str, ...] = (task_id,)
    if job_type:
        sql, args = sql + " AND type = ?", (task_id, job_type)
    start, end = con.execute(sql, args).fetchone()
    con.close()
    return float(end - start)


def step_seconds(db: Path, task_id: str) -> str:
    """Each job of a task with its own run time, in the order they ran."""
    con = sqlite3.connect(db)
    sql = "SELECT type, finished_at - started_at FROM jobs WHERE task_id = ? ORDER BY id"
    steps = con.execute(sql, (task_id,)).fetchall()
    con.close()
    return ", ".join(f"{kind} {seconds:.3f} s" for kind, seconds in steps)


LINKS_PER_SOURCE = 30_000  # ext4 allows 65,000 links to one file


def source_for(folder: Path, kind: str, i: int) -> Path:
    """A small JPG or DNG to hard-link, a fresh copy every LINKS_PER_SOURCE links."""
    path = folder.parent / f"src-{i // LINKS_PER_SOURCE}.{kind}"
    if not path.exists():
        if kind == "JPG":
            shutil.copy(DATA / "IMG_0001.JPG", path)
        else:
            path.write_bytes((DATA / "RAWNONE_0001.DNG").read_bytes()[:4096])
    return path


def make_photos(folder: Path, n: int) -> None:
    for i in range(n):
        os.link(source_for(folder, "JPG", i), folder / f"P{i:06d}.JPG")
        os.link(source_for(folder, "DNG", i), folder / f"P{i:06d}.DNG")


def floor_scandir(folder: Path) -> float:
    return timed(lambda: [e.name for e in os.scandir(folder)])


def floor_replace(folder: Path, n: int) -> float:
    """n renames of hard links in this folder into a sub-folder and nothing else."""
    side, away = folder.parent / "floor", folder.parent / "floor" / "away"
    away.mkdir(parents=True)
    names = [f"F{i:06d}.DNG" for i in range(n)]
    for i, name in enumerate(names):
        os.link(source_for(side, "floor", i), side / name)
    t = timed(lambda: [os.replace(side / name, away / name) for name in names])
    shutil.rmtree(side)
    return t


def floor_insert(db: Path, project_id: str, n: int) -> float:
    """n photo rows (with their natural names) in one executemany: SQLite and its indexes
    alone, what any scan pays whatever it is written in."""
    con = sqlite3.connect(db)
    rows = [
        (project_id, f"P{i:06d}", natural_text(f"P{i:06d}"), f'["P{i:06d}.DNG", "P{i:06d}.JPG"]')
        for i in range(n)
    ]
    sql = (
        "INSERT INTO photos (project_id, base, natural_name, files_json, created_at, "
        "updated_at, jpg_available, raw_available, keep_jpg, keep_raw) "
        "VALUES (?, ?, ?, ?, 0, 0, 1, 1, 1, 1)"
    )
    t = timed(lambda: (con.executemany(sql, rows), con.commit()))
    con.close()
    return t


def floor_query(db: Path, sql: str, *args: object) -> float:
    con = sqlite3.connect(db)
    t = timed(lambda: con.execute(sql, args).fetchall())
    con.close()
    return t


def bench_project(root: Path, n: int) -> list[Row]:
    lib = Library.open(root / "library", load_config())
    project = lib.create_project("Scale")
    db = lib.db.path
    make_photos(project.path, n)
    rows: list[Row] = []
    cli = [sys.executable, "-m", "photojobs.cli.main", "--library", str(lib.root)]
    idle_s, idle_mb = cli_run(cli, "project", "list", "--json")
    rows.append(("photojobs-cli project list", 1, idle_s, None, "", idle_mb))

    empty = root / "floor.db"
    with sqlite3.connect(db) as source, sqlite3.connect(empty) as copy:
        source.backup(copy)  # the schema and indexes, no photo yet
    scan_s, scan_mb = cli_run(cli, "scan", "Scale", "--json")
    floor = floor_scandir(project.path)
    rows.append(("photojobs-cli scan", n, scan_s, floor, "one os.scandir", scan_mb))
    floor = floor + floor_insert(empty, project.id, n)
    rows.append(("  the same scan", n, scan_s, floor, "+ one executemany of the rows", None))
    con = sqlite3.connect(db)
    con.execute("UPDATE photos SET thumbnail_status = 'done', preview_status = 'done'")
    con.commit()
    con.close()

    listing_s, listing_mb = cli_run(cli, "photos", "Scale", "--json")
    select = "SELECT * FROM photos WHERE project_id = ? ORDER BY base"
    floor = floor_query(db, select, project.id)
    rows.append(("photojobs-cli photos --json", n, listing_s, floor, "one query", listing_mb))

    half = [f"P{i:06d}" for i in range(0, n, 2)]
    with lib.db.write() as s:
        set_keep(s, project.id, half, KeepDecision.JPG_ONLY)
    store = JobStore(lib.db, lib.config)
    commit = start_commit(lib, store, project).task_id
    total = timed(lambda: run_until_idle(lib))
    moved = len(half)
    floor = floor_replace(project.path, moved)
    rows.append(
        (
            "commit: file_removal",
            moved,
            job_seconds(db, commit, "file_removal"),
            floor,
            "os.replace loop",
            None,
        )
    )
    rows.append(("commit: whole task", moved, total, None, "", None))

    restore = start_restore(store, project, commit_task_id=commit)
    total = timed(lambda: run_until_idle(lib))
    rows.append(
        (
            "restore: restore_files",
            moved,
            job_seconds(db, restore, "restore_files"),
            floor,
            "os.replace loop",
            None,
        )
    )
    rows.append(("restore: whole task", moved, total, None, "", None))

    # Right after the restore the folder has just changed: the two folder steps list it
    # each. A pass that finds it quiet (as the 30-minute passes do) lists it once.
    for case in ("clean maintenance, folder just changed", "clean maintenance pass"):
        if case == "clean maintenance pass":
            time.sleep(QUIET_S + 0.5)
        task_id, _ = store.start_task("maintenance", project_id=project.id)
        run_until_idle(lib)
        print(f"{case}: {step_seconds(db, task_id)}", flush=True)
        rows.append(
            (case, n, job_seconds(db, task_id), floor_scandir(project.path), "one os.scandir", None)
        )
    lib.close()
    return rows


def add_year_of_history(db: Path, project_ids: list[str]) -> int:
    """Maintenance tasks (four jobs each) every 30 minutes, 8 h a day, for a year and 10
    projects, and a user task (commit + reconcile) a day per project."""
    con = sqlite3.connect(db)
    start = time.time() - YEAR_DAYS * 86_400
    jobs = []
    steps = ["trash_maintenance", "manifest_check", "folder_check", "manifest_cleaning"]
    commit = ["file_removal", "manifest_check", "folder_check", "manifest_cleaning"]
    for day in range(YEAR_DAYS):
        for project in project_ids:
            for run in range(YEAR_RUNS_PER_DAY + 1):
                at = start + day * 86_400 + run * 1800
                user = run == YEAR_RUNS_PER_DAY
                task, kind = str(uuid.uuid4()), "change_commit" if user else "maintenance"
                for stage, job_type in enumerate(commit if user else steps):
                    source = "user" if user and stage == 0 else "maintenance"
                    status = "failed" if not user and run == 3 and day % 30 == 0 else "completed"
                    jobs.append(
                        (
                            job_type,
                            status,
                            project,
                            source,
                            task,
                            kind,
                            min(stage, 1) if user else stage,
                            at,
                            at + stage,
                            at + stage + 1,
                        )
                    )
    con.executemany(
        "INSERT INTO jobs (type, status, project_id, source, task_id, task_type, task_stage,"
        " available_at, created_at, started_at, finished_at, payload_json)"
        " VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, '{}')",
        [(t, st, p, so, tid, tt, stg, a, a, s, f) for t, st, p, so, tid, tt, stg, a, s, f in jobs],
    )
    con.commit()
    con.close()
    return len(jobs)


def dock_history(lib: Library, history: int) -> Callable[[], object]:
    try:
        from photojobs.core.jobs.queries import recent_tasks  # after the scale work
    except ImportError:
        from photojobs.core.jobs.queries import list_tasks

        return lambda: list_tasks(lib.db, lib.config, show_maintenance=True)
    return lambda: recent_tasks(lib.db, lib.config, per_source=history)


def bench_history(root: Path) -> list[Row]:
    lib = Library.open(root / "history", load_config())
    ids = [lib.create_project(f"P{i}").id for i in range(YEAR_PROJECTS)]
    n = add_year_of_history(lib.db.path, ids)
    history = int(lib.config.get("ui.processes_history"))
    query = dock_history(lib, history)
    floor_sql = "SELECT * FROM jobs ORDER BY id DESC LIMIT ?"
    floor = floor_query(lib.db.path, floor_sql, history * 2 * 4)
    rows: list[Row] = [("dock history, a year of jobs", n, timed(query), floor, "one query", None)]
    try:
        from photojobs.core.jobs.history import clean_history
    except ImportError:
        lib.close()
        return rows
    store = JobStore(lib.db, lib.config)
    cleaned = timed(lambda: clean_history(store.db, lib.config))
    con = sqlite3.connect(lib.db.path)
    left = con.execute("SELECT COUNT(*) FROM jobs").fetchone()[0]
    con.close()
    rows.append((f"history cleaning ({left} jobs left)", n, cleaned, None, "", None))
    rows.append(
        (
            "dock history, after cleaning",
            left,
            timed(query),
            floor_query(lib.db.path, floor_sql, history * 2 * 4),
            "one query",
            None,
        )
    )
    lib.close()
    return rows


def bench_indexes(root: Path) -> list[Row]:
    """An item report in a job of 40k items, and photo rows deleted beside 100k job items
    and trash entries (foreign keys checked on each delete)."""
    lib = Library.open(root / "indexes", load_config())
    project = lib.create_project("P")
    store = JobStore(lib.db, lib.config)
    job = store.enqueue("x", items=[(f"k{i}", None) for i in range(40_000)], source="user")
    report = timed(lambda: [store.set_item(job.id, f"k{i * 199}", "done") for i in range(200)])
    con = sqlite3.connect(lib.db.path)
    con.executemany(
        "INSERT INTO photos (project_id, base, created_at, updated_at) VALUES (?, ?, 0, 0)",
        [(project.id, f"B{i}") for i in range(200)],
    )
    con.executemany(
        "INSERT INTO job_items (job_id, key, status) VALUES (?, ?, 'done')",
        [(job.id, f"x{i}") for i in range(100_000)],
    )
    con.executemany(
        "INSERT INTO trash_entries (project_id, photo_base, original_name, trash_name,"
        " trashed_at) VALUES (?, 'b', 'n', 't', 0)",
        [(project.id,)] * 100_000,
    )
    con.commit()
    con.execute("PRAGMA foreign_keys=ON")
    ids = [r[0] for r in con.execute("SELECT id FROM photos")]
    delete = timed(lambda: [con.execute("DELETE FROM photos WHERE id = ?", (i,)) for i in ids])
    con.commit()
    con.close()
    lib.close()
    return [
        ("item report, 40k items in the job", 200, report, None, "", None),
        ("photo row delete, 100k items+trash", len(ids), delete, None, "", None),
    ]


def idle_write_transactions(root: Path, seconds: float = 10.0) -> int:
    """BEGIN IMMEDIATE statements of an idle worker loop (a project, nothing queued)."""
    lib = Library.open(root / "idle", load_config())
    lib.create_project("Idle")
    statements: list[str] = []

    def seen(_conn: object, _cursor: object, statement: str, *_args: object) -> None:
        statements.append(statement)

    app = QCoreApplication.instance() or QCoreApplication([])
    loop = WorkerLoop(lib, default_registry())
    loop.start()
    event.listen(lib.db.engine, "before_cursor_execute", seen)
    QTimer.singleShot(int(seconds * 1000), app.quit)
    app.exec()
    event.remove(lib.db.engine, "before_cursor_execute", seen)
    loop.stop()
    lib.close()
    return sum("IMMEDIATE" in s for s in statements)


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--dir", type=Path, default=Path(".bench/scale"))
    args = parser.parse_args()
    n = int(os.environ.get("SCALE_PHOTOS", "100000"))
    root = args.dir.resolve()
    shutil.rmtree(root, ignore_errors=True)
    root.mkdir(parents=True)
    load = os.getloadavg()
    t0 = time.perf_counter()
    idle = idle_write_transactions(root)
    rows = bench_project(root, n) + bench_history(root) + bench_indexes(root)
    print(f"\nPhotoJobs at scale: {n} photos, {os.cpu_count()} cores, {root}")
    print(
        f"load average {load[0]:.2f} at start, {os.getloadavg()[0]:.2f} at the end, "
        f"{time.perf_counter() - t0:.0f} s in all\n"
    )
    print(
        f"| {'case':<34} | {'n':>7} | {'PhotoJobs s':>11} | {'per s':>8} | {'floor s':>8} "
        f"| {'x floor':>7} | {'peak MB':>7} | floor"
    )
    print(f"|{'-' * 36}|{'-' * 9}|{'-' * 13}|{'-' * 10}|{'-' * 10}|{'-' * 9}|{'-' * 9}|------")
    for case, count, ours, floor, what, peak in rows:
        ratio = f"{ours / floor:7.1f}" if floor else f"{'':7}"
        floor_s = f"{floor:8.3f}" if floor is not None else f"{'':8}"
        peak_s = f"{peak:7.0f}" if peak is not None else f"{'':7}"
        print(
            f"| {case:<34} | {count:>7} | {ours:11.3f} | {count / ours:8.0f} | {floor_s} "
            f"| {ratio} | {peak_s} | {what}"
        )
    print(f"\nidle worker loop: {idle} write transactions in 10 s (floor: 0)")
    shutil.rmtree(root, ignore_errors=True)
    print(json.dumps({"photos": n, "rows": rows}), file=sys.stderr)


if __name__ == "__main__":
    main()
