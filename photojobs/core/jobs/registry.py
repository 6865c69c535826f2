"""Job type -> handler. A handler is a plain function `(context, job) -> None`."""

from __future__ import annotations

from collections.abc import Callable
from typing import TYPE_CHECKING

from photojobs.core.jobs.model import JobRecord

if TYPE_CHECKING:
    from photojobs.core.jobs.context import JobContext

Handler = Callable[["JobContext", JobRecord], None]


class HandlerRegistry:
    def __init__(self) -> None:
        self._handlers: dict[str, Handler] = {}

    def register(self, job_type: str, handler: Handler) -> None:
        self._handlers[job_type] = handler

    def get(self, job_type: str) -> Handler | None:
        return self._handlers.get(job_type)

    def types(self) -> list[str]:
        return sorted(self._handlers)

    def copy(self) -> HandlerRegistry:
        other = HandlerRegistry()
        other._handlers = dict(self._handlers)
        return other
