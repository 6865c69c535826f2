"""Task rows that never contradict themselves, fed by the real worker loop: a task reads
Completed only once its last stage has, its total never changes once shown, and with
maintenance hidden its numbers add up from the children shown, as the CLI's do."""

from __future__ import annotations

import json
import shutil
from collections.abc import Iterator
from pathlib import Path

import pytest
from PySide6.QtCore import QModelIndex
from pytestqt.qtbot import QtBot
from sqlalchemy import update

from photojobs.cli.main import main
from photojobs.core.config import Config
from photojobs.core.db.models import Job, Photo
from photojobs.core.jobs.events import JobEvent
from photojobs.core.jobs.model import NewJob
from photojobs.core.jobs.queries import get_task
from photojobs.core.library import Library, ProjectInfo
from photojobs.core.photos import KeepDecision, scan_project, set_keep
from photojobs.runtime.session import LibrarySession
from photojobs.ui.processes.filter import MaintenanceFilter
from photojobs.ui.processes.model import ProcessesModel
from photojobs.ui.processes.roles import Column, ProgressRole, StatusRole

DATA = Path(__file__).parents[1] / "data"
WAIT_MS = 60_000


@pytest.fixture
def config(config: Config) -> Config:
    return config.with_overrides(
        {"processing.thumbnail.max_dim": 48, "processing.preview.max_dim": 64}
    )


@pytest.fixture
def session(library: Library) -> Iterator[LibrarySession]:
    s = LibrarySession(library)
    yield s
    s.stop()


def watch(model: ProcessesModel, key: list[str]) -> list[tuple[str, tuple[int, int], str]]:
    """(status, progress, status text) of the task row after every change of the model."""
    seen: list[tuple[str, tuple[int, int], str]] = []

    def look(*_: object) -> None:
        index = model.task_index(key[0], Column.STATUS) if key else QModelIndex()
        if index.isValid():
            progress = model.task_index(key[0], Column.PROGRESS).data(ProgressRole)
            seen.append((index.data(StatusRole), progress, index.data()))

    for signal in (model.dataChanged, model.rowsInserted):
        signal.connect(look)
    return seen


def children(model, parent: QModelIndex) -> list[tuple[int, int]]:
    return [
        model.index(r, Column.PROGRESS, parent).data(ProgressRole)
        for r in range(model.rowCount(parent))
    ]


def test_an_import_reads_completed_only_at_its_end_and_its_total_never_jumps(
    qtbot: QtBot, qtmodeltester, session: LibrarySession, tmp_path: Path
) -> None:
    card = tmp_path / "card"
    card.mkdir()
    for i in range(30):
        shutil.copyfile(DATA / f"IMG_000{i % 8 + 1}.JPG", card / f"SHOT_{i}.JPG")
    project = session.library.create_project("Shoot")
    model = ProcessesModel(session.library, show_maintenance=False)
    model.connect_signals(session.signals)
    qtmodeltester.check(model)
    key: list[str] = []
    seen = watch(model, key)

    session.start(with_scheduler=False)
    with qtbot.waitSignal(session.loop.idle, timeout=WAIT_MS):
        key.append(session.start_import(project, {str(p): "new" for p in card.iterdir()}, "skip"))
    qtmodeltester.check(model)

    statuses = [status for status, _, _ in seen]
    first = statuses.index("completed")
    assert set(statuses[first:]) == {"completed"}, f"Completed before the end: {statuses}"
    totals = [total for _, (_, total), _ in seen if total]
    assert totals and set(totals) == {30 + 60}, f"the total changed once shown: {totals}"
    dones = [done for _, (done, total), _ in seen if total]
    assert dones == sorted(dones), "progress went backwards"
    texts = {text for status, _, text in seen if status == "running"}
    assert {"Step 1 of 2", "Step 2 of 2"} <= texts
    task_index = model.task_index(key[0])
    assert children(model, task_index) == [(30, 30), (60, 60)]
    assert task_index.sibling(task_index.row(), Column.PROGRESS).data(ProgressRole) == (90, 90)


@pytest.fixture
def culled(library: Library) -> ProjectInfo:
    """Six RAW+JPG pairs with their derivatives recorded as made (so maintenance finds none
    left pending): two kept RAW only (their thumbnails are made again from the RAW), two
    JPG only, two kept whole."""
    project = library.create_project("Culled")
    for i in range(6):
        shutil.copyfile(DATA / f"IMG_000{i + 1}.JPG", project.path / f"P{i}.JPG")
        shutil.copyfile(DATA / "RAWFULL_0002.DNG", project.path / f"P{i}.DNG")
    with library.db.write() as s:
        scan_project(s, project.id, project.path)
        s.execute(
            update(Photo)
            .where(Photo.project_id == project.id)
            .values(thumbnail_status="generated", preview_status="generated")
        )
        assert set_keep(s, project.id, ["P0", "P1"], KeepDecision.RAW_ONLY) == []
        assert set_keep(s, project.id, ["P2", "P3"], KeepDecision.JPG_ONLY) == []
    return library.find_project(project.id)


def test_with_maintenance_hidden_a_commit_adds_up_from_its_children_shown(
    qtbot: QtBot,
    qtmodeltester,
    session: LibrarySession,
    culled: ProjectInfo,
    capsys: pytest.CaptureFixture[str],
) -> None:
    model = ProcessesModel(session.library, show_maintenance=False)
    model.connect_signals(session.signals)
    shown = MaintenanceFilter(False)
    shown.setSourceModel(model)
    key: list[str] = []
    seen = watch(model, key)
    session.start(with_scheduler=False)
    with qtbot.waitSignal(session.loop.idle, timeout=WAIT_MS):
        key.append(session.commit(culled).task_id)
    qtmodeltester.check(model)
    qtmodeltester.check(shown)

    task = get_task(session.library.db, key[0])
    assert task is not None and task.status.value == "completed"
    assert {j.type for j in task.jobs if j.source == "maintenance"} == {
        "manifest_check",
        "folder_check",
        "manifest_cleaning",
    }
    row = shown.index(0, 0)
    visible = children(shown, row)
    assert len(visible) == 2  # removing files, making the RAWs' thumbnails again
    task_progress = shown.index(0, Column.PROGRESS).data(ProgressRole)
    assert task_progress == tuple(map(sum, zip(*visible, strict=True)))
    statuses = [status for status, _, _ in seen]
    assert set(statuses[statuses.index("completed") :]) == {"completed"}, statuses

    capsys.readouterr()  # what the model tester printed
    code = main(["--library", str(session.library.root), "tasks", "--all", "--json"])
    (listed,) = json.loads(capsys.readouterr().out)
    assert code == 0 and listed["task_id"] == key[0]
    assert (listed["progress_done"], listed["progress_total"]) == task_progress
    assert [(j["progress_done"], j["progress_total"]) for j in listed["jobs"]] == visible

    model.set_show_maintenance(True)
    shown.set_show_maintenance(True)
    qtmodeltester.check(shown)
    every = children(shown, shown.index(0, 0))
    assert len(every) == 5
    assert shown.index(0, Column.PROGRESS).data(ProgressRole) == tuple(
        map(sum, zip(*every, strict=True))
    )


def test_a_follow_up_queued_beside_the_last_step_keeps_the_task_running(
    session: LibrarySession, culled: ProjectInfo
) -> None:
    """The commit's hidden maintenance step can finish before the follow-up that makes the
    RAW-only photos' thumbnails again is claimed: the row must not read Completed meanwhile
    (it did, then Running again, under load)."""
    store = session.store
    model = ProcessesModel(session.library, show_maintenance=False)
    task_id, _ = store.start_task("change_commit", project_id=culled.id, payload={})
    removal = store.claim("test-worker")
    assert removal is not None and removal.task_id == task_id
    model.on_job_event(JobEvent.of(removal))
    remake = NewJob("generate_derivatives", {"bases": ["P0"]}, priority=60, source="user")
    finished, *enqueued = store.complete(removal.id, "test-worker", followups=[remake])
    model.on_job_event(JobEvent.of(finished))
    follow_up = next(j for j in enqueued if j.type == "generate_derivatives")
    for job in enqueued:
        if job.id == follow_up.id:
            continue  # not claimed yet: the dock hears nothing of it
        with session.library.db.write() as s:
            s.execute(
                update(Job).where(Job.id == job.id).values(status="completed", finished_at=1.0)
            )
        model.on_job_event(JobEvent.of(store.get(job.id)))
    index = model.task_index(task_id, Column.STATUS)
    assert index.data(StatusRole) == "running"
    assert model.task(task_id).job_row(follow_up.id) is not None
