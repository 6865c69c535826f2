"""The window's own keys and menu entries beside culling: Home/End in the viewer, F11 for
full screen (Esc leaves it when no viewer is open), and Help → About."""

from __future__ import annotations

from typing import TYPE_CHECKING

from PySide6.QtCore import Qt
from PySide6.QtGui import QAction

from photojobs import APP_NAME
from photojobs.ui.about_dialog import AboutDialog
from photojobs.ui.culling import WINDOW_SHORTCUTS, make_action
from photojobs.ui.errors import log_folder
from photojobs.ui.window_state import leave_full_screen, toggle_full_screen

if TYPE_CHECKING:
    from photojobs.ui.main_window import MainWindow


def go_to(window: MainWindow, row: int) -> None:
    """The first (0) or last (-1) photo, through `step` so the viewer follows."""
    count = window.grid.model.rowCount()
    if count:
        window.step((row % count) - window.grid.current_row())


def escape(window: MainWindow) -> None:
    """Esc: back from the viewer first; only then out of full screen."""
    if window.in_viewer():
        window.close_viewer()
    elif not leave_full_screen(window):
        window.close_viewer()  # what Esc always did in the grid: show the right page


def show_about(window: MainWindow) -> AboutDialog:
    library = window.session.library
    window.about_dialog = AboutDialog(library.root, log_folder(library.data_dir), window)
    window.about_dialog.open()
    return window.about_dialog


def install_window_actions(window: MainWindow) -> dict[str, QAction]:
    keys = dict(window.config.get("keyboard_shortcuts"))
    slots = {
        "first_photo": lambda: go_to(window, 0),
        "last_photo": lambda: go_to(window, -1),
        "toggle_full_screen": lambda: toggle_full_screen(window),
    }
    actions = {s.name: make_action(window, s, keys, slots[s.name]) for s in WINDOW_SHORTCUTS}
    for name in ("first_photo", "last_photo"):  # the grid has its own Home and End
        actions[name].setShortcutContext(Qt.ShortcutContext.WidgetShortcut)
        window.viewer.canvas.addAction(actions[name])
    window.actions_by_name.update(actions)
    view = window.view_menu
    view.addSeparator()
    view.addAction(actions["toggle_full_screen"])
    help_menu = window.help_menu
    help_menu.addSeparator()
    window.about_action = help_menu.addAction(f"About {APP_NAME}")
    window.about_action.triggered.connect(lambda: show_about(window))
    return actions
