"""The trash view restores what a commit moved; settings reach the user's config file."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from PySide6.QtCore import QSettings, Qt
from PySide6.QtWidgets import QApplication, QDialogButtonBox, QPushButton

from photojobs.core.commits import trash_listing
from photojobs.core.config import default_config_path
from photojobs.core.jobs.events import TaskEvent
from photojobs.core.jobs.queries import get_task
from photojobs.core.library import Library, ProjectInfo
from photojobs.core.photos import KeepDecision
from photojobs.ui.main_window import MainWindow
from photojobs.ui.settings_dialog import SettingsDialog
from photojobs.ui.trash_dialog import TrashDialog
from photojobs.ui.tray import Tray
from tests.ui.conftest import run_jobs, task_jobs


def commit_discarding(window: MainWindow, library: Library, base: str) -> str:
    """Discard one photo and commit, running the commit to the end here."""
    project = window.project
    assert project is not None
    assert window.session.decide(project.id, [base], KeepDecision.NONE) == []
    task_id = window.session.commit(project).task_id
    run_jobs(library)
    return task_id


def open_trash(window: MainWindow) -> TrashDialog:
    window.trash_action.trigger()
    dialog = window.trash_dialog
    assert dialog.isVisible()
    return dialog


def names(dialog: TrashDialog) -> list[str]:
    return [dialog.table.item(r, 0).text() for r in range(dialog.table.rowCount())]


def test_trash_restores_the_selected_entry(
    qtbot, culling_window: MainWindow, library: Library, shoot_project: ProjectInfo
) -> None:
    commit_discarding(culling_window, library, "IMG_0001")
    commit_discarding(culling_window, library, "IMG_0003")
    dialog = open_trash(culling_window)
    assert sorted(names(dialog)) == ["IMG_0001.JPG", "IMG_0003.JPG"]
    assert not dialog.restore_button.isEnabled()
    entry = next(
        e for e in trash_listing(library, shoot_project) if e["original_name"] == "IMG_0003.JPG"
    )
    dialog.select_entries([entry["id"]])
    assert dialog.restore_button.isEnabled()
    with qtbot.waitSignal(dialog.restore_started) as started:
        dialog.restore_button.click()
    jobs = [(t, p) for task, t, p in task_jobs(library, "restore") if task == started.args[0]]
    assert jobs[0] == ("restore_files", {"entry_ids": [entry["id"]]})
    run_jobs(library)
    dialog.reload()
    assert names(dialog) == ["IMG_0001.JPG"]
    assert (shoot_project.path / "IMG_0003.JPG").is_file()


def test_trash_restores_a_whole_commit(
    qtbot, culling_window: MainWindow, library: Library, shoot_project: ProjectInfo
) -> None:
    commit_discarding(culling_window, library, "IMG_0001")
    second = commit_discarding(culling_window, library, "IMG_0002")  # JPG + DNG
    dialog = open_trash(culling_window)
    assert sorted(names(dialog)) == ["IMG_0001.JPG", "IMG_0002.DNG", "IMG_0002.JPG"]
    entry = next(
        e for e in trash_listing(library, shoot_project) if e["original_name"] == "IMG_0002.JPG"
    )
    dialog.select_entries([entry["id"]])
    with qtbot.waitSignal(dialog.restore_started) as started:
        dialog.restore_commit_button.click()
    jobs = [(t, p) for task, t, p in task_jobs(library, "restore") if task == started.args[0]]
    assert jobs[0] == ("restore_files", {"commit_task_id": second})
    assert "Restoring 2 file(s)" in dialog.message.text()
    run_jobs(library)
    dialog.reload()
    assert names(dialog) == ["IMG_0001.JPG"]


def finish_restore(library: Library, window: MainWindow, task_id: str) -> None:
    """Run the restore here, then deliver its end the way the worker loop does."""
    run_jobs(library)
    task = get_task(library.db, task_id)
    assert task is not None and task.status.value == "completed"
    window.session.signals.task_changed.emit(TaskEvent.of(task))


def bulk_buttons(dialog: TrashDialog) -> list[QPushButton]:
    return [dialog.restore_button, dialog.restore_commit_button]


@pytest.mark.parametrize("how", ["selected", "commit"])
def test_after_a_restore_nothing_is_selected_and_enter_restores_nothing(
    qtbot, culling_window: MainWindow, library: Library, shoot_project: ProjectInfo, how: str
) -> None:
    commit_discarding(culling_window, library, "IMG_0001")
    commit_discarding(culling_window, library, "IMG_0002")  # JPG + DNG
    commit_discarding(culling_window, library, "IMG_0003")
    dialog = open_trash(culling_window)
    dialog.activateWindow()
    qtbot.waitUntil(dialog.isActiveWindow)
    assert not any(b.isDefault() or b.autoDefault() for b in bulk_buttons(dialog))
    entries = {e["original_name"]: e["id"] for e in trash_listing(library, shoot_project)}
    dialog.select_entries([entries["IMG_0002.JPG"], entries["IMG_0002.DNG"]])
    button = dialog.restore_button if how == "selected" else dialog.restore_commit_button
    button.setFocus()  # where a click leaves the focus
    with qtbot.waitSignal(dialog.restore_started) as started:
        qtbot.mouseClick(button, Qt.MouseButton.LeftButton)
    assert dialog.selected_entry_ids() == []
    finish_restore(library, culling_window, started.args[0])
    assert sorted(names(dialog)) == ["IMG_0001.JPG", "IMG_0003.JPG"]
    assert dialog.selected_entry_ids() == []
    assert not any(b.isEnabled() or b.isDefault() for b in bulk_buttons(dialog))
    focus = QApplication.focusWidget()
    assert focus in (dialog.table, dialog.close_button)
    with qtbot.assertNotEmitted(dialog.restore_started):
        qtbot.keyClick(focus, Qt.Key.Key_Space)
        qtbot.keyClick(focus, Qt.Key.Key_Return)  # at most closes the dialog


def open_settings(window: MainWindow) -> SettingsDialog:
    window.settings_action.trigger()
    dialog = window.settings_dialog
    assert dialog.isVisible()
    return dialog


def save_button(dialog: SettingsDialog):
    return dialog.findChild(QDialogButtonBox).button(QDialogButtonBox.StandardButton.Save)


def test_settings_write_the_user_config(
    qtbot, culling_window: MainWindow, library: Library, tmp_path: Path
) -> None:
    dialog = open_settings(culling_window)
    assert dialog.path == default_config_path()
    assert dialog.numbers["processing.thumbnail.max_dim"].value() == 160
    dialog.numbers["processing.thumbnail.max_dim"].setValue(256)
    dialog.numbers["maintenance.trash_retention_days"].setValue(14)
    dialog.switches["ui.notify_on_success"].setChecked(False)
    dialog.library_edit.setText(str(tmp_path / "another library"))
    with qtbot.waitSignal(dialog.saved):
        save_button(dialog).click()
    assert json.loads(default_config_path().read_text()) == {
        "processing": {"thumbnail": {"max_dim": 256}},
        "maintenance": {"trash_retention_days": 14},
        "ui": {"notify_on_success": False},
    }
    assert library.config.get("processing.thumbnail.max_dim") == 256  # the next jobs use it
    assert culling_window.config.get("maintenance.trash_retention_days") == 14
    assert QSettings().value("library") == str(tmp_path / "another library")
    assert not dialog.isVisible()


def test_showing_maintenance_and_notifying_successes_apply_when_saved(
    qtbot, culling_window: MainWindow, library: Library
) -> None:
    tray = Tray(culling_window, culling_window.processes, culling_window.session.loop,
                notify_on_success=True, available=False)  # fmt: skip
    culling_window.config_changed.connect(tray.apply_config)
    dock = culling_window.processes.dock
    assert not dock.maintenance_box.isChecked() and not dock.proxy.show_maintenance
    dialog = open_settings(culling_window)
    dialog.switches["ui.include_maintenance_jobs"].setChecked(True)
    dialog.switches["ui.notify_on_success"].setChecked(False)
    with qtbot.waitSignal(dialog.saved):
        save_button(dialog).click()
    assert dock.maintenance_box.isChecked() and dock.proxy.show_maintenance
    assert culling_window.processes.model.show_maintenance
    assert tray.notifier.notify_on_success is False, "not after the next start: now"


def test_settings_refuse_a_bad_value_with_the_config_message(
    qtbot, culling_window: MainWindow, library: Library
) -> None:
    dialog = open_settings(culling_window)
    dialog.numbers["processing.thumbnail.max_dim"].setValue(10)
    dialog.numbers["maintenance.trash_retention_days"].setValue(7)
    with qtbot.assertNotEmitted(dialog.saved):
        save_button(dialog).click()
    assert "'processing.thumbnail.max_dim': must be at least 32, got 10" in dialog.error.text()
    assert dialog.isVisible() and not dialog.error.isHidden()
    assert not default_config_path().exists()  # nothing half-written
    assert library.config.get("processing.thumbnail.max_dim") == 160


def test_question_mark_lists_every_shortcut(
    qtbot, culling_window: MainWindow, library: Library
) -> None:
    culling_window.grid.view.setFocus()
    culling_window.activateWindow()
    qtbot.keyClick(culling_window.grid.view, "?")
    overlay = culling_window.shortcuts_overlay
    assert overlay.isVisible()
    keys = library.config.get("keyboard_shortcuts")
    assert len(overlay.rows) == len([k for k in keys.values() if k])  # revert has no key
    assert ("J", "Keep JPG only") in overlay.rows
    assert ("Ctrl+Return", "Commit pending deletions") in overlay.rows
    qtbot.keyClick(overlay, "?")
    assert not overlay.isVisible()


@pytest.fixture(autouse=True)
def _no_settings_left(qapp):
    yield
    QSettings().remove("library")
