"""Screenshots of the window on a 1600 x 1000 screen: a first run on an empty library, the
grid in the middle of an import, and the trash right after a restore.

    .venv/bin/python scripts/screenshots_window.py [docs/images]

Offscreen, with the offscreen platform told its screen is 1600 x 1000, so the first run
sizes the window exactly as it would there. The jobs are the real ones, run in this
process; the import is held after its first batch of thumbnails so the shot shows some
loaded and others still coming. Settings and libraries go to a scratch folder.
"""

from __future__ import annotations

import json
import os
import shutil
import sys
import tempfile
import threading
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
DATA = ROOT / "tests" / "data"
SCRATCH = Path(tempfile.mkdtemp(prefix="photojobs-shots-"))
SCREEN = {"width": 1600, "height": 1000}
_screen_file = SCRATCH / "offscreen.json"
_screen_file.write_text(
    json.dumps({"screens": [{"name": "shot", "x": 0, "y": 0, **SCREEN, "logicalDpi": 96}]})
)
if os.environ.get("QT_QPA_PLATFORM", "offscreen") == "offscreen":
    os.environ["QT_QPA_PLATFORM"] = f"offscreen:configfile={_screen_file}"
os.environ["XDG_CONFIG_HOME"] = str(SCRATCH / "config")  # QSettings: no saved geometry

from PySide6.QtCore import QCoreApplication, QSettings, Qt  # noqa: E402
from PySide6.QtGui import QColor, QImage, QPainter  # noqa: E402
from PySide6.QtWidgets import QApplication, QWidget  # noqa: E402

from photojobs.core.handlers import default_registry  # noqa: E402
from photojobs.core.jobs.context import JobContext  # noqa: E402
from photojobs.core.jobs.events import Event, JobEvent, PhotosChanged  # noqa: E402
from photojobs.core.jobs.runner import run_job  # noqa: E402
from photojobs.core.jobs.store import new_worker_id  # noqa: E402
from photojobs.core.library import Library  # noqa: E402
from photojobs.core.photos import KeepDecision  # noqa: E402
from photojobs.runtime.session import LibrarySession  # noqa: E402


def pump(seconds: float) -> None:
    end = time.monotonic() + seconds
    while time.monotonic() < end:
        QCoreApplication.processEvents()
        time.sleep(0.01)


def wait_for(condition, what: str, timeout: float = 30.0) -> None:  # type: ignore[no-untyped-def]
    end = time.monotonic() + timeout
    while not condition():
        if time.monotonic() > end:
            raise SystemExit(f"screenshots: timed out waiting for {what}")
        QCoreApplication.processEvents()
        time.sleep(0.01)


def run_queued(session: LibrarySession) -> None:
    """Every queued job, in this thread, its events delivered to the window."""
    lib, store = session.library, session.store
    registry, worker = default_registry(), new_worker_id()
    while (job := store.claim(worker)) is not None:
        session.signals.relay(JobEvent.of(job))
        run_job(JobContext(lib, store, job, session.signals.relay), registry, worker)
        pump(0.1)


def on_screen(window: QWidget, out: Path, name: str) -> None:
    """The window where it stands on a 1600 x 1000 desktop."""
    pump(0.4)
    shot = QImage(SCREEN["width"], SCREEN["height"], QImage.Format.Format_RGB32)
    shot.fill(QColor("#3b4252"))
    painter = QPainter(shot)
    painter.drawPixmap(window.geometry().topLeft(), window.grab())
    painter.end()
    shot.save(str(out / name))
    print(f"wrote {out / name}")


def grab(widget: QWidget, out: Path, name: str) -> None:
    pump(0.4)
    widget.grab().save(str(out / name))
    print(f"wrote {out / name}")


def card() -> dict[str, str]:
    """Twenty shots: JPGs, RAW+JPG pairs and RAW-only frames, all new to the project."""
    folder = SCRATCH / "card" / "DCIM" / "100NIKON"
    folder.mkdir(parents=True)
    for n in range(1, 21):
        base = f"DSC_{4400 + n}"
        if n % 5 != 0:
            shutil.copyfile(DATA / f"IMG_000{(n % 8) + 1}.JPG", folder / f"{base}.JPG")
        if n % 3 == 0 or n % 5 == 0:
            shutil.copyfile(DATA / "RAWFULL_0001.DNG", folder / f"{base}.DNG")
    return {str(p): "new" for p in sorted(folder.iterdir())}


class HeldAfterFirstBatch:
    """The event sink of the derivatives job: passes events on, and after the first batch
    of thumbnails holds the job until released (the shot is taken meanwhile)."""

    def __init__(self, relay) -> None:  # type: ignore[no-untyped-def]
        self.relay, self.reached, self.release = relay, threading.Event(), threading.Event()

    def __call__(self, event: Event) -> None:
        self.relay(event)
        if isinstance(event, PhotosChanged) and not self.reached.is_set():
            self.reached.set()
            self.release.wait(60)


def first_run(app: QApplication, out: Path) -> None:
    from photojobs.ui.main_window import MainWindow

    lib = Library.open(SCRATCH / "New library")
    session = LibrarySession(lib)
    window = MainWindow(session)
    window.restore_layout()  # no saved geometry: the first-run size
    window.show()
    on_screen(window, out, "first-run.png")
    window.close()
    session.stop()
    lib.close()
    QSettings().clear()


def mid_import_and_restore(app: QApplication, out: Path) -> None:
    from photojobs.ui.main_window import MainWindow
    from photojobs.ui.trash_dialog import EntryIdRole

    lib = Library.open(SCRATCH / "PhotoJobs")
    session = LibrarySession(lib)
    project = session.create_project("Jones engagement")
    window = MainWindow(session)
    window.restore_layout()
    window.show()
    window.show_project(lib.find_project(project.id))
    pump(0.3)

    # the import: files copied, then the derivatives job held after its first batch
    task_id = session.start_import(project, card(), "skip")
    store, registry, worker = session.store, default_registry(), new_worker_id()
    copy = store.claim(worker)
    assert copy is not None and copy.task_id == task_id
    session.signals.relay(JobEvent.of(copy))
    run_job(JobContext(lib, store, copy, session.signals.relay), registry, worker)
    derivatives = store.claim(worker)
    assert derivatives is not None and derivatives.task_id == task_id
    session.signals.relay(JobEvent.of(derivatives))
    sink = HeldAfterFirstBatch(session.signals.relay)
    ctx = JobContext(lib, store, derivatives, sink)
    runner = threading.Thread(target=run_job, args=(ctx, registry, worker))
    runner.start()
    wait_for(sink.reached.is_set, "the first thumbnails")
    grid = window.grid
    wait_for(lambda: grid.model.rowCount() == 20, "the imported photos in the grid")
    dock = window.processes.dock
    dock.tree.expand(dock.proxy.mapFromSource(window.processes.model.task_index(task_id)))
    grid.size_slider.setValue(144)
    grid.view.setFocus()
    pump(0.5)
    waiting = next(
        r for r in range(20) if (p := grid.model.photo(r)) and p.thumbnail_status != "generated"
    )
    grid.view.scrollTo(grid.model.index(waiting), grid.view.ScrollHint.PositionAtCenter)
    pump(1.0)  # the loaded thumbnails read off the GUI thread, the others still coming
    on_screen(window, out, "grid-mid-import.png")
    sink.release.set()
    runner.join(60)
    run_queued(session)
    pump(0.5)

    # a commit of four photos, then two of their files restored from the trash
    rows = [grid.model.photo(r) for r in range(grid.model.rowCount())]
    discarded = [p.base for p in rows if p is not None][2:6]
    session.decide(project.id, discarded, KeepDecision.NONE)
    session.commit(lib.find_project(project.id))
    run_queued(session)
    window.show_trash()
    dialog = window.trash_dialog
    pump(0.3)
    dialog.select_entries([int(dialog.table.item(r, 0).data(EntryIdRole)) for r in (0, 1)])
    dialog.restore_button.setFocus(Qt.FocusReason.MouseFocusReason)  # where a click puts it
    dialog.restore_button.click()
    run_queued(session)
    wait_for(lambda: dialog.message.text().startswith("Restored"), "the restore to end")
    grab(dialog, out, "trash-after-restore.png")
    dialog.close()
    session.stop()
    window.close()
    lib.close()


def main(out: Path) -> int:
    out.mkdir(parents=True, exist_ok=True)
    app = QApplication(sys.argv[:1])
    app.setApplicationName("PhotoJobsShots")
    first_run(app, out)
    mid_import_and_restore(app, out)
    shutil.rmtree(SCRATCH, ignore_errors=True)
    return 0


if __name__ == "__main__":
    sys.exit(main(Path(sys.argv[1]) if len(sys.argv) > 1 else ROOT / "docs" / "images"))
