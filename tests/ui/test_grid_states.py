"""The grid says why it shows nothing: a filter that matches no photo, a thumbnail on its
way, a photo that will have no preview."""

from __future__ import annotations

from PySide6.QtCore import QRect, Qt
from PySide6.QtGui import QImage
from sqlalchemy import update

from photojobs.core.catalog.photo_rows import PhotoFilter
from photojobs.core.db.models import Photo
from photojobs.core.library import Library, ProjectInfo
from photojobs.core.paths import THUMB_DIR
from photojobs.ui.grid.delegate import PADDING
from photojobs.ui.grid.placeholder import LOADING, NO_PREVIEW
from photojobs.ui.main_window import MainWindow
from tests.ui.waiting import settled


def set_filter(window: MainWindow, f: PhotoFilter) -> None:
    window.grid.filter_box.setCurrentIndex(list(PhotoFilter).index(f))
    settled(window.grid.model)


def test_a_filter_matching_nothing_says_so_and_offers_the_way_back(
    qtbot, culling_window: MainWindow
) -> None:
    grid = culling_window.grid
    assert grid.body.currentWidget() is grid.view
    set_filter(culling_window, PhotoFilter.PENDING)  # nothing decided yet
    assert grid.model.rowCount() == 0
    assert culling_window.stack.currentWidget() is grid
    assert grid.body.currentWidget() is grid.no_match and grid.no_match.isVisible()
    assert grid.no_match.title.text() == "No photos match the filter “Pending deletion”"
    assert "4 photos" in grid.no_match.hint.text()
    with qtbot.waitSignal(grid.filter_box.currentIndexChanged):
        qtbot.mouseClick(grid.no_match.clear_button, Qt.MouseButton.LeftButton)
    settled(grid.model)
    assert grid.filter_box.currentIndex() == 0 and grid.model.rowCount() == 4
    assert grid.body.currentWidget() is grid.view


def cell_box(window: MainWindow, row: int) -> QImage:
    """The picture area of one cell (not its name), as painted now."""
    view = window.grid.view
    rect = view.visualRect(window.grid.model.index(row))
    size = window.grid.delegate.cell
    box = QRect(rect.x() + PADDING, rect.y() + PADDING, size, size)
    return view.viewport().grab(box).toImage()


def test_loading_and_missing_thumbnails_look_different(
    qtbot, culling_window: MainWindow, library: Library, shoot_project: ProjectInfo
) -> None:
    """IMG_0001 waits for its thumbnail; IMG_0003's thumbnail file is gone."""
    grid = culling_window.grid
    rows = {grid.model.photo(r).base: r for r in range(grid.model.rowCount())}
    loading, missing = rows["IMG_0001"], rows["IMG_0003"]
    with library.db.write() as s:
        s.execute(update(Photo).where(Photo.base == "IMG_0001").values(thumbnail_status="pending"))
    (shoot_project.path / THUMB_DIR / "IMG_0003.jpg").unlink()
    ids = [grid.model.photo_id(r) for r in (loading, missing)]
    for pid in ids:
        grid.loader.forget(pid)
    grid.model.photos_changed(ids)
    settled(grid.model)
    grid.view.scrollTo(grid.model.index(missing))  # painted: an earlier test may size cells up
    grid.view.viewport().repaint()
    dpr = grid.view.viewport().devicePixelRatioF()
    missing_id = grid.model.photo_id(missing)
    qtbot.waitUntil(lambda: grid.loader.unreadable(missing_id, grid.delegate.cell, dpr))
    assert grid.delegate.placeholder(grid.model.photo(loading)).kind == LOADING
    no_preview = grid.delegate.placeholder(grid.model.photo(missing), grid.view.viewport())
    assert no_preview.kind == NO_PREVIEW and no_preview.reason == "Thumbnail unreadable"
    assert cell_box(culling_window, loading) != cell_box(culling_window, missing)


def test_a_photo_that_cannot_be_shown_says_why(
    qtbot, culling_window: MainWindow, library: Library
) -> None:
    grid = culling_window.grid
    rows = {grid.model.photo(r).base: r for r in range(grid.model.rowCount())}
    with library.db.write() as s:
        s.execute(
            update(Photo)
            .where(Photo.base == "RAW_0009")
            .values(thumbnail_status="failed", thumbnail_error="LibRaw: data corrupted")
        )
    grid.model.photos_changed([grid.model.photo_id(rows["RAW_0009"])])
    settled(grid.model)
    row = grid.model.photo(rows["RAW_0009"])
    placeholder = grid.delegate.placeholder(row)
    assert (placeholder.kind, placeholder.reason) == (NO_PREVIEW, "Cannot read this photo")
    tip = grid.model.index(rows["RAW_0009"]).data(Qt.ItemDataRole.ToolTipRole)
    assert "No preview: LibRaw: data corrupted" in tip
