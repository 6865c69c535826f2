"""Importing from the window: the analysis before copying, the policy, drag and drop."""

from __future__ import annotations

import threading
from pathlib import Path

import pytest
from PySide6.QtCore import QMimeData, QPoint, QPointF, Qt, QUrl
from PySide6.QtGui import QDragEnterEvent, QDropEvent
from PySide6.QtWidgets import QApplication, QTreeWidgetItem

from photojobs.core import project_import
from photojobs.core.importing import COMPLETION, DUPLICATE, NEW, OTHER_PROJECT, REJECTED
from photojobs.core.library import Library, ProjectInfo
from photojobs.ui import import_dialog
from photojobs.ui.import_dialog import ImportDialog
from photojobs.ui.main_window import MainWindow
from tests.ui.conftest import task_item_keys, task_jobs


@pytest.fixture
def second_card(tmp_path: Path, sample) -> Path:
    """A duplicate, a new photo, a sidecar completing a photo, an empty JPG, a text file."""
    folder = tmp_path / "second card"
    sample("IMG_0001.JPG", folder)  # already in the shoot
    sample("IMG_0005.JPG", folder)  # new
    (folder / "IMG_0002.xmp").write_text("<x:xmpmeta/>")  # completes IMG_0002
    (folder / "IMG_0100.JPG").write_bytes(b"")
    (folder / "notes.txt").write_text("call the bride's mother")
    return folder


def group(dialog: ImportDialog, heading: str) -> dict[str, str]:
    """File name -> note, under the tree's group that starts with `heading`."""
    tree = dialog.files
    for i in range(tree.topLevelItemCount()):
        item: QTreeWidgetItem = tree.topLevelItem(i)
        if item.text(0).startswith(heading):
            return {item.child(j).text(0): item.child(j).text(1) for j in range(item.childCount())}
    return {}


def analyse(qtbot, window: MainWindow, paths: list[Path]) -> ImportDialog:
    with qtbot.waitSignal(window.importer.analysed, timeout=10_000) as shown:
        window.start_import(paths)
    return shown.args[0]


def test_dialog_shows_duplicates_and_rejected_files_with_reasons(
    qtbot, culling_window: MainWindow, second_card: Path
) -> None:
    dialog = analyse(qtbot, culling_window, [second_card])
    assert dialog.isVisible()
    counts = {v: int(label.text()) for v, label in dialog.count_labels.items()}
    assert counts == {NEW: 1, COMPLETION: 1, DUPLICATE: 1, OTHER_PROJECT: 0, REJECTED: 2}
    assert set(group(dialog, "Duplicates")) == {"IMG_0001.JPG"}
    assert group(dialog, "Rejected") == {
        "IMG_0100.JPG": "the file is empty",
        "notes.txt": "not a photo file type (.txt)",
    }
    assert dialog.policy() == "skip"
    assert dialog.policy_box.isEnabled()
    assert dialog.import_button.text().startswith("Import 2 files")
    dialog.set_policy("rename")
    assert dialog.import_button.text().startswith("Import 3 files")


def test_new_photos_are_counted_as_photos_and_files_as_files(
    qtbot, culling_window: MainWindow, tmp_path: Path, sample
) -> None:
    folder = tmp_path / "pairs"
    for n in (5, 6, 7):  # three new photos: two RAW+JPG pairs with a sidecar, one JPG
        sample(f"IMG_000{n}.JPG", folder)
    for n in (5, 6):
        sample("RAWFULL_0001.DNG", folder, f"IMG_000{n}.DNG")
        (folder / f"IMG_000{n}.xmp").write_text("<x:xmpmeta/>")
    sample("RAWFULL_0002.DNG", folder, "IMG_0001.DNG")  # completes IMG_0001
    dialog = analyse(qtbot, culling_window, [folder])
    assert dialog.count_labels[NEW].text() == "3"
    assert dialog.hint_labels[NEW].text() == "new photos for this project (7 files)"
    assert dialog.count_labels[COMPLETION].text() == "1"
    assert dialog.hint_labels[COMPLETION].text().startswith("file adding a JPG, RAW")
    assert dialog.hint_labels[REJECTED].text() == "files not imported"
    assert set(group(dialog, "New (3 photos, 7 files)")) == {
        f"IMG_000{n}.{ext}" for n in (5, 6) for ext in ("JPG", "DNG", "xmp")
    } | {"IMG_0007.JPG"}
    assert dialog.import_button.text().startswith("Import 8 files")


def test_confirming_starts_the_import_task_with_the_chosen_files(
    qtbot, culling_window: MainWindow, library: Library, second_card: Path
) -> None:
    dialog = analyse(qtbot, culling_window, [second_card])
    dialog.set_policy("rename")
    with qtbot.waitSignal(culling_window.importer.started) as started:
        dialog.import_button.click()
    task_id = started.args[0]
    jobs = [
        (t, payload)
        for task, t, payload in task_jobs(library, "upload_processing")
        if task == task_id
    ]
    assert jobs and jobs[0][0] == "import_files"
    payload = jobs[0][1]
    expected = {
        str(second_card / "IMG_0001.JPG"): DUPLICATE,
        str(second_card / "IMG_0005.JPG"): NEW,
        str(second_card / "IMG_0002.xmp"): COMPLETION,
    }
    assert payload == {"on_duplicate": "rename", "verdicts": expected}
    assert task_item_keys(library, task_id) == set(expected)


def test_cancel_starts_nothing(
    qtbot, culling_window: MainWindow, library: Library, second_card: Path
) -> None:
    before = task_jobs(library, "upload_processing")
    dialog = analyse(qtbot, culling_window, [second_card])
    with qtbot.assertNotEmitted(culling_window.importer.started):
        dialog.reject()
    assert task_jobs(library, "upload_processing") == before


def drop(window: MainWindow, paths: list[Path], where: QPoint) -> QDragEnterEvent:
    """A drag entering at `where` (window coordinates), then the drop if it was accepted."""
    mime = QMimeData()
    mime.setUrls([QUrl.fromLocalFile(str(p)) for p in paths])
    buttons, keys = Qt.MouseButton.LeftButton, Qt.KeyboardModifier.NoModifier
    enter = QDragEnterEvent(where, Qt.DropAction.CopyAction, mime, buttons, keys)
    QApplication.sendEvent(window, enter)
    if enter.isAccepted():
        event = QDropEvent(QPointF(where), Qt.DropAction.CopyAction, mime, buttons, keys)
        QApplication.sendEvent(window, event)
    return enter


def test_dropping_a_folder_on_the_window_opens_the_analysis(
    qtbot, culling_window: MainWindow, shoot_project: ProjectInfo, second_card: Path
) -> None:
    grid = culling_window.grid
    with qtbot.waitSignal(culling_window.importer.analysed, timeout=10_000) as shown:
        enter = drop(
            culling_window, [second_card], grid.mapTo(culling_window, grid.rect().center())
        )
    assert enter.isAccepted()
    dialog: ImportDialog = shown.args[0]
    assert dialog.project.id == shoot_project.id
    assert dialog.analysis.counts()[NEW] == 1


def test_dropping_onto_a_project_imports_into_that_project(
    qtbot, culling_window: MainWindow, second_card: Path
) -> None:
    other = culling_window.session.create_project("Rehearsal dinner")
    view = culling_window.projects.view
    row = culling_window.projects.model.row_of(other.id)
    spot = view.viewport().mapTo(
        culling_window, view.visualRect(view.model().index(row, 0)).center()
    )
    with qtbot.waitSignal(culling_window.importer.analysed, timeout=10_000) as shown:
        drop(culling_window, [second_card], spot)
    dialog: ImportDialog = shown.args[0]
    assert dialog.project.id == other.id
    # nothing is in the new project yet: what duplicated the shoot is now "in another project"
    assert dialog.analysis.counts()[OTHER_PROJECT] == 1
    assert dialog.analysis.counts()[DUPLICATE] == 0


def test_a_drag_without_files_is_refused(qtbot, culling_window: MainWindow) -> None:
    mime = QMimeData()
    mime.setText("just some words")
    enter = QDragEnterEvent(
        QPoint(400, 300),
        Qt.DropAction.CopyAction,
        mime,
        Qt.MouseButton.LeftButton,
        Qt.KeyboardModifier.NoModifier,
    )
    QApplication.sendEvent(culling_window, enter)
    assert not enter.isAccepted()


def test_the_analysis_runs_off_the_gui_thread_while_the_window_answers(
    qtbot, culling_window: MainWindow, second_card: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """The app's own path: the analysis on a helper thread, the dialog on the GUI thread."""
    threads: list[int] = []
    release = threading.Event()

    def analyse_and_note(*args):
        threads.append(threading.get_ident())
        release.wait(10)  # slow disk: the window must stay usable meanwhile
        return project_import.analyse_for_project(*args)

    monkeypatch.setattr(import_dialog, "analyse_for_project", analyse_and_note)
    culling_window.importer.start(culling_window.project, [second_card])
    qtbot.waitUntil(lambda: bool(threads))
    assert culling_window.importer.dialog is None  # still looking, and the GUI thread is free
    assert "Looking at" in culling_window.statusBar().currentMessage()
    with qtbot.waitSignal(culling_window.importer.analysed, timeout=10_000):
        release.set()
    assert threads[0] != threading.get_ident()
    dialog = culling_window.importer.dialog
    assert dialog is not None and dialog.analysis.counts()[REJECTED] == 2
    dialog.reject()
