"""One PhotoJobs per user: a second start asks the first to raise its window, then exits."""

from __future__ import annotations

import getpass

from PySide6.QtCore import QObject, Signal
from PySide6.QtNetwork import QLocalServer, QLocalSocket

TIMEOUT_MS = 500


def server_name() -> str:
    return f"photojobs-{getpass.getuser()}"


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


class InstanceServer(QObject):
    show_requested = Signal()

    def __init__(self, name: str | None = None, parent: QObject | None = None):
        super().__init__(parent)
        self.server = QLocalServer(self)
        self.name = name or server_name()
        QLocalServer.removeServer(self.name)  # a stale socket left by a crash
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
