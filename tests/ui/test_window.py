"""The window itself: a first run that fits the screen, a window that comes back as it
was left, full screen on F11, Home/End in the viewer, and Help → About."""

from __future__ import annotations

import uuid
from collections.abc import Iterator

import pytest
from PySide6.QtCore import QRect, QSettings, Qt, QUrl
from PySide6.QtWidgets import QLabel, QMainWindow, QWidget

from photojobs import __version__
from photojobs.core.library import Library
from photojobs.runtime.session import LibrarySession
from photojobs.ui.app import raise_on_second_launch
from photojobs.ui.empty_state import EmptyState
from photojobs.ui.main_window import MainWindow
from photojobs.ui.processes.roles import Column
from photojobs.ui.single_instance import InstanceServer, ask_running_instance_to_show
from photojobs.ui.window_state import first_run_layout, first_run_rect, show_again

SCREEN = QRect(0, 0, 1600, 1000)
Maximized, Minimized = Qt.WindowState.WindowMaximized, Qt.WindowState.WindowMinimized


@pytest.fixture
def first_run(qtbot, library: Library) -> Iterator[MainWindow]:
    """A new library and no window state saved: what a first start sees."""
    settings = QSettings()
    for key in ("geometry", "state", "splitter"):
        settings.remove(key)
    session = LibrarySession(library)
    window = MainWindow(session)
    qtbot.addWidget(window)
    yield window
    window.grid.loader.shutdown()
    session.stop()


def fully_shown(label: QLabel) -> bool:
    """Every line of a wrapped label is inside its height, and the label inside its parent."""
    parent = label.parentWidget()
    assert parent is not None
    inside = parent.rect().contains(label.geometry())
    return label.wordWrap() and inside and label.height() >= label.heightForWidth(label.width())


def test_a_first_run_takes_most_of_the_screen_centred() -> None:
    assert first_run_rect(SCREEN) == QRect(120, 75, 1360, 850)
    assert first_run_rect(QRect(0, 32, 1920, 1048)).center() == QRect(0, 32, 1920, 1048).center()


def test_restore_layout_without_saved_geometry_sizes_the_window_to_the_screen(
    first_run: MainWindow,
) -> None:
    first_run.restore_layout()
    screen = first_run.screen().availableGeometry()
    assert first_run.geometry() == first_run_rect(screen)


def test_a_first_run_shows_every_dock_column_and_the_whole_welcome(
    qtbot, first_run: MainWindow
) -> None:
    window = first_run
    first_run_layout(window, SCREEN)
    window.show()
    qtbot.waitExposed(window)
    dock = window.processes.dock
    header, viewport = dock.tree.header(), dock.tree.viewport()
    assert header.length() <= viewport.width()  # no column behind a scroll bar
    assert header.sectionViewportPosition(Column.ETA) + 60 <= viewport.width()
    assert header.sectionSize(Column.NAME) >= 140
    assert dock.maintenance_box.isVisible()  # not folded behind the toolbar's »
    assert window.splitter.sizes()[0] == MainWindow.PROJECTS_WIDTH
    area = window.dockWidgetArea(dock)
    assert area == Qt.DockWidgetArea.BottomDockWidgetArea, "under the grid, across"
    assert window.stack.width() >= 0.7 * window.width(), "the grid keeps its width"
    assert window.stack.currentWidget() is window.empty
    assert fully_shown(window.empty.title) and fully_shown(window.empty.hint)


def test_a_narrower_dock_shrinks_its_name_column_unless_sized_by_hand(
    qtbot, first_run: MainWindow
) -> None:
    """As after a restart that restored a dock narrower than its columns' widths."""
    window, dock = first_run, first_run.processes.dock
    window.resize(1300, 800)
    window.show()
    qtbot.waitExposed(window)
    window.resizeDocks([dock], [600], Qt.Orientation.Horizontal)
    qtbot.waitUntil(lambda: abs(dock.width() - 600) <= 8)
    header = dock.tree.header()
    qtbot.waitUntil(lambda: header.length() <= dock.tree.viewport().width())
    header.resizeSection(Column.NAME, 320)  # the photographer drags the column wider
    window.resizeDocks([dock], [640], Qt.Orientation.Horizontal)
    qtbot.waitUntil(lambda: abs(dock.width() - 640) <= 8)
    assert header.sectionSize(Column.NAME) == 320


def test_the_welcome_wraps_in_a_narrow_window(qtbot) -> None:
    empty = EmptyState()
    qtbot.addWidget(empty)
    empty.resize(300, 400)
    empty.show()
    qtbot.waitExposed(empty)
    assert fully_shown(empty.title) and fully_shown(empty.hint)


# -- coming back as it was left -----------------------------------------------------------


@pytest.fixture
def plain_window(qtbot) -> QMainWindow:
    window = QMainWindow()
    window.setCentralWidget(QWidget())
    qtbot.addWidget(window)
    return window


def maximise(qtbot, window: QWidget) -> None:
    window.showMaximized()
    qtbot.waitUntil(window.isMaximized)


def test_show_again_keeps_maximised_after_hide_and_minimise(qtbot, plain_window) -> None:
    window = plain_window
    maximise(qtbot, window)
    window.hide()  # what "keep working in the tray" does
    show_again(window)
    assert window.isVisible() and window.isMaximized()
    window.setWindowState(Maximized | Minimized)
    show_again(window)
    qtbot.waitUntil(lambda: not window.isMinimized())
    assert window.windowState() & ~Qt.WindowState.WindowActive == Maximized


def test_the_tray_brings_a_maximised_window_back_maximised(
    qtbot, plain_window, library: Library
) -> None:
    from photojobs.ui.processes import install_processes
    from tests.ui.test_toasts_tray import SpyTray

    session = LibrarySession(library)
    processes = install_processes(plain_window, session, QSettings())
    tray = SpyTray(plain_window, processes, session.loop)
    maximise(qtbot, plain_window)
    plain_window.hide()
    tray.show_window()
    assert plain_window.isVisible() and plain_window.isMaximized()
    session.stop()


def test_a_second_launch_raises_the_window_keeping_it_maximised(qtbot, plain_window) -> None:
    name = f"photojobs-test-{uuid.uuid4().hex[:8]}"
    server = InstanceServer(name)
    raise_on_second_launch(server, plain_window)
    maximise(qtbot, plain_window)
    plain_window.setWindowState(Maximized | Minimized)
    with qtbot.waitSignal(server.show_requested):
        assert ask_running_instance_to_show(name)
    qtbot.waitUntil(lambda: not plain_window.isMinimized())
    assert plain_window.isMaximized()
    server.close()


# -- keys and menus -------------------------------------------------------------------------


def open_viewer(qtbot, window: MainWindow, row: int) -> None:
    window.grid.select_row(row)
    with qtbot.waitSignal(window.viewer.photo_shown, timeout=5_000):
        window.open_viewer()
    window.activateWindow()
    window.viewer.canvas.setFocus()


def test_f11_toggles_full_screen_and_esc_leaves_the_viewer_first(
    qtbot, culling_window: MainWindow
) -> None:
    window = culling_window
    window.activateWindow()
    window.grid.view.setFocus()
    qtbot.keyClick(window.grid.view, Qt.Key.Key_F11)
    qtbot.waitUntil(window.isFullScreen)
    open_viewer(qtbot, window, 1)
    qtbot.keyClick(window.viewer.canvas, Qt.Key.Key_Escape)
    assert not window.in_viewer() and window.isFullScreen()
    qtbot.keyClick(window.grid.view, Qt.Key.Key_Escape)
    qtbot.waitUntil(lambda: not window.isFullScreen())

    maximise(qtbot, window)
    qtbot.keyClick(window.grid.view, Qt.Key.Key_F11)
    qtbot.waitUntil(window.isFullScreen)
    qtbot.keyClick(window.grid.view, Qt.Key.Key_F11)
    qtbot.waitUntil(lambda: not window.isFullScreen())
    assert window.isMaximized()


def test_home_and_end_jump_to_the_first_and_last_photo_in_the_viewer(
    qtbot, culling_window: MainWindow
) -> None:
    window, viewer = culling_window, culling_window.viewer
    model = window.grid.model
    open_viewer(qtbot, window, 1)
    qtbot.keyClick(viewer.canvas, Qt.Key.Key_End)
    assert window.grid.current_row() == model.rowCount() - 1
    assert viewer.details is not None and viewer.details.base == model.photo(3).base
    assert viewer.position_label.text() == "4 of 4"
    qtbot.keyClick(viewer.canvas, Qt.Key.Key_Home)
    assert window.grid.current_row() == 0 and viewer.details.base == model.photo(0).base
    assert window.in_viewer()


def test_about_names_the_version_the_library_and_the_logs(
    qtbot, culling_window: MainWindow, library: Library
) -> None:
    window = culling_window
    help_menu = window.help_menu  # QAction.menu() hands back a freed menu on PySide6 6.10.0
    assert help_menu.menuAction() in window.menuBar().actions() and help_menu.title() == "&Help"
    assert window.about_action in help_menu.actions()
    assert window.about_action.text() == "About PhotoJobs"
    window.about_action.trigger()
    dialog = window.about_dialog
    assert dialog.isVisible()
    words = " ".join(label.text() for label in dialog.findChildren(QLabel))
    logs = library.data_dir / "logs"
    assert __version__ in words and str(library.root) in words and str(logs) in words
    opened: list[QUrl] = []
    dialog.open_url = opened.append
    dialog.logs_button.click()
    dialog.library_button.click()
    assert opened == [QUrl.fromLocalFile(str(logs)), QUrl.fromLocalFile(str(library.root))]
