"""The Processes model, its maintenance filter and the dock, over a real database and the
events the worker sends (real store transitions, delivered through the session's signals)."""

from __future__ import annotations

import itertools
from collections.abc import Iterator
from pathlib import Path

import pytest
import shiboken6
from processes_kit import Script, add_history
from PySide6.QtCore import QModelIndex, QObject, Qt
from PySide6.QtGui import QGuiApplication

from photojobs.core.config import Config
from photojobs.core.library import Library, ProjectInfo
from photojobs.runtime.session import LibrarySession
from photojobs.ui.processes.dock import ProcessesDock
from photojobs.ui.processes.filter import MaintenanceFilter
from photojobs.ui.processes.model import ProcessesModel
from photojobs.ui.processes.roles import (
    Column,
    ProgressRole,
    SourceRole,
    StatusRole,
    TaskRole,
)
from photojobs.ui.processes.rows import EtaEstimate, format_time_left


@pytest.fixture
def session(library: Library) -> Iterator[LibrarySession]:
    s = LibrarySession(library)  # the loop is not started: the script plays the worker
    yield s
    s.stop()


@pytest.fixture
def project(library: Library) -> ProjectInfo:
    return library.create_project("Wedding")


@pytest.fixture
def model(session: LibrarySession) -> Iterator[ProcessesModel]:
    m = ProcessesModel(session.library)
    m.connect_signals(session.signals)
    yield m
    if shiboken6.isValid(m):  # not adopted and deleted by a dock
        m.deleteLater()  # its ticker stops with it


@pytest.fixture
def script(session: LibrarySession) -> Script:
    return Script(session.library, session.signals)


def keys(model, parent: QModelIndex | None = None) -> list[str]:
    parent = parent or QModelIndex()
    return [model.index(r, 0, parent).data(TaskRole) for r in range(model.rowCount(parent))]


def names(model, parent: QModelIndex) -> list[str]:
    return [model.index(r, 0, parent).data() for r in range(model.rowCount(parent))]


def status(model: ProcessesModel, key: str) -> str:
    return model.task_index(key, Column.STATUS).data(StatusRole)


def test_scripted_events_change_rows_in_place_and_never_reset(
    qtmodeltester, model: ProcessesModel, script: Script, project: ProjectInfo
):
    resets: list[int] = []
    model.modelReset.connect(lambda: resets.append(1))
    qtmodeltester.check(model)

    commit = script.start("change_commit", project_id=project.id)
    qtmodeltester.check(model)
    assert keys(model) == [commit]
    assert status(model, commit) == "queued"

    removal = script.claim()
    qtmodeltester.check(model)
    assert status(model, commit) == "running"

    changed: list[tuple[int, int, list]] = []
    model.dataChanged.connect(lambda a, b, roles: changed.append((a.column(), b.column(), roles)))
    script.progress(removal, 3, 10)
    qtmodeltester.check(model)
    assert model.task_index(commit).data(ProgressRole) == (3, 10)
    assert {c for first, last, _ in changed for c in range(first, last + 1)} == {
        Column.PROGRESS,
        Column.ETA,
    }
    assert all(roles for _, _, roles in changed)  # named roles, never "everything"

    inserted: list[tuple[int, int]] = []
    model.rowsInserted.connect(lambda parent, a, b: inserted.append((a, b)))
    followups = script.complete(removal)[1:]
    qtmodeltester.check(model)
    assert [j.type for j in followups] == ["manifest_check", "folder_check", "manifest_cleaning"]
    assert len(inserted) == 3  # one beginInsertRows per job added by orchestration
    assert model.rowCount(model.task_index(commit)) == 4
    assert status(model, commit) == "running"  # follow-ups queued: not finished early

    for _ in followups:
        script.complete(script.claim())
        qtmodeltester.check(model)
    assert status(model, commit) == "completed"

    upload = script.start("upload_processing", project_id=project.id, items=[("a.jpg", None)])
    script.fail(script.claim(), "the card was removed")
    qtmodeltester.check(model)
    assert status(model, upload) == "failed"
    tooltip = model.task_index(upload, Column.STATUS).data(Qt.ItemDataRole.ToolTipRole)
    assert "card was removed" in tooltip

    waiting = script.start("diagnostic", payload={"seconds": 0})
    script.cancel(waiting)
    qtmodeltester.check(model)
    assert status(model, waiting) == "canceled"

    loose = script.store.enqueue("diagnostic_noop", source="user")
    script.announce([loose])
    qtmodeltester.check(model)
    assert keys(model) == [f"job-{loose.id}", waiting, upload, commit]
    assert resets == []


def test_a_thousand_tasks_of_history_load_and_stay_live(
    qtmodeltester, tmp_path: Path, config: Config
):
    lib = Library.open(tmp_path / "big", config.with_overrides({"ui.processes_history": 1000}))
    try:
        project = lib.create_project("Season")
        add_history(lib, 1000, project.id)
        session = LibrarySession(lib)
        model = ProcessesModel(lib)
        model.connect_signals(session.signals)
        assert model.rowCount() == 1000
        qtmodeltester.check(model)
        resets: list[int] = []
        model.modelReset.connect(lambda: resets.append(1))
        script = Script(lib, session.signals)
        task = script.start("upload_processing", project_id=project.id, items=[("x.jpg", None)])
        script.progress(script.claim(), 1, 4)  # the attached tester walks all rows per signal
        qtmodeltester.check(model)
        assert keys(model)[0] == task
        assert resets == []
    finally:
        lib.close()


def test_history_keeps_the_newest_finished_tasks_of_each_source(
    library: Library, project: ProjectInfo, session: LibrarySession
):
    ids = add_history(library, 300, project.id)  # 200 user tasks, 100 maintenance
    model = ProcessesModel(library, history=50)
    model.connect_signals(session.signals)
    assert model.rowCount() == 100
    user = [t for t in model.tasks() if t.source == "user"]
    assert [t.key for t in user] == [k for k in reversed(ids) if k in {t.key for t in user}]
    assert ids[-1] == model.tasks()[0].key  # newest first
    oldest_user = user[-1].key

    script = Script(library, session.signals)
    task = script.start("diagnostic", payload={"seconds": 0})
    script.run_task(task)
    assert model.task(task) is not None and model.task(oldest_user) is None
    assert model.rowCount() == 100


def test_clear_finished_removes_rows_one_range_at_a_time(
    qtmodeltester, library: Library, project: ProjectInfo, session: LibrarySession, qtbot
):
    add_history(library, 6, project.id)
    model = ProcessesModel(library)
    model.connect_signals(session.signals)
    running = Script(library, session.signals).start("diagnostic", payload={"seconds": 0})
    dock = ProcessesDock(model, session.loop)
    qtbot.addWidget(dock)
    qtmodeltester.check(model)
    removed: list[tuple[int, int]] = []
    model.rowsRemoved.connect(lambda parent, a, b: removed.append((a, b)))
    assert dock.clear_finished() == 6
    assert keys(model) == [running]
    assert removed == [(1, 6)]
    assert not dock.clear_action.isEnabled()
    assert QObject.parent(model) is dock  # the dock owns it: they go together


def test_maintenance_is_hidden_but_a_user_task_stays(
    model: ProcessesModel, script: Script, project: ProjectInfo
):
    commit = script.start("change_commit", project_id=project.id)
    script.run_task(commit)  # file removal, then three maintenance follow-ups
    chores = script.start("maintenance", project_id=project.id)
    script.run_task(chores)
    # a user-facing task whose only remaining job is a maintenance job
    leftover = script.store.enqueue(
        "manifest_check", task_id="left-over", task_type="change_commit", project_id=project.id
    )
    script.announce([leftover])

    proxy = MaintenanceFilter(False)
    proxy.setSourceModel(model)
    assert keys(proxy) == ["left-over", commit]  # the maintenance-only task is hidden
    commit_row = proxy.index(1, 0)
    assert names(proxy, commit_row) == ["Removing files"]
    assert proxy.rowCount(proxy.index(0, 0)) == 0  # visible, with its maintenance child hidden

    proxy.set_show_maintenance(True)
    assert keys(proxy) == ["left-over", chores, commit]
    assert proxy.rowCount(proxy.index(2, 0)) == 4
    proxy.set_show_maintenance(False)
    assert keys(proxy) == ["left-over", commit]


def test_the_dock_toggle_overrides_the_setting_for_the_session(
    qtbot, model: ProcessesModel, script: Script, session: LibrarySession, project: ProjectInfo
):
    chores = script.start("maintenance", project_id=project.id)
    dock = ProcessesDock(model, session.loop, show_maintenance=False)
    qtbot.addWidget(dock)
    assert dock.proxy.rowCount() == 0
    dock.maintenance_box.setChecked(True)
    assert keys(dock.proxy) == [chores]
    assert model.rowCount() == 1  # the model itself never changed


def test_labels_come_from_the_one_labels_module(
    model: ProcessesModel, script: Script, project: ProjectInfo
):
    commit = script.start("change_commit", project_id=project.id)
    script.run_task(commit)
    upload = script.start("upload_processing", project_id=project.id, items=[("a.jpg", None)])
    script.complete(script.claim())
    thumbs = script.start("generate_derivatives", project_id=project.id)

    def label(key: str) -> str:
        return model.task_index(key).data()

    assert label(commit) == "Commit changes · Wedding"
    assert label(upload) == "Upload processing · Wedding"
    assert label(thumbs) == "Generating thumbnails and previews · Wedding"
    assert names(model, model.task_index(commit))[:2] == ["Removing files", "Manifest check"]
    assert names(model, model.task_index(upload)) == ["Importing files", "Processing uploads"]


def test_time_left_waits_for_steady_progress_and_moves_calmly():
    eta, now = EtaEstimate(), 100.0
    shown = []
    for step in range(40):  # 2 items a second, 200 in all, with a burst at step 10
        done = step * 2 + (6 if step >= 10 else 0)
        eta.update(done, 200, now)
        shown.append(eta.seconds_left(now))
        now += 1.0
    assert shown[:3] == [None, None, None]  # nothing before a few seconds of progress
    later = [s for s in shown if s is not None]
    assert len(later) > 30
    for a, b in itertools.pairwise(later):  # the burst nudges, it does not jump
        assert abs(b - (a - 1.0)) <= 0.2 * a + 2
    assert abs(later[-1] - (200 - 84) / 2) < 6
    assert format_time_left(42) == "45 s left"
    assert format_time_left(61) == "2 min left"


def test_cancel_asks_first_and_retry_runs_a_failed_job_again(
    qtbot, model: ProcessesModel, script: Script, session: LibrarySession
):
    task = script.start("diagnostic", payload={"seconds": 0})
    dock = ProcessesDock(model, session.loop)
    qtbot.addWidget(dock)
    assert dock.select_task(task)
    questions: list[str] = []
    dock.confirm = lambda q, d: questions.append(q) or False
    assert not dock.cancel_selected()
    assert status(model, task) == "queued"
    dock.confirm = lambda q, d: True
    assert dock.cancel_selected()
    qtbot.waitUntil(lambda: status(model, task) == "canceled")
    assert questions == ["Cancel “Diagnostic”?"]

    assert dock.retry_action.isEnabled()
    with qtbot.waitSignal(dock.retried):
        assert dock.retry_selected() == 1
    qtbot.waitUntil(lambda: status(model, task) == "queued")


def write_item_as_before_v9(script: Script, job_id: int, key: str, status: str, message: str):
    """An item row as PhotoJobs wrote it before schema v9: no name, one sentence."""
    with script.store.db.write() as s:
        s.connection().exec_driver_sql(
            "UPDATE job_items SET status = ?, name = NULL, message = ?"
            " WHERE job_id = ? AND key = ?",
            (status, message, job_id, key),
        )


def test_a_thumbnail_and_a_preview_that_failed_alike_read_once(
    qtbot, model: ProcessesModel, script: Script, session: LibrarySession, project: ProjectInfo
):
    keys = ["CUT:thumbnail", "CUT:preview"]
    task = script.start(
        "generate_derivatives", project_id=project.id, items=[(k, None) for k in keys]
    )
    job = script.claim()
    for key in keys:
        script.store.set_item(
            job.id, key, "failed", "image is truncated or corrupt", name="CUT.JPG"
        )
    script.complete(job)
    dock = ProcessesDock(model, session.loop)
    qtbot.addWidget(dock)
    dialog = dock.show_details(task)
    assert dialog is not None
    qtbot.addWidget(dialog)
    text = dialog.text.toPlainText()
    assert text.count("✗ CUT.JPG: image is truncated or corrupt") == 1
    assert "2 failed" in text


def test_details_show_the_error_and_failed_items_and_copy(
    qtbot, model: ProcessesModel, script: Script, session: LibrarySession, project: ProjectInfo
):
    sources = ["a.jpg", "b.jpg", "c.jpg"]
    task = script.start(
        "upload_processing", project_id=project.id, items=[(s, None) for s in sources]
    )
    job = script.claim()
    script.store.set_item(job.id, "a.jpg", "done")
    script.store.set_item(job.id, "b.jpg", "failed", "not a photo", name="b.jpg")
    write_item_as_before_v9(script, job.id, "c.jpg", "failed", "c.jpg: c.jpg: cannot be read")
    script.fail(job, "2 of 3 files could not be imported")
    dock = ProcessesDock(model, session.loop)
    qtbot.addWidget(dock)
    dialog = dock.show_details(task)
    assert dialog is not None
    qtbot.addWidget(dialog)
    text = dialog.text.toPlainText()
    assert "2 of 3 files could not be imported" in text
    assert "✗ b.jpg: not a photo" in text
    assert "✗ c.jpg: cannot be read" in text, "a row from before v9 reads alike"
    assert "1 done, 2 failed" in text
    assert dialog.text.isReadOnly()
    dialog.copy_button.click()
    copied = QGuiApplication.clipboard().text()
    assert "✗ b.jpg: not a photo" in copied and task in copied


def test_details_lead_with_the_photos_and_end_with_the_ids(
    qtbot, model: ProcessesModel, script: Script, session: LibrarySession, project: ProjectInfo
):
    card = "/media/card/DCIM/100CANON"
    task = script.start(
        "upload_processing",
        project_id=project.id,
        items=[(f"{card}/IMG_0001.JPG", None), (f"{card}/IMG_0002.CR3", None)],
    )
    job = script.claim()
    script.store.set_item(job.id, f"{card}/IMG_0001.JPG", "done")
    script.store.set_item(
        job.id, f"{card}/IMG_0002.CR3", "failed", "the copy does not match", name="IMG_0002.CR3"
    )
    script.fail(job, "1 of 2 files could not be imported")
    dock = ProcessesDock(model, session.loop)
    qtbot.addWidget(dock)
    dialog = dock.show_details(task)
    assert dialog is not None
    qtbot.addWidget(dialog)
    lines = [line.strip() for line in dialog.text.toPlainText().splitlines() if line.strip()]
    failed = lines.index("✗ IMG_0002.CR3: the copy does not match")
    done = lines.index("✓ IMG_0001.JPG")
    technical = lines.index("Technical details")
    assert failed < done < technical
    first_id = min(i for i, line in enumerate(lines) if task in line or "attempt" in line)
    assert first_id > technical  # the UUID and the attempts come last
    assert card not in " ".join(lines[:technical])  # files by name, not by card path


def test_sources_are_named_on_every_row(model: ProcessesModel, script: Script, project):
    commit = script.start("change_commit", project_id=project.id)
    script.run_task(commit)
    parent = model.task_index(commit)
    sources = [model.index(r, 0, parent).data(SourceRole) for r in range(model.rowCount(parent))]
    assert parent.data(SourceRole) == "user"
    assert sources == ["user", "maintenance", "maintenance", "maintenance"]


def test_time_left_appears_in_the_row_after_steady_progress(
    qtbot, library: Library, session: LibrarySession
):
    now = [1000.0]
    model = ProcessesModel(library, clock=lambda: now[0])
    model.connect_signals(session.signals)
    script = Script(library, session.signals)
    task = script.start("diagnostic", items=[(f"k{n}", None) for n in range(100)])
    job = script.claim()
    eta = model.task_index(task, Column.ETA)
    duration = model.task_index(task, Column.DURATION)
    seen = []
    for done in range(0, 30, 5):  # five items a second
        script.progress(job, done, 100)
        seen.append(eta.data())
        now[0] += 1.0
    assert seen[:3] == ["", "", ""]
    assert seen[-1] == "15 s left"  # 75 left at 5 a second, rounded up to 5 s
    assert model.task_index(task, Column.PROGRESS).data() == "(25/100)"
    assert duration.data().endswith(" s")


def test_a_running_job_without_a_total_gets_a_busy_bar(
    qtbot, model: ProcessesModel, script: Script, session: LibrarySession
):
    dock = ProcessesDock(model, session.loop)
    qtbot.addWidget(dock)
    dock.show()
    task = script.start("diagnostic", payload={"seconds": 0})
    script.claim()
    busy = model.busy_indexes()
    assert [i.column() for i in busy] == [Column.PROGRESS, Column.PROGRESS]
    assert model.task_index(task, Column.PROGRESS).data() == ""
    qtbot.waitUntil(dock.busy_timer.isActive)
    with qtbot.waitSignal(model.active_count_changed):
        script.cancel(task)
        script.complete(model.task(task).jobs[0].job)
    qtbot.waitUntil(lambda: not dock.busy_timer.isActive(), timeout=2000)


def test_a_late_progress_event_never_revives_a_finished_job(
    qtmodeltester, model: ProcessesModel, script: Script
) -> None:
    """The heartbeat thread flushes progress; its event may arrive after "completed"."""
    task = script.start("diagnostic", payload={"seconds": 0})
    job = script.claim()
    script.progress(job, 1, 4)
    assert status(model, task) == "running"
    script.complete(job)
    assert status(model, task) == "completed"

    script.progress(job, 3, 4)  # late: sent before the completion, delivered after it

    qtmodeltester.check(model)
    assert status(model, task) == "completed"
    assert model.task_index(task, Column.STATUS).data(Qt.ItemDataRole.DisplayRole) == ("Completed")
