"""Screenshots of the main states: grid, marks, tags panel, filters, viewer, import dialog,
commit confirmation.

    .venv/bin/python scripts/screenshots.py [docs/images]

Builds a throwaway library from tests/data (offscreen; settings go to a scratch folder).
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
os.environ["XDG_CONFIG_HOME"] = str(SCRATCH / "config")

from PySide6.QtCore import QCoreApplication, QTimer  # noqa: E402
from PySide6.QtWidgets import QApplication, QWidget  # noqa: E402

from photojobs.core.library import Library  # noqa: E402
from photojobs.core.marks import ColorLabel, Flag  # noqa: E402
from photojobs.core.photos import KeepDecision  # noqa: E402
from photojobs.runtime.session import LibrarySession  # noqa: E402
from photojobs.ui.main_window import MainWindow  # noqa: E402


def pump(seconds: float) -> None:
    end = time.monotonic() + seconds
    while time.monotonic() < end:
        QCoreApplication.processEvents()


def wait_for(condition, timeout: float = 30.0) -> None:  # type: ignore[no-untyped-def]
    end = time.monotonic() + timeout
    while not condition():
        if time.monotonic() > end:
            raise SystemExit("screenshots: timed out waiting for the window")
        QCoreApplication.processEvents()
        time.sleep(0.01)


def card() -> Path:
    """A memory card: 8 JPGs, three of them with a RAW, a RAW-only shot, and two bad files."""
    folder = SCRATCH / "card"
    folder.mkdir()
    for i in range(1, 9):
        shutil.copyfile(DATA / f"IMG_000{i}.JPG", folder / f"IMG_000{i}.JPG")
    for i, raw in ((2, "RAWFULL_0001"), (3, "RAWFULL_0002"), (6, "RAWSMALL_0002")):
        shutil.copyfile(DATA / f"{raw}.DNG", folder / f"IMG_000{i}.DNG")
    shutil.copyfile(DATA / "RAWNONE_0001.DNG", folder / "DSC_0100.DNG")
    return folder


def grab(widget: QWidget, out: Path, name: str) -> None:
    pump(0.4)
    widget.grab().save(str(out / name))
    print(f"wrote {out / name}")


def main() -> None:
    out = Path(sys.argv[1] if len(sys.argv) > 1 else "docs/images")
    out.mkdir(parents=True, exist_ok=True)
    app = QApplication.instance() or QApplication([])
    app.setApplicationName("PhotoJobsShots")
    lib = Library.open(SCRATCH / "PhotoJobs")
    session = LibrarySession(lib)
    project = session.create_project("Smith wedding")
    window = MainWindow(session)
    window.resize(1280, 800)
    window.show()
    session.start(with_scheduler=False)

    # the import dialog with what it found on the card, then the import itself
    shutil.copyfile(DATA / "IMG_0001.JPG", project.path / "IMG_0001.JPG")
    source = card()
    (source / "notes.txt").write_text("shot list")
    (source / "IMG_0099.JPG").write_bytes(b"")
    window.start_import([source], window.projects.current() or project)
    wait_for(lambda: window.importer.dialog is not None)
    dialog = window.importer.dialog
    grab(dialog, out, "import-dialog.png")
    dialog.accept()
    wait_for(
        lambda: (
            window.grid.model.rowCount() == 9
            and not window.commit_bar.running
            and window.status_label.text() == "Idle"
        )
    )
    wait_for(
        lambda: all(
            window.grid.model.photo(r).thumbnail_status == "generated"
            for r in range(window.grid.model.rowCount())
        )
    )
    if window.processes is not None:
        window.processes.dock.hide()

    # the grid with a few decisions
    current = window.projects.current()
    assert current is not None
    session.decide(current.id, ["IMG_0002"], KeepDecision.RAW_ONLY)
    session.decide(current.id, ["IMG_0004", "IMG_0007"], KeepDecision.NONE)
    session.decide(current.id, ["IMG_0003"], KeepDecision.JPG_ONLY)
    pump(0.5)
    window.grid.select_row(1)
    grab(window, out, "grid.png")

    # ratings, flags, labels and tags: the grid's badges, the tags panel, the filter row
    pid = current.id
    for bases, stars in ((["IMG_0001", "IMG_0005"], 4), (["IMG_0002", "IMG_0006"], 5)):
        session.rate(pid, bases, stars)
    session.rate(pid, ["IMG_0003", "IMG_0008"], 2)
    session.flag(pid, ["IMG_0001", "IMG_0002", "IMG_0006"], Flag.PICK)
    session.flag(pid, ["IMG_0008", "DSC_0100"], Flag.REJECT)
    session.label(pid, ["IMG_0002"], ColorLabel.RED)
    session.label(pid, ["IMG_0005", "IMG_0006"], ColorLabel.GREEN)
    session.label(pid, ["IMG_0001"], ColorLabel.BLUE)
    session.tag(pid, ["IMG_0001", "IMG_0002", "IMG_0005"], add=["Ceremony"])
    session.tag(pid, ["IMG_0006", "IMG_0008"], add=["Reception"])
    session.tag(pid, ["IMG_0001", "IMG_0006"], add=["Family|Smith"])
    pump(0.5)
    window.grid.select_row(4)
    grab(window, out, "grid-marks.png")
    window.tags.field.setText("Fam")
    pump(0.2)
    window.tags.grab().save(str(out / "tags-panel.png"))
    print(f"wrote {out / 'tags-panel.png'}")
    bar = window.grid.marks_bar
    bar.rating.setCurrentIndex(bar.rating.findData(4))
    bar.flag.setCurrentIndex(bar.flag.findData(Flag.PICK))
    window.tags.view.setCurrentIndex(window.tags.model.index(0))  # Ceremony
    window.tags.view.clicked.emit(window.tags.model.index(0))
    pump(0.5)
    window.tags.field.clear()
    grab(window, out, "grid-filtered.png")
    window.grid.clear_filter()
    pump(0.3)

    # the viewer on a RAW+JPG photo
    window.open_viewer()
    grab(window, out, "viewer.png")
    window.close_viewer()

    # the commit confirmation, answered No
    def shoot_and_cancel() -> None:
        grab(window.commit_dialog, out, "commit-confirmation.png")
        window.commit_dialog.reject()

    QTimer.singleShot(300, shoot_and_cancel)
    window.commit()
    session.stop()
    window.close()
    lib.close()
    shutil.rmtree(SCRATCH, ignore_errors=True)


if __name__ == "__main__":
    main()
