"""The UI's one way to work off the GUI thread: results come back on the GUI thread, a
cancelled or orphaned result is dropped, and a failure reaches `failed` or the error hook."""

from __future__ import annotations

import sys
import threading

import pytest
from PySide6.QtWidgets import QWidget

from photojobs.ui.background import Background, busy_helpers


def test_work_runs_on_a_helper_thread_and_its_result_arrives_on_the_gui_thread(qtbot) -> None:
    owner = QWidget()
    qtbot.addWidget(owner)
    helper = Background(owner, threads=2, name="test helper")
    gui = threading.get_ident()
    seen: list[tuple[int, int]] = []
    helper.run(threading.get_ident, lambda worker: seen.append((worker, threading.get_ident())))
    qtbot.waitUntil(lambda: bool(seen))
    worker, delivered_on = seen[0]
    assert worker != gui and delivered_on == gui
    assert not helper.busy()


def test_a_cancelled_ticket_and_a_deleted_owner_get_no_result(qtbot) -> None:
    owner = QWidget()
    helper = Background(owner, name="going away")
    release = threading.Event()
    seen: list[str] = []
    first = helper.run(lambda: release.wait(5) and "first", seen.append)
    helper.run(lambda: "second", seen.append)
    first.cancel()
    assert helper.busy() and "going away" in busy_helpers()
    release.set()
    qtbot.waitUntil(lambda: seen == ["second"])

    release.clear()
    helper.run(lambda: release.wait(5) and "late", seen.append)
    pool = helper.pool
    owner.deleteLater()  # the widget closes while its work runs
    qtbot.waitUntil(lambda: not shiboken_valid(owner))
    release.set()
    pool_done = pool.waitForDone(5_000) if shiboken_valid(pool) else True
    qtbot.wait(50)
    assert pool_done and seen == ["second"]


def test_a_failure_reaches_failed_or_else_the_error_hook(qtbot, monkeypatch) -> None:
    owner = QWidget()
    qtbot.addWidget(owner)
    helper = Background(owner, name="failing")
    errors: list[BaseException] = []

    def broken() -> None:
        raise ValueError("unreadable card")

    helper.run(broken, lambda _r: pytest.fail("no result"), failed=errors.append)
    qtbot.waitUntil(lambda: bool(errors))
    assert isinstance(errors[0], ValueError)

    hooked: list[BaseException] = []
    monkeypatch.setattr(sys, "excepthook", lambda _t, e, _tb: hooked.append(e))
    helper.run(broken, lambda _r: pytest.fail("no result"))
    qtbot.waitUntil(lambda: bool(hooked))
    assert str(hooked[0]) == "unreadable card"


def test_shutdown_drops_what_waits_and_waits_for_what_runs(qtbot) -> None:
    owner = QWidget()
    qtbot.addWidget(owner)
    helper = Background(owner, name="closing")
    started, release = threading.Event(), threading.Event()
    ran: list[str] = []

    def slow() -> str:
        started.set()
        release.wait(0.2)
        ran.append("slow")
        return "slow"

    seen: list[str] = []
    helper.run(slow, seen.append)
    helper.run(lambda: ran.append("queued") or "queued", seen.append)
    assert started.wait(5)
    helper.shutdown()
    qtbot.wait(50)
    assert ran == ["slow"] and seen == [] and not helper.busy()


def shiboken_valid(obj: object) -> bool:
    import shiboken6

    return shiboken6.isValid(obj)
