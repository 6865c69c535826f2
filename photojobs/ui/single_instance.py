"""One PhotoJobs per user: a second start asks the first to raise its window, then exits.

A lock file is taken before anything else, so a second start during the first one's
start-up (the library question, a slow disk) waits for it instead of starting too, and only
the holder of the lock may clear a socket a crash left behind: a live one is never removed.
"""

from __future__ import annotations

import getpass
import tempfile
import time
from pathlib import Path

from PySide6.QtCore import QCoreApplication, QLockFile, QObject, QStandardPaths, Signal
from PySide6.QtNetwork import QLocalServer, QLocalSocket

TIMEOUT_MS = 500
START_UP_WAIT_S = 10.0  # how long a second start waits for the first one's window


def server_name() -> str:
    return f"photojobs-{getpass.getuser()}"


def lock_path(name: str | None = None) -> Path:
    folder = QStandardPaths.writableLocation(QStandardPaths.StandardLocation.RuntimeLocation)
    return Path(folder or tempfile.gettempdir()) / f"{name or server_name()}.lock"


def ask_running_instance_to_show(name: str | None = None) -> bool:
    """True when another instance answered (it will raise its window)."""
    socket = QLocalSocket()
    socket.connectToServer(name or server_name())
    if not socket.waitForConnected(TIMEOUT_MS):
        return False
    socket.write(b"show\n")
    socket.waitForBytesWritten(TIMEOUT_MS)
    socket.disconnectFromServer()
    return True


class InstanceLock:
    """The per-user lock of the running instance; a dead holder's lock counts as free."""

    def __init__(self, name: str | None = None):
        self.lock = QLockFile(str(lock_path(name)))
        self.lock.setStaleLockTime(0)  # only a holder that no longer runs leaves it stale

    def acquire(self) -> bool:
        return self.lock.tryLock(0)

    def release(self) -> None:
        self.lock.unlock()


def hand_over(name: str | None = None, wait_s: float = START_UP_WAIT_S) -> bool:
    """Another instance holds the lock: ask it to show its window, waiting while it starts.
    False when it never answered (it is still at its first question, or hung)."""
    deadline = time.monotonic() + wait_s
    while True:
        if ask_running_instance_to_show(name):
            return True
        if time.monotonic() >= deadline:
            return False
        QCoreApplication.processEvents()
        time.sleep(0.2)


class InstanceServer(QObject):
    """Listens for a second start. Only made by the holder of the `InstanceLock`."""

    show_requested = Signal()

    def __init__(self, name: str | None = None, parent: QObject | None = None):
        super().__init__(parent)
        self.server = QLocalServer(self)
        self.name = name or server_name()
        QLocalServer.removeServer(self.name)  # we hold the lock: any socket left is a crash's
        self.server.listen(self.name)
        self.server.newConnection.connect(self._connection)

    def _connection(self) -> None:
        while (socket := self.server.nextPendingConnection()) is not None:
            socket.readyRead.connect(lambda s=socket: self._read(s))

    def _read(self, socket: QLocalSocket) -> None:
        if bytes(socket.readAll().data()).strip() == b"show":
            self.show_requested.emit()
        socket.disconnectFromServer()

    def close(self) -> None:
        self.server.close()
