"""One PhotoJobs per user, between real processes: a second start during the first one's
start-up waits for its window instead of starting too or removing its socket; a lock left
by a killed process is free again."""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import textwrap
import uuid
from collections.abc import Iterator

import pytest

from photojobs.ui.single_instance import InstanceLock, ask_running_instance_to_show, hand_over

FIRST = textwrap.dedent(
    """
    import sys, time
    from PySide6.QtCore import QCoreApplication, QTimer
    from photojobs.ui.single_instance import InstanceLock, InstanceServer
    app = QCoreApplication([])
    name, start_up_s = sys.argv[1], float(sys.argv[2])
    lock = InstanceLock(name)
    assert lock.acquire()
    print("locked", flush=True)
    time.sleep(start_up_s)  # opening the library, asking the first question...
    server = InstanceServer(name)
    server.show_requested.connect(lambda: print("show", flush=True))
    print("listening", flush=True)
    QTimer.singleShot(int(float(sys.argv[3]) * 1000), app.quit)
    app.exec()
    """
)


@pytest.fixture
def name() -> str:
    return f"photojobs-test-{uuid.uuid4().hex[:8]}"


@pytest.fixture
def first(name: str) -> Iterator[callable]:
    started: list[subprocess.Popen[str]] = []

    def start(start_up_s: float, live_s: float = 20) -> subprocess.Popen[str]:
        proc = subprocess.Popen(
            [sys.executable, "-c", FIRST, name, str(start_up_s), str(live_s)],
            stdout=subprocess.PIPE,
            text=True,
            env={**os.environ, "QT_QPA_PLATFORM": "offscreen"},
        )
        started.append(proc)
        assert proc.stdout is not None and proc.stdout.readline().strip() == "locked"
        return proc

    yield start
    for proc in started:
        proc.kill()
        proc.wait()


def test_a_second_start_during_the_first_ones_start_up_waits_for_its_window(
    qapp, name: str, first
) -> None:
    running = first(start_up_s=1.5)
    assert not InstanceLock(name).acquire(), "the first one holds the lock while it starts"
    assert not ask_running_instance_to_show(name), "and has no socket yet"
    assert hand_over(name, wait_s=15), "the second start waits for it instead of starting"
    assert running.stdout is not None
    assert [running.stdout.readline().strip() for _ in range(2)] == ["listening", "show"]
    assert ask_running_instance_to_show(name), "its socket is still there"


def test_a_second_start_gives_up_on_a_first_one_that_never_opens(qapp, name: str, first) -> None:
    first(start_up_s=30)
    assert not InstanceLock(name).acquire()
    assert not hand_over(name, wait_s=1)


def test_the_lock_of_a_killed_instance_is_free(qapp, name: str, first) -> None:
    running = first(start_up_s=0)
    assert not InstanceLock(name).acquire()
    os.kill(running.pid, signal.SIGKILL)
    running.wait()
    lock = InstanceLock(name)
    assert lock.acquire(), "a holder that no longer runs leaves the lock stale"
    lock.release()
