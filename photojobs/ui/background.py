"""The one way the UI runs work off the GUI thread.

`Background.run(work, done)` calls `work()` on one of the helper's own pool threads and
`done(result)` later on the GUI thread. Work never touches widgets; `done` never blocks.
A result whose ticket was cancelled, or whose helper (and so its widget) is gone, is
dropped: a panel closed while its photos were being read is simply not told.

Every helper is known by name while it lives, so a test can ask whether any of them was
left working (`busy_helpers`), and a window's close can wait for them (`shutdown`).
Why one helper and no qasync: docs/architecture.md, "Work off the GUI thread".
"""

from __future__ import annotations

import sys
import weakref
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any, Generic, TypeVar

import shiboken6
from PySide6.QtCore import QObject, QRunnable, Qt, QThreadPool, Signal, Slot

T = TypeVar("T")

_helpers: weakref.WeakSet[Background] = weakref.WeakSet()


@dataclass(eq=False)
class Ticket(Generic[T]):
    """One piece of work on its way; `cancel()` drops its result when it arrives."""

    owner: weakref.ref[Background]
    done: Callable[[T], None]
    failed: Callable[[BaseException], None] | None
    cancelled: bool = field(default=False)

    def cancel(self) -> None:
        self.cancelled = True


class _Relay(QObject):
    """Lives on the GUI thread for the whole process: results cross threads through it."""

    arrived = Signal(object, object, object)  # ticket, result, error

    def __init__(self) -> None:
        super().__init__()
        self.arrived.connect(self._deliver, Qt.ConnectionType.QueuedConnection)

    @Slot(object, object, object)
    def _deliver(self, ticket: Ticket[Any], result: Any, error: BaseException | None) -> None:
        owner = ticket.owner()
        if owner is None or not shiboken6.isValid(owner):
            return
        owner._pending.discard(ticket)
        if ticket.cancelled:
            return
        if error is None:
            ticket.done(result)
        elif ticket.failed is not None:
            ticket.failed(error)
        else:
            sys.excepthook(type(error), error, error.__traceback__)  # the app's error dialog


_relay: _Relay | None = None


def _the_relay() -> _Relay:
    global _relay
    if _relay is None or not shiboken6.isValid(_relay):
        _relay = _Relay()  # made on the GUI thread: `run` is only called there
    return _relay


class _Work(QRunnable):
    def __init__(self, relay: _Relay, ticket: Ticket[Any], work: Callable[[], Any]):
        super().__init__()
        self.relay, self.ticket, self.work = relay, ticket, work

    def run(self) -> None:
        if self.ticket.cancelled:
            result, error = None, None
        else:
            try:
                result, error = self.work(), None
            except Exception as e:  # delivered to `failed` or the app's error dialog
                result, error = None, e
        self.relay.arrived.emit(self.ticket, result, error)


class Background(QObject):
    """A few threads of its own for one part of the window (its parent)."""

    def __init__(self, parent: QObject | None, *, threads: int = 1, name: str = "") -> None:
        super().__init__(parent)
        self.setObjectName(name)
        self.pool = QThreadPool(self)
        self.pool.setMaxThreadCount(threads)
        self._pending: set[Ticket[Any]] = set()
        _helpers.add(self)

    def run(
        self,
        work: Callable[[], T],
        done: Callable[[T], None],
        *,
        failed: Callable[[BaseException], None] | None = None,
        priority: int = 0,
    ) -> Ticket[T]:
        """`work()` on a pool thread, then `done(result)` (or `failed(error)`) here."""
        ticket: Ticket[T] = Ticket(weakref.ref(self), done, failed)
        self._pending.add(ticket)
        self.pool.start(_Work(_the_relay(), ticket, work), priority)
        return ticket

    def busy(self) -> bool:
        """Work queued, running, or with its result still to be delivered."""
        return bool(self._pending) or self.pool.activeThreadCount() > 0

    def cancel_all(self) -> None:
        """Drop what has not started, and the results of what has."""
        self.pool.clear()
        for ticket in self._pending:
            ticket.cancel()
        self._pending.clear()

    def shutdown(self, timeout_ms: int = 5_000) -> None:
        """Cancel everything and wait for the threads to finish what they are doing."""
        self.cancel_all()
        self.pool.waitForDone(timeout_ms)


def busy_helpers() -> list[str]:
    """The helpers still working, by name (for tests that must leave nothing running)."""
    return [
        h.objectName() or type(h.parent()).__name__
        for h in list(_helpers)
        if shiboken6.isValid(h) and h.busy()
    ]
