"""The cycle collector's pause around big listings: shared by nested and concurrent
users, ended by the last one, and never turning on a collector someone else turned off."""

from __future__ import annotations

import gc
import threading
from collections.abc import Iterator

import pytest

from photojobs.core.collector import collector_paused, whole_job_collector_paused
from photojobs.core.handlers import history, maintenance, removal, restore


@pytest.fixture(autouse=True)
def collector_restored() -> Iterator[None]:
    was = gc.isenabled()
    yield
    if was:
        gc.enable()
    else:
        gc.disable()


def test_the_collector_is_paused_inside_and_back_after() -> None:
    gc.enable()
    with collector_paused():
        assert not gc.isenabled()
        with collector_paused():
            assert not gc.isenabled()
        assert not gc.isenabled(), "the outer pause still holds"
    assert gc.isenabled()


def test_the_pause_ends_with_the_last_of_two_threads() -> None:
    gc.enable()
    inside, release = threading.Event(), threading.Event()

    def other() -> None:
        with collector_paused():
            inside.set()
            release.wait(10)

    thread = threading.Thread(target=other)
    with collector_paused():
        thread.start()
        assert inside.wait(10)
    assert not gc.isenabled(), "the other thread still lists its folder"
    release.set()
    thread.join(10)
    assert gc.isenabled()


def test_a_collector_turned_off_elsewhere_stays_off() -> None:
    gc.disable()
    with collector_paused():
        pass
    assert not gc.isenabled()


def test_an_error_inside_still_ends_the_pause() -> None:
    gc.enable()
    with pytest.raises(RuntimeError), collector_paused():
        raise RuntimeError("listing failed")
    assert gc.isenabled()


def test_a_whole_job_runs_paused_and_gives_the_collector_back_even_when_it_fails() -> None:
    gc.enable()
    seen: list[bool] = []

    @whole_job_collector_paused
    def handler(fail: bool) -> str:
        seen.append(gc.isenabled())
        if fail:
            raise RuntimeError("a file went missing")
        return "done"

    assert handler(False) == "done"
    with pytest.raises(RuntimeError):
        handler(True)
    assert seen == [False, False]
    assert gc.isenabled()


@pytest.mark.parametrize(
    "handler",
    [
        removal.file_removal,
        restore.restore_files,
        maintenance.manifest_check,
        maintenance.folder_check,
        maintenance.manifest_cleaning,
        maintenance.trash_maintenance,
        history.history_cleaning,
    ],
)
def test_the_handlers_that_walk_a_whole_project_run_paused(handler) -> None:
    """Their listings die before the collector looks again (GUI stalls at 100k photos)."""
    assert handler.__wrapped__.__name__ == handler.__name__
    assert handler.__code__ is whole_job_collector_paused(len).__code__
