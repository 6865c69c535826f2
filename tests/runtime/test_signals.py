"""JobSignals relays item results only while something listens to them."""

from __future__ import annotations

from pytestqt.qtbot import QtBot

from photojobs.core.jobs.events import ItemEvent, JobEvent
from photojobs.runtime.signals import JobSignals


def item(key: str) -> ItemEvent:
    return ItemEvent(1, key, None, "done", None, "p", "user", "t", "commit")


def job() -> JobEvent:
    return JobEvent(1, "file_removal", "running", 0, 1, "p", "user", "t", "commit")


def test_item_results_are_dropped_while_nothing_listens(qtbot: QtBot) -> None:
    signals = JobSignals()
    wanted: list[bool] = []
    signals.items_wanted.connect(wanted.append)
    jobs: list[JobEvent] = []
    signals.job_changed.connect(jobs.append)
    signals.relay(item("before"))  # nobody listens: not even queued
    signals.relay(job())
    heard: list[ItemEvent] = []
    signals.item_changed.connect(heard.append)
    assert signals.wants_items()
    signals.relay(item("after"))
    qtbot.waitUntil(lambda: len(jobs) == 1 and len(heard) == 1)
    assert [e.key for e in heard] == ["after"]
    signals.item_changed.disconnect(heard.append)
    qtbot.waitUntil(lambda: wanted == [True, False])
    assert not signals.wants_items()
