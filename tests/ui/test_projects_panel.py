"""The projects list's dialogs: names asked for in a dialog wide enough to read."""

from __future__ import annotations

from collections.abc import Iterator

import pytest
from PySide6.QtCore import QTimer
from PySide6.QtWidgets import QApplication, QInputDialog

from photojobs.core.library import Library, ProjectInfo
from photojobs.ui.main_window import MainWindow


@pytest.fixture(autouse=True)
def no_blocking_dialog() -> Iterator[None]:
    """A dialog run with exec() would hold the test forever: refuse it after a while, so
    such a dialog fails the test instead."""

    def refuse() -> None:
        if (modal := QApplication.activeModalWidget()) is not None:
            modal.reject()

    guard = QTimer()
    guard.setSingleShot(True)
    guard.timeout.connect(refuse)
    guard.start(10_000)
    yield
    guard.stop()


def test_rename_has_a_short_title_the_old_name_in_the_label_and_room(
    qtbot, culling_window: MainWindow, library: Library, shoot_project: ProjectInfo
) -> None:
    panel = culling_window.projects
    panel.rename_action.trigger()
    dialog = panel.name_dialog
    assert isinstance(dialog, QInputDialog) and dialog.isVisible()
    assert dialog.windowTitle() == "Rename project"
    assert "“Shoot”" in dialog.labelText()
    assert dialog.textValue() == "Shoot"
    assert dialog.width() >= 400
    dialog.setTextValue("Smith & Jones wedding")
    with qtbot.waitSignal(dialog.finished):
        dialog.accept()
    assert [p.name for p in library.list_projects()] == ["Smith & Jones wedding"]
    assert panel.current() is not None and panel.current().name == "Smith & Jones wedding"


def test_new_project_asks_in_the_same_roomy_dialog(
    qtbot, culling_window: MainWindow, library: Library, shoot_project: ProjectInfo
) -> None:
    panel = culling_window.projects
    panel.new_action.trigger()
    dialog = panel.name_dialog
    assert dialog is not None and dialog.windowTitle() == "New project"
    assert dialog.width() >= 400
    dialog.setTextValue("Baptism")
    with qtbot.waitSignal(culling_window.projects.project_selected):
        dialog.accept()
    assert sorted(p.name for p in library.list_projects()) == ["Baptism", "Shoot"]
