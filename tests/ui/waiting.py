"""Waiting for what the UI does off the GUI thread."""

from __future__ import annotations

import time

from PySide6.QtCore import QCoreApplication, QEventLoop

from photojobs.ui.grid.model import PhotoGridModel


def settled(model: PhotoGridModel, timeout: float = 10.0) -> None:
    """The grid shows what it was last asked for: its ids come from a helper thread, and
    arrive through the event loop, which runs here meanwhile."""
    deadline = time.monotonic() + timeout
    while model.loading:
        assert time.monotonic() < deadline, "the grid's photos never arrived"
        QCoreApplication.processEvents(QEventLoop.ProcessEventsFlag.AllEvents, 20)
