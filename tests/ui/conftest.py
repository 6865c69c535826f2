"""A real library with an imported shoot, and the real main window over it, offscreen."""

from __future__ import annotations

import json
from collections.abc import Iterator
from pathlib import Path

import pytest
from PySide6.QtCore import QThreadPool
from sqlalchemy import select

from photojobs.core.catalog.photo_rows import SortOrder
from photojobs.core.config import Config, load_config
from photojobs.core.db.models import Job, JobItem
from photojobs.core.jobs.store import JobStore
from photojobs.core.library import Library, ProjectInfo
from photojobs.core.project_import import analyse_for_project
from photojobs.runtime.session import LibrarySession
from photojobs.ui.grid.panel import GridPanel
from photojobs.ui.main_window import MainWindow
from tests.core.importing.conftest import DATA, run_jobs
from tests.ui.waiting import settled

# What the shoot holds, by photo: the formats are what the keep buttons depend on.
SHOOT_FILES = {
    "IMG_0001.JPG": "IMG_0001.JPG",  # JPG only, landscape
    "IMG_0002.JPG": "IMG_0002.JPG",  # RAW + JPG, portrait
    "IMG_0002.DNG": "RAWFULL_0001.DNG",
    "IMG_0003.JPG": "IMG_0003.JPG",  # JPG only
    "RAW_0009.DNG": "RAWFULL_0002.DNG",  # RAW only
}


def start_import_task(library: Library, project: ProjectInfo, paths: list[Path]) -> str:
    """The real import task of `paths` (new files only), queued; its id."""
    analysis = analyse_for_project(library, project, paths)
    task_id, _ = JobStore(library.db, library.config).start_task(
        "upload_processing",
        project_id=project.id,
        payload={
            "on_duplicate": "skip",
            "verdicts": {c.source: c.verdict for c in analysis.to_copy("skip")},
        },
        items=[(c.source, None) for c in analysis.to_copy("skip")],
    )
    return task_id


def import_into(library: Library, project: ProjectInfo, paths: list[Path]) -> None:
    """The real import task, run to the end in this thread."""
    start_import_task(library, project, paths)
    run_jobs(library)


@pytest.fixture
def config() -> Config:
    """Previews smaller than the originals (600 x 400), so 100 % has to read the original."""
    return load_config().with_overrides(
        {"processing.thumbnail.max_dim": 160, "processing.preview.max_dim": 320}
    )


@pytest.fixture
def card(tmp_path: Path, sample) -> Path:
    folder = tmp_path / "card" / "DCIM"
    for name, source in SHOOT_FILES.items():
        sample(source, folder, name)
    return tmp_path / "card"


@pytest.fixture
def shoot_project(library: Library, card: Path) -> ProjectInfo:
    """“Shoot”: four photos imported with thumbnails and previews made."""
    project = library.create_project("Shoot")
    import_into(library, project, [card])
    return library.find_project(project.id)


@pytest.fixture
def wedding_window(qtbot, library: Library) -> Iterator[MainWindow]:
    """The window on “Wedding”, four RAW+JPG pairs; the loop starts where a test says."""
    from tests.ui.cull_kit import make_project

    make_project(library, "Wedding")
    session = LibrarySession(library)
    win = MainWindow(session)
    win.resize(1200, 760)
    win.show()
    qtbot.waitUntil(lambda: win.grid.model.rowCount() == 4)
    win.grid.view.setFocus()
    yield win
    session.stop()
    win.close()
    QThreadPool.globalInstance().waitForDone(5_000)
    win.deleteLater()


@pytest.fixture
def culling_window(qtbot, library: Library, shoot_project: ProjectInfo) -> Iterator[MainWindow]:
    """The main window on the shoot; the worker loop is not started (tests run jobs inline)."""
    session = LibrarySession(library)
    window = MainWindow(session)
    window.resize(1100, 720)
    window.show()
    qtbot.waitUntil(lambda: window.grid.model.rowCount() == 4)
    yield window
    window.close()
    session.stop()
    QThreadPool.globalInstance().waitForDone(5_000)
    window.deleteLater()


def task_jobs(library: Library, task_type: str) -> list[tuple[str | None, str, dict]]:
    """(task id, job type, payload) of every job of tasks of this type, oldest first."""
    with library.db.read() as s:
        rows = s.execute(
            select(Job.task_id, Job.type, Job.payload_json)
            .where(Job.task_type == task_type)
            .order_by(Job.id)
        ).all()
    return [(task, t, json.loads(p or "{}")) for task, t, p in rows]


def task_item_keys(library: Library, task_id: str) -> set[str]:
    with library.db.read() as s:
        return set(
            s.scalars(
                select(JobItem.key)
                .join(Job, Job.id == JobItem.job_id)
                .where(Job.task_id == task_id)
            )
        )


__all__ = ["DATA", "import_into", "run_jobs", "task_item_keys", "task_jobs"]


@pytest.fixture(autouse=True)
def delete_closed_widgets() -> Iterator[None]:
    """Set up first, torn down last: widgets pytest-qt closed (deleteLater) are deleted
    before the next test, so a closed view's delayed layout never runs against the models
    and sessions its own test already dropped."""
    yield
    import gc

    from PySide6.QtCore import QCoreApplication, QEvent

    if QCoreApplication.instance() is not None:
        QCoreApplication.sendPostedEvents(None, QEvent.Type.DeferredDelete)
    gc.collect()


@pytest.fixture
def panel(qtbot, library: Library, project: ProjectInfo) -> Iterator[GridPanel]:
    """The grid panel alone, on the test module's own `project`, sorted by date taken."""
    grid = GridPanel(library.db, 96)
    qtbot.addWidget(grid)
    grid.sort_box.setCurrentText(SortOrder.DATE.value)
    grid.resize(640, 420)
    grid.show()
    qtbot.waitExposed(grid)
    grid.show_project(project.id, project.path)
    settled(grid.model)
    yield grid
    grid.shutdown()
