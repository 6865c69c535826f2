"""Qt signals carrying the core's frozen events to the GUI thread."""

from __future__ import annotations

from PySide6.QtCore import QObject, Qt, Signal, Slot

from photojobs.core.jobs.events import Event, ItemEvent, JobEvent, PhotosChanged, TaskEvent


class JobSignals(QObject):
    """Lives in the GUI thread. Worker threads call `relay(event)`; the public signals are
    then emitted in this object's thread, so every listener runs on the GUI thread."""

    job_changed = Signal(object)  # JobEvent
    item_changed = Signal(object)  # ItemEvent
    task_changed = Signal(object)  # TaskEvent
    photos_changed = Signal(object)  # PhotosChanged
    _incoming = Signal(object)

    def __init__(self, parent: QObject | None = None):
        super().__init__(parent)
        self._incoming.connect(self._dispatch, Qt.ConnectionType.QueuedConnection)

    def relay(self, event: Event) -> None:
        """Thread-safe: queue the event for delivery on this object's thread."""
        self._incoming.emit(event)

    @Slot(object)
    def _dispatch(self, event: Event) -> None:
        if isinstance(event, JobEvent):
            self.job_changed.emit(event)
        elif isinstance(event, ItemEvent):
            self.item_changed.emit(event)
        elif isinstance(event, TaskEvent):
            self.task_changed.emit(event)
        elif isinstance(event, PhotosChanged):
            self.photos_changed.emit(event)
