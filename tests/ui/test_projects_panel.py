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


def test_the_list_counts_photos_on_a_helper_and_says_so_meanwhile(
    qtbot, culling_window: MainWindow, library: Library, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Counting is a pass over every photo of the library (25 ms at 100k photos): the GUI
    thread lists the projects and shows "Counting photos…" until the counts arrive."""
    import threading

    counted_on: list[str] = []
    list_projects = Library.list_projects

    def watched(self: Library, counted: bool = True) -> list[ProjectInfo]:
        if counted:
            counted_on.append(threading.current_thread().name)
        return list_projects(self, counted)

    monkeypatch.setattr(Library, "list_projects", watched)
    panel = culling_window.projects
    library.create_project("Second shoot")
    panel.refresh()
    texts = [panel.model.index(r).data() for r in range(panel.model.rowCount())]
    assert any(t.endswith("Counting photos…") for t in texts), texts  # the new one
    qtbot.waitUntil(lambda: bool(counted_on) and not panel.counting.busy())
    qtbot.waitUntil(
        lambda: (
            not any(
                panel.model.index(r).data().endswith("Counting photos…")
                for r in range(panel.model.rowCount())
            )
        )
    )
    assert "MainThread" not in counted_on
    assert any(
        panel.model.index(r).data() == "Second shoot\n0 photos"
        for r in range(panel.model.rowCount())
    )
