"""During an import the grid shows a new photo with the thumbnail its camera embedded, and
then, once the import has made and recorded the real one while still copying, the real one
in its place: no derivatives job has run meanwhile."""

from __future__ import annotations

import threading
from pathlib import Path
from typing import Any

import pytest
from PySide6.QtGui import QImage
from sqlalchemy import select

from photojobs.core.db.models import Photo
from photojobs.core.handlers import default_registry, import_derivatives, imports
from photojobs.core.jobs.context import JobContext
from photojobs.core.jobs.events import ItemEvent, PhotosChanged
from photojobs.core.jobs.queries import get_task
from photojobs.core.jobs.runner import run_job
from photojobs.core.jobs.store import JobStore
from photojobs.core.library import Library, ProjectInfo
from photojobs.core.paths import derivative_path
from photojobs.ui.grid.thumbnails import read_thumbnail
from photojobs.ui.main_window import MainWindow
from tests.core.importing.conftest import image_pool_idle
from tests.ui.conftest import start_import_task

WAIT_S = 30


def shown(window: MainWindow, project: ProjectInfo, base: str) -> QImage | None:
    """The picture the grid holds for the photo's cell, as it would paint it (read now if
    it is not held: the grid paints the cell when that read arrives)."""
    grid = window.grid
    rows = [r for r in range(grid.model.rowCount()) if grid.model.photo(r).base == base]
    if not rows:
        return None
    dpr = grid.view.viewport().devicePixelRatioF()
    path = derivative_path(project.path, "thumbnail", base)
    pixmap = grid.loader.pixmap(grid.model.photo_id(rows[0]), path, grid.delegate.cell, dpr)
    return None if pixmap is None else pixmap.toImage().convertToFormat(QImage.Format.Format_RGB32)


def on_disk(window: MainWindow, project: ProjectInfo, base: str) -> QImage:
    """The thumbnail file as the grid reads it for a cell."""
    box = int(window.grid.delegate.cell * window.grid.view.viewport().devicePixelRatioF())
    image = read_thumbnail(derivative_path(project.path, "thumbnail", base), box)
    return image.convertToFormat(QImage.Format.Format_RGB32)


def test_the_real_thumbnail_made_during_the_import_replaces_the_stand_in(
    qtbot,
    culling_window: MainWindow,
    library: Library,
    shoot_project: ProjectInfo,
    tmp_path: Path,
    sample,
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    """IMG_0005's render waits until the grid shows its stand-in; the copy of the last file
    waits for that render; the import then stays where it announced IMG_0005 made until
    the grid shows the real thumbnail, so the grid cannot owe it to the announcement of
    the import's end."""
    monkeypatch.setattr(imports, "PUBLISH_SECONDS", 0.0)  # a row as soon as its file is in
    may_render, rendered, grid_shows_it = threading.Event(), threading.Event(), threading.Event()
    real_render = import_derivatives.render

    def render_when_allowed(*args: Any) -> Any:
        assert may_render.wait(WAIT_S)
        outcome = real_render(*args)
        rendered.set()
        return outcome

    monkeypatch.setattr(import_derivatives, "render", render_when_allowed)
    card = tmp_path / "new card"
    for n in (5, 6, 7):
        sample(f"IMG_000{n}.JPG", card)
    task_id = start_import_task(library, shoot_project, [card])
    store = JobStore(library.db, library.config)
    job = store.claim("w")
    assert job is not None and job.type == "import_files"
    relay = culling_window.session.loop.relay_event

    last_copied = threading.Event()

    def sink(event: object) -> None:  # on the import's thread
        relay(event)
        if isinstance(event, ItemEvent) and event.key.endswith("IMG_0007.JPG"):
            assert rendered.wait(WAIT_S)
            image_pool_idle(library)  # IMG_0005's render is over: recorded in the next rows
            last_copied.set()
        elif isinstance(event, PhotosChanged) and last_copied.is_set():
            assert made_now(library, "IMG_0005")
            assert grid_shows_it.wait(WAIT_S)  # the import's end is not announced before
            last_copied.clear()

    ctx = JobContext(library, store, job, sink)
    importing = threading.Thread(target=run_job, args=(ctx, default_registry(), "w"))
    importing.start()
    try:
        qtbot.waitUntil(lambda: shown(culling_window, shoot_project, "IMG_0005") is not None)
        stand_in = shown(culling_window, shoot_project, "IMG_0005")
        assert stand_in == on_disk(culling_window, shoot_project, "IMG_0005")  # the camera's
        may_render.set()

        def real_one_shown() -> bool:
            real = on_disk(culling_window, shoot_project, "IMG_0005")
            return real != stand_in and shown(culling_window, shoot_project, "IMG_0005") == real

        qtbot.waitUntil(real_one_shown, timeout=int(WAIT_S * 1000))
        assert importing.is_alive()  # held where it published the rows after the last copy
        grid_shows_it.set()
    finally:
        may_render.set()
        grid_shows_it.set()
        importing.join(WAIT_S)
    task = get_task(library.db, task_id)
    assert task is not None
    assert {j.type: j.status.value for j in task.jobs} == {
        "import_files": "completed",
        "upload_postprocess": "queued",  # the derivatives job has not run
    }


def made_now(library: Library, base: str) -> bool:
    """The photo's row reads its thumbnail made."""
    with library.db.read() as s:
        status = s.scalar(select(Photo.thumbnail_status).where(Photo.base == base))
        return status == "generated"
