"""Helpers for the culling tests through the real window: a project of RAW+JPG pairs, keys,
the keep flags as the database has them, and answering a question box."""

from __future__ import annotations

import shutil
from pathlib import Path

from PySide6.QtCore import Qt
from PySide6.QtWidgets import QMessageBox
from pytestqt.qtbot import QtBot
from sqlalchemy import select

from photojobs.core.db.models import Photo
from photojobs.core.library import Library, ProjectInfo
from photojobs.core.photos import scan_project
from photojobs.ui.main_window import MainWindow

DATA = Path(__file__).parents[1] / "data"


def make_project(library: Library, name: str, pairs: int = 4) -> ProjectInfo:
    project = library.create_project(name)
    for i in range(1, pairs + 1):
        shutil.copyfile(DATA / f"IMG_000{i}.JPG", project.path / f"IMG_000{i}.JPG")
        shutil.copyfile(DATA / "RAWFULL_0002.DNG", project.path / f"IMG_000{i}.DNG")
    with library.db.write() as s:
        scan_project(s, project.id, project.path)
    return library.find_project(project.id)


def flags(library: Library, project_id: str) -> dict[str, tuple[bool, bool]]:
    with library.db.read() as s:
        rows = s.scalars(select(Photo).where(Photo.project_id == project_id))
        return {r.base: (r.keep_jpg, r.keep_raw) for r in rows}


def press(
    qtbot: QtBot, win: MainWindow, row: int, key: Qt.Key, modifier=Qt.KeyboardModifier.NoModifier
) -> None:
    if row >= 0:
        win.grid.select_row(row)
    qtbot.keyClick(win.grid.view, key, modifier)


def answer(box: QMessageBox | None, text: str) -> None:
    assert box is not None
    next(b for b in box.buttons() if b.text() == text).click()


def commit_through_dialog(qtbot: QtBot, window: MainWindow, button: str = "") -> None:
    """Commit as a person does: the question opens once the pending files are counted (on a
    helper thread), then one click, by default on "Commit (n)", which starts the task."""
    window.commit()
    qtbot.waitUntil(lambda: window.commit_dialog is not None and window.commit_dialog.isVisible())
    box = window.commit_dialog
    assert box is not None
    if button:
        answer(box, button)
    else:
        role = QMessageBox.ButtonRole.AcceptRole
        next(b for b in box.buttons() if box.buttonRole(b) == role).click()
    if box.buttonRole(box.clickedButton()) == QMessageBox.ButtonRole.AcceptRole:
        qtbot.waitUntil(lambda: window.commit_task is not None)
