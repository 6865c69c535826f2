"""The window's jobs process (runtime/worker_host.py, worker_process.py), for real: a
second Python process started by the session, its events relayed back, paused, poked,
cancelled, given new settings, killed with SIGKILL mid-commit and started again, and
ending when the window's process is killed."""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import textwrap
import time
from collections.abc import Iterator
from pathlib import Path

import pytest
from PIL import Image
from pytestqt.qtbot import QtBot

from photojobs.core.crash_points import CRASH_ENV
from photojobs.core.jobs import queries
from photojobs.core.jobs.events import ItemEvent, JobEvent, PhotosChanged, TaskEvent
from photojobs.core.library import Library
from photojobs.core.paths import derivative_path
from photojobs.core.photos import KeepDecision, scan_project, set_keep
from photojobs.runtime import worker_process
from photojobs.runtime.session import LibrarySession

DATA = Path(__file__).parent.parent / "data"
WAIT_MS = 30_000


@pytest.fixture
def session(library: Library) -> Iterator[LibrarySession]:
    s = LibrarySession(library, jobs_process=True)
    yield s
    s.stop()


def started(qtbot: QtBot, session: LibrarySession) -> int:
    with qtbot.waitSignal(session.loop.started, timeout=WAIT_MS) as up:
        session.start(with_scheduler=False)
    return int(up.args[0])


def job_status(library: Library, task_id: str) -> list[str]:
    task = queries.get_task(library.db, task_id)
    assert task is not None
    return [j.status.value for j in task.jobs]


def finished(qtbot: QtBot, library: Library, task_id: str) -> None:
    """Every job of the task completed (not `idle`: the jobs process also says it once it
    starts with nothing to do, and that word may still be on its way)."""
    qtbot.waitUntil(lambda: set(job_status(library, task_id)) == {"completed"}, timeout=WAIT_MS)


def shoot(library: Library, n: int) -> tuple[object, Path]:
    """A project of n RAW+JPG pairs from the test data, scanned."""
    project = library.create_project("Wedding")
    folder = library.project_path(project)
    for i in range(1, n + 1):
        (folder / f"P{i}.JPG").write_bytes((DATA / "IMG_0001.JPG").read_bytes())
        (folder / f"P{i}.DNG").write_bytes((DATA / "RAWFULL_0001.DNG").read_bytes())
    with library.db.write() as s:
        scan_project(s, project.id, folder)
    return project, folder


def trashed(folder: Path) -> list[str]:
    """The trash's files by their own names (the trash numbers each one: `0000001_P1.DNG`)."""
    return sorted(p.name.split("_", 1)[1] for p in (folder / ".trash").rglob("*") if p.is_file())


def test_jobs_run_in_another_process_and_every_event_comes_back(
    qtbot: QtBot, library: Library, session: LibrarySession
) -> None:
    pid = started(qtbot, session)
    assert pid != os.getpid()
    project = library.create_project("Wedding")
    jobs: list[JobEvent] = []
    items: list[ItemEvent] = []
    tasks: list[TaskEvent] = []
    session.signals.job_changed.connect(jobs.append)
    session.signals.item_changed.connect(items.append)
    session.signals.task_changed.connect(tasks.append)
    task_id = session.loop.start_task(
        "diagnostic", project_id=project.id, payload={"seconds": 0.0}, items=[("a", None)]
    )
    qtbot.waitUntil(
        lambda: any(t.task_id == task_id and t.finished for t in tasks), timeout=WAIT_MS
    )
    statuses = [e.status for e in jobs if not e.progress_only]
    assert statuses == ["queued", "running", "completed"]  # queued here, the rest there
    assert [(i.key, i.status) for i in items] == [("a", "running"), ("a", "done")]
    assert tasks[-1].status == "completed"
    qtbot.waitUntil(lambda: session.loop.active_slots() == 0, timeout=WAIT_MS)


def test_item_results_cross_only_while_the_window_listens(
    qtbot: QtBot, library: Library, session: LibrarySession, monkeypatch: pytest.MonkeyPatch
) -> None:
    """A 50k-file commit reports 50k item results; with nothing listening they are not
    even sent (each one cost the window a queued call)."""
    crossed: list[ItemEvent] = []
    relay = session.signals.relay

    def counted(event: object) -> None:  # what the reader thread hands over
        if isinstance(event, ItemEvent):
            crossed.append(event)
        relay(event)  # type: ignore[arg-type]

    monkeypatch.setattr(session.signals, "relay", counted)
    project = library.create_project("Wedding")
    started(qtbot, session)
    items = [(str(i), None) for i in range(20)]
    quiet = session.loop.start_task(
        "diagnostic", project_id=project.id, payload={"seconds": 0.0}, items=items
    )
    finished(qtbot, library, quiet)
    assert crossed == []
    heard: list[ItemEvent] = []
    session.signals.item_changed.connect(heard.append)  # the next task is listened to
    listened = session.loop.start_task(
        "diagnostic", project_id=project.id, payload={"seconds": 0.0}, items=items
    )
    finished(qtbot, library, listened)
    qtbot.waitUntil(lambda: len(heard) == 40, timeout=WAIT_MS)  # running and done, each
    assert {e.job_id for e in crossed} == {e.job_id for e in heard}


def test_a_commit_in_the_jobs_process_moves_the_files_and_tells_the_window(
    qtbot: QtBot, library: Library, session: LibrarySession
) -> None:
    project, folder = shoot(library, 3)
    with library.db.write() as s:
        set_keep(s, project.id, ["P1", "P2"], KeepDecision.JPG_ONLY)
    changed: list[PhotosChanged] = []
    session.signals.photos_changed.connect(changed.append)
    started(qtbot, session)
    commit = session.commit(library.find_project(project.id))
    finished(qtbot, library, commit.task_id)
    assert sorted(p.name for p in folder.glob("P*")) == ["P1.JPG", "P2.JPG", "P3.DNG", "P3.JPG"]
    assert trashed(folder) == ["P1.DNG", "P2.DNG"]
    assert any(c.project_id == project.id and c.photo_ids for c in changed)


def test_pause_resume_and_cancel_reach_the_jobs_process(
    qtbot: QtBot, library: Library, session: LibrarySession
) -> None:
    # A heartbeat too slow to relay the cancel itself: only the word sent over can.
    library.config = library.config.with_overrides({"pipeline.heartbeat_ms": 20_000})
    project = library.create_project("Wedding")
    session.loop.set_paused(True)
    started(qtbot, session)
    items = [(str(i), None) for i in range(100)]
    task_id = session.loop.start_task(
        "diagnostic", project_id=project.id, payload={"seconds": 0.2}, items=items
    )
    qtbot.wait(1_500)  # a paused jobs process takes nothing
    assert job_status(library, task_id) == ["queued"]
    session.loop.set_paused(False)
    qtbot.waitUntil(lambda: job_status(library, task_id) == ["running"], timeout=WAIT_MS)
    asked = time.monotonic()
    session.loop.cancel_task(task_id)  # 100 items of 0.2 s: 20 s if the word did not arrive
    qtbot.waitUntil(lambda: job_status(library, task_id) == ["canceled"], timeout=WAIT_MS)
    assert time.monotonic() - asked < 5


def test_saved_settings_reach_the_jobs_process(
    qtbot: QtBot, library: Library, session: LibrarySession
) -> None:
    project, folder = shoot(library, 1)
    started(qtbot, session)
    session.apply_config(library.config.with_overrides({"processing.thumbnail.max_dim": 64}))
    task_id = session.make_derivatives(library.find_project(project.id), force=True)
    finished(qtbot, library, task_id)
    with Image.open(derivative_path(folder, "thumbnail", "P1")) as image:
        assert max(image.size) == 64  # the shipped default is 512


def test_sigkill_of_the_jobs_process_mid_commit_loses_nothing(
    qtbot: QtBot, library: Library, session: LibrarySession, monkeypatch: pytest.MonkeyPatch
) -> None:
    """The jobs process dies after its second file is moved; the session starts another,
    whose start recovers the commit and finishes it: each RAW in the trash exactly once."""
    project, folder = shoot(library, 4)
    with library.db.write() as s:
        set_keep(s, project.id, ["P1", "P2", "P3", "P4"], KeepDecision.JPG_ONLY)
    monkeypatch.setenv(CRASH_ENV, "trash:moved:2")
    pids: list[int] = []
    session.loop.started.connect(pids.append)
    first = started(qtbot, session)
    monkeypatch.delenv(CRASH_ENV)  # the next jobs process runs clean
    commit = session.commit(library.find_project(project.id))
    qtbot.waitUntil(lambda: len(pids) == 2, timeout=WAIT_MS)
    qtbot.waitUntil(
        lambda: set(job_status(library, commit.task_id)) == {"completed"}, timeout=WAIT_MS
    )
    assert pids[0] == first and pids[1] != first
    assert sorted(p.name for p in folder.glob("P*")) == [f"P{i}.JPG" for i in range(1, 5)]
    assert trashed(folder) == [f"P{i}.DNG" for i in range(1, 5)]  # once each
    assert not session.loop.paused


def test_a_jobs_process_that_keeps_dying_pauses_processing_and_says_so(
    qtbot: QtBot, session: LibrarySession, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(worker_process, "RESTART_DELAY_MS", 50)
    session.loop.started.connect(lambda pid: os.kill(pid, signal.SIGKILL))
    with qtbot.waitSignal(session.loop.stalled, timeout=WAIT_MS) as said:
        session.start(with_scheduler=False)
    assert "keeps ending unexpectedly (signal 9)" in said.args[0]
    assert session.loop.paused
    session.loop.started.disconnect()
    with qtbot.waitSignal(session.loop.started, timeout=WAIT_MS):
        session.loop.set_paused(False)  # Resume: a jobs process starts again
    assert not session.loop.paused


def test_a_photo_that_kills_its_decoder_fails_its_job_and_the_window_carries_on(
    qtbot: QtBot, library: Library, session: LibrarySession, monkeypatch: pytest.MonkeyPatch
) -> None:
    """A decoder that takes its process down on one photo (SIGKILL as the render writes,
    in every jobs process): the job ends failed after its attempts, processing is not
    paused, and the next task runs."""
    monkeypatch.setattr(worker_process, "RESTART_DELAY_MS", 50)
    monkeypatch.setenv(CRASH_ENV, "derivatives.before_write")
    project, _folder = shoot(library, 1)
    pids: list[int] = []
    session.loop.started.connect(pids.append)
    started(qtbot, session)
    task_id = session.make_derivatives(library.find_project(project.id), force=True)
    qtbot.waitUntil(lambda: job_status(library, task_id) == ["failed"], timeout=WAIT_MS)
    # The first, and one after each of the job's three attempts (the fourth's start is
    # what finds the job out of attempts, so it may say "started" just after).
    qtbot.waitUntil(lambda: len(pids) == 4, timeout=WAIT_MS)
    qtbot.wait(500)
    assert len(pids) == 4, "no restart after the job failed"
    assert not session.loop.paused
    other = library.create_project("Next")
    after = session.loop.start_task(
        "diagnostic", project_id=other.id, payload={"seconds": 0.0}, items=[("a", None)]
    )
    finished(qtbot, library, after)


def test_a_jobs_process_that_cannot_start_pauses_processing_and_says_so(
    qtbot: QtBot, session: LibrarySession, monkeypatch: pytest.MonkeyPatch, tmp_path: Path
) -> None:
    missing = str(tmp_path / "no-such-python")
    monkeypatch.setattr(worker_process, "jobs_process_command", lambda: [missing])
    with qtbot.waitSignal(session.loop.stalled, timeout=WAIT_MS) as said:
        session.start(with_scheduler=False)
    assert said.args[0].startswith("the background jobs process cannot start")
    assert session.loop.paused


WINDOW = textwrap.dedent(
    """
    import sys
    from pathlib import Path
    from PySide6.QtCore import QCoreApplication
    from photojobs.core.config import load_config
    from photojobs.core.library import Library
    from photojobs.runtime.session import LibrarySession

    app = QCoreApplication([])
    library = Library.open(Path(sys.argv[1]), load_config())
    project = library.create_project("Wedding")
    session = LibrarySession(library, jobs_process=True)
    session.loop.started.connect(lambda pid: print(pid, flush=True))
    session.start(with_scheduler=False)
    items = [(str(i), None) for i in range(200)]
    print(session.loop.start_task("diagnostic", project_id=project.id,
                                  payload={"seconds": 0.1}, items=items), flush=True)
    app.exec()
    """
)


def state_of(pid: int) -> str:
    """R, S, Z (ended, not yet reaped by whoever adopted it) or "" when gone."""
    try:
        return Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()[0]
    except (FileNotFoundError, ProcessLookupError):
        return ""


@pytest.mark.skipif(not Path("/proc").is_dir(), reason="reads process states from /proc")
def test_the_jobs_process_stops_when_the_window_process_is_killed(
    tmp_path: Path, config: object
) -> None:
    root = tmp_path / "window-library"
    window = subprocess.Popen(
        [sys.executable, "-c", WINDOW, str(root)],
        stdout=subprocess.PIPE,
        text=True,
        env={**os.environ, "QT_QPA_PLATFORM": "offscreen"},
    )
    assert window.stdout is not None
    task_id = window.stdout.readline().strip()
    jobs_pid = int(window.stdout.readline())
    library = Library.attach(root, config)  # type: ignore[arg-type]
    try:
        deadline = time.monotonic() + 30
        while job_status(library, task_id) != ["running"] and time.monotonic() < deadline:
            time.sleep(0.05)
        assert job_status(library, task_id) == ["running"]
        window.kill()
        window.wait()
        deadline = time.monotonic() + 15
        while state_of(jobs_pid) not in ("", "Z") and time.monotonic() < deadline:
            time.sleep(0.05)
        assert state_of(jobs_pid) in ("", "Z"), "the jobs process outlived its window"
        # It stopped its job at a safe point and said so: nothing is left "running".
        assert job_status(library, task_id) == ["queued"]
    finally:
        library.close()


def test_a_job_that_ignores_the_stop_is_ended_with_its_process_and_recovered_later(
    qtbot: QtBot, library: Library, session: LibrarySession, monkeypatch: pytest.MonkeyPatch
) -> None:
    """A job that reaches no safe point (one 60 s item): the window's stop waits its time,
    then ends the jobs process as a crash would; the next start takes the job up again."""
    monkeypatch.setattr(worker_process, "STOP_GRACE_S", 1.0)
    project = library.create_project("Wedding")
    pid = started(qtbot, session)
    items: list[ItemEvent] = []
    session.signals.item_changed.connect(items.append)  # before the job: it reports at once
    task_id = session.loop.start_task(
        "diagnostic", project_id=project.id, payload={"seconds": 60}, items=[("slow", None)]
    )
    qtbot.waitUntil(lambda: [i.status for i in items] == ["running"], timeout=WAIT_MS)
    asked = time.monotonic()
    assert session.loop.stop(timeout_ms=500) is False
    assert time.monotonic() - asked < worker_process.STOP_GRACE_S + 5
    assert state_of(pid) in ("", "Z"), "the jobs process still runs"
    again = LibrarySession(library, jobs_process=True)
    try:
        started(qtbot, again)
        qtbot.waitUntil(lambda: job_status(library, task_id) == ["running"], timeout=WAIT_MS)
        task = queries.get_task(library.db, task_id)
        assert task is not None and task.jobs[0].attempts == 2  # recovered, running again
    finally:
        again.scheduler.stop()
        again.loop.stop(timeout_ms=500)  # its job sleeps on: ended the same way
