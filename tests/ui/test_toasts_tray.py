"""Toasts and tray notifications for finished tasks, once per task, and a commit through
the real main window with the real worker loop (in the jobs process, as the app runs it,
and in the window) from click to "Files removed"."""

from __future__ import annotations

import shutil
from collections.abc import Iterator
from pathlib import Path

import pytest
from processes_kit import Script
from PySide6.QtCore import QSettings, QThreadPool
from PySide6.QtWidgets import QMainWindow, QWidget

from photojobs.core.jobs.events import TaskEvent
from photojobs.core.jobs.queries import get_task
from photojobs.core.library import Library, ProjectInfo
from photojobs.core.photos import KeepDecision, scan_project
from photojobs.runtime.session import LibrarySession
from photojobs.ui.icons import app_icon
from photojobs.ui.main_window import MainWindow
from photojobs.ui.processes import Processes, install_processes
from photojobs.ui.processes.announcer import Announcement
from photojobs.ui.toasts import MAX_VISIBLE, SHADOW, Toast, ToastStack
from photojobs.ui.tray import KEEP, QUIT, STAY, Notifier, Tray
from tests.core.importing.conftest import run_jobs
from tests.ui.cull_kit import commit_through_dialog

DATA = Path(__file__).parents[1] / "data"


@pytest.fixture
def session(library: Library) -> Iterator[LibrarySession]:
    s = LibrarySession(library)
    windows: list[QMainWindow] = []
    # The windows a test makes live until the session stops: events still queued when the
    # test returns must not reach a model Python's collector is tearing down mid-slot.
    s.test_windows = windows  # type: ignore[attr-defined]
    yield s
    s.stop()
    windows.clear()


@pytest.fixture
def settings(tmp_path: Path) -> QSettings:
    return QSettings(str(tmp_path / "settings.ini"), QSettings.Format.IniFormat)


@pytest.fixture
def shoot(library: Library) -> ProjectInfo:
    """Four JPG photos on disk and in the database."""
    project = library.create_project("Shoot")
    for i in range(1, 5):
        shutil.copyfile(DATA / f"IMG_000{i}.JPG", project.path / f"IMG_000{i}.JPG")
    with library.db.write() as s:
        scan_project(s, project.id, project.path)
    return library.find_project(project.id)


class Shown:
    """Every toast a stack shows, by (kind, title, text)."""

    def __init__(self, stack: ToastStack):
        self.toasts: list[Toast] = []
        stack.shown.connect(self.toasts.append)

    def titles(self) -> list[str | None]:
        return [t.title for t in self.toasts]


def make_window(
    qtbot, session: LibrarySession, settings: QSettings
) -> tuple[QMainWindow, Processes]:
    window = QMainWindow()
    window.setCentralWidget(QWidget())
    window.resize(900, 600)
    qtbot.addWidget(window)
    processes = install_processes(window, session, settings)
    window.show()
    session.test_windows.append(window)  # type: ignore[attr-defined]
    return window, processes


def finished_commit(session: LibrarySession, shoot: ProjectInfo) -> tuple[str, TaskEvent]:
    """A real commit of two photos, run to its end in this thread; its final TaskEvent."""
    session.decide(shoot.id, ["IMG_0001", "IMG_0002"], KeepDecision.NONE)
    task_id = session.commit(shoot).task_id
    run_jobs(session.library)
    task = get_task(session.library.db, task_id)
    assert task is not None and task.status.value == "completed"
    return task_id, TaskEvent.of(task)


# -- toasts --------------------------------------------------------------------------------


def test_at_most_three_toasts_stack_newest_at_the_bottom(qtbot):
    window = QMainWindow()
    qtbot.addWidget(window)
    window.resize(800, 600)
    window.show()
    stack = ToastStack.of(window)
    assert ToastStack.of(window) is stack
    toasts = [stack.show(f"note {n}", "info") for n in range(5)]
    assert [t.text for t in stack.toasts] == ["note 2", "note 3", "note 4"]
    assert len(stack.toasts) == MAX_VISIBLE
    assert all(t.done for t in toasts[:2])
    ys = [t.y() for t in stack.toasts]
    card_right = stack.toasts[-1].geometry().x() + stack.toasts[-1].width() - SHADOW
    assert ys == sorted(ys) and card_right == window.width() - 16


def test_toasts_dismiss_themselves_wait_while_hovered_and_close(qtbot):
    window = QMainWindow()
    qtbot.addWidget(window)
    window.show()
    stack = ToastStack.of(window)
    quick = stack.show("saved", "success", timeout_ms=150)
    qtbot.waitUntil(lambda: quick.done, timeout=2000)

    held = stack.show("read me", "error", timeout_ms=150)
    held.pause()  # what the pointer entering does
    qtbot.wait(300)
    assert not held.done
    held.resume()
    qtbot.waitUntil(lambda: held.done, timeout=4000)

    closable = stack.show("bye", "warning")
    closable.close_button.click()
    assert closable.done and stack.toasts == []


def test_an_action_button_runs_once_and_dismisses(qtbot):
    window = QMainWindow()
    qtbot.addWidget(window)
    window.show()
    calls: list[int] = []
    toast = ToastStack.of(window).show("x", "info", action=("Do it", lambda: calls.append(1)))
    assert toast.action_button is not None
    toast.action_button.click()
    toast.trigger()
    assert calls == [1] and toast.done


def test_each_task_is_announced_once_across_repeats_and_rebuilds(
    qtbot, session: LibrarySession, settings: QSettings, shoot: ProjectInfo
):
    _window, processes = make_window(qtbot, session, settings)
    shown = Shown(processes.toasts)
    _task_id, done = finished_commit(session, shoot)
    session.signals.task_changed.emit(done)
    session.signals.task_changed.emit(done)
    assert shown.titles() == ["Files removed"]
    assert shown.toasts[0].text == "2 files moved to the trash in Shoot."
    assert shown.toasts[0].kind == "success"

    _again, rebuilt = make_window(qtbot, session, settings)  # a new model, as after a restart
    shown_again = Shown(rebuilt.toasts)
    session.signals.task_changed.emit(done)
    assert shown_again.titles() == []


def test_tasks_finished_before_start_are_never_announced(
    qtbot, session: LibrarySession, settings: QSettings, shoot: ProjectInfo
):
    _task_id, done = finished_commit(session, shoot)  # finished while no window listened
    _window, processes = make_window(qtbot, session, settings)
    shown = Shown(processes.toasts)
    session.signals.task_changed.emit(done)
    assert shown.titles() == []


def test_undo_restores_the_committed_files(
    qtbot, session: LibrarySession, settings: QSettings, shoot: ProjectInfo
):
    _window, processes = make_window(qtbot, session, settings)
    shown = Shown(processes.toasts)
    task_id, done = finished_commit(session, shoot)
    assert not (shoot.path / "IMG_0001.JPG").exists()
    session.signals.task_changed.emit(done)
    (toast,) = shown.toasts
    assert toast.action_button is not None and toast.action_button.text() == "Undo"
    toast.action_button.click()
    run_jobs(session.library)
    assert (shoot.path / "IMG_0001.JPG").exists() and (shoot.path / "IMG_0002.JPG").exists()

    def restores() -> list:
        return [t for t in processes.model.tasks() if t.record and t.record.task_type == "restore"]

    qtbot.waitUntil(lambda: len(restores()) == 1)
    assert restores()[0].jobs[0].job.payload == {"commit_task_id": task_id}


def test_the_undo_of_a_commit_stays_a_minute_or_until_the_next_commit_starts(
    qtbot, session: LibrarySession, settings: QSettings, shoot: ProjectInfo
):
    _window, processes = make_window(qtbot, session, settings)
    shown = Shown(processes.toasts)
    _task_id, done = finished_commit(session, shoot)
    session.signals.task_changed.emit(done)
    (undo,) = shown.toasts
    assert undo.action is not None and undo.action[0] == "Undo"
    assert undo.remaining_ms == 60_000
    for n in range(MAX_VISIBLE + 1):  # culling goes on: every decision says a word
        processes.toasts.show(f"Discard: IMG_00{n}", "info")
    assert not undo.done and undo in processes.toasts.toasts
    session.decide(shoot.id, ["IMG_0003"], KeepDecision.NONE)
    with qtbot.waitSignal(undo.dismissed):
        session.commit(shoot)  # the next commit: its own toast will carry its own Undo
    assert undo not in processes.toasts.toasts


def test_failures_toast_with_details_and_maintenance_never_toasts(
    qtbot, session: LibrarySession, settings: QSettings, shoot: ProjectInfo
):
    _window, processes = make_window(qtbot, session, settings)
    shown = Shown(processes.toasts)
    script = Script(session.library, session.signals)
    chores = script.start("maintenance", project_id=shoot.id)
    script.run_task(chores)
    upload = script.start("upload_processing", project_id=shoot.id, items=[("a.jpg", None)])
    script.fail(script.claim(), "the card was removed\nTraceback: …")
    assert shown.titles() == ["Upload processing failed"]
    toast = shown.toasts[0]
    assert toast.kind == "error" and toast.text == "the card was removed"
    assert toast.action is not None and toast.action[0] == "Details"
    toast.trigger()
    dialog = processes.dock.details_dialog
    assert dialog is not None and "the card was removed" in dialog.text.toPlainText()
    assert processes.dock.selected()[0] is processes.model.task(upload)


def test_upload_processing_says_how_many_photos(
    qtbot, session: LibrarySession, settings: QSettings, shoot: ProjectInfo, tmp_path: Path
):
    card = tmp_path / "card"
    card.mkdir()
    for name in ("IMG_0005.JPG", "IMG_0006.JPG"):
        shutil.copyfile(DATA / name, card / name)
    _window, processes = make_window(qtbot, session, settings)
    shown = Shown(processes.toasts)
    sources = {str(card / n): "new" for n in ("IMG_0005.JPG", "IMG_0006.JPG")}
    session.start(with_scheduler=False)  # the real worker loop runs the import
    task_id = session.start_import(shoot, sources, "skip")
    qtbot.waitUntil(lambda: shown.titles() == ["Upload processing completed"], timeout=30_000)
    assert processes.model.task(task_id).status == "completed"
    assert shown.toasts[0].text == "Shoot: 2 new photos."


def test_a_raw_added_to_a_photo_already_there_is_not_called_a_photo_imported(
    qtbot, session: LibrarySession, settings: QSettings, shoot: ProjectInfo, tmp_path: Path
):
    card = tmp_path / "card"
    card.mkdir()
    shutil.copyfile(DATA / "RAWFULL_0001.DNG", card / "IMG_0001.DNG")  # IMG_0001.JPG is there
    shutil.copyfile(DATA / "IMG_0005.JPG", card / "IMG_0005.JPG")
    _window, processes = make_window(qtbot, session, settings)
    shown = Shown(processes.toasts)
    sources = {str(card / "IMG_0001.DNG"): "completion", str(card / "IMG_0005.JPG"): "new"}
    task_id = session.start_import(shoot, sources, "skip")
    run_jobs(session.library)
    task = get_task(session.library.db, task_id)
    assert task is not None and task.status.value == "completed"
    session.signals.task_changed.emit(TaskEvent.of(task))
    assert [t.text for t in shown.toasts] == [
        "Shoot: 1 new photo, 1 RAW added to an existing photo."
    ]


# -- tray ----------------------------------------------------------------------------------


def test_notifier_speaks_only_when_the_window_is_not_active():
    sent: list[tuple[str, str, str]] = []
    active = [True]
    notify = Notifier(lambda *m: sent.append(m), lambda: active[0], notify_on_success=True)
    done = Announcement("t1", "success", "Files removed", "2 files moved to the trash.")
    failed = Announcement("t2", "error", "Upload processing failed", "disk full")
    assert not notify(done)
    active[0] = False
    assert notify(done) and notify(failed)
    quiet = Notifier(lambda *m: sent.append(m), lambda: False, notify_on_success=False)
    assert not quiet(done)
    assert quiet(failed)
    assert [m[0] for m in sent] == [
        "Files removed",
        "Upload processing failed",
        "Upload processing failed",
    ]


class SpyTray(Tray):
    def __init__(self, *args, **kwargs):
        self.messages: list[tuple[str, str, str]] = []
        self.quits = 0
        super().__init__(*args, quit_app=self._quit, available=False, **kwargs)

    def show_message(self, title: str, text: str, kind: str) -> None:
        self.messages.append((title, text, kind))

    def _quit(self) -> None:
        self.quits += 1


def test_tray_notifies_with_the_toast_words_only_when_the_window_is_inactive(
    qtbot, session: LibrarySession, settings: QSettings, shoot: ProjectInfo
):
    window, processes = make_window(qtbot, session, settings)
    tray = SpyTray(window, processes, session.loop)
    shown = Shown(processes.toasts)
    script = Script(session.library, session.signals)
    window.activateWindow()
    qtbot.waitUntil(window.isActiveWindow)
    script.start("upload_processing", project_id=shoot.id, items=[("a.jpg", None)])
    script.fail(script.claim(), "disk full")
    assert tray.messages == []

    other = QWidget()
    qtbot.addWidget(other)
    other.show()
    other.activateWindow()
    qtbot.waitUntil(lambda: not window.isActiveWindow())
    script.start("upload_processing", project_id=shoot.id, items=[("b.jpg", None)])
    script.fail(script.claim(), "card removed")
    assert tray.messages == [("Upload processing failed", "card removed", "error")]
    assert [t.text for t in shown.toasts] == ["disk full", "card removed"]


def test_tray_tooltip_pause_and_the_question_on_close(
    qtbot, session: LibrarySession, settings: QSettings, shoot: ProjectInfo
):
    window, processes = make_window(qtbot, session, settings)
    tray = SpyTray(window, processes, session.loop)
    assert tray.tooltip() == "PhotoJobs — Idle"
    script = Script(session.library, session.signals)
    with qtbot.waitSignal(processes.model.active_count_changed) as running:
        script.start("generate_derivatives", project_id=shoot.id)
    assert running.args == [1]
    assert tray.tooltip() == "PhotoJobs — 1 task running"

    tray.pause_action.trigger()
    assert session.loop.paused and tray.pause_action.text() == "Resume processing"
    tray.pause_action.trigger()
    assert not session.loop.paused and tray.pause_action.text() == "Pause processing"

    asked: list[tuple[int, bool]] = []
    for choice in (STAY, KEEP):
        tray.ask = lambda n, has_tray, c=choice: asked.append((n, has_tray)) or c
        window.show()
        assert not window.close()
    assert asked == [(1, False), (1, False)] and not window.isVisible()
    window.show()
    tray.ask = lambda n, has_tray: QUIT
    assert window.close() and tray.quits == 0
    window.show()
    tray.quitting = False
    tray.quit()  # the tray's Quit: no question, then the application quits
    assert tray.quits == 1 and not window.isVisible()


# -- end to end ----------------------------------------------------------------------------


@pytest.fixture(params=[True, False], ids=["jobs process", "jobs in the window"])
def live_window(
    request: pytest.FixtureRequest, qtbot, library: Library, shoot: ProjectInfo
) -> Iterator[MainWindow]:
    """The app's way (its jobs process), and the window's own threads (`--jobs-in-window`)."""
    session = LibrarySession(library, jobs_process=request.param)
    window = MainWindow(session)
    window.resize(1200, 760)
    window.show()
    session.start(with_scheduler=False)
    yield window
    session.stop()
    window.close()
    QThreadPool.globalInstance().waitForDone(5_000)
    window.deleteLater()


def test_commit_through_the_window_completes_with_one_files_removed_toast(
    qtbot, live_window: MainWindow, shoot: ProjectInfo
):
    window, session = live_window, live_window.session
    window.show_project(shoot)
    window.grid.select_row(0)
    session.decide(shoot.id, ["IMG_0001", "IMG_0003"], KeepDecision.NONE)
    shown = Shown(window.processes.toasts)
    commit_through_dialog(qtbot, window)
    task_id = window.commit_task
    assert task_id is not None
    model = window.processes.model
    qtbot.waitUntil(
        lambda: model.task(task_id) is not None and model.task(task_id).status == "completed",
        timeout=30_000,
    )
    qtbot.waitUntil(lambda: "Files removed" in shown.titles(), timeout=5_000)
    qtbot.wait(300)  # a late duplicate would arrive here
    assert shown.titles().count("Files removed") == 1
    toast = next(t for t in shown.toasts if t.title == "Files removed")
    assert toast.text == "2 files moved to the trash in Shoot."
    assert sorted(p.name for p in shoot.path.glob("*.JPG")) == ["IMG_0002.JPG", "IMG_0004.JPG"]
    row = window.processes.dock.proxy.mapFromSource(model.task_index(task_id))
    assert row.isValid() and row.row() == 0


def test_the_tray_icon_looks_busy_while_work_runs(qtbot):
    idle, busy = app_icon(False).pixmap(32, 32).toImage(), app_icon(True).pixmap(32, 32).toImage()
    assert not idle.isNull() and not busy.isNull() and idle != busy
