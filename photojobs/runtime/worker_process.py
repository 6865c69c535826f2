"""The window's side of the jobs process (`worker_host.py`): the same face as `WorkerLoop`
(signals, pause, poke, the queue actions), with the jobs run by another interpreter.

The queue actions stay here: short writes in this process, announced at once. Events of
running jobs come back over the channel on a reader thread and are relayed as if a local
loop had sent them. If the jobs process ends on its own (a decoder crashed it, it was
killed), it is started again; its start recovers what the dead one was running, as after
any crash. A fourth end within a minute pauses processing with a message instead.
"""

from __future__ import annotations

import contextlib
import logging
import subprocess
import sys
import threading
import time
from pathlib import Path
from typing import Any

from PySide6.QtCore import QObject, Qt, QTimer, Signal

from photojobs.core.jobs.store import JobStore
from photojobs.core.library import Library
from photojobs.runtime.channel import Channel, messages
from photojobs.runtime.queue_actions import QueueActions
from photojobs.runtime.signals import JobSignals
from photojobs.runtime.worker import WorkerLoop
from photojobs.runtime.worker_host import FLAG

log = logging.getLogger(__name__)

RESTARTS = 3  # ends on its own within RESTART_WINDOW_S before processing pauses instead
RESTART_WINDOW_S = 60.0
RESTART_DELAY_MS = 500
STOP_GRACE_S = 5.0  # beyond the jobs process's own wait for its jobs to stop

# Its own process group (session): Ctrl+C in a terminal or a logout's signal to the group
# reaches the window, which stops it cleanly, rather than ending it as if it crashed.
if sys.platform == "win32":
    _FLAGS = subprocess.CREATE_NEW_PROCESS_GROUP | subprocess.CREATE_NO_WINDOW
    _OWN_GROUP: dict[str, Any] = {"creationflags": _FLAGS}
else:
    _OWN_GROUP = {"start_new_session": True}


def jobs_process_command() -> list[str]:
    """The packaged app is one executable: it becomes the jobs process when given FLAG."""
    if getattr(sys, "frozen", False):
        return [sys.executable, FLAG]
    return [sys.executable, "-m", "photojobs.runtime.worker_host"]


class WorkerProcess(QueueActions, QObject):
    idle = Signal()
    paused_changed = Signal(bool)
    stalled = Signal(str)
    started = Signal(int)  # the jobs process's pid, each time one is up
    _received = Signal(object)

    def __init__(
        self, library: Library, log_file: Path | None = None, parent: QObject | None = None
    ):
        super().__init__(parent)
        self.library = library
        self.store = JobStore(library.db, library.config)
        self.signals = JobSignals(self)
        self.log_file = log_file
        self.pid: int | None = None
        self._process: subprocess.Popen[bytes] | None = None
        self._channel: Channel | None = None
        self._reader: threading.Thread | None = None
        self._paused = False
        self._running = False  # between start() and stop()
        self._slots = 0
        self._ends: list[float] = []
        self._items_told: bool | None = None  # what the jobs process was told last
        self._received.connect(self._on_message, Qt.ConnectionType.QueuedConnection)
        self.signals.items_wanted.connect(lambda _wanted: self._tell_items())

    # -- control ---------------------------------------------------------------------------

    def start(self) -> None:
        self._running = True
        self._launch()

    def stop(self, timeout_ms: int = 30_000) -> bool:
        """Ask the jobs process to stop its jobs at a safe point and end; False if they did
        not stop in time (the process was then ended, as a crash would end it)."""
        self._running = False
        process, channel = self._process, self._channel
        if process is None or channel is None:
            return True
        channel.send("stop", timeout_ms)
        channel.close()
        try:  # its own wait for its jobs is timeout_ms: a little more for it to say so
            code = process.wait(timeout_ms / 1000 + STOP_GRACE_S)
        except subprocess.TimeoutExpired:
            # A job that reaches no safe point (a wedged decoder): end it as a crash would;
            # the next start recovers it. Left running, it would hold its worker lock and
            # keep its jobs "running" for the next session.
            log.warning("the jobs process did not stop in time; ending it")
            process.kill()
            code = process.wait()
        if self._reader is not None:
            self._reader.join(timeout=5)  # no event is relayed after stop() returns
        self._process = self._channel = None
        self._slots = 0
        return code == 0

    @property
    def paused(self) -> bool:
        return self._paused

    def set_paused(self, paused: bool) -> None:
        if paused != self._paused:
            self._paused = paused
            self._tell("paused", paused)
            self.paused_changed.emit(paused)
        if not paused and self._running and self._process is None:
            self._ends.clear()  # the person asked again: a fresh count of restarts
            self._launch()  # a jobs process that could not start, or kept ending

    def poke(self) -> None:
        self._tell("poke")

    def active_slots(self) -> int:
        return self._slots

    def apply_config(self, config: Any) -> None:
        self.library.config = self.store.config = config
        self._tell("config", config.data)

    def _cancel_running(self, job_ids: set[int]) -> None:
        if job_ids:
            self._tell("cancel", sorted(job_ids))

    def _tell(self, *message: Any) -> None:
        if self._channel is not None:
            self._tell_items()  # before a poke: a job it starts reports as wanted
            self._channel.send(*message)

    def _tell_items(self) -> None:
        """Item results cross the pipe only while something here listens to them."""
        wanted = self.signals.wants_items()
        if self._channel is not None and wanted != self._items_told:
            self._items_told = wanted
            self._channel.send("items", wanted)

    # -- the process ------------------------------------------------------------------------

    def _launch(self) -> None:
        try:
            process = subprocess.Popen(
                jobs_process_command(),
                stdin=subprocess.PIPE,
                stdout=subprocess.PIPE,
                **_OWN_GROUP,
            )
        except OSError as e:  # no executable, no memory, too many processes
            log.error("cannot start the jobs process: %s", e)
            self._pause_with(f"the background jobs process cannot start ({e.strerror or e})")
            return
        assert process.stdin is not None and process.stdout is not None
        self._process, self._channel = process, Channel(process.stdin)
        config = self.library.config
        self._items_told = self.signals.wants_items()
        self._channel.send(
            "hello",
            str(self.library.root),
            config.data,
            str(config.path) if config.path else None,
            str(self.log_file) if self.log_file else None,
            self._paused,
            self._items_told,
        )
        self._reader = threading.Thread(
            target=self._read, args=(process,), name="photojobs-jobs-process", daemon=True
        )
        self._reader.start()

    def _read(self, process: subprocess.Popen[bytes]) -> None:
        """Reader thread: events go straight to the signals (they queue to the GUI thread).
        If reading fails, the jobs process is ended rather than left writing to a pipe
        nobody reads; either way its end is reported, so it is started again."""
        assert process.stdout is not None
        try:
            for message in messages(process.stdout):
                if message[0] == "event":
                    self.signals.relay(message[1])
                else:
                    self._received.emit(message)
        except Exception:
            log.exception("the jobs process's messages cannot be read; ending it")
            process.kill()
        finally:
            code = process.wait()
            with contextlib.suppress(RuntimeError):  # the window is closing: no one to tell
                self._received.emit(("ended", process, code))

    def _on_message(self, message: tuple[Any, ...]) -> None:
        what = message[0]
        if what == "started":
            self.pid = message[2]
            self.started.emit(message[2])
        elif what == "slots":
            self._slots = message[1]
        elif what == "idle":
            self.idle.emit()
        elif what == "paused" and message[1] != self._paused:
            self._paused = message[1]
            self.paused_changed.emit(self._paused)
        elif what == "stalled":
            self.stalled.emit(message[1])
        elif what == "ended":
            self._ended(message[1], message[2])

    def _ended(self, process: subprocess.Popen[bytes], code: int) -> None:
        if process is not self._process:
            return  # an earlier one, already replaced
        self._process = self._channel = None
        self._slots = 0
        if not self._running:
            return
        now = time.monotonic()
        self._ends = [t for t in self._ends if now - t < RESTART_WINDOW_S] + [now]
        how = f"signal {-code}" if code < 0 else f"status {code}"
        if len(self._ends) > RESTARTS:
            log.error("the jobs process ended (%s) %d times in a minute", how, len(self._ends))
            self._pause_with(
                f"the background jobs process keeps ending unexpectedly ({how}); "
                "processing is paused (see the log)"
            )
            return
        log.error("the jobs process ended unexpectedly (%s); starting it again", how)
        QTimer.singleShot(RESTART_DELAY_MS, self, self._relaunch)

    def _pause_with(self, message: str) -> None:
        """Processing pauses and the window says why; Resume starts a jobs process again."""
        if not self._paused:
            self._paused = True
            self.paused_changed.emit(True)
        self.stalled.emit(message)

    def _relaunch(self) -> None:
        if self._running and self._process is None:
            self._launch()


JobRunner = WorkerLoop | WorkerProcess  # what a session runs its jobs with
