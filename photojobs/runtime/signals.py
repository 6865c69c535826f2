"""Qt signals carrying the core's frozen events to the GUI thread."""

from __future__ import annotations

from PySide6.QtCore import QMetaMethod, QObject, Qt, QTimer, Signal, Slot

from photojobs.core.jobs.events import Event, ItemEvent, JobEvent, PhotosChanged, TaskEvent


class JobSignals(QObject):
    """Lives in the GUI thread. Worker threads call `relay(event)`; the public signals are
    then emitted in this object's thread, so every listener runs on the GUI thread.

    Item results are relayed only while something listens to `item_changed`: a commit of
    50k files reports 50k of them, and with no listener each one still cost the GUI thread
    a queued call (the bursts were the last stalls over 50 ms while a commit ran)."""

    job_changed = Signal(object)  # JobEvent
    item_changed = Signal(object)  # ItemEvent
    task_changed = Signal(object)  # TaskEvent
    photos_changed = Signal(object)  # PhotosChanged
    items_wanted = Signal(bool)  # something listens to item_changed now, or nothing any more
    _incoming = Signal(object)

    def __init__(self, parent: QObject | None = None):
        super().__init__(parent)
        meta = self.metaObject()
        self._item_signal = meta.method(meta.indexOfSignal("item_changed(PyObject)"))
        self._items_were_wanted = False
        self._incoming.connect(self._dispatch, Qt.ConnectionType.QueuedConnection)

    def wants_items(self) -> bool:
        """Thread-safe: whether anything listens to item results."""
        return self.isSignalConnected(self._item_signal)

    def relay(self, event: Event) -> None:
        """Thread-safe: queue the event for delivery on this object's thread."""
        if isinstance(event, ItemEvent) and not self.wants_items():
            return
        self._incoming.emit(event)

    def connectNotify(self, signal: QMetaMethod) -> None:
        # At once: a job queued right after the listener connects must already report.
        if bytes(signal.name().data()) == b"item_changed":
            self._recheck_items()

    def disconnectNotify(self, signal: QMetaMethod) -> None:
        # Later, on this object's thread: asking inside a disconnect would wait for the
        # lock the disconnect holds (and a late stop costs only a few unheard results).
        if bytes(signal.name().data()) == b"item_changed":
            QTimer.singleShot(0, self, self._recheck_items)

    def _recheck_items(self) -> None:
        wanted = self.wants_items()
        if wanted != self._items_were_wanted:
            self._items_were_wanted = wanted
            self.items_wanted.emit(wanted)

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
