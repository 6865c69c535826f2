"""Trust in the cull, through the real window: Ctrl+Z undoes one decision (not the whole
cull), redo, a revert that asks first, a commit of exactly what was confirmed while
processing is paused, and a paused queue said where the person looks."""

from __future__ import annotations

import pytest
from PySide6.QtCore import Qt, QTimer

from photojobs.core.library import Library
from photojobs.core.photos import KeepDecision
from photojobs.ui.main_window import MainWindow
from photojobs.ui.tray import Tray
from tests.ui.cull_kit import answer, commit_through_dialog, flags, make_project, press

CTRL = Qt.KeyboardModifier.ControlModifier
SHIFT = Qt.KeyboardModifier.ShiftModifier


@pytest.fixture
def window(wedding_window: MainWindow) -> MainWindow:
    return wedding_window


def test_ctrl_z_undoes_the_last_decision_only_and_redo_takes_it_again(
    qtbot, window: MainWindow, library: Library
) -> None:
    pid = window.project.id
    press(qtbot, window, 0, Qt.Key.Key_J)
    press(qtbot, window, 1, Qt.Key.Key_W)
    press(qtbot, window, 2, Qt.Key.Key_Delete)
    assert flags(library, pid)["IMG_0003"] == (False, False)
    assert window.decisions.undo_action.text() == "Undo Discard"

    press(qtbot, window, -1, Qt.Key.Key_Z, CTRL)
    after_undo = flags(library, pid)
    assert after_undo["IMG_0003"] == (True, True), "the Delete is undone"
    assert after_undo["IMG_0002"] == (False, True), "the decision before it stays"
    assert after_undo["IMG_0001"] == (True, False)
    assert window.grid.selected_photos()[0].base == "IMG_0003", "what changed is shown"

    press(qtbot, window, -1, Qt.Key.Key_Z, CTRL | SHIFT)
    assert flags(library, pid)["IMG_0003"] == (False, False)
    press(qtbot, window, -1, Qt.Key.Key_Z, CTRL)
    press(qtbot, window, -1, Qt.Key.Key_Z, CTRL)
    assert flags(library, pid)["IMG_0002"] == (True, True)
    press(qtbot, window, -1, Qt.Key.Key_Y, CTRL)  # Ctrl+Y redoes too
    assert flags(library, pid)["IMG_0002"] == (False, True)
    assert flags(library, pid)["IMG_0003"] == (True, True), "one step per key press"


def test_a_decision_on_a_selection_is_one_step(qtbot, window: MainWindow, library: Library):
    pid = window.project.id
    window.grid.select_rows([0, 1, 2])
    window.decide(KeepDecision.NONE)
    assert window.decisions.undo_action.text() == "Undo Discard (3 photos)"
    window.decisions.undo_action.trigger()
    assert set(flags(library, pid).values()) == {(True, True)}
    assert not window.decisions.undo_action.isEnabled()


def test_history_survives_switching_projects(qtbot, window: MainWindow, library: Library):
    wedding = window.project
    portraits = make_project(library, "Portraits", pairs=2)
    press(qtbot, window, 0, Qt.Key.Key_Delete)
    window.show_project(portraits)
    qtbot.waitUntil(lambda: window.grid.model.rowCount() == 2)
    assert not window.decisions.undo_action.isEnabled(), "nothing decided here yet"
    press(qtbot, window, 1, Qt.Key.Key_J)
    window.show_project(wedding)
    qtbot.waitUntil(lambda: window.grid.model.rowCount() == 4)
    assert window.decisions.undo_action.text() == "Undo Discard"
    press(qtbot, window, -1, Qt.Key.Key_Z, CTRL)
    assert flags(library, wedding.id)["IMG_0001"] == (True, True)
    assert flags(library, portraits.id)["IMG_0002"] == (True, False), "the other stays"


def test_revert_all_asks_with_the_count_and_can_be_undone(
    qtbot, window: MainWindow, library: Library
) -> None:
    pid = window.project.id
    window.grid.select_rows([0, 1])
    window.decide(KeepDecision.NONE)
    assert "revert" in window.config.get("keyboard_shortcuts")
    assert window.actions_by_name["revert"].shortcut().isEmpty(), "no key wipes the cull"

    seen: list[tuple[str, str]] = []

    def read_and_press_enter() -> None:
        box = window.decisions.revert_dialog
        seen.append((box.text(), box.defaultButton().text()))
        qtbot.keyClick(box, Qt.Key.Key_Return)

    QTimer.singleShot(0, read_and_press_enter)
    window.revert()
    assert seen == [("Drop 2 decisions in “Wedding”?", "Cancel")]
    assert flags(library, pid)["IMG_0001"] == (False, False), "a stray Enter keeps the cull"

    qtbot.waitUntil(window.commit_bar.revert_button.isVisible)
    QTimer.singleShot(0, lambda: answer(window.decisions.revert_dialog, "Revert 2 decisions"))
    window.commit_bar.revert_button.click()
    assert set(flags(library, pid).values()) == {(True, True)}
    window.decisions.undo_action.trigger()
    assert flags(library, pid)["IMG_0001"] == flags(library, pid)["IMG_0002"] == (False, False)


def test_one_key_press_raises_no_toast_a_bulk_action_does(qtbot, window: MainWindow) -> None:
    said: list[str] = []
    window.toast = lambda text, kind="info": said.append(text)  # type: ignore[method-assign]
    press(qtbot, window, 0, Qt.Key.Key_Delete)
    press(qtbot, window, 1, Qt.Key.Key_J)
    assert said == [], "the grid's badge already says it"
    window.grid.select_rows([2, 3])
    window.decide(KeepDecision.NONE)
    assert said == ["Discard: 2 photos. Ctrl+Z undoes it."]


def test_a_paused_commit_moves_exactly_what_was_confirmed(
    qtbot, window: MainWindow, library: Library
) -> None:
    session, project = window.session, window.project
    session.start(with_scheduler=False)
    session.loop.set_paused(True)
    press(qtbot, window, 0, Qt.Key.Key_Delete)

    commit_through_dialog(qtbot, window, "Commit (1)")
    assert window.commit_task is not None
    qtbot.waitUntil(lambda: "waits: processing is paused" in window.commit_bar.label.text())
    assert window.commit_bar.resume_button.isVisible()
    qtbot.waitUntil(lambda: window.status_label.text() == "Paused: 1 task waiting")

    window.grid.select_row(1)
    window.decide(KeepDecision.NONE)  # decided while the commit waits
    qtbot.waitUntil(lambda: "Decided since" in window.commit_bar.label.text())
    assert "for the next commit: 1 photo (JPG 1 · RAW 1)" in window.commit_bar.label.text()

    window.commit_bar.resume_button.click()
    qtbot.waitUntil(lambda: window.commit_task is None, timeout=30_000)
    trash = sorted(p.name.split("_", 1)[1] for p in (project.path / ".trash").iterdir())
    assert trash == ["IMG_0001.DNG", "IMG_0001.JPG"]
    assert (project.path / "IMG_0002.JPG").exists() and (project.path / "IMG_0002.DNG").exists()
    qtbot.waitUntil(lambda: "Pending deletions: 1 photo" in window.commit_bar.label.text())
    assert window.commit_bar.commit_button.text() == "Commit (1)"
    assert window.decisions.undo_action.text() == "Undo Discard", "the later one stays"
    window.decisions.undo_action.trigger()
    assert window.decisions.undo_action.isEnabled() is False, "the committed one is gone"


def test_paused_is_said_in_the_status_bar_dock_and_tray(qtbot, window: MainWindow) -> None:
    loop = window.session.loop
    tray = Tray(window, window.processes, loop, quit_app=lambda: None, available=False)
    loop.set_paused(True)
    assert window.status_label.text() == "Paused"
    assert window.processes.dock.windowTitle() == "Processes — paused"
    assert tray.tooltip().endswith("(paused)")
    loop.set_paused(False)
    assert window.status_label.text() == "Idle"
    assert window.processes.dock.windowTitle() == "Processes"


def test_the_grid_selection_helper_selects_every_row(qtbot, window: MainWindow) -> None:
    window.grid.select_rows([1, 3])
    selected = window.grid.view.selectionModel().selectedIndexes()
    assert sorted(i.row() for i in selected) == [1, 3]
    assert window.grid.current_row() == 1
