"""The jobs process: the worker loop of the window's library, run beside the window.

Jobs are Python: a 50k-file commit walks, moves and records for seconds, and on the
window's process every pass of it held the interpreter lock the window needed to paint
(stalls of 100+ ms at 100k photos). Here they have their own interpreter, and a crash in
a decoder ends this process, not the photographer's window.

The window starts it (`WorkerProcess`), hands over the library and configuration in the
first message, then pokes, pauses, cancels and stops it over stdin; every job, task and
photo event comes back over stdout (`runtime/channel.py`). Stdin closing means the window
is gone: running jobs are asked to stop at their next safe point and the process ends.

    python -m photojobs.runtime.worker_host      (the packaged app: PhotoJobs --jobs-process)
"""

from __future__ import annotations

import logging
import os
import signal
import sys
import threading
import traceback
from pathlib import Path
from typing import Any, BinaryIO

from PySide6.QtCore import QCoreApplication, QObject, Qt, QTimer, Signal

from photojobs.core.config import Config
from photojobs.core.handlers import default_registry
from photojobs.core.jobs.events import Event, ItemEvent
from photojobs.core.library import Library
from photojobs.runtime.channel import Channel, messages
from photojobs.runtime.worker import WorkerLoop

log = logging.getLogger(__name__)

FLAG = "--jobs-process"  # how the packaged executable is told to be this process
STOPPED_LATE = 3  # exit status: jobs still ran when the stop's wait ended


class _Commands(QObject):
    """Reads the window's messages on a thread; each arrives on the main thread."""

    received = Signal(object)

    def __init__(self, stream: Any, items: threading.Event):
        super().__init__()
        self._stream, self._items = stream, items
        self._thread = threading.Thread(target=self._read, name="photojobs-commands", daemon=True)

    def start(self) -> None:
        self._thread.start()

    def _read(self) -> None:
        for message in messages(self._stream):
            if message[0] == "items":  # at once, from here: before any job it may concern
                if message[1]:
                    self._items.set()
                else:
                    self._items.clear()
                continue
            self.received.emit(message)
            if message[0] == "stop":
                return  # the process is ending: this object may be gone before the pipe
        self.received.emit(("stop",))  # the window's end of the pipe closed


def _setup_logging(log_file: str | None) -> None:
    handler: logging.Handler = (
        logging.FileHandler(log_file, encoding="utf-8") if log_file else logging.StreamHandler()
    )
    handler.setFormatter(
        logging.Formatter("%(asctime)s %(levelname)s [jobs] %(name)s: %(message)s")
    )
    root = logging.getLogger()
    root.addHandler(handler)
    root.setLevel(logging.INFO)
    logging.captureWarnings(True)


def _take_stdio() -> tuple[Channel, BinaryIO]:
    """The channel owns the real stdout; anything a library prints goes to stderr (or
    nowhere, in a packaged windowed app without one). File descriptors, not `sys.stdin`
    and `sys.stdout`: a windowed executable may have no Python streams at all."""
    out = Channel(os.fdopen(os.dup(1), "wb"))
    try:
        os.dup2(2, 1)
    except OSError:
        nowhere = os.open(os.devnull, os.O_WRONLY)
        os.dup2(nowhere, 1)
        os.close(nowhere)
    return out, os.fdopen(os.dup(0), "rb")


def main() -> int:
    """Never a traceback dialog (a windowed packaged app shows one for an uncaught error,
    and this process has no window to show it over): the error goes to stderr and the
    log, the exit status says it failed, and the window decides what to do."""
    try:
        code = _run()
    except Exception:
        traceback.print_exc()
        log.exception("the jobs process failed")
        code = 1
    logging.shutdown()
    sys.stderr.flush()
    # Straight out: a job thread that ignored the stop must not hold up the interpreter's
    # shutdown (the window waits for this process to end).
    os._exit(code)


def _run() -> int:
    out, inbox = _take_stdio()
    first = next(messages(inbox), None)
    if first is None or first[0] != "hello":
        print("photojobs jobs process: started without its window", file=sys.stderr)
        return 2
    _, root, config_data, config_path, log_file, paused, items_wanted = first
    items = threading.Event()  # whether the window listens to item results
    if items_wanted:
        items.set()
    _setup_logging(log_file)
    app = QCoreApplication.instance() or QCoreApplication(sys.argv[:1])
    config = Config(config_data, Path(config_path) if config_path else None)
    library = Library.attach(Path(root), config)

    def relay(event: Event) -> None:  # from any job thread, at once
        if items.is_set() or not isinstance(event, ItemEvent):
            out.send("event", event)

    loop = WorkerLoop(library, default_registry(), relay=relay)
    loop.idle.connect(lambda: out.send("idle"))
    loop.paused_changed.connect(lambda now: out.send("paused", now))
    loop.stalled.connect(lambda message: out.send("stalled", message))
    loop.slots_changed.connect(lambda n: out.send("slots", n))
    loop.set_paused(bool(paused))

    stop_wait_ms = [30_000]  # the window gone without a word: the usual wait

    def obey(message: tuple[Any, ...]) -> None:
        what = message[0]
        if what == "poke":
            loop.poke()
        elif what == "paused":
            loop.set_paused(bool(message[1]))
        elif what == "cancel":
            loop.heartbeat.cancel_local(set(message[1]))
        elif what == "config":  # the settings dialog saved: the next jobs read it
            library.config = loop.store.config = Config(message[1], config.path)
        elif what == "stop":  # with how long the window waits for the jobs to stop
            if len(message) > 1:
                stop_wait_ms[0] = int(message[1])
            app.quit()

    commands = _Commands(inbox, items)
    commands.received.connect(obey, Qt.ConnectionType.QueuedConnection)
    for sig in (signal.SIGINT, signal.SIGTERM):
        signal.signal(sig, lambda *_: app.quit())
    tick = QTimer()  # lets Python see signals while Qt's loop runs
    tick.timeout.connect(lambda: None)
    tick.start(200)
    loop.start()
    out.send("started", loop.worker_id, os.getpid())
    commands.start()
    app.exec()
    done = loop.stop(stop_wait_ms[0])
    library.close()
    out.send("stopped", done)
    out.close()
    return 0 if done else STOPPED_LATE


if __name__ == "__main__":
    sys.exit(main())
