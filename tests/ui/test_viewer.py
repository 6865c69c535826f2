"""The viewer in the real window: opens the photo chosen, flips instantly, zooms and pans."""

from __future__ import annotations

import numpy as np
import pytest
from PIL import Image
from PySide6.QtCore import QPoint, QPointF, QSize, QSizeF, Qt
from PySide6.QtGui import QImageReader, QWheelEvent
from PySide6.QtWidgets import QApplication
from sqlalchemy import select

from photojobs.core.db.models import Photo
from photojobs.core.jobs.events import PhotosChanged
from photojobs.core.library import Library, ProjectInfo
from photojobs.core.photos import KeepDecision
from photojobs.ui.main_window import MainWindow
from photojobs.ui.viewer.canvas import ImageCanvas
from photojobs.ui.viewer.images import ORIGINAL, PREVIEW, ImageCache


def row_of(window: MainWindow, base: str) -> int:
    model = window.grid.model
    return next(r for r in range(model.rowCount()) if model.photo(r).base == base)


def open_on(qtbot, window: MainWindow, base: str) -> None:
    window.grid.select_row(row_of(window, base))
    with qtbot.waitSignal(window.viewer.photo_shown, timeout=5_000):
        window.open_viewer()
    window.activateWindow()
    window.viewer.canvas.setFocus()


def keep_flags(library: Library, base: str) -> tuple[bool, bool]:
    with library.db.read() as s:
        photo = s.scalar(select(Photo).where(Photo.base == base))
        assert photo is not None
        return photo.keep_jpg, photo.keep_raw


def test_enter_opens_the_selected_photo(
    qtbot, culling_window: MainWindow, shoot_project: ProjectInfo
) -> None:
    window = culling_window
    row = row_of(window, "IMG_0003")
    window.grid.select_row(row)
    window.grid.view.setFocus()
    with qtbot.waitSignal(window.viewer.photo_shown, timeout=5_000) as shown:
        qtbot.keyClick(window.grid.view, Qt.Key.Key_Return)
    assert window.in_viewer()
    assert shown.args == [window.grid.model.photo_id(row)]
    assert window.viewer.details is not None and window.viewer.details.base == "IMG_0003"
    assert window.viewer.name_label.text() == "IMG_0003"
    preview = QImageReader(str(shoot_project.path / ".preview" / "IMG_0003.jpg")).size()
    assert window.viewer.canvas.pixmap is not None
    assert window.viewer.canvas.pixmap.size() == preview  # the preview, not a stand-in


def test_next_and_previous_show_neighbours_read_ahead(qtbot, culling_window: MainWindow) -> None:
    window, viewer = culling_window, culling_window.viewer
    open_on(qtbot, window, window.grid.model.photo(0).base)
    first, second = window.grid.model.photo_id(0), window.grid.model.photo_id(1)
    qtbot.waitUntil(lambda: viewer.cache.get(second) is not None)
    read_ahead = viewer.cache.get(second)
    assert read_ahead is not None and not read_ahead.stand_in
    qtbot.keyClick(viewer.canvas, Qt.Key.Key_Right)
    # no turn of the event loop in between: the picture was already decoded
    assert viewer.details is not None and viewer.details.id == second
    assert viewer.canvas.pixmap is read_ahead.pixmap
    assert window.grid.current_row() == 1
    assert viewer.position_label.text() == "2 of 4"
    qtbot.keyClick(viewer.canvas, Qt.Key.Key_Left)
    assert viewer.details.id == first
    assert viewer.canvas.pixmap is viewer.cache.get(first).pixmap
    assert window.grid.current_row() == 0
    assert not viewer.previous_button.isEnabled()


@pytest.mark.parametrize(
    ("base", "enabled"),
    [
        ("IMG_0001", {KeepDecision.JPG_ONLY, KeepDecision.NONE}),
        (
            "IMG_0002",
            {KeepDecision.JPG_ONLY, KeepDecision.BOTH, KeepDecision.RAW_ONLY, KeepDecision.NONE},
        ),
        ("RAW_0009", {KeepDecision.RAW_ONLY, KeepDecision.NONE}),
    ],
)
def test_keep_buttons_only_for_formats_the_photo_has(
    qtbot, culling_window: MainWindow, base: str, enabled: set[KeepDecision]
) -> None:
    open_on(qtbot, culling_window, base)
    buttons = culling_window.viewer.keep_buttons
    assert {d for d, b in buttons.items() if b.isEnabled()} == enabled


def test_keep_button_decides_like_the_key(
    qtbot, culling_window: MainWindow, library: Library
) -> None:
    window, viewer = culling_window, culling_window.viewer
    open_on(qtbot, window, "IMG_0002")
    assert viewer.keep_buttons[KeepDecision.BOTH].isChecked()
    with qtbot.waitSignal(window.session.signals.photos_changed):
        viewer.keep_buttons[KeepDecision.JPG_ONLY].click()
    assert keep_flags(library, "IMG_0002") == (True, False)
    qtbot.waitUntil(lambda: viewer.info.text("Decision") == "Keep JPG only")
    assert viewer.keep_buttons[KeepDecision.JPG_ONLY].isChecked()
    with qtbot.waitSignal(window.session.signals.photos_changed):
        qtbot.keyClick(viewer.canvas, Qt.Key.Key_Delete)  # the discard key, in the viewer
    assert keep_flags(library, "IMG_0002") == (False, False)
    qtbot.waitUntil(lambda: viewer.keep_buttons[KeepDecision.NONE].isChecked())
    assert viewer.info.text("Decision") == "Discard"
    assert window.commit_bar.isVisible()


def test_info_panel_shows_the_metadata(qtbot, culling_window: MainWindow) -> None:
    viewer = culling_window.viewer
    open_on(qtbot, culling_window, "IMG_0001")
    assert viewer.info.text("Camera") == "Canon EOS 80D"
    assert viewer.info.text("Date").startswith("15 Jun 2023, 08:00")
    assert viewer.info.text("Files") == "IMG_0001.JPG"
    assert viewer.info.text("Size") == "600 × 400 px (0.2 MP)"
    assert viewer.info.isVisible()
    qtbot.keyClick(viewer.canvas, Qt.Key.Key_I)
    assert not viewer.info.isVisible()


def test_zoom_100_reads_the_original_and_wheel_zooms_around_the_cursor(
    qtbot, culling_window: MainWindow
) -> None:
    viewer = culling_window.viewer
    canvas = viewer.canvas
    open_on(qtbot, culling_window, "IMG_0001")
    photo_id = viewer.details.id
    qtbot.keyClick(canvas, Qt.Key.Key_1, Qt.KeyboardModifier.ControlModifier)  # zoom_100
    assert not canvas.fit and round(canvas.zoom_percent()) == 100
    qtbot.waitUntil(lambda: viewer.cache.get(photo_id, ORIGINAL) is not None)
    qtbot.waitUntil(lambda: canvas.pixmap.width() == 600)  # the original, not the 320 preview
    assert not canvas.fit and round(canvas.zoom_percent()) == 100  # the view did not jump

    qtbot.keyClick(canvas, Qt.Key.Key_0, Qt.KeyboardModifier.ControlModifier)  # zoom_fit
    assert canvas.fit
    canvas.zoom_to(2.0)  # zoomed well past the window: no edge stops the point
    anchor = QPointF(canvas.width() / 2 - 60, canvas.height() / 2 + 30)
    under = (anchor - canvas.picture_rect().topLeft()) / canvas.scale()
    before = canvas.scale()
    wheel = QWheelEvent(
        anchor,
        QPointF(canvas.mapToGlobal(anchor.toPoint())),
        QPoint(),
        QPoint(0, 120),
        Qt.MouseButton.NoButton,
        Qt.KeyboardModifier.NoModifier,
        Qt.ScrollPhase.NoScrollPhase,
        False,
    )
    QApplication.sendEvent(canvas, wheel)
    assert canvas.scale() == pytest.approx(before * 1.25)
    after = (anchor - canvas.picture_rect().topLeft()) / canvas.scale()
    assert (after.x(), after.y()) == (pytest.approx(under.x()), pytest.approx(under.y()))

    zoom = canvas.zoom_percent()
    qtbot.keyClick(canvas, Qt.Key.Key_Equal)
    assert canvas.zoom_percent() == pytest.approx(zoom * 1.25)
    qtbot.keyClick(canvas, Qt.Key.Key_Minus)
    assert canvas.zoom_percent() == pytest.approx(zoom)


def test_drag_pans_a_zoomed_photo(qtbot, culling_window: MainWindow) -> None:
    canvas = culling_window.viewer.canvas
    open_on(qtbot, culling_window, "IMG_0001")
    canvas.zoom_to(4.0)
    assert canvas.can_pan()
    centre = QPointF(canvas.centre)
    qtbot.mousePress(canvas, Qt.MouseButton.LeftButton, pos=QPoint(300, 200))
    qtbot.mouseMove(canvas, QPoint(260, 180))
    qtbot.mouseRelease(canvas, Qt.MouseButton.LeftButton, pos=QPoint(260, 180))
    moved = canvas.centre - centre
    assert (moved.x(), moved.y()) == (pytest.approx(10.0), pytest.approx(5.0))  # 40, 20 px at 4x


def test_raw_only_photo_zooms_from_its_preview(qtbot, culling_window: MainWindow) -> None:
    viewer = culling_window.viewer
    open_on(qtbot, culling_window, "RAW_0009")
    viewer.zoom_100()
    assert "from the preview (no JPG)" in viewer.zoom_label.text()
    assert viewer.cache.get(viewer.details.id, ORIGINAL) is None


def test_escape_goes_back_to_the_grid_keeping_the_selection(
    qtbot, culling_window: MainWindow
) -> None:
    window = culling_window
    open_on(qtbot, window, window.grid.model.photo(1).base)
    qtbot.keyClick(window.viewer.canvas, Qt.Key.Key_Right)
    qtbot.keyClick(window.viewer.canvas, Qt.Key.Key_Escape)
    assert window.stack.currentWidget() is window.grid
    assert window.grid.current_row() == 2
    assert [p.base for p in window.grid.selected_photos()] == [window.grid.model.photo(2).base]


def test_a_preview_made_while_viewing_replaces_the_thumbnail(
    qtbot, culling_window: MainWindow, shoot_project: ProjectInfo, tmp_path
) -> None:
    """Before the preview exists the thumbnail stands in; refresh() picks up the real one."""
    preview = shoot_project.path / ".preview" / "IMG_0003.jpg"
    kept = tmp_path / "preview.jpg"
    preview.rename(kept)
    viewer = culling_window.viewer
    open_on(qtbot, culling_window, "IMG_0003")
    thumbnail = QImageReader(str(shoot_project.path / ".thumb" / "IMG_0003.jpg")).size()
    assert viewer.canvas.pixmap.size() == thumbnail
    assert viewer.cache.get(viewer.details.id).stand_in
    kept.rename(preview)  # the derivative job wrote it
    photo_id = viewer.details.id
    culling_window.session.signals.photos_changed.emit(PhotosChanged(shoot_project.id, (photo_id,)))
    qtbot.waitUntil(lambda: (p := viewer.cache.get(photo_id)) is not None and not p.stand_in)
    assert viewer.cache.get(photo_id).pixmap.size() == QImageReader(str(preview)).size()
    # on screen: the preview, or the original when the window is larger than the preview
    qtbot.waitUntil(lambda: viewer.canvas.pixmap.width() > thumbnail.width())


def test_preview_is_scaled_to_fit_off_the_gui_thread_and_paints_the_same(qtbot, tmp_path) -> None:
    """A flip in fit mode copies a picture scaled on the reader thread: same pixels as the
    smooth scale the canvas would do while painting."""
    x = np.linspace(0, 255, 2400)[None, :, None]
    y = np.linspace(0, 255, 1600)[:, None, None]
    picture = np.concatenate([x + 0 * y, y + 0 * x, 255 - (x + y) / 2], axis=2)
    path = tmp_path / "big.jpg"
    Image.fromarray(picture.astype(np.uint8), "RGB").save(path, quality=90)
    canvas = ImageCanvas()
    qtbot.addWidget(canvas)
    canvas.resize(600, 400)
    cache = ImageCache()
    cache.screen_box = QSize(600, 400)
    with qtbot.waitSignal(cache.image_ready, timeout=5_000):
        cache.request(1, PREVIEW, (path,))
    loaded = cache.get(1)
    assert loaded is not None and loaded.fitted is not None
    assert loaded.fitted.size() == QSize(600, 400)
    assert loaded.pixmap.size() == QSize(2400, 1600)  # zooming in still has every pixel
    canvas.show_picture(loaded.pixmap, QSizeF(2400, 1600), fitted=loaded.fitted)
    fast = canvas.grab().toImage()
    canvas.show_picture(loaded.pixmap, QSizeF(2400, 1600))
    smooth = canvas.grab().toImage()
    for px, py in ((10, 10), (300, 200), (590, 390), (100, 300)):
        a, b = fast.pixelColor(px, py), smooth.pixelColor(px, py)
        assert abs(a.red() - b.red()) + abs(a.green() - b.green()) + abs(a.blue() - b.blue()) < 15
    cache.shutdown()
