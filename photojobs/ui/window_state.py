"""The main window's size and state: a first run that fits the screen, and a window that
comes back as it was (maximised or full screen) from the tray, a minimise or a second
launch. One helper, `show_again`, serves every way back."""

from __future__ import annotations

from typing import TYPE_CHECKING

from PySide6.QtCore import QRect, Qt
from PySide6.QtWidgets import QMainWindow, QWidget

if TYPE_CHECKING:  # the second-launch path imports this module: keep it light
    from photojobs.ui.main_window import MainWindow
    from photojobs.ui.processes.dock import ProcessesDock

FIRST_RUN_SHARE = 0.85  # of the screen's available area, centred
DOCK_SHARE = 0.28  # of the window's height, for the Processes dock under the grid

State = Qt.WindowState


def first_run_rect(available: QRect, share: float = FIRST_RUN_SHARE) -> QRect:
    """A window `share` of the available area (the task bar excluded), centred on it."""
    width, height = round(available.width() * share), round(available.height() * share)
    rect = QRect(0, 0, width, height)
    rect.moveCenter(available.center())
    return rect


def place_first_run(
    window: QMainWindow,
    dock: ProcessesDock | None = None,
    available: QRect | None = None,
) -> None:
    """No saved geometry: size the window to the screen and put the Processes dock under
    the grid, across the window: there every column shows, and the grid keeps its width
    for thumbnails (beside the grid the two fought for it). The person can move it."""
    if available is None:
        screen = window.screen()
        if screen is None:
            return
        available = screen.availableGeometry()
    window.setGeometry(first_run_rect(available))
    if dock is not None:
        window.addDockWidget(Qt.DockWidgetArea.BottomDockWidgetArea, dock)
        height = int(window.height() * DOCK_SHARE)
        window.resizeDocks([dock], [height], Qt.Orientation.Vertical)  # columns follow


def first_run_layout(window: MainWindow, available: QRect | None = None) -> None:
    """The main window's first run: the projects list at its width, the grid with the
    rest, the Processes dock below them."""
    projects = window.PROJECTS_WIDTH
    splitter = window.splitter
    place_first_run(window, window.processes.dock, available)
    window.layout().activate()  # the splitter at its real width before it is shared
    splitter.setSizes([projects, splitter.width() - projects])


def show_again(window: QWidget) -> None:
    """In front again as it was left: a minimised window is restored to maximised or full
    screen if it was so; a hidden one (the tray) keeps its state too. Never showNormal."""
    state = window.windowState() & ~State.WindowMinimized
    if window.isHidden():
        window.setWindowState(state)
        window.show()
    elif window.windowState() & State.WindowMinimized:
        window.setWindowState(state | State.WindowActive)
    window.raise_()
    window.activateWindow()


def toggle_full_screen(window: QWidget) -> None:
    """F11. Leaving full screen returns to maximised when the window was maximised."""
    window.setWindowState(window.windowState() ^ State.WindowFullScreen)


def leave_full_screen(window: QWidget) -> bool:
    if not window.isFullScreen():
        return False
    window.setWindowState(window.windowState() & ~State.WindowFullScreen)
    return True
