"""Screenshots of the Processes dock (a running import, a finished commit) and of a toast.

    .venv/bin/python scripts/screenshots_processes.py [docs/images]

Runs offscreen on a throwaway library built from tests/data; the settings it writes go to
a temporary folder, never the user's.
"""

from __future__ import annotations

import os
import shutil
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
DATA = ROOT / "tests" / "data"
SCRATCH = Path(tempfile.mkdtemp(prefix="photojobs-shots-"))
os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")
os.environ["XDG_CONFIG_HOME"] = str(SCRATCH / "config")  # QSettings stay in the scratch folder

from PySide6.QtCore import QRect  # noqa: E402
from PySide6.QtWidgets import QApplication  # noqa: E402

from photojobs.core.config import load_config  # noqa: E402
from photojobs.core.handlers import default_registry  # noqa: E402
from photojobs.core.jobs.context import JobContext  # noqa: E402
from photojobs.core.jobs.events import JobEvent, TaskEvent  # noqa: E402
from photojobs.core.jobs.queries import get_task  # noqa: E402
from photojobs.core.jobs.runner import run_job  # noqa: E402
from photojobs.core.jobs.store import JobStore, new_worker_id  # noqa: E402
from photojobs.core.library import Library, ProjectInfo  # noqa: E402
from photojobs.core.photos import KeepDecision, scan_project  # noqa: E402
from photojobs.runtime.session import LibrarySession  # noqa: E402


def run_queue(lib: Library) -> None:
    """Run every queued job in this thread, as the worker would, without its events."""
    store, registry, worker = JobStore(lib.db, lib.config), default_registry(), new_worker_id()
    while (job := store.claim(worker)) is not None:
        run_job(JobContext(lib, store, job, lambda _e: None), registry, worker)


def settle(app: QApplication, seconds: float) -> None:
    end = time.monotonic() + seconds
    while time.monotonic() < end:
        app.processEvents()
        time.sleep(0.02)


def make_shoot(lib: Library, name: str, photos: int) -> ProjectInfo:
    project = lib.create_project(name)
    for i in range(1, photos + 1):
        shutil.copyfile(DATA / f"IMG_000{i}.JPG", project.path / f"DSC_{4410 + i}.JPG")
    with lib.db.write() as s:
        scan_project(s, project.id, project.path)
    JobStore(lib.db, lib.config).start_task("generate_derivatives", project_id=project.id)
    run_queue(lib)
    return lib.find_project(project.id)


def main(out: Path) -> int:
    app = QApplication(sys.argv[:1])
    app.setStyle("Fusion")
    app.setApplicationName("PhotoJobs")
    from photojobs.ui.main_window import MainWindow

    lib = Library.open(SCRATCH / "Library", load_config())
    wedding = make_shoot(lib, "Anna & Tom wedding", 8)
    portraits = lib.create_project("Studio portraits")
    store = JobStore(lib.db, lib.config)
    chores = store.start_task("maintenance", project_id=wedding.id)[0]
    run_queue(lib)
    store.start_task("upload_processing", project_id=portraits.id, items=[("x", None)])
    worker = new_worker_id()
    failed = store.claim(worker)
    assert failed is not None
    store.set_progress(failed.id, 31, 64)
    store.fail(failed.id, worker, "DSC_4999.NEF: the card was removed", retry=False)
    session = LibrarySession(lib)
    window = MainWindow(session)
    window.resize(1400, 620)
    window.show()
    window.show_project(wedding)
    settle(app, 0.5)

    # a commit of three photos, run to its end and announced as the worker would
    session.decide(wedding.id, ["DSC_4411", "DSC_4414", "DSC_4416"], KeepDecision.NONE)
    commit = session.commit(wedding).task_id
    run_queue(lib)
    settle(app, 0.2)

    # an import of 48 files, running: progress arrives every half second
    items = [(f"/media/card/DCIM/100NIKON/DSC_{5000 + n}.NEF", None) for n in range(48)]
    upload, _ = store.start_task("upload_processing", project_id=portraits.id, items=items)
    session.loop.announce_task(upload)
    job = store.claim(new_worker_id())
    assert job is not None
    for done in range(0, 21, 2):
        store.set_progress(job.id, done, 48)
        session.signals.job_changed.emit(JobEvent.of(job, done, 48))
        settle(app, 0.5)
    dock = window.processes.dock
    dock.tree.expand(dock.proxy.mapFromSource(window.processes.model.task_index(upload)))
    dock.tree.expand(dock.proxy.mapFromSource(window.processes.model.task_index(commit)))
    settle(app, 0.3)
    out.mkdir(parents=True, exist_ok=True)
    dock.grab().save(str(out / "processes-dock.png"))

    window.toast("Discard: 3 photos", "info")
    session.signals.task_changed.emit(TaskEvent.of(get_task(lib.db, commit)))  # type: ignore[arg-type]
    settle(app, 0.6)
    stack = window.processes.toasts
    top = min(t.y() for t in stack.toasts) - 120
    left = min(t.x() for t in stack.toasts) - 200
    area = QRect(left, top, window.width() - left, window.height() - top)
    window.grab(area).save(str(out / "toast.png"))
    if os.environ.get("PHOTOJOBS_SHOT_WINDOW"):
        window.grab().save(os.environ["PHOTOJOBS_SHOT_WINDOW"])
    print(f"wrote {out / 'processes-dock.png'} and {out / 'toast.png'} (maintenance {chores[:8]})")
    session.stop()
    window.close()
    lib.close()
    shutil.rmtree(SCRATCH, ignore_errors=True)
    return 0


if __name__ == "__main__":
    sys.exit(main(Path(sys.argv[1]) if len(sys.argv) > 1 else ROOT / "docs" / "images"))
