"""An import interrupted by Cancel (then Retry) or by Quit (then a restart), on the real
worker loop: once the loop is idle, every photo has its thumbnail and preview recorded."""

from __future__ import annotations

import shutil
from collections.abc import Callable, Iterator
from pathlib import Path

import pytest
from pytestqt.qtbot import QtBot

from photojobs.core.config import Config
from photojobs.core.handlers import import_derivatives
from photojobs.core.jobs.events import ItemEvent
from photojobs.core.jobs.queries import get_task
from photojobs.core.library import Library
from photojobs.core.photos import photos_of
from photojobs.runtime.session import LibrarySession

DATA = Path(__file__).parents[1] / "data"
PHOTOS = 120  # enough that the interruption lands while the stage still has work
WAIT_MS = 60_000


@pytest.fixture
def config(config: Config) -> Config:
    return config.with_overrides(
        {
            "processing.thumbnail.max_dim": 48,
            "processing.preview.max_dim": 64,
            "pipeline.poll_ms": 100,
        }
    )


@pytest.fixture
def card(tmp_path: Path) -> Path:
    folder = tmp_path / "card"
    folder.mkdir()
    for i in range(PHOTOS):
        shutil.copyfile(DATA / f"IMG_000{i % 8 + 1}.JPG", folder / f"SLOW_{i}.JPG")
    return folder


class Sessions:
    def __init__(self, library: Library):
        self.library = library
        self.open: list[LibrarySession] = []

    def make(self) -> LibrarySession:
        session = LibrarySession(self.library)
        self.open.append(session)
        return session

    def start(self) -> LibrarySession:
        session = self.make()
        session.start(with_scheduler=False)
        return session


@pytest.fixture
def sessions(library: Library) -> Iterator[Sessions]:
    made = Sessions(library)
    yield made
    for session in made.open:
        session.stop()


def copying(e: ItemEvent) -> bool:
    return e.status == "done" and ":" not in e.key  # a source path, not "base:kind"


def making_thumbnails(e: ItemEvent) -> bool:
    return e.status == "done" and e.key.endswith(":thumbnail")


def leave_every_photo_to_the_derivatives_job(monkeypatch: pytest.MonkeyPatch) -> None:
    """The import makes no thumbnail while it copies (it made all 120 small photos itself
    at times, and then the derivatives stage had nothing to be interrupted in)."""
    monkeypatch.setattr(import_derivatives.DerivativesWhileCopying, "pump", lambda self: None)


def import_all(session: LibrarySession, card: Path) -> str:
    project = session.library.create_project("Shoot")
    return session.start_import(project, {str(p): "new" for p in sorted(card.iterdir())}, "skip")


def interrupt_when(
    session: LibrarySession, moment: Callable[[ItemEvent], bool], act: Callable[[], None]
) -> None:
    def on_item(e: ItemEvent) -> None:
        if moment(e) and not done:
            done.append(True)
            act()

    done: list[bool] = []
    session.signals.item_changed.connect(on_item)


def assert_nothing_pending(library: Library) -> None:
    with library.db.read() as s:
        (project,) = library.list_projects()
        photos = photos_of(s, project.id)
    assert len(photos) == PHOTOS
    unsettled = [
        p.base for p in photos if (p.thumbnail_status, p.preview_status) != ("generated",) * 2
    ]
    assert unsettled == []
    for p in photos:
        assert (project.path / ".thumb" / f"{p.base}.jpg").is_file()
        assert (project.path / ".preview" / f"{p.base}.jpg").is_file()


@pytest.mark.parametrize(
    ("moment", "stopped_job"),
    [(copying, "import_files"), (making_thumbnails, "upload_postprocess")],
    ids=["while-copying", "while-making-thumbnails"],
)
def test_cancel_then_retry_of_an_import_leaves_no_photo_pending(
    qtbot: QtBot,
    sessions: Sessions,
    card: Path,
    moment,
    stopped_job: str,
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    if stopped_job == "upload_postprocess":
        leave_every_photo_to_the_derivatives_job(monkeypatch)
    session = sessions.start()
    task: list[str] = []
    interrupt_when(session, moment, lambda: session.loop.cancel_task(task[0]))
    with qtbot.waitSignal(session.loop.idle, timeout=WAIT_MS):
        task.append(import_all(session, card))
    canceled = get_task(session.library.db, task[0])
    assert canceled is not None and canceled.status.value == "canceled"
    assert [j.type for j in canceled.jobs if j.status.value == "canceled"] == [stopped_job]

    with qtbot.waitSignal(session.loop.idle, timeout=WAIT_MS):
        for job in canceled.jobs:
            if job.status.value == "canceled":
                session.loop.retry(job.id)

    retried = get_task(session.library.db, task[0])
    assert retried is not None and retried.status.value == "completed"
    assert_nothing_pending(session.library)


def test_quit_while_making_thumbnails_then_restart_leaves_no_photo_pending(
    qtbot: QtBot, sessions: Sessions, card: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    leave_every_photo_to_the_derivatives_job(monkeypatch)
    first = sessions.start()
    stopped: list[bool] = []
    interrupt_when(first, making_thumbnails, lambda: stopped.append(first.loop.stop()))
    import_all(first, card)
    qtbot.waitUntil(lambda: bool(stopped), timeout=WAIT_MS)
    assert stopped == [True]
    with first.library.db.read() as s:
        (project,) = first.library.list_projects()
        assert any(p.thumbnail_status == "pending" for p in photos_of(s, project.id))

    second = sessions.make()
    with qtbot.waitSignal(second.loop.idle, timeout=WAIT_MS):
        second.start(with_scheduler=False)
    assert_nothing_pending(second.library)
